"""python-calamine run in a child process with a memory ceiling, for .xls, .xlsb and .ods.

calamine holds a sheet as a dense grid over the bounding box of its cells: a 1.4 kB .ods that
repeats a row a million times took 2.2 GB, and two cells at opposite corners of an .xlsb sheet
would ask for hundreds of gigabytes, which the Rust allocator answers by aborting the whole
process, collector and all. So the reading runs in a child process whose address space is
capped (RLIMIT_AS): a workbook that needs more kills only the child, and the file is refused
with a reason. The child gets the file on stdin and answers with a pickle of its visible
sheets' rows (values only: numbers, text, dates, booleans) on stdout.
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

ROOT = Path(__file__).resolve().parent.parent
MEMORY_CEILING = 2 * 1024**3  # bytes of address space for the child, Python and calamine included


def read_sheets(content: bytes, max_cells: int, timeout: float) -> list[tuple[str, bool, list[list[Any]]]]:
    """[(sheet name, visible, rows)] of a workbook, or SourceError saying why it cannot be read."""
    try:
        finished = subprocess.run(
            [sys.executable, "-m", "data_sources.isolated_reader", str(max_cells)],
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


def _child(max_cells: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CEILING, MEMORY_CEILING))
    import python_calamine

    content = sys.stdin.buffer.read()
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
    _child(int(sys.argv[1]))
