"""Sources: collector health, quarantined records and the run log, for the focal point."""

from __future__ import annotations

import json

from dash import html

from dashboards import format as fmt
from dashboards.components import downloads, section
from dashboards.text import t
from metrics import editions

PATH = "/nguon-du-lieu"
NAME = "nav_sources"


def render(reader, lang: str = "vi") -> list:
    snap = reader.snapshot()
    catalogue = reader.config.catalogue
    rows = []
    for h in snap.health.values():
        state = html.Span(t(f"state_{h.state}", lang), className=f"badge badge-state-{h.state}")
        unit = catalogue.units.get(h.unit)
        rows.append(
            html.Tr(
                [
                    html.Td(
                        [
                            html.Div(h.source_id, className="code"),
                            html.Div(f"{h.kind} · {unit.name(lang) if unit else ''}", className="small"),
                        ]
                    ),
                    html.Td(state),
                    html.Td(
                        [
                            html.Div(fmt.when(h.last_live_success)),
                            html.Div(fmt.age(h.last_live_success, lang), className="small"),
                        ]
                    ),
                    html.Td(fmt.duration(h.lag_seconds, lang), className="num"),
                    html.Td(fmt.duration(h.duration_seconds, lang), className="num"),
                    html.Td(fmt.number(h.rows_written, 0, lang), className="num"),
                    html.Td(f"{h.failures_24h}/{h.runs_24h}", className="num"),
                    html.Td(fmt.number(h.quarantined_total, 0, lang), className="num"),
                    html.Td(h.last_error or "", className="error"),
                ],
                className=f"source source-{h.state}",
                id=f"source-{h.source_id}",
            )
        )
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
    health_table = html.Table(
        [html.Thead(html.Tr([html.Th(h) for h in header])), html.Tbody(rows)], className="grid", id="sources-health"
    )

    quarantined = reader.quarantine()
    # Raw records come from unit systems: Dash renders them as text, never as HTML.
    q_rows = [
        html.Tr(
            [
                html.Td(fmt.when(q["received_at"])),
                html.Td(q["source_id"]),
                html.Td(q["reason"]),
                html.Td(html.Code(_short(q["raw"]))),
            ]
        )
        for q in quarantined
    ]
    q_table = html.Table(
        [
            html.Thead(html.Tr([html.Th(t(k, lang)) for k in ("received", "source", "reason", "raw_value")])),
            html.Tbody(q_rows or [html.Tr(html.Td(t("none", lang), colSpan=4))]),
        ],
        className="grid",
        id="sources-quarantine",
    )

    flagged = reader.flags()

    def period(flag: dict) -> str:
        metric = catalogue.metrics.get(flag["metric"])
        return fmt.date(fmt.local_date(flag["ts"])) if metric and metric.bucket == "day" else fmt.when(flag["ts"])

    f_rows = [
        html.Tr(
            [
                html.Td(period(f)),
                html.Td(catalogue.metrics[f["metric"]].name(lang) if f["metric"] in catalogue.metrics else f["metric"]),
                html.Td(" · ".join(x for x in (f["unit"], f["database"]) if x)),
                html.Td(f["source_id"]),
                html.Td(fmt.number(f["value"], 1 if f["value"] % 1 else 0, lang), className="num"),
                html.Td(fmt.number(f["median"], 1 if f["median"] % 1 else 0, lang), className="num"),
                html.Td(fmt.number(f["score"], 1, lang), className="num"),
            ]
        )
        for f in flagged
    ]
    f_table = html.Table(
        [
            html.Thead(
                html.Tr(
                    [html.Th(t(k, lang)) for k in ("period", "metric", "unit", "source", "value", "median", "z_score")]
                )
            ),
            html.Tbody(f_rows or [html.Tr(html.Td(t("none", lang), colSpan=7))]),
        ],
        className="grid",
        id="sources-flags",
    )
    seen = reader.store.screens_seen()
    s_rows = [
        html.Tr(
            [
                html.Td(s["screen"]),
                html.Td(s["client_id"], className="small"),
                html.Td(s["address"]),
                html.Td(
                    [html.Div(fmt.when(s["last_seen"])), html.Div(fmt.age(s["last_seen"], lang), className="small")]
                ),
                html.Td(fmt.when(s["first_seen"])),
            ]
        )
        for s in seen
    ]
    s_table = html.Table(
        [
            html.Thead(
                html.Tr([html.Th(t(k, lang)) for k in ("screen", "client", "address", "last_report", "started")])
            ),
            html.Tbody(s_rows or [html.Tr(html.Td(t("none", lang), colSpan=5))]),
        ],
        className="grid",
        id="sources-screens",
    )
    runs = reader.runs()
    r_rows = [
        html.Tr(
            [
                html.Td(fmt.when(r["started_at"])),
                html.Td(r["source_id"]),
                html.Td(r["status"], className=f"run-{r['status']}"),
                html.Td(fmt.duration((r["finished_at"] or r["started_at"]) - r["started_at"], lang), className="num"),
                html.Td(fmt.number(r["rows_written"], 0, lang), className="num"),
                html.Td(fmt.number(r["rows_rejected"], 0, lang), className="num"),
                html.Td(r["error"] or "", className="error"),
            ]
        )
        for r in runs
    ]
    r_table = html.Table(
        [
            html.Thead(
                html.Tr(
                    [
                        html.Th(h)
                        for h in (
                            t("started", lang),
                            t("source", lang),
                            t("status", lang),
                            t("duration", lang),
                            t("rows", lang),
                            t("quarantine", lang),
                            t("last_error", lang),
                        )
                    ]
                )
            ),
            html.Tbody(r_rows),
        ],
        className="grid",
        id="sources-runs",
    )
    problems = editions.problems(reader.store)
    b_rows = [
        html.Tr(
            [
                html.Td(f"{b['week']} · {b['scope'] or t('ministry', lang)} · {b['lang']}"),
                html.Td(t("edition_failed", lang), className="run-failed"),
                html.Td(fmt.when(b["built_at"])),
                html.Td(b["error"] or "", className="error"),
            ]
        )
        for b in problems["builds"]
    ]
    b_rows += [
        html.Tr(
            [
                html.Td(f"#{d['edition_id']} → {d['recipient']}"),
                html.Td(t(f"delivery_{d['status']}", lang), className="run-failed"),
                html.Td(fmt.when(d["updated_at"])),
                html.Td(d["last_error"] or "", className="error"),
            ]
        )
        for d in problems["deliveries"]
        if d["attempts"]
    ]
    b_table = html.Table(
        [
            html.Thead(
                html.Tr(
                    [
                        html.Th(h)
                        for h in (t("nav_briefings", lang), t("status", lang), t("when", lang), t("last_error", lang))
                    ]
                )
            ),
            html.Tbody(b_rows or [html.Tr(html.Td(t("none", lang), colSpan=4))]),
        ],
        className="grid",
        id="sources-briefings",
    )
    scheduler = reader.scheduler_status()
    sched = html.P(
        f"{t('scheduler', lang)}: {t('scheduler_' + scheduler['state'], lang)} · {scheduler.get('owner') or ''} · "
        f"{t('last_heartbeat', lang)} {fmt.age(scheduler.get('last_heartbeat'), lang)}",
        className="note",
        id="sources-scheduler",
    )
    return [
        section(t("nav_sources", lang), sched, health_table, downloads("nguon-du-lieu", lang)),
        section(t("quarantined_records", lang), q_table, downloads("cach-ly", lang)),
        section(t("flagged_values", lang), f_table, downloads("gia-tri-bat-thuong", lang), note=t("flag_note", lang)),
        section(t("screens", lang), s_table, downloads("man-hinh", lang)),
        section(t("briefing_problems", lang), b_table),
        section(t("recent_runs", lang), r_table, downloads("lan-thu", lang)),
    ]


def _short(raw: str) -> str:
    try:
        return json.dumps(json.loads(raw), ensure_ascii=False)[:300]
    except (ValueError, TypeError):
        return str(raw)[:300]
