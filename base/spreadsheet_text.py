"""Text that a spreadsheet would take for a formula (it begins with =, +, -, @, a tab or a
carriage return; a unit system's value, a name or a directive may) never runs in a file the
IOC writes: in an XLSX it is a text cell marked as such (quotePrefix), its value unchanged.
Shared by the table downloads (dashboards/exports.py) and the briefing's appendix."""

from __future__ import annotations

from openpyxl.cell.cell import TYPE_STRING, Cell, MergedCell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def keep_as_text(cell: Cell | MergedCell) -> bool:
    """Mark cell as text when its value looks like a formula (openpyxl would write "=…" as a
    formula, and a spreadsheet re-reads "+…" as one once edited); whether it did."""
    if isinstance(cell, MergedCell) or not looks_like_formula(cell.value):
        return False
    cell.data_type = TYPE_STRING
    cell.quotePrefix = True
    return True
