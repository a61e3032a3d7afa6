"""One model for every table of the app: columns (label, kind, decimals) and rows of raw values.

dashboards/tables.py builds each table once from the Reader; the page draws it (grid() here),
and /tai-ve/<name>.csv|xlsx writes the same rows (exports.py): a number stays a number in the
XLSX, a time a date-time, and the page shows them the reader's way. A cell may carry what only
the page needs (a colour, a link, a second line): downloads keep the value alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from dash import dcc, html

from base import formatting as fmt
from base import localtime
from base.i18n import _

Kind = Literal["text", "number", "percent", "signed", "time", "date", "duration", "flag"]


@dataclass(frozen=True)
class Column:
    key: str  # stable name, e.g. "score" (a criterion's code for a criterion)
    label: str  # worded, in the reader's language
    kind: Kind = "text"
    decimals: int = 1
    page: bool = True  # drawn on the page
    download: bool = True  # written in the CSV and XLSX
    class_name: str = ""  # the page's class for its cells (num, code…)


@dataclass(frozen=True)
class Cell:
    """A value with what the page adds to it; downloads keep `value` (or `exported`)."""

    value: Any
    text: str | None = None  # the page's text, when not the column's format of value
    colour: str | None = None  # a traffic light: the cell is a heat cell
    href: str | None = None  # the page links the text
    link_id: str | None = None
    title: str | None = None  # a tooltip
    detail: Any = None  # a second, smaller line on the page
    badge: str | None = None  # the text as a badge of this class
    content: Any = None  # a component drawn instead of the text (the page only)
    exported: Any = None  # what a download writes, when not value
    class_name: str | None = None  # the page's class for this one cell


@dataclass(frozen=True)
class Row:
    cells: Sequence[Any]  # values or Cells, in the order of the columns
    row_id: str | None = None
    class_name: str | None = None


@dataclass(frozen=True)
class Table:
    name: str  # its download's name: /tai-ve/<name>.csv
    columns: Sequence[Column]
    rows: Sequence[Row] = field(default_factory=list)
    empty: str = ""  # said in a table without rows

    def only(self, *keys: str) -> Table:
        """The same table with only these columns (a compact view of it)."""
        wanted = [i for i, c in enumerate(self.columns) if c.key in keys]
        return replace(
            self,
            columns=[self.columns[i] for i in wanted],
            rows=[replace(row, cells=[row.cells[i] for i in wanted]) for row in self.rows],
        )

    def exported(self) -> tuple[list[str], list[list[Any]]]:
        """The header and rows a download writes: raw values (rounded numbers, local times)."""
        wanted = [i for i, c in enumerate(self.columns) if c.download]
        header = [self.columns[i].label for i in wanted]
        rows = [[_export(self.columns[i], row.cells[i]) for i in wanted] for row in self.rows]
        return header, rows


def _export(column: Column, cell: Any) -> Any:
    if isinstance(cell, Cell):
        value = cell.exported if cell.exported is not None else cell.value
    else:
        value = cell
    if value is None:
        return None
    if column.kind in ("number", "percent", "signed", "duration") and isinstance(value, (int, float)):
        return round(value, 2) if isinstance(value, float) else value
    if column.kind == "time":
        return localtime.wall_clock(value)
    return value


def shown(column: Column, value: Any) -> str:
    """A raw value as the page shows it, in the reader's language."""
    if column.kind == "number":
        return fmt.number(value, column.decimals)
    if column.kind == "percent":
        return fmt.percent(value, column.decimals)
    if column.kind == "signed":
        return fmt.signed(value, column.decimals) if value is not None else fmt.MISSING
    if column.kind == "time":
        return fmt.when(value)
    if column.kind == "date":
        return fmt.date(value) if isinstance(value, dt.date) else fmt.MISSING
    if column.kind == "duration":
        return fmt.duration(value)
    if column.kind == "flag":
        return "✔" if value else ""
    return "" if value is None else str(value)


def grid(table: Table, table_id: str, class_name: str = "grid") -> html.Table:
    """The table on a page."""
    columns = [(i, c) for i, c in enumerate(table.columns) if c.page]
    head = html.Thead(html.Tr([html.Th(c.label) for _, c in columns]))
    body = [
        html.Tr([_td(c, row.cells[i]) for i, c in columns], **_given(id=row.row_id, className=row.class_name))
        for row in table.rows
    ]
    if not body:
        body = [html.Tr(html.Td(table.empty or _("None"), colSpan=len(columns)))]
    return html.Table([head, html.Tbody(body)], className=class_name, id=table_id)


def _td(column: Column, value: Any) -> html.Td:
    cell = value if isinstance(value, Cell) else Cell(value)
    text = cell.text if cell.text is not None else shown(column, cell.value)
    inner: Any = cell.content if cell.content is not None else text
    if cell.href and cell.value is not None:
        inner = dcc.Link(
            text, href=cell.href, className="figure-link" if cell.colour else "code", **_given(id=cell.link_id)
        )
    if cell.badge:
        inner = html.Span(text, className=f"badge {cell.badge}")
    if cell.detail is not None:
        inner = [html.Div(inner), html.Div(cell.detail, className="small")]
    classes = [c for c in (column.class_name, cell.class_name) if c]
    if cell.colour:
        classes.append(f"heat heat-{cell.colour}")
    elif column.kind in ("number", "percent", "signed", "duration") and not column.class_name:
        classes.append("num")
    return html.Td(inner, **_given(className=" ".join(classes), title=cell.title))


def _given(**props: Any) -> dict[str, Any]:
    """Only the properties that have a value: Dash refuses an id of None."""
    return {k: v for k, v in props.items() if v}
