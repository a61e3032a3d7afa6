"""The briefing as a PDF (ReportLab): A4, the week and "dữ liệu đến …" in every page's header,
"Trang 1/6" in every footer, Noto Sans embedded, charts as vector drawings. It prints the
document briefings/layout.py lays out, and decides nothing of its content.

Built with invariant=1, so the same briefing with the same build time gives the same bytes
(ReportLab otherwise stamps the current time and a random document id).
"""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from base.formatting import nfc
from base.i18n import language
from base.palette import GRID, INK, LIGHT, LIGHT_BG, MUTED
from briefings import charts
from briefings.fonts import BOLD, REGULAR
from briefings.layout import BulletChart, Charts, Layout, Note, Section, Sentences, lay_out
from briefings.layout import Table as TableBlock
from briefings.model import Briefing
from briefings.settings import Document

_GLYPHS = set(pdfmetrics.getFont(REGULAR).face.charToGlyph) & set(pdfmetrics.getFont(BOLD).face.charToGlyph)
WIDTH, HEIGHT = A4
MARGIN = 16 * mm
BODY = WIDTH - 2 * MARGIN

STYLES = {
    "title": ParagraphStyle("title", fontName=BOLD, fontSize=17, leading=21, textColor=HexColor(INK)),
    "scope": ParagraphStyle("scope", fontName=BOLD, fontSize=12.5, leading=16, textColor=HexColor(INK)),
    "meta": ParagraphStyle("meta", fontName=REGULAR, fontSize=8.5, leading=11, textColor=HexColor(MUTED)),
    "h2": ParagraphStyle(
        "h2", fontName=BOLD, fontSize=12, leading=15, spaceBefore=10, spaceAfter=5, textColor=HexColor(INK)
    ),
    "body": ParagraphStyle("body", fontName=REGULAR, fontSize=9.5, leading=13, textColor=HexColor(INK)),
    "bullet": ParagraphStyle(
        "bullet",
        fontName=REGULAR,
        bulletFontName=REGULAR,
        fontSize=9.5,
        leading=13,
        leftIndent=10,
        bulletIndent=0,
        spaceAfter=2,
        textColor=HexColor(INK),
    ),
    "cell": ParagraphStyle("cell", fontName=REGULAR, fontSize=8, leading=10, textColor=HexColor(INK)),
    "head": ParagraphStyle("head", fontName=BOLD, fontSize=7.5, leading=9.5, textColor=HexColor(MUTED)),
    "caption": ParagraphStyle(
        "caption", fontName=BOLD, fontSize=8.5, leading=11, textColor=HexColor(MUTED), spaceBefore=4
    ),
    "note": ParagraphStyle("note", fontName=REGULAR, fontSize=7.5, leading=10, textColor=HexColor(MUTED)),
    "centre": ParagraphStyle("centre", fontName=REGULAR, fontSize=8, leading=10, alignment=TA_CENTER),
}


def printable(text: str) -> str:
    """NFC text every character of which the embedded font can draw. The pages' minus sign
    (U+2212) is not in Noto Sans: a browser falls back to another font, a PDF would print
    nothing, so it becomes a hyphen-minus; any other missing character stops the build."""
    text = nfc(text).replace("\u2212", "-")
    missing = {ch for ch in text if ord(ch) not in _GLYPHS and not ch.isspace()}
    if missing:
        raise charts.ChartError("font.missing_glyphs", characters=repr("".join(sorted(missing))))
    return text


def p(text: str, style: str = "cell") -> Paragraph:
    return Paragraph(escape(printable(text)), STYLES[style])


def render_pdf(b: Briefing, document: Document, built_at: float) -> bytes:
    with language(b.lang):  # the charts write numbers the briefing's way
        return _render(lay_out(b, built_at), document)


def _render(layout: Layout, document: Document) -> bytes:
    buffer = io.BytesIO()
    header_left = printable(f"{document.agency_parent} · {document.agency}")
    header_right = printable(layout.running_head)
    footer_left = printable(layout.scope_name)

    def page_furniture(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(REGULAR, 7.5)
        canvas.setFillColor(HexColor(MUTED))
        canvas.drawString(MARGIN, HEIGHT - 10 * mm, header_left)
        canvas.drawRightString(WIDTH - MARGIN, HEIGHT - 10 * mm, header_right)
        canvas.setStrokeColor(HexColor(GRID))
        canvas.line(MARGIN, HEIGHT - 11.5 * mm, WIDTH - MARGIN, HEIGHT - 11.5 * mm)
        canvas.drawString(MARGIN, 8 * mm, footer_left)
        canvas.restoreState()

    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=16 * mm,
        bottomMargin=15 * mm,
        invariant=1,
        initialFontName=REGULAR,  # else Helvetica is declared in the PDF, and not embedded
        title=f"{layout.title} — {layout.scope_name}",
        author=nfc(document.agency),
        subject=layout.subject,
        creator="IOC",
    )
    doc.build(
        _story(layout),
        onFirstPage=page_furniture,
        onLaterPages=page_furniture,
        canvasmaker=_numbered_canvas(layout.page),
    )
    return buffer.getvalue()


def _numbered_canvas(page_label: str) -> type[Canvas]:
    class NumberedCanvas(Canvas):
        """Holds the pages until the end, then writes 'Trang n/N' on each (N known only then)."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:  # noqa: N802 (ReportLab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(REGULAR, 8)
                self.setFillColor(HexColor(MUTED))
                self.drawRightString(WIDTH - MARGIN, 8 * mm, nfc(page_label.format(page=self._pageNumber, pages=total)))
                super().showPage()
            super().save()

    return NumberedCanvas


def _story(layout: Layout) -> list:
    story: list = [
        p(layout.title, "title"),
        p(layout.scope_name, "scope"),
        p(layout.period, "body"),
        p(layout.built, "meta"),
        p(layout.confirmations, "meta"),
        Spacer(1, 4),
    ]
    for section in layout.sections:
        story += _section(section)
    return story


def _section(section: Section) -> list:
    parts: list = [CondPageBreak(section.keep_space_mm * mm)] if section.keep_space_mm else []
    parts.append(p(section.title, "h2"))
    for block in section.blocks:
        if isinstance(block, TableBlock):
            parts += _table_block(block)
        elif isinstance(block, Sentences):
            parts += [Paragraph(escape(printable(line)), STYLES["bullet"], bulletText="•") for line in block.lines]
        elif isinstance(block, Note):
            parts.append(p(block.text, "note"))
        elif isinstance(block, Charts):
            parts.append(Spacer(1, 6))
            parts.append(_charts(block))
    return parts


def _table_block(block: TableBlock) -> list:
    parts: list = [p(block.caption, "caption")] if block.caption else []
    if not block.rows:
        return [*parts, p(block.empty, "body")]
    shown = block.shown(appendix=False)
    columns = [block.columns[i] for i in shown]
    rows: list[list] = [[p(column.label, "head") for column in columns]]
    styles: list[tuple] = []
    for r, row in enumerate(block.rows, start=1):
        cells = [row[i] for i in shown]
        rows.append(
            [_cell(cell.text, cell.colour, column.numeric) for cell, column in zip(cells, columns, strict=True)]
        )
        styles += [
            ("BACKGROUND", (c, r), (c, r), HexColor(LIGHT_BG[cell.fill])) for c, cell in enumerate(cells) if cell.fill
        ]
    if block.total_row:
        last = len(rows) - 1
        styles += [("LINEABOVE", (0, last), (-1, last), 0.8, HexColor(MUTED)), ("FONT", (0, last), (-1, last), BOLD, 8)]
    total = sum(column.width for column in columns)
    parts.append(_table(rows, [BODY * column.width / total for column in columns], styles))
    if block.legend:
        parts += [Spacer(1, 3), p(block.legend, "note")]
    return parts


def _cell(text: str, colour: str | None, numeric: bool) -> Paragraph:
    if colour:
        style = ParagraphStyle(
            "c", parent=STYLES["cell"], fontName=BOLD, textColor=HexColor(LIGHT.get(colour, INK)), alignment=2
        )
        return Paragraph(escape(printable(text)), style)
    if numeric:
        return Paragraph(escape(printable(text)), ParagraphStyle("r", parent=STYLES["cell"], alignment=2))
    return p(text)


def _table(rows: list[list], widths: list[float], styles: list[tuple], header_rows: int = 1) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=header_rows)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), REGULAR, 8),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LINEBELOW", (0, 0), (-1, header_rows - 1), 0.8, HexColor(MUTED)),
                ("LINEBELOW", (0, header_rows), (-1, -1), 0.3, HexColor(GRID)),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                *styles,
            ]
        )
    )
    return table


def _charts(block: Charts) -> KeepTogether:
    """One chart at 80% of the width, or two side by side (56% and 42%)."""
    widths = [BODY * 0.8] if len(block.charts) == 1 else [BODY * 0.56, BODY * 0.42]
    cells = []
    for chart, width in zip(block.charts, widths, strict=False):
        if isinstance(chart, BulletChart):
            drawing = charts.bullet_chart(chart.rows, width)
        else:
            drawing = charts.trend_chart(chart.points, width)
        cells.append([p(chart.caption, "caption"), drawing])
    if len(cells) == 1:
        return KeepTogether(cells[0])
    row = Table([cells], colWidths=[widths[0] + 4, widths[1]])
    row.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), REGULAR, 8),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return KeepTogether(row)
