"""Directives on the pages, the wall and the briefing; a directive's whole life in Chromium,
each step by the one who may take it, and forged steps refused."""

from __future__ import annotations

import time
import urllib.parse

from base import localtime
from briefings.content import build_briefing
from dashboards.screens import load_screens
from dashboards.wall.panels import wall_alerts
from dashboards.webapp import create_app
from metrics import audit, directives
from metrics.read_models import build_snapshot
from tests.accounts import sign_in
from tests.conftest import demo_source, with_sources
from tests.dashboards.conftest import open_page, wait_until
from tests.metrics.test_directives import due_moved, give, in_days


def test_open_and_overdue_directives_reach_the_alerts_the_wall_and_the_briefing(history_store, default_config):
    sqlite_store = history_store
    overdue = give(sqlite_store, default_config)
    due_moved(sqlite_store, overdue, -2)
    give(sqlite_store, default_config, unit="QLD", subject="panel:tong-quan", due=5)
    snap = build_snapshot(sqlite_store, default_config)
    assert [(a.kind, a.subject) for a in snap.alerts if a.kind.startswith("directive")] == [
        ("directive_overdue", str(overdue))
    ]
    screens = load_screens(default_config)
    on_wall = [a for a in wall_alerts(snap, default_config, screens.stale_alert_minutes, time.time())]
    said = [(a["kind"], a["severity"]) for a in on_wall if a["kind"].startswith("Chỉ đạo")]
    assert sorted(said) == [("Chỉ đạo quá hạn", "red"), ("Chỉ đạo đang thực hiện", "amber")]
    last_week = localtime.week_start(time.time()) - localtime.WEEK
    briefing = build_briefing(sqlite_store, default_config, last_week)
    assert [(text.split(":")[0], state) for text, state, _due in briefing.directives] == [
        ("Cục Quản lý Khám, chữa bệnh", "Chỉ đạo quá hạn"),
        ("Cục Quản lý Dược", "Đang thực hiện"),
    ]
    unit_briefing = build_briefing(
        sqlite_store, default_config, localtime.week_start(time.time()) - localtime.WEEK, "QLD"
    )
    assert len(unit_briefing.directives) == 1


def step_body(directive_id: int, step: str, note: str = "") -> dict:
    """What the directives page sends when a step's button is clicked."""
    button = {"type": "directive-step", "id": directive_id, "step": step}
    return {
        "output": "directives-body.children@" + "x",  # replaced by the real key below
        "outputs": {"id": "directives-body", "property": "children", "allow_duplicate": True},
        "inputs": [
            {"id": "directive-create", "property": "n_clicks", "value": 0},
            [{"id": button, "property": "n_clicks", "value": 1}],
        ],
        "state": [
            {"id": "directive-subject", "property": "value", "value": None},
            {"id": "directive-unit", "property": "value", "value": None},
            {"id": "directive-due", "property": "value", "value": None},
            {"id": "directive-text", "property": "value", "value": None},
            [{"id": {"type": "directive-note", "id": directive_id}, "property": "value", "value": note}],
            {"id": "directive-query", "property": "data", "value": {}},
        ],
        "changedPropIds": [f'{{"id":{directive_id},"step":"{step}","type":"directive-step"}}.n_clicks'],
    }


def test_a_step_is_taken_only_by_who_may_take_it_whatever_the_page_sent(default_config, sqlite_store):
    config = with_sources(default_config, demo_source(default_config, "KCB"))
    app = create_app(config, sqlite_store)
    directive_id = give(sqlite_store, config)
    key = next(k for k in app.callback_map if k.startswith("directives-body.children@"))
    attempts = [
        (("department_head", "QLD"), "done"),  # another unit's head
        (("leadership", ""), "done"),  # the unit's step, not the leadership's
        (("department_head", "KCB"), "close"),  # the leadership's step, not the unit's
        (("admin", ""), "reply"),
    ]
    for (role, unit), step in attempts:
        client = sign_in(app.server.test_client(), sqlite_store, config, role, unit)
        body = {**step_body(directive_id, step, "ghi chú"), "output": key}
        answer = client.post("/_dash-update-component", json=body, headers={"Origin": "http://localhost"})
        assert answer.status_code == 200 and "directive-error" in answer.get_data(as_text=True), (role, step)
    assert directives.found(sqlite_store, directive_id).state == "open"
    assert [len(directives.found(sqlite_store, directive_id).steps)] == [1]  # nothing but its giving
    focal = sign_in(app.server.test_client(), sqlite_store, config, "focal_point")
    for forged_id in (10**30, -1, 0):  # any size: unknown, never a 500
        body = {**step_body(forged_id, "close"), "output": key}
        answer = focal.post("/_dash-update-component", json=body, headers={"Origin": "http://localhost"})
        assert answer.status_code == 200 and "directive-error" in answer.get_data(as_text=True), forged_id
    refused = [e for e in audit.entries(sqlite_store) if e["action"] == "directive" and e["outcome"] == "refused"]
    assert len(refused) == len(attempts) + 3
    head = sign_in(app.server.test_client(), sqlite_store, config, "department_head", "KCB")
    body = {**step_body(directive_id, "done"), "output": key}
    assert "directive-done" in head.post(
        "/_dash-update-component", json=body, headers={"Origin": "http://localhost"}
    ).get_data(as_text=True)
    assert directives.found(sqlite_store, directive_id).state == "done"


def state_is(directive_id: int, state: str) -> str:
    selector = f"#directive-{directive_id} .directive-state"
    return f"document.querySelector('{selector}') && document.querySelector('{selector}').innerText === '{state}'"


def test_a_directives_whole_life_in_a_browser(browser, served):
    base, config, store, _ = served
    office = open_page(browser, base + "/csdl?db=KCB", role="focal_point")[0]
    office.wait_for_selector("#database-direct", timeout=20000)
    office.click("#database-direct")
    office.wait_for_selector("#directive-create", timeout=20000)
    address = urllib.parse.urlsplit(office.url)
    assert address.path == "/chi-dao"
    assert dict(urllib.parse.parse_qsl(address.query)) == {"ve": "db:KCB", "unit": "KCB"}  # about it, for its owner
    office.fill("#directive-due", in_days(10))
    office.fill("#directive-text", "Rà soát <b>5.000</b> hồ sơ thiếu mã định danh")
    office.click("#directive-create")
    office.wait_for_selector("#directive-done", timeout=20000)
    given = directives.listed(store)[0]
    assert (given.subject, given.unit, given.state) == ("db:KCB", "KCB", "open")
    assert "<b>5.000</b>" in office.inner_text(f"#directive-{given.id} .directive-body")  # text, never markup

    head, errors = open_page(browser, base + "/don-vi?unit=KCB", role="department_head", unit="KCB")
    head.wait_for_selector(f"#unit-directive-{given.id}", timeout=20000)
    assert "Đang thực hiện" in head.inner_text(f"#unit-directive-{given.id}")
    head.click("#unit-directives-link")
    head.wait_for_selector(f"#directive-{given.id} textarea", timeout=20000)
    assert head.locator("#directive-create").is_hidden()  # a unit head gives no directive
    head.fill(f"#directive-{given.id} textarea", "Đã rà soát 3.200 hồ sơ")
    head.locator(f"#directive-{given.id} button", has_text="Trả lời").click()
    wait_until(head, "document.querySelector('#directive-done') !== null")
    head.locator(f"#directive-{given.id} button", has_text="Báo đã xong").click()
    wait_until(
        head, f"document.querySelector('#directive-{given.id} .directive-state').innerText.startsWith('Đã xong')"
    )

    office.goto(base + "/chi-dao?unit=KCB")
    office.wait_for_selector(f"#directive-{given.id} textarea", timeout=20000)
    office.fill(f"#directive-{given.id} textarea", "Còn thiếu 200 hồ sơ")
    office.locator(f"#directive-{given.id} button", has_text="Trả lại").click()
    wait_until(
        office, f"document.querySelector('#directive-{given.id} .directive-state').innerText === 'Đang thực hiện'"
    )

    head.reload()
    head.wait_for_selector(f"#directive-{given.id} button", timeout=20000)
    head.locator(f"#directive-{given.id} button", has_text="Báo đã xong").click()
    wait_until(
        head, f"document.querySelector('#directive-{given.id} .directive-state').innerText.startsWith('Đã xong')"
    )
    office.reload()
    office.wait_for_selector(f"#directive-{given.id} button", timeout=20000)
    office.locator(f"#directive-{given.id} button", has_text="Đóng").click()
    wait_until(office, state_is(given.id, "Đã đóng"))

    done = directives.found(store, given.id)
    assert [s.step for s in done.steps] == ["create", "reply", "done", "return", "done", "close"]
    assert [s.by for s in done.steps] == [
        "Đầu mối IOC",
        "Thủ trưởng KCB",
        "Thủ trưởng KCB",
        "Đầu mối IOC",
        "Thủ trưởng KCB",
        "Đầu mối IOC",
    ]
    office.goto(base + "/hieu-qua")
    office.wait_for_selector("#follow-up-KCB", timeout=20000)
    # done before its due day; the page may first show the snapshot of before the closing (served
    # at once while the next is built) and redraws itself when the new one is published
    wait_until(office, "document.querySelector('#follow-up-KCB').innerText.split('\\t').pop().trim() === '100,0'")
    assert errors == []
    office.close()
    head.close()
