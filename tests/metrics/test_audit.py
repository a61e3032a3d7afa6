"""The audit log: who did what, when, from where; nobody rewrites it."""

from __future__ import annotations

import csv
import io

import pytest
from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from metrics import audit
from metrics.store import MIGRATIONS


def test_the_log_is_append_only_in_the_store_itself(store):
    audit.record(store, "confirm", "KCB 2026-W47", actor="Nguyễn Thị Hằng", address="10.0.0.8")
    for statement in ("UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as connection:
            connection.execute(text(statement))
    (entry,) = audit.entries(store)
    assert (entry["actor"], entry["action"], entry["subject"], entry["address"]) == (
        "Nguyễn Thị Hằng",
        "confirm",
        "KCB 2026-W47",
        "10.0.0.8",
    )


def test_the_migration_goes_down_and_up_again(store):
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0006")
    with store.engine.connect() as connection:
        tables = connection.dialect.get_table_names(connection)
    assert "audit_log" not in tables
    store.upgrade()
    audit.record(store, "download", "/tai-ve/lan-thu.csv")
    assert len(audit.entries(store)) == 1


def test_the_command_line_prints_the_log_as_csv(config_copy, tmp_path, monkeypatch, capsys):
    from metrics.__main__ import main
    from metrics.store import Store

    monkeypatch.setenv("IOC_DATA_DIR", str(tmp_path))
    store = Store(f"sqlite:///{tmp_path / 'ioc.sqlite3'}")
    store.upgrade()
    audit.record(store, "build", "2026-W47 - vi", actor="scheduler", detail="edition 3")
    assert main(["--config", str(config_copy), "audit", "--since", "2026-01-01"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == ["at", "actor", "address", "action", "subject", "outcome", "detail"]
    assert rows[1][1:] == ["scheduler", "", "build", "2026-W47 - vi", "done", "edition 3"]
    assert main(["--config", str(config_copy), "audit", "--since", "26/11/2026"]) == 2
