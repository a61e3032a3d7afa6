"""Weekly reports that units send as .xlsx or .csv (kind = "spreadsheet").

Files dropped in the source's folder (default <data folder>/drop/<source id>) are read row
by row in the IOC's template (data_sources/spreadsheet_template.py: one row per figure with
the columns Ngày, Mã đơn vị, Mã CSDL, Mã chỉ số, Giá trị). The header row is found by its
labels, so title rows and merged cells above it do no harm; hidden sheets are skipped;
formulas are read as their cached values; Vietnamese numbers (98,6 and 1.234.567) and
dd/mm/yyyy dates are read; CSV may be UTF-8 (with or without BOM) or Windows-1258.

Only once the run is committed is each file moved to processed/ (or rejected/, when nothing
in it could be read) with a report beside it; a file whose content (SHA-256) was ingested
before is never ingested again.
"""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import Field

from base import formatting as fmt
from base import localtime
from base.i18n import _
from base.problems import Problem
from data_sources.base import Options, Record, Source, SourceError, Window, check_codes
from data_sources.parsing import parse_number, parse_time

HEADERS = {"ngày": "date", "mã đơn vị": "unit", "mã csdl": "database", "mã chỉ số": "metric", "giá trị": "value"}
REQUIRED = ("date", "metric", "value")
SUFFIXES = (".xlsx", ".csv")
REGISTRY = ".ingested"


class SpreadsheetOptions(Options):
    unit: str  # the unit that sends these files
    folder: str = ""  # default: <data folder>/drop/<source id>
    max_bytes: int = Field(default=10_000_000, ge=1_000)
    max_rows: int = Field(default=50_000, ge=1)
    max_files: int = Field(default=50, ge=1)  # per run; the rest wait for the next


@dataclass
class Pending:
    path: Path
    digest: str
    problem: Problem | None = None  # why the whole file is refused
    rows: int = 0
    blank: int = 0  # template rows whose value was left empty
    records: list[Record] = field(default_factory=list)


def _label(value: Any) -> str:
    return " ".join(unicodedata.normalize("NFC", str(value or "")).strip().lower().split())


def _header_map(row: list[Any]) -> dict[str, int] | None:
    found: dict[str, int] = {}
    for index, cell in enumerate(row):
        label = _label(cell)
        for prefix, name in HEADERS.items():
            if label == prefix or label.startswith(prefix + " ") or label.startswith(prefix + "("):
                found.setdefault(name, index)
    return found if all(name in found for name in REQUIRED) else None


def read_rows(name: str, content: bytes) -> tuple[str, list[tuple[int, list[Any]]]]:
    """(sheet name, [(row number, cells)]) of the first visible sheet with a template header."""
    if name.lower().endswith(".csv"):
        return "CSV", _csv_rows(content)
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - any reader failure means an unreadable file
        raise SourceError("spreadsheet.excel_unreadable", error=type(error).__name__) from None
    try:
        for sheet in workbook.worksheets:
            if sheet.sheet_state != "visible":
                continue
            rows = [(number, list(values)) for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)]
            if any(_header_map(cells) for _, cells in rows[:30]):
                return sheet.title, rows
    finally:
        workbook.close()
    raise SourceError("spreadsheet.no_header_in_sheets")


def _csv_rows(content: bytes) -> list[tuple[int, list[Any]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Vietnamese Windows exports CSV in Windows-1258, whose tone marks combine: NFC below.
        try:
            text = content.decode("cp1258", errors="strict")
        except UnicodeDecodeError:
            raise SourceError("spreadsheet.not_text") from None
    text = unicodedata.normalize("NFC", text)
    # The delimiter is the one that makes a template header appear (csv.Sniffer is misled by
    # commas in a Vietnamese title line above a semicolon-separated table).
    for delimiter in (";", ",", "\t"):
        rows = [(number, row) for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1)]
        if any(_header_map(cells) for _, cells in rows[:30]):
            return rows
    return rows


def _column(cells: list[Any], columns: dict[str, int], name: str) -> Any:
    """The cell of a row under one of the template's columns (None where the row is short)."""
    index = columns.get(name)
    return cells[index] if index is not None and index < len(cells) else None


def _cell_text(value: Any) -> str:
    return unicodedata.normalize("NFC", str(value).strip()) if value is not None else ""


class SpreadsheetSource(Source[SpreadsheetOptions]):
    options_model = SpreadsheetOptions

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pending: list[Pending] = []

    @classmethod
    def check_options(cls, options: SpreadsheetOptions, catalogue, config_dir) -> None:
        check_codes(catalogue, unit=options.unit)

    @property
    def folder(self) -> Path:
        folder = Path(self.options.folder) if self.options.folder else self.data_dir / "drop" / self.source_id
        return folder if folder.is_absolute() else self.data_dir / folder

    def _ingested(self) -> dict[str, str]:
        registry = self.folder / "processed" / REGISTRY
        if not registry.exists():
            return {}
        return dict(line.split(" ", 1) for line in registry.read_text(encoding="utf-8").splitlines() if " " in line)

    def fetch(self, window: Window) -> list[Record]:
        folder = self.folder
        try:
            folder.mkdir(parents=True, exist_ok=True)
            files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)
        except OSError as error:
            raise SourceError("spreadsheet.folder_unreadable", folder=str(folder), error=error.strerror) from None
        ingested = self._ingested()
        self._pending = []
        records: list[Record] = []
        for path in files[: self.options.max_files]:
            pending = self._read(path, ingested)
            self._pending.append(pending)
            records += pending.records
        return records

    def _read(self, path: Path, ingested: dict[str, str]) -> Pending:
        try:
            size = path.stat().st_size
            if size > self.options.max_bytes:
                return Pending(path, "", Problem.of("spreadsheet.too_large", limit=self.options.max_bytes))
            content = path.read_bytes()
        except OSError as error:
            return Pending(path, "", Problem.of("spreadsheet.unreadable", error=error.strerror))
        digest = hashlib.sha256(content).hexdigest()
        if digest in ingested:
            return Pending(path, digest, Problem.of("spreadsheet.duplicate", earlier=ingested[digest]))
        try:
            sheet, rows = read_rows(path.name, content)
        except SourceError as error:
            return Pending(path, digest, error.problem)
        header_at = next((i for i, (_, cells) in enumerate(rows) if _header_map(cells)), None)
        if header_at is None:
            return Pending(path, digest, Problem.of("spreadsheet.no_header"))
        columns = _header_map(rows[header_at][1]) or {}
        pending = Pending(path, digest)
        for number, cells in rows[header_at + 1 :]:
            if not any(_cell_text(c) for c in cells):
                continue  # blank rows are common between blocks
            pending.rows += 1
            if pending.rows > self.options.max_rows:
                return Pending(path, digest, Problem.of("spreadsheet.too_many_rows", limit=self.options.max_rows))
            metric = _cell_text(_column(cells, columns, "metric"))
            unit = _cell_text(_column(cells, columns, "unit")) or self.options.unit
            database = _cell_text(_column(cells, columns, "database"))
            raw_date = _column(cells, columns, "date")
            ts = parse_time(raw_date if not isinstance(raw_date, str) else raw_date.strip(), "%d/%m/%Y")
            if isinstance(ts, str):
                ts = parse_time(ts, "iso")
            value = _column(cells, columns, "value")
            if value is None or _cell_text(value) == "":
                pending.blank += 1  # a figure the unit did not report this time: nothing to store
                continue
            value = parse_number(value)
            pending.records.append(Record(metric, ts, value, unit, database, f"{path.name} · {sheet} · {number}"))
        if not pending.records:
            pending.problem = Problem.of("spreadsheet.no_rows")
        return pending

    def after_commit(self, rejected: list[tuple[Record, Problem]]) -> None:
        reasons = {id(record): reason for record, reason in rejected if record is not None}
        now = localtime.now_local()
        for pending in self._pending:
            bad = [(r, reasons[id(r)]) for r in pending.records if id(r) in reasons]
            accepted = len(pending.records) - len(bad)
            target = "rejected" if pending.problem or accepted == 0 else "processed"
            destination = self._move(pending.path, self.folder / target)
            # The report is for the unit that sent the file: in the IOC's default language.
            report = [
                _("File: {name}").format(name=pending.path.name),
                _("Received: {time}").format(time=fmt.when(now.timestamp(), with_seconds=True)),
                f"SHA-256: {pending.digest or '—'}",
                _("Result: REFUSED") if target == "rejected" else _("Result: TAKEN"),
            ]
            if pending.problem:
                report.append(_("Reason: {reason}").format(reason=pending.problem.text()))
            else:
                report += [
                    _("Rows of figures: {n}").format(n=pending.rows),
                    _("Taken: {n}").format(n=accepted),
                    _("Quarantined: {n}").format(n=len(bad)),
                    _("Values left blank: {n}").format(n=pending.blank),
                ]
                report += [
                    "  - "
                    + _("row {row}: {metric} = {value}: {reason}").format(
                        row=record.origin.rsplit(" · ", 1)[-1],
                        metric=record.metric or _("(blank)"),
                        value=repr(record.value),
                        reason=reason.text(),
                    )
                    for record, reason in bad
                ]
            destination.with_name(destination.name + ".report.txt").write_text(
                "\n".join(report) + "\n", encoding="utf-8"
            )
            if target == "processed":
                with (self.folder / "processed" / REGISTRY).open("a", encoding="utf-8") as registry:
                    registry.write(f"{pending.digest} {pending.path.name} {now:%d/%m/%Y %H:%M}\n")
        self._pending = []

    def after_failure(self) -> None:
        self._pending = []  # the files stay where they are and are read again next time

    @staticmethod
    def _move(path: Path, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        destination = folder / path.name
        counter = 1
        while destination.exists():
            destination = folder / f"{path.stem}.{counter}{path.suffix}"
            counter += 1
        shutil.move(str(path), destination)
        return destination
