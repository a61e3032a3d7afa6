"""Every table downloads as CSV and XLSX with the figures the page shows."""

from __future__ import annotations

import csv
import io
import time
import zipfile

import openpyxl
import pytest
from sqlalchemy import text

from base.localtime import iso_week_label, week_start
from briefings.archive import build_edition
from dashboards.webapp import create_app
from metrics import commands
from metrics.collection import Collector
from metrics.read_models import build_snapshot
from tests.accounts import sign_in
from tests.conftest import demo_source, with_sources


@pytest.fixture
def client(default_config, history_store, tmp_path):
    config = with_sources(
        default_config,
        demo_source(default_config, "KCB"),
        demo_source(default_config, "QLD", bad_record_every=1),
        data_dir=tmp_path,
    )
    Collector(config, history_store).collect_all()
    client = sign_in(create_app(config, history_store).server.test_client(), history_store, config)
    return client, config, history_store


@pytest.mark.parametrize(
    "name",
    [
        "hieu-qua",
        "de-an-06",
        "co-so-du-lieu",
        "nguon-du-lieu",
        "cach-ly",
        "gia-tri-bat-thuong",
        "man-hinh",
        "lan-thu",
        "ban-tin",
        "xac-nhan",
        "lich-su?metric=tthc_received&unit=KCB&database=",
    ],
)
def test_each_table_downloads_as_csv_and_xlsx_with_the_same_rows(client, name):
    http, config, store = client
    store.screen_beat("wall-1", "phong-dieu-hanh", store.data_version(), "10.0.0.8")
    if name == "ban-tin":
        build_edition(store, config, week_start(time.time()) - 7 * 86400, "KCB", "vi")
    if name == "gia-tri-bat-thuong":  # an outlier as the store's detector would flag it
        with store.engine.begin() as connection:
            series_id = connection.execute(
                text("SELECT id FROM series WHERE metric = 'tthc_received' AND unit = 'QLD'")
            ).scalar()
            connection.execute(
                text(
                    "INSERT INTO flags (series_id, ts, value, median, score, run_id, flagged_at, status) "
                    "VALUES (:s, 1795000000, 400, 100, 9.5, 1, 1795000000, 'open')"
                ),
                {"s": series_id},
            )
            connection.execute(text("UPDATE data_version SET version = version + 1"))
    name, _, query = name.partition("?")
    name = f"{name}.csv?{query}" if query else f"{name}.csv"
    as_csv = http.get(f"/tai-ve/{name}")
    assert as_csv.status_code == 200 and as_csv.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(as_csv.data.decode("utf-8-sig"))))
    as_xlsx = http.get(f"/tai-ve/{name.replace('.csv', '.xlsx')}")
    sheet = openpyxl.load_workbook(io.BytesIO(as_xlsx.data)).active
    cells = [[("" if c is None else c) for c in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == cells[0] and len(rows) == len(cells) > 1


def test_the_figures_are_the_read_models_and_numbers_stay_numbers(client):
    http, config, store = client
    snapshot = build_snapshot(store, config)
    sheet = openpyxl.load_workbook(io.BytesIO(http.get("/tai-ve/hieu-qua.xlsx").data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Đơn vị" and rows[0][1] == "Tỷ lệ hồ sơ giải quyết đúng hạn"
    kcb = next(r for r in rows if r[0] == "Cục Quản lý Khám, chữa bệnh")
    on_time = next(i for i in snapshot.indicators if i.code == "on_time_rate")
    assert isinstance(kcb[1], (int, float)) and kcb[1] == pytest.approx(
        on_time.by_unit["KCB"], abs=0.01
    )  # 95.0 reads back as 95
    ministry = rows[-1]
    assert ministry[0] == "Toàn Bộ" and ministry[1] == pytest.approx(on_time.ministry.value, abs=0.01)


@pytest.mark.parametrize("typed", ['=HYPERLINK("http://evil.example/","click")', "+1+1", "-2+3", "@SUM(1,1)", "=1+1"])
def test_text_that_looks_like_a_formula_never_runs_in_a_download(client, typed):
    http, config, store = client
    week = iso_week_label(week_start(time.time()) - 7 * 86400)
    commands.confirm_week(store, config, unit="KCB", week=week, confirmed_by=typed)
    blob = http.get(f"/tai-ve/xac-nhan.xlsx?week={week}").data
    with zipfile.ZipFile(io.BytesIO(blob)) as package:
        sheet_xml = package.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml  # no cell is a formula Excel would run
    rows = list(openpyxl.load_workbook(io.BytesIO(blob)).active.iter_rows())
    kcb = next(r for r in rows if r[1].value == "KCB")
    assert kcb[4].value == typed  # kept exactly as typed: no apostrophe, nothing evaluated
    assert kcb[4].data_type == "s" and kcb[4].quotePrefix  # text, and stays text once edited
    # CSV has no text type: an apostrophe first, the rest as typed (OWASP's advice)
    text = http.get(f"/tai-ve/xac-nhan.csv?week={week}").data.decode("utf-8-sig")
    kcb_csv = next(r for r in csv.reader(io.StringIO(text, newline="")) if r[1] == "KCB")
    assert kcb_csv[4] == "'" + typed


def test_unknown_tables_and_formats_are_404(client):
    http = client[0]
    assert http.get("/tai-ve/khong-co.csv").status_code == 404 and http.get("/tai-ve/hieu-qua.pdf").status_code == 404


def test_a_download_holds_what_the_filtered_page_shows(client):
    http, config, store = client
    current = build_snapshot(store, config)
    last_week = current.weeks[-2]
    label = iso_week_label(last_week)
    response = http.get(f"/tai-ve/co-so-du-lieu.xlsx?unit=KCB&week={label}")
    assert f"co-so-du-lieu-KCB-{label}.xlsx" in response.headers["Content-Disposition"]
    rows = list(openpyxl.load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    owned = [d for d in build_snapshot(store, config, week=last_week).databases if d.owner == "KCB"]
    assert [r[0] for r in rows[1:]] == [d.code for d in owned] and owned
    score_column = rows[0].index("Điểm")
    assert [r[score_column] for r in rows[1:]] == [round(d.score, 2) for d in owned]

    rows = list(csv.reader(io.StringIO(http.get(f"/tai-ve/hieu-qua.csv?week={label}").data.decode("utf-8-sig"))))
    past = build_snapshot(store, config, week=last_week)
    assert rows[-1][-1] == str(round(past.effectiveness.value, 2)) != str(round(current.effectiveness.value, 2))


def test_a_unit_or_a_database_downloads_only_its_own_rows(client):
    http, config, store = client
    rows = list(csv.reader(io.StringIO(http.get("/tai-ve/de-an-06.csv?unit=KCB").data.decode("utf-8-sig"))))
    names = {t.name_vi for t in config.catalogue.tasks.values() if t.owner == "KCB"}
    assert {r[0] for r in rows[1:]} == names and len(names) == 3
    rows = list(csv.reader(io.StringIO(http.get("/tai-ve/co-so-du-lieu.csv?db=TIEMCHUNG").data.decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == ["TIEMCHUNG"]
    rows = list(csv.reader(io.StringIO(http.get("/tai-ve/cach-ly.csv?unit=KCB").data.decode("utf-8-sig"))))
    assert len(rows) == 1  # QLD's quarantined records are not KCB's
    assert len(list(csv.reader(io.StringIO(http.get("/tai-ve/cach-ly.csv?unit=QLD").data.decode("utf-8-sig"))))) > 1


def test_a_runs_note_on_what_it_combined_is_shown_with_the_run(default_config, sqlite_store):
    from base.problems import Problem

    config = with_sources(default_config, demo_source(default_config, "KCB"))
    run = sqlite_store.start_run("demo-kcb", "collect", None, None)
    note = Problem.of("run.combined", added=24, sums=1, superseded=0, repeated=2)
    sqlite_store.finish_run(run, "demo-kcb", "ok", note=note)
    client = sign_in(create_app(config, sqlite_store).server.test_client(), sqlite_store, config)
    csv_text = client.get("/tai-ve/lan-thu.csv").data.decode("utf-8-sig")
    assert (
        "24 phần được cộng thành 1 số liệu, 0 lần đọc được thay bằng lần sau, 2 bản trùng chỉ nhận một lần" in csv_text
    )


def test_a_tab_or_carriage_return_first_is_neutralised_too():
    """(A name typed on the page is stripped of them; a unit system's raw value is not.)"""
    from dashboards.exports import to_csv, to_xlsx
    from dashboards.table import Column, Row, Table

    table = Table("t", [Column("raw", "Raw"), Column("n", "N", "number")], [Row(["\t=1+1", -5]), Row(["\r=2", 3])])
    rows = list(csv.reader(io.StringIO(to_csv(table).decode("utf-8-sig"), newline="")))
    assert rows[1:] == [["'\t=1+1", "-5"], ["'\r=2", "3"]]  # a negative number stays a number
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(table, "t"))).active
    assert [(c.value, c.quotePrefix) for c in sheet["A"][1:]] == [("\t=1+1", True), ("\r=2", True)]
    assert sheet["B2"].value == -5 and sheet["B2"].data_type == "n"
