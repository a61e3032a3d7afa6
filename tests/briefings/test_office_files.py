"""The DOCX (for the ministry office to complete and sign) and the XLSX appendix, read back
with python-docx and openpyxl and checked against the store."""

from __future__ import annotations

import dataclasses
import io

import docx
import openpyxl
import pytest

from base import formatting as fmt
from briefings.content import build_briefing
from briefings.docx_report import render_docx
from briefings.settings import Document
from briefings.xlsx_appendix import render_xlsx
from tests.briefings.conftest import BUILT_AT, last_week, raw_ratio


@pytest.fixture(scope="module")
def briefing(filled):
    config, store = filled
    return build_briefing(store, config, last_week(), "", "vi")


def test_the_docx_is_laid_out_as_a_decree_30_report(briefing):
    document = docx.Document(io.BytesIO(render_docx(briefing, Document(), BUILT_AT)))
    section = document.sections[0]
    millimetres = [
        round(length.mm, 1)
        for length in (
            section.page_width,
            section.page_height,
            section.left_margin,
            section.right_margin,
            section.top_margin,
            section.bottom_margin,
        )
    ]
    assert millimetres == [210.0, 297.0, 30.0, 15.0, 20.0, 20.0]  # A4; the decree's margins
    heading = document.tables[0].rows[0].cells
    agency = [p.text for p in heading[0].paragraphs]
    motto = [p.text for p in heading[1].paragraphs]
    assert agency[0] == "BỘ Y TẾ" and agency[1] == "TRUNG TÂM ĐIỀU HÀNH THÔNG MINH" and agency[-1] == "Số: …/BC-IOC"
    assert motto[0] == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and motto[1] == "Độc lập - Tự do - Hạnh phúc"
    assert motto[-1] == "Hà Nội, ngày 24 tháng 11 năm 2026"  # the build date, as the decree writes it
    assert heading[0].paragraphs[1].runs[0].bold and heading[1].paragraphs[0].runs[0].bold
    texts = [p.text for p in document.paragraphs]
    assert "BÁO CÁO" in texts
    assert f"Tình hình vận hành và tiến độ chuyển đổi số y tế tuần {briefing.week_label} — Toàn Bộ Y tế" in texts
    assert all(f"- {sentence}" in texts for sentence in briefing.narrative)
    signature = document.tables[-1].rows[0].cells
    assert signature[0].paragraphs[0].text == "Nơi nhận:" and signature[1].paragraphs[0].text == "GIÁM ĐỐC"
    assert document.styles["Normal"].font.name == "Times New Roman"


def test_the_docx_tables_hold_the_stores_figures_and_stay_editable(briefing, filled):
    config, store = filled
    document = docx.Document(io.BytesIO(render_docx(briefing, Document(), BUILT_AT)))
    headlines = document.tables[1]
    assert [c.text for c in headlines.rows[0].cells] == [
        "Chỉ tiêu",
        "Tuần này",
        "So với tuần trước",
        "Mục tiêu",
        "So với mục tiêu",
    ]
    row = next(r for r in headlines.rows if r.cells[0].text == "Tỷ lệ hồ sơ giải quyết đúng hạn")
    on_time = raw_ratio(store, "tthc_resolved_on_time", "tthc_resolved", last_week())
    assert row.cells[1].text == f"{fmt.percent(on_time, 1)} (*)" and row.cells[3].text == "95%"
    tasks = document.tables[2]
    assert len(tasks.rows) == 1 + len(config.catalogue.tasks)
    databases = document.tables[3]
    assert [r.cells[0].text.split()[0] for r in databases.rows[1:]] == list(config.catalogue.databases)
    document.tables[1].cell(1, 1).text = "sửa tay"  # a clerk can edit it: python-docx saves it back
    buffer = io.BytesIO()
    document.save(buffer)
    assert docx.Document(io.BytesIO(buffer.getvalue())).tables[1].cell(1, 1).text == "sửa tay"


def test_the_xlsx_appendix_has_a_sheet_per_section_with_numbers_as_numbers(briefing, filled):
    config, store = filled
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(briefing, BUILT_AT)))
    assert book.sheetnames == [
        "Thông tin",
        "1. Chỉ tiêu chính",
        "2. Nhận định",
        "3. Đề án 06",
        "4. 12 CSDL",
        "5. Hiệu quả theo đơn vị",
        "6. Chất lượng dữ liệu",
        "7. Chỉ đạo",
    ]
    headlines = book["1. Chỉ tiêu chính"]
    assert [c.value for c in headlines[1]] == [
        "Chỉ tiêu",
        "Tuần này",
        "So với tuần trước",
        "Mục tiêu",
        "So với mục tiêu",
        "Đơn vị tính",
        "Xác nhận",
    ]
    row = next(r for r in headlines.iter_rows(min_row=2, values_only=True) if r[0] == "Tỷ lệ hồ sơ giải quyết đúng hạn")
    on_time = raw_ratio(store, "tthc_resolved_on_time", "tthc_resolved", last_week())
    assert isinstance(row[1], float) and row[1] == pytest.approx(on_time, abs=1e-4)
    assert row[3] == 95 and row[6] == "Tạm tính"
    units = book["5. Hiệu quả theo đơn vị"]
    kcb = next(r for r in units.iter_rows(min_row=2, values_only=True) if r[0] == "KCB")
    assert kcb[2] == pytest.approx(
        raw_ratio(store, "tthc_resolved_on_time", "tthc_resolved", last_week(), "KCB"), abs=1e-4
    )
    tasks = list(book["3. Đề án 06"].iter_rows(min_row=2, values_only=True))
    assert len(tasks) == len(config.catalogue.tasks) and all(isinstance(r[4], float) for r in tasks)
    info = dict(book["Thông tin"].iter_rows(values_only=True))
    assert info["Phiên bản dữ liệu"] == briefing.data_version and info["Lập lúc"] == "13:00 24/11/2026"
    narrative = [r[0] for r in book["2. Nhận định"].iter_rows(min_row=2, values_only=True)]
    assert narrative == briefing.narrative


def test_office_files_built_twice_at_the_same_time_are_identical(briefing):
    assert render_docx(briefing, Document(), BUILT_AT) == render_docx(briefing, Document(), BUILT_AT)
    assert render_xlsx(briefing, BUILT_AT) == render_xlsx(briefing, BUILT_AT)
    assert render_xlsx(briefing, BUILT_AT) != render_xlsx(briefing, BUILT_AT + 60)


def test_decomposed_text_is_written_composed_in_both_office_files(briefing):
    import dataclasses
    import unicodedata

    name = "Phòng Đặc nhiệm: ặ ẵ ỡ ự"
    odd = dataclasses.replace(briefing, scope_name=unicodedata.normalize("NFD", name))
    document = docx.Document(io.BytesIO(render_docx(odd, Document(), BUILT_AT)))
    texts = "\n".join(p.text for p in document.paragraphs)
    assert unicodedata.normalize("NFC", name) in texts and unicodedata.normalize("NFD", name) not in texts
    info = dict(openpyxl.load_workbook(io.BytesIO(render_xlsx(odd, BUILT_AT)))["Thông tin"].iter_rows(values_only=True))
    assert info["Phạm vi"] == unicodedata.normalize("NFC", name)


def test_text_that_looks_like_a_formula_stays_text_in_every_office_file(briefing, tmp_path):
    formula = '=HYPERLINK("http://evil.example/","bấm")'
    hostile = dataclasses.replace(briefing, directives=[(formula, "<script>alert(1)</script>", "+1+1")])
    sheet = openpyxl.load_workbook(io.BytesIO(render_xlsx(hostile, BUILT_AT)))["7. Chỉ đạo"]
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row if c.value]
    assert [c.value for c in cells] == [formula, "<script>alert(1)</script>", "+1+1"]  # the values as sent
    assert [c.data_type for c in cells] == ["s", "s", "s"] and cells[0].quotePrefix and cells[2].quotePrefix
    document = docx.Document(io.BytesIO(render_docx(hostile, Document(), BUILT_AT)))
    texts = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert formula in texts and "<script>alert(1)</script>" in texts
