"""Vietnamese number and date formats."""

from __future__ import annotations

import datetime as dt

from base import formatting as fmt


def test_numbers_use_thousand_dots_and_decimal_commas_in_vietnamese():
    assert fmt.number(1234567) == "1.234.567"
    assert fmt.number(98.64, 1) == "98,6"
    assert fmt.percent(98.6) == "98,6%"
    assert fmt.number(1234567.5, 1, "en") == "1,234,567.5"
    assert fmt.number(None) == "—"


def test_changes_carry_their_sign_and_zero_is_plus_minus():
    assert fmt.signed(2.345, 1) == "+2,3"
    assert fmt.signed(-0.5, 1) == "−0,5"
    assert fmt.signed(-0.01, 1) == "±0,0"


def test_times_are_shown_in_hanoi_time_as_hh_mm_dd_mm_yyyy():
    utc = dt.datetime(2026, 11, 25, 20, 5, tzinfo=dt.UTC).timestamp()
    assert fmt.when(utc) == "03:05 26/11/2026"
    assert fmt.date(dt.date(2026, 1, 1)) == "01/01/2026"


def test_ages_and_durations_read_naturally():
    now = 1_000_000.0
    assert fmt.age(now - 30, now=now) == "30 giây trước"
    assert fmt.age(now - 7200, now=now) == "2 giờ trước"
    assert fmt.age(now - 3 * 86400, "en", now=now) == "3 d ago"
    assert fmt.duration(0.0123) == "12 ms"
    assert fmt.duration(4.25) == "4,2 s" or fmt.duration(4.25) == "4,3 s"
