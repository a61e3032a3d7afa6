"""Every table of the app, each built once from the Reader with the page's filters (?unit=, ?db=,
?week=): the page draws it and /tai-ve/<name>.csv|xlsx writes it (TABLES), so a download holds
what the page showed."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from dash import html

from base import formatting as fmt
from base import labels
from base.catalogue import Catalogue
from base.i18n import _, pgettext
from base.localtime import iso_week_label, last_full_week
from base.problems import word
from dashboards import links
from dashboards.components import freshness_line, province_of, snapshot_of, stale_badge, week_of, with_filters
from dashboards.page import Query
from dashboards.reader import Reader
from dashboards.table import Cell, Column, Row, Table
from dashboards.theme import status_colour
from metrics.directives import FollowUp
from metrics.read_models import Snapshot, unit_figures

LINEAGE_DAYS = 182


def _chosen(query: Query, unit: str) -> bool:
    return not query.get("unit") or query["unit"] == unit


def effectiveness(reader: Reader, query: Query) -> Table:
    """Each unit's Decision 766 indicators and score, best first, and the ministry's."""
    snap, catalogue = snapshot_of(reader, query), reader.config.catalogue
    columns = [
        Column("unit", pgettext("organisation", "Unit"), class_name="name"),
        *[Column(row.code, catalogue.indicators[row.code].name(), "number") for row in snap.indicators],
        Column("score", _("766 score"), "number"),
        Column("stale", "", page=True, download=False),
    ]
    ranked = sorted(catalogue.units.values(), key=lambda u: -(snap.unit_effectiveness[u.code].value or -1))
    rows = []
    for unit in ranked:
        if not _chosen(query, unit.code):
            continue
        figure = snap.unit_effectiveness[unit.code]
        cells: list[Any] = [unit.name()]
        for row in snap.indicators:
            value = row.by_unit[unit.code]
            cells.append(Cell(value, colour=catalogue.attainment_colour(catalogue.indicators[row.code], value)))
        cells.append(Cell(figure.value, colour=catalogue.colour(figure.value)))
        cells.append(Cell(None, content=stale_badge(figure.freshness) if figure.freshness.stale else ""))
        rows.append(Row(cells, row_id=f"effectiveness-{unit.code}"))
    ministry: list[Any] = [_("Ministry")]
    ministry += [
        Cell(row.ministry.value, colour=catalogue.attainment_colour(catalogue.indicators[row.code], row.ministry.value))
        for row in snap.indicators
    ]
    ministry += [Cell(snap.effectiveness.value, colour=catalogue.colour(snap.effectiveness.value)), ""]
    rows.append(Row(ministry, row_id="effectiveness-ministry", class_name="total"))
    return Table("hieu-qua", columns, rows)


def database_heat(snap: Snapshot, catalogue: Catalogue) -> Table:
    """The 12 databases at a glance: stage, the six criteria and the score as traffic lights (the
    overview's grid and the wall's; the full table with its download is databases())."""
    criteria = list(catalogue.criteria.values())
    columns = [
        Column("database", _("Database"), class_name="code"),
        Column("stage", _("Stage"), class_name="stage"),
        *[Column(c.code, c.name(), "number", 0) for c in criteria],
        Column("score", _("Score"), "number"),
        Column("stale", "", download=False),
    ]
    rows = [
        Row(
            [
                Cell(db.code, title=catalogue.databases[db.code].name()),
                Cell(db.stage, text=str(db.stage or fmt.MISSING)),
                *[Cell(db.scores[c.code], colour=catalogue.colour(db.scores[c.code])) for c in criteria],
                Cell(db.score, colour=db.colour),
                Cell(
                    db.freshness.stale,
                    content=html.Span(_("stale data"), className="badge badge-stale") if db.freshness.stale else "",
                ),
            ],
            row_id=f"heat-{db.code}",
        )
        for db in snap.databases
    ]
    return Table("co-so-du-lieu", columns, rows)


def project06(reader: Reader, query: Query) -> Table:
    """The Project 06 tasks: target, actual (with its SLA and numbers), change, deadline, status."""
    snap, catalogue = snapshot_of(reader, query), reader.config.catalogue
    columns = [
        Column("task", _("Task")),
        Column("owner", _("Lead unit")),
        Column("target", _("Target"), "percent", 0),
        Column("actual", _("Actual"), "percent"),
        Column("change", pgettext("column", "vs last week"), "signed"),
        Column("numerator", _("Numerator"), "number", 0, page=False),
        Column("denominator", _("Denominator"), "number", 0, page=False),
        Column("deadline", _("Deadline"), "date"),
        Column("status", _("Status")),
        Column("as_of", _("As of"), "time"),
    ]
    rows = []
    for task in snap.tasks:
        if not _chosen(query, task.owner):
            continue
        definition, owner = catalogue.tasks[task.code], catalogue.units[task.owner]
        sla = _("within {hours} h: ").format(hours=fmt.number(task.sla_hours, 0)) if task.sla_hours else ""
        numbers = f"{sla}{fmt.number(task.numerator, 0)} / {fmt.number(task.denominator, 0)}"
        status = labels.task_status(task.status)
        rows.append(
            Row(
                [
                    Cell(definition.name(), detail=definition.rule()),
                    Cell(
                        owner.name(),
                        text=owner.code,
                        title=owner.name(),
                        href=with_filters(links.PROJECT06, query, unit=owner.code),
                    ),
                    task.actual.target,
                    Cell(task.actual.value, detail=numbers),
                    task.actual.change,
                    task.numerator,
                    task.denominator,
                    task.deadline,
                    Cell(status, badge=f"badge-{status_colour(task.status)}"),
                    Cell(task.actual.freshness.as_of, content=freshness_line(task.actual.freshness)),
                ],
                row_id=f"task-{task.code}",
                class_name=f"task task-{task.status}",
            )
        )
    return Table("de-an-06", columns, rows)


def databases(reader: Reader, query: Query) -> Table:
    """The 12 databases against the six criteria, with stage, score, change, records and freshness."""
    # The databases are national: the province filter does not apply to them.
    snap, catalogue = reader.snapshot(week_of(query)), reader.config.catalogue
    criteria = list(catalogue.criteria.values())
    columns = [
        Column("database", _("Database")),
        Column("owner", _("Lead unit")),
        Column("stage", _("Stage"), class_name="stage"),
        *[Column(c.code, c.name(), "number") for c in criteria],
        Column("score", _("Score"), "number"),
        Column("change", _("Change this week"), "signed", class_name="num change"),
        Column("records", _("Records / target"), "number", 0),
        Column("records_target", _("Target"), "number", 0, page=False),
        Column("complete", _("Complete"), "flag", class_name="complete"),
        Column("as_of", _("As of"), "time"),
    ]
    rows = []
    for db in snap.databases:
        if not _chosen(query, db.owner) or query.get("db", db.code) != db.code:
            continue
        stage = catalogue.stages.get(db.stage) if db.stage else None
        share = None if db.records is None else 100 * db.records / db.records_target
        rows.append(
            Row(
                [
                    Cell(
                        db.code,
                        href=with_filters(links.DATABASE, query, db=db.code, unit=""),
                        link_id=f"db-{db.code}",
                        detail=catalogue.databases[db.code].name(),
                    ),
                    Cell(db.owner, title=catalogue.units[db.owner].name()),
                    Cell(db.stage, text=f"{db.stage}. {stage.name()}" if stage else fmt.MISSING),
                    *[
                        Cell(
                            db.scores[c.code],
                            colour=catalogue.colour(db.scores[c.code]),
                            href=links.lineage(c.metric, db.owner, db.code),
                        )
                        for c in criteria
                    ],
                    Cell(db.score, colour=db.colour),
                    db.change,
                    Cell(
                        db.records,
                        text=f"{fmt.number(db.records, 0)} / {fmt.number(db.records_target, 0)}",
                        detail=fmt.percent(share, 1),
                    ),
                    db.records_target,
                    db.complete,
                    Cell(db.freshness.as_of, content=freshness_line(db.freshness)),
                ],
                row_id=f"database-{db.code}",
            )
        )
    return Table("co-so-du-lieu", columns, rows)


def sources(reader: Reader, query: Query) -> Table:
    """Collector health: each source's state, last success, lag, duration, errors and quarantine."""
    snap, catalogue = reader.snapshot(), reader.config.catalogue
    columns = [
        Column("source", _("Source")),
        Column("state", _("State")),
        Column("last_success", _("Last success"), "time"),
        Column("lag", _("Lag"), "duration"),
        Column("duration", _("Duration"), "duration"),
        Column("rows", _("Rows"), "number", 0),
        Column("errors_24h", _("Errors/24 h"), "number", 0),
        Column("quarantined", _("Quarantined"), "number", 0),
        Column("last_error", _("Error or note"), class_name="error"),
    ]
    rows = []
    for h in snap.health.values():
        if not _chosen(query, h.unit):
            continue
        unit = catalogue.units.get(h.unit)
        rows.append(
            Row(
                [
                    Cell(h.source_id, text=h.source_id, detail=f"{h.kind} · {unit.name() if unit else ''}"),
                    Cell(labels.label(labels.SOURCE_STATE, h.state), badge=f"badge-state-{h.state}"),
                    Cell(h.last_live_success, detail=fmt.age(h.last_live_success)),
                    h.lag_seconds,
                    h.duration_seconds,
                    h.rows_written,
                    Cell(h.failures_24h, text=f"{h.failures_24h}/{h.runs_24h}"),
                    h.quarantined_total,
                    word(h.last_error),
                ],
                row_id=f"source-{h.source_id}",
                class_name=f"source source-{h.state}",
            )
        )
    return Table("nguon-du-lieu", columns, rows)


def quarantine(reader: Reader, query: Query) -> Table:
    """Records refused recently, with their reason and the raw record (shown as text, never markup)."""
    units = {h.source_id: h.unit for h in reader.snapshot().health.values()}
    columns = [
        Column("received", _("Received"), "time"),
        Column("source", _("Source")),
        Column("reason", _("Reason")),
        Column("raw", _("Raw record")),
    ]
    rows = [
        Row([q["received_at"], q["source_id"], word(q["reason"]), Cell(q["raw"], content=html.Code(_short(q["raw"])))])
        for q in reader.quarantine()
        if _chosen(query, units.get(q["source_id"], ""))
    ]
    return Table("cach-ly", columns, rows, empty=_("None"))


def flagged(reader: Reader, query: Query) -> Table:
    """Suspicious values stored and flagged for follow-up."""
    catalogue = reader.config.catalogue
    columns = [
        Column("period", _("Period")),
        Column("metric", _("Metric")),
        Column("unit", pgettext("organisation", "Unit")),
        Column("database", _("Database")),
        Column("source", _("Source")),
        Column("value", _("Value"), "number"),
        Column("median", _("Historical median"), "number"),
        Column("score", _("z-score"), "number"),
    ]
    rows = []
    for f in reader.flags():
        if not _chosen(query, f["unit"]):
            continue
        metric = catalogue.metrics.get(f["metric"])
        daily = metric is not None and metric.bucket == "day"
        rows.append(
            Row(
                [
                    _period(f["ts"], daily),
                    Cell(f["metric"], text=metric.name() if metric else f["metric"]),
                    f["unit"],
                    f["database"],
                    f["source_id"],
                    Cell(f["value"], text=fmt.number(f["value"], 1 if f["value"] % 1 else 0)),
                    Cell(f["median"], text=fmt.number(f["median"], 1 if f["median"] % 1 else 0)),
                    f["score"],
                ]
            )
        )
    return Table("gia-tri-bat-thuong", columns, rows, empty=_("None"))


def screens(reader: Reader, query: Query) -> Table:
    """The wall screens that reported in, and when."""
    columns = [
        Column("screen", _("Screen")),
        Column("client", _("Browser"), class_name="small"),
        Column("address", _("Address")),
        Column("last_report", _("Last report"), "time"),
        Column("started", _("Started"), "time"),
    ]
    rows = [
        Row(
            [
                s["screen"],
                s["client_id"],
                s["address"],
                Cell(s["last_seen"], detail=fmt.age(s["last_seen"])),
                s["first_seen"],
            ]
        )
        for s in reader.screens_seen()
    ]
    return Table("man-hinh", columns, rows, empty=_("None"))


def runs(reader: Reader, query: Query) -> Table:
    """The latest collection runs."""
    units = {h.source_id: h.unit for h in reader.snapshot().health.values()}
    columns = [
        Column("started", _("Started"), "time"),
        Column("source", _("Source")),
        Column("status", _("Status")),
        Column("duration", _("Duration"), "duration"),
        Column("rows", _("Rows"), "number", 0),
        Column("quarantined", _("Quarantined"), "number", 0),
        Column("last_error", _("Error or note"), class_name="error"),
    ]
    rows = [
        Row(
            [
                r["started_at"],
                r["source_id"],
                Cell(r["status"], text=labels.label(labels.RUN_STATUS, r["status"]), class_name=f"run-{r['status']}"),
                (r["finished_at"] or r["started_at"]) - r["started_at"],
                r["rows_written"],
                r["rows_rejected"],
                word(r["error"]) if r["error"] else word(r.get("note")),
            ],
        )
        for r in reader.runs()
        if _chosen(query, units.get(r["source_id"], ""))
    ]
    return Table("lan-thu", columns, rows)


def history(reader: Reader, query: Query, newest_first: bool = False, limit: int | None = None) -> Table:
    """One series (?metric=&unit=&database=) over the lineage page's 26 weeks, with the run of each value."""
    metric = reader.config.catalogue.metrics.get(query.get("metric", ""))
    frame = reader.series_history(
        query.get("metric", ""), query.get("unit", ""), query.get("database", ""), LINEAGE_DAYS, province_of(query)
    )
    daily = metric is not None and metric.bucket == "day"
    decimals = 0 if metric is not None and metric.kind == "count" else 1
    columns = [
        Column("period", _("Period")),
        Column("value", _("Value"), "number", decimals),
        Column("run", _("Run")),
        Column("source", _("Source"), page=False),
    ]
    samples = list(zip(frame["ts"], frame["value"], frame["run_id"], frame["source_id"], strict=True))
    if newest_first:
        samples.reverse()
    rows = [
        Row(
            [
                _period(ts, daily),
                value,
                Cell(int(run), text=f"#{int(run)}"),
                source,
            ]
        )
        for ts, value, run, source in samples[:limit]
    ]
    return Table("lich-su", columns, rows)


def briefing_editions(reader: Reader, query: Query) -> Table:
    """Every edition built or attempted, with its files, SHA-256 and data version."""
    catalogue = reader.config.catalogue
    columns = [
        Column("week", _("Week"), class_name="code"),
        Column("scope", _("Scope")),
        Column("lang", _("Language")),
        Column("status", _("Status"), page=False),
        Column("built_at", _("Built"), "time"),
        Column("data_version", _("Data version"), "number", 0),
        Column("trigger", _("Trigger")),
        Column("files", _("Files"), download=False),
        Column("sha256_pdf", "SHA-256 (PDF)"),
        Column("sha256_docx", "SHA-256 (DOCX)", page=False),
        Column("sha256_xlsx", "SHA-256 (XLSX)", page=False),
        Column("error", _("Last error"), page=False),
    ]
    rows = []
    for e in reader.editions(1000):
        if not _chosen(query, e["scope"] or ""):
            continue
        scope = catalogue.units[e["scope"]].name() if e["scope"] in catalogue.units else _("Ministry")
        digests = {f: e["files"].get(f, {}).get("sha256", "") for f in ("pdf", "docx", "xlsx")}
        error = word(e["error"])
        if e["status"] == "built":
            links_ = [
                part for f in ("pdf", "docx", "xlsx") if f in e["files"] for part in (" · ", _file_link(e["id"], f))
            ][1:]
            files = Cell(None, content=links_)
            pdf = Cell(digests["pdf"], text=digests["pdf"][:16], title=digests["pdf"])
        else:
            files = Cell(None, badge="badge-red", text=_("Not built"))
            pdf = Cell("", content=_error(error))
        rows.append(
            Row(
                [
                    e["week"],
                    scope,
                    e["lang"],
                    labels.label(labels.EDITION_STATUS, e["status"]),
                    e["built_at"],
                    e["data_version"],
                    labels.label(labels.EDITION_TRIGGER, e["trigger"]),
                    files,
                    pdf,
                    digests["docx"],
                    digests["xlsx"],
                    error,
                ],
                row_id=f"edition-{e['id']}",
                class_name=f"edition edition-{e['status']}",
            )
        )
    return Table("ban-tin", columns, rows, empty=_("None"))


def confirmations(reader: Reader, query: Query) -> Table:
    """Which units confirmed their figures of a week (?week=, the last full week by default)."""
    week = week_of(query) or last_full_week(time.time())
    snapshot, label = reader.snapshot(week), iso_week_label(week)
    confirmed = reader.confirmations(label)
    columns = [
        Column("week", _("Week"), page=False),
        Column("unit", pgettext("organisation", "Unit"), class_name="code"),
        Column("name", _("Name")),
        Column("status", _("Status")),
        Column("confirmed_by", _("Confirmed by")),
        Column("when", _("When"), "time"),
    ]
    rows = []
    for code, unit in reader.config.catalogue.units.items():
        entry = confirmed.get(code)
        state = "none" if entry is None else "valid" if entry["figures"] == unit_figures(snapshot, code) else "changed"
        badge = {"none": "badge-none", "valid": "badge-green", "changed": "badge-amber"}[state]
        rows.append(
            Row(
                [
                    label,
                    Cell(code, title=unit.name()),
                    unit.name(),
                    Cell(labels.label(labels.CONFIRMATION_STATE, state), badge=badge),
                    entry["confirmed_by"] if entry else "",
                    entry["confirmed_at"] if entry else None,
                ],
                row_id=f"confirmation-{code}",
            )
        )
    return Table("xac-nhan", columns, rows)


def deliveries(reader: Reader, query: Query) -> Table:
    """E-mails of the editions: sent, retrying or given up."""
    columns = [
        Column("recipient", _("Recipient")),
        Column("edition", _("Edition")),
        Column("status", _("Status")),
        Column("attempts", _("Attempts"), "number", 0),
        Column("when", _("When"), "time"),
        Column("error", _("Last error"), class_name="error"),
    ]
    colour = {"sent": "green", "pending": "amber"}
    rows = [
        Row(
            [
                d["recipient"],
                Cell(d["edition_id"], text=f"#{d['edition_id']}"),
                Cell(
                    labels.label(labels.DELIVERY_STATUS, d["status"]),
                    badge=f"badge-{colour.get(d['status'], 'red')}",
                ),
                d["attempts"],
                d["sent_at"] or d["updated_at"],
                word(d["last_error"]),
            ]
        )
        for d in reader.deliveries(100)
    ]
    return Table("gui-thu", columns, rows, empty=_("None"))


def briefing_problems(reader: Reader, query: Query) -> Table:
    """What the sources page reports of the briefings: builds that failed, e-mails not sent."""
    problems = reader.briefing_problems()
    columns = [
        Column("what", _("Weekly briefings")),
        Column("status", _("Status"), class_name="run-failed"),
        Column("when", _("When"), "time"),
        Column("error", _("Last error"), class_name="error"),
    ]
    rows = [
        Row(
            [
                f"{b['week']} · {b['scope'] or _('Ministry')} · {b['lang']}",
                _("Not built"),
                b["built_at"],
                word(b["error"]),
            ]
        )
        for b in problems["builds"]
    ]
    rows += [
        Row(
            [
                f"#{d['edition_id']} → {d['recipient']}",
                labels.label(labels.DELIVERY_STATUS, d["status"]),
                d["updated_at"],
                word(d["last_error"]),
            ]
        )
        for d in problems["deliveries"]
        if d["attempts"]
    ]
    return Table("ban-tin-loi", columns, rows, empty=_("None"))


def _period(moment: float, daily: bool) -> Cell:
    """When a sample is from: its day for a daily figure, its time otherwise (a download keeps the time)."""
    return Cell(moment, text=fmt.day(moment) if daily else fmt.when(moment), exported=fmt.when(moment))


def _file_link(edition_id: int, fmt_: str) -> Any:
    return html.A(
        fmt_.upper(),
        href=links.briefing_file(edition_id, fmt_),
        id=f"edition-{edition_id}-{fmt_}",
        className="file-link",
    )


def _error(text: str) -> Any:
    return html.Span(text, className="error")


def _short(raw: str) -> str:
    try:
        return json.dumps(json.loads(raw), ensure_ascii=False)[:300]
    except (ValueError, TypeError):
        return str(raw)[:300]


# The tables a download may ask for, by their names in /tai-ve/<name>.csv|xlsx.
def follow_up(reader: Reader, query: Query) -> Table:
    """Each unit's follow-up of the leadership's directives: done on time, open, overdue, and
    the on-time rate (of the directives due by now or already done)."""
    snap, catalogue = reader.snapshot(), reader.config.catalogue
    columns = [
        Column("unit", pgettext("organisation", "Unit"), class_name="name"),
        Column("counted", _("Due or done"), "number", 0),
        Column("on_time", _("Done on time"), "number", 0),
        Column("open", _("Open"), "number", 0),
        Column("overdue", _("Overdue"), "number", 0),
        Column("rate", _("On-time rate (%)"), "number"),
    ]
    rows = [
        Row(
            [
                Cell(unit.name(), href=with_filters(links.DIRECTIVES, {"unit": unit.code})),
                f.counted,
                f.on_time,
                f.open,
                Cell(f.overdue, colour="red" if f.overdue else None),
                Cell(f.rate, colour=catalogue.colour(f.rate)),
            ],
            row_id=f"follow-up-{unit.code}",
        )
        for unit in catalogue.units.values()
        if _chosen(query, unit.code)
        for f in [snap.follow_up.get(unit.code) or FollowUp(0, 0, 0, 0)]
    ]
    return Table("theo-doi-chi-dao", columns, rows)


def audit_log(reader: Reader, query: Query) -> Table:
    """Who did what, when and from where: the newest thousand entries (?action= to choose one kind)."""
    columns = [
        Column("at", _("When"), "time"),
        Column("actor", _("Who")),
        Column("address", _("From")),
        Column("action", _("What")),
        Column("subject", _("On")),
        Column("outcome", _("Outcome")),
        Column("detail", _("Detail")),
    ]
    chosen = query.get("action", "")
    rows = [
        Row(
            [
                e["at"],
                e["actor"],
                e["address"],
                Cell(e["action"], text=labels.label(labels.AUDIT_ACTION, e["action"])),
                e["subject"],
                Cell(
                    e["outcome"],
                    text=labels.label(labels.AUDIT_OUTCOME, e["outcome"]),
                    class_name=f"run-{e['outcome']}",
                ),
                e["detail"],
            ]
        )
        for e in reader.audit()
        if not chosen or e["action"] == chosen
    ]
    return Table("nhat-ky", columns, rows)


TABLES: dict[str, Callable[[Reader, Query], Table]] = {
    "hieu-qua": effectiveness,
    "de-an-06": project06,
    "co-so-du-lieu": databases,
    "nguon-du-lieu": sources,
    "cach-ly": quarantine,
    "gia-tri-bat-thuong": flagged,
    "man-hinh": screens,
    "lan-thu": runs,
    "lich-su": history,
    "ban-tin": briefing_editions,
    "xac-nhan": confirmations,
    "nhat-ky": audit_log,
    "theo-doi-chi-dao": follow_up,
}
