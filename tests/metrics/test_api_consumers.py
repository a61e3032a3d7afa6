"""The read API's consumers: a token shown once (its hash kept), a scope of known codes only,
revocation, and the table's migration up and down."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import text

from metrics import api_consumers, audit
from metrics.store import MIGRATIONS


def test_a_token_is_shown_once_and_only_its_hash_is_kept(store, default_config):
    scope = api_consumers.checked_scope(default_config.catalogue, ["KCB"], ["1", "79"], [])
    consumer, token = api_consumers.add(store, "  Sở Y tế\tHà Nội ", scope, 60, actor="admin (admin, local)")
    assert token.startswith("ioc_") and len(token) > 40
    assert consumer.name == "Sở Y tế Hà Nội" and consumer.scope.provinces == {"01", "79"}  # 1 is Hà Nội's 01
    with store.engine.connect() as connection:
        stored = connection.execute(text("SELECT * FROM api_consumers")).mappings().one()
    assert token not in str(dict(stored)) and stored["units"] == "KCB" and stored["provinces"] == "01 79"
    assert api_consumers.by_token(store, token) == consumer
    assert api_consumers.by_token(store, token + "x") is None and api_consumers.by_token(store, "") is None
    revoked = api_consumers.revoke(store, consumer.id, actor="admin (admin, local)")
    assert revoked.revoked and api_consumers.by_token(store, token).revoked
    assert [e["action"] for e in audit.entries(store)] == ["api_token_revoke", "api_token_add"]


@pytest.mark.parametrize(
    ("units", "provinces", "metrics", "said"),
    [
        (["KCB", "XYZ"], [], [], "unknown units: XYZ"),
        ([], ["02"], [], "unknown provinces: 02"),  # Hà Giang before the 2025 merger
        ([], [], ["tthc_nope"], "unknown metrics: tthc_nope"),
    ],
)
def test_a_scope_names_known_codes_only(default_config, units, provinces, metrics, said):
    with pytest.raises(api_consumers.ConsumerError, match=said):
        api_consumers.checked_scope(default_config.catalogue, units, provinces, metrics)


def test_a_consumer_needs_a_name_and_a_sane_rate(sqlite_store):
    with pytest.raises(api_consumers.ConsumerError, match="name"):
        api_consumers.add(sqlite_store, "   ", api_consumers.Scope(), 60)
    with pytest.raises(api_consumers.ConsumerError, match="between 1 and 6000"):
        api_consumers.add(sqlite_store, "IOC", api_consumers.Scope(), 0)


def test_the_migration_goes_down_and_up_again(store):
    api_consumers.add(store, "IOC Chính phủ", api_consumers.Scope(), 60)
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0011")
    with store.engine.connect() as connection:
        assert "api_consumers" not in connection.dialect.get_table_names(connection)
    store.upgrade()
    assert api_consumers.listed(store) == []
