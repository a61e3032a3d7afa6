"""Vector charts for the printed briefing, in the pages' colours and font.

Drawn with reportlab's shapes rather than its chart widgets: a bullet chart (a value against
its target mark, coloured by threshold) is not among the widgets, and drawing the few shapes
ourselves keeps every label in the embedded Noto Sans with Vietnamese marks intact.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.graphics.shapes import Drawing, Line, PolyLine, Rect, String
from reportlab.lib.colors import HexColor

from base import formatting as fmt
from base.palette import ACCENT, GRID, INK, LIGHT, MUTED
from base.problems import Problem
from briefings.fonts import BOLD, REGULAR


class ChartError(Exception):
    """A chart (or a text) that cannot be drawn: the briefing is not built without it."""

    def __init__(self, code: str, **params: Any) -> None:
        self.problem = Problem(code, params)
        super().__init__(code)

    def __str__(self) -> str:
        return self.problem.text()


def bullet_chart(rows: Sequence[tuple[str, float | None, float | None, str]], width: float) -> Drawing:
    """One bar per (label, value %, target %, colour), the target as a black mark."""
    if not rows:
        raise ChartError("chart.no_rows")
    label_width, bar_height, gap = width * 0.42, 11, 7
    height = len(rows) * (bar_height + gap) + 16
    drawing = Drawing(width, height)
    scale = (width - label_width - 40) / 100.0
    left = label_width + 4
    for tick in (0, 25, 50, 75, 100):
        x = left + tick * scale
        drawing.add(Line(x, 12, x, height, strokeColor=HexColor(GRID), strokeWidth=0.5))
        drawing.add(
            String(x, 2, f"{tick}%", fontName=REGULAR, fontSize=6.5, fillColor=HexColor(MUTED), textAnchor="middle")
        )
    for index, (label, value, target, colour) in enumerate(rows):
        y = height - (index + 1) * (bar_height + gap)
        drawing.add(
            String(
                label_width,
                y + 3,
                _fit(label, label_width, 7.5),
                fontName=REGULAR,
                fontSize=7.5,
                fillColor=HexColor(INK),
                textAnchor="end",
            )
        )
        if value is not None:
            _check(value, label)
            drawing.add(
                Rect(
                    left,
                    y,
                    max(0.0, min(value, 100.0)) * scale,
                    bar_height,
                    fillColor=HexColor(LIGHT[colour]),
                    strokeColor=None,
                )
            )
            mark = max(min(value, 100.0), min(target or 0.0, 100.0))  # the label clears the target mark
            drawing.add(
                String(
                    left + mark * scale + 4,
                    y + 3,
                    fmt.percent(value, 1),
                    fontName=BOLD,
                    fontSize=7,
                    fillColor=HexColor(INK),
                )
            )
        if target is not None:
            _check(target, label)
            x = left + min(target, 100.0) * scale
            drawing.add(Line(x, y - 2, x, y + bar_height + 2, strokeColor=HexColor(INK), strokeWidth=1.6))
    return drawing


def trend_chart(points: Sequence[tuple[str, float | None]], width: float, height: float = 110) -> Drawing:
    """A line over the weeks (label, score 0–100), its values printed at each point."""
    known = [(i, v) for i, (_, v) in enumerate(points) if v is not None]
    if not known:
        raise ChartError("chart.no_trend")
    for _, value in known:
        _check(value, "trend")
    drawing = Drawing(width, height)
    low = max(0.0, min(v for _, v in known) - 5)
    high = min(100.0, max(v for _, v in known) + 5)
    if high - low < 10:
        low, high = max(0.0, low - 5), min(100.0, high + 5)
    left, bottom, top = 40, 16, height - 12
    step = (width - left - 30) / max(1, len(points) - 1)

    def x_of(index: int) -> float:
        return left + 14 + index * step

    def y_of(value: float) -> float:
        return bottom + (value - low) / (high - low) * (top - bottom)

    for tick in (low, (low + high) / 2, high):
        drawing.add(Line(left, y_of(tick), width - 8, y_of(tick), strokeColor=HexColor(GRID), strokeWidth=0.5))
        drawing.add(
            String(
                left - 3,
                y_of(tick) - 2,
                fmt.number(tick, 0),
                fontName=REGULAR,
                fontSize=6.5,
                fillColor=HexColor(MUTED),
                textAnchor="end",
            )
        )
    coordinates = []
    for index, value in known:
        coordinates += [x_of(index), y_of(value)]
    drawing.add(PolyLine(coordinates, strokeColor=HexColor(ACCENT), strokeWidth=1.8))
    for index, value in known:
        x, y = x_of(index), y_of(value)
        drawing.add(Rect(x - 1.8, y - 1.8, 3.6, 3.6, fillColor=HexColor(ACCENT), strokeColor=None))
        drawing.add(
            String(
                x,
                y + 4,
                fmt.number(value, 1),
                fontName=BOLD,
                fontSize=6.5,
                fillColor=HexColor(INK),
                textAnchor="middle",
            )
        )
    for index, (label, _) in enumerate(points):
        drawing.add(
            String(
                x_of(index),
                4,
                label.split("-")[-1],
                fontName=REGULAR,
                fontSize=6.5,
                fillColor=HexColor(MUTED),
                textAnchor="middle",
            )
        )
    return drawing


def _check(value: float, label: str) -> None:
    if value != value or value in (float("inf"), float("-inf")):  # NaN or infinite
        raise ChartError("chart.bad_value", value=repr(value), label=label)


def _fit(text: str, width: float, size: float) -> str:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if stringWidth(text, REGULAR, size) <= width - 4:
        return text
    while text and stringWidth(text + "…", REGULAR, size) > width - 4:
        text = text[:-1]
    return text.rstrip() + "…"
