"""One look for every chart and tile: colours, traffic lights and the plotly template."""
from __future__ import annotations

import plotly.graph_objects as go

FONT = "Noto Sans, DejaVu Sans, Arial, sans-serif"
LIGHT = {"green": "#1b7f3b", "amber": "#c77700", "red": "#c62828", "none": "#8a8f98"}
INK, MUTED, GRID, ACCENT = "#1d2433", "#5b6475", "#e3e7ee", "#0b5cad"
SERIES = ["#0b5cad", "#1b7f3b", "#c77700", "#7b3fb1", "#00838f", "#c62828", "#5d4037"]

TEMPLATE = go.layout.Template(layout=go.Layout(
    font={"family": FONT, "size": 14, "color": INK},
    colorway=SERIES,
    paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)",
    margin={"l": 48, "r": 16, "t": 16, "b": 40},
    xaxis={"gridcolor": GRID, "linecolor": GRID, "zeroline": False},
    yaxis={"gridcolor": GRID, "linecolor": GRID, "zeroline": False},
    legend={"orientation": "h", "y": -0.18},
    separators=",.",  # Vietnamese: decimal comma, thousands dot
))


def status_colour(status: str) -> str:
    return {"met": "green", "on_track": "green", "at_risk": "amber", "overdue": "red"}.get(status, "none")
