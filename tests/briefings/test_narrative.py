"""The narrative says what rose, what fell and what is overdue, in plain sentences whose
numbers are the headline table's."""

from __future__ import annotations

import dataclasses

import pytest

from briefings.content import build_briefing
from briefings.narrative import narrative
from tests.briefings.conftest import last_week


@pytest.fixture(scope="module")
def briefing(filled):
    config, store = filled
    return build_briefing(store, config, last_week(), "", "vi")


def with_headline(briefing, which: str, **changes):
    headlines = [dataclasses.replace(h, **changes) if h.label == which else h for h in briefing.headlines]
    return dataclasses.replace(briefing, headlines=headlines)


def test_a_fall_is_told_with_the_figure_it_fell_to(briefing):
    fell = with_headline(briefing, "Tỷ lệ thanh toán trực tuyến", value=38.04, change=-2.46)
    sentences = narrative(fell)
    assert "Giảm: tỷ lệ thanh toán trực tuyến giảm 2,5 điểm\u00a0%, còn 38,0%." in sentences
    english = narrative(
        dataclasses.replace(
            with_headline(
                briefing, "Tỷ lệ thanh toán trực tuyến", value=38.04, change=-2.46, label="Online payment rate"
            ),
            lang="en",
        )
    )
    assert "Fell: Online payment rate down 2.5 pp to 38.0%." in english


def test_the_opening_says_unchanged_or_the_direction_of_the_score(briefing):
    label = briefing.headlines[0].label
    assert (
        narrative(with_headline(briefing, label, value=70.0, change=0.01))[0]
        == f"Tuần {briefing.week_label}, chỉ số hiệu quả phục vụ (766) của Toàn Bộ Y tế đạt 70,0 điểm, "
        "không đổi so với tuần trước."
    )
    assert narrative(with_headline(briefing, label, value=70.0, change=-1.26))[0].endswith(
        "đạt 70,0 điểm, giảm 1,3 điểm so với tuần trước."
    )
    assert narrative(with_headline(briefing, label, change=None))[0].endswith(
        "(chưa có số liệu tuần trước để so sánh)."
    )


def test_no_overdue_task_and_no_stale_source_are_said_too(briefing):
    calm = dataclasses.replace(
        briefing, tasks=[dataclasses.replace(t, status="on_track") for t in briefing.tasks], stale_sources=[]
    )
    sentences = narrative(calm)
    assert "Không có nhiệm vụ Đề án 06 nào quá hạn." in sentences
    assert "Tất cả nguồn dữ liệu cập nhật đúng hạn." in sentences
    assert not any(s.startswith("Đề án 06 có") for s in sentences)
