"""The production shape, started for real: gunicorn with two workers (wsgi.py) over PostgreSQL
and Redis, behind a proxy that says https. A session, the sign-in limit and a sign-out hold
whichever worker answers."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from metrics import users
from metrics.settings import load_config
from metrics.store import Store
from tests.accounts import PASSWORD
from tests.conftest import REPO, empty_redis, free_port


@pytest.fixture
def redis_url():
    url, client = empty_redis(14)
    yield url
    client.flushdb()


@pytest.fixture
def gunicorn(postgres_url, redis_url, tmp_path, config_copy):
    settings = config_copy.read_text(encoding="utf-8").replace("trusted_proxies = 0", "trusted_proxies = 1")
    config_copy.write_text(settings, encoding="utf-8")
    env = {
        **os.environ,
        "IOC_CONFIG": str(config_copy),
        "IOC_STORE_URL": postgres_url,
        "IOC_CACHE_URL": redis_url,
        "IOC_DATA_DIR": str(tmp_path / "data"),
    }
    store = Store(postgres_url)
    store.upgrade()
    users.add(store, load_config(config_copy).catalogue, "lanh-dao", "leadership", PASSWORD)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "wsgi:application"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2)
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise AssertionError(f"gunicorn did not start: {server.stderr.read()[-2000:]}") from None
            time.sleep(0.3)
    yield base, store
    server.terminate()
    server.wait(20)
    store.engine.dispose()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def ask(base: str, path: str, data: dict | None = None, cookie: str = "", proto: str = "https"):
    """(status, headers) of one request, as the proxy forwards it."""
    origin = f"{proto}://{urllib.parse.urlsplit(base).netloc}"  # the site the proxy serves
    headers = {"X-Forwarded-Proto": proto, "X-Forwarded-For": "203.0.113.7", "Origin": origin}
    if cookie:
        headers["Cookie"] = cookie
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(base + path, data=body, headers=headers)
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=30) as answer:
            return answer.status, answer.headers
    except urllib.error.HTTPError as answer:
        return answer.code, answer.headers


def test_two_workers_share_sessions_limits_and_sign_outs(gunicorn):
    base, store = gunicorn
    status, headers = ask(base, "/dang-nhap", {"username": "lanh-dao", "password": PASSWORD})
    assert status == 303
    set_cookie = headers["Set-Cookie"]
    assert "; Secure" in set_cookie  # https as the proxy saw it
    cookie = set_cookie.split(";", 1)[0]
    answers = [ask(base, "/_dash-layout", cookie=cookie)[0] for _ in range(20)]
    assert answers == [200] * 20  # whichever worker answered
    limit = 5  # config: attempts_per_minute
    tries = [ask(base, "/dang-nhap", {"username": "lanh-dao", "password": f"guess {i}"})[0] for i in range(limit + 1)]
    assert tries == [401] * limit + [429]  # counted together by both workers (Redis)
    assert ask(base, "/dang-xuat", {}, cookie=cookie)[0] == 303
    assert [ask(base, "/_dash-layout", cookie=cookie)[0] for _ in range(10)] == [401] * 10  # ended for both
    from metrics import audit

    addresses = {e["address"] for e in audit.entries(store) if e["action"] == "sign_in"}
    assert addresses == {"203.0.113.7"}  # the client, not the proxy
