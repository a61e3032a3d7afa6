"""What every answer carries for the browser's safety, and the requests it refuses."""

from __future__ import annotations

import pytest

from dashboards.webapp import create_app
from tests.accounts import sign_in
from tests.conftest import demo_source, with_sources
from tests.dashboards.conftest import open_page, reader_context


@pytest.fixture
def http(default_config, sqlite_store):
    config = with_sources(default_config, demo_source(default_config, "KCB"))
    client = sign_in(create_app(config, sqlite_store).server.test_client(), sqlite_store, config)
    return client, sqlite_store


# What Dash's page sends when its refresh tick fires: a callback every person may call.
REFRESH = {
    "output": "..data-version.data...history-banner.children..",
    "outputs": [{"id": "data-version", "property": "data"}, {"id": "history-banner", "property": "children"}],
    "inputs": [{"id": "tick", "property": "n_intervals", "value": 1}],
    "state": [
        {"id": "data-version", "property": "data", "value": None},
        {"id": "url", "property": "search", "value": ""},
    ],
    "changedPropIds": ["tick.n_intervals"],
}


def test_pages_and_downloads_carry_the_safety_headers(http):
    client, _ = http
    page = client.get("/")
    policy = page.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "script-src 'self' 'sha256-" in policy
    assert "unsafe-eval" not in policy and "script-src 'self' 'unsafe-inline'" not in policy
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Referrer-Policy"] == "same-origin"
    download = client.get("/tai-ve/lan-thu.csv")
    assert download.headers["Cache-Control"] == "no-store"
    assert client.get("/healthz").headers["Cache-Control"] == "no-store"
    assert "no-store" not in client.get("/assets/ioc.css").headers.get("Cache-Control", "")


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Referer": "https://evil.example/trap.html"},
        {"Origin": "null"},
    ],
)
def test_a_state_change_from_another_site_is_refused(http, headers):
    client, _ = http
    assert client.post("/_dash-update-component", json=REFRESH, headers=headers).status_code == 403


def test_a_state_change_from_the_apps_own_pages_goes_through(http):
    client, _ = http
    answer = client.post("/_dash-update-component", json=REFRESH, headers={"Origin": "http://localhost"})
    assert answer.status_code == 200, answer.data[:300]


@pytest.mark.parametrize(
    "query",
    [
        "unit=%22%3B%20filename*%3DUTF-8%27%27evil.html",
        "unit=KCB%0d%0aSet-Cookie:%20x=1",
        "unit=Qu%E1%BA%A3n",
        "week=" + "9" * 5000,
    ],
)
def test_a_downloads_name_is_built_from_known_values_only(http, query):
    client, _ = http
    answer = client.get(f"/tai-ve/co-so-du-lieu.csv?{query}")
    assert answer.status_code == 200
    assert answer.headers["Content-Disposition"] == (
        "attachment; filename=\"co-so-du-lieu.csv\"; filename*=UTF-8''co-so-du-lieu.csv"
    )
    assert [c.split("=")[0] for c in answer.headers.getlist("Set-Cookie")] == ["ioc_session"]  # its renewal only
    named = client.get("/tai-ve/co-so-du-lieu.xlsx?unit=KCB&week=2026-W47")
    assert 'filename="co-so-du-lieu-KCB-2026-W47.xlsx"' in named.headers["Content-Disposition"]


def test_an_edition_id_of_any_size_is_a_404(http):
    client, _ = http
    assert client.get("/ban-tin/tai-ve/99999999999999999999999.pdf").status_code == 404
    assert client.get("/ban-tin/tai-ve/2147483647.pdf").status_code == 404


@pytest.fixture
def other_site(tmp_path):
    """Another origin on loopback (another port) serving a page that frames the app."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_no_other_site_can_show_a_page_in_a_frame(browser, served, other_site):
    base = served[0]
    folder, origin = other_site
    (folder / "trap.html").write_text(f'<iframe id="trap" src="{base}/don-vi?unit=KCB"></iframe>', encoding="utf-8")
    page, _errors = open_page(browser, f"{origin}/trap.html", reader_context(browser, base))  # signed in there
    for _ in range(100):
        if len(page.frames) > 1 and page.frames[1].url not in ("", "about:blank"):
            break
        page.wait_for_timeout(100)
    # Chromium shows its own error page in the frame instead of the app's (the request is blocked)
    assert page.frames[1].url == "chrome-error://chromewebdata/", page.frames[1].url
    page.close()
