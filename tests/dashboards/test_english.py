"""In English, every word the app sends is English: the tab's title, the frame and every page's
body as the server renders them (tooltips and charts included), and /healthz, errors included.
(The browser test of the switch is in test_pages_browser.py.)"""

from __future__ import annotations

import json
import urllib.request

from base.problems import Problem
from tests.accounts import signed_in_headers
from tests.conftest import MONITORING, vietnamese
from tests.dashboards.test_pages_browser import PAGES, WITHOUT_FIGURES

ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}


SIGNED_IN: dict[str, str] = {}  # the session of the test's reader (leadership)


def get(url: str, data: dict | None = None, referer: str = "") -> str:
    headers = {**ENGLISH, **MONITORING, **SIGNED_IN}
    headers.update({"Content-Type": "application/json", "Referer": referer} if data else {})
    body = json.dumps(data).encode() if data else None
    return urllib.request.urlopen(urllib.request.Request(url, data=body, headers=headers), timeout=30).read().decode()


def page_body(base: str, path: str) -> str:
    """The body callback of the page at path, as the browser asks for it."""
    name = next(p.name for p in _pages() if p.path == path.split("?")[0])
    search = "?" + path.split("?")[1] if "?" in path else ""
    request = {
        "output": f"{name}-body.children",
        "outputs": {"id": f"{name}-body", "property": "children"},
        "inputs": [
            {"id": "data-version", "property": "data", "value": 1},
            {"id": "url", "property": "search", "value": search},
        ],
        "changedPropIds": ["url.search"],
        "state": [],
    }
    return get(base + "/_dash-update-component", request, referer=base + path)


def _pages():
    from dashboards.pages import PAGES as REGISTERED

    return REGISTERED


def test_every_page_in_english_holds_no_vietnamese_word_errors_included(served):
    base, config, store, collector = served
    run_id = store.start_run("demo-kcb", "collect", None, None)
    store.finish_run(run_id, "demo-kcb", "timeout", error=Problem.of("run.timeout", seconds=2.5))  # an error to word
    sign_in_page = get(base + "/dang-nhap")
    assert "Password" in sign_in_page and not vietnamese(sign_in_page.replace("Tiếng Việt", "")), sign_in_page
    SIGNED_IN.update(signed_in_headers(base, store, config, "focal_point"))  # who sees every control
    frame = get(base + "/_dash-layout").replace("Đầu mối IOC", "")  # the person's name is theirs
    assert "Overview" in frame and not vietnamese(frame.replace("Tiếng Việt", "")), sorted(vietnamese(frame))
    for path in PAGES:
        index = get(base + path)
        title = index.split("<title>")[1].split("</title>")[0]
        assert title == "Intelligent Operations Centre — Ministry of Health", (path, title)
        body = page_body(base, path)
        assert not vietnamese(body.replace("Tiếng Việt", "")), (path, sorted(vietnamese(body)))
        assert "As of" in body or path in WITHOUT_FIGURES, path
    health = get(base + "/healthz")
    assert "no answer within 2.5 seconds (timed out)" in health and not vietnamese(health)
    runs = page_body(base, "/nguon-du-lieu")
    assert "no answer within 2.5 seconds (timed out)" in runs
    SIGNED_IN.update(signed_in_headers(base, store, config, "admin"))  # the admin's own page
    admin = page_body(base, "/quan-tri")
    for name in ("Đầu mối IOC", "Quản trị"):  # the accounts' names are theirs
        admin = admin.replace(name, "")
    assert "Wall screens' devices" in admin and not vietnamese(admin.replace("Tiếng Việt", "")), sorted(
        vietnamese(admin)
    )
