"""The PDF read back as a reader gets it: pdftotext for the words and numbers, pdfinfo for
pages and paper, pdffonts for embedding."""

from __future__ import annotations

import re
import time

import pytest

from base import formatting as fmt
from base.localtime import iso_week_label, week_start
from briefings.charts import ChartError
from briefings.content import build_briefing
from briefings.pdf import render_pdf
from briefings.settings import Document
from tests.briefings.conftest import BUILT_AT, last_week, pdf_fonts, pdf_info, pdf_pages, pdf_text, raw_ratio
from tests.conftest import vietnamese


@pytest.fixture(scope="module")
def ministry(filled):
    config, store = filled
    briefing = build_briefing(store, config, last_week(), "", "vi")
    return briefing, render_pdf(briefing, Document(), BUILT_AT)


def test_every_page_is_a4_numbered_and_carries_the_week_and_data_time(ministry, tmp_path):
    briefing, pdf = ministry
    pages = pdf_pages(pdf, tmp_path)
    assert pages >= 3
    assert "595.276 x 841.89 pts (A4)" in pdf_info(pdf, tmp_path)
    texts = pdf_text(pdf, tmp_path).split("\f")[:pages]
    until = fmt.when(briefing.data_until)
    assert until.startswith("23:59 ")  # a past week: its Sunday evening
    for number, page in enumerate(texts, start=1):
        assert f"Trang {number}/{pages}" in page
        assert f"Tuần {briefing.week_label} · dữ liệu đến {until}" in page
        assert "BỘ Y TẾ · TRUNG TÂM ĐIỀU HÀNH THÔNG MINH" in page


def test_the_vietnamese_text_reads_back_exactly_with_every_section(ministry, tmp_path):
    briefing, pdf = ministry
    text = pdf_text(pdf, tmp_path)
    label = iso_week_label(last_week())
    assert f"BẢN TIN ĐIỀU HÀNH TUẦN {label}" in text and "Toàn Bộ Y tế" in text
    for heading in (
        "1. Chỉ tiêu chính",
        "2. Nhận định",
        "3. Nhiệm vụ Đề án 06",
        "4. 12 cơ sở dữ liệu chuyên ngành",
        "5. Chỉ số hiệu quả phục vụ theo đơn vị",
        "6. Chất lượng dữ liệu",
        "7. Chỉ đạo của Lãnh đạo Bộ",
    ):
        assert heading in text
    assert "Không có chỉ đạo nào đang mở." in text
    assert "Lập lúc 13:00 24/11/2026 · phiên bản dữ liệu" in text
    flat = " ".join(text.split())  # sentences wrap across lines
    for sentence in briefing.narrative:
        assert " ".join(sentence.split()) in flat
    assert "demo-btxh (BTXH)" in flat and "Liên thông giấy chứng sinh điện tử" in flat


def test_headline_figures_are_the_stores_figures(ministry, filled, tmp_path):
    config, store = filled
    briefing, pdf = ministry
    layout = pdf_text(pdf, tmp_path, layout=True)
    on_time = raw_ratio(store, "tthc_resolved_on_time", "tthc_resolved", last_week())
    row = next(line for line in layout.splitlines() if line.strip().startswith("Tỷ lệ hồ sơ giải quyết đúng hạn"))
    assert f"{fmt.percent(on_time, 1)} (*)" in row and "95%" in row
    headline = next(h for h in briefing.headlines if h.label == "Tỷ lệ hồ sơ giải quyết đúng hạn")
    before = raw_ratio(store, "tthc_resolved_on_time", "tthc_resolved", last_week() - 7 * 86400)
    assert headline.change == pytest.approx(on_time - before)
    assert fmt.signed(on_time - before, 1).replace("−", "-") in row
    kcb = raw_ratio(store, "tthc_resolved_on_time", "tthc_resolved", last_week(), "KCB")
    section5 = layout.split("5. Chỉ số hiệu quả phục vụ theo đơn vị")[1]
    unit_row = next(line for line in section5.splitlines() if line.strip().startswith("KCB (*)"))
    assert fmt.number(kcb, 1) == unit_row.split()[2]


def test_every_number_in_the_narrative_is_printed_in_the_tables(ministry, tmp_path):
    briefing, pdf = ministry
    text = pdf_text(pdf, tmp_path)
    tables = text.split("2. Nhận định")[0] + text.split("3. Nhiệm vụ Đề án 06")[1]
    numbers = re.findall(r"\d+(?:[.,]\d+)*", " ".join(s for s in briefing.narrative if "nguồn dữ liệu ngừng" not in s))
    label_numbers = {"2026", "06", "766", "0", "12"} | set(re.findall(r"\d+", briefing.week_label))
    for number in numbers:
        if number in label_numbers or re.fullmatch(r"\d{2}/\d{2}/\d{4}", number):
            continue
        assert number in tables, number


def test_fonts_are_embedded_and_stacked_vietnamese_marks_survive(filled, tmp_path):
    config, store = filled
    briefing = build_briefing(store, config, last_week(), "", "vi")
    import dataclasses

    decomposed = "Phòng Đặc nhiệm: ặ ẵ ỡ ự".encode().decode()
    import unicodedata

    odd = dataclasses.replace(briefing, scope_name=unicodedata.normalize("NFD", decomposed))
    pdf = render_pdf(odd, Document(), BUILT_AT)
    fonts = pdf_fonts(pdf, tmp_path)
    assert fonts and all(row[-5] == "yes" for row in fonts)  # the emb column
    assert {row[0].split("+")[-1] for row in fonts} == {"NotoSans-Regular", "NotoSans-Bold"}
    text = pdf_text(pdf, tmp_path)
    assert unicodedata.normalize("NFC", decomposed) in text
    assert unicodedata.normalize("NFD", decomposed) not in text


def test_a_chart_that_cannot_render_stops_the_build(filled, monkeypatch):
    config, store = filled
    briefing = build_briefing(store, config, last_week(), "", "vi")
    import dataclasses

    broken = dataclasses.replace(briefing, trend=[("2026-W01", float("nan"))])
    with pytest.raises(ChartError):
        render_pdf(broken, Document(), BUILT_AT)


def test_the_same_data_and_build_time_give_the_same_bytes_and_only_the_build_time_differs(filled, tmp_path):
    config, store = filled
    first = render_pdf(build_briefing(store, config, last_week(), "", "vi"), Document(), BUILT_AT)
    again = render_pdf(build_briefing(store, config, last_week(), "", "vi"), Document(), BUILT_AT)
    assert first == again
    later = render_pdf(build_briefing(store, config, last_week(), "", "vi"), Document(), BUILT_AT + 3600)
    differing = [
        (a, b)
        for a, b in zip(pdf_text(first, tmp_path).splitlines(), pdf_text(later, tmp_path).splitlines(), strict=True)
        if a != b
    ]
    assert differing == [
        (
            "Lập lúc 13:00 24/11/2026 · phiên bản dữ liệu " + first_version(first, tmp_path),
            "Lập lúc 14:00 24/11/2026 · phiên bản dữ liệu " + first_version(first, tmp_path),
        )
    ]


def first_version(pdf: bytes, tmp_path) -> str:
    return re.search(r"phiên bản dữ liệu (\S+)", pdf_text(pdf, tmp_path)).group(1)


def test_the_english_edition_of_a_unit(filled, tmp_path):
    config, store = filled
    briefing = build_briefing(store, config, last_week(), "BMTE", "en")
    text = pdf_text(render_pdf(briefing, Document(), BUILT_AT), tmp_path)
    assert f"WEEKLY OPERATIONS BRIEFING {briefing.week_label}" in text
    assert config.catalogue.units["BMTE"].name("en") in text
    assert "Electronic birth certificates" in text and "KCB (*)" not in text  # only its own tasks and rows
    assert "Page 1/" in text and "2. Summary" in text
    letterhead = f"{Document().agency_parent} · {Document().agency}"  # the agency's name, as the settings write it
    assert not vietnamese(text.replace(letterhead, ""))


def test_the_current_week_lists_this_weeks_quarantined_records(filled, tmp_path):
    config, store = filled
    briefing = build_briefing(store, config, week_start(time.time()), "", "vi")
    held = {q.source_id: q.count for q in briefing.quarantined}
    assert held.get("demo-qld", 0) >= 1
    text = " ".join(pdf_text(render_pdf(briefing, Document(), BUILT_AT), tmp_path).split())
    assert f"Trong tuần có {sum(held.values())} bản ghi bị cách ly" in text
