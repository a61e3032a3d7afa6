"""Who may see and do what, checked on the server: every route and every callback has a rule
(dashboards/access.py), and each kind of caller gets what its rule says, with refusals of
known callers in the audit log."""

from __future__ import annotations

import time

import pytest

from dashboards import access
from dashboards.webapp import create_app
from metrics import api_consumers, audit, devices
from tests.accounts import sign_in
from tests.conftest import demo_source, with_sources

# One address of each route, and how it is asked for.
EXAMPLES: dict[str, tuple[str, str]] = {
    "/static/<path:filename>": ("GET", "/static/x.css"),
    "/assets/<path:filename>": ("GET", "/assets/ioc.css"),
    "/_dash-component-suites/<string:package_name>/<path:fingerprinted_path>": (
        "GET",
        "/_dash-component-suites/dash/deps/polyfill@7.v4_4_1m1.12.1.min.js",
    ),
    "/_favicon.ico": ("GET", "/_favicon.ico"),
    "/wall-static/<path:filename>": ("GET", "/wall-static/wall.css"),
    "/_dash-layout": ("GET", "/_dash-layout"),
    "/_dash-dependencies": ("GET", "/_dash-dependencies"),
    "/_reload-hash": ("GET", "/_reload-hash"),
    "/_dash-update-component": ("CALLBACK", "..data-version.data...history-banner.children.."),
    "/": ("GET", "/"),
    "/<path:path>": ("GET", "/don-vi?unit=KCB"),
    "/dang-nhap": ("GET", "/dang-nhap"),
    "/dang-nhap/sso": ("GET", "/dang-nhap/sso"),
    "/dang-nhap/sso/ve": ("GET", "/dang-nhap/sso/ve?code=x&state=y"),
    "/dang-xuat": ("POST", "/dang-xuat"),
    "/ngon-ngu/<lang>": ("GET", "/ngon-ngu/en"),
    "/healthz": ("GET", "/healthz"),
    "/mau-bao-cao/<unit>.xlsx": ("GET", "/mau-bao-cao/KCB.xlsx"),
    "/tai-ve/<name>.<fmt>": ("GET", "/tai-ve/lan-thu.csv"),
    "/ban-tin/tai-ve/<int(max=2147483647):edition_id>.<fmt>": ("GET", "/ban-tin/tai-ve/1.pdf"),
    "/wall": ("GET", "/wall?screen=phong-dieu-hanh"),
    "/api/wall": ("GET", "/api/wall?screen=phong-dieu-hanh"),
    "/api/v1/": ("GET", "/api/v1/"),
    "/api/v1/openapi.json": ("GET", "/api/v1/openapi.json"),
    "/api/v1/catalogue/units": ("GET", "/api/v1/catalogue/units"),
    "/api/v1/catalogue/provinces": ("GET", "/api/v1/catalogue/provinces"),
    "/api/v1/catalogue/databases": ("GET", "/api/v1/catalogue/databases"),
    "/api/v1/catalogue/metrics": ("GET", "/api/v1/catalogue/metrics"),
    "/api/v1/catalogue/indicators": ("GET", "/api/v1/catalogue/indicators"),
    "/api/v1/catalogue/tasks": ("GET", "/api/v1/catalogue/tasks"),
    "/api/v1/series": ("GET", "/api/v1/series"),
    "/api/v1/series/<int(max=2147483647):series_id>": ("GET", "/api/v1/series/1"),
    "/api/v1/series/<int(max=2147483647):series_id>/samples": ("GET", "/api/v1/series/1/samples"),
    "/api/v1/samples": ("GET", "/api/v1/samples?from=2026-12-01T00:00:00Z"),
    "/api/v1/latest": ("GET", "/api/v1/latest"),
    "/api/v1/indicators": ("GET", "/api/v1/indicators"),
    "/api/v1/databases": ("GET", "/api/v1/databases"),
    "/api/v1/project06": ("GET", "/api/v1/project06"),
    "/api/v1/export/indicators.csv": ("GET", "/api/v1/export/indicators.csv"),
    "/api/v1/export/data-dictionary.csv": ("GET", "/api/v1/export/data-dictionary.csv"),
    "/api/v1/export/dataValueSets.json": ("GET", "/api/v1/export/dataValueSets.json"),
    "/api/v1/<path:rest>": ("GET", "/api/v1/nothing-here"),
    "/wall/thiet-bi": ("GET", "/wall/thiet-bi?ma={token}"),  # last of the GETs: it pairs the caller
}
CALLERS = [
    "anonymous",
    "leadership",
    "focal_point",
    "department_head",
    "admin",
    "device",
    "revoked device",
    "api consumer",
    "revoked api consumer",
    "forged session",
    "expired session",
    "idle session",
]


@pytest.fixture
def app(default_config, sqlite_store):
    config = with_sources(default_config, demo_source(default_config, "KCB"))
    return create_app(config, sqlite_store), config, sqlite_store


def test_every_route_and_callback_has_a_rule(app):
    dash_app, _, _ = app
    dash_app.server.test_client().get("/dang-nhap")  # Dash registers its pages' callbacks at the first request
    routes = {rule.rule for rule in dash_app.server.url_map.iter_rules()}
    assert routes - set(access.ROUTES) == set(), "a route without a rule in dashboards/access.py"
    assert set(access.ROUTES) - routes == set(), "a rule for a route that is gone"
    assert routes == set(EXAMPLES), "a route this test does not try"
    without = [output for output in dash_app.callback_map if access.rule_of_callback(output) is access.NOBODY]
    assert without == [], "callbacks without a rule in dashboards/access.py"


def callback_body(dash_app, output: str) -> dict:
    """What Dash's page sends for the callback of output (every input and state empty)."""
    spec = dash_app.callback_map[output]
    parts = output.split("@")[0].strip(".").split("...")
    outputs = [{"id": part.split(".")[0], "property": part.split(".")[1]} for part in parts]
    return {
        "output": output,
        "outputs": outputs if len(outputs) > 1 else outputs[0],
        "inputs": [{**item, "value": None} for item in spec["inputs"]],
        "state": [{**item, "value": None} for item in spec["state"]],
        "changedPropIds": [],
    }


def caller(app, kind: str):
    """A test client that is kind of caller."""
    dash_app, config, store = app
    client = dash_app.server.test_client()
    if kind in ("leadership", "focal_point", "admin"):
        sign_in(client, store, config, kind)
    elif kind == "department_head":
        sign_in(client, store, config, kind, "KCB")
    elif kind in ("device", "revoked device"):
        device, token = devices.add(store, "phong-dieu-hanh", "TV")
        if kind == "revoked device":
            devices.revoke(store, device.id)
        client.set_cookie("ioc_device", token)
    elif kind in ("api consumer", "revoked api consumer"):
        consumer, token = api_consumers.add(store, "IOC Chính phủ", api_consumers.Scope(), 6000)
        if kind == "revoked api consumer":
            api_consumers.revoke(store, consumer.id)
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    elif kind == "forged session":  # a cookie signed with another key
        client.set_cookie("ioc_session", _signed({"username": "admin", "role": "admin", "via": "sso"}, "another key"))
    elif kind in ("expired session", "idle session"):
        sign_in(client, store, config, "admin")
        who = {"username": "admin", "name": "A", "role": "admin", "unit": "", "via": "sso", "since": time.time()}
        who["sid"] = "a-session-never-signed-out"  # so its age alone is what ends it
        if kind == "expired session":  # signed in longer ago than max_hours
            who["since"] = time.time() - (config.settings.sign_in.max_hours * 3600 + 60)
            client.set_cookie("ioc_session", _signed({access_key(): who}, dash_app.server.secret_key))
        else:  # unused for longer than idle_minutes: the cookie's signature is that old
            old = time.time() - config.settings.sign_in.idle_minutes * 60 - 60
            client.set_cookie("ioc_session", _signed({access_key(): who}, dash_app.server.secret_key, at=old))
    return client


def access_key() -> str:
    from dashboards.sign_in import SESSION_KEY

    return SESSION_KEY


def _signed(data: dict, key, at: float | None = None) -> str:
    """A session cookie as Flask would sign it with key (at a time in the past if at)."""
    from flask import Flask
    from flask.sessions import SecureCookieSessionInterface

    server = Flask("forger")
    server.secret_key = key
    serializer = SecureCookieSessionInterface().get_signing_serializer(server)
    if at is None:
        return serializer.dumps(data)
    import itsdangerous.timed

    now = itsdangerous.timed.time.time
    itsdangerous.timed.time.time = lambda: at
    try:
        return serializer.dumps(data)
    finally:
        itsdangerous.timed.time.time = now


def ask(dash_app, client, method: str, target: str):
    if method == "CALLBACK":
        return client.post(
            "/_dash-update-component",
            json=callback_body(dash_app, target),
            headers={"Origin": "http://localhost"},
        )
    if method == "POST":
        return client.post(target, headers={"Origin": "http://localhost"})
    return client.get(target)


def identity(kind: str, route: str):
    """Who the server takes kind for on route."""
    if kind in ("leadership", "focal_point", "department_head", "admin"):
        return access.Person(kind, kind, kind, "KCB" if kind == "department_head" else "", "local")
    if kind in ("device", "revoked device") and route in ("/wall", "/api/wall"):
        return devices.Device(1, "phong-dieu-hanh", "TV", 0.0, 1.0 if kind == "revoked device" else None)
    if kind in ("api consumer", "revoked api consumer") and route.startswith("/api/v1/"):
        revoked = 1.0 if kind.startswith("revoked") else None
        return api_consumers.Consumer(1, "IOC Chính phủ", api_consumers.Scope(), 6000, 0.0, "", revoked)
    return None  # nobody: the device's cookie counts on the wall only; a bad session is none


def expect(answer, rule: access.Rule, who, method: str, route: str) -> None:
    said = f"{method} {route}: {answer.status_code} {answer.data[:200]!r}"
    signing_in = answer.status_code == 302 and answer.headers["Location"].startswith("/dang-nhap?next=")
    if rule.allows(who):
        assert answer.status_code not in (401, 403) and not signing_in, said
    elif route.startswith("/api/v1/"):  # a problem document, never the sign-in page
        revoked = isinstance(who, api_consumers.Consumer) and who.revoked
        assert answer.status_code == (401 if who is None or revoked else 403), said
        assert answer.mimetype == "application/problem+json", said
    elif who is None:
        page = method == "GET" and not route.startswith(("/_dash", "/api/"))
        assert signing_in if page else answer.status_code == 401, said
    else:
        assert answer.status_code == 403, said


@pytest.mark.parametrize("kind", CALLERS)
def test_every_route_answers_each_caller_by_its_rule(app, kind):
    dash_app, config, store = app
    client = caller(app, kind)
    for route, (method, target) in EXAMPLES.items():
        if route == "/dang-xuat":
            continue  # tried last: it ends the session
        if "{token}" in target:
            target = target.format(token=devices.add(store, "phong-dieu-hanh", "TV")[1])
        answer = ask(dash_app, client, method, target)
        rule = access.ROUTES[route] if method != "CALLBACK" else access.PEOPLE
        expect(answer, rule, identity(kind, route), method, route)
    assert ask(dash_app, client, "POST", "/dang-xuat").status_code == 303


@pytest.mark.parametrize("kind", ["anonymous", "leadership", "focal_point", "department_head", "admin", "device"])
def test_every_callback_answers_each_caller_by_its_rule_and_refusals_are_logged(app, kind):
    dash_app, config, store = app
    client = caller(app, kind)
    client.get("/dang-nhap")
    refused = 0
    for output in list(dash_app.callback_map):
        answer = ask(dash_app, client, "CALLBACK", output)
        rule = access.rule_of_callback(output)
        who = identity(kind, "/_dash-update-component")
        expect(answer, rule, who, "CALLBACK", output)
        refused += who is not None and not rule.allows(who)
    logged = [e for e in audit.entries(store) if e["action"] == "access" and e["outcome"] == "refused"]
    assert len(logged) == refused
    assert all(e["subject"].startswith("POST /_dash-update-component ") for e in logged)
    if kind == "leadership":
        assert {e["subject"].split()[-1] for e in logged} == {
            "confirm-status.children",
            "upload-result.children",
            "audit-body.children",
            "admin-body.children",
            next(o for o in dash_app.callback_map if o.startswith("admin-body.children@")),
            next(o for o in dash_app.callback_map if o.startswith("briefings-body.children@")),
        }


@pytest.mark.parametrize("kind", ["leadership", "department_head", "focal_point", "admin"])
def test_the_audit_log_is_read_and_downloaded_by_the_admin_and_the_focal_point_only(app, kind):
    dash_app, config, store = app
    client = caller(app, kind)
    allowed = kind in ("focal_point", "admin")
    layout = client.get("/_dash-layout").data.decode()
    assert ('"nav-audit"' in layout) == allowed  # in the navigation only for them
    download = client.get("/tai-ve/nhat-ky.csv")
    assert download.status_code == (200 if allowed else 403)
    if allowed:
        text = download.data.decode("utf-8-sig")
        assert "sign_in" in text or "Đăng nhập" in text
        assert kind.replace("_", "-") in text  # their own sign-in is in it


def test_a_forged_callback_for_an_unknown_output_is_refused(app):
    dash_app, config, store = app
    client = caller(app, "focal_point")
    body = {"output": "evil.children", "outputs": {"id": "evil", "property": "children"}, "inputs": [], "state": []}
    answer = client.post("/_dash-update-component", json=body, headers={"Origin": "http://localhost"})
    assert answer.status_code == 403
    not_json = client.post("/_dash-update-component", data=b"not json", headers={"Origin": "http://localhost"})
    assert not_json.status_code == 403
