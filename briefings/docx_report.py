"""The briefing as an editable DOCX laid out as a Vietnamese administrative report (Decree
30/2020/NĐ-CP): agency and national motto side by side at the top, number and symbol, place
and date, the title, the content, then recipients and the signature block for the office to
complete and sign. Times New Roman 13 pt on A4 with the decree's margins. The content is the
document briefings/layout.py lays out (its charts stay in the PDF: their figures are in the
tables); this module adds only the decree's furniture."""

from __future__ import annotations

import datetime as dt
import io

from docx import Document as new_document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from base import localtime
from base.formatting import nfc
from base.i18n import _, language
from base.palette import LIGHT, LIGHT_BG
from briefings.layout import Layout, Note, Sentences, lay_out
from briefings.layout import Table as TableBlock
from briefings.model import Briefing
from briefings.packaging import dated_package
from briefings.settings import Document

FONT = "Times New Roman"  # the decree's font; Word and LibreOffice hold it on every office machine
TEXT_WIDTH_CM = 16.5


def render_docx(b: Briefing, document: Document, built_at: float) -> bytes:
    with language(b.lang):
        return _render(lay_out(b, built_at), document, built_at)


def _render(layout: Layout, document: Document, built_at: float) -> bytes:
    doc = new_document()
    _page_setup(doc)
    _heading_block(doc, document, built_at)
    _centred(doc, _("REPORT"), bold=True, size=14, space_before=12)
    _centred(doc, f"{layout.subject} — {layout.scope_name}", bold=True, size=13)
    _centred(doc, f"{layout.period} · {layout.data_until}", size=12, italic=True)
    _centred(doc, layout.built, size=10)
    _paragraph(doc, layout.confirmations, size=11, italic=True)
    for section in layout.sections:
        _section_title(doc, section.title)
        for block in section.blocks:
            if isinstance(block, TableBlock):
                _table_block(doc, block)
            elif isinstance(block, Sentences):
                for sentence in block.lines:
                    _paragraph(doc, "- " + sentence, indent=True)
            elif isinstance(block, Note):
                _paragraph(doc, block.text, size=10, italic=True)
    _signature_block(doc, document)
    core = doc.core_properties
    stamp = dt.datetime.fromtimestamp(built_at, dt.UTC).replace(microsecond=0)
    core.created = core.modified = stamp
    core.last_printed = stamp
    core.revision = 1
    core.author = core.last_modified_by = document.agency
    core.title = f"{layout.title} — {layout.scope_name}"
    buffer = io.BytesIO()
    doc.save(buffer)
    return dated_package(buffer.getvalue(), built_at)


def _table_block(doc, block: TableBlock) -> None:
    if block.caption:
        _paragraph(doc, block.caption, bold=True, size=12)
    if not block.rows:
        _paragraph(doc, block.empty)
        return
    shown = block.shown(appendix=False)
    columns = [block.columns[i] for i in shown]
    size = 11 if len(columns) <= 5 else 10
    table = doc.add_table(rows=1 + len(block.rows), cols=len(columns))
    table.style = "Table Grid"
    for c, column in enumerate(columns):
        _cell(table.cell(0, c), column.label, size, bold=True)
    for r, row in enumerate(block.rows, start=1):
        last = block.total_row and r == len(block.rows)
        for c, index in enumerate(shown):
            cell, target = row[index], table.cell(r, c)
            colour = LIGHT.get(cell.colour) if cell.colour else None
            _cell(target, cell.text, size, bold=bool(cell.colour) or last, colour=colour, right=columns[c].numeric)
            if cell.fill:
                _shade(target, LIGHT_BG[cell.fill])
    total = sum(column.width for column in columns)
    _widths(table, [TEXT_WIDTH_CM * column.width / total for column in columns])
    if block.legend:
        _paragraph(doc, block.legend, size=10, italic=True)


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


def _heading_block(doc, document: Document, built_at: float) -> None:
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
            (_("No.: …/{symbol}").format(symbol=document.symbol), False, False, 13),
        ],
    )
    day = localtime.local_date(built_at)
    _cell_lines(
        right,
        [
            (_("SOCIALIST REPUBLIC OF VIETNAM"), True, False, 12),
            (_("Independence - Freedom - Happiness"), True, False, 13),
            ("—————————————", False, False, 10),
            (
                _("{place}, {day}/{month}/{year}").format(
                    place=document.place, day=_decree_day(day.day), month=_decree_month(day.month), year=day.year
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


def _widths(table, widths_cm: list[float]) -> None:
    """Fixed column widths: Word reads the cells', LibreOffice the grid's; both are set."""
    table.autofit = False
    total = sum(widths_cm)
    widths_cm = [w * min(1.0, TEXT_WIDTH_CM / total) for w in widths_cm]  # never wider than the text block
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


def _signature_block(doc, document: Document) -> None:
    doc.add_paragraph()
    table = doc.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    _widths(table, [8.0, 8.5])
    run = left.paragraphs[0].add_run(_("Recipients:"))
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
