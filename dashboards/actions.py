"""What the web app may change, each a named command of the layer that owns the data, which
checks its inputs there (metrics/commands.py, briefings/commands.py). Pages read through the
Reader and act only through these."""

from __future__ import annotations

import secrets

from flask import has_request_context, request

from briefings.archive import BuildFailed, Edition
from briefings.commands import build_requested
from dashboards import access
from dashboards.access import Person
from metrics import api_consumers, audit, commands, devices, directives, uploads, users
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
            if not access.DIRECTING.allows(who):
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
            # an id of any size from the page: beyond the store's integers it is simply unknown
            found = directives.found(self._store, directive_id) if 0 < directive_id < 2**31 else None
            if found is None:
                raise commands.Refused("directive.unknown", id=directive_id)
            if step in directives.UNIT_STEPS and not who.may_act_for(found.unit):
                raise commands.Refused("access.not_your_unit", unit=found.unit)
            if step in directives.LEADERSHIP_STEPS and not access.DIRECTING.allows(who):
                raise commands.Refused("access.leadership_only")
            done = directives.take_step(self._store, directive_id, step, who.display_name, text)
        except commands.Refused as refused:
            self.audit("directive", f"{directive_id} {step[:16]}", outcome="refused", detail=refused.problem.code)
            raise
        self.audit("directive", f"{directive_id} {step}", detail=text[:200])
        return done

    # The admin's: accounts and wall devices (the same commands as `python -m metrics users` and
    # `python -m dashboards devices`, their audit entries naming the admin).
    def _admin(self, who: Person) -> None:
        if not access.ADMINS.allows(who):
            raise commands.Refused("access.admin_only")

    def add_account(self, who: Person, username: str, role: str, unit: str, name: str) -> tuple[users.User, str]:
        """A new account with a random password, to be shown once to the admin."""
        self._admin(who)
        password = secrets.token_urlsafe(12)
        try:
            user = users.add(
                self._store,
                self._config.catalogue,
                username,
                role,
                password,
                display_name=name,
                unit=unit,
                actor=who.actor,
            )
        except users.AccountError as error:
            raise commands.Refused("account.refused", reason=str(error)) from None
        return user, password

    def disable_account(self, who: Person, username: str) -> None:
        self._admin(who)
        if username == who.username:
            raise commands.Refused("account.not_yourself")
        try:
            users.disable(self._store, username, actor=who.actor)
        except users.AccountError as error:
            raise commands.Refused("account.refused", reason=str(error)) from None

    def reset_account(self, who: Person, username: str) -> str:
        """A new random password for username, to be shown once to the admin."""
        self._admin(who)
        password = secrets.token_urlsafe(12)
        try:
            users.reset(self._store, username, password, actor=who.actor)
        except users.AccountError as error:
            raise commands.Refused("account.refused", reason=str(error)) from None
        return password

    def add_device(self, who: Person, screen: str, label: str, screens: list[str]) -> tuple[devices.Device, str]:
        self._admin(who)
        if screen not in screens:
            raise commands.Refused("device.unknown_screen", screen=screen[:64])
        return devices.add(self._store, screen, label, actor=who.actor)

    def revoke_device(self, who: Person, device_id: int) -> devices.Device:
        self._admin(who)
        if not 0 < device_id < 2**31:
            raise commands.Refused("device.unknown", id=device_id)
        try:
            return devices.revoke(self._store, device_id, actor=who.actor)
        except devices.DeviceError:
            raise commands.Refused("device.unknown", id=device_id) from None

    def add_api_consumer(
        self, who: Person, name: str, units: list[str], provinces: list[str], metrics: list[str], per_minute: int | None
    ) -> tuple[api_consumers.Consumer, str]:
        """A new read API consumer and its token, shown once to the admin."""
        self._admin(who)
        try:
            scope = api_consumers.checked_scope(self._config.catalogue, units, provinces, metrics)
            rate = per_minute or self._config.settings.api.requests_per_minute
            return api_consumers.add(self._store, name, scope, rate, actor=who.actor)
        except api_consumers.ConsumerError as error:
            raise commands.Refused("api_consumer.refused", reason=str(error)) from None

    def revoke_api_consumer(self, who: Person, consumer_id: int) -> api_consumers.Consumer:
        self._admin(who)
        try:
            if not 0 < consumer_id < 2**31:
                raise api_consumers.ConsumerError(str(consumer_id))
            return api_consumers.revoke(self._store, consumer_id, actor=who.actor)
        except api_consumers.ConsumerError:
            raise commands.Refused("api_consumer.unknown", id=consumer_id) from None

    def api_consumers_listed(self) -> list[api_consumers.Consumer]:
        return api_consumers.listed(self._store)

    def accounts_listed(self) -> list[users.User]:
        return users.listed(self._store)

    def devices_listed(self) -> list[devices.Device]:
        return devices.listed(self._store)

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
            actor = asking.actor if asking is not None else ""
        audit.record(self._store, action, subject, actor=actor, address=address, outcome=outcome, detail=detail)

    def record_page_view(self, path: str) -> None:
        commands.record_page_view(self._store, path)

    def record_screen_beat(self, client: str, screen: str, data_version: int, address: str) -> bool:
        return commands.record_screen_beat(self._store, client, screen, data_version, address)
