"""Signing in with a local account: the form, the session's cookie and its end, the rate limit,
where it sends you back to, and the newcomer's first account."""

from __future__ import annotations

import pytest

from dashboards.webapp import create_app
from metrics import audit, users
from tests.accounts import PASSWORD, account, sign_in
from tests.conftest import demo_source, with_sources
from tests.dashboards.conftest import open_page, wait_until

ORIGIN = {"Origin": "http://localhost"}


@pytest.fixture
def app(default_config, sqlite_store):
    config = with_sources(default_config, demo_source(default_config, "KCB"))
    return create_app(config, sqlite_store), config, sqlite_store


def post(client, username: str, password: str, next_page: str = "/", **kwargs):
    form = {"username": username, "password": password, "next": next_page}
    return client.post("/dang-nhap", data=form, headers=ORIGIN, **kwargs)


def test_a_wrong_password_is_refused_and_logged_and_a_right_one_opens_a_session(app):
    dash_app, config, store = app
    name = account(store, config, "leadership")
    client = dash_app.server.test_client()
    refused = post(client, name, "not the password")
    assert refused.status_code == 401 and "Sai tên đăng nhập hoặc mật khẩu." in refused.data.decode()
    assert "ioc_session" not in refused.headers.get("Set-Cookie", "")
    assert post(client, "nobody-here", PASSWORD).status_code == 401  # the same answer for a name that does not exist
    answer = post(client, name, PASSWORD, "/don-vi?unit=KCB")
    assert answer.status_code == 303 and answer.headers["Location"] == "/don-vi?unit=KCB"
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie  # plain http on loopback
    assert client.get("/don-vi?unit=KCB").status_code == 200
    log = [(e["action"], e["subject"], e["outcome"]) for e in audit.entries(store) if e["action"] == "sign_in"]
    assert log == [("sign_in", name, "done"), ("sign_in", "nobody-here", "refused"), ("sign_in", name, "refused")]


def test_over_https_the_session_cookie_is_secure(app):
    dash_app, config, store = app
    client = dash_app.server.test_client()
    form = {"username": account(store, config), "password": PASSWORD}
    answer = client.post(
        "/dang-nhap", data=form, headers={"Origin": "https://ioc.moh.gov.vn"}, base_url="https://ioc.moh.gov.vn"
    )
    assert answer.status_code == 303 and "; Secure" in answer.headers["Set-Cookie"]


@pytest.mark.parametrize(
    "next_page", ["//evil.example/x", "/\\evil.example", "https://evil.example/", "/ok\r\nSet-Cookie: x=1", ""]
)
def test_after_sign_in_a_reader_goes_back_to_a_page_of_this_site_only(app, next_page):
    dash_app, config, store = app
    answer = post(dash_app.server.test_client(), account(store, config), PASSWORD, next_page)
    assert answer.status_code == 303 and answer.headers["Location"] == "/"


def test_a_page_asked_for_before_signing_in_is_where_sign_in_returns(app):
    dash_app, config, store = app
    client = dash_app.server.test_client()
    sent = client.get("/co-so-du-lieu?unit=KCB&week=2026-W47")
    assert sent.status_code == 302
    assert sent.headers["Location"] == "/dang-nhap?next=%2Fco-so-du-lieu%3Funit%3DKCB%26week%3D2026-W47"
    form = client.get(sent.headers["Location"]).data.decode()
    assert 'name="next" value="/co-so-du-lieu?unit=KCB&amp;week=2026-W47"' in form


def test_sign_in_attempts_are_limited_per_username_and_the_limit_is_logged(app):
    dash_app, config, store = app
    name = account(store, config)
    client = dash_app.server.test_client()
    allowed = config.settings.sign_in.attempts_per_minute
    answers = [post(client, name, f"guess {i}").status_code for i in range(allowed + 1)]
    assert answers == [401] * allowed + [429]
    assert post(client, name, PASSWORD).status_code == 429  # even the right password, until the minute is over
    page = post(client, name, PASSWORD).data.decode()
    assert "Quá nhiều lần thử" in page
    assert [e["outcome"] for e in audit.entries(store, limit=1)] == ["limited"]


def test_disabling_an_account_or_resetting_its_password_ends_its_sessions(app):
    dash_app, config, store = app
    client = sign_in(dash_app.server.test_client(), store, config, "focal_point")
    assert client.get("/_dash-layout").status_code == 200
    users.reset(store, "focal-point", "a brand new password")
    assert client.get("/_dash-layout").status_code == 401
    sign_in_again = post(client, "focal-point", "a brand new password")
    assert sign_in_again.status_code == 303 and client.get("/_dash-layout").status_code == 200
    users.disable(store, "focal-point")
    assert client.get("/_dash-layout").status_code == 401
    assert post(client, "focal-point", "a brand new password").status_code == 401


def test_signing_out_ends_the_session_even_if_its_cookie_comes_back(app):
    dash_app, config, store = app
    client = sign_in(dash_app.server.test_client(), store, config)
    cookie = client.get_cookie("ioc_session").value
    assert client.post("/dang-xuat", headers=ORIGIN).headers["Location"] == "/dang-nhap"
    assert client.get("/_dash-layout").status_code == 401
    # a request of the page in flight at sign-out answers with the session's cookie again
    client.set_cookie("ioc_session", cookie)
    assert client.get("/_dash-layout").status_code == 401
    again = sign_in(dash_app.server.test_client(), store, config)  # signing in again is a new session
    assert again.get("/_dash-layout").status_code == 200


def test_a_new_store_gets_one_admin_with_a_random_password_and_never_another(default_config, sqlite_store):
    user, password = users.first_admin(sqlite_store, default_config.catalogue)
    assert user.role == "admin" and len(password) >= 16
    assert users.verify(sqlite_store, user.username, password) is not None
    assert users.first_admin(sqlite_store, default_config.catalogue) is None


def test_signing_in_and_out_in_a_browser(browser, served):
    base, config, store, _ = served
    account(store, config, "department_head", "KCB")
    context = browser.new_context(locale="vi-VN")
    page, errors = open_page(browser, base + "/don-vi?unit=KCB", context)
    page.wait_for_selector("#sign-in-button")
    assert page.url.startswith(base + "/dang-nhap?next=")
    page.fill("#username", "department-head-kcb")
    page.fill("#password", "a wrong password")
    page.click("#sign-in-button")
    assert page.inner_text("#sign-in-message") == "Sai tên đăng nhập hoặc mật khẩu."
    page.fill("#password", PASSWORD)
    page.click("#sign-in-button")
    page.wait_for_selector("#confirm-button", timeout=20000)  # their own unit: they may confirm
    assert page.url == base + "/don-vi?unit=KCB"
    assert page.inner_text("#signed-in-name") == "Thủ trưởng KCB"
    # the only error: the wrong password's answer (401, the form again with its message)
    assert errors == ["Failed to load resource: the server responded with a status of 401 (UNAUTHORIZED)"]
    page.click("#sign-out")
    page.wait_for_selector("#sign-in-button")
    page.goto(base + "/hieu-qua")
    wait_until(page, "location.pathname === '/dang-nhap'")
    context.close()


def test_an_open_page_whose_session_ends_goes_to_the_sign_in_page(browser, served):
    base, config, store, _ = served
    page, errors = open_page(browser, base + "/hieu-qua", role="focal_point")
    page.wait_for_selector(".tile", timeout=20000)
    users.disable(store, "focal-point")
    wait_until(page, "location.pathname === '/dang-nhap'", timeout=10000)  # the next refresh (2 s here) is refused
    assert page.url == base + "/dang-nhap?next=%2Fhieu-qua"
    page.close()


def test_an_office_behind_one_address_signs_in_but_a_guesser_across_names_is_stopped(app):
    dash_app, config, store = app
    client = dash_app.server.test_client()
    people = [account(store, config, "department_head", unit) for unit in list(config.catalogue.units)[:8]]
    assert [post(client, name, PASSWORD).status_code for name in people] == [303] * 8  # successes never count
    limit = config.settings.sign_in.address_attempts_per_minute
    guesses = [post(client, f"guess-{i}", "not a password").status_code for i in range(limit + 1)]
    assert guesses == [401] * limit + [429]
    assert post(client, people[0], PASSWORD).status_code == 429  # from this address, for the minute
