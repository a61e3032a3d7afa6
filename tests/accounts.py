"""People signed in, for the tests that use the app: an account of each role on the test's store,
and a session of theirs (a test client's, or a cookie for Chromium or urllib)."""

from __future__ import annotations

import urllib.parse
import urllib.request

from metrics import users

PASSWORD = "a long test password"
SESSION_COOKIE = "ioc_session"


def account(store, config, role: str = "leadership", unit: str = "") -> str:
    """The username of an account with role (and unit) on store, made the first time."""
    username = role.replace("_", "-") + (f"-{unit.lower()}" if unit else "")
    if users.found(store, username) is None:
        name = {"leadership": "Lãnh đạo Bộ", "focal_point": "Đầu mối IOC", "admin": "Quản trị"}.get(role, "Thủ trưởng")
        users.add(store, config.catalogue, username, role, PASSWORD, display_name=f"{name} {unit}".strip(), unit=unit)
    return username


def sign_in(client, store, config, role: str = "leadership", unit: str = ""):
    """client (Flask's test client) signed in as role; returns it."""
    username = account(store, config, role, unit)
    answer = client.post(
        "/dang-nhap", data={"username": username, "password": PASSWORD}, headers={"Origin": "http://localhost"}
    )
    assert answer.status_code == 303, answer.data[:300]
    return client


def session_cookie(base: str, store, config, role: str = "leadership", unit: str = "") -> str:
    """The session cookie of role signed in to the app served at base."""
    username = account(store, config, role, unit)
    body = urllib.parse.urlencode({"username": username, "password": PASSWORD}).encode()
    request = urllib.request.Request(base + "/dang-nhap", data=body, headers={"Origin": base})

    class Keep(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):  # the 303 carries the cookie: stop there
            return None

    try:
        urllib.request.build_opener(Keep).open(request, timeout=30)
    except urllib.error.HTTPError as answer:
        if answer.code != 303:
            raise
        for header in answer.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            if name == SESSION_COOKIE:
                return rest.split(";", 1)[0]
    raise AssertionError("signing in gave no session cookie")


def signed_in_headers(base: str, store, config, role: str = "leadership", unit: str = "") -> dict[str, str]:
    """Headers for urllib: the session of role."""
    return {"Cookie": f"{SESSION_COOKIE}={session_cookie(base, store, config, role, unit)}"}
