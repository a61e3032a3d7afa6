"""Directives, from a figure to done: leadership (or the focal point) gives one about a
database, task, metric, panel or unit, for a unit, by a day; the unit's head replies and marks
it done; leadership closes it or sends it back. Every step is listed with who and when.

/chi-dao?unit=KCB shows one unit's; /chi-dao?ve=db:KCB&unit=KCB opens the form about that
database (the links on the figures' pages). What the page sends is checked on the server:
the step against who asks and the directive's state, the subject, unit and day by the command.
"""

from __future__ import annotations

import time
from typing import Any

from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update

from base import formatting as fmt
from base import labels
from base.catalogue import Catalogue
from base.i18n import N_, _
from dashboards import access, links
from dashboards.actions import Actions
from dashboards.components import FILTERS, section
from dashboards.page import Page, Query
from dashboards.reader import Reader
from metrics import directives
from metrics.commands import Refused
from metrics.directives import Directive

PANEL_TITLES = {
    "tong-quan": N_("Overview"),
    "hieu-qua": N_("Effectiveness"),
    "de-an-06": N_("Project 06"),
    "co-so-du-lieu": N_("12 databases"),
}


def subject_name(catalogue: Catalogue, subject: str) -> str:
    """What a directive is about, worded: "CSDL: …", "Nhiệm vụ: …"."""
    kind, _sep, code = subject.partition(":")
    if kind == "db" and code in catalogue.databases:
        return _("Database: {name}").format(name=catalogue.databases[code].name())
    if kind == "task" and code in catalogue.tasks:
        return _("Task: {name}").format(name=catalogue.tasks[code].name())
    if kind == "metric" and code in catalogue.metrics:
        return _("Figure: {name}").format(name=catalogue.metrics[code].name())
    if kind == "panel" and code in PANEL_TITLES:
        return _("Panel: {name}").format(name=_(PANEL_TITLES[code]))
    if kind == "unit" and code in catalogue.units:
        return _("Unit: {name}").format(name=catalogue.units[code].name())
    return subject


def subjects(catalogue: Catalogue) -> list[dict[str, str]]:
    codes = (
        [f"db:{c}" for c in catalogue.databases]
        + [f"task:{c}" for c in catalogue.tasks]
        + [f"panel:{c}" for c in PANEL_TITLES]
        + [f"unit:{c}" for c in catalogue.units]
        + [f"metric:{c}" for c in catalogue.metrics]
    )
    return [{"label": subject_name(catalogue, c), "value": c} for c in codes]


def render(reader: Reader, query: Query) -> list:
    return _page(reader, query)


def _page(reader: Reader, query: Query, result: Any = None) -> list:
    catalogue = reader.config.catalogue
    who = access.person()
    unit = query.get("unit", "")
    shown = reader.directives(unit if unit in catalogue.units else "")
    # The form is in every page (its fields are the callback's states), shown to who may give one.
    may_give = access.DIRECTING.allows(who)
    parts: list[Any] = [html.Div(_form(catalogue, query), style=None if may_give else {"display": "none"})]
    parts.append(html.Div(result, id="directive-result", className="note"))
    title = _("Directives") + (f" — {catalogue.units[unit].name()}" if unit in catalogue.units else "")
    cards: list[Any] = [_card(catalogue, d, who) for d in shown] or [html.P(_("No directive yet."), className="note")]
    parts.append(section(title, html.Div(cards, id="directive-list")))
    parts.append(dcc.Store(id="directive-query", data={k: query[k] for k in FILTERS if k in query}))
    return parts


def _form(catalogue: Catalogue, query: Query) -> html.Section:
    about = query.get("ve", "")
    valid_about = about if any(o["value"] == about for o in subjects(catalogue)) else None
    unit = query.get("unit") if query.get("unit") in catalogue.units else None
    return section(
        _("Give a directive"),
        html.Div(
            [
                dcc.Dropdown(
                    id="directive-subject",
                    options=subjects(catalogue),
                    value=valid_about,
                    placeholder=_("About (database, task, figure, panel or unit)"),
                    className="directive-field",
                ),
                dcc.Dropdown(
                    id="directive-unit",
                    options=[{"label": f"{c} — {u.name()}", "value": c} for c, u in catalogue.units.items()],
                    value=unit,
                    placeholder=_("Responsible unit"),
                    className="directive-field",
                ),
                dcc.Input(
                    id="directive-due",
                    type="text",
                    placeholder=_("Due day, e.g. {day}").format(day=time.strftime("%Y-12-31")),
                    maxLength=10,
                    className="directive-due",
                ),
                dcc.Textarea(
                    id="directive-text",
                    maxLength=directives.MAX_TEXT,
                    placeholder=_("What is to be done"),
                    className="directive-text",
                ),
                html.Button(_("Give the directive"), id="directive-create", n_clicks=0, className="confirm-button"),
            ],
            className="directive-form",
        ),
    )


def _card(catalogue: Catalogue, d: Directive, who: access.Person | None) -> html.Div:
    now = time.time()
    late = d.overdue(now)
    state = (
        labels.label(labels.ALERT_KIND, "directive_overdue") if late else labels.label(labels.DIRECTIVE_STATE, d.state)
    )
    unit = catalogue.units[d.unit].name() if d.unit in catalogue.units else d.unit
    steps = html.Ol(
        [
            html.Li(
                [
                    html.B(labels.label(labels.DIRECTIVE_STEP, s.step)),
                    f" · {s.by} · {fmt.when(s.at)}",
                    html.Div(s.text, className="directive-step-text") if s.text and s.step != "create" else None,
                ]
            )
            for s in d.steps
        ],
        className="directive-steps",
    )
    controls: list[Any] = []
    if who is not None and d.state != "closed":
        may_answer = who.may_act_for(d.unit)
        may_review = access.DIRECTING.allows(who)
        buttons = []
        if may_answer:
            buttons.append(_button(d.id, "reply", _("Reply")))
            if d.state == "open":
                buttons.append(_button(d.id, "done", _("Mark done")))
        if may_review:
            if d.state == "done":
                buttons.append(_button(d.id, "return", _("Send back")))
            buttons.append(_button(d.id, "close", _("Close")))
        if buttons:
            controls = [
                dcc.Textarea(
                    id={"type": "directive-note", "id": d.id},
                    maxLength=directives.MAX_TEXT,
                    placeholder=_("Reply, or why it is sent back"),
                    className="directive-text",
                ),
                html.Div(buttons, className="directive-buttons"),
            ]
    return html.Div(
        [
            html.Div(
                [
                    html.Span(f"#{d.id}", className="directive-id"),
                    html.Span(state, className=f"directive-state directive-{'overdue' if late else d.state}"),
                    html.Span(_("Due {date}").format(date=fmt.day(d.due_end - 1)), className="directive-due-day"),
                    html.Span(unit, className="directive-unit"),
                ],
                className="directive-head",
            ),
            html.Div(subject_name(catalogue, d.subject), className="directive-subject"),
            html.P(d.text, className="directive-body"),
            html.Div(_("Given by {by} at {at}").format(by=d.created_by, at=fmt.when(d.created_at)), className="note"),
            steps,
            *controls,
        ],
        className=f"directive-card directive-{'overdue' if late else d.state}",
        id=f"directive-{d.id}",
    )


def _button(directive_id: int, step: str, text: str) -> html.Button:
    return html.Button(
        text,
        id={"type": "directive-step", "id": directive_id, "step": step},
        n_clicks=0,
        className="confirm-button" if step in ("done", "close") else "secondary-button",
    )


def register(app: Dash, reader: Reader, actions: Actions) -> None:
    """Giving a directive, and each step of one: one callback, the page drawn again after it."""

    @app.callback(
        Output("directives-body", "children", allow_duplicate=True),
        Input("directive-create", "n_clicks"),
        Input({"type": "directive-step", "id": ALL, "step": ALL}, "n_clicks"),
        State("directive-subject", "value"),
        State("directive-unit", "value"),
        State("directive-due", "value"),
        State("directive-text", "value"),
        State({"type": "directive-note", "id": ALL}, "value"),
        State("directive-query", "data"),
        prevent_initial_call=True,
    )
    def act(_create: Any, _steps: Any, subject: Any, unit: Any, due: Any, text: Any, _notes: Any, sent: Any) -> Any:
        who = access.person()
        trigger = ctx.triggered_id
        if who is None or trigger is None or not any(t.get("value") for t in ctx.triggered):
            return no_update
        query = {k: str(sent[k])[:64] for k in FILTERS if k in sent} if isinstance(sent, dict) else {}
        try:
            if trigger == "directive-create":
                directive_id = actions.create_directive(
                    who, str(subject or ""), str(unit or ""), str(text or ""), str(due or "")
                )
                said = _("Directive #{id} given.").format(id=directive_id)
            elif isinstance(trigger, dict) and trigger.get("type") == "directive-step":
                directive_id = int(trigger.get("id", 0))
                note = next(
                    (s.get("value") for s in ctx.states_list[4] if s["id"].get("id") == directive_id),
                    None,
                )
                step = str(trigger.get("step", ""))
                actions.directive_step(who, directive_id, step, str(note or ""))
                said = _("Directive #{id}: {step}.").format(
                    id=directive_id, step=labels.label(labels.DIRECTIVE_STEP, step)
                )
            else:
                return no_update
        except (Refused, ValueError, TypeError) as refused:
            said = _("Not done: {reason}").format(reason=getattr(refused, "problem", refused))
            return _page(reader, query, html.Span(said, className="error", id="directive-error"))
        return _page(reader, query, html.Span(said, id="directive-done"))


PAGE = Page("directives", links.DIRECTIVES, N_("Directives"), render, register=register, live=True)
