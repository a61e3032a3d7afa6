"""The administrator's page in Chromium: an account added with a password shown once that then
signs in; a wall screen's device added, paired and revoked; nobody else may."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from metrics import api_consumers, audit, devices, users
from tests.dashboards.conftest import READER, open_page, wait_until


def test_an_admin_adds_an_account_that_signs_in_with_the_password_shown_once(browser, served):
    base, config, store, _ = served
    page, errors = open_page(browser, base + "/quan-tri", role="admin")
    page.wait_for_selector("#account-add", timeout=20000)
    page.fill("#account-username", "truong-qld")
    page.fill("#account-name", "Nguyễn Thị Hằng")
    page.click("#account-role")
    page.get_by_text("Thủ trưởng đơn vị", exact=True).click()
    page.click("#account-unit")
    page.get_by_text("QLD — Cục Quản lý Dược").click()
    page.click("#account-add")
    page.wait_for_selector("#shown-password", timeout=20000)
    password = page.inner_text("#shown-password")
    assert users.verify(store, "truong-qld", password).unit == "QLD"
    page.reload()
    page.wait_for_selector("#account-truong-qld", timeout=20000)
    assert page.locator("#shown-password").count() == 0  # shown once
    newcomer = browser.new_context(**READER)
    other = newcomer.new_page()
    other.goto(base + "/don-vi?unit=QLD")
    other.fill("#username", "truong-qld")
    other.fill("#password", password)
    other.click("#sign-in-button")
    other.wait_for_selector("#confirm-button", timeout=20000)
    page.locator("#account-truong-qld button", has_text="Khoá").click()
    wait_until(page, "document.querySelector('#admin-result').innerText.includes('Đã khoá tài khoản truong-qld')")
    other.reload()
    wait_until(other, "location.pathname === '/dang-nhap'")  # their session ended at once
    newcomer.close()
    entry = [e for e in audit.entries(store) if e["action"] == "user_disable"][0]
    assert entry["actor"] == "admin (admin, local)" and entry["subject"] == "truong-qld"
    assert errors == []
    page.close()


def test_an_admin_adds_and_revokes_a_wall_device(browser, served):
    base, config, store, _ = served
    page, errors = open_page(browser, base + "/quan-tri", role="admin")
    page.wait_for_selector("#device-add", timeout=20000)
    page.click("#device-screen")
    page.get_by_text("phong-dieu-hanh", exact=True).click()
    page.fill("#device-label", "TV phòng họp giao ban")
    page.click("#device-add")
    page.wait_for_selector("#pairing-address", timeout=20000)
    address = page.inner_text("#pairing-address")
    assert address.startswith(base + "/wall/thiet-bi?ma=")
    television = browser.new_page(viewport={"width": 1920, "height": 1080})
    television.goto(address + "&refresh=1")
    assert television.url.startswith(base + "/wall?screen=phong-dieu-hanh")
    television.goto(base + "/wall?screen=phong-dieu-hanh&refresh=1")
    wait_until(television, "window.__wall && window.__wall.doc !== null")
    device = devices.listed(store)[-1]
    page.locator(f"#device-{device.id} button", has_text="Thu hồi").click()
    wait_until(page, f"document.querySelector('#device-{device.id}').innerText.includes('thu hồi lúc')")
    television.wait_for_selector("#revoked", timeout=5000)
    assert errors == []
    television.close()
    page.close()


def test_nobody_but_an_admin_sees_the_page_or_its_link(browser, served):
    base, config, store, _ = served
    page, errors = open_page(browser, base + "/quan-tri", role="focal_point")
    page.wait_for_selector("#nav-overview", timeout=20000)
    assert page.locator("#nav-admin").count() == 0
    page.wait_for_timeout(1000)
    assert page.locator("#admin-accounts").count() == 0  # its body is refused (403)
    page.close()


def test_an_admin_gives_a_read_api_token_that_reads_its_scope_and_revokes_it(browser, served):
    base, config, store, _ = served
    page, errors = open_page(browser, base + "/quan-tri", role="admin")
    page.wait_for_selector("#consumer-add", timeout=20000)
    page.fill("#consumer-name", "Sở Y tế TP. Hồ Chí Minh")
    page.click("#consumer-provinces")
    page.get_by_text("79 — Thành phố Hồ Chí Minh", exact=True).click()
    page.fill("#consumer-rate", "30")
    page.click("#consumer-add")
    page.wait_for_selector("#shown-token", timeout=20000)
    token = page.inner_text("#shown-token")
    consumer = api_consumers.by_token(store, token)
    assert consumer.name == "Sở Y tế TP. Hồ Chí Minh" and consumer.per_minute == 30
    assert consumer.scope.provinces == {"79"} and not consumer.scope.units
    reader = urllib.request.Request(base + "/api/v1/latest?limit=5000", headers={"Authorization": f"Bearer {token}"})
    items = json.loads(urllib.request.urlopen(reader, timeout=30).read())["items"]
    assert items and {i["province"] for i in items} == {"79"}
    page.locator(f"#consumer-{consumer.id} button", has_text="Thu hồi").click()
    wait_until(page, "document.querySelector('#admin-result').innerText.includes('thu hồi')")
    try:
        urllib.request.urlopen(reader, timeout=30)
        raise AssertionError("a revoked token was answered")
    except urllib.error.HTTPError as refused:
        assert refused.code == 401 and json.loads(refused.read())["type"] == "/api/v1/#problem-revoked-token"
    assert [e["action"] for e in audit.entries(store) if e["action"].startswith("api_token")] == [
        "api_token_revoke",
        "api_token_add",
    ]
    assert errors == []
    page.close()
