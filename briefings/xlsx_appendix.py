"""The XLSX appendix: every figure of the briefing, one sheet per section, Vietnamese headers,
numbers as numbers (printed to one decimal, kept to four)."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from briefings.content import Briefing
from briefings.packaging import dated_package
from briefings.text import nfc, t
from dashboards import format as fmt
from dashboards.palette import LIGHT_BG

BOLD = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="E3E7EE")


def _n(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def _status(confirmed: bool, lang: str) -> str:
    return t("confirmed" if confirmed else "provisional", lang)


def render_xlsx(b: Briefing, built_at: float) -> bytes:
    lang = b.lang
    book = Workbook()
    info = book.active
    info.title = t("appendix_info", lang)
    for label, value in [
        (t("title", lang), f"{b.week_label} — {b.scope_name}"),
        (t("week", lang), b.week_label),
        (t("scope", lang), b.scope_name),
        (
            t("period_label", lang),
            f"{fmt.date(fmt.local_date(b.week_start))} – {fmt.date(fmt.local_date(b.week_end - 1))}",
        ),
        (t("last_data", lang), fmt.when(b.data_until)),
        (t("built_at", lang), fmt.when(built_at)),
        (t("data_version", lang), b.data_version),
        (t("confirmation", lang), f"{b.confirmed_units}/{b.total_units}"),
    ]:
        info.append([label, _text(value)])
    for row in info.iter_rows(max_col=1):
        row[0].font = BOLD
    info.column_dimensions["A"].width, info.column_dimensions["B"].width = 26, 60

    _sheet(
        book,
        t("s1", lang),
        [
            t("figure", lang),
            t("value", lang),
            t("change", lang),
            t("target", lang),
            t("vs_target", lang),
            "Đơn vị tính" if lang == "vi" else "Unit",
            t("confirmation", lang),
        ],
        [
            [h.label, _n(h.value), _n(h.change), h.target, _n(h.gap), h.suffix.strip(), _status(h.confirmed, lang)]
            for h in b.headlines
        ],
    )
    _sheet(
        book, t("s2", lang), [t("s2", lang).split(". ", 1)[-1]], [[sentence] for sentence in b.narrative], widths=[140]
    )
    _sheet(
        book,
        t("sheet_s3", lang),
        [
            "Mã" if lang == "vi" else "Code",
            t("task", lang),
            t("owner", lang),
            t("target", lang),
            t("actual", lang),
            t("change", lang),
            "Tử số" if lang == "vi" else "Numerator",
            "Mẫu số" if lang == "vi" else "Denominator",
            ("Thời hạn xử lý (giờ)" if lang == "vi" else "SLA (hours)"),
            t("deadline", lang),
            t("status", lang),
            t("confirmation", lang),
        ],
        [
            [
                task.code,
                task.name,
                task.owner,
                task.target,
                _n(task.actual),
                _n(task.change),
                task.numerator,
                task.denominator,
                task.sla_hours,
                dt.datetime.combine(task.deadline, dt.time()),
                t(f"status_{task.status}", lang),
                _status(task.confirmed, lang),
            ]
            for task in b.tasks
        ],
        dates={10},
    )
    db_rows = [
        [db.code, db.name, db.owner, db.stage, db.stage_name]
        + [_n(s) for s in db.scores]
        + [_n(db.score), _n(db.change), _status(db.confirmed, lang)]
        for db in b.databases
    ]
    sheet = _sheet(
        book,
        t("sheet_s4", lang),
        [
            "Mã" if lang == "vi" else "Code",
            t("database", lang),
            t("owner", lang),
            t("stage", lang),
            "Tên giai đoạn" if lang == "vi" else "Stage name",
        ]
        + b.criteria
        + [t("score", lang), t("week_change", lang), t("confirmation", lang)],
        db_rows,
    )
    for r, db in enumerate(b.databases, start=2):
        for c, colour in enumerate(db.score_colours, start=6):
            sheet.cell(r, c).fill = PatternFill("solid", fgColor=LIGHT_BG[colour].lstrip("#"))
    unit_rows = [
        [line.code or "", line.name]
        + [_n(v) for v in line.values]
        + [_n(line.score), line.rank, _status(line.confirmed, lang)]
        for line in [*b.units, b.ministry]
    ]
    _sheet(
        book,
        t("sheet_s5", lang),
        ["Mã" if lang == "vi" else "Code", t("unit", lang)]
        + [f"{name} ({t('target', lang).lower()} {fmt.number(target, 0, lang)}%)" for name, target in b.indicators]
        + [t("score_766", lang), t("rank", lang), t("confirmation", lang)],
        unit_rows,
    )

    quality = book.create_sheet(_title(t("s6", lang)))
    blocks = [
        (
            t("stale_sources", lang),
            [t("source", lang), t("unit", lang), t("last_data", lang), t("last_error", lang)],
            [[s.source_id, s.unit, _local(s.as_of), s.last_error] for s in b.stale_sources],
        ),
        (
            t("quarantined", lang),
            [t("source", lang), t("count", lang), t("main_reason", lang)],
            [[q.source_id, q.count, q.reason] for q in b.quarantined],
        ),
        (
            t("flags", lang),
            [t("day", lang), t("metric", lang), t("unit", lang), t("value", lang), t("median", lang)],
            [[_local(f.ts), f.metric, f.unit, f.value, f.median] for f in b.flags],
        ),
    ]
    for title, header, rows in blocks:
        quality.append([title])
        quality.cell(quality.max_row, 1).font = Font(bold=True, size=12)
        quality.append(header)
        for cell in quality[quality.max_row]:
            cell.font, cell.fill = BOLD, HEAD_FILL
        for row in rows or [[t("none", lang)]]:
            quality.append([_text(v) for v in row])
        quality.append([])
    for column, width in zip("ABCDE", (22, 40, 18, 60, 18)):
        quality.column_dimensions[column].width = width
    _sheet(
        book,
        t("sheet_s7", lang),
        [t("s7", lang).split(". ", 1)[-1], t("status", lang), t("deadline", lang)],
        [list(d) for d in b.directives] or [[t("no_directives", lang)]],
        widths=[80, 20, 20],
    )

    book.properties.creator = "IOC"
    book.properties.title = f"{t('title', lang)} {b.week_label}"
    stamp = dt.datetime.fromtimestamp(built_at, dt.UTC).replace(tzinfo=None, microsecond=0)
    book.properties.created = book.properties.modified = stamp
    buffer = io.BytesIO()
    book.save(buffer)
    return dated_package(buffer.getvalue(), built_at)


def _text(value):
    """Every string NFC, as in the PDF and the DOCX."""
    return nfc(value) if isinstance(value, str) else value


def _title(text: str) -> str:
    # Excel sheet names: at most 31 characters, none of : \ / ? * [ ]
    return "".join(ch for ch in text if ch not in ":\\/?*[]")[:31]


def _local(seconds: float | None) -> dt.datetime | None:
    # Excel has no time zones: local (Hanoi) wall-clock time, as printed in the PDF
    return None if seconds is None else fmt.local(seconds).replace(tzinfo=None)


def _sheet(
    book: Workbook,
    title: str,
    header: list[str],
    rows: list[list],
    widths: list[int] | None = None,
    dates: set[int] = frozenset(),
):
    sheet = book.create_sheet(_title(title))
    sheet.append(header)
    for cell in sheet[1]:
        cell.font, cell.fill = BOLD, HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        sheet.append([_text(v) for v in row])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, float):
                cell.number_format = "0.0"
            if cell.column in dates:
                cell.number_format = "dd/mm/yyyy"
    sheet.freeze_panes = "A2"
    for index, width in enumerate(widths or [max(12, min(48, len(str(h)) + 4)) for h in header], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    return sheet
