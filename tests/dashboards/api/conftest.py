"""The app over three weeks of every unit's demo history, and consumers' tokens for it."""

from __future__ import annotations

import dataclasses
import shutil

import pytest

from dashboards.webapp import create_app
from metrics import api_consumers
from metrics.collection import Collector
from metrics.store import Store
from tests.conftest import every_demo_source, with_sources


@dataclasses.dataclass
class Api:
    app: object
    client: object
    config: object
    store: Store

    def token(self, name: str = "IOC Chính phủ", per_minute: int = 6000, **scope: list[str]) -> str:
        """A new consumer's token, scoped to units, provinces or metrics when named."""
        checked = api_consumers.checked_scope(
            self.config.catalogue, scope.get("units", ()), scope.get("provinces", ()), scope.get("metrics", ())
        )
        return api_consumers.add(self.store, name, checked, per_minute, actor="test")[1]

    def get(self, path: str, token: str | None = None, **headers: str):
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        return self.client.get(path, headers=headers)


def _api(default_config, demo_history_file, folder) -> Api:
    target = folder / "store" / "ioc.sqlite3"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(demo_history_file, target)
    store = Store(f"sqlite:///{target}")
    store.upgrade()
    config = with_sources(default_config, *every_demo_source(default_config), data_dir=folder)
    Collector(config, store).collect_all()  # live, now: the sources are fresh
    app = create_app(config, store)
    return Api(app, app.server.test_client(), config, store)


@pytest.fixture
def read_api(default_config, demo_history_file, tmp_path) -> Api:
    made = _api(default_config, demo_history_file, tmp_path)
    yield made
    made.store.engine.dispose()


@pytest.fixture(scope="module")
def shared_read_api(default_config, demo_history_file, tmp_path_factory) -> Api:
    """One app for a module's tests that only read (schemathesis' hundreds of calls)."""
    made = _api(default_config, demo_history_file, tmp_path_factory.mktemp("api"))
    yield made
    made.store.engine.dispose()
