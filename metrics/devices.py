"""Wall screens' devices: a television signs in with a token of its own, allowed one screen.

An admin creates a device for a screen (`python -m metrics screens add-device SCREEN`); its
token is shown once, as the address that pairs the television, and only its SHA-256 is kept.
Revoking a device refuses its token from the next poll on; nothing else changes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, update

from metrics import audit, secret_tokens
from metrics.schema import screen_devices
from metrics.store import Store


class DeviceError(ValueError):
    """A request about devices that cannot be met; the message says why, for the operator."""


@dataclass(frozen=True)
class Device:
    id: int
    screen: str
    label: str
    created_at: float
    revoked_at: float | None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def actor(self) -> str:
        """How the audit log names it."""
        return f"device {self.id} ({self.screen})"

    @property
    def client_id(self) -> str:
        """The name its polls are recorded under as the screen's heartbeat."""
        return f"device-{self.id}"


def _device(row: Any) -> Device:
    return Device(row.id, row.screen, row.label, row.created_at, row.revoked_at)


def add(store: Store, screen: str, label: str, *, actor: str = "command line") -> tuple[Device, str]:
    """A new device for screen, and its token (shown once: it is not kept)."""
    token, token_hash = secret_tokens.new()
    now = time.time()
    with store.engine.begin() as connection:
        key = connection.execute(
            insert(screen_devices).values(
                screen=screen, label=label[:200] or screen, token_hash=token_hash, created_at=now
            )
        ).inserted_primary_key
    assert key is not None  # an insert of one row
    device = Device(int(key[0]), screen, label[:200] or screen, now, None)
    audit.record(store, "device_add", f"{device.id} {screen}", actor=actor, detail=device.label)
    return device, token


def revoke(store: Store, device_id: int, *, actor: str = "command line") -> Device:
    with store.engine.begin() as connection:
        row = connection.execute(select(screen_devices).where(screen_devices.c.id == device_id)).first()
        if row is None:
            raise DeviceError(f"no device {device_id}")
        if row.revoked_at is None:
            connection.execute(
                update(screen_devices).where(screen_devices.c.id == device_id).values(revoked_at=time.time())
            )
    audit.record(store, "device_revoke", f"{device_id} {row.screen}", actor=actor, detail=row.label)
    return found(store, device_id)  # type: ignore[return-value]  # it exists: read just above


def found(store: Store, device_id: int) -> Device | None:
    with store.engine.connect() as connection:
        row = connection.execute(select(screen_devices).where(screen_devices.c.id == device_id)).first()
    return _device(row) if row is not None else None


def by_token(store: Store, token: str) -> Device | None:
    """The device this token belongs to (revoked or not), else None."""
    row = secret_tokens.row_of(store, screen_devices, token)
    return _device(row) if row is not None else None


def listed(store: Store) -> list[Device]:
    with store.engine.connect() as connection:
        return [_device(row) for row in connection.execute(select(screen_devices).order_by(screen_devices.c.id))]
