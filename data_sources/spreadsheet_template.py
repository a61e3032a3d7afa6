"""The weekly report template the IOC publishes to units (read by data_sources/spreadsheet.py).

One sheet "Số liệu": a title, a note, then the header row and one pre-filled row per figure
the unit reports (its code and name), leaving the date and value for the unit to fill.
"""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from base import localtime
from base.catalogue import Catalogue
from base.i18n import _

# The headers are the report's format, read back by data_sources/spreadsheet.py whatever the
# language of the person who downloads the template: they are data, not text to translate.
# (header, width, what the reader takes from the column; "" for columns shown to help the unit)
COLUMNS = [
    ("Ngày (dd/mm/yyyy)", 18, "date"),
    ("Mã đơn vị", 12, "unit"),
    ("Mã CSDL", 12, "database"),
    ("Mã chỉ số", 26, "metric"),
    ("Tên chỉ số", 52, ""),
    ("Đơn vị tính", 14, ""),
    ("Giá trị", 16, "value"),
    ("Ghi chú", 30, ""),
    # Filled only by a unit whose system reports per province: one row per province and figure.
    ("Mã tỉnh", 10, "province"),
]
DATA_SHEET = "Số liệu"  # the sheet the reader takes, whatever other sheets the unit adds
HEADER_ROW = 4


def build_template(catalogue: Catalogue, unit_code: str, day: dt.date | None = None) -> bytes:
    """The .xlsx template for one unit, as bytes."""
    unit = catalogue.units[unit_code]
    day = day or localtime.now_local().date()
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = DATA_SHEET
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    sheet["A1"] = _("WEEKLY FIGURES REPORT — {unit}").format(unit=unit.name().upper())
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(COLUMNS))
    sheet["A2"] = _(
        "Fill in the date (dd/mm/yyyy) and the value of each figure; decimals take a comma (98,6), "
        "thousands a dot (1.234.567). Do not change the code columns. Save as .xlsx or .csv."
    )
    sheet["A2"].alignment = Alignment(wrap_text=True)
    sheet.row_dimensions[2].height = 32
    fill = PatternFill("solid", fgColor="0B2D55")
    for index, (title, width, _role) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=index, value=title)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = fill
        sheet.column_dimensions[cell.column_letter].width = width
    row = HEADER_ROW + 1
    for metric, database in catalogue.reported_by(unit_code):
        values = [
            day.strftime("%d/%m/%Y"),
            unit_code,
            database,
            metric.code,
            metric.name(),
            metric.measure(),
            None,
            f"{metric.min:g}–{metric.max:g}".replace(".", ","),
        ]
        for column, value in enumerate(values, start=1):
            sheet.cell(row=row, column=column, value=value)
        row += 1
    numbers = DataValidation(
        type="decimal",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=_("Invalid value"),
        error=_("Enter a number"),
    )
    sheet.add_data_validation(numbers)
    numbers.add(f"G{HEADER_ROW + 1}:G{row}")
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
