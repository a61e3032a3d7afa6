"""The wall in a real headless Chromium: rotation, legibility, staleness, offline and back."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import time
import urllib.request

import pytest
from sqlalchemy import update

from base.config_errors import ConfigError
from dashboards.screens import load_screens
from metrics import devices
from metrics.collection import Collector
from metrics.devices import Device
from metrics.schema import collection_runs
from tests.accounts import signed_in_headers
from tests.conftest import REPO, demo_source, free_port, vietnamese, with_sources
from tests.dashboards.conftest import wait_until


class Server:
    """`python app.py --no-scheduler` over the test's store, on a port it keeps: the test can
    stop the server (the wall must cope) and start it again (the wall must recover)."""

    def __init__(self, store, data_dir, port: int) -> None:
        self.env = {**os.environ, "IOC_STORE_URL": store.url, "IOC_DATA_DIR": str(data_dir)}
        self.port = port
        self.process = None
        self.start()

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "app.py", "--no-scheduler", "--port", str(self.port)],
            cwd=REPO,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2)
                return
            except OSError:
                time.sleep(0.2)
        raise AssertionError("the app did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(15)


@pytest.fixture
def wall(default_config, history_store, tmp_path):
    """The default demo configuration with three weeks of history, served by app.py."""
    config = dataclasses.replace(default_config, data_dir=tmp_path)
    # The served app's sources (config/sources.toml) collected once now, without their slow or hanging trouble.
    sources = [demo_source(config, u, **({"outage_hours": 50} if u == "BTXH" else {})) for u in config.catalogue.units]
    Collector(with_sources(config, *sources, data_dir=tmp_path), history_store).collect_all()
    server = Server(history_store, tmp_path, free_port())
    yield f"http://127.0.0.1:{server.port}", server, config, history_store
    server.stop()


def paired(store, screen: str = "phong-dieu-hanh") -> tuple[Device, str]:
    """A new device of screen, and its token, as `python -m dashboards devices add` makes them."""
    return devices.add(store, screen, "TV phòng điều hành")


def open_wall(browser, wall, size=(1920, 1080), query: str = "", token: str = ""):
    """The screen on a television paired with a device token (a new device unless token)."""
    base, _, _, store = wall
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{base}/wall/thiet-bi?ma={token or paired(store)[1]}")  # pairing: the cookie, then the screen
    assert page.url == f"{base}/wall?screen=phong-dieu-hanh", page.url
    page.goto(f"{base}/wall?screen=phong-dieu-hanh{query}")
    wait_until(page, "window.__wall && window.__wall.doc !== null", timeout=20000)
    return page, errors


@pytest.mark.parametrize("size", [(1920, 1080), (3840, 2160)])
def test_the_wall_fits_the_screen_with_large_values_and_nothing_to_click(browser, wall, size):
    page, errors = open_wall(browser, wall, size)
    slides = page.evaluate("window.__wall.doc.slides.length")
    assert slides == 7  # tong-quan, hieu-qua 4+3, de-an-06 4+3, csdl, canh-bao
    for index in range(slides):
        page.evaluate(f"window.__wall.show({index})")
        assert page.evaluate("document.documentElement.scrollHeight <= window.innerHeight"), index
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), index
        tiles = page.locator(".tile")
        assert tiles.count() <= 6
        if tiles.count():
            size_px = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.tile-value')).fontSize)")
            assert size_px >= 28 * size[1] / 1080
    assert page.locator("a, button, input, select, nav").count() == 0
    assert errors == []
    page.close()


def test_the_wall_rotates_through_its_playlist(browser, wall):
    page, errors = open_wall(browser, wall, query="&speed=30")
    panels = set()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and len(panels) < 5:
        panels.add(page.get_attribute("#slide", "data-panel"))
        page.wait_for_timeout(100)
    assert panels == {"tong-quan", "hieu-qua", "de-an-06", "csdl", "canh-bao"}
    assert page.evaluate("window.__wall.rotations") >= 4
    assert errors == []
    page.close()


def test_tiles_show_figures_with_their_as_of_time_and_a_stale_one_is_greyed(browser, wall):
    base, _, config, store = wall
    with store.engine.begin() as connection:  # every source stops delivering: figures go stale
        connection.execute(update(collection_runs).values(finished_at=time.time() - 7200))
    page, errors = open_wall(browser, wall)
    page.evaluate("window.__wall.show(1)")  # indicators
    first = page.locator(".tile").first
    assert "tile-stale" in first.get_attribute("class")
    assert "dữ liệu cũ ·" in first.inner_text() and "trước" in first.inner_text()
    assert "Số liệu đến" in first.inner_text()
    assert first.locator(".tile-value").inner_text().endswith("%")
    page.evaluate("window.__wall.show(6)")  # alerts: stale sources are alerts once past the limit
    assert "Nguồn ngừng cập nhật" in page.inner_text("#slide")
    assert errors == []
    page.close()


def test_the_wall_keeps_its_figures_when_the_server_goes_away_and_recovers(browser, wall):
    base, server, _, store = wall
    page, errors = open_wall(browser, wall, query="&refresh=1")
    value = page.inner_text(".tile-value >> nth=0")
    assert errors == []
    server.stop()
    page.wait_for_selector("#offline:not([hidden])", timeout=10000)
    assert "Mất kết nối máy chủ" in page.inner_text("#offline")
    assert page.inner_text(".tile-value >> nth=0") == value  # the last figures stay
    server.start()
    page.wait_for_selector("#offline", state="hidden", timeout=15000)
    assert page.evaluate("window.__wall.offline") is False
    seen = store.screens_seen()
    assert [(s["client_id"], s["screen"]) for s in seen] == [("device-1", "phong-dieu-hanh")]  # its heartbeat
    assert time.time() - seen[0]["last_seen"] < 10
    page.close()


def test_an_unknown_screen_is_a_plain_404(wall):
    base, _, config, store = wall
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(
            urllib.request.Request(f"{base}/wall?screen=khong-co", headers=signed_in_headers(base, store, config))
        )
    assert caught.value.code == 404


def device_get(url: str, token: str) -> tuple[int, str]:
    """What a television holding token is answered at url."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers={"Cookie": f"ioc_device={token}"})) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read().decode()


def test_a_screen_in_english_says_every_word_in_english(wall):
    base, _, _, store = wall
    _device, token = paired(store)
    status, document = device_get(f"{base}/api/wall?lang=en&screen=phong-dieu-hanh", token)
    assert "Ministry overview" in document and "Operations room" in document
    assert not vietnamese(json.dumps(json.loads(document), ensure_ascii=False))
    status, page = device_get(f"{base}/wall?lang=en&screen=phong-dieu-hanh", token)
    assert 'lang="en"' in page and "Loading figures" in page and not vietnamese(page)


def test_screens_configuration_is_validated(config_copy):
    from metrics.settings import load_config

    path = config_copy.parent / "screens.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('panel = "csdl"', 'panel = "bieu-do"'), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_screens(load_config(config_copy))
    assert caught.value.key == "screens[0].slides[3].panel" and caught.value.file.endswith("screens.toml")
    path.write_text(
        path.read_text(encoding="utf-8")
        .replace('panel = "bieu-do"', 'panel = "csdl"')
        .replace('name = "lanh-dao"', 'name = "phong-dieu-hanh"'),
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="duplicate screen 'phong-dieu-hanh'"):
        load_screens(load_config(config_copy))


def test_a_revoked_device_says_so_within_one_refresh_and_never_shows_a_sign_in_page(browser, wall):
    base, _, _, store = wall
    device, token = paired(store)
    page, errors = open_wall(browser, wall, query="&refresh=1", token=token)
    assert page.locator(".tile").count() > 0
    devices.revoke(store, device.id, actor="test")
    page.wait_for_selector("#revoked", timeout=5000)  # one refresh is 1 s here
    assert page.inner_text("#revoked") == "Thiết bị đã bị thu hồi."
    assert page.locator(".tile").count() == 0  # the figures went with the device
    page.reload()  # the television reloading (every few hours, or at night) is still refused, still no form
    assert page.inner_text("#revoked") == "Thiết bị đã bị thu hồi." and page.locator("form, input").count() == 0
    assert device_get(f"{base}/api/wall?screen=phong-dieu-hanh", token)[0] == 403
    assert "quan-tri" not in page.content()
    assert [e for e in errors if "403" not in e] == []  # the refused polls are the only console errors
    page.close()


def test_only_a_device_records_its_screens_heartbeat_and_only_for_its_own_screen(wall):
    base, _, config, store = wall
    device, token = paired(store, "lanh-dao")
    assert device_get(f"{base}/api/wall?screen=phong-dieu-hanh", token)[0] == 403  # not its screen
    assert device_get(f"{base}/wall?screen=phong-dieu-hanh", token)[0] == 403
    assert device_get(f"{base}/api/wall?screen=lanh-dao&client=forged", token)[0] == 200
    person = urllib.request.Request(
        f"{base}/api/wall?screen=phong-dieu-hanh&client=w-looks-alive", headers=signed_in_headers(base, store, config)
    )
    assert urllib.request.urlopen(person).status == 200  # a person may look at any screen
    assert device_get(f"{base}/api/wall?screen=phong-dieu-hanh&client=w-looks-alive", "forged-token")[0] == 401
    seen = store.screens_seen()
    assert [(s["client_id"], s["screen"]) for s in seen] == [(device.client_id, "lanh-dao")]
    assert device_get(f"{base}/wall/thiet-bi?ma=forged-token", "")[0] == 403
