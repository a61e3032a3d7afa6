"""Who may see and do what: every route and every Dash callback has a rule here, checked on the
server before the request reaches it. A route or callback without a rule is refused (default
deny), and tests/dashboards/test_access.py fails when one is added without a rule.

Who is asking is one of:
- a person signed in (dashboards/sign_in.py keeps their session): leadership, focal point,
  department head (with their unit) or admin;
- a wall screen's device (its token in a cookie, for its one screen: dashboards/wall/routes.py);
- another system reading the API (/api/v1/) with its consumer's token (`Authorization: Bearer`),
  within its scope (dashboards/api/);
- nobody: the sign-in page, the language switch, /healthz's status and static files only.

Reading is every person's: the ministry's figures are shared inside it. Acting is narrower: a
department head confirms, uploads and answers for their own unit only (the command checks the
unit: may_act_for); the focal point builds briefings and acts for any unit; audit reading is
the admin's and the focal point's.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from html import escape
from typing import Any
from urllib.parse import quote

from flask import Flask, Response, g, jsonify, redirect, request
from werkzeug.wrappers import Response as ResponseBase

from base import i18n
from base.i18n import _
from dashboards.problem_json import problem, wants_problem
from metrics.api_consumers import Consumer
from metrics.devices import Device

LEADERSHIP, FOCAL_POINT, DEPARTMENT_HEAD, ADMIN = "leadership", "focal_point", "department_head", "admin"
DEVICE_ROUTES = ("/wall", "/api/wall")  # where a wall screen's device is who asks
log = logging.getLogger("ioc.access")


@dataclass(frozen=True)
class Person:
    username: str
    display_name: str
    role: str
    unit: str  # a department head's unit; empty for the other roles
    via: str  # "local" (an account of metrics/users.py) or "sso" (the ministry's identity provider)

    def may_act_for(self, unit: str) -> bool:
        """Whether this person may confirm, upload and answer for unit."""
        return self.role == FOCAL_POINT or (self.role == DEPARTMENT_HEAD and unit == self.unit)

    @property
    def actor(self) -> str:
        """How the audit log names them."""
        return f"{self.username} ({self.role}{' ' + self.unit if self.unit else ''}, {self.via})"


@dataclass(frozen=True)
class Rule:
    """Who may: the roles of people, and whether nobody, a wall device or an API consumer may too."""

    roles: frozenset[str] = frozenset()
    anonymous: bool = False
    device: bool = False
    consumer: bool = False

    def allows(self, who: Person | Device | Consumer | None) -> bool:
        if self.anonymous:
            return True
        if isinstance(who, Device):
            return self.device and not who.revoked
        if isinstance(who, Consumer):
            return self.consumer and not who.revoked
        return who is not None and who.role in self.roles


ANYONE = Rule(anonymous=True)
PEOPLE = Rule(frozenset({LEADERSHIP, FOCAL_POINT, DEPARTMENT_HEAD, ADMIN}))
SCREENS = Rule(PEOPLE.roles, device=True)  # the wall: a device, or a person looking at it
ACTING_FOR_A_UNIT = Rule(frozenset({FOCAL_POINT, DEPARTMENT_HEAD}))  # the unit checked by the command
BRIEFING_OFFICE = Rule(frozenset({FOCAL_POINT}))
DIRECTING = Rule(frozenset({LEADERSHIP, FOCAL_POINT}))  # give directives, close them, send them back
API_READERS = Rule(PEOPLE.roles, consumer=True)  # then the consumer's scope (dashboards/api/scope.py)
AUDITORS = Rule(frozenset({FOCAL_POINT, ADMIN}))
ADMINS = Rule(frozenset({ADMIN}))
NOBODY = Rule()

# Every route of the server (Flask's url rule, as url_map lists it).
ROUTES: dict[str, Rule] = {
    "/static/<path:filename>": NOBODY,  # Flask's own; the app has no static folder of its own
    "/assets/<path:filename>": ANYONE,  # the stylesheet and scripts, also of the sign-in page
    "/_dash-component-suites/<string:package_name>/<path:fingerprinted_path>": ANYONE,
    "/_favicon.ico": ANYONE,
    "/wall-static/<path:filename>": ANYONE,
    "/_dash-layout": PEOPLE,
    "/_dash-dependencies": PEOPLE,
    "/_reload-hash": NOBODY,  # Dash's hot reload, off in this app
    "/_dash-update-component": PEOPLE,  # then the callback's own rule (CALLBACKS)
    "/": PEOPLE,
    "/<path:path>": PEOPLE,  # every page
    "/dang-nhap": ANYONE,
    "/dang-nhap/sso": ANYONE,  # to the ministry's identity provider (404 when none is configured)
    "/dang-nhap/sso/ve": ANYONE,  # and back: the provider's signed answer is what is checked
    "/dang-xuat": ANYONE,  # signing out asks nothing of who is asking
    "/ngon-ngu/<lang>": ANYONE,
    "/healthz": ANYONE,  # the status; the detail to an admin or the monitoring token
    "/mau-bao-cao/<unit>.xlsx": PEOPLE,
    "/tai-ve/<name>.<fmt>": PEOPLE,  # then the table's own rule (TABLES)
    "/ban-tin/tai-ve/<int(max=2147483647):edition_id>.<fmt>": PEOPLE,
    "/wall": SCREENS,
    "/api/wall": SCREENS,  # then the device's own screen only (dashboards/wall/routes.py)
    "/wall/thiet-bi": ANYONE,  # pairing a television: the token is what is checked
    # The read API: its description is public (it holds no figure), every figure needs a token.
    "/api/v1/": ANYONE,
    "/api/v1/openapi.json": ANYONE,
    "/api/v1/catalogue/units": API_READERS,
    "/api/v1/catalogue/provinces": API_READERS,
    "/api/v1/catalogue/databases": API_READERS,
    "/api/v1/catalogue/metrics": API_READERS,
    "/api/v1/catalogue/indicators": API_READERS,
    "/api/v1/catalogue/tasks": API_READERS,
    "/api/v1/series": API_READERS,
    "/api/v1/series/<int(max=2147483647):series_id>": API_READERS,
    "/api/v1/series/<int(max=2147483647):series_id>/samples": API_READERS,
    "/api/v1/samples": API_READERS,
    "/api/v1/latest": API_READERS,
    "/api/v1/indicators": API_READERS,
    "/api/v1/databases": API_READERS,
    "/api/v1/project06": API_READERS,
    "/api/v1/export/indicators.csv": API_READERS,
    "/api/v1/export/data-dictionary.csv": API_READERS,
    "/api/v1/export/dataValueSets.json": API_READERS,
    "/api/v1/<path:rest>": ANYONE,  # any other address under the API: a 404 problem document
}

# Every Dash callback, by its output (the key of app.callback_map).
CALLBACKS: dict[str, Rule] = {
    ".._pages_content.children..._pages_store.data..": PEOPLE,  # Dash pages: the page for the URL
    "_pages_dummy.children": PEOPLE,  # Dash pages: the title (run in the browser)
    "..data-version.data...history-banner.children..": PEOPLE,
    "overview-body.children": PEOPLE,
    "effectiveness-body.children": PEOPLE,
    "project06-body.children": PEOPLE,
    "databases-body.children": PEOPLE,
    "database-body.children": PEOPLE,
    "unit-body.children": PEOPLE,
    "lineage-body.children": PEOPLE,
    "sources-body.children": PEOPLE,
    "briefings-body.children": PEOPLE,
    "audit-body.children": AUDITORS,
    "directives-body.children": PEOPLE,
    "admin-body.children": ADMINS,
    "confirm-status.children": ACTING_FOR_A_UNIT,
    "upload-result.children": ACTING_FOR_A_UNIT,  # the unit checked against who asks
}
# A callback that shares an output with another (Dash's allow_duplicate) is keyed by the
# output and a hash of the callback's inputs; these are named by the output's first part.
DUPLICATE_OUTPUTS: dict[str, Rule] = {
    "briefings-body.children": BRIEFING_OFFICE,  # the build button
    "directives-body.children": PEOPLE,  # a directive's steps: who may take which, checked by Actions
    "admin-body.children": ADMINS,  # accounts and devices
}

# Every downloadable table (/tai-ve/<name>.<fmt>) not readable by every person.
TABLES: dict[str, Rule] = {"nhat-ky": AUDITORS}


def rule_of_callback(output: str) -> Rule:
    if output in CALLBACKS:
        return CALLBACKS[output]
    base, duplicate, _hash = output.partition("@")
    if duplicate and base in DUPLICATE_OUTPUTS:
        return DUPLICATE_OUTPUTS[base]
    return NOBODY


def who() -> Person | Device | Consumer | None:
    """Who is asking, as the checks before the request found them."""
    return g.get("ioc_who")


def person() -> Person | None:
    """The person asking, or None (nobody, or a device)."""
    found = who()
    return found if isinstance(found, Person) else None


def _wants_page() -> bool:
    """A browser navigating (sent to the sign-in page) rather than a script (told 401)."""
    return request.method == "GET" and not request.path.startswith(("/_dash-", "/api/"))


def _rule() -> Rule:
    url_rule = request.url_rule
    if url_rule is None:  # no route: Flask answers 404 itself
        return ANYONE
    rule = ROUTES.get(url_rule.rule, NOBODY)
    if rule is NOBODY:
        return rule
    if url_rule.rule == "/_dash-update-component":
        body: Any = request.get_json(silent=True)
        output = body.get("output") if isinstance(body, dict) else None
        return rule_of_callback(output) if isinstance(output, str) else NOBODY
    if url_rule.rule == "/tai-ve/<name>.<fmt>":
        return TABLES.get((request.view_args or {}).get("name", ""), rule)
    return rule


def register(server: Flask, identify: Any, refused: Any) -> None:
    """Check every request against its rule; identify() tells who is asking (a Person, a
    Device, a Consumer or None) from the session, the device cookie or the API token;
    refused() records a refusal of someone known in the audit log."""

    @server.before_request
    def check_access() -> Response | ResponseBase | tuple[Response, int] | None:
        g.ioc_who = identify()
        rule = _rule()
        if rule.allows(g.ioc_who):
            return None
        if wants_problem():
            return _api_refusal(g.ioc_who)
        if g.ioc_who is None:
            if _wants_page():
                return redirect(f"/dang-nhap?next={_here()}")
            return jsonify({"error": _("Sign in first.")}), 401
        if isinstance(g.ioc_who, Device) and g.ioc_who.revoked:
            refused()
            if _wants_page():  # the television shows it, large, instead of a sign-in page
                return Response(revoked_page(), status=403, mimetype="text/html")
            return jsonify({"error": _("This device has been revoked."), "revoked": True}), 403
        log.warning("refused %s %s to %s", request.method, request.path, g.ioc_who.actor)
        refused()
        return jsonify({"error": _("You may not do this.")}), 403


def _api_refusal(asking: Person | Device | Consumer | None) -> Response:
    # The API records every call itself (dashboards/api/audit), refusals included.
    if isinstance(asking, Consumer) and asking.revoked:
        return problem("revoked-token", _("This token has been revoked."))
    if asking is None and request.headers.get("Authorization"):
        return problem("invalid-token", _("The token is not one of this IOC's."))
    if asking is None:
        return problem("unauthorized", _("Send the consumer's token: Authorization: Bearer <token>."))
    return problem("forbidden", _("You may not do this."))


def _here() -> str:
    return quote(request.full_path.rstrip("?"), safe="")


def revoked_page() -> str:
    message = escape(_("This device has been revoked."))
    return (
        f'<!doctype html><html lang="{escape(i18n.current())}"><head><meta charset="utf-8"><title>IOC</title>'
        '<link rel="stylesheet" href="/wall-static/wall.css"></head>'
        f'<body class="wall"><main class="revoked" id="revoked">{message}</main></body></html>'
    )
