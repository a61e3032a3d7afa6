"""The briefing as an editable DOCX laid out as a Vietnamese administrative report (Decree
30/2020/NĐ-CP): agency and national motto side by side at the top, number and symbol, place
and date, the title, the content, then recipients and the signature block for the office to
complete and sign. Times New Roman 13 pt on A4 with the decree's margins."""

from __future__ import annotations

import datetime as dt
import io

from docx import Document as new_document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from briefings.content import Briefing
from briefings.packaging import dated_package
from briefings.printed import figure, number, signed, star
from briefings.settings import Document
from briefings.text import nfc, t
from dashboards import format as fmt
from dashboards.palette import LIGHT, LIGHT_BG

FONT = "Times New Roman"  # the decree's font; Word and LibreOffice hold it on every office machine


def render_docx(b: Briefing, document: Document, built_at: float) -> bytes:
    lang = b.lang
    doc = new_document()
    _page_setup(doc)
    _heading_block(doc, b, document, built_at)
    _centred(doc, t("report", lang), bold=True, size=14, space_before=12)
    _centred(doc, t("report_subject", lang, week=b.week_label) + f" — {b.scope_name}", bold=True, size=13)
    _centred(
        doc,
        t("period", lang, start=fmt.date(fmt.local_date(b.week_start)), end=fmt.date(fmt.local_date(b.week_end - 1)))
        + " · "
        + t("data_until", lang, time=fmt.when(b.data_until)),
        size=12,
        italic=True,
    )
    _centred(doc, t("built", lang, time=fmt.when(built_at), version=fmt.number(b.data_version, 0, lang)), size=10)
    _paragraph(
        doc,
        t("confirmed_units", lang, n=b.confirmed_units, total=b.total_units) + " " + t("provisional_note", lang),
        size=11,
        italic=True,
    )

    _section_title(doc, t("s1", lang))
    rows = [
        [
            h.label,
            _provisional(h.value, h.suffix, lang, h.confirmed),
            signed(h.change, lang),
            "—" if h.target is None else fmt.percent(h.target, 0, lang),
            signed(h.gap, lang),
        ]
        for h in b.headlines
    ]
    _table(
        doc,
        [t("figure", lang), t("value", lang), t("change", lang), t("target", lang), t("vs_target", lang)],
        rows,
        [7.0, 3.0, 2.4, 2.0, 2.4],
        colours={(i, 1): h.colour for i, h in enumerate(b.headlines)},
    )

    _section_title(doc, t("s2", lang))
    for sentence in b.narrative:
        _paragraph(doc, "- " + sentence, indent=True)

    _section_title(doc, t("s3", lang))
    rows = [
        [
            task.name,
            task.owner,
            fmt.percent(task.target, 0, lang),
            _provisional(task.actual, "%", lang, task.confirmed),
            signed(task.change, lang),
            (t("sla_within", lang, hours=fmt.number(task.sla_hours, 0, lang)) if task.sla_hours else "—"),
            fmt.date(task.deadline),
            t(f"status_{task.status}", lang),
        ]
        for task in b.tasks
    ]
    _table(
        doc,
        [
            t("task", lang),
            t("owner", lang),
            t("target", lang),
            t("actual", lang),
            t("change", lang),
            t("sla", lang),
            t("deadline", lang),
            t("status", lang),
        ],
        rows,
        [4.4, 1.5, 1.4, 2.2, 1.5, 1.9, 2.1, 1.8],
        colours={(i, 3): task.colour for i, task in enumerate(b.tasks)},
        empty=t("none", lang),
        size=10,
    )

    _section_title(doc, t("s4", lang))
    rows = [
        [db.code + ("" if db.confirmed else " (*)"), f"{db.stage or '—'}"]
        + [number(s, lang) for s in db.scores]
        + [number(db.score, lang), signed(db.change, lang)]
        for db in b.databases
    ]
    fills = {(i, 2 + c): colour for i, db in enumerate(b.databases) for c, colour in enumerate(db.score_colours)}
    _table(
        doc,
        [t("database", lang), t("stage", lang)] + b.criteria + [t("score", lang), t("week_change", lang)],
        rows,
        [2.9, 1.2] + [1.45] * len(b.criteria) + [1.5, 1.6],
        fills=fills,
        size=10,
        colours={(i, 2 + len(b.criteria)): db.colour for i, db in enumerate(b.databases)},
        empty=t("none", lang),
    )

    _section_title(doc, t("s5", lang))
    numbers = [f"({i})" for i in range(1, len(b.indicators) + 1)]
    rows = [
        [line.code or line.name]
        + [number(v, lang) for v in line.values]
        + [number(line.score, lang), str(line.rank or "—")]
        for line in [*b.units, b.ministry]
    ]
    _table(
        doc,
        [t("unit", lang)] + numbers + [t("score_766", lang), t("rank", lang)],
        rows,
        [2.2] + [1.55] * len(b.indicators) + [1.6, 1.4],
        size=10,
    )
    _paragraph(
        doc,
        "; ".join(
            f"{n} {name} ({t('target', lang).lower()} {fmt.percent(target, 0, lang)})"
            for n, (name, target) in zip(numbers, b.indicators)
        ),
        size=10,
        italic=True,
    )

    _section_title(doc, t("s6", lang))
    _paragraph(doc, t("stale_sources", lang), bold=True, size=12)
    if b.stale_sources:
        _table(
            doc,
            [t("source", lang), t("unit", lang), t("last_data", lang), t("last_error", lang)],
            [[s.source_id, s.unit, fmt.when(s.as_of), s.last_error] for s in b.stale_sources],
            [3.0, 1.8, 3.2, 8.5],
            size=10,
        )
    else:
        _paragraph(doc, t("none", lang))
    _paragraph(doc, t("quarantined", lang), bold=True, size=12)
    if b.quarantined:
        _table(
            doc,
            [t("source", lang), t("count", lang), t("main_reason", lang)],
            [[q.source_id, fmt.number(q.count, 0, lang), q.reason] for q in b.quarantined],
            [3.0, 2.0, 11.5],
            size=10,
        )
    else:
        _paragraph(doc, t("none", lang))
    _paragraph(doc, t("flags", lang), bold=True, size=12)
    if b.flags:
        _table(
            doc,
            [t("day", lang), t("metric", lang), t("unit", lang), t("value", lang), t("median", lang)],
            [
                [
                    fmt.date(fmt.local_date(f.ts)),
                    f.metric,
                    f.unit,
                    fmt.number(f.value, 0, lang),
                    fmt.number(f.median, 0, lang),
                ]
                for f in b.flags
            ],
            [2.4, 7.0, 2.0, 2.5, 2.6],
            size=10,
        )
    else:
        _paragraph(doc, t("none", lang))

    _section_title(doc, t("s7", lang))
    _paragraph(doc, t("no_directives", lang))

    _signature_block(doc, document, lang)
    core = doc.core_properties
    stamp = dt.datetime.fromtimestamp(built_at, dt.UTC).replace(microsecond=0)
    core.created = core.modified = stamp
    core.last_printed = stamp
    core.revision = 1
    core.author = core.last_modified_by = document.agency
    core.title = nfc(f"{t('title', lang)} {b.week_label} — {b.scope_name}")
    buffer = io.BytesIO()
    doc.save(buffer)
    return dated_package(buffer.getvalue(), built_at)


# -- layout ------------------------------------------------------------------------------------


def _page_setup(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    # Decree 30: top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm
    section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = Cm(2), Cm(2), Cm(3), Cm(1.5)
    section.different_first_page_header_footer = True  # the decree numbers pages from the second
    style = doc.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(13)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    style.paragraph_format.space_after = Pt(3)
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(header)


def _page_field(paragraph) -> None:
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _heading_block(doc, b: Briefing, document: Document, built_at: float) -> None:
    lang = b.lang
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    _widths(table, [7.0, 9.5])
    _cell_lines(
        left,
        [
            (document.agency_parent, False, False, 12),
            (document.agency, True, False, 12),
            ("—————", False, False, 10),
            (t("number_symbol", lang, symbol=document.symbol), False, False, 13),
        ],
    )
    day = dt.datetime.fromtimestamp(built_at, fmt.local(0).tzinfo).date()
    _cell_lines(
        right,
        [
            (t("motto_1", lang), True, False, 12),
            (t("motto_2", lang), True, False, 13),
            ("—————————————", False, False, 10),
            (
                t(
                    "place_date",
                    lang,
                    place=document.place,
                    day=_decree_day(day.day),
                    month=_decree_month(day.month),
                    year=day.year,
                ),
                False,
                True,
                13,
            ),
        ],
    )


def _decree_day(day: int) -> str:
    return f"{day:02d}" if day < 10 else str(day)  # Decree 30: days below 10 take a leading zero


def _decree_month(month: int) -> str:
    return f"{month:02d}" if month < 3 else str(month)  # ... and months 1 and 2


def _cell_lines(cell, lines: list[tuple[str, bool, bool, int]]) -> None:
    for index, (text, bold, italic, size) in enumerate(lines):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(0)
        run = paragraph.add_run(nfc(text))
        run.bold, run.italic, run.font.size = bold, italic, Pt(size)


def _centred(doc, text: str, bold: bool = False, size: int = 13, italic: bool = False, space_before: int = 0) -> None:
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_before = Pt(space_before)
    run = paragraph.add_run(nfc(text))
    run.bold, run.italic, run.font.size = bold, italic, Pt(size)


def _paragraph(doc, text: str, bold: bool = False, italic: bool = False, size: int = 13, indent: bool = False) -> None:
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if indent:
        paragraph.paragraph_format.first_line_indent = Cm(1)
    run = paragraph.add_run(nfc(text))
    run.bold, run.italic, run.font.size = bold, italic, Pt(size)


def _section_title(doc, text: str) -> None:
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(10)
    paragraph.paragraph_format.keep_with_next = True
    run = paragraph.add_run(nfc(text))
    run.bold, run.font.size = True, Pt(13)


def _table(
    doc,
    header: list[str],
    rows: list[list[str]],
    widths_cm: list[float],
    size: int = 11,
    fills: dict[tuple[int, int], str] | None = None,
    colours: dict[tuple[int, int], str] | None = None,
    empty: str = "—",
) -> None:
    if not rows:
        _paragraph(doc, empty)
        return
    table = doc.add_table(rows=1 + len(rows), cols=len(header))
    table.style = "Table Grid"
    for c, text in enumerate(header):
        _cell(table.cell(0, c), text, size, bold=True)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            cell = table.cell(r + 1, c)
            colour = (colours or {}).get((r, c))
            _cell(
                cell,
                text,
                size,
                bold=colour is not None,
                colour=LIGHT.get(colour) if colour else None,
                right=c > 0 and _looks_numeric(text),
            )
            fill = (fills or {}).get((r, c))
            if fill:
                _shade(cell, LIGHT_BG[fill])
    _widths(table, widths_cm)


def _widths(table, widths_cm: list[float]) -> None:
    """Fixed column widths: Word reads the cells', LibreOffice the grid's; both are set."""
    table.autofit = False
    total = sum(widths_cm)
    widths_cm = [w * min(1.0, 16.5 / total) for w in widths_cm]  # never wider than the text block
    for c, width in enumerate(widths_cm):
        table.columns[c].width = Cm(width)
        for cell in table.columns[c].cells:
            cell.width = Cm(width)


def _cell(cell, text: str, size: int, bold: bool = False, colour: str | None = None, right: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.space_after = Pt(0)
    if right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = paragraph.add_run(nfc(text))
    run.bold, run.font.size = bold, Pt(size)
    if colour:
        run.font.color.rgb = RGBColor.from_string(colour.lstrip("#").upper())


def _shade(cell, colour: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour.lstrip("#").upper())
    cell._tc.get_or_add_tcPr().append(shading)


def _looks_numeric(text: str) -> bool:
    return bool(text) and (text[0].isdigit() or text[0] in "+-−±—")


def _signature_block(doc, document: Document, lang: str) -> None:
    doc.add_paragraph()
    table = doc.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    _widths(table, [8.0, 8.5])
    run = left.paragraphs[0].add_run(t("recipients", lang))
    run.bold, run.italic, run.font.size = True, True, Pt(12)
    for index, recipient in enumerate(document.recipients):
        paragraph = left.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(0)
        ending = "." if index == len(document.recipients) - 1 else ";"
        run = paragraph.add_run(nfc(f"- {recipient}{ending}"))
        run.font.size = Pt(11)
    _cell_lines(
        right,
        [
            (document.signer_title, True, False, 13),
            ("", False, False, 13),
            ("", False, False, 13),
            ("", False, False, 13),
            ("", False, False, 13),
        ],
    )


def _provisional(value: float | None, suffix: str, lang: str, confirmed: bool) -> str:
    return "—" if value is None else star(figure(value, suffix, lang), confirmed)
