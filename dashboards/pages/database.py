"""One database (?db=CODE): its six criteria over time, records against target, stage, the
formula of its score with this week's numbers in it, and the sources that feed it."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
from dash import dcc, html

from base import formatting as fmt
from base import labels, localtime
from base.i18n import N_, _
from base.palette import LIGHT, MUTED
from dashboards import access, links, tables
from dashboards.components import (
    change_against_last_week,
    chart,
    downloads,
    freshness_line,
    picker,
    section,
    week_of,
    week_picker,
    with_filters,
)
from dashboards.page import Page, Query
from dashboards.reader import Reader
from dashboards.table import grid
from dashboards.theme import TEMPLATE
from metrics.read_models import DatabaseRow

HISTORY_DAYS = 182


def _direct(code: str, owner: str) -> Any:
    """For leadership and the focal point: a directive about this database, to its owner."""
    if not access.DIRECTING.allows(access.person()):
        return None
    href = with_filters(links.DIRECTIVES, {}, ve=f"db:{code}", unit=owner)
    return dcc.Link(_("Give a directive about this database"), href=href, id="database-direct", className="file-link")


def render(reader: Reader, query: Query) -> list:
    snap = reader.snapshot(week_of(query))  # the databases are national
    catalogue = reader.config.catalogue
    code = query.get("db") or next(iter(catalogue.databases))
    if code not in catalogue.databases:
        return [html.P(_("There is no database '{code}'.").format(code=code[:40]), className="note")]
    db = catalogue.databases[code]
    row = next(r for r in snap.databases if r.code == code)
    own = {**query, "db": code}
    databases = picker(
        [(d, with_filters(links.DATABASE, query, db=d), d) for d in catalogue.databases], code, "db-link"
    )
    criteria = list(catalogue.criteria.values())
    scores = tables.databases(reader, {**own, "unit": ""}).only(*[c.code for c in criteria], "score")
    stage = catalogue.stages.get(row.stage) if row.stage else None
    facts = [
        _("Lead unit: {unit}").format(unit=catalogue.units[db.owner].name()),
        _("Stage: {stage}").format(stage=f"{row.stage}. {stage.name()}" if stage else fmt.MISSING),
        _("Records / target: {records} / {target}").format(
            records=fmt.number(row.records, 0), target=fmt.number(db.records_target, 0)
        ),
    ]
    if row.change is not None:
        facts.append(_("Score") + " " + (change_against_last_week(row.change) or ""))
    health = [h for h in snap.health.values() if h.unit == db.owner]  # the owner's sources report its figures
    source_list = html.Ul(
        [
            html.Li(
                f"{h.source_id} · {labels.label(labels.SOURCE_STATE, h.state)} · "
                + _("last success {time}").format(time=fmt.when(h.last_live_success))
            )
            for h in health
        ],
        id="database-sources",
    )
    return [
        databases,
        week_picker(snap, links.DATABASE, own, by_province=False),
        html.H1(f"{db.code} — {db.name()}", className="unit-name", id="database-name"),
        html.P(" · ".join(facts), className="note"),
        _direct(db.code, db.owner),
        section(
            _("Score"),
            grid(scores, "database-scores", "grid heatgrid"),
            html.P(_formula(row, reader), className="formula", id="database-formula"),
            freshness_line(row.freshness),
            downloads("co-so-du-lieu", own),
        ),
        section(_("26-week trend"), chart(_criteria_chart(reader, code), "database-trends", 320)),
        section(_("Records / target"), chart(_records_chart(reader, code), "database-records", 260)),
        section(_("Data sources"), source_list),
    ]


def _formula(row: DatabaseRow, reader: Reader) -> str:
    """The score's formula with this week's numbers in it."""
    criteria = list(reader.config.catalogue.criteria.values())
    known = [(c, row.scores[c.code]) for c in criteria if row.scores[c.code] is not None]
    if not known:
        return _("no data yet")
    terms = " + ".join(f"{fmt.number(c.weight, 1)} × {fmt.number(s, 1)}" for c, s in known)
    weights = fmt.number(sum(c.weight for c, _s in known), 1)
    return _("Score = Σ (weight × criterion score) / Σ weights = ({terms}) / {weights} = {score}").format(
        terms=terms, weights=weights, score=fmt.number(row.score, 1)
    )


def _criteria_chart(reader: Reader, code: str) -> go.Figure:
    catalogue = reader.config.catalogue
    owner = catalogue.databases[code].owner
    figure = go.Figure(layout={"template": TEMPLATE})
    for criterion in catalogue.criteria.values():
        history = reader.daily_history(criterion.metric, owner, code, HISTORY_DAYS)
        figure.add_scatter(
            x=[localtime.local(ts) for ts in history["ts"]], y=history["value"], mode="lines", name=criterion.name()
        )
    figure.add_hline(y=catalogue.thresholds.green, line={"dash": "dot", "color": LIGHT["green"]})
    figure.add_hline(y=catalogue.thresholds.amber, line={"dash": "dot", "color": LIGHT["red"]})
    figure.update_yaxes(range=[40, 101])
    return figure


def _records_chart(reader: Reader, code: str) -> go.Figure:
    db = reader.config.catalogue.databases[code]
    records = reader.daily_history("db_records", db.owner, code, HISTORY_DAYS)
    figure = go.Figure(layout={"template": TEMPLATE})
    figure.add_scatter(
        x=[localtime.local(ts) for ts in records["ts"]], y=records["value"], mode="lines", name=_("Records")
    )
    figure.add_hline(
        y=db.records_target,
        line={"dash": "dot", "color": MUTED},
        annotation_text=_("Target {target}").format(target=fmt.number(db.records_target, 0)),
    )
    return figure


PAGE = Page("database", links.DATABASE, N_("Database"), render, in_navigation=False)
