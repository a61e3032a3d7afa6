"""What a spreadsheet cell can be besides a plain value: marks the readers put on cells."""

from __future__ import annotations

from typing import NamedTuple

EXCEL_ERRORS = {
    "#DIV/0!",
    "#N/A",
    "#NAME?",
    "#NULL!",
    "#NUM!",
    "#REF!",
    "#VALUE!",
    "#SPILL!",
    "#CALC!",
    "#GETTING_DATA",
}


class Percent(float):
    """A number shown as a percentage: Percent(0.986) is what the reader sees as 98,6 %."""


class Uncalculated(NamedTuple):
    """A formula cell that holds no calculated value (the file was written by a program)."""

    formula: str


class CellError(NamedTuple):
    """A cell showing one of the spreadsheet's errors (#DIV/0!, #REF!…)."""

    shown: str
