"""A department head sends the unit's report from the unit page: read at once by the unit's
watched folder's own source, its report shown; their own unit only; bounded in size and
checked as what it claims to be."""

from __future__ import annotations

import base64
import io
import zipfile

import pytest

from dashboards.webapp import create_app
from data_sources.spreadsheet import SpreadsheetOptions
from data_sources.spreadsheet_template import build_template
from metrics import audit
from metrics.settings import SourceConfig
from tests.accounts import sign_in
from tests.conftest import demo_source, served_in_thread, with_sources
from tests.dashboards.conftest import SERVED, open_page
from tests.data_sources.test_spreadsheet import fill_template, quarantined, stored

ORIGIN = {"Origin": "http://localhost"}


def report_source(unit: str) -> SourceConfig:
    """The unit's watched folder, as a deployment configures it (files settle 60 s there)."""
    return SourceConfig(
        id=f"bao-cao-{unit.lower()}",
        kind="spreadsheet",
        interval_seconds=300,
        timeout_seconds=60,
        look_back_days=30,
        options=SpreadsheetOptions(unit=unit),
    )


@pytest.fixture
def app(default_config, sqlite_store, tmp_path):
    config = with_sources(default_config, report_source("KCB"), demo_source(default_config, "QLD"), data_dir=tmp_path)
    return create_app(config, sqlite_store), config, sqlite_store


def filled(config) -> bytes:
    codes = list(config.catalogue.metrics)[:3]
    return fill_template(build_template(config.catalogue, "KCB"), {code: 40 + i for i, code in enumerate(codes)})


def send(client, unit: str, name: str, content: bytes):
    body = {
        "output": "upload-result.children",
        "outputs": {"id": "upload-result", "property": "children"},
        "inputs": [
            {
                "id": "upload-report",
                "property": "contents",
                "value": "data:application/octet-stream;base64," + base64.b64encode(content).decode(),
            }
        ],
        "state": [
            {"id": "upload-report", "property": "filename", "value": name},
            {"id": "upload-target", "property": "data", "value": {"unit": unit}},
        ],
        "changedPropIds": ["upload-report.contents"],
    }
    answer = client.post("/_dash-update-component", json=body, headers=ORIGIN)
    return answer.status_code, (answer.get_json() or {}).get("response", {}).get("upload-result", {}).get("children")


def test_a_unit_head_sends_the_units_report_and_reads_its_report_at_once(app):
    dash_app, config, store = app
    client = sign_in(dash_app.server.test_client(), store, config, "department_head", "KCB")
    report = filled(config)
    status, said = send(client, "KCB", "tuan 48.xlsx", report)
    assert status == 200
    assert "Kết quả: ĐÃ NHẬN" in said and "Đã nhận: 3" in said, said
    assert len(stored(store)) == 3 and quarantined(store) == []
    assert [e["outcome"] for e in audit.entries(store) if e["action"] == "upload"] == ["done"]
    status, said = send(client, "KCB", "tuan 48 (2).xlsx", report)  # the same file again
    assert "BỊ TỪ CHỐI" in said and "đã nhận" in said.lower(), said


def test_another_units_report_is_refused_whatever_the_page_sent(app):
    dash_app, config, store = app
    client = sign_in(dash_app.server.test_client(), store, config, "department_head", "QLD")
    status, said = send(client, "KCB", "tuan48.xlsx", filled(config))
    assert status == 200 and said.startswith("Bị từ chối: Bạn chỉ được thao tác cho đơn vị của mình"), said
    assert stored(store) == {}
    leadership = sign_in(dash_app.server.test_client(), store, config, "leadership")
    assert send(leadership, "KCB", "tuan48.xlsx", filled(config))[0] == 403  # reading is not acting
    assert [e["outcome"] for e in audit.entries(store) if e["action"] in ("upload", "access")] == ["refused", "refused"]


def ods_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("tuan48.xlsx", ods_bytes(), "không đúng như tên của nó"),
        ("tuan48.xlsx", b"<html><script>alert(1)</script></html>", "trang web (HTML)"),
        ("tuan48.xlsx", b"%PDF-1.7\n...", "PDF"),
        ("tuan48.exe", b"MZ\x90\x00", "không phải tệp báo cáo"),
        ("../../etc/passwd.csv", b"", "rỗng"),
    ],
    # Named, not shown: the .ods bytes hold the time they were zipped, and xdist refuses workers
    # that collected different ids.
    ids=["ods-named-xlsx", "html", "pdf", "exe", "path-and-empty"],
)
def test_a_file_that_is_not_what_it_claims_is_refused_and_nothing_is_kept(app, name, content, reason):
    dash_app, config, store = app
    client = sign_in(dash_app.server.test_client(), store, config, "focal_point")
    status, said = send(client, "KCB", name, content)
    assert status == 200 and said.startswith("Bị từ chối") and reason in said, said
    assert stored(store) == {}
    folder = config.data_dir / "drop" / "bao-cao-kcb"
    assert not folder.exists() or [p.name for p in folder.rglob("*") if p.is_file()] == []


def test_an_oversized_upload_is_refused_before_it_is_read(app):
    dash_app, config, store = app
    client = sign_in(dash_app.server.test_client(), store, config, "focal_point")
    status, said = send(client, "KCB", "big.csv", b"a" * 10_000_001)
    assert status == 200 and "lớn hơn giới hạn" in said, said
    huge = client.post(
        "/_dash-update-component", data=b"x" * (17 * 1024 * 1024), headers=ORIGIN, content_type="application/json"
    )
    assert huge.status_code == 413


def test_a_unit_without_a_watched_folder_says_so(app):
    dash_app, config, store = app
    client = sign_in(dash_app.server.test_client(), store, config, "department_head", "QLD")
    status, said = send(client, "QLD", "tuan48.xlsx", filled(config))
    assert "không gửi báo cáo bảng tính" in said, said


def test_uploading_in_a_browser(browser, default_config, history_store, tmp_path):
    config = with_sources(default_config, report_source("KCB"), data_dir=tmp_path)
    store = history_store
    with_folder = config
    with served_in_thread(create_app(with_folder, store).server) as own:
        SERVED[own] = (store, with_folder)
        try:
            page, errors = open_page(browser, own + "/don-vi?unit=KCB", role="department_head", unit="KCB")
            page.wait_for_selector("#upload-report", timeout=20000)
            report = tmp_path / "bao-cao-tuan-48.xlsx"
            report.write_bytes(filled(config))
            page.set_input_files("#upload-report input[type=file]", str(report))
            page.wait_for_selector("#upload-result:has-text('Đã nhận: 3')", timeout=30000)
            assert "Kết quả: ĐÃ NHẬN" in page.inner_text("#upload-result")
            assert errors == []
            page.close()
        finally:
            SERVED.pop(own, None)


def test_the_example_configuration_has_a_unit_that_reports_by_spreadsheet(sqlite_store, tmp_path):
    """config/examples/settings.toml (README: Uploads): KHCN's head sends its report from its page."""
    import dataclasses

    from metrics.settings import load_config
    from tests.conftest import REPO

    config = dataclasses.replace(load_config(REPO / "config" / "examples" / "settings.toml"), data_dir=tmp_path)
    app = create_app(config, sqlite_store)
    client = sign_in(app.server.test_client(), sqlite_store, config, "department_head", "KHCN")
    codes = [m.code for m, _db in config.catalogue.reported_by("KHCN")][:2]
    content = fill_template(build_template(config.catalogue, "KHCN"), {code: 12 for code in codes})
    status, said = send(client, "KHCN", "bao-cao-tuan.xlsx", content)
    assert status == 200 and "Kết quả: ĐÃ NHẬN" in said, said
    assert (tmp_path / "drop" / "bao-cao-khcn" / "processed").is_dir()
