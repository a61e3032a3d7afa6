"""The audit log: who signed in (or failed to), confirmed, sent a report, built a briefing,
downloaded a file or was refused, and the changes to accounts and devices; for the admin and
the focal point, who also download it."""

from __future__ import annotations

from dash import html

from base.i18n import N_, _
from dashboards import links, tables
from dashboards.components import downloads, section
from dashboards.page import Page, Query
from dashboards.reader import Reader
from dashboards.table import grid

NOTE = N_("The newest {count} entries; the log is append-only: the store refuses to change or delete one.")


def render(reader: Reader, query: Query) -> list:
    chosen = {"action": query["action"]} if query.get("action") else {}
    table = tables.audit_log(reader, chosen)
    return [
        section(
            _("Audit log"),
            html.P(
                _(
                    "The newest {count} entries; the log is append-only: the store refuses to change or delete one."
                ).format(count=len(table.rows)),
                className="note",
            ),
            grid(table, "audit-entries"),
            downloads("nhat-ky", chosen),
        )
    ]


# Live: entries come without a new data version.
PAGE = Page("audit", links.AUDIT, N_("Audit log"), render, live=True)
