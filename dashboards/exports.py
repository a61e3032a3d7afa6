"""Every table on the pages, downloadable as CSV (UTF-8 with BOM, for Excel) or XLSX.

Tables are built from the same cached snapshot as the pages, with the page's filters (?week=,
?unit=, ?db=) so a download holds what the page showed; numbers stay numbers (XLSX) or plain
decimals (CSV), with Vietnamese headers by default.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable

from flask import Flask, Response, abort, request
from openpyxl import Workbook

from dashboards import languages
from dashboards.components import week_of
from dashboards.format import when
from dashboards.reader import Reader
from dashboards.text import t

Table = tuple[list[str], list[list]]


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def _chosen(query: dict, code: str) -> bool:
    return not query.get("unit") or query["unit"] == code


def effectiveness(reader: Reader, lang: str, query: dict) -> Table:
    snap, catalogue = reader.snapshot(week_of(query)), reader.config.catalogue
    header = (
        [t("unit", lang)]
        + [row.name_vi if lang == "vi" else row.name_en for row in snap.indicators]
        + [t("score_766", lang)]
    )
    rows = [
        [unit.name(lang)]
        + [_round(row.by_unit[unit.code]) for row in snap.indicators]
        + [_round(snap.unit_effectiveness[unit.code].value)]
        for unit in catalogue.units.values()
        if _chosen(query, unit.code)
    ]
    rows.append(
        [t("ministry", lang)]
        + [_round(row.ministry.value) for row in snap.indicators]
        + [_round(snap.effectiveness.value)]
    )
    return header, rows


def project06(reader: Reader, lang: str, query: dict) -> Table:
    snap, catalogue = reader.snapshot(week_of(query)), reader.config.catalogue
    header = [
        t("task", lang),
        t("owner", lang),
        t("target", lang),
        t("actual", lang),
        t("vs_last_week", lang),
        "Tử số" if lang == "vi" else "Numerator",
        "Mẫu số" if lang == "vi" else "Denominator",
        t("deadline", lang),
        t("status", lang),
        t("as_of", lang),
    ]
    rows = [
        [
            task.name_vi if lang == "vi" else task.name_en,
            catalogue.units[task.owner].name(lang),
            task.actual.target,
            _round(task.actual.value),
            _round(task.actual.change),
            task.numerator,
            task.denominator,
            task.deadline.strftime("%d/%m/%Y"),
            t(f"status_{task.status}", lang),
            when(task.actual.freshness.as_of),
        ]
        for task in snap.tasks
        if _chosen(query, task.owner)
    ]
    return header, rows


def databases(reader: Reader, lang: str, query: dict) -> Table:
    snap, catalogue = reader.snapshot(week_of(query)), reader.config.catalogue
    criteria = list(catalogue.criteria.values())
    header = (
        [t("database", lang), t("owner", lang), t("stage", lang)]
        + [c.name(lang) for c in criteria]
        + [
            t("score", lang),
            t("week_change", lang),
            t("rows", lang),
            t("target", lang),
            t("complete", lang),
            t("as_of", lang),
        ]
    )
    rows = [
        [db.code, db.owner, db.stage]
        + [db.scores[c.code] for c in criteria]
        + [_round(db.score), _round(db.change), db.records, db.records_target, db.complete, when(db.freshness.as_of)]
        for db in snap.databases
        if _chosen(query, db.owner) and query.get("db", db.code) == db.code
    ]
    return header, rows


def sources(reader: Reader, lang: str, query: dict) -> Table:
    snap = reader.snapshot()
    header = [
        t("source", lang),
        t("state", lang),
        t("last_success", lang),
        t("lag", lang),
        t("duration", lang),
        t("rows", lang),
        t("errors_24h", lang),
        t("quarantine", lang),
        t("last_error", lang),
    ]
    rows = [
        [
            h.source_id,
            t(f"state_{h.state}", lang),
            when(h.last_live_success),
            _round(h.lag_seconds, 1),
            _round(h.duration_seconds, 3),
            h.rows_written,
            h.failures_24h,
            h.quarantined_total,
            h.last_error or "",
        ]
        for h in snap.health.values()
        if _chosen(query, h.unit)
    ]
    return header, rows


def quarantine(reader: Reader, lang: str, query: dict) -> Table:
    header = [t("received", lang), t("source", lang), t("reason", lang), t("raw_value", lang)]
    units = {h.source_id: h.unit for h in reader.snapshot().health.values()}
    return header, [
        [when(q["received_at"]), q["source_id"], q["reason"], q["raw"]]
        for q in reader.quarantine()
        if _chosen(query, units.get(q["source_id"], ""))
    ]


def flagged(reader: Reader, lang: str, query: dict) -> Table:
    header = [
        t("period", lang),
        t("metric", lang),
        t("unit", lang),
        t("database", lang),
        t("source", lang),
        t("value", lang),
        t("median", lang),
        t("z_score", lang),
    ]
    return header, [
        [
            when(f["ts"]),
            f["metric"],
            f["unit"],
            f["database"],
            f["source_id"],
            f["value"],
            f["median"],
            _round(f["score"]),
        ]
        for f in reader.flags()
        if _chosen(query, f["unit"])
    ]


def screens(reader: Reader, lang: str, query: dict) -> Table:
    header = [t("screen", lang), t("client", lang), t("address", lang), t("last_report", lang), t("started", lang)]
    return header, [
        [s["screen"], s["client_id"], s["address"], when(s["last_seen"]), when(s["first_seen"])]
        for s in reader.store.screens_seen()
    ]


def runs(reader: Reader, lang: str, query: dict) -> Table:
    header = [
        t("started", lang),
        t("source", lang),
        t("status", lang),
        t("duration", lang),
        t("rows", lang),
        t("quarantine", lang),
        t("last_error", lang),
    ]
    units = {h.source_id: h.unit for h in reader.snapshot().health.values()}
    return header, [
        [
            when(r["started_at"]),
            r["source_id"],
            r["status"],
            _round((r["finished_at"] or r["started_at"]) - r["started_at"], 3),
            r["rows_written"],
            r["rows_rejected"],
            r["error"] or "",
        ]
        for r in reader.runs()
        if _chosen(query, units.get(r["source_id"], ""))
    ]


def history(reader: Reader, lang: str, query: dict) -> Table:
    """One series (?metric=&unit=&database=) over the lineage page's 26 weeks, with the run of each value."""
    from metrics.series_reads import series_history

    header = [t("period", lang), t("value", lang), "Lần thu" if lang == "vi" else "Run", t("source", lang)]
    frame = series_history(
        reader.store,
        query.get("metric", ""),
        query.get("unit", ""),
        query.get("database", ""),
        time.time() - 182 * 86400,
    )
    return header, [
        [when(ts), value, int(run), source]
        for ts, value, run, source in zip(frame["ts"], frame["value"], frame["run_id"], frame["source_id"])
    ]


def briefing_editions(reader: Reader, lang: str, query: dict) -> Table:
    from metrics import editions

    header = [
        t("week", lang),
        t("scope", lang),
        t("language", lang),
        t("status", lang),
        t("built_at", lang),
        t("data_version", lang),
        t("trigger", lang),
        "SHA-256 PDF",
        "SHA-256 DOCX",
        "SHA-256 XLSX",
        t("last_error", lang),
    ]
    return header, [
        [
            e["week"],
            e["scope"] or t("ministry", lang),
            e["lang"],
            e["status"],
            when(e["built_at"]),
            e["data_version"],
            e["trigger"],
        ]
        + [e["files"].get(f, {}).get("sha256", "") for f in ("pdf", "docx", "xlsx")]
        + [e["error"] or ""]
        for e in editions.editions(reader.store, 1000)
        if _chosen(query, e["scope"] or "")
    ]


def confirmations(reader: Reader, lang: str, query: dict) -> Table:
    from metrics import editions
    from metrics.read_models import unit_figures
    from metrics.timebuckets import iso_week_label, last_full_week

    week = week_of(query) or last_full_week(time.time())  # by default the week the briefings page shows
    snapshot, label = reader.snapshot(week), iso_week_label(week)
    confirmed = editions.confirmations_of(reader.store, label)
    header = [t("week", lang), t("unit", lang), t("status", lang), t("confirmed_by", lang), t("when", lang)]
    rows = []
    for code in reader.config.catalogue.units:
        entry = confirmed.get(code)
        state = (
            "not_confirmed"
            if entry is None
            else "confirmation_valid"
            if entry["figures"] == unit_figures(snapshot, code)
            else "confirmation_changed"
        )
        rows.append(
            [
                label,
                code,
                t(state, lang),
                entry["confirmed_by"] if entry else "",
                when(entry["confirmed_at"]) if entry else "",
            ]
        )
    return header, rows


TABLES: dict[str, Callable[[Reader, str, dict], Table]] = {
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
}


def to_csv(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(table[0])
    writer.writerows([["" if v is None else v for v in row] for row in table[1]])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8


def _cell(value):
    # A value from a unit system that starts like a formula must stay text in a spreadsheet.
    return "'" + value if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") else value


def to_xlsx(table: Table, title: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(table[0])
    for row in table[1]:
        sheet.append([_cell(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def register(server: Flask, reader: Reader) -> None:
    @server.route("/tai-ve/<name>.<fmt>")
    def download(name: str, fmt: str):
        if name not in TABLES or fmt not in ("csv", "xlsx"):
            abort(404)
        query = {k: request.args[k][:64] for k in ("unit", "db", "week", "metric", "database") if request.args.get(k)}
        table = TABLES[name](reader, languages.current(reader.config), query)
        filename = "-".join([name] + [query[k] for k in ("unit", "db", "week") if k in query])
        if fmt == "csv":
            return Response(
                to_csv(table),
                mimetype="text/csv",
                headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'},
            )
        return Response(
            to_xlsx(table, name),
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f'attachment; filename="{filename}.xlsx"'},
        )
