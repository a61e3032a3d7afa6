"""A unit's report file, in the IOC's template, read into records; and the report sent back.

One function, read_report(), turns the bytes of one file into records, whoever received it
(the watched folder of data_sources/spreadsheet.py today, an upload page later); report_text()
says, row by row, what became of it. Nothing here guesses:

- The data sheet is the one named "Số liệu" (or the source's `sheet` option); failing that,
  the one visible sheet with the template's header, never an instruction or example sheet.
  Several candidates are refused by name.
- Headers match the template's exactly once normalised (case, spaces, Unicode form, a hint
  in brackets such as "(dd/mm/yyyy)"): "Ngày lập báo cáo" is not "Ngày". A missing column or
  one given twice refuses the file; an unknown column is named in the report and not read.
- Each cell is read by what it is: a date cell as a date, a percentage cell (98,6 %) as the
  number it shows; a formula without a calculated value, an error cell (#DIV/0!), a fraction
  whose percentage format cannot be seen, or a percentage given for a count is refused with
  the cell's address. A row the reader cannot use still becomes a record, carrying the
  Problem, so that it is quarantined and reported like any refused figure.
- The same figure twice in one file: the same value is taken once (noted), two different
  values are both refused.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import time
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from base import formatting as fmt
from base import localtime
from base.catalogue import Catalogue
from base.i18n import _
from base.problems import Problem
from data_sources.base import Record, SourceError
from data_sources.cells import CellError, Percent, Uncalculated
from data_sources.office_files import Workbook, column_letter
from data_sources.parsing import parse_number
from data_sources.spreadsheet_template import COLUMNS, DATA_SHEET

HEADER_SEARCH_ROWS = 30
REQUIRED = ("date", "metric", "value")
DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d")  # day first, as Vietnam writes dates
INSTRUCTION_SHEETS = ("huong dan", "vi du", "instruction", "example", "readme", "guide")  # compared normalised
FORMAT_NAMES = {
    "xlsx": "Excel (.xlsx)",
    "xls": "Excel 97-2003 (.xls)",
    "xlsb": "Excel (.xlsb)",
    "ods": "OpenDocument (.ods)",
}


def normalised(label: Any) -> str:
    """A header as compared: lower case, single spaces, without tone marks (a unit typing
    "Ngay" or "Gia tri" without them means the same column; the template's headers stay
    distinct), without a hint in brackets or a trailing colon or asterisk
    ("Ngày (dd/mm/yyyy)" → "ngay", "Giá trị*:" → "gia tri")."""
    return _normalised(str(label or ""))


@functools.lru_cache(maxsize=4096)  # asked of every row's metric code, which repeat
def _normalised(label: str) -> str:
    decomposed = unicodedata.normalize("NFD", label).lower().replace("đ", "d")
    text = " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())
    text = re.sub(r"\s*[\(\[].*?[\)\]]\s*$", "", text)
    return text.rstrip(":* ").strip()


ROLES = {normalised(title): role for title, _width, role in COLUMNS}  # "" for columns shown, not read
assert len(ROLES) == len(COLUMNS), "two template headers read alike once normalised"


@dataclass(frozen=True)
class Limits:
    max_rows: int = 500_000
    max_expanded_bytes: int = 300_000_000
    sheet: str = DATA_SHEET


@dataclass
class Reading:
    """What one file gave: records (a refused row's value is its Problem), and what to report."""

    name: str
    digest: str = ""
    problem: Problem | None = None  # why the whole file is refused
    format: str = ""
    sheet: str = ""
    rows: int = 0
    blank_rows: list[int] = field(default_factory=list)  # template rows whose value was left empty
    records: list[Record] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)  # said in the report, not refusing anything


@dataclass(frozen=True)
class Header:
    row: int
    columns: dict[str, int]


def _header(cells: list[Any]) -> tuple[dict[str, int], dict[str, list[int]], list[tuple[int, str]]]:
    """(role → column, role → columns when given twice, unknown (column, text))."""
    found: dict[str, list[int]] = {}
    unknown = []
    for index, cell in enumerate(cells):
        if not isinstance(cell, str) or not cell.strip():
            continue
        role = ROLES.get(normalised(cell))
        if role is None:
            unknown.append((index, cell.strip()))
        elif role:
            found.setdefault(role, []).append(index)
    return {r: i[0] for r, i in found.items()}, {r: i for r, i in found.items() if len(i) > 1}, unknown


def _role_title(role: str) -> str:
    return next(title for title, _width, r in COLUMNS if r == role)


def _find_header(rows: list[tuple[int, list[Any]]]) -> tuple[Header | None, list[str]]:
    """The header row among the first rows, or None and the template columns the best row lacks."""
    best: list[str] = list(REQUIRED)
    for number, cells in rows:
        columns, twice, unknown = _header(cells)
        missing = [role for role in REQUIRED if role not in columns]
        if not missing:
            if twice:
                role, indexes = next(iter(twice.items()))
                raise SourceError(
                    "sheet.duplicate_column",
                    column=_role_title(role),
                    cells=", ".join(f"{column_letter(i)}{number}" for i in indexes),
                )
            return Header(number, columns), [f"{column_letter(i)} “{text}”" for i, text in unknown]
        if len(columns) > len(REQUIRED) - len(best):
            best = missing
    return None, [_role_title(role) for role in best]


def _head(workbook: Workbook, sheet: str) -> list[tuple[int, list[Any]]]:
    rows = []
    for row in workbook.rows(sheet):
        rows.append(row)
        if len(rows) >= HEADER_SEARCH_ROWS:
            break
    return rows


def _choose_sheet(workbook: Workbook, wanted: str) -> tuple[str, Header, list[str]]:
    sheets = [s for s in workbook.sheets() if s.visible]
    named = [s.name for s in sheets if normalised(s.name) == normalised(wanted)]
    if workbook.format == "text":
        named = ["CSV"]
    candidates = named or [s.name for s in sheets if not normalised(s.name).startswith(INSTRUCTION_SHEETS)]
    found: dict[str, tuple[Header, list[str]]] = {}
    lacking: list[str] = list(map(_role_title, REQUIRED))
    for name in candidates:
        header, detail = _find_header(_head(workbook, name))
        if header is not None:
            found[name] = (header, detail)
        elif len(detail) < len(lacking):
            lacking = detail
    if len(found) > 1:
        raise SourceError("sheet.several", sheets=", ".join(f"“{n}”" for n in found), name=wanted)
    if not found:
        if named and workbook.format != "text":
            raise SourceError("sheet.named_without_header", sheet=named[0], columns=", ".join(lacking))
        raise SourceError("sheet.no_header", columns=", ".join(lacking), name=wanted)
    name, (header, unknown) = next(iter(found.items()))
    return name, header, unknown


def _text(value: Any) -> str:
    """A cell as text, "" for a mark or nothing (office_files gives text NFC-normalised already)."""
    return str(value).strip() if isinstance(value, (str, int, float)) else ""


def _province(value: Any) -> str:
    """A province code as typed: 79, "79", or 1 for 01 (a number cell drops the leading zero)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _text(value)


def _row_number(record: Record) -> int:
    """The row a record came from: the last part of its origin ("tuan48.xlsx · Số liệu · 12")."""
    return int(record.origin.rsplit(" · ", 1)[-1])


def _cell(cells: list[Any], columns: dict[str, int], role: str) -> Any:
    index = columns.get(role)
    return cells[index] if index is not None and index < len(cells) else None


def _unusable(value: Any, address: str) -> Problem | None:
    if isinstance(value, Uncalculated):
        return Problem.of("cell.uncalculated", cell=address, formula=value.formula[:80])
    if isinstance(value, CellError):
        return Problem.of("cell.error", cell=address, shown=value.shown)
    return None


@functools.lru_cache(maxsize=8192)  # a report repeats a few dates; strptime is most of a CSV's reading time
def _day_from_text(text: str) -> dt.date | None:
    for pattern in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _date(value: Any, address: str) -> dt.datetime | Problem:
    if problem := _unusable(value, address):
        return problem
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, str) and value.strip():
        found = _day_from_text(value.strip())
        if found is None:
            return Problem.of("cell.bad_date", cell=address, value=value.strip()[:40])
        day = found
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        return Problem.of("cell.date_as_number", cell=address, value=fmt.plain(float(value)))
    else:
        return Problem.of("cell.no_date", cell=address)
    return dt.datetime.combine(day, dt.time(), tzinfo=localtime.zone())


def _value(value: Any, address: str, metric: Any, formats_known: bool) -> float | Problem | None:
    """The figure the cell shows, None when left blank, or why it cannot be taken."""
    if problem := _unusable(value, address):
        return problem
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, Percent):
        if metric is not None and metric.kind == "count":
            return Problem.of("cell.percent_for_count", cell=address, shown=fmt.percent(value * 100, 2))
        return round(float(value) * 100, 9)  # 0.986 shown as 98,6 %: the figure meant is 98.6
    if isinstance(value, (dt.date, dt.datetime)):
        return Problem.of("cell.date_as_value", cell=address)
    if isinstance(value, str) and value.strip().endswith("%") and metric is not None and metric.kind == "count":
        return Problem.of("cell.percent_for_count", cell=address, shown=value.strip()[:20])
    number = parse_number(value) if not isinstance(value, bool) else value
    if (
        not formats_known
        and isinstance(number, float)
        and metric is not None
        and metric.kind == "gauge"
        and metric.max <= 100
        and 0 < abs(number) < 1
        and not isinstance(value, str)
    ):
        # calamine does not say whether 0.986 was shown as 98,6 %: refused, not guessed.
        return Problem.of("cell.maybe_percent", cell=address, value=fmt.plain(number))
    return number


def _belongs(metric_code: str, row_unit: str, database: str, sender: str, catalogue: Catalogue) -> Problem | None:
    """Why a row is not the sending unit's to report, if it is not: a folder (or, later, an
    upload) carries one unit's figures, never another unit's or another unit's database."""
    if not metric_code:
        return Problem.of("row.no_metric")  # a total or a note beside the figures
    if row_unit != sender:
        return Problem.of("row.other_unit", unit=row_unit, sender=sender)
    metric = catalogue.metrics.get(metric_code)
    owner = catalogue.databases[database].owner if database in catalogue.databases else ""
    if metric is not None and metric.scope == "database" and owner and owner != sender:
        return Problem.of("row.other_database", database=database, owner=owner, sender=sender)
    return None


def read_report(
    name: str, content: bytes, catalogue: Catalogue, unit: str, limits: Limits, deadline: float | None = None
) -> Reading:
    """Read one report file; a whole-file refusal is Reading.problem, never an exception."""
    reading = Reading(name)
    seconds = deadline - time.monotonic() if deadline is not None else 60.0
    try:
        workbook = Workbook(content, limits.max_expanded_bytes, seconds=max(1.0, seconds))
    except SourceError as error:
        reading.problem = error.problem
        return reading
    reading.format = workbook.format
    try:
        _read_rows(reading, workbook, catalogue, unit, limits, deadline)
    except SourceError as error:
        reading.problem = error.problem
    finally:
        workbook.close()
    if reading.problem:
        reading.records = []
    elif not reading.records:
        reading.problem = Problem.of("spreadsheet.no_rows")
    return reading


def _read_rows(
    reading: Reading, workbook: Workbook, catalogue: Catalogue, unit: str, limits: Limits, deadline: float | None
) -> None:
    sheet, header, unknown = _choose_sheet(workbook, limits.sheet)
    reading.sheet = sheet
    if unknown:
        reading.notes.append(Problem.of("sheet.unknown_columns", columns=", ".join(unknown)))
    columns = header.columns
    seen: dict[tuple[str, str, str, str, dt.datetime], int] = {}  # figure → index in records
    conflicted: set[int] = set()
    for number, cells in workbook.rows(sheet):
        if number <= header.row:
            continue
        if deadline is not None and time.monotonic() > deadline:
            raise SourceError("file.too_slow", row=number)
        if not any(_text(c) or isinstance(c, (CellError, Uncalculated, dt.date)) for c in cells):
            continue  # blank rows are common between blocks
        metric_cell = _cell(cells, columns, "metric")
        looks_like_header = isinstance(metric_cell, str) and ROLES.get(normalised(metric_cell)) == "metric"
        if looks_like_header and all(role in _header(cells)[0] for role in REQUIRED):
            reading.notes.append(Problem.of("row.header_again", row=number))
            continue  # the header repeated above another block of rows
        reading.rows += 1
        if reading.rows > limits.max_rows:
            raise SourceError("spreadsheet.too_many_rows", limit=limits.max_rows)
        metric_code = _text(metric_cell)
        row_unit = _text(_cell(cells, columns, "unit")) or unit
        database = _text(_cell(cells, columns, "database"))
        province = _province(_cell(cells, columns, "province"))
        origin = f"{reading.name} · {sheet} · {number}"
        address = f"{column_letter(columns['value'])}{number}"
        value = _value(
            _cell(cells, columns, "value"), address, catalogue.metrics.get(metric_code), workbook.formats_known
        )
        if value is None:
            reading.blank_rows.append(number)  # a figure the unit did not report this time
            continue
        ts = _date(_cell(cells, columns, "date"), f"{column_letter(columns['date'])}{number}")
        if not isinstance(value, Problem):
            value = _belongs(metric_code, row_unit, database, unit, catalogue) or value
        if isinstance(value, Problem):  # the value's reason before the date's: it says more
            reading.records.append(Record(metric_code, ts, value, row_unit, database, origin, province))
            continue
        if isinstance(ts, Problem):
            reading.records.append(Record(metric_code, ts, ts, row_unit, database, origin, province))
            continue
        record = Record(metric_code, ts, value, row_unit, database, origin, province)
        key = (metric_code, row_unit, database, province, ts)
        earlier = seen.get(key)
        if earlier is None:
            seen[key] = len(reading.records)
            reading.records.append(record)
            continue
        first = reading.records[earlier]
        first_row = str(_row_number(first))  # as written in the report, not as a number (1234, not 1.234)
        if earlier not in conflicted and first.value == value:
            reading.notes.append(Problem.of("row.repeated", row=number, earlier=first_row))
            continue
        conflict = Problem.of("row.conflict", rows=f"{first_row}, {number}", values=[first.value, value])
        if earlier not in conflicted:
            reading.records[earlier] = first._replace(value=conflict)
            conflicted.add(earlier)
        reading.records.append(record._replace(value=conflict))


def report_text(reading: Reading, refused: dict[int, Problem], received: float, taken: bool) -> str:
    """The report written beside the file, row by row (refused: index in records → reason)."""
    lines = [
        _("File: {name}").format(name=reading.name),
        _("Received: {time}").format(time=fmt.when(received, with_seconds=True)),
        f"SHA-256: {reading.digest or '—'}",
        _("Result: TAKEN") if taken else _("Result: REFUSED"),
    ]
    if reading.format:
        lines.append(_("Format: {format}").format(format=FORMAT_NAMES.get(reading.format, _("text (CSV)"))))
    if reading.sheet and reading.format != "text":
        lines.append(_("Sheet read: {sheet}").format(sheet=reading.sheet))
    if reading.problem:
        lines.append(_("Reason: {reason}").format(reason=reading.problem.text()))
    lines += [_("Note: {note}").format(note=note.text()) for note in reading.notes]
    if reading.problem:
        return "\n".join(lines) + "\n"
    stored = len(reading.records) - len(refused)
    lines += [
        _("Rows of figures: {n}").format(n=reading.rows),
        _("Taken: {n}").format(n=stored),
        _("Quarantined: {n}").format(n=len(refused)),
        _("Values left blank: {n}").format(n=len(reading.blank_rows)),
        "",
        _("Row by row:"),
    ]
    outcomes: list[tuple[int, str]] = [(row, _("row {row}: left blank").format(row=row)) for row in reading.blank_rows]
    for index, record in enumerate(reading.records):
        row = _row_number(record)
        figure = record.metric or _("(blank)")
        day = fmt.date(record.ts.date()) if isinstance(record.ts, dt.datetime) else "?"
        shown = fmt.plain(record.value) if isinstance(record.value, float) else "—"
        if index in refused:
            text = _("row {row}: {metric} {day} = {value}: quarantined: {reason}").format(
                row=row, metric=figure, day=day, value=shown, reason=refused[index].text()
            )
        else:
            text = _("row {row}: {metric} {day} = {value}: stored").format(row=row, metric=figure, day=day, value=shown)
        outcomes.append((row, text))
    lines += ["  " + text for _row, text in sorted(outcomes)]
    return "\n".join(lines) + "\n"
