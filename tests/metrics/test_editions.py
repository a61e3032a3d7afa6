"""The store's record of briefings, on SQLite and PostgreSQL: editions append, the newest
failed attempt of a week is owed, deliveries count their attempts, confirming bumps the data
version."""

from __future__ import annotations

from metrics import editions


def test_editions_append_and_the_last_failed_attempt_is_owed(store):
    first = editions.record_edition(
        store,
        week="2026-W47",
        scope="",
        lang="vi",
        status="failed",
        built_at=1.0,
        data_version=3,
        data_until=None,
        error="ChartError: không vẽ được",
        trigger="schedule",
    )
    assert [f["id"] for f in editions.failed_builds(store)] == [first]
    files = {"pdf": {"path": "2026-W47/BO-vi-0123.pdf", "sha256": "ab" * 32, "bytes": 10}}
    second = editions.record_edition(
        store,
        week="2026-W47",
        scope="",
        lang="vi",
        status="built",
        built_at=2.0,
        data_version=4,
        data_until=1.5,
        files=files,
        trigger="retry",
    )
    assert editions.failed_builds(store) == []
    assert editions.edition(store, second)["files"] == files
    assert [e["id"] for e in editions.editions(store)] == [second, first]


def test_a_delivery_counts_attempts_until_sent(store):
    edition = editions.record_edition(
        store, week="2026-W47", scope="KCB", lang="vi", status="built", built_at=1.0, data_version=1, data_until=1.0
    )
    delivery = editions.queue_delivery(store, edition, "a@moh.gov.vn")
    editions.delivery_attempted(store, delivery, False, "ConnectionRefusedError", give_up=False)
    row = editions.deliveries(store, ("pending",))[0]
    assert row["attempts"] == 1 and row["last_error"] == "ConnectionRefusedError"
    assert editions.problems(store)["deliveries"][0]["id"] == delivery
    editions.delivery_attempted(store, delivery, True, None, give_up=False)
    row = editions.deliveries(store)[0]
    assert row["status"] == "sent" and row["attempts"] == 2 and row["sent_at"] and row["last_error"] is None


def test_confirming_keeps_the_figures_and_bumps_the_data_version(store):
    before = store.data_version()
    editions.confirm(store, "2026-W47", "KCB", "Trần Văn Đức", {"indicator:on_time_rate": 91.25})
    editions.confirm(store, "2026-W47", "KCB", "Trần Văn Đức", {"indicator:on_time_rate": 91.5})  # again: replaces
    assert store.data_version() == before + 2
    entry = editions.confirmations_of(store, "2026-W47")["KCB"]
    assert entry["confirmed_by"] == "Trần Văn Đức" and entry["figures"] == {"indicator:on_time_rate": 91.5}
    assert editions.confirmations_of(store, "2026-W46") == {}
