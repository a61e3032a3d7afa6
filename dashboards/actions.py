"""What the web app may change, each a named command of the layer that owns the data, which
checks its inputs there (metrics/commands.py, briefings/commands.py). Pages read through the
Reader and act only through these."""

from __future__ import annotations

from briefings.archive import Edition
from briefings.commands import build_requested
from metrics import commands
from metrics.read_models import Snapshot
from metrics.settings import Config
from metrics.store import Store


class Actions:
    def __init__(self, config: Config, store: Store) -> None:
        self._config, self._store = config, store

    def confirm_week(
        self, unit: str, week: str, confirmed_by: str, snapshot: Snapshot | None = None
    ) -> commands.Confirmation:
        return commands.confirm_week(
            self._store, self._config, unit=unit, week=week, confirmed_by=confirmed_by, snapshot=snapshot
        )

    def build_edition(self, week: str, scope: str, lang: str) -> Edition:
        return build_requested(self._store, self._config, week=week, scope=scope, lang=lang)

    def record_page_view(self, path: str) -> None:
        commands.record_page_view(self._store, path)

    def record_screen_beat(self, client: str, screen: str, data_version: int, address: str) -> bool:
        return commands.record_screen_beat(self._store, client, screen, data_version, address)
