"""The pages in a real headless Chromium: figures shown, no console errors, live refresh."""

from __future__ import annotations

import io
import time
import urllib.request

import openpyxl
import pytest
from sqlalchemy import text, update

from base import formatting as fmt
from metrics.read_models import build_snapshot
from metrics.schema import collection_runs
from tests.accounts import signed_in_headers
from tests.dashboards.conftest import open_page, reader_context, wait_until


def signed_in_get(base: str, path: str, store, config) -> bytes:
    request = urllib.request.Request(base + path, headers=signed_in_headers(base, store, config))
    with urllib.request.urlopen(request) as answer:
        return answer.read()


PAGES = [
    "/",
    "/hieu-qua",
    "/de-an-06",
    "/co-so-du-lieu",
    "/don-vi?unit=KCB",
    "/nguon-du-lieu",
    "/ban-tin",
    "/csdl?db=KCB",
    "/nguon-goc?metric=db_score_dung&unit=KCB&database=KCB",
    "/chi-dao",
    "/nhat-ky",
]
WITHOUT_FIGURES = ("/nguon-du-lieu", "/ban-tin", "/chi-dao", "/nhat-ky")  # pages of records, not of figures


def test_the_overview_shows_the_stores_figures_without_console_errors(browser, served):
    base, config, store, _ = served
    page, errors = open_page(browser, base + "/")
    page.wait_for_selector("#tile-effectiveness .tile-value", timeout=20000)
    snapshot = build_snapshot(store, config)
    assert page.inner_text("#tile-effectiveness .tile-value") == fmt.number(snapshot.effectiveness.value, 1)
    assert page.inner_text("#tile-project06 .tile-value") == fmt.percent(snapshot.project06.value, 1)
    assert page.inner_text("#tile-databases .tile-value") == f"{sum(d.complete for d in snapshot.databases)}/12"
    assert "Số liệu đến" in page.inner_text("#tile-effectiveness .freshness")
    rows = page.locator("#overview-db-grid tbody tr")
    assert rows.count() == 12
    assert "TIEMCHUNG" in page.inner_text("#overview-db-grid")
    page.wait_for_timeout(500)
    assert errors == []
    page.close()


@pytest.mark.long
def test_every_page_renders_with_no_console_errors(browser, served):
    base = served[0]
    reader = reader_context(browser, base, "focal_point")  # one reader going from page to page: every page is theirs
    for path in PAGES:
        page, errors = open_page(browser, base + path, reader)
        page.wait_for_selector(".page-body .panel", timeout=20000)
        page.wait_for_timeout(300)
        assert errors == [], (path, errors)
        assert "Số liệu đến" in page.inner_text(".page-body") or path in WITHOUT_FIGURES
        page.close()
    reader.close()


def test_a_new_collection_shows_on_the_page_without_a_reload(browser, served):
    base, config, store, collector = served
    page, errors = open_page(browser, base + "/nguon-du-lieu")
    page.wait_for_selector("#sources-health", timeout=20000)
    page.evaluate("window.__not_reloaded = true")
    before = page.inner_text("#source-demo-kcb")
    time.sleep(1.1)  # the next run ends at a later second
    collector.sources["demo-kcb"].options = collector.sources["demo-kcb"].options.model_copy(
        update={"bad_record_every": 1}
    )
    collector.collect("demo-kcb")
    wait_until(page, "document.querySelector('#sources-quarantine').innerText.includes('demo-kcb')", timeout=15000)
    assert page.inner_text("#source-demo-kcb") != before
    assert page.evaluate("window.__not_reloaded") is True
    assert errors == []
    page.close()


def test_a_stale_source_shows_its_badge(browser, served):
    base, config, store, _ = served
    with store.engine.begin() as connection:
        connection.execute(
            update(collection_runs)
            .where(collection_runs.c.source_id == "demo-qld")
            .values(finished_at=time.time() - 3600)
        )
    collector_fresh_version = store.data_version()
    page, errors = open_page(browser, base + "/hieu-qua")
    page.wait_for_selector("#effectiveness-units", timeout=20000)
    row = page.locator("#effectiveness-units tr", has_text="Cục Quản lý Dược")
    assert "dữ liệu cũ" in row.inner_text()
    btxh = page.locator("#effectiveness-units tr", has_text="Cục Bảo trợ xã hội")
    assert "dữ liệu cũ" in btxh.inner_text()  # its system stopped delivering
    assert store.data_version() == collector_fresh_version
    assert errors == []
    page.close()


def test_the_pages_say_while_history_is_being_loaded_with_its_progress(browser, served):
    base, config, store, _ = served
    store.backfill_progress("demo-kcb", 26, 13, "running")
    page, errors = open_page(browser, base + "/")
    page.wait_for_selector("#history-progress", timeout=15000)
    text = page.inner_text("#history-progress")
    assert "Đang nạp lịch sử dữ liệu" in text and "11/12 nguồn" in text
    store.backfill_progress("demo-kcb", 26, 26, "done")
    page.wait_for_selector("#history-progress", state="detached", timeout=15000)
    assert errors == []
    page.close()


def test_quarantined_raw_values_are_shown_as_text_never_as_html(browser, served):
    base, config, store, _ = served
    from base.problems import Problem
    from metrics.store import Rejected

    run_id = store.start_run("demo-kcb", "collect", None, None)
    store.finish_run(
        run_id,
        "demo-kcb",
        "ok",
        [],
        [
            Rejected(
                {"metric": "<img src=x onerror=window.__pwned=1>", "value": "<b>9</b>"},
                Problem.of("record.unknown_metric", metric="<img src=x onerror=window.__pwned=1>"),
            )
        ],
    )
    page, errors = open_page(browser, base + "/nguon-du-lieu")
    page.wait_for_selector("#sources-quarantine", timeout=20000)
    table = page.locator("#sources-quarantine")
    assert "<img src=x onerror=window.__pwned=1>" in table.inner_text()
    assert table.locator("img").count() == 0 and table.locator("b").count() == 0
    assert page.evaluate("window.__pwned === undefined")
    page.close()


@pytest.mark.long
def test_the_language_switch_turns_every_page_english_and_back(browser, served):
    base, config, store, _ = served
    page, errors = open_page(browser, base + "/hieu-qua")
    page.wait_for_selector("#effectiveness-units", timeout=20000)
    assert page.inner_text("#lang-switch") == "English"
    page.click("#lang-switch")
    wait_until(
        page, "(document.querySelector('.page-body') || {innerText: ''}).innerText.includes('As of')", timeout=20000
    )
    body = page.inner_text(".page-body")
    assert "Medical Examination and Treatment Administration" in body and "On-time rate" in body
    assert "Số liệu đến" not in body
    assert page.evaluate("window.location.pathname") == "/hieu-qua"
    snapshot = build_snapshot(store, config)
    on_time = next(i for i in snapshot.indicators if i.code == "on_time_rate")
    assert fmt.percent(on_time.ministry.value, 1, "en") in page.inner_text("#tile-on_time_rate")
    assert page.inner_text("#nav-overview") == "Overview"
    page.click("#lang-switch")
    wait_until(
        page,
        "(document.querySelector('.page-body') || {innerText: ''}).innerText.includes('Số liệu đến')",
        timeout=20000,
    )
    assert errors == []
    page.close()


def test_the_unit_page_keeps_its_unit_in_the_url_and_shows_that_units_figures(browser, served):
    base, config, store, _ = served
    page, errors = open_page(browser, base + "/don-vi?unit=QLD")
    page.wait_for_selector("#unit-name", timeout=20000)
    assert page.inner_text("#unit-name") == "Cục Quản lý Dược"
    snapshot = build_snapshot(store, config)
    on_time = next(i for i in snapshot.indicators if i.code == "on_time_rate")
    assert fmt.percent(on_time.by_unit["QLD"], 1) in page.inner_text("#unit-on_time_rate")
    assert "DUOC" in page.inner_text("#unit-databases") and "demo-qld" in page.inner_text("#unit-sources")
    page.click("#unit-link-BMTE")
    wait_until(page, "(document.querySelector('#unit-name') || {}).innerText === 'Cục Bà mẹ và Trẻ em'", timeout=20000)
    assert page.evaluate("window.location.search") == "?unit=BMTE"
    assert "Liên thông giấy chứng sinh điện tử" in page.inner_text("#unit-tasks")
    assert page.get_attribute("#xlsx-de-an-06", "href") == "/tai-ve/de-an-06.xlsx?unit=BMTE"  # its own rows
    assert errors == []
    page.close()


def test_a_figure_opens_to_its_history_source_and_collection_run(browser, served):
    base, config, store, _ = served
    page, errors = open_page(browser, base + "/co-so-du-lieu")
    page.wait_for_selector("#databases-grid", timeout=20000)
    kcb = next(d for d in build_snapshot(store, config).databases if d.code == "KCB")
    page.locator("#databases-grid tr", has_text="KCB").locator("a.figure-link").first.click()
    page.wait_for_selector("#lineage-run", timeout=20000)
    assert page.evaluate("window.location.pathname") == "/nguon-goc"
    assert page.inner_text("#lineage-title").startswith("Điểm tiêu chí Đúng · Cục Quản lý Khám, chữa bệnh")
    assert page.inner_text("#lineage-value").startswith(fmt.number(kcb.scores["dung"], 1) + " điểm")
    assert "demo-kcb" in page.inner_text("#lineage-source")
    run_text = page.inner_text("#lineage-run")
    assert "ok" in run_text and "#" in run_text
    assert page.locator("#lineage-samples tbody tr").count() > 5
    href = page.get_attribute("#xlsx-lich-su", "href")
    assert href == "/tai-ve/lich-su.xlsx?metric=db_score_dung&unit=KCB&database=KCB"
    rows = list(
        openpyxl.load_workbook(io.BytesIO(signed_in_get(base, href, store, config))).active.iter_rows(values_only=True)
    )
    assert rows[-1][1] == kcb.scores["dung"] and len(rows) > page.locator("#lineage-samples tbody tr").count()
    assert errors == []
    page.close()


def test_a_database_page_shows_its_score_with_the_formula_and_numbers_in_it(browser, served):
    base, config, store, _ = served
    page, errors = open_page(browser, base + "/co-so-du-lieu")
    page.wait_for_selector("#databases-grid", timeout=20000)
    page.click("#db-TIEMCHUNG")
    page.wait_for_selector("#database-formula", timeout=20000)
    assert page.evaluate("window.location.search") == "?db=TIEMCHUNG"
    assert page.inner_text("#database-name").startswith("TIEMCHUNG — CSDL tiêm chủng")
    row = next(d for d in build_snapshot(store, config).databases if d.code == "TIEMCHUNG")
    formula = page.inner_text("#database-formula")
    assert formula.startswith("Điểm = Σ (trọng số × điểm tiêu chí) / Σ trọng số = (1,0 × ")
    assert formula.endswith(f"= {fmt.number(row.score, 1)}") and fmt.number(row.scores["sach"], 1) in formula
    assert "demo-pb" in page.inner_text("#database-sources")
    assert errors == []
    page.close()


def test_project06_by_unit_with_sla_plan_and_the_tasks_that_need_attention(browser, served):
    base, config, store, _ = served
    page, errors = open_page(browser, base + "/de-an-06?unit=KCB")
    page.wait_for_selector("#project06-tasks", timeout=20000)
    rows = page.locator("#project06-tasks tbody tr")
    assert rows.count() == len(config.catalogue.tasks_of("KCB")) == 3
    assert "trong 4 giờ:" in page.inner_text("#task-P06_DEATH")
    tasks = {t.code: t for t in build_snapshot(store, config).tasks}
    attention = page.inner_text("#project06-attention")
    for code in ("P06_DEATH", "P06_DRIVER", "P06_CHIPCARD"):
        if tasks[code].status in ("overdue", "at_risk"):
            assert config.catalogue.tasks[code].name_vi in attention
    page.wait_for_selector("#project06-trend .legendtext", timeout=20000)  # plotly draws after the table
    legend = page.evaluate(
        "Array.from(document.querySelectorAll('#project06-trend .legendtext')).map(e => e.textContent)"
    )
    assert legend == ["Thực hiện", "Kế hoạch"]
    page.click("#p06-unit-all")
    wait_until(page, "document.querySelectorAll('#project06-tasks tbody tr').length === 7", timeout=20000)
    assert errors == []
    page.close()


@pytest.mark.long
def test_the_iocs_own_use_counts_page_views_and_screens(browser, served):
    base, config, store, _ = served
    for path in ("/", "/co-so-du-lieu", "/co-so-du-lieu"):
        page, _ = open_page(browser, base + path)
        page.wait_for_selector(".page-body .panel", timeout=20000)
        page.close()
    views = store.views_by_page(0)
    assert views["/co-so-du-lieu"] == 2 and views["/"] == 1
    page, errors = open_page(browser, base + "/hieu-qua")
    page.wait_for_selector("#use-views", timeout=20000)
    assert int(page.inner_text("#use-views .tile-value").replace(".", "")) >= 4
    assert page.inner_text("#use-screens .tile-value") == "0/2"  # no wall screen has reported
    assert page.inner_text("#use-fresh .tile-value") == "11/12"  # BTXH stopped delivering
    assert errors == []
    page.close()


@pytest.mark.long
def test_the_period_is_a_filter_in_the_url(browser, served):
    base, config, store, _ = served
    current = build_snapshot(store, config)
    earlier = current.weeks[-2]
    label = build_snapshot(store, config, week=earlier).week_label
    page, errors = open_page(browser, base + "/hieu-qua")
    page.wait_for_selector("#effectiveness-units", timeout=20000)
    page.click(f"#week-{label}")
    wait_until(page, f"(document.querySelector('#week-label') || {{}}).innerText === 'Tuần {label}'", timeout=20000)
    assert page.evaluate("window.location.search") == f"?week={label}"
    chosen = build_snapshot(store, config, week=earlier)
    on_time = next(i for i in chosen.indicators if i.code == "on_time_rate")
    assert page.inner_text("#tile-on_time_rate .tile-value") == fmt.percent(on_time.ministry.value, 1)
    page.goto(base + f"/de-an-06?unit=KCB&week={label}")
    page.wait_for_selector("#project06-tasks", timeout=20000)
    assert page.inner_text("#week-label") == f"Tuần {label}"
    assert page.locator("#project06-tasks tbody tr").count() == 3  # both filters hold
    assert errors == []
    page.close()


def test_unit_database_and_period_filters_travel_together_and_into_downloads(browser, served):
    base, config, store, _ = served
    earlier = build_snapshot(store, config).weeks[-2]
    chosen = build_snapshot(store, config, week=earlier)
    label = chosen.week_label
    owned = [d for d in chosen.databases if d.owner == "KCB"]
    page, errors = open_page(browser, base + f"/co-so-du-lieu?unit=KCB&week={label}")
    page.wait_for_selector("#databases-grid", timeout=20000)
    assert page.locator("#databases-grid tbody tr").count() == len(owned) > 0
    assert page.get_attribute("#csv-co-so-du-lieu", "href") == f"/tai-ve/co-so-du-lieu.csv?unit=KCB&week={label}"
    page.click("#db-unit-all")  # dropping the unit keeps the week
    wait_until(page, "document.querySelectorAll('#databases-grid tbody tr').length === 12", timeout=20000)
    assert page.evaluate("window.location.search") == f"?week={label}"
    first = owned[0]
    page.click(f"#db-{first.code}")
    page.wait_for_selector("#database-formula", timeout=20000)
    assert page.evaluate("window.location.search") == f"?db={first.code}&week={label}"
    assert page.inner_text("#week-label") == f"Tuần {label}"
    assert page.inner_text("#database-formula").endswith(f"= {fmt.number(first.score, 1)}")
    assert errors == []
    page.close()


def test_a_province_in_the_url_narrows_the_figures_and_the_provinces_are_compared(browser, served):
    base, config, store, _ = served
    page, errors = open_page(browser, base + "/?tinh=79")
    page.wait_for_selector("#province-picker", timeout=20000)
    province = build_snapshot(store, config, province="79")
    ministry = build_snapshot(store, config)
    assert None is not province.effectiveness.value != ministry.effectiveness.value
    assert page.inner_text("#tile-effectiveness .tile-value") == fmt.number(province.effectiveness.value, 1)
    assert "Thành phố Hồ Chí Minh" in page.inner_text("#province-picker summary")
    complete = sum(d.complete for d in ministry.databases)  # the databases are national
    assert page.inner_text("#tile-databases .tile-value") == f"{complete}/12"
    page.click("#province-picker summary")
    page.click("#province-01")
    page.wait_for_url("**/?tinh=01", timeout=10000)
    hanoi = build_snapshot(store, config, province="01")
    expected = fmt.number(hanoi.effectiveness.value, 1)
    wait_until(page, f"(document.querySelector('#tile-effectiveness .tile-value') || {{}}).innerText === '{expected}'")
    page.goto(base + "/?tinh=99")
    page.wait_for_selector("#province-notice", timeout=20000)
    assert "'99'" in page.inner_text("#province-notice")
    assert page.inner_text("#tile-effectiveness .tile-value") == fmt.number(ministry.effectiveness.value, 1)
    page.goto(base + "/hieu-qua?ind=on_time_rate")
    page.wait_for_selector("#effectiveness-provinces .barlayer .point", timeout=20000)
    bars = page.locator("#effectiveness-provinces .barlayer .point").count()
    assert bars == len([v for v in ministry.by_province["on_time_rate"].values() if v is not None]) == 34
    assert errors == []
    page.close()


def test_the_lineage_of_a_figure_rolled_up_from_provinces_opens_one_provinces_series(browser, served):
    base, config, store, _ = served
    page, errors = open_page(browser, base + "/nguon-goc?metric=tthc_received&unit=KCB")
    page.wait_for_selector("#lineage-note", timeout=20000)
    assert "chọn một tỉnh" in page.inner_text("#lineage-note")
    page.click("#province-picker summary")
    page.click("#province-79")
    page.wait_for_selector("#lineage-samples", timeout=20000)
    assert "Thành phố Hồ Chí Minh" in page.inner_text("#lineage-title")
    with store.engine.connect() as connection:
        newest = connection.execute(
            text(
                "SELECT s.value FROM samples s JOIN series r ON r.id = s.series_id WHERE r.metric = 'tthc_received' "
                "AND r.unit = 'KCB' AND r.labels = 'tinh=79' ORDER BY s.ts DESC LIMIT 1"
            )
        ).scalar_one()
    assert page.inner_text("#lineage-value").startswith(fmt.number(newest, 0))
    assert errors == []
    page.close()
