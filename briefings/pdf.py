"""The briefing as a PDF (ReportLab): A4, the week and "dữ liệu đến …" in every page's header,
"Trang 1/6" in every footer, Noto Sans embedded, charts as vector drawings.

Built with invariant=1, so the same briefing with the same build time gives the same bytes
(ReportLab otherwise stamps the current time and a random document id).
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from briefings import charts
from briefings.content import Briefing
from briefings.fonts import BOLD, REGULAR
from briefings.printed import figure, number, signed, star
from briefings.settings import Document
from briefings.text import nfc, t
from dashboards import format as fmt
from dashboards.palette import GRID, INK, LIGHT, LIGHT_BG, MUTED

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
        raise charts.ChartError(f"phông chữ không có ký tự {''.join(sorted(missing))!r}")
    return text


def p(text: str, style: str = "cell") -> Paragraph:
    return Paragraph(escape(printable(text)), STYLES[style])


def render_pdf(b: Briefing, document: Document, built_at: float) -> bytes:
    lang = b.lang
    buffer = io.BytesIO()
    header_left = printable(f"{document.agency_parent} · {document.agency}")
    header_right = printable(f"{t('week', lang)} {b.week_label} · {t('data_until', lang, time=fmt.when(b.data_until))}")

    def page_furniture(canvas: Canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(REGULAR, 7.5)
        canvas.setFillColor(HexColor(MUTED))
        canvas.drawString(MARGIN, HEIGHT - 10 * mm, header_left)
        canvas.drawRightString(WIDTH - MARGIN, HEIGHT - 10 * mm, header_right)
        canvas.setStrokeColor(HexColor(GRID))
        canvas.line(MARGIN, HEIGHT - 11.5 * mm, WIDTH - MARGIN, HEIGHT - 11.5 * mm)
        canvas.drawString(MARGIN, 8 * mm, printable(b.scope_name))
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
        title=nfc(f"{t('title', lang)} {b.week_label} — {b.scope_name}"),
        author=nfc(document.agency),
        subject=nfc(t("report_subject", lang, week=b.week_label)),
        creator="IOC",
    )
    doc.build(
        _story(b, built_at), onFirstPage=page_furniture, onLaterPages=page_furniture, canvasmaker=_numbered_canvas(lang)
    )
    return buffer.getvalue()


def _numbered_canvas(lang: str):
    class NumberedCanvas(Canvas):
        """Holds the pages until the end, then writes 'Trang n/N' on each (N known only then)."""

        def __init__(self, *args, **kwargs):
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
                self.drawRightString(WIDTH - MARGIN, 8 * mm, nfc(t("page", lang, page=self._pageNumber, pages=total)))
                super().showPage()
            super().save()

    return NumberedCanvas


def _table(rows: list[list], widths: list[float], styles: list[tuple] = (), header_rows: int = 1) -> Table:
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


def _coloured(text: str, colour: str, bold: bool = True) -> Paragraph:
    style = ParagraphStyle(
        "c",
        parent=STYLES["cell"],
        fontName=BOLD if bold else REGULAR,
        textColor=HexColor(LIGHT.get(colour, INK)),
        alignment=2,
    )
    return Paragraph(escape(printable(text)), style)


def _right(text: str) -> Paragraph:
    return Paragraph(escape(printable(text)), ParagraphStyle("r", parent=STYLES["cell"], alignment=2))


def _story(b: Briefing, built_at: float) -> list:
    lang = b.lang
    story: list = [
        p(f"{t('title', lang)} {b.week_label}", "title"),
        p(b.scope_name, "scope"),
        p(
            t(
                "period",
                lang,
                start=fmt.date(fmt.local_date(b.week_start)),
                end=fmt.date(fmt.local_date(b.week_end - 1)),
            ),
            "body",
        ),
        p(t("built", lang, time=fmt.when(built_at), version=fmt.number(b.data_version, 0, lang)), "meta"),
        p(
            t("confirmed_units", lang, n=b.confirmed_units, total=b.total_units) + " " + t("provisional_note", lang),
            "meta",
        ),
        Spacer(1, 4),
    ]
    story += _headlines(b)
    story += [p(t("s2", lang), "h2")] + [
        Paragraph(escape(printable(s)), STYLES["bullet"], bulletText="•") for s in b.narrative
    ]
    story += _tasks(b)
    story += _databases(b)
    story += _units(b)
    story += _quality(b)
    story += [CondPageBreak(30 * mm), p(t("s7", lang), "h2"), p(t("no_directives", lang), "body")]
    return story


def _headlines(b: Briefing) -> list:
    lang = b.lang
    rows = [
        [
            p(t("figure", lang), "head"),
            p(t("value", lang), "head"),
            p(t("change", lang), "head"),
            p(t("target", lang), "head"),
            p(t("vs_target", lang), "head"),
        ]
    ]
    for h in b.headlines:
        rows.append(
            [
                p(h.label),
                _coloured(star(figure(h.value, h.suffix, lang), h.confirmed), h.colour),
                _right(signed(h.change, lang)),
                _right("—" if h.target is None else fmt.percent(h.target, 0, lang)),
                _right(signed(h.gap, lang)),
            ]
        )
    table = _table(rows, [BODY * 0.46, BODY * 0.16, BODY * 0.14, BODY * 0.1, BODY * 0.14])
    rates = [(h.label, h.value, h.target, h.colour) for h in b.headlines if h.kind == "indicator"]
    left, right = BODY * 0.56, BODY * 0.42
    charts_row = Table(
        [
            [
                [p(t("chart_indicators", lang), "caption"), charts.bullet_chart(rates, left, lang)],
                [
                    p(t("chart_trend", lang) + (f" ({t('ministry', lang)})" if b.scope else ""), "caption"),
                    charts.trend_chart(b.trend, right, lang),
                ],
            ]
        ],
        colWidths=[left + 4, right],
    )
    charts_row.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), REGULAR, 8),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return [p(t("s1", lang), "h2"), table, Spacer(1, 6), KeepTogether(charts_row)]


def _tasks(b: Briefing) -> list:
    lang = b.lang
    rows = [
        [
            p(t("task", lang), "head"),
            p(t("owner", lang), "head"),
            p(t("target", lang), "head"),
            p(t("actual", lang), "head"),
            p(t("change", lang), "head"),
            p(t("sla", lang), "head"),
            p(t("deadline", lang), "head"),
            p(t("status", lang), "head"),
        ]
    ]
    styles = []
    for index, task in enumerate(b.tasks, start=1):
        sla = (
            t("sla_within", lang, hours=fmt.number(task.sla_hours, 0, lang)) + ": " + fmt.percent(task.actual, 1, lang)
            if task.sla_hours
            else "—"
        )
        rows.append(
            [
                p(task.name),
                p(task.owner),
                _right(fmt.percent(task.target, 0, lang)),
                _coloured(star(fmt.percent(task.actual, 1, lang), task.confirmed), task.colour),
                _right(signed(task.change, lang)),
                p(sla),
                p(fmt.date(task.deadline)),
                p(t(f"status_{task.status}", lang)),
            ]
        )
        if task.status == "overdue":
            styles.append(("BACKGROUND", (7, index), (7, index), HexColor(LIGHT_BG["red"])))
        elif task.status == "at_risk":
            styles.append(("BACKGROUND", (7, index), (7, index), HexColor(LIGHT_BG["amber"])))
    if not b.tasks:
        return [p(t("s3", lang), "h2"), p(t("none", lang), "body")]
    widths = [BODY * w for w in (0.30, 0.08, 0.08, 0.11, 0.1, 0.13, 0.1, 0.1)]
    chart = charts.bullet_chart(
        [(task.name, task.actual, task.target, task.colour) for task in b.tasks], BODY * 0.8, lang
    )
    return [
        CondPageBreak(60 * mm),
        p(t("s3", lang), "h2"),
        _table(rows, widths, styles),
        KeepTogether([p(t("chart_tasks", lang), "caption"), chart]),
    ]


def _databases(b: Briefing) -> list:
    lang = b.lang
    if not b.databases:
        return [p(t("s4", lang), "h2"), p(t("none", lang), "body")]
    header = (
        [p(t("database", lang), "head"), p(t("stage", lang), "head")]
        + [p(c, "head") for c in b.criteria]
        + [p(t("score", lang), "head"), p(t("week_change", lang), "head")]
    )
    rows, styles = [header], []
    for r, db in enumerate(b.databases, start=1):
        row = [p(db.code + ("" if db.confirmed else " (*)")), p(f"{db.stage or '—'}. {db.stage_name}")]
        for c, score in enumerate(db.scores):
            row.append(_right(number(score, lang)))
            styles.append(("BACKGROUND", (2 + c, r), (2 + c, r), HexColor(LIGHT_BG[db.score_colours[c]])))
        row += [_coloured(number(db.score, lang), db.colour), _right(signed(db.change, lang))]
        styles.append(("BACKGROUND", (2 + len(b.criteria), r), (2 + len(b.criteria), r), HexColor(LIGHT_BG[db.colour])))
        rows.append(row)
    n = len(b.criteria)
    widths = [BODY * 0.13, BODY * 0.17] + [BODY * 0.52 / n] * n + [BODY * 0.08, BODY * 0.1]
    return [CondPageBreak(70 * mm), p(t("s4", lang), "h2"), _table(rows, widths, styles)]


def _units(b: Briefing) -> list:
    lang = b.lang
    numbers = [f"({i})" for i in range(1, len(b.indicators) + 1)]
    header = (
        [p(t("unit", lang), "head")]
        + [p(n, "head") for n in numbers]
        + [p(t("score_766", lang), "head"), p(t("rank", lang), "head")]
    )
    rows = [header]
    lines = b.units + [b.ministry]
    for line in lines:
        rows.append(
            [p(star(line.code or line.name, line.confirmed))]
            + [_right(number(v, lang)) for v in line.values]
            + [_right(number(line.score, lang)), _right(str(line.rank) if line.rank else "—")]
        )
    widths = [BODY * 0.14] + [BODY * 0.66 / len(b.indicators)] * len(b.indicators) + [BODY * 0.11, BODY * 0.09]
    legend = "; ".join(
        f"{n} {name} ({t('target', lang).lower()} {fmt.percent(target, 0, lang)})"
        for n, (name, target) in zip(numbers, b.indicators)
    )
    styles = [
        ("LINEABOVE", (0, len(rows) - 1), (-1, len(rows) - 1), 0.8, HexColor(MUTED)),
        ("FONT", (0, len(rows) - 1), (-1, len(rows) - 1), BOLD, 8),
    ]
    return [
        CondPageBreak(60 * mm),
        p(t("s5", lang), "h2"),
        _table(rows, widths, styles),
        Spacer(1, 3),
        p(legend, "note"),
    ]


def _quality(b: Briefing) -> list:
    lang = b.lang
    parts: list = [CondPageBreak(50 * mm), p(t("s6", lang), "h2"), p(t("stale_sources", lang), "caption")]
    if b.stale_sources:
        rows = [
            [
                p(t("source", lang), "head"),
                p(t("unit", lang), "head"),
                p(t("last_data", lang), "head"),
                p(t("last_error", lang), "head"),
            ]
        ]
        rows += [[p(s.source_id), p(s.unit), p(fmt.when(s.as_of)), p(s.last_error)] for s in b.stale_sources]
        parts.append(_table(rows, [BODY * 0.18, BODY * 0.1, BODY * 0.18, BODY * 0.54]))
    else:
        parts.append(p(t("none", lang), "body"))
    parts.append(p(t("quarantined", lang), "caption"))
    if b.quarantined:
        rows = [[p(t("source", lang), "head"), p(t("count", lang), "head"), p(t("main_reason", lang), "head")]]
        rows += [[p(q.source_id), _right(fmt.number(q.count, 0, lang)), p(q.reason)] for q in b.quarantined]
        parts.append(_table(rows, [BODY * 0.2, BODY * 0.12, BODY * 0.68]))
    else:
        parts.append(p(t("none", lang), "body"))
    parts.append(p(t("flags", lang), "caption"))
    if b.flags:
        rows = [
            [
                p(t("day", lang), "head"),
                p(t("metric", lang), "head"),
                p(t("unit", lang), "head"),
                p(t("value", lang), "head"),
                p(t("median", lang), "head"),
            ]
        ]
        rows += [
            [
                p(fmt.date(fmt.local_date(f.ts))),
                p(f.metric),
                p(f.unit),
                _right(fmt.number(f.value, 0, lang)),
                _right(fmt.number(f.median, 0, lang)),
            ]
            for f in b.flags
        ]
        parts.append(_table(rows, [BODY * 0.14, BODY * 0.44, BODY * 0.12, BODY * 0.15, BODY * 0.15]))
    else:
        parts.append(p(t("none", lang), "body"))
    return parts
