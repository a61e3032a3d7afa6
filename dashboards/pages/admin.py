"""The administrator's page: accounts (add with a password shown once, reset, disable), the
wall screens' devices (add with a pairing address shown once, revoke) and the read API's
consumers (add with a token shown once, revoke), the same commands as `python -m metrics
users`, `python -m dashboards devices` and `python -m metrics api-tokens`, each in the audit log."""

from __future__ import annotations

from typing import Any

from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update
from flask import current_app, request

from base import formatting as fmt
from base import labels
from base.i18n import N_, _
from base.provinces import provinces
from dashboards import access, links
from dashboards.actions import Actions
from dashboards.components import section
from dashboards.page import Page, Query
from dashboards.reader import Reader
from metrics.refusals import Refused
from metrics.users import ROLES


def render(reader: Reader, query: Query) -> list:
    actions: Actions = current_app.config["IOC_ACTIONS"]  # set by register(), as pages read only
    return _page(reader, actions)


def _page(reader: Reader, actions: Actions, result: Any = None) -> list:
    catalogue = reader.config.catalogue
    who = access.person()
    accounts = html.Table(
        [
            html.Thead(html.Tr([html.Th(t) for t in (_("Username"), _("Name"), _("Role"), _("State"), "")])),
            html.Tbody(
                [
                    html.Tr(
                        [
                            html.Td(u.username),
                            html.Td(u.display_name),
                            html.Td(labels.label(labels.ROLES, u.role) + (f" {u.unit}" if u.unit else "")),
                            html.Td(_("active") if u.active else _("disabled")),
                            html.Td(
                                [
                                    _button("account-reset", u.username, _("New password")),
                                    _button("account-disable", u.username, _("Disable"))
                                    if u.active and who is not None and u.username != who.username
                                    else None,
                                ]
                            ),
                        ],
                        id=f"account-{u.username}",
                    )
                    for u in actions.accounts_listed()
                ]
            ),
        ],
        className="grid",
        id="admin-accounts",
    )
    add_account = html.Div(
        [
            dcc.Input(id="account-username", placeholder=_("Username"), maxLength=64),
            dcc.Input(id="account-name", placeholder=_("Name"), maxLength=200),
            dcc.Dropdown(
                id="account-role",
                options=[{"label": labels.label(labels.ROLES, r), "value": r} for r in ROLES],
                placeholder=_("Role"),
            ),
            dcc.Dropdown(
                id="account-unit",
                options=[{"label": f"{c} — {u.name()}", "value": c} for c, u in catalogue.units.items()],
                placeholder=_("Unit (a department head's)"),
            ),
            html.Button(_("Add the account"), id="account-add", n_clicks=0, className="confirm-button"),
        ],
        className="admin-form",
    )
    screens = [s.name for s in reader.screens.screens] if reader.screens else []
    device_rows = [
        html.Tr(
            [
                html.Td(str(d.id)),
                html.Td(d.screen),
                html.Td(d.label),
                html.Td(fmt.when(d.created_at)),
                html.Td(_("revoked {at}").format(at=fmt.when(d.revoked_at)) if d.revoked_at else _("active")),
                html.Td(None if d.revoked else _button("device-revoke", d.id, _("Revoke"))),
            ],
            id=f"device-{d.id}",
        )
        for d in actions.devices_listed()
    ]
    devices_table = html.Table(
        [
            html.Thead(html.Tr([html.Th(t) for t in ("#", _("Screen"), _("Where"), _("Added"), _("State"), "")])),
            html.Tbody(device_rows or [html.Tr(html.Td(_("None"), colSpan=6))]),
        ],
        className="grid",
        id="admin-devices",
    )
    add_device = html.Div(
        [
            dcc.Dropdown(id="device-screen", options=screens, placeholder=_("Screen")),
            dcc.Input(id="device-label", placeholder=_("Where it hangs"), maxLength=200),
            html.Button(_("Add a device"), id="device-add", n_clicks=0, className="confirm-button"),
        ],
        className="admin-form admin-form-devices",
    )
    consumer_rows = [
        html.Tr(
            [
                html.Td(str(c.id)),
                html.Td(c.name),
                html.Td(c.scope.described() if not c.scope.whole else _("everything")),
                html.Td(fmt.number(c.per_minute, 0)),
                html.Td(fmt.when(c.created_at)),
                html.Td(_("revoked {at}").format(at=fmt.when(c.revoked_at)) if c.revoked_at else _("active")),
                html.Td(None if c.revoked else _button("consumer-revoke", c.id, _("Revoke"))),
            ],
            id=f"consumer-{c.id}",
        )
        for c in actions.api_consumers_listed()
    ]
    consumers_table = html.Table(
        [
            html.Thead(
                html.Tr(
                    [
                        html.Th(t)
                        for t in ("#", _("Who reads"), _("May read"), _("Calls a minute"), _("Added"), _("State"), "")
                    ]
                )
            ),
            html.Tbody(consumer_rows or [html.Tr(html.Td(_("None"), colSpan=7))]),
        ],
        className="grid",
        id="admin-consumers",
    )
    add_consumer = html.Div(
        [
            dcc.Input(id="consumer-name", placeholder=_("Who reads (e.g. the government's IOC)"), maxLength=200),
            dcc.Dropdown(
                id="consumer-units",
                options=[{"label": f"{c} — {u.name()}", "value": c} for c, u in catalogue.units.items()],
                multi=True,
                placeholder=_("Units (all when none)"),
            ),
            dcc.Dropdown(
                id="consumer-provinces",
                options=[{"label": f"{c} — {p.name()}", "value": c} for c, p in provinces().items()],
                multi=True,
                placeholder=_("Provinces (all when none)"),
            ),
            dcc.Dropdown(
                id="consumer-metrics",
                options=[{"label": f"{c} — {x.name()}", "value": c} for c, x in catalogue.metrics.items()],
                multi=True,
                placeholder=_("Metrics (all when none)"),
            ),
            dcc.Input(id="consumer-rate", type="number", min=1, max=6000, step=1, placeholder=_("Calls a minute")),
            html.Button(_("Add a consumer"), id="consumer-add", n_clicks=0, className="confirm-button"),
        ],
        className="admin-form admin-form-consumers",
    )
    return [
        html.Div(result, id="admin-result", className="admin-result"),
        section(_("Accounts"), accounts, add_account),
        section(
            _("Wall screens' devices"),
            devices_table,
            add_device,
            note=_("A device's pairing address is shown once: open it on the television of its screen."),
        ),
        section(
            _("Read API consumers"),
            consumers_table,
            add_consumer,
            note=_("A consumer's token is shown once: give it to the system that reads /api/v1/."),
        ),
    ]


def _codes(value: Any) -> list[str]:
    """A multiple dropdown's value as codes (whatever a forged request sent)."""
    return [str(v)[:40] for v in value[:100]] if isinstance(value, list) else []


def _button(kind: str, key: Any, text: str) -> html.Button:
    return html.Button(text, id={"type": kind, "key": key}, n_clicks=0, className="secondary-button")


def register(app: Dash, reader: Reader, actions: Actions) -> None:
    """Every admin action: one callback, the page drawn again with what it did."""
    app.server.config["IOC_ACTIONS"] = actions

    @app.callback(
        Output("admin-body", "children", allow_duplicate=True),
        Input("account-add", "n_clicks"),
        Input("device-add", "n_clicks"),
        Input({"type": "account-reset", "key": ALL}, "n_clicks"),
        Input({"type": "account-disable", "key": ALL}, "n_clicks"),
        Input({"type": "device-revoke", "key": ALL}, "n_clicks"),
        Input("consumer-add", "n_clicks"),
        Input({"type": "consumer-revoke", "key": ALL}, "n_clicks"),
        State("account-username", "value"),
        State("account-name", "value"),
        State("account-role", "value"),
        State("account-unit", "value"),
        State("device-screen", "value"),
        State("device-label", "value"),
        State("consumer-name", "value"),
        State("consumer-units", "value"),
        State("consumer-provinces", "value"),
        State("consumer-metrics", "value"),
        State("consumer-rate", "value"),
        prevent_initial_call=True,
    )
    def act(*values: Any) -> Any:
        username, name, role, unit, screen, label = (str(v or "") for v in values[7:13])
        consumer_name = str(values[13] or "")
        units, provinces_, metrics = (_codes(v) for v in values[14:17])
        rate = values[17]
        who = access.person()
        trigger = ctx.triggered_id
        if who is None or trigger is None or not any(t.get("value") for t in ctx.triggered):
            return no_update
        kind = trigger.get("type") if isinstance(trigger, dict) else trigger
        key = trigger.get("key") if isinstance(trigger, dict) else None
        try:
            if kind == "account-add":
                user, password = actions.add_account(who, username.strip().lower(), role, unit, name)
                said: Any = [
                    _("Account {name} added. Its password, shown only now:").format(name=user.username),
                    html.Code(password, id="shown-password"),
                ]
            elif kind == "account-reset":
                password = actions.reset_account(who, str(key))
                said = [
                    _("New password of {name}, shown only now:").format(name=key),
                    html.Code(password, id="shown-password"),
                ]
            elif kind == "account-disable":
                actions.disable_account(who, str(key))
                said = _("Account {name} disabled: its sessions have ended.").format(name=key)
            elif kind == "device-add":
                screens = [s.name for s in reader.screens.screens] if reader.screens else []
                device, token = actions.add_device(who, screen, label, screens)
                address = f"{request.host_url.rstrip('/')}/wall/thiet-bi?ma={token}"
                said = [
                    _("Device {id} for {screen}. Open this address once on its television (shown only now):").format(
                        id=device.id, screen=device.screen
                    ),
                    html.Code(address, id="pairing-address"),
                ]
            elif kind == "device-revoke":
                device = actions.revoke_device(who, int(str(key)))
                said = _("Device {id} revoked: its screen says so at its next refresh.").format(id=device.id)
            elif kind == "consumer-add":
                per_minute = int(rate) if isinstance(rate, (int, float)) and not isinstance(rate, bool) else None
                consumer, token = actions.add_api_consumer(who, consumer_name, units, provinces_, metrics, per_minute)
                said = [
                    _("Consumer {id} ({name}). Its token, shown only now:").format(id=consumer.id, name=consumer.name),
                    html.Code(token, id="shown-token"),
                ]
            elif kind == "consumer-revoke":
                consumer = actions.revoke_api_consumer(who, int(str(key)))
                said = _("Consumer {id} revoked: its token is refused from its next call.").format(id=consumer.id)
            else:
                return no_update
        except (Refused, ValueError, TypeError) as refused:
            said = html.Span(
                _("Not done: {reason}").format(reason=getattr(refused, "problem", refused)),
                className="error",
                id="admin-error",
            )
        return _page(reader, actions, said)


PAGE = Page("admin", links.ADMIN, N_("Administration"), render, register=register, live=True)
