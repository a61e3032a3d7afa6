"""Local accounts: added from the command line, passwords only as Argon2id hashes, no default."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from metrics import audit, users
from metrics.schema import users as users_table


def test_an_account_opens_with_its_password_only_and_the_password_is_never_stored(store, default_config):
    users.add(store, default_config.catalogue, "hang.nt", "department_head", "mật khẩu đủ dài 2026", unit="BMTE")
    with store.engine.connect() as connection:
        stored = connection.execute(select(users_table.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and "mật khẩu" not in stored
    user = users.verify(store, "hang.nt", "mật khẩu đủ dài 2026")
    assert user is not None and (user.role, user.unit, user.active) == ("department_head", "BMTE", True)
    assert users.verify(store, "hang.nt", "mật khẩu sai 2026!") is None
    assert users.verify(store, "nobody", "mật khẩu đủ dài 2026") is None


def test_a_disabled_account_cannot_sign_in_until_its_password_is_reset(store, default_config):
    users.add(store, default_config.catalogue, "admin", "admin", "correct horse battery")
    users.disable(store, "admin")
    assert users.verify(store, "admin", "correct horse battery") is None
    users.reset(store, "admin", "a new long password")
    assert users.verify(store, "admin", "a new long password") is not None
    assert users.verify(store, "admin", "correct horse battery") is None
    actions = [(e["action"], e["subject"]) for e in audit.entries(store)]
    assert actions == [("user_reset", "admin"), ("user_disable", "admin"), ("user_add", "admin")]


@pytest.mark.parametrize(
    ("username", "role", "unit", "password", "says"),
    [
        ("Bad Name", "admin", "", "long enough password", "a username is"),
        ("nam", "boss", "", "long enough password", "unknown role 'boss'"),
        ("nam", "department_head", "NOPE", "long enough password", "a department head needs"),
        ("nam", "leadership", "KCB", "long enough password", "only a department head has a unit"),
        ("nam", "leadership", "", "short", "at least 12 characters"),
    ],
)
def test_an_account_that_cannot_work_is_refused_saying_why(
    sqlite_store, default_config, username, role, unit, password, says
):
    with pytest.raises(users.AccountError, match=says):
        users.add(sqlite_store, default_config.catalogue, username, role, password, unit=unit)
    assert users.listed(sqlite_store) == []


def test_the_command_line_adds_lists_and_refuses_a_taken_name(config_copy, tmp_path, monkeypatch, capsys):
    from metrics.__main__ import main

    monkeypatch.setenv("IOC_DATA_DIR", str(tmp_path))
    base = ["--config", str(config_copy), "users"]
    monkeypatch.setattr("sys.stdin", io.StringIO("một mật khẩu đủ dài\n"))
    assert main([*base, "add", "nam.tv", "--role", "leadership", "--name", "Trần Văn Nam", "--password-stdin"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("một mật khẩu đủ dài\n"))
    assert main([*base, "add", "nam.tv", "--role", "admin", "--password-stdin"]) == 2
    assert "the username 'nam.tv' is taken" in capsys.readouterr().err
    assert main([*base, "list"]) == 0
    assert "nam.tv" in (listing := capsys.readouterr().out) and "leadership" in listing and "Trần Văn Nam" in listing
    assert main([*base, "disable", "ghost"]) == 2 and "no account 'ghost'" in capsys.readouterr().err


def test_a_hash_made_with_heavier_settings_is_made_again_with_the_current_ones_at_sign_in(store, default_config):
    from argon2 import PasswordHasher
    from sqlalchemy import update

    users.add(store, default_config.catalogue, "cu-ho", "leadership", "mật khẩu đủ dài 2026")
    heavy = PasswordHasher().hash("mật khẩu đủ dài 2026")  # the library's default: 64 MiB, 4 lanes
    with store.engine.begin() as connection:
        connection.execute(update(users_table).where(users_table.c.username == "cu-ho").values(password_hash=heavy))
    assert users.verify(store, "cu-ho", "mật khẩu đủ dài 2026") is not None
    with store.engine.connect() as connection:
        stored = connection.execute(
            select(users_table.c.password_hash).where(users_table.c.username == "cu-ho")
        ).scalar()
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert users.verify(store, "cu-ho", "mật khẩu đủ dài 2026") is not None
