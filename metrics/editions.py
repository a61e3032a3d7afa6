"""The store's record of weekly briefings: editions (append-only), their e-mail deliveries,
and the units' confirmations of their weekly figures. Files live on disk (briefings/archive.py);
these rows say what each file is, what it was built from and its SHA-256."""

from __future__ import annotations

import json
import time
from typing import Any

from sqlalchemy import and_, delete, insert, select, update

from metrics.schema import briefing_deliveries, briefing_editions, confirmations, data_version
from metrics.store import Store


def record_edition(
    store: Store,
    *,
    week: str,
    scope: str,
    lang: str,
    status: str,
    built_at: float,
    data_version: int,
    data_until: float | None,
    files: dict[str, dict] | None = None,
    error: str | None = None,
    trigger: str = "manual",
) -> int:
    with store.engine.begin() as connection:
        result = connection.execute(
            insert(briefing_editions)
            .values(
                week=week,
                scope=scope,
                lang=lang,
                status=status,
                built_at=built_at,
                data_version=data_version,
                data_until=data_until,
                files=json.dumps(files or {}, sort_keys=True),
                error=error,
                trigger=trigger,
            )
            .returning(briefing_editions.c.id)
        )
        return int(result.scalar_one())


def _edition(row: Any) -> dict[str, Any]:
    edition = dict(row._mapping)
    edition["files"] = json.loads(edition["files"] or "{}")
    return edition


def editions(store: Store, limit: int = 200) -> list[dict[str, Any]]:
    """Newest first."""
    with store.engine.connect() as connection:
        return [
            _edition(r)
            for r in connection.execute(select(briefing_editions).order_by(briefing_editions.c.id.desc()).limit(limit))
        ]


def edition(store: Store, edition_id: int) -> dict[str, Any] | None:
    with store.engine.connect() as connection:
        row = connection.execute(select(briefing_editions).where(briefing_editions.c.id == edition_id)).first()
    return _edition(row) if row else None


def latest_attempt(store: Store, week: str, scope: str, lang: str) -> dict[str, Any] | None:
    with store.engine.connect() as connection:
        row = connection.execute(
            select(briefing_editions)
            .where(
                briefing_editions.c.week == week, briefing_editions.c.scope == scope, briefing_editions.c.lang == lang
            )
            .order_by(briefing_editions.c.id.desc())
            .limit(1)
        ).first()
    return _edition(row) if row else None


def failed_builds(store: Store) -> list[dict[str, Any]]:
    """The newest attempt of each (week, scope, lang) whose last attempt failed: still owed."""
    latest = {}
    for row in reversed(editions(store, 1000)):
        latest[(row["week"], row["scope"], row["lang"])] = row
    return [row for row in latest.values() if row["status"] == "failed"]


# -- deliveries ------------------------------------------------------------------------------


def queue_delivery(store: Store, edition_id: int, recipient: str) -> int:
    with store.engine.begin() as connection:
        return int(
            connection.execute(
                insert(briefing_deliveries)
                .values(
                    edition_id=edition_id, recipient=recipient, status="pending", attempts=0, updated_at=time.time()
                )
                .returning(briefing_deliveries.c.id)
            ).scalar_one()
        )


def deliveries(store: Store, statuses: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
    query = select(briefing_deliveries).order_by(briefing_deliveries.c.id.desc())
    if statuses:
        query = query.where(briefing_deliveries.c.status.in_(statuses))
    with store.engine.connect() as connection:
        return [dict(r._mapping) for r in connection.execute(query)]


def delivery_attempted(store: Store, delivery_id: int, sent: bool, error: str | None, give_up: bool) -> None:
    now = time.time()
    status = "sent" if sent else ("failed" if give_up else "pending")
    with store.engine.begin() as connection:
        connection.execute(
            update(briefing_deliveries)
            .where(briefing_deliveries.c.id == delivery_id)
            .values(
                status=status,
                attempts=briefing_deliveries.c.attempts + 1,
                last_error=error,
                updated_at=now,
                sent_at=now if sent else None,
            )
        )


# -- confirmations ---------------------------------------------------------------------------


def confirm(store: Store, week: str, unit: str, confirmed_by: str, figures: dict[str, Any]) -> None:
    """Confirm (or confirm again) a unit's figures for a week. It changes what a briefing says
    (provisional → confirmed), so it bumps the data version like a collection does."""
    with store.engine.begin() as connection:
        connection.execute(
            update(data_version)
            .where(data_version.c.id == 1)
            .values(version=data_version.c.version + 1, updated_at=time.time())
        )
        connection.execute(
            delete(confirmations).where(and_(confirmations.c.week == week, confirmations.c.unit == unit))
        )
        connection.execute(
            insert(confirmations).values(
                week=week,
                unit=unit,
                confirmed_by=confirmed_by[:120],
                confirmed_at=time.time(),
                figures=json.dumps(figures, sort_keys=True),
            )
        )


def confirmations_of(store: Store, week: str) -> dict[str, dict[str, Any]]:
    with store.engine.connect() as connection:
        rows = connection.execute(select(confirmations).where(confirmations.c.week == week)).all()
    return {
        r.unit: {"confirmed_by": r.confirmed_by, "confirmed_at": r.confirmed_at, "figures": json.loads(r.figures)}
        for r in rows
    }


def problems(store: Store) -> dict[str, list[dict[str, Any]]]:
    """What the sources page reports about briefings: owed editions whose last build failed,
    and e-mails not sent (still being retried, or given up)."""
    return {"builds": failed_builds(store), "deliveries": deliveries(store, ("pending", "failed"))}
