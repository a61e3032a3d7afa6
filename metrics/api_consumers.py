"""The read API's consumers: another operations centre, a provincial department, a national
platform. Each reads with a token of its own (`Authorization: Bearer …`), shown once when an
admin creates it; only its SHA-256 is kept. Its scope says which units, provinces and metrics
it may read (none named: all of them) and its rate how many calls a minute. Revoking it
refuses the token from the next call on.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, update

from base.catalogue import Catalogue
from base.provinces import provinces
from metrics import audit, secret_tokens
from metrics.schema import api_consumers
from metrics.store import Store

TOKEN_PREFIX = "ioc_"  # a token found in a log or a repository says what it is
MAX_PER_MINUTE = 6000


class ConsumerError(ValueError):
    """A request about consumers that cannot be met; the message says why, for the admin."""


@dataclass(frozen=True)
class Scope:
    """What a consumer may read: codes of units, provinces and metrics; an empty set is all."""

    units: frozenset[str] = frozenset()
    provinces: frozenset[str] = frozenset()
    metrics: frozenset[str] = frozenset()

    @property
    def whole(self) -> bool:
        return not (self.units or self.provinces or self.metrics)

    def allows(self, dimension: str, code: str) -> bool:
        codes: frozenset[str] = getattr(self, dimension)
        return not codes or code in codes

    def described(self) -> str:
        parts = [f"{name}={','.join(sorted(getattr(self, name)))}" for name in ("units", "provinces", "metrics")]
        return " ".join(p for p in parts if not p.endswith("=")) or "all"


@dataclass(frozen=True)
class Consumer:
    id: int
    name: str
    scope: Scope
    per_minute: int
    created_at: float
    created_by: str
    revoked_at: float | None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def actor(self) -> str:
        """How the audit log names it."""
        return f"api {self.id} ({self.name})"


def _codes(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _consumer(row: Any) -> Consumer:
    scope = Scope(_codes(row.units), _codes(row.provinces), _codes(row.metrics))
    return Consumer(row.id, row.name, scope, row.per_minute, row.created_at, row.created_by, row.revoked_at)


def checked_scope(
    catalogue: Catalogue, units: Iterable[str] = (), province_codes: Iterable[str] = (), metrics: Iterable[str] = ()
) -> Scope:
    """A scope of known codes only: a typing mistake would otherwise give a consumer nothing, or
    (an empty list read as "all") everything."""
    scope = Scope(
        frozenset(c.strip() for c in units if c.strip()),
        frozenset(c.strip().zfill(2) if c.strip().isdigit() else c.strip() for c in province_codes if c.strip()),
        frozenset(c.strip() for c in metrics if c.strip()),
    )
    for dimension, known in (("units", catalogue.units), ("provinces", provinces()), ("metrics", catalogue.metrics)):
        unknown = sorted(set(getattr(scope, dimension)) - set(known))
        if unknown:
            raise ConsumerError(f"unknown {dimension}: {', '.join(unknown)}")
    return scope


def add(store: Store, name: str, scope: Scope, per_minute: int, *, actor: str = "command line") -> tuple[Consumer, str]:
    """A new consumer and its token (shown once: it is not kept)."""
    name = " ".join(name.split())[:200]
    if not name:
        raise ConsumerError("a consumer needs a name (who reads with this token)")
    if not 1 <= per_minute <= MAX_PER_MINUTE:
        raise ConsumerError(f"calls a minute must be between 1 and {MAX_PER_MINUTE}, not {per_minute}")
    token, token_hash = secret_tokens.new(TOKEN_PREFIX)
    now = time.time()
    values = {name: " ".join(sorted(getattr(scope, name))) for name in ("units", "provinces", "metrics")}
    with store.engine.begin() as connection:
        key = connection.execute(
            insert(api_consumers).values(
                name=name,
                token_hash=token_hash,
                per_minute=per_minute,
                created_at=now,
                created_by=actor[:200],
                **values,
            )
        ).inserted_primary_key
    assert key is not None  # an insert of one row
    consumer = Consumer(int(key[0]), name, scope, per_minute, now, actor[:200], None)
    audit.record(store, "api_token_add", f"{consumer.id} {name}", actor=actor, detail=scope.described())
    return consumer, token


def revoke(store: Store, consumer_id: int, *, actor: str = "command line") -> Consumer:
    with store.engine.begin() as connection:
        row = connection.execute(select(api_consumers).where(api_consumers.c.id == consumer_id)).first()
        if row is None:
            raise ConsumerError(f"no API consumer {consumer_id}")
        if row.revoked_at is None:
            connection.execute(
                update(api_consumers).where(api_consumers.c.id == consumer_id).values(revoked_at=time.time())
            )
    audit.record(store, "api_token_revoke", f"{consumer_id} {row.name}", actor=actor)
    return found(store, consumer_id)  # type: ignore[return-value]  # it exists: read just above


def found(store: Store, consumer_id: int) -> Consumer | None:
    with store.engine.connect() as connection:
        row = connection.execute(select(api_consumers).where(api_consumers.c.id == consumer_id)).first()
    return _consumer(row) if row is not None else None


def by_token(store: Store, token: str) -> Consumer | None:
    """The consumer this token belongs to (revoked or not), else None."""
    row = secret_tokens.row_of(store, api_consumers, token)
    return _consumer(row) if row is not None else None


def listed(store: Store) -> list[Consumer]:
    with store.engine.connect() as connection:
        return [_consumer(row) for row in connection.execute(select(api_consumers).order_by(api_consumers.c.id))]
