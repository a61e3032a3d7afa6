"""The XLSX appendix: every figure of the briefing, one sheet per section, numbers as numbers
(printed to one decimal, kept to four), dates as dates. It writes the document
briefings/layout.py lays out: the columns kept for the appendix, with the values its cells keep."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from base.formatting import nfc
from base.i18n import _, language
from base.palette import LIGHT_BG
from base.spreadsheet_text import keep_as_text
from briefings.layout import Layout, Sentences, Table, lay_out
from briefings.model import Briefing
from briefings.packaging import dated_package

BOLD = Font(bold=True)
CAPTION = Font(bold=True, size=12)
HEAD_FILL = PatternFill("solid", fgColor="E3E7EE")


def render_xlsx(b: Briefing, built_at: float) -> bytes:
    with language(b.lang):
        return _render(lay_out(b, built_at), built_at)


def _render(layout: Layout, built_at: float) -> bytes:
    book = Workbook()
    info = book.worksheets[0]
    info.title = _title(_("About"))
    for label, value in layout.info:
        info.append([label, _text(value)])
    for row in info.iter_rows(max_col=1):
        row[0].font = BOLD
    info.column_dimensions["A"].width, info.column_dimensions["B"].width = 26, 60
    for section in layout.sections:
        sheet = book.create_sheet(_title(section.sheet))
        widths: dict[int, float] = {}
        tables = [block for block in section.blocks if isinstance(block, (Table, Sentences))]
        for index, block in enumerate(tables):
            if index:
                sheet.append([])
            if isinstance(block, Sentences):
                _append(sheet, [block.heading], [[line] for line in block.lines], widths)
                widths[1] = 140
            else:
                _append_table(sheet, block, widths)
        if tables and not (isinstance(tables[0], Table) and tables[0].caption):
            sheet.freeze_panes = "A2"
        for column, width in widths.items():
            sheet.column_dimensions[get_column_letter(column)].width = width
    book.properties.creator = "IOC"
    book.properties.title = layout.title
    stamp = dt.datetime.fromtimestamp(built_at, dt.UTC).replace(tzinfo=None, microsecond=0)
    book.properties.created = book.properties.modified = stamp
    buffer = io.BytesIO()
    book.save(buffer)
    return dated_package(buffer.getvalue(), built_at)


def _append_table(sheet: Worksheet, table: Table, widths: dict[int, float]) -> None:
    if table.caption:
        sheet.append([table.caption])
        sheet.cell(sheet.max_row, 1).font = CAPTION
    shown = table.shown(appendix=True)
    header = [table.columns[i].heading(appendix=True) for i in shown]
    if not table.rows:
        _append(sheet, header, [[table.empty]], widths)
        return
    _append(sheet, header, [[row[i].value for i in shown] for row in table.rows], widths)
    first = sheet.max_row - len(table.rows) + 1
    for r, row in enumerate(table.rows, start=first):
        for c, index in enumerate(shown, start=1):
            cell, column = sheet.cell(r, c), table.columns[index]
            if isinstance(cell.value, float):
                cell.number_format = "0.0"
            elif isinstance(cell.value, dt.datetime):
                cell.number_format = "dd/mm/yyyy" if column.date else "dd/mm/yyyy hh:mm"
            if row[index].fill:
                cell.fill = PatternFill("solid", fgColor=LIGHT_BG[row[index].fill or "none"].lstrip("#"))


def _append(sheet: Worksheet, header: list[str], rows: list[list[Any]], widths: dict[int, float]) -> None:
    sheet.append([_text(h) for h in header])
    for cell in sheet[sheet.max_row]:
        cell.font, cell.fill = BOLD, HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        sheet.append([_text(v) for v in row])
        for cell in sheet[sheet.max_row]:
            keep_as_text(cell)  # a directive, a raw value or a name that starts like a formula stays text
    for index, text in enumerate(header, start=1):
        widths[index] = max(widths.get(index, 0), max(12, min(48, len(str(text)) + 4)))


def _text(value: Any) -> Any:
    """Every string NFC, as in the PDF and the DOCX."""
    return nfc(value) if isinstance(value, str) else value


def _title(text: str) -> str:
    # Excel sheet names: at most 31 characters, none of : \ / ? * [ ]
    return "".join(ch for ch in text if ch not in ":\\/?*[]")[:31]
