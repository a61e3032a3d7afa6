"""The fonts the documents embed: Noto Sans shipped in assets/fonts (full Vietnamese range), so
a briefing never depends on what the host has installed."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).resolve().parent.parent / "assets" / "fonts"
REGULAR, BOLD = "NotoSans", "NotoSans-Bold"


def register() -> None:
    """Register once per process (reportlab keeps a global registry)."""
    if REGULAR in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont(REGULAR, str(FONT_DIR / "NotoSans-Regular.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(FONT_DIR / "NotoSans-Bold.ttf")))
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, REGULAR)  # no italic face shipped: italic text stays upright
    addMapping(REGULAR, 1, 1, BOLD)
    # reportlab's drawings start from Helvetica, which would then be declared (not embedded)
    # in every PDF with a chart; our charts name their fonts, so the default can be ours.
    from reportlab.graphics import shapes

    shapes.STATE_DEFAULTS["fontName"] = REGULAR


register()
