"""What the web app may change, each a named command of the layer that owns the data, which
checks its inputs there (metrics/commands.py, briefings/commands.py). Pages read through the
Reader and act only through these."""

from __future__ import annotations

from flask import has_request_context, request

from briefings.archive import BuildFailed, Edition
from briefings.commands import build_requested
from dashboards import access
from dashboards.access import Person
from metrics import audit, commands, devices, directives, uploads
from metrics.devices import Device
from metrics.read_models import Snapshot
from metrics.settings import Config
from metrics.store import Store


class Actions:
    def __init__(self, config: Config, store: Store) -> None:
        self._config, self._store = config, store

    def upload_report(self, unit: str, name: str, content: bytes, who: Person) -> uploads.Upload:
        """who sends unit's report file: a department head for their own unit only, the focal
        point for any; read by the unit's watched folder's own source, at once."""
        subject = f"{unit} {name[:100]}"
        try:
            if not who.may_act_for(unit):
                raise uploads.UploadRefused("access.not_your_unit", unit=unit)
            upload = uploads.receive(self._config, self._store, unit, name, content)
        except uploads.UploadRefused as refused:
            self.audit("upload", subject, outcome="refused", detail=refused.problem.code)
            raise
        self.audit("upload", subject, outcome="done" if upload.taken else "rejected", detail=upload.file_name)
        return upload

    def create_directive(self, who: Person, subject: str, unit: str, text: str, due: str) -> int:
        """A directive of who (leadership or the focal point) for unit."""
        try:
            if who.role not in (access.LEADERSHIP, access.FOCAL_POINT):
                raise commands.Refused("access.leadership_only")
            directive_id = directives.create(
                self._store, self._config.catalogue, subject=subject, unit=unit, text=text, due=due, by=who.display_name
            )
        except commands.Refused as refused:
            self.audit(
                "directive", f"create {subject[:80]} {unit[:32]}", outcome="refused", detail=refused.problem.code
            )
            raise
        self.audit("directive", f"{directive_id} create {subject} {unit}", detail=f"due {due}")
        return directive_id

    def directive_step(self, who: Person, directive_id: int, step: str, text: str) -> directives.Directive:
        """who takes a step of a directive: the unit's head (or the focal point) replies and marks
        it done; leadership (or the focal point) closes it or sends it back."""
        try:
            found = directives.found(self._store, directive_id)
            if found is None:
                raise commands.Refused("directive.unknown", id=directive_id)
            if step in directives.UNIT_STEPS and not who.may_act_for(found.unit):
                raise commands.Refused("access.not_your_unit", unit=found.unit)
            if step in directives.LEADERSHIP_STEPS and who.role not in (access.LEADERSHIP, access.FOCAL_POINT):
                raise commands.Refused("access.leadership_only")
            done = directives.take_step(self._store, directive_id, step, who.display_name, text)
        except commands.Refused as refused:
            self.audit("directive", f"{directive_id} {step[:16]}", outcome="refused", detail=refused.problem.code)
            raise
        self.audit("directive", f"{directive_id} {step}", detail=text[:200])
        return done

    def device(self, token: str) -> Device | None:
        """The wall screen's device this token pairs (revoked or not)."""
        return devices.by_token(self._store, token)

    def confirm_week(
        self, unit: str, week: str, who: Person, snapshot: Snapshot | None = None
    ) -> commands.Confirmation:
        """who confirms unit's figures of week, in their own name: a department head for their
        own unit only, the focal point for any."""
        subject = f"{unit} {week}"
        try:
            if not who.may_act_for(unit):
                raise commands.Refused("access.not_your_unit", unit=unit)
            confirmation = commands.confirm_week(
                self._store, self._config, unit=unit, week=week, confirmed_by=who.display_name, snapshot=snapshot
            )
        except commands.Refused as refused:
            self.audit("confirm", subject, outcome="refused", detail=refused.problem.code)
            raise
        self.audit("confirm", subject)
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
        """An entry in the audit log, by who asked (unless named) and from where."""
        address = (request.remote_addr or "") if has_request_context() else ""
        if not actor and has_request_context():
            asking = access.who()
            if isinstance(asking, Person):
                actor = asking.actor
            elif asking is not None:
                actor = f"device {asking.id} ({asking.screen})"
        audit.record(self._store, action, subject, actor=actor, address=address, outcome=outcome, detail=detail)

    def record_page_view(self, path: str) -> None:
        commands.record_page_view(self._store, path)

    def record_screen_beat(self, client: str, screen: str, data_version: int, address: str) -> bool:
        return commands.record_screen_beat(self._store, client, screen, data_version, address)
