"""report_files: every office file read as its sender meant, or refused with the cell and the reason.

The files in office_files/ were saved by LibreOffice 7.4 (headless) from a workbook with an
instruction sheet first (holding a worked example) and the data sheet "Số liệu"."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from base.i18n import language
from data_sources.base import SourceError
from data_sources.report_files import Limits, read_report

FILES = Path(__file__).parent / "office_files"
LOCAL = dt.timezone(dt.timedelta(hours=7))
NOV_20 = dt.datetime(2026, 11, 20, tzinfo=LOCAL)


def read(config, name: str, content: bytes, **limits):
    return read_report(name, content, config.catalogue, "KCB", Limits(**limits))


def figures(reading) -> dict[str, object]:
    """metric → value, or the refusal worded in Vietnamese."""
    with language("vi"):
        return {r.metric: (r.value.text() if hasattr(r.value, "text") else r.value) for r in reading.records}


def workbook(rows: list[list], sheet: str = "Số liệu", formats: dict[str, str] | None = None, before=None) -> bytes:
    book = openpyxl.Workbook()
    first = book.active
    if before:
        first.title = before[0]
        for row in before[1]:
            first.append(row)
        data = book.create_sheet(sheet)
    else:
        data = first
        data.title = sheet
    for row in rows:
        data.append(row)
    for address, number_format in (formats or {}).items():
        data[address].number_format = number_format
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("name", ["libreoffice_report.ods", "libreoffice_report.xls"])
def test_libreoffice_files_are_read_from_the_data_sheet_not_the_instructions(default_config, name):
    reading = read(default_config, name, (FILES / name).read_bytes())
    assert reading.problem is None and reading.sheet == "Số liệu"
    # 120 is a formula LibreOffice calculated; the instruction sheet's example (999) is not read
    assert figures(reading) == {"tthc_received": 120.0, "db_score_dung": 97.5, "db_score_du": 88.25}
    assert {r.ts for r in reading.records} == {NOV_20}


def test_a_percentage_cell_is_the_number_it_shows(default_config):
    content = workbook(
        [["Ngày", "Mã CSDL", "Mã chỉ số", "Giá trị"], ["20/11/2026", "KCB", "db_score_du", 0.986]],
        formats={"D2": "0.0%"},
    )
    assert figures(read(default_config, "p.xlsx", content)) == {"db_score_du": 98.6}
    saved_by_libreoffice = (FILES / "libreoffice_percent.xlsx").read_bytes()
    assert figures(read(default_config, "p.xlsx", saved_by_libreoffice))["db_score_du"] == 98.6


def test_a_percentage_for_a_count_is_refused_with_its_cell(default_config):
    content = workbook([["Ngày", "Mã chỉ số", "Giá trị"], ["20/11/2026", "tthc_received", 0.5]], formats={"C2": "0%"})
    assert figures(read(default_config, "c.xlsx", content)) == {
        "tthc_received": "ô C2 hiển thị phần trăm (50,00%) nhưng chỉ số này là số đếm"
    }
    typed = "Ngày;Mã chỉ số;Giá trị\n20/11/2026;tthc_received;50 %\n".encode()
    assert figures(read(default_config, "c.csv", typed)) == {
        "tthc_received": "ô C2 hiển thị phần trăm (50 %) nhưng chỉ số này là số đếm"
    }


def test_an_xls_percentage_is_read_by_its_number_format(default_config):
    values = figures(read(default_config, "p.xls", (FILES / "libreoffice_percent.xls").read_bytes()))
    assert values == {"tthc_received": 120.0, "db_score_dung": 97.5, "db_score_du": 98.6}


@pytest.mark.parametrize("name", ["libreoffice_percent.ods"])
def test_where_the_percentage_format_cannot_be_seen_a_fraction_is_refused_not_guessed(default_config, name):
    values = figures(read(default_config, name, (FILES / name).read_bytes()))
    assert values["db_score_dung"] == 97.5 and values["tthc_received"] == 120.0
    assert values["db_score_du"].startswith("ô E6 chứa 0,986: nếu ô hiển thị dạng phần trăm")


def test_a_formula_never_calculated_is_refused_with_its_address_not_taken_as_blank(default_config):
    content = workbook(
        [
            ["Ngày", "Mã chỉ số", "Giá trị"],
            ["20/11/2026", "tthc_received", "=SUM(10,20)"],
            ["=DATE(2026,11,20)", "tthc_resolved", 5],
            ["20/11/2026", "tthc_online", None],
        ]
    )
    reading = read(default_config, "program.xlsx", content)
    values = figures(reading)
    assert values["tthc_received"].startswith("ô C2 chứa công thức =SUM(10,20) nhưng chưa có giá trị tính sẵn")
    assert values["tthc_resolved"].startswith("ô A3 chứa công thức =DATE(2026,11,20)")
    assert reading.blank_rows == [4]  # a truly empty value is still "left blank"


def test_headers_match_exactly_so_look_alike_columns_are_not_read(default_config):
    content = workbook(
        [
            ["Ngày lập báo cáo", "Ngày (dd/mm/yyyy)", "Mã chỉ số", "Giá trị kỳ trước", "Giá trị"],
            ["01/12/2026", "20/11/2026", "tthc_received", 5, 7],
        ]
    )
    reading = read(default_config, "lookalike.xlsx", content)
    assert figures(reading) == {"tthc_received": 7.0} and reading.records[0].ts == NOV_20
    with language("vi"):
        (note,) = [n.text() for n in reading.notes]
    assert note == "các cột không thuộc mẫu, không được đọc: A “Ngày lập báo cáo”, D “Giá trị kỳ trước”"


def test_a_column_given_twice_or_missing_refuses_the_file_saying_which(default_config):
    twice = workbook([["Ngày", "Mã chỉ số", "Giá trị", "Giá trị"], ["20/11/2026", "tthc_received", 1, 2]])
    with language("vi"):
        assert read(default_config, "t.xlsx", twice).problem.text() == (
            "cột “Giá trị” xuất hiện hai lần (C1, D1): không rõ cột nào được dùng"
        )
        missing = workbook([["Ngày", "Mã chỉ số", "Số lượng"], ["20/11/2026", "tthc_received", 1]])
        assert "thiếu các cột: Giá trị" in read(default_config, "m.xlsx", missing).problem.text()


def test_two_unnamed_sheets_with_the_template_are_refused_by_name(default_config):
    content = workbook(
        [["Ngày", "Mã chỉ số", "Giá trị"], ["20/11/2026", "tthc_received", 1]],
        sheet="Tuần 47",
        before=("Tuần 46", [["Ngày", "Mã chỉ số", "Giá trị"], ["13/11/2026", "tthc_received", 2]]),
    )
    with language("vi"):
        assert read(default_config, "two.xlsx", content).problem.text() == (
            "nhiều trang tính có các cột của mẫu (“Tuần 46”, “Tuần 47”): hãy đặt tên trang số liệu là “Số liệu”"
        )


def test_the_same_figure_twice_is_taken_once_when_equal_and_refused_when_not(default_config):
    content = workbook(
        [
            ["Ngày", "Mã chỉ số", "Giá trị"],
            ["20/11/2026", "tthc_received", 100],
            ["20/11/2026", "tthc_resolved", 5],
            ["20/11/2026", "tthc_received", 200],
            ["20/11/2026", "tthc_resolved", 5],
        ]
    )
    reading = read(default_config, "twice.xlsx", content)
    with language("vi"):
        refused = [r.value.text() for r in reading.records if r.metric == "tthc_received"]
        notes = [n.text() for n in reading.notes]
    assert (
        refused == ["các dòng 2, 4 ghi giá trị khác nhau cho cùng chỉ số và ngày (100; 200): không nhận dòng nào"] * 2
    )
    assert [r.value for r in reading.records if r.metric == "tthc_resolved"] == [5.0]
    assert notes == ["dòng 5 lặp lại dòng 3 (cùng chỉ số, cùng giá trị): chỉ nhận một lần"]


def test_excel_unicode_text_and_old_mac_line_endings_are_read(default_config):
    unicode_text = "Ngày\tMã chỉ số\tGiá trị\r\n20/11/2026\ttthc_received\t1.234\r\n".encode("utf-16")
    assert figures(read(default_config, "unicode.txt", unicode_text)) == {"tthc_received": 1234.0}
    carriage_returns = "Ngày;Mã chỉ số;Giá trị\r20/11/2026;tthc_received;98\r".encode()
    assert figures(read(default_config, "mac.csv", carriage_returns)) == {"tthc_received": 98.0}


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"<html><body><table><tr><td>Ngay</td></tr></table></body></html>", "tệp là trang web (HTML)"),
        (b"%PDF-1.7 ...", "tệp là PDF"),
        (b"", "tệp rỗng"),
        (b"PK\x03\x04 half of a copied workbook", "tệp bị cắt cụt hoặc hỏng"),
        (b"\x00\x01\x02binary" * 10, "không phải bảng tính IOC đọc được"),
    ],
)
def test_files_that_are_not_reports_are_refused_with_what_they_are(default_config, content, reason):
    with language("vi"):
        assert reason in read(default_config, "bao-cao.xls", content).problem.text()


def test_a_workbook_that_expands_past_the_limit_is_refused_before_it_is_inflated(default_config):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", " " * 5_000_000)
    assert len(buffer.getvalue()) < 50_000
    reading = read(default_config, "bomb.xlsx", buffer.getvalue(), max_expanded_bytes=1_000_000)
    with language("vi"):
        assert (
            reading.problem.text() == "bảng tính khi giải nén lên tới 5.000.011 byte, vượt giới hạn 1.000.000: không mở"
        )


def test_the_row_limit_is_reported(default_config):
    rows = [["Ngày", "Mã chỉ số", "Giá trị"]] + [["20/11/2026", "tthc_received", i] for i in range(6)]
    content = "\n".join(";".join(map(str, row)) for row in rows).encode()
    with language("vi"):
        assert read(default_config, "big.csv", content, max_rows=5).problem.text() == (
            "tệp có hơn 5 dòng số liệu (giới hạn của nguồn này)"
        )


def test_headers_typed_without_tone_marks_are_the_templates(default_config):
    content = b"NGAY;Ma chi so;Gia tri (ho so)\n20/11/2026;tthc_received;15\n"
    assert figures(read(default_config, "khong-dau.csv", content)) == {"tthc_received": 15.0}


def test_rows_that_are_not_the_senders_figures_are_refused_saying_why(default_config):
    content = workbook(
        [
            ["Ngày", "Mã đơn vị", "Mã CSDL", "Mã chỉ số", "Giá trị"],
            ["20/11/2026", "QLD", "", "tthc_received", 5],
            ["20/11/2026", "", "TIEMCHUNG", "db_score_du", 90],
            ["", "", "", "", 95],
            ["Ngày", "Mã đơn vị", "Mã CSDL", "Mã chỉ số", "Giá trị"],
            ["20/11/2026", "KCB", "KCB", "db_score_du", 91],
        ]
    )
    reading = read(default_config, "mixed.xlsx", content)
    with language("vi"):
        refused = [r.value.text() for r in reading.records if not isinstance(r.value, float)]
        notes = [n.text() for n in reading.notes]
    assert refused == [
        "dòng ghi cho đơn vị QLD, nhưng đây là báo cáo của KCB: không nhận",
        "CSDL TIEMCHUNG thuộc PB, không thuộc KCB: không nhận",
        "dòng có giá trị nhưng không có mã chỉ số (dòng tổng hay ghi chú?): không nhận",
    ]
    assert notes == ["dòng 5 lặp lại dòng tiêu đề; bỏ qua"]
    assert [(r.metric, r.database, r.value) for r in reading.records if isinstance(r.value, float)] == [
        ("db_score_du", "KCB", 91.0)
    ]


def repeated_rows_ods(rows: int, columns: int) -> bytes:
    """A 1.4 kB .ods whose one row of values is repeated: it expands only when read."""
    table = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        f'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="{table}">'
        '<office:body><office:spreadsheet><table:table table:name="Số liệu">'
        f'<table:table-row table:number-rows-repeated="{rows}"><table:table-cell '
        f'table:number-columns-repeated="{columns}" office:value-type="float" office:value="1"/></table:table-row>'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
        archive.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry '
            'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>",
        )
    return buffer.getvalue()


def test_a_workbook_that_repeats_a_row_a_million_times_is_refused_without_reading_it(default_config):
    with language("vi"):
        problem = read(default_config, "lap.ods", repeated_rows_ods(1_000_000, 20)).problem.text()
    assert problem == "bảng tính trải trên hơn 5.000.000 ô: không đọc"


def test_a_workbook_needing_more_memory_than_the_ceiling_costs_only_a_child_process(default_config):
    from data_sources.isolated_reader import read_sheets

    with pytest.raises(SourceError) as refused:  # the cell count set out of the way: the ceiling acts
        read_sheets(repeated_rows_ods(1_000_000, 20), "ods", max_cells=10**9, timeout=60)
    with language("vi"):
        assert refused.value.problem.text() == "việc đọc bảng tính cần hơn 2.048 MB bộ nhớ: không đọc"


def test_a_note_on_two_lines_in_a_csv_stays_in_its_row(default_config):
    content = (
        'Ngày;Mã chỉ số;Giá trị;Ghi chú\r\n20/11/2026;tthc_received;12;"dòng một\r\ndòng hai"\r\n'
        "20/11/2026;tthc_resolved;9;\r\n"
    ).encode()
    reading = read(default_config, "ghi-chu.csv", content)
    assert figures(reading) == {"tthc_received": 12.0, "tthc_resolved": 9.0}
    assert [r.origin.rsplit(" · ", 1)[-1] for r in reading.records] == ["2", "3"]  # rows as Excel numbers them


@pytest.mark.parametrize("name", ["libreoffice_errors.xls", "libreoffice_errors.ods", "libreoffice_errors.xlsx"])
def test_a_cell_showing_an_error_is_refused_not_taken_as_blank(default_config, name):
    """=1/0 and =NA() saved by LibreOffice: python-calamine gives such cells as empty."""
    values = figures(read(default_config, name, (FILES / name).read_bytes()))
    assert values["tthc_received"] == "ô C2 đang báo lỗi #DIV/0!"
    assert values["tthc_resolved"] == "ô C3 đang báo lỗi #N/A"
