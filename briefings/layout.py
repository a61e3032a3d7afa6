"""The briefing laid out once: its sections, their tables (columns, printed text, colours, the
numbers the appendix keeps), captions, notes and charts, in the briefing's language.

The PDF (pdf.py), the DOCX (docx_report.py) and the XLSX appendix (xlsx_appendix.py) only
render this document: a column, a heading or a word is decided here and nowhere else. A column
is printed, kept in the appendix, or both; a cell carries the value the appendix stores (a
number stays a number) and the text the printed documents show.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from base import formatting as fmt
from base import labels, localtime
from base.formatting import nfc
from base.i18n import _, language, pgettext
from briefings.model import Briefing

Where = Literal["both", "print", "appendix"]


@dataclass(frozen=True)
class Column:
    label: str
    width: float = 1.0  # share of the printed width
    numeric: bool = False  # right-aligned when printed
    where: Where = "both"
    appendix_label: str | None = None  # the appendix's header, when it says more than the printed one
    date: bool = False  # the appendix stores a date

    def heading(self, appendix: bool) -> str:
        return (self.appendix_label or self.label) if appendix else self.label


@dataclass(frozen=True)
class Cell:
    value: Any  # what the appendix keeps
    text: str  # what the printed documents show
    colour: str | None = None  # a traffic light for the text (bold)
    fill: str | None = None  # a traffic light for the background


@dataclass(frozen=True)
class Table:
    columns: Sequence[Column]
    rows: Sequence[Sequence[Cell]]
    caption: str | None = None
    empty: str = ""  # printed instead of a table without rows
    legend: str | None = None
    total_row: bool = False  # the last row is a total (bold, ruled above)

    def shown(self, appendix: bool) -> list[int]:
        """Indexes of the columns the printed documents (or the appendix) show."""
        unwanted = "print" if appendix else "appendix"
        return [i for i, column in enumerate(self.columns) if column.where != unwanted]


@dataclass(frozen=True)
class Sentences:
    heading: str  # the appendix's column header
    lines: Sequence[str]


@dataclass(frozen=True)
class Note:
    text: str


@dataclass(frozen=True)
class BulletChart:
    """Bars of (label, value %, target %, colour), each target a black mark (PDF only)."""

    caption: str
    rows: Sequence[tuple[str, float | None, float | None, str]]


@dataclass(frozen=True)
class TrendChart:
    caption: str
    points: Sequence[tuple[str, float | None]]


@dataclass(frozen=True)
class Charts:
    """Charts side by side; the office files leave them out (their figures are in the tables)."""

    charts: Sequence[BulletChart | TrendChart]


Block = Table | Sentences | Note | Charts


@dataclass(frozen=True)
class Section:
    title: str
    sheet: str  # the appendix's sheet name (Excel allows 31 characters)
    blocks: Sequence[Block]
    keep_space_mm: float = 0  # the printed section starts on a new page with less room than this


@dataclass(frozen=True)
class Layout:
    lang: str
    title: str
    scope_name: str
    subject: str
    period: str
    running_head: str  # the week and the data time, on every printed page
    data_until: str
    built: str
    confirmations: str
    page: str  # "Trang {page}/{pages}", filled by the printer
    info: Sequence[tuple[str, Any]]  # the appendix's first sheet
    sections: Sequence[Section] = field(default_factory=list)


def lay_out(b: Briefing, built_at: float) -> Layout:
    """The document of a briefing built at built_at, in the briefing's language."""
    with language(b.lang):
        period = _("{start} to {end}").format(start=fmt.day(b.week_start), end=fmt.day(b.week_end - 1))
        until = fmt.when(b.data_until)
        title = _("WEEKLY OPERATIONS BRIEFING") + " " + b.week_label
        return Layout(
            lang=b.lang,
            title=nfc(title),
            scope_name=nfc(b.scope_name),
            subject=nfc(_("Operations and digital transformation progress, week {week}").format(week=b.week_label)),
            period=nfc(period),
            running_head=nfc(_("Week {week} · data until {time}").format(week=b.week_label, time=until)),
            data_until=nfc(_("data until {time}").format(time=until)),
            built=nfc(
                _("Built {time} · data version {version}").format(
                    time=fmt.when(built_at), version=fmt.number(b.data_version, 0)
                )
            ),
            confirmations=nfc(
                _("Units that confirmed their figures: {n}/{total}.").format(n=b.confirmed_units, total=b.total_units)
                + " "
                + _("(*) Provisional: the unit has not confirmed this week's figures.")
            ),
            page=_("Page {page}/{pages}"),
            info=[
                (_("WEEKLY OPERATIONS BRIEFING"), nfc(f"{b.week_label} — {b.scope_name}")),
                (_("Week"), b.week_label),
                (_("Scope"), nfc(b.scope_name)),
                (pgettext("briefing", "Period"), f"{fmt.day(b.week_start)} – {fmt.day(b.week_end - 1)}"),
                (_("Data until"), until),
                (_("Built at"), fmt.when(built_at)),
                (_("Data version"), b.data_version),
                (_("Confirmation"), f"{b.confirmed_units}/{b.total_units}"),
            ],
            sections=[
                _headlines(b),
                _summary(b),
                _tasks(b),
                _databases(b),
                _units(b),
                _quality(b),
                _directives(b),
            ],
        )


# -- cells ---------------------------------------------------------------------------------------


def _star(text: str, confirmed: bool) -> str:
    """A provisional figure carries (*)."""
    return text if confirmed else f"{text} (*)"


def _number(value: float | None, decimals: int = 1) -> Cell:
    return Cell(_kept(value), fmt.number(value, decimals))


def _signed(value: float | None) -> Cell:
    return Cell(_kept(value), "—" if value is None else fmt.signed(value, 1))


def _percent(value: float | None, decimals: int = 0) -> Cell:
    return Cell(value, "—" if value is None else fmt.percent(value, decimals))


def _figure(value: float | None, suffix: str, confirmed: bool, colour: str) -> Cell:
    """89,1% (*) or 73,8 điểm, in its traffic light."""
    if value is None:
        return Cell(None, "—", colour)
    text = fmt.percent(value, 1) if suffix == "%" else fmt.number(value, 1) + suffix
    return Cell(_kept(value), _star(text, confirmed), colour)


def _text(value: str | None) -> Cell:
    text = nfc(value or "")
    return Cell(text, text)


def _confirmation(confirmed: bool) -> Cell:
    return _text(_("Confirmed") if confirmed else _("Provisional"))


def _kept(value: float | None) -> float | None:
    """Printed to one decimal, kept to four."""
    return None if value is None else round(value, 4)


def _local(moment: float | None) -> Cell:
    return Cell(None if moment is None else localtime.wall_clock(moment), fmt.when(moment))


def _day(moment: float) -> Cell:
    return Cell(localtime.wall_clock(moment), fmt.day(moment))


# -- sections ------------------------------------------------------------------------------------


def _headlines(b: Briefing) -> Section:
    columns = [
        Column(_("Figure"), 0.46),
        Column(_("This week"), 0.16, numeric=True),
        Column(pgettext("column", "vs last week"), 0.14, numeric=True),
        Column(_("Target"), 0.10, numeric=True),
        Column(_("vs target"), 0.14, numeric=True),
        Column(pgettext("measure", "Unit"), where="appendix"),
        Column(_("Confirmation"), where="appendix"),
    ]
    rows = [
        [
            _text(h.label),
            _figure(h.value, h.suffix, h.confirmed, h.colour),
            _signed(h.change),
            _percent(h.target),
            _signed(h.gap),
            _text(h.suffix.strip()),
            _confirmation(h.confirmed),
        ]
        for h in b.headlines
    ]
    rates = [(h.label, h.value, h.target, h.colour) for h in b.headlines if h.kind == "indicator"]
    trend = (
        _("Service effectiveness of the ministry, last 8 weeks")
        if b.scope
        else _("Service effectiveness, last 8 weeks")
    )
    charts = Charts([BulletChart(_("766 indicators against target (black mark)"), rates), TrendChart(trend, b.trend)])
    return Section(_("1. Headline figures"), _("1. Headline figures"), [Table(columns, rows), charts])


def _summary(b: Briefing) -> Section:
    return Section(_("2. Summary"), _("2. Summary"), [Sentences(_("Summary"), b.narrative)])


def _tasks(b: Briefing) -> Section:
    columns = [
        Column(_("Code"), where="appendix"),
        Column(_("Task"), 0.30),
        Column(_("Lead unit"), 0.08),
        Column(_("Target"), 0.08, numeric=True),
        Column(_("Actual"), 0.11, numeric=True),
        Column(pgettext("column", "vs last week"), 0.10, numeric=True),
        Column(_("Numerator"), where="appendix"),
        Column(_("Denominator"), where="appendix"),
        Column(_("SLA compliance"), 0.13, where="print"),
        Column(_("SLA (hours)"), where="appendix"),
        Column(_("Deadline"), 0.10, date=True),
        Column(_("Status"), 0.10),
        Column(_("Confirmation"), where="appendix"),
    ]
    status_fill = {"overdue": "red", "at_risk": "amber"}
    rows = []
    for task in b.tasks:
        sla = (
            _("within {hours} h").format(hours=fmt.number(task.sla_hours, 0)) + ": " + fmt.percent(task.actual, 1)
            if task.sla_hours
            else "—"
        )
        status = labels.task_status(task.status)
        rows.append(
            [
                _text(task.code),
                _text(task.name),
                _text(task.owner),
                _percent(task.target),
                Cell(_kept(task.actual), _star(fmt.percent(task.actual, 1), task.confirmed), task.colour),
                _signed(task.change),
                Cell(task.numerator, fmt.number(task.numerator)),
                Cell(task.denominator, fmt.number(task.denominator)),
                Cell(sla, sla),
                Cell(task.sla_hours, fmt.number(task.sla_hours)),
                Cell(dt.datetime.combine(task.deadline, dt.time()), fmt.date(task.deadline)),
                Cell(status, status, fill=status_fill.get(task.status)),
                _confirmation(task.confirmed),
            ]
        )
    blocks: list[Block] = [Table(columns, rows, empty=_("None."))]
    if b.tasks:
        chart = BulletChart(
            _("Project 06 tasks: actual against target (black mark)"),
            [(task.name, task.actual, task.target, task.colour) for task in b.tasks],
        )
        blocks.append(Charts([chart]))
    return Section(_("3. Project 06 tasks"), _("3. Project 06"), blocks, keep_space_mm=60)


def _databases(b: Briefing) -> Section:
    criteria = len(b.criteria)
    columns = [
        Column(_("Database"), 0.13, appendix_label=_("Code")),
        Column(_("Name"), where="appendix"),
        Column(_("Lead unit"), where="appendix"),
        Column(_("Stage"), 0.17),
        Column(_("Stage name"), where="appendix"),
        *[Column(name, 0.52 / criteria, numeric=True) for name in b.criteria],
        Column(_("Score"), 0.08, numeric=True),
        Column(_("Change this week"), 0.10, numeric=True),
        Column(_("Confirmation"), where="appendix"),
    ]
    rows = [
        [
            Cell(db.code, _star(db.code, db.confirmed)),
            _text(db.name),
            _text(db.owner),
            Cell(db.stage, f"{db.stage or '—'}. {db.stage_name}"),
            _text(db.stage_name),
            *[
                Cell(_kept(score), fmt.number(score, 1), fill=colour)
                for score, colour in zip(db.scores, db.score_colours, strict=True)
            ],
            Cell(_kept(db.score), fmt.number(db.score, 1), db.colour, fill=db.colour),
            _signed(db.change),
            _confirmation(db.confirmed),
        ]
        for db in b.databases
    ]
    return Section(
        _("4. The 12 specialised databases"), _("4. 12 databases"), [Table(columns, rows, empty=_("None."))], 70
    )


def _units(b: Briefing) -> Section:
    numbers = [f"({i})" for i in range(1, len(b.indicators) + 1)]
    columns = [
        Column(pgettext("organisation", "Unit"), 0.14, appendix_label=_("Code")),
        Column(pgettext("organisation", "Unit"), where="appendix"),
        *[
            Column(
                number,
                0.66 / len(b.indicators),
                numeric=True,
                appendix_label=_("{name} (target {target}%)").format(name=name, target=fmt.number(target, 0)),
            )
            for number, (name, target) in zip(numbers, b.indicators, strict=True)
        ],
        Column(_("766 score"), 0.11, numeric=True),
        Column(_("Rank"), 0.09, numeric=True),
        Column(_("Confirmation"), where="appendix"),
    ]
    rows = [
        [
            Cell(line.code, _star(line.code or line.name, line.confirmed)),
            _text(line.name),
            *[_number(v) for v in line.values],
            _number(line.score),
            Cell(line.rank, str(line.rank) if line.rank else "—"),
            _confirmation(line.confirmed),
        ]
        for line in [*b.units, b.ministry]
    ]
    legend = "; ".join(
        _("{number} {name} (target {target})").format(number=number, name=name, target=fmt.percent(target, 0))
        for number, (name, target) in zip(numbers, b.indicators, strict=True)
    )
    table = Table(columns, rows, legend=nfc(legend), total_row=True)
    return Section(_("5. Effectiveness indicators by unit"), _("5. Effectiveness by unit"), [table], 60)


def _quality(b: Briefing) -> Section:
    none = _("None.")
    stale = Table(
        [
            Column(_("Source"), 0.18),
            Column(pgettext("organisation", "Unit"), 0.10),
            Column(_("Data until"), 0.18),
            Column(_("Last error"), 0.54),
        ],
        [[_text(s.source_id), _text(s.unit), _local(s.as_of), _text(s.last_error)] for s in b.stale_sources],
        caption=_("Sources that stopped delivering"),
        empty=none,
    )
    held = Table(
        [
            Column(_("Source"), 0.20),
            Column(pgettext("count", "Records"), 0.12, numeric=True),
            Column(_("Main reason"), 0.68),
        ],
        [[_text(q.source_id), Cell(q.count, fmt.number(q.count, 0)), _text(q.reason)] for q in b.quarantined],
        caption=_("Records quarantined this week"),
        empty=none,
    )
    flags = Table(
        [
            Column(_("Day"), 0.14, date=True),
            Column(_("Metric"), 0.44),
            Column(pgettext("organisation", "Unit"), 0.12),
            Column(_("Value"), 0.15, numeric=True),
            Column(_("Same-weekday median"), 0.15, numeric=True),
        ],
        [[_day(f.ts), _text(f.metric), _text(f.unit), _number(f.value, 0), _number(f.median, 0)] for f in b.flags],
        caption=_("Outliers flagged"),
        empty=none,
    )
    return Section(_("6. Data quality"), _("6. Data quality"), [stale, held, flags], 50)


def _directives(b: Briefing) -> Section:
    columns = [Column(_("Leadership directives"), 0.6), Column(_("Status"), 0.2), Column(_("Deadline"), 0.2)]
    rows = [[_text(text), _text(status), _text(due)] for text, status, due in b.directives]
    table = Table(columns, rows, empty=_("No directive is open."))
    return Section(_("7. Leadership directives"), _("7. Directives"), [table], 30)
