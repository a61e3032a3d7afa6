"""What the web app may change, each a named command of the layer that owns the data, which
checks its inputs there (metrics/commands.py, briefings/commands.py). Pages read through the
Reader and act only through these."""

from __future__ import annotations

from flask import has_request_context, request

from briefings.archive import BuildFailed, Edition
from briefings.commands import build_requested
from metrics import audit, commands
from metrics.read_models import Snapshot
from metrics.settings import Config
from metrics.store import Store


class Actions:
    def __init__(self, config: Config, store: Store) -> None:
        self._config, self._store = config, store

    def confirm_week(
        self, unit: str, week: str, confirmed_by: str, snapshot: Snapshot | None = None
    ) -> commands.Confirmation:
        subject = f"{unit} {week}"
        try:
            confirmation = commands.confirm_week(
                self._store, self._config, unit=unit, week=week, confirmed_by=confirmed_by, snapshot=snapshot
            )
        except commands.Refused as refused:
            self.audit("confirm", subject, actor=confirmed_by, outcome="refused", detail=refused.problem.code)
            raise
        self.audit("confirm", subject, actor=confirmed_by)
        return confirmation

    def build_edition(self, week: str, scope: str, lang: str) -> Edition:
        subject = f"{week} {scope or '-'} {lang}"
        try:
            edition = build_requested(self._store, self._config, week=week, scope=scope, lang=lang)
        except BuildFailed as failed:
            self.audit("build", subject, outcome="failed", detail=failed.problem.code)
            raise
        self.audit("build", subject, detail=f"edition {edition.id}")
        return edition

    def audit(
        self, action: str, subject: str = "", *, actor: str = "", outcome: str = "done", detail: str = ""
    ) -> None:
        """An entry in the audit log, from where the request came."""
        address = (request.remote_addr or "") if has_request_context() else ""
        audit.record(self._store, action, subject, actor=actor, address=address, outcome=outcome, detail=detail)

    def record_page_view(self, path: str) -> None:
        commands.record_page_view(self._store, path)

    def record_screen_beat(self, client: str, screen: str, data_version: int, address: str) -> bool:
        return commands.record_screen_beat(self._store, client, screen, data_version, address)
