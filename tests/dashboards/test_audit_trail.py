"""What the web app hands out and what people do through it goes into the audit log."""

from __future__ import annotations

import time

import pytest

from base.localtime import iso_week_label, week_start
from dashboards.actions import Actions
from dashboards.webapp import create_app
from metrics import audit
from metrics.commands import Refused
from tests.conftest import demo_source, with_sources


def test_confirmations_builds_and_downloads_are_logged_with_who_and_where(default_config, sqlite_store):
    config = with_sources(default_config, demo_source(default_config, "KCB"))
    app = create_app(config, sqlite_store)
    client = app.server.test_client()
    assert client.get("/tai-ve/lan-thu.csv?unit=KCB", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 200
    assert client.get("/tai-ve/khong-co.csv").status_code == 404  # nothing handed out, nothing logged
    acting = Actions(config, sqlite_store)  # what the pages' callbacks call
    week = iso_week_label(week_start(time.time()) - 7 * 86400)
    with app.server.test_request_context(environ_base={"REMOTE_ADDR": "10.9.9.9"}):
        acting.confirm_week("KCB", week, "Trần Văn Nam, Phó Cục trưởng")
        with pytest.raises(Refused):
            acting.confirm_week("<b>NOPE</b>", week, "Kẻ giả mạo")
    entries = [(e["action"], e["subject"], e["actor"], e["address"], e["outcome"]) for e in audit.entries(sqlite_store)]
    assert entries == [
        ("confirm", f"<b>NOPE</b> {week}", "Kẻ giả mạo", "10.9.9.9", "refused"),
        ("confirm", f"KCB {week}", "Trần Văn Nam, Phó Cục trưởng", "10.9.9.9", "done"),
        ("download", "/tai-ve/lan-thu.csv?unit=KCB", "", "10.1.2.3", "done"),
    ]
