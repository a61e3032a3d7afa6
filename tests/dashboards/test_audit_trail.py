"""What the web app hands out and what people do through it goes into the audit log."""

from __future__ import annotations

import time

import pytest
from flask import g

from base.localtime import iso_week_label, week_start
from dashboards.access import Person
from dashboards.actions import Actions
from dashboards.webapp import create_app
from metrics import audit
from metrics.commands import Refused
from tests.accounts import sign_in
from tests.conftest import demo_source, with_sources


def test_confirmations_builds_and_downloads_are_logged_with_who_and_where(default_config, sqlite_store):
    config = with_sources(default_config, demo_source(default_config, "KCB"))
    app = create_app(config, sqlite_store)
    client = sign_in(app.server.test_client(), sqlite_store, config, "leadership")
    assert client.get("/tai-ve/lan-thu.csv?unit=KCB", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 200
    assert client.get("/tai-ve/khong-co.csv").status_code == 404  # nothing handed out, nothing logged
    acting = Actions(config, sqlite_store)  # what the pages' callbacks call
    week = iso_week_label(week_start(time.time()) - 7 * 86400)
    head = Person("truong-kcb", "Trần Văn Nam, Cục trưởng", "department_head", "KCB", "local")
    with app.server.test_request_context(environ_base={"REMOTE_ADDR": "10.9.9.9"}):
        g.ioc_who = head
        acting.confirm_week("KCB", week, head)
        with pytest.raises(Refused):
            acting.confirm_week("<b>NOPE</b>", week, head)
    entries = [
        (e["action"], e["subject"], e["actor"], e["address"], e["outcome"])
        for e in audit.entries(sqlite_store)
        if e["action"] != "user_add"
    ]
    assert entries == [
        ("confirm", f"<b>NOPE</b> {week}", head.actor, "10.9.9.9", "refused"),
        ("confirm", f"KCB {week}", head.actor, "10.9.9.9", "done"),
        ("download", "/tai-ve/lan-thu.csv?unit=KCB", "leadership (leadership, local)", "10.1.2.3", "done"),
        ("sign_in", "leadership", "leadership (leadership, local)", "127.0.0.1", "done"),
    ]
    assert head.actor == "truong-kcb (department_head KCB, local)"
