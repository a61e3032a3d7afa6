"""spreadsheet: real .xlsx and .csv files dropped in a watched folder."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from base.problems import word
from dashboards.webapp import create_app
from data_sources.spreadsheet import SpreadsheetOptions
from metrics.collection import Collector
from metrics.schema import quarantine, samples, series
from metrics.settings import SourceConfig
from tests.accounts import sign_in
from tests.conftest import with_sources

LOCAL = dt.timezone(dt.timedelta(hours=7))
TODAY = dt.datetime.now(LOCAL).date()
DAY = TODAY.strftime("%d/%m/%Y")


@pytest.fixture
def drop(default_config, sqlite_store, tmp_path):
    """A spreadsheet source for KCB whose folder is <data>/drop/kcb-files; returns (folder, collector)."""
    config = with_sources(
        default_config,
        SourceConfig(
            id="kcb-files",
            kind="spreadsheet",
            interval_seconds=300,
            timeout_seconds=60,
            look_back_days=30,
            options=SpreadsheetOptions(unit="KCB", settle_seconds=0, incomplete_grace_seconds=0),
        ),
        data_dir=tmp_path,
    )
    collector = Collector(config, sqlite_store)
    folder = tmp_path / "drop" / "kcb-files"
    folder.mkdir(parents=True)
    return folder, collector, config


def stored(store) -> dict[tuple[str, str], float]:
    with store.engine.connect() as connection:
        rows = connection.execute(
            select(series.c.metric, series.c.database, samples.c.value).join(
                samples, samples.c.series_id == series.c.id
            )
        ).all()
    return {(r.metric, r.database): r.value for r in rows}


def quarantined(store) -> list[str]:
    with store.engine.connect() as connection:
        return [r.reason for r in connection.execute(select(quarantine.c.reason).order_by(quarantine.c.id))]


def fill_template(content: bytes, values: dict[str, object]) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book["Số liệu"]
    for row in sheet.iter_rows(min_row=5):
        code = row[3].value
        if code in values:
            row[6].value = values[code]
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_downloaded_template_filled_in_is_ingested_and_moved_with_a_report(drop, sqlite_store):
    folder, collector, config = drop
    client = sign_in(create_app(config, sqlite_store).server.test_client(), sqlite_store, config)
    response = client.get("/mau-bao-cao/KCB.xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    template = openpyxl.load_workbook(io.BytesIO(response.data))["Số liệu"]
    assert template["A1"].value.startswith("MẪU BÁO CÁO SỐ LIỆU HẰNG TUẦN — CỤC QUẢN LÝ KHÁM, CHỮA BỆNH")
    assert [c.value for c in template[4]][:7] == [
        "Ngày (dd/mm/yyyy)",
        "Mã đơn vị",
        "Mã CSDL",
        "Mã chỉ số",
        "Tên chỉ số",
        "Đơn vị tính",
        "Giá trị",
    ]
    codes = [row[3].value for row in template.iter_rows(min_row=5)]
    assert "tthc_received" in codes and "death_notice_issued" in codes and "db_score_dung" in codes
    assert "birth_cert_issued" not in codes  # a task of another unit

    (folder / "tuan48.xlsx").write_bytes(
        fill_template(response.data, {"tthc_received": 120, "tthc_resolved": "1.234", "db_score_dung": "97,5"})
    )
    outcome = collector.collect("kcb-files")
    assert outcome.status == "ok" and outcome.rows_written == 3
    assert stored(sqlite_store) == {
        ("tthc_received", ""): 120.0,
        ("tthc_resolved", ""): 1234.0,
        ("db_score_dung", "KCB"): 97.5,
    }
    assert not (folder / "tuan48.xlsx").exists()
    report = (folder / "processed" / "tuan48.xlsx.report.txt").read_text(encoding="utf-8")
    assert "Kết quả: ĐÃ NHẬN" in report and "Đã nhận: 3" in report
    assert f"Bỏ trống giá trị: {len(codes) - 3}" in report  # rows left empty are not reported figures
    assert outcome.rows_rejected == 0 and quarantined(sqlite_store) == []

    assert client.get("/mau-bao-cao/NOPE.xlsx").status_code == 404


def test_the_same_content_is_never_ingested_twice(drop, sqlite_store):
    folder, collector, _ = drop
    content = f"Ngày;Mã chỉ số;Giá trị\n{DAY};tthc_received;10\n".encode()
    (folder / "a.csv").write_bytes(content)
    collector.collect("kcb-files")
    (folder / "a-again.csv").write_bytes(content)
    outcome = collector.collect("kcb-files")
    assert outcome.rows_written == 0
    report = (folder / "rejected" / "a-again.csv.report.txt").read_text(encoding="utf-8")
    assert "BỊ TỪ CHỐI" in report and "trùng với tệp đã nhận trước đây (a.csv" in report


def to_cp1258(text: str) -> bytes:
    """Encode as Vietnamese Windows does: Windows-1258 has the vowels with â ê ô ơ ư ă but puts
    most tone marks after the letter as combining characters."""
    import unicodedata

    out = b""
    for char in text:
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = unicodedata.normalize("NFD", char)
        shapes = "".join(m for m in marks if m in "\u0302\u0306\u031b")  # circumflex, breve, horn stay on the letter
        tones = "".join(m for m in marks if m not in shapes)
        out += unicodedata.normalize("NFC", base + shapes).encode("cp1258") + tones.encode("cp1258")
    return out


def test_vietnamese_csv_in_windows_1258_and_utf8_with_bom(drop, sqlite_store):
    folder, collector, _ = drop
    text = (
        f"Báo cáo của Cục Quản lý Khám, chữa bệnh\n\nNgày;Mã đơn vị;Mã chỉ số;Giá trị;Ghi chú\n"
        f"{DAY};KCB;visits_insured;1.234.567;Số liệu đã đối chiếu\n"
        f"{DAY};KCB;visits_chip_vneid;456.789;Ước tính\n"
    )
    (folder / "cp1258.csv").write_bytes(to_cp1258(text))
    (folder / "bom.csv").write_bytes(
        ("\ufeff" + f'Ngày,Mã chỉ số,Giá trị\n{DAY},tthc_received,"1.234"\n').encode("utf-8")
    )
    outcome = collector.collect("kcb-files")
    assert (outcome.status, outcome.rows_rejected) == ("ok", 0)
    assert stored(sqlite_store) == {
        ("visits_insured", ""): 1234567.0,
        ("visits_chip_vneid", ""): 456789.0,
        ("tthc_received", ""): 1234.0,
    }


def xlsx_with_trouble(path: Path) -> None:
    """A decoy hidden sheet first, a merged title over the header, blank rows, a formula."""
    book = openpyxl.Workbook()
    hidden = book.active
    hidden.title = "Nháp"
    hidden.append(["Ngày", "Mã chỉ số", "Giá trị"])
    hidden.append([DAY, "tthc_received", 999999])
    hidden.sheet_state = "hidden"
    sheet = book.create_sheet("Báo cáo tuần")
    sheet.merge_cells("A1:E1")
    sheet["A1"] = "BÁO CÁO TUẦN — Cục Quản lý Khám, chữa bệnh"
    sheet.merge_cells("A2:B2")
    sheet.append([])
    sheet.append(["Ngày (dd/mm/yyyy)", "Mã đơn vị", "Mã CSDL", "Mã chỉ số", "Giá trị"])
    sheet.append([dt.datetime.combine(TODAY, dt.time()), "KCB", "", "tthc_received", 120])
    sheet.append([])
    sheet.append([None, None, None, None, None])
    sheet.append([DAY, "KCB", "", "tthc_resolved", "=120*2"])
    sheet.append([DAY, "KCB", "KCB", "db_stage", 5])
    book.save(path)
    # openpyxl writes formulas without a cached result; Excel would store one: add it.
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    name = "xl/worksheets/sheet2.xml"
    xml = parts[name].decode()
    xml, count = re.subn(r"<f>120\*2</f>(<v\s*/>|<v></v>)?", "<f>120*2</f><v>240</v>", xml)
    assert count == 1
    parts[name] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, data in parts.items():
            archive.writestr(part, data)


def test_hidden_sheets_merged_titles_blank_rows_and_formulas(drop, sqlite_store):
    folder, collector, _ = drop
    xlsx_with_trouble(folder / "tuan.xlsx")
    outcome = collector.collect("kcb-files")
    assert (outcome.status, outcome.rows_rejected) == ("ok", 0)
    assert stored(sqlite_store) == {
        ("tthc_received", ""): 120.0,
        ("tthc_resolved", ""): 240.0,
        ("db_stage", "KCB"): 5.0,
    }


def test_bad_rows_are_quarantined_with_their_row_and_reason_and_good_rows_kept(drop, sqlite_store):
    folder, collector, _ = drop
    (folder / "mixed.csv").write_text(
        "Ngày;Mã chỉ số;Giá trị\n"
        f"{DAY};tthc_received;50\n"
        f"{DAY};db_score_dung;104,5\n"
        f"{DAY};khong_co;1\n"
        f"32/13/2026;tthc_resolved;3\n"
        f"{DAY};tthc_resolved;abc\n",
        encoding="utf-8",
    )
    outcome = collector.collect("kcb-files")
    assert (outcome.rows_written, outcome.rows_rejected) == (1, 4)
    report = (folder / "processed" / "mixed.csv.report.txt").read_text(encoding="utf-8")
    assert "Bị cách ly: 4" in report
    assert f"dòng 2: tthc_received {DAY} = 50: đã lưu" in report
    assert f"dòng 3: db_score_dung {DAY} = 104,5: bị cách ly: CSDL không có trong danh mục: ''" in report
    assert f"dòng 4: khong_co {DAY} = 1: bị cách ly: chỉ số không có trong danh mục: 'khong_co'" in report
    assert (
        "dòng 5: tthc_resolved ? = —: bị cách ly: ô A5: “32/13/2026” không phải ngày viết theo dạng dd/mm/yyyy"
        in report
    )
    assert f"dòng 6: tthc_resolved {DAY} = —: bị cách ly: giá trị không phải là số: 'abc'" in report
    assert stored(sqlite_store) == {("tthc_received", ""): 50.0}


def test_an_unreadable_file_is_rejected_and_earlier_data_kept(drop, sqlite_store):
    folder, collector, _ = drop
    (folder / "ok.csv").write_text(f"Ngày;Mã chỉ số;Giá trị\n{DAY};tthc_received;7\n", encoding="utf-8")
    collector.collect("kcb-files")
    (folder / "broken.xlsx").write_bytes(b"PK\x03\x04 this is not a workbook")
    (folder / "wrong.csv").write_text("a;b;c\n1;2;3\n", encoding="utf-8")
    outcome = collector.collect("kcb-files")
    assert outcome.status == "ok" and outcome.rows_written == 0
    assert "tệp bị cắt cụt hoặc hỏng" in (folder / "rejected" / "broken.xlsx.report.txt").read_text(encoding="utf-8")
    wrong = (folder / "rejected" / "wrong.csv.report.txt").read_text(encoding="utf-8")
    assert "không trang tính nào có dòng tiêu đề của mẫu; thiếu các cột: Ngày (dd/mm/yyyy), Mã chỉ số, Giá trị" in wrong
    assert stored(sqlite_store) == {("tthc_received", ""): 7.0}


def test_a_file_stays_in_the_folder_when_the_store_cannot_take_it(drop, sqlite_store, monkeypatch):
    folder, collector, _ = drop
    (folder / "late.csv").write_text(f"Ngày;Mã chỉ số;Giá trị\n{DAY};tthc_received;9\n", encoding="utf-8")
    from sqlalchemy.exc import OperationalError

    def store_down(*args, **kwargs):
        raise OperationalError("INSERT", {}, Exception("database is locked"))

    monkeypatch.setattr(sqlite_store, "finish_run", store_down)
    outcome = collector.collect("kcb-files")
    assert outcome.status == "failed" and "kho số liệu không truy cập được" in outcome.error
    assert (folder / "late.csv").exists() and not (folder / "processed").exists()
    monkeypatch.undo()
    assert collector.collect("kcb-files").rows_written == 1
    assert (folder / "processed" / "late.csv").exists()


def test_every_file_ends_processed_or_rejected_with_a_report_and_one_never_stops_another(drop, sqlite_store):
    folder, collector, _ = drop
    (folder / "unicode.txt").write_bytes(f"Ngày\tMã chỉ số\tGiá trị\r\n{DAY}\ttthc_received\t12\r\n".encode("utf-16"))
    (folder / "mac.csv").write_bytes(f"Ngày;Mã chỉ số;Giá trị\r{DAY};tthc_resolved;3\r".encode())
    (folder / "scan.pdf").write_bytes(b"%PDF-1.4 a scanned report")
    (folder / "web.xls").write_bytes(b"<html><table><tr><td>1</td></tr></table></html>")
    (folder / "~$unicode.xlsx").write_bytes(b"owner file Excel keeps while a workbook is open")
    outcome = collector.collect("kcb-files")
    assert outcome.status == "ok"
    assert stored(sqlite_store) == {("tthc_received", ""): 12.0, ("tthc_resolved", ""): 3.0}
    assert sorted(p.name for p in (folder / "processed").iterdir() if p.name != ".ingested") == [
        "mac.csv",
        "mac.csv.report.txt",
        "unicode.txt",
        "unicode.txt.report.txt",
    ]
    assert "tệp là PDF" in (folder / "rejected" / "scan.pdf.report.txt").read_text(encoding="utf-8")
    assert "trang web (HTML)" in (folder / "rejected" / "web.xls.report.txt").read_text(encoding="utf-8")
    assert [p.name for p in folder.iterdir() if p.is_file()] == ["~$unicode.xlsx"]  # never a report


def test_a_file_still_being_copied_waits_until_it_has_settled(drop, sqlite_store):
    import os
    import time

    folder, collector, config = drop
    settling = dataclasses_replace_options(config, collector, settle_seconds=60)
    half = folder / "copying.csv"
    half.write_text(f"Ngày;Mã chỉ số;Giá trị\n{DAY};tthc_received;98", encoding="utf-8")
    assert settling.collect("kcb-files").rows_written == 0
    assert half.exists() and not (folder / "processed").exists()  # not read, not moved
    half.write_text(f"Ngày;Mã chỉ số;Giá trị\n{DAY};tthc_received;98765\n", encoding="utf-8")
    old = time.time() - 120
    os.utime(half, (old, old))
    assert settling.collect("kcb-files").rows_written == 1
    assert stored(sqlite_store) == {("tthc_received", ""): 98765.0}


def dataclasses_replace_options(config, collector, **options):
    """A collector whose kcb-files source has other options."""
    from metrics.collection import Collector

    source = config.source("kcb-files")
    changed = source.model_copy(update={"options": source.options.model_copy(update=options)})
    return Collector(with_sources(config, changed, data_dir=config.data_dir), collector.store)


def test_two_copies_of_one_file_in_a_run_are_taken_once(drop, sqlite_store):
    folder, collector, _ = drop
    content = f"Ngày;Mã chỉ số;Giá trị\n{DAY};tthc_received;10\n".encode()
    (folder / "a.csv").write_bytes(content)
    (folder / "a - Copy.csv").write_bytes(content)
    collector.collect("kcb-files")
    report = (folder / "rejected" / "a.csv.report.txt").read_text(encoding="utf-8")
    assert "cùng nội dung với tệp a - Copy.csv nhận cùng lúc" in report
    assert (folder / "processed" / "a - Copy.csv").exists()


def test_two_files_disagreeing_on_one_figure_are_both_quarantined_naming_them(drop, sqlite_store):
    folder, collector, _ = drop
    (folder / "a.csv").write_text(f"Ngày;Mã CSDL;Mã chỉ số;Giá trị\n{DAY};KCB;db_score_du;88,25\n", encoding="utf-8")
    (folder / "b.csv").write_text(f"Ngày;Mã CSDL;Mã chỉ số;Giá trị\n{DAY};KCB;db_score_du;98,6\n", encoding="utf-8")
    outcome = collector.collect("kcb-files")
    assert (outcome.rows_written, outcome.rows_rejected) == (0, 2)
    report = (folder / "rejected" / "a.csv.report.txt").read_text(encoding="utf-8")
    assert "không khớp nhau (88,25; 98,6; từ a.csv · CSV · 2; b.csv · CSV · 2): không nhận bản ghi nào" in report


def test_a_file_that_cannot_be_moved_keeps_its_figures_and_stops_nothing(drop, sqlite_store, caplog):
    folder, collector, _ = drop
    (folder / "processed").write_text("a file where the folder should be", encoding="utf-8")
    (folder / "a.csv").write_text(f"Ngày;Mã chỉ số;Giá trị\n{DAY};tthc_received;10\n", encoding="utf-8")
    (folder / "b.pdf").write_bytes(b"%PDF-1.4")
    outcome = collector.collect("kcb-files")
    assert outcome.status == "ok" and stored(sqlite_store) == {("tthc_received", ""): 10.0}
    assert (folder / "a.csv").exists() and (folder / "rejected" / "b.pdf.report.txt").exists()
    assert "a.csv: cannot move it or write its report" in caplog.text


def test_a_workbook_cut_short_waits_for_the_rest_of_its_copy(drop, sqlite_store):
    import os
    import time

    folder, collector, config = drop
    patient = dataclasses_replace_options(config, collector, incomplete_grace_seconds=900)
    complete = fill_template_for_kcb({"tthc_received": 98765})
    half = folder / "tuan.xlsx"
    half.write_bytes(complete[: len(complete) // 2])
    assert patient.collect("kcb-files").rows_written == 0
    assert half.exists() and not (folder / "rejected").exists()  # not refused, not moved
    half.write_bytes(complete)  # the copy completes
    settled = time.time() - 120
    os.utime(half, (settled, settled))
    assert patient.collect("kcb-files").rows_written == 1
    assert stored(sqlite_store) == {("tthc_received", ""): 98765.0}


def fill_template_for_kcb(values: dict[str, object]) -> bytes:
    from data_sources.spreadsheet_template import build_template
    from metrics.settings import load_config

    return fill_template(build_template(load_config().catalogue, "KCB"), values)


def test_a_report_per_province_fills_the_province_column_and_each_row_is_its_own_series(drop, sqlite_store):
    folder, collector, config = drop
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Số liệu"
    sheet.append(["Ngày (dd/mm/yyyy)", "Mã đơn vị", "Mã CSDL", "Mã chỉ số", "Giá trị", "Mã tỉnh"])
    sheet.append([DAY, "KCB", None, "tthc_received", 30, "79"])
    sheet.append([DAY, "KCB", None, "tthc_received", 12, 1])  # a number cell: Hà Nội's 01 without its zero
    sheet.append([DAY, "KCB", None, "tthc_received", 5, "Hà Nội"])  # a name, not a code
    buffer = io.BytesIO()
    book.save(buffer)
    (folder / "theo-tinh.xlsx").write_bytes(buffer.getvalue())
    outcome = collector.collect("kcb-files")
    assert (outcome.status, outcome.rows_written, outcome.rows_rejected) == ("ok", 2, 1)
    with sqlite_store.engine.connect() as connection:
        rows = connection.execute(
            select(series.c.labels, samples.c.value).join(samples, samples.c.series_id == series.c.id)
        ).all()
    assert sorted(rows) == [("tinh=01", 12.0), ("tinh=79", 30.0)]
    assert "mã tỉnh không hợp lệ 'Hà Nội'" in word(quarantined(sqlite_store)[0])
    report = (folder / "processed" / "theo-tinh.xlsx.report.txt").read_text(encoding="utf-8")
    assert "dòng 4" in report and "Hà Nội" in report
