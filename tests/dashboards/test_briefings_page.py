"""The briefings page in a real Chromium: editions listed with downloads checked against their
SHA-256; a unit head confirms the unit's figures on the unit page and the briefing prints them
as confirmed; failed builds and sends are reported on the sources page."""

from __future__ import annotations

import hashlib
import time
import urllib.request

from base.localtime import WEEK, iso_week_label, week_start
from briefings import charts
from briefings.archive import BuildFailed, archive_dir, build_edition
from briefings.content import build_briefing
from briefings.delivery import queue_for, send_pending
from briefings.settings import BriefingSettings, Recipient, Schedule, Smtp
from metrics import editions
from tests.accounts import signed_in_headers
from tests.conftest import free_port
from tests.dashboards.conftest import open_page, wait_until


def last_week() -> int:
    return week_start(time.time()) - WEEK


def test_editions_are_listed_and_download_as_archived(browser, served):
    base, config, store, _ = served
    edition = build_edition(store, config, last_week(), "", "vi")
    page, errors = open_page(browser, base + "/ban-tin")
    page.wait_for_selector(f"#edition-{edition.id}", timeout=20000)
    row = page.inner_text(f"#edition-{edition.id}")
    assert iso_week_label(last_week()) in row and "Toàn Bộ" in row and edition.files["pdf"]["sha256"][:16] in row
    href = page.get_attribute(f"#edition-{edition.id}-pdf", "href")
    signed_in = signed_in_headers(base, store, config)
    with urllib.request.urlopen(urllib.request.Request(base + href, headers=signed_in)) as response:
        body = response.read()
        assert response.headers["Content-Type"] == "application/pdf"
    assert hashlib.sha256(body).hexdigest() == edition.files["pdf"]["sha256"]
    (archive_dir(config) / edition.files["docx"]["path"]).write_bytes(b"changed on disk")
    try:
        urllib.request.urlopen(urllib.request.Request(base + f"/ban-tin/tai-ve/{edition.id}.docx", headers=signed_in))
        raise AssertionError("a changed file was served")
    except urllib.error.HTTPError as error:
        assert error.code == 409 and "SHA-256" in error.read().decode()
    assert errors == []
    page.close()


def test_a_unit_head_confirms_the_weeks_figures_and_the_briefing_prints_them_confirmed(browser, served):
    base, config, store, _ = served
    label = iso_week_label(last_week())
    for role, unit in (("leadership", ""), ("department_head", "KCB")):  # not theirs to confirm
        page, errors = open_page(browser, base + "/don-vi?unit=BMTE", role=role, unit=unit)
        page.wait_for_selector("#confirm-status", timeout=20000)
        assert page.locator("#confirm-button").count() == 0
        assert "Chỉ thủ trưởng đơn vị (hoặc đầu mối) xác nhận" in page.inner_text(".page-body")
        page.close()
    page, errors = open_page(browser, base + "/don-vi?unit=BMTE", role="department_head", unit="BMTE")
    page.wait_for_selector("#confirm-button", timeout=20000)
    assert f"Xác nhận số liệu tuần {label}" in page.inner_text(".page-body")
    assert page.inner_text("#confirm-status") == "Chưa xác nhận (tạm tính)"
    page.click("#confirm-button")
    wait_until(
        page,
        "document.querySelector('#confirm-status').innerText.startsWith('Đã xác nhận bởi Thủ trưởng BMTE')",
        timeout=20000,
    )
    assert editions.confirmations_of(store, label)["BMTE"]["confirmed_by"] == "Thủ trưởng BMTE"  # their account's name
    briefing = build_briefing(store, config, last_week(), "BMTE", "vi")
    assert briefing.units[0].confirmed and all(task.confirmed for task in briefing.tasks)
    page.goto(base + "/ban-tin")
    page.wait_for_selector("#confirmation-BMTE", timeout=20000)
    assert "Còn hiệu lực" in page.inner_text("#confirmation-BMTE")
    assert "Chưa xác nhận" in page.inner_text("#confirmation-KCB")
    assert errors == []
    page.close()


def test_failed_builds_and_sends_are_reported_on_the_sources_page(browser, served, monkeypatch):
    base, config, store, collector = served
    monkeypatch.setattr(
        charts, "trend_chart", lambda *a, **k: (_ for _ in ()).throw(charts.ChartError("text", text="không vẽ được"))
    )
    try:
        build_edition(store, config, last_week(), "VPB", "vi", trigger="schedule")
    except BuildFailed:
        pass
    monkeypatch.undo()
    settings = BriefingSettings(
        schedule=Schedule(max_send_attempts=5),
        smtp=Smtp(host="127.0.0.1", port=free_port()),
        recipients=[Recipient(email="vanphong@moh.gov.vn")],
    )
    edition = build_edition(store, config, last_week(), "", "vi", settings=settings)
    queue_for(store, settings, edition.id, "", "vi")
    send_pending(store, config, settings)
    collector.collect_all()  # a new data version: the sources page is drawn again
    page, errors = open_page(browser, base + "/nguon-du-lieu")
    page.wait_for_selector("#sources-briefings", timeout=20000)
    text = page.inner_text("#sources-briefings")
    assert f"{iso_week_label(last_week())} · VPB · vi" in text and "ChartError: không vẽ được" in text
    assert f"#{edition.id} → vanphong@moh.gov.vn" in text and "gửi thư không thành công" in text
    assert errors == []
    page.close()


def test_the_office_builds_a_new_edition_from_the_page(browser, served):
    base, config, store, _ = served
    page, errors = open_page(browser, base + "/ban-tin")  # leadership reads the editions, builds none
    page.wait_for_selector("#briefing-editions", timeout=20000)
    assert page.locator("#build-button").count() == 0
    page.close()
    page, errors = open_page(browser, base + "/ban-tin", role="focal_point")
    page.wait_for_selector("#build-button", timeout=20000)
    assert f"Lập bản tin tuần {iso_week_label(last_week())}" in page.inner_text(".page-body")
    page.click("#build-scope")
    page.get_by_text("KCB — Cục Quản lý Khám, chữa bệnh").click()
    page.locator("#build-lang").get_by_text("English").click()  # the edition's language, not the page's switch
    page.click("#build-button")
    page.wait_for_selector("#built-pdf", timeout=30000)
    built = editions.editions(store)[0]
    assert (built["scope"], built["lang"], built["week"], built["trigger"]) == (
        "KCB",
        "en",
        iso_week_label(last_week()),
        "manual",
    )
    assert page.inner_text("#build-result").startswith(f"Đã lập số {built['id']}:")
    cells = page.locator(f"#edition-{built['id']} td").all_inner_texts()  # listed at once: the page was drawn again
    assert cells[:3] == [iso_week_label(last_week()), "Cục Quản lý Khám, chữa bệnh", "en"]
    href = page.get_attribute("#built-pdf", "href")
    signed_in = signed_in_headers(base, store, config, "focal_point")
    with urllib.request.urlopen(urllib.request.Request(base + href, headers=signed_in)) as response:
        assert hashlib.sha256(response.read()).hexdigest() == built["files"]["pdf"]["sha256"]
    assert errors == []
    page.close()
