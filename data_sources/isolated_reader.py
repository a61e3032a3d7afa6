"""The .xls, .xlsb and .ods readers run in a child process with a memory ceiling.

.xls is read by xlrd, which shows each cell's number format (a percentage) and its errors
(#DIV/0!); .xlsb and .ods by python-calamine, which shows neither.

calamine holds a sheet as a dense grid over the bounding box of its cells: a 1.4 kB .ods that
repeats a row a million times took 2.2 GB, and two cells at opposite corners of an .xlsb sheet
would ask for hundreds of gigabytes, which the Rust allocator answers by aborting the whole
process, collector and all. So the reading runs in a child process whose address space is
capped (RLIMIT_AS): a workbook that needs more kills only the child, and the file is refused
with a reason (xlrd, pure Python, holds a whole .xls in memory too). The child gets the file
on stdin and answers with a pickle of its visible sheets' rows (numbers, text, dates,
booleans, and data_sources/cells.py's marks) on stdout.
"""

from __future__ import annotations

import io
import os
import pickle
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

from data_sources.base import SourceError
from data_sources.cells import CellError, Percent

ROOT = Path(__file__).resolve().parent.parent
MEMORY_CEILING = 2 * 1024**3  # bytes of address space for the child, Python and calamine included


def read_sheets(
    content: bytes, file_format: str, max_cells: int, timeout: float
) -> list[tuple[str, bool, list[list[Any]]]]:
    """[(sheet name, visible, rows)] of a workbook, or SourceError saying why it cannot be read."""
    try:
        finished = subprocess.run(
            [sys.executable, "-m", "data_sources.isolated_reader", file_format, str(max_cells)],
            input=content,
            capture_output=True,
            timeout=timeout,
            cwd=ROOT,
            check=False,
            # A panic while memory is exhausted deadlocked now and then writing its backtrace.
            env={**os.environ, "RUST_BACKTRACE": "0"},
        )
    except subprocess.TimeoutExpired:
        raise SourceError("file.too_slow_whole", seconds=round(timeout)) from None
    if finished.returncode != 0:
        if finished.returncode < 0 or b"MemoryError" in finished.stderr or b"memory allocation" in finished.stderr:
            raise SourceError("file.too_much_memory", limit=MEMORY_CEILING // 1024**2)
        raise SourceError("file.unreadable", format="Excel/ODS", error="reader")
    answer = pickle.loads(finished.stdout)  # our own child's answer, not the file's content
    if isinstance(answer, dict):
        raise SourceError(answer["code"], **answer["params"])
    return answer


def _xls(content: bytes, max_cells: int) -> Any:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=content, formatting_info=True, on_demand=True)
    except xlrd.XLRDError as error:
        if "encrypt" in str(error).lower():
            return {"code": "file.encrypted", "params": {}}
        return {"code": "file.unreadable", "params": {"format": "XLS", "error": "XLRDError"}}
    formats = {
        index: "%" in book.format_map[xf.format_key].format_str
        for index, xf in enumerate(book.xf_list)
        if xf.format_key in book.format_map
    }
    answer = []
    for index in range(book.nsheets):
        sheet = book.sheet_by_index(index)
        visible = sheet.visibility == 0
        if visible and sheet.nrows * sheet.ncols > max_cells:
            return {"code": "file.too_many_cells", "params": {"limit": max_cells}}
        rows = []
        for number in range(sheet.nrows if visible else 0):
            values: list[Any] = []
            for cell in sheet.row(number):
                if cell.ctype == xlrd.XL_CELL_ERROR:
                    values.append(CellError(xlrd.error_text_from_code.get(cell.value, "#ERR")))
                elif cell.ctype == xlrd.XL_CELL_DATE:
                    values.append(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
                elif cell.ctype == xlrd.XL_CELL_NUMBER and formats.get(cell.xf_index):
                    values.append(Percent(cell.value))
                elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                    values.append(bool(cell.value))
                else:
                    values.append(cell.value)
            rows.append(values)
        answer.append((sheet.name, visible, rows))
    return answer


def _child(file_format: str, max_cells: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CEILING, MEMORY_CEILING))
    content = sys.stdin.buffer.read()
    if file_format == "xls":
        sys.stdout.buffer.write(pickle.dumps(_xls(content, max_cells)))
        return
    import python_calamine

    answer: Any
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
        answer = []
        for meta in book.sheets_metadata:
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue
            visible = meta.visible == python_calamine.SheetVisibleEnum.Visible
            sheet = book.get_sheet_by_name(meta.name)
            if visible and sheet.height * sheet.width > max_cells:
                answer = {"code": "file.too_many_cells", "params": {"limit": max_cells}}
                break
            answer.append((meta.name, visible, sheet.to_python(skip_empty_area=False) if visible else []))
    except python_calamine.PasswordError:
        answer = {"code": "file.encrypted", "params": {}}
    except MemoryError:
        raise
    except Exception as error:  # noqa: BLE001 - the parent words it
        answer = {"code": "file.unreadable", "params": {"format": "Excel/ODS", "error": type(error).__name__}}
    sys.stdout.buffer.write(pickle.dumps(answer))


if __name__ == "__main__":
    _child(sys.argv[1], int(sys.argv[2]))
