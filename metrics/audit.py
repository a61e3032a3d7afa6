"""The audit log: who did what, when, from where. Append-only (the store's triggers refuse
UPDATE and DELETE); written by the commands and downloads of the web app and by the
scheduler's builds, read by `python -m metrics audit`.

Sign-in (issue 11) will put the account in `actor`; until then a confirmation's actor is the
name typed, a download's is empty and its address says where it came from.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import insert, select

from metrics.schema import audit_log
from metrics.store import Store

LIMITS = {"actor": 200, "address": 64, "action": 32, "subject": 500, "outcome": 16, "detail": 2000}


def record(
    store: Store,
    action: str,
    subject: str = "",
    *,
    actor: str = "",
    address: str = "",
    outcome: str = "done",
    detail: str = "",
) -> None:
    """Append one entry (each text cut to its column's size: a forged value cannot refuse it)."""
    values = {"actor": actor, "address": address, "action": action, "subject": subject, "outcome": outcome}
    row: dict[str, Any] = {key: str(value)[: LIMITS[key]] for key, value in values.items()}
    row["detail"] = str(detail)[: LIMITS["detail"]]
    with store.engine.begin() as connection:
        connection.execute(_INSERT, {"at": time.time(), **row})


_INSERT = insert(audit_log)  # built once: every call of the read API leaves an entry


def entries(store: Store, since: float | None = None, limit: int | None = None) -> list[dict[str, Any]]:
    """The entries since a time, newest first."""
    query = select(audit_log).order_by(audit_log.c.id.desc())
    if since is not None:
        query = query.where(audit_log.c.at >= since)
    if limit is not None:
        query = query.limit(limit)
    with store.engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(query)]
