"""A unit's own database (kind = "sql"): a read-only, parameterised query.

The query gets bound parameters :since and :until (the collection window, UTC) and
:last_collected (the newest record time this source delivered before, for incremental
collection; :since when there is none). The connection is opened read-only where the driver
allows it (SQLite mode=ro, PostgreSQL default_transaction_read_only) and every statement is
rolled back; a statement timeout applies (PostgreSQL statement_timeout, a progress handler
on SQLite). Rows map to records by column names, wide (one column per metric) or long (a
metric column and a value column).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import time
from typing import Any

from pydantic import Field, model_validator
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from base.catalogue import Catalogue
from data_sources.base import OptionError, Options, Record, Source, SourceError, Window, check_codes, series_of
from data_sources.parsing import parse_number, parse_time

_FIRST_WORD = re.compile(r"^\s*(?:--[^\n]*\n\s*|/\*.*?\*/\s*)*(\w+)", re.S)


class ColumnMapping(Options):
    metric: str
    column: str


class SqlOptions(Options):
    url: str = ""  # SQLAlchemy URL without secrets, or
    url_env: str = ""  # the environment variable that holds it
    query: str
    time_column: str = ""  # empty = the time of collection
    time_format: str = "iso"
    unit: str = ""
    unit_column: str = ""
    database: str = ""
    database_column: str = ""
    province_column: str = ""  # the province's code ("01") when rows are per province
    values: list[ColumnMapping] = Field(default_factory=list)  # wide rows, or
    metric_column: str = ""  # long rows: metric code ...
    value_column: str = ""  # ... and its value
    statement_timeout: float = Field(default=20, gt=0, le=3600)
    max_rows: int = Field(default=200_000, ge=1)

    @model_validator(mode="after")
    def _shape(self) -> SqlOptions:
        if bool(self.url) == bool(self.url_env):
            raise ValueError("give exactly one of url and url_env")
        if not self.values and not (self.metric_column and self.value_column):
            raise ValueError("give values (one column per metric) or metric_column and value_column")
        word = _FIRST_WORD.match(self.query)
        if not word or word.group(1).upper() not in ("SELECT", "WITH"):
            raise ValueError("query must be a single SELECT (or WITH ... SELECT)")
        if ";" in self.query.strip().rstrip(";"):
            raise ValueError("query must be a single statement")
        return self


class SqlSource(Source[SqlOptions]):
    options_model = SqlOptions

    @classmethod
    def declared_series(cls, options: SqlOptions, catalogue: Catalogue) -> set[tuple[str, str, str]]:
        if options.unit_column or options.database_column or options.metric_column:
            return set()  # known only from the rows
        return series_of(catalogue, options.unit, options.database, [v.metric for v in options.values])

    @classmethod
    def check_options(cls, options: SqlOptions, catalogue, config_dir) -> None:
        check_codes(
            catalogue,
            unit=options.unit,
            database=options.database,
            metrics={f"values[{i}].metric": m.metric for i, m in enumerate(options.values)},
        )
        if options.url:
            try:
                make_url(options.url)
            except Exception as error:  # noqa: BLE001 - any parse failure is a bad URL
                raise OptionError("url", f"not a SQLAlchemy URL ({error})") from None

    def _engine(self):
        options = self.options
        url_text = options.url or os.environ.get(options.url_env, "")
        if not url_text:
            raise SourceError("env.url_missing", variable=options.url_env)
        url = make_url(url_text)
        backend = url.get_backend_name()
        timeout_ms = int(options.statement_timeout * 1000)
        if backend == "sqlite":
            # Read-only at the driver: a write fails even if the query tried one.
            path = url.database or ""
            engine = create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
            deadline: dict[str, float] = {}

            @event.listens_for(engine, "connect")
            def _limit(dbapi_connection, _record):
                dbapi_connection.set_progress_handler(
                    lambda: int(time.monotonic() > deadline.get("at", float("inf"))), 10_000
                )

            engine._ioc_deadline = deadline  # type: ignore[attr-defined]
            return engine
        if backend == "postgresql":
            return create_engine(
                url,
                connect_args={
                    "options": f"-c default_transaction_read_only=on -c statement_timeout={timeout_ms}",
                    "connect_timeout": max(1, int(options.statement_timeout)),
                },
            )
        return create_engine(url)

    def fetch(self, window: Window) -> list[Record]:
        options = self.options
        engine = self._engine()
        params: dict[str, Any] = {
            "since": window.start,
            "until": window.end,
            "last_collected": window.last_collected or window.start,
        }
        if engine.dialect.name == "sqlite":  # no datetime type: UTC text, "2026-11-25 08:30:00"
            params = {
                k: v.astimezone(dt.UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="seconds")
                for k, v in params.items()
            }
        deadline = getattr(engine, "_ioc_deadline", None)
        try:
            with engine.connect() as connection:
                if deadline is not None:
                    deadline["at"] = time.monotonic() + options.statement_timeout
                result = connection.execute(text(options.query), params)
                columns = list(result.keys())
                rows = result.fetchmany(options.max_rows + 1)
                connection.rollback()
        except SQLAlchemyError as error:
            raise _explain(error, options.statement_timeout) from None
        finally:
            engine.dispose()
        if len(rows) > options.max_rows:
            raise SourceError("sql.too_many_rows", limit=options.max_rows)
        needed = [m.column for m in options.values] + [
            c
            for c in (
                options.time_column,
                options.unit_column,
                options.database_column,
                options.province_column,
                options.metric_column,
                options.value_column,
            )
            if c
        ]
        missing = [c for c in needed if c not in columns]
        if missing:
            raise SourceError("sql.missing_columns", columns=", ".join(missing))
        return self._records([dict(zip(columns, row, strict=True)) for row in rows])

    def _records(self, rows: list[dict[str, Any]]) -> list[Record]:
        options = self.options
        collected_at = dt.datetime.now(dt.UTC)
        records = []
        for row in rows:
            ts = parse_time(row[options.time_column], options.time_format) if options.time_column else collected_at
            unit = options.unit or str(row.get(options.unit_column) or "")
            database = options.database or str(row.get(options.database_column) or "")
            province = str(row.get(options.province_column) or "") if options.province_column else ""
            if options.metric_column:
                value = parse_number(row[options.value_column])
                records.append(Record(str(row[options.metric_column]), ts, value, unit, database, province=province))
            for mapping in options.values:
                value = parse_number(row[mapping.column])
                records.append(Record(mapping.metric, ts, value, unit, database, province=province))
        return records


def _explain(error: SQLAlchemyError, timeout: float) -> SourceError:
    message = str(getattr(error, "orig", error)).strip().splitlines()[0][:300]
    lowered = message.lower()
    if "interrupted" in lowered or "statement timeout" in lowered or "canceling statement" in lowered:
        return SourceError("sql.timeout", seconds=timeout)
    if "read-only" in lowered or "readonly" in lowered:
        return SourceError("sql.read_only", detail=message)
    if "unable to open" in lowered or "could not connect" in lowered or "connection refused" in lowered:
        return SourceError("sql.unreachable", detail=message)
    return SourceError("sql.failed", detail=message)
