"""Directives in the store (SQLite and PostgreSQL): their life from given to closed, every step
kept with who and when, what a step needs, and each unit's on-time follow-up."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from sqlalchemy import update

from base import localtime
from metrics import directives
from metrics.refusals import Refused
from metrics.schema import directives as directives_table


def in_days(days: int) -> str:
    return (localtime.local_date(time.time()) + dt.timedelta(days=days)).isoformat()


def give(store, config, unit: str = "KCB", subject: str = "db:KCB", due: int = 7) -> int:
    return directives.create(
        store,
        config.catalogue,
        subject=subject,
        unit=unit,
        text="Rà soát hồ sơ thiếu mã",
        due=in_days(due),
        by="Thứ trưởng",
    )


def test_a_directive_goes_from_given_to_closed_with_every_step_kept(store, default_config):
    version = store.data_version()
    directive_id = give(store, default_config)
    assert store.data_version() > version  # every page shows it at once
    directives.take_step(store, directive_id, "reply", "Trưởng KCB", "Đã rà soát 3.200 hồ sơ")
    directives.take_step(store, directive_id, "done", "Trưởng KCB")
    sent_back = directives.take_step(store, directive_id, "return", "Thứ trưởng", "Còn thiếu 200 hồ sơ")
    assert sent_back.state == "open" and sent_back.done_at is None
    directives.take_step(store, directive_id, "done", "Trưởng KCB")
    closed = directives.take_step(store, directive_id, "close", "Thứ trưởng")
    assert closed.state == "closed" and closed.closed_at is not None and closed.on_time()
    assert [(s.step, s.by) for s in closed.steps] == [
        ("create", "Thứ trưởng"),
        ("reply", "Trưởng KCB"),
        ("done", "Trưởng KCB"),
        ("return", "Thứ trưởng"),
        ("done", "Trưởng KCB"),
        ("close", "Thứ trưởng"),
    ]
    assert [s.text for s in closed.steps][:2] == ["Rà soát hồ sơ thiếu mã", "Đã rà soát 3.200 hồ sơ"]
    assert all(s.at <= time.time() for s in closed.steps)


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"subject": "db:KHONGCO"}, "directive.unknown_subject"),
        ({"subject": "<script>x</script>"}, "directive.unknown_subject"),
        ({"unit": "NOPE"}, "confirm.unknown_unit"),
        ({"text": "   "}, "directive.need_text"),
        ({"text": "x" * 2001}, "directive.text_too_long"),
        ({"due": "31/12/2026"}, "directive.bad_due"),
        ({"due": "2020-01-01"}, "directive.due_out_of_range"),
        ({"due": "2099-01-01"}, "directive.due_out_of_range"),
    ],
)
def test_a_directive_that_cannot_be_carried_out_is_refused(sqlite_store, default_config, changes, code):
    given = {"subject": "task:" + next(iter(default_config.catalogue.tasks)), "unit": "KCB", "text": "Làm ngay"}
    given["due"] = in_days(3)
    with pytest.raises(Refused) as refused:
        directives.create(sqlite_store, default_config.catalogue, **{**given, **changes}, by="Thứ trưởng")
    assert refused.value.problem.code == code
    assert directives.listed(sqlite_store) == []


def test_a_step_its_state_does_not_allow_is_refused(sqlite_store, default_config):
    directive_id = give(sqlite_store, default_config)
    attempts = [
        ("return", "lý do", "directive.wrong_state"),  # only a directive marked done is sent back
        ("reply", "  ", "directive.need_text"),
        ("fly", "", "directive.unknown_step"),
    ]
    for step, text, code in attempts:
        with pytest.raises(Refused) as refused:
            directives.take_step(sqlite_store, directive_id, step, "Ai đó", text)
        assert refused.value.problem.code == code
    directives.take_step(sqlite_store, directive_id, "close", "Thứ trưởng")
    with pytest.raises(Refused):
        directives.take_step(sqlite_store, directive_id, "done", "Trưởng KCB")  # closed is closed
    with pytest.raises(Refused) as refused:
        directives.take_step(sqlite_store, 10**12, "done", "Trưởng KCB")
    assert refused.value.problem.code == "directive.unknown"


def due_moved(store, directive_id: int, days: int) -> None:
    """The directive's due day moved (a directive given weeks ago)."""
    with store.engine.begin() as connection:
        connection.execute(
            update(directives_table).where(directives_table.c.id == directive_id).values(due=in_days(days))
        )


def test_each_units_follow_up_counts_on_time_late_and_overdue(store, default_config):
    on_time = give(store, default_config)
    directives.take_step(store, on_time, "done", "KCB")
    late = give(store, default_config)
    due_moved(store, late, -3)
    directives.take_step(store, late, "done", "KCB")  # done after its due day
    overdue = give(store, default_config)
    due_moved(store, overdue, -1)
    give(store, default_config)  # open, not yet due: not counted
    give(store, default_config, unit="QLD")
    found = directives.listed(store)
    follow = directives.follow_up(found, default_config.catalogue.units, time.time())
    kcb = follow["KCB"]
    assert (kcb.counted, kcb.on_time, kcb.open, kcb.overdue) == (3, 1, 2, 1)
    assert kcb.rate == pytest.approx(100 / 3)
    assert follow["QLD"].rate is None and follow["QLD"].open == 1
    assert follow["BMTE"].counted == 0
