"""Sources: collector health, quarantined records, flagged values, wall screens, briefing
problems and the run log, for the focal point."""

from __future__ import annotations

from dash import html

from base import formatting as fmt
from base import labels
from base.i18n import N_, _
from dashboards import links, tables
from dashboards.components import downloads, section
from dashboards.page import Page, Query
from dashboards.reader import Reader
from dashboards.table import grid


def render(reader: Reader, query: Query) -> list:
    everything: Query = {}  # the focal point's page: every unit's rows
    scheduler = reader.scheduler_status()
    state = labels.label(labels.SCHEDULER_STATE, scheduler["state"])
    heartbeat = _("last heartbeat {age}").format(age=fmt.age(scheduler.get("last_heartbeat")))
    owner = scheduler.get("owner") or ""
    said = _("Collection scheduler: {state} · {owner} · {heartbeat}").format(
        state=state, owner=owner, heartbeat=heartbeat
    )
    schedule = html.P(said, className="note", id="sources-scheduler")
    return [
        section(
            _("Data sources"),
            schedule,
            grid(tables.sources(reader, everything), "sources-health"),
            downloads("nguon-du-lieu"),
        ),
        section(
            _("Recently quarantined records"),
            grid(tables.quarantine(reader, everything), "sources-quarantine"),
            downloads("cach-ly"),
        ),
        section(
            _("Suspicious values to follow up (stored, not dropped)"),
            grid(tables.flagged(reader, everything), "sources-flags"),
            downloads("gia-tri-bat-thuong"),
            note=_(
                "Against the series' own history: modified z = 0.6745 × (value − median) / MAD, flagged above 3.5; "
                "daily counts against the same weekday of earlier weeks."
            ),
        ),
        section(_("Wall screens"), grid(tables.screens(reader, everything), "sources-screens"), downloads("man-hinh")),
        section(
            _("Weekly briefings: problems"), grid(tables.briefing_problems(reader, everything), "sources-briefings")
        ),
        section(
            _("Recent collection runs"), grid(tables.runs(reader, everything), "sources-runs"), downloads("lan-thu")
        ),
    ]


PAGE = Page("sources", links.SOURCES, N_("Data sources"), render)
