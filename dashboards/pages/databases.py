"""The 12 key databases against the six criteria, with their stage, the week's change and
records; filtered by owner (?unit=) and week (?week=) in the URL."""

from __future__ import annotations

from dash import html

from base import formatting as fmt
from base.i18n import N_, _
from dashboards import links, tables
from dashboards.components import downloads, note_lines, picker, section, week_of, week_picker, with_filters
from dashboards.page import Page, Query
from dashboards.reader import Reader
from dashboards.table import grid


def render(reader: Reader, query: Query) -> list:
    snap = reader.snapshot(week_of(query))  # the databases are national
    catalogue = reader.config.catalogue
    chosen = query.get("unit", "")
    owners = list(dict.fromkeys(db.owner for db in snap.databases))
    units = picker(
        [(_("All"), with_filters(links.DATABASES, query, unit=""), "")]
        + [(code, with_filters(links.DATABASES, query, unit=code), code) for code in owners],
        chosen,
        "db-unit",
    )
    thresholds = catalogue.thresholds
    legend = html.P(
        _(
            "Score = Σ (weight × criterion score) / Σ weights. Green ≥ {green}, amber {amber}–{green}, red < {amber}."
        ).format(green=fmt.number(thresholds.green, 0), amber=fmt.number(thresholds.amber, 0)),
        className="note",
    )
    criteria = note_lines(
        {c.name(): f" (×{fmt.number(c.weight, 1)}): {c.indicator()}" for c in catalogue.criteria.values()}
    )
    return [
        html.Div([units, week_picker(snap, links.DATABASES, query, by_province=False)], className="filters"),
        section(
            _("12 databases"),
            grid(tables.databases(reader, query), "databases-grid", "grid heatgrid"),
            legend,
            downloads("co-so-du-lieu", query),
            note=_(
                "The list of 12 databases is a default configuration (no official list was published); "
                "database score = weighted mean of the six criteria."
            ),
        ),
        section(_("Formula"), criteria),
    ]


PAGE = Page("databases", links.DATABASES, N_("12 databases"), render)
