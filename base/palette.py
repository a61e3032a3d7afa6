"""The IOC's colours, shared by the pages (theme.py, ioc.css) and the printed briefings: plain
constants with no Dash or plotly import, so a document renderer can use them too."""

from __future__ import annotations

FONT = "Noto Sans, DejaVu Sans, Arial, sans-serif"
LIGHT = {"green": "#1b7f3b", "amber": "#c77700", "red": "#c62828", "none": "#8a8f98"}
LIGHT_BG = {"green": "#dff3e4", "amber": "#fdf0d5", "red": "#fbe0e0", "none": "#eceef2"}  # as in ioc.css
INK, MUTED, GRID, ACCENT = "#1d2433", "#5b6475", "#e3e7ee", "#0b5cad"
SERIES = ["#0b5cad", "#1b7f3b", "#c77700", "#7b3fb1", "#00838f", "#c62828", "#5d4037"]
