"""Every table on the pages, downloadable as CSV (UTF-8 with BOM, for Excel) or XLSX:
/tai-ve/<name>.csv|xlsx with the page's filters (?week=, ?unit=, ?db=).

The rows are the page's own table (dashboards/tables.py), in the reader's language; numbers
stay numbers and times are dates in the XLSX, plain decimals and local times in the CSV.

Text that a spreadsheet would take for a formula never runs (base/spreadsheet_text.py): in
the XLSX it is a text cell marked as such, its value unchanged; in the CSV, which has no text
type, it is preceded by an apostrophe (OWASP's advice), the value still readable as sent.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from flask import Flask, Response, abort, request
from openpyxl import Workbook

from base import localtime
from base.spreadsheet_text import keep_as_text, looks_like_formula
from dashboards.reader import Reader
from dashboards.table import Table
from dashboards.tables import TABLES
from dashboards.web_safety import attachment

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
QUERY_KEYS = ("unit", "db", "week", "metric", "database")


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if looks_like_formula(value):
        return "'" + value
    if isinstance(value, dt.datetime):
        return value.strftime("%H:%M %d/%m/%Y")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return value


def to_csv(table: Table) -> bytes:
    header, rows = table.exported()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([[_csv_value(v) for v in row] for row in rows])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8


def to_xlsx(table: Table, title: str) -> bytes:
    header, rows = table.exported()
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = title[:31]
    sheet.append(header)
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if keep_as_text(cell):
                continue
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "dd/mm/yyyy hh:mm"
            elif isinstance(cell.value, dt.date):
                cell.number_format = "dd/mm/yyyy"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def register(server: Flask, reader: Reader) -> None:
    @server.route("/tai-ve/<name>.<fmt>")
    def download(name: str, fmt: str) -> Response:
        if name not in TABLES or fmt not in ("csv", "xlsx"):
            abort(404)
        query = {k: request.args[k][:64] for k in QUERY_KEYS if request.args.get(k)}
        table = TABLES[name](reader, query)
        # Only what names a known unit, database or week goes into the file's name.
        catalogue = reader.config.catalogue
        known = {
            "unit": query.get("unit") in catalogue.units,
            "db": query.get("db") in catalogue.databases,
            "week": localtime.parse_week_label(query.get("week", "")) is not None,
        }
        filename = "-".join([name] + [query[k] for k in ("unit", "db", "week") if known[k]])
        if fmt == "csv":
            return attachment(to_csv(table), f"{filename}.csv", "text/csv")
        return attachment(to_xlsx(table, name), f"{filename}.xlsx", XLSX)
