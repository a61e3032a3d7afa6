"""One look for every chart and tile: colours, traffic lights and the plotly template."""

from __future__ import annotations

import plotly.graph_objects as go

from base.palette import ACCENT, FONT, GRID, INK, LIGHT, MUTED, SERIES

__all__ = [
    "ACCENT",
    "FONT",
    "GRID",
    "INK",
    "LIGHT",
    "MUTED",
    "SERIES",
    "TEMPLATE",
    "status_colour",
]  # the pages import these

TEMPLATE = go.layout.Template(
    layout=go.Layout(
        font={"family": FONT, "size": 14, "color": INK},
        colorway=SERIES,
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        margin={"l": 48, "r": 16, "t": 16, "b": 40},
        xaxis={"gridcolor": GRID, "linecolor": GRID, "zeroline": False},
        yaxis={"gridcolor": GRID, "linecolor": GRID, "zeroline": False},
        legend={"orientation": "h", "y": -0.18},
        separators=",.",  # Vietnamese: decimal comma, thousands dot
    )
)


def status_colour(status: str) -> str:
    return {"met": "green", "on_track": "green", "at_risk": "amber", "overdue": "red"}.get(status, "none")
