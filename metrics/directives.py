"""Leadership directives, from a figure to done.

Leadership or the focal point attaches a directive to a database, a task, a metric, a panel
or a unit ("db:KCB", "task:T01", "metric:tthc_received", "panel:tong-quan", "unit:KCB"): what
to do, the responsible unit and the local day it is due. The unit's head replies and marks it
done; leadership closes it or sends it back. Every step is kept with who and when
(directive_steps); each change bumps the data version so every page shows it at once.

A directive is overdue while open after its due day. A unit's on-time follow-up rate: of its
directives that are due by now or already done, the share marked done by the end of their
due day (and not sent back since).

Who may take which step is the web app's check (dashboards/actions.py); what a step needs
(a known unit and subject, a text, a real day, a state it can follow) is checked here.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Container, Iterable
from dataclasses import dataclass, field

from sqlalchemy import insert, select, update

from base import localtime
from base.catalogue import Catalogue
from metrics.refusals import Refused
from metrics.schema import directive_steps, directives
from metrics.store import Store

MAX_TEXT = 2000
PANELS = ("tong-quan", "hieu-qua", "de-an-06", "co-so-du-lieu")  # the wall's and pages' panels
SUBJECT = re.compile(r"^(db|task|metric|panel|unit):([A-Za-z0-9_.-]{1,64})$")
# step → the states it may follow, and the state it leaves
STEPS = {
    "reply": ({"open", "done"}, None),
    "done": ({"open"}, "done"),
    "close": ({"open", "done"}, "closed"),
    "return": ({"done"}, "open"),
}
LEADERSHIP_STEPS = ("close", "return")  # the others are the unit's
UNIT_STEPS = ("reply", "done")


@dataclass(frozen=True)
class Step:
    step: str
    by: str
    at: float
    text: str


@dataclass(frozen=True)
class Directive:
    id: int
    subject: str
    unit: str
    text: str
    due: str  # YYYY-MM-DD, local
    state: str
    created_by: str
    created_at: float
    done_at: float | None
    closed_at: float | None
    steps: tuple[Step, ...] = field(default_factory=tuple)

    @property
    def due_end(self) -> float:
        """The end of its due day, local time."""
        return float(localtime.midnight(dt.date.fromisoformat(self.due) + dt.timedelta(days=1)))

    def overdue(self, now: float) -> bool:
        return self.state == "open" and now >= self.due_end

    def on_time(self) -> bool:
        return self.state in ("done", "closed") and self.done_at is not None and self.done_at < self.due_end


@dataclass(frozen=True)
class FollowUp:
    counted: int  # due by now, or already done
    on_time: int
    open: int
    overdue: int

    @property
    def rate(self) -> float | None:
        return self.on_time / self.counted * 100 if self.counted else None


def check_subject(catalogue: Catalogue, subject: str) -> None:
    match = SUBJECT.match(subject)
    known: dict[str, Container[str]] = {
        "db": catalogue.databases,
        "task": catalogue.tasks,
        "metric": catalogue.metrics,
        "panel": PANELS,
        "unit": catalogue.units,
    }
    if match is None or match.group(2) not in known[match.group(1)]:
        raise Refused("directive.unknown_subject", subject=subject[:80])


def _text(text: str) -> str:
    cleaned = text.strip()
    if not cleaned:
        raise Refused("directive.need_text")
    if len(cleaned) > MAX_TEXT:
        raise Refused("directive.text_too_long", limit=MAX_TEXT)
    return cleaned


def create(store: Store, catalogue: Catalogue, *, subject: str, unit: str, text: str, due: str, by: str) -> int:
    """A new open directive; its id."""
    check_subject(catalogue, subject)
    if unit not in catalogue.units:
        raise Refused("confirm.unknown_unit", unit=unit[:32])
    body = _text(text)
    try:
        day = dt.date.fromisoformat(due)
    except (TypeError, ValueError):
        raise Refused("directive.bad_due", due=str(due)[:20]) from None
    today = localtime.local_date(time.time())
    if not today <= day <= today + dt.timedelta(days=731):
        raise Refused("directive.due_out_of_range", due=due)
    now = time.time()
    with store.engine.begin() as connection:
        key = connection.execute(
            insert(directives).values(
                subject=subject,
                unit=unit,
                text=body,
                due=day.isoformat(),
                state="open",
                created_by=by[:200],
                created_at=now,
            )
        ).inserted_primary_key
        assert key is not None
        directive_id = int(key[0])
        connection.execute(
            insert(directive_steps).values(directive_id=directive_id, step="create", by=by[:200], at=now, text=body)
        )
    store.bump_data_version()
    return directive_id


def take_step(store: Store, directive_id: int, step: str, by: str, text: str = "") -> Directive:
    """One step of a directive (reply, done, close, return), if its state allows it."""
    if step not in STEPS:
        raise Refused("directive.unknown_step", step=step[:20])
    allowed_from, leaves = STEPS[step]
    body = _text(text) if step in ("reply", "return") else text.strip()[:MAX_TEXT]
    now = time.time()
    with store.engine.begin() as connection:
        row = connection.execute(select(directives).where(directives.c.id == directive_id)).first()
        if row is None:
            raise Refused("directive.unknown", id=directive_id)
        if row.state not in allowed_from:
            raise Refused("directive.wrong_state", id=directive_id, state=row.state, step=step)
        values: dict[str, object] = {}
        if leaves is not None:
            values["state"] = leaves
        if step == "done":
            values["done_at"] = now
        if step == "close":
            values["closed_at"] = now
        if step == "return":
            values["done_at"] = None  # done again later is what counts
        if values:
            # Guarded by the state read: two people acting at once cannot both move it.
            moved = connection.execute(
                update(directives)
                .where(directives.c.id == directive_id, directives.c.state == row.state)
                .values(**values)
            ).rowcount
            if not moved:
                raise Refused("directive.wrong_state", id=directive_id, state="?", step=step)
        connection.execute(
            insert(directive_steps).values(directive_id=directive_id, step=step, by=by[:200], at=now, text=body)
        )
    store.bump_data_version()
    return found(store, directive_id)  # type: ignore[return-value]  # it exists: read above


def found(store: Store, directive_id: int) -> Directive | None:
    listed_ = listed(store, ids=[directive_id])
    return listed_[0] if listed_ else None


def listed(store: Store, unit: str | None = None, ids: Iterable[int] | None = None) -> list[Directive]:
    """Directives with their steps, open ones first, then by due day."""
    query = select(directives)
    if unit:
        query = query.where(directives.c.unit == unit)
    if ids is not None:
        query = query.where(directives.c.id.in_(list(ids)))
    with store.engine.connect() as connection:
        rows = connection.execute(query).all()
        wanted = [r.id for r in rows]
        steps: dict[int, list[Step]] = {}
        if wanted:
            for s in connection.execute(
                select(directive_steps)
                .where(directive_steps.c.directive_id.in_(wanted))
                .order_by(directive_steps.c.at, directive_steps.c.id)
            ):
                steps.setdefault(s.directive_id, []).append(Step(s.step, s.by, s.at, s.text))
    order = {"open": 0, "done": 1, "closed": 2}
    found_ = [
        Directive(
            r.id,
            r.subject,
            r.unit,
            r.text,
            r.due,
            r.state,
            r.created_by,
            r.created_at,
            r.done_at,
            r.closed_at,
            tuple(steps.get(r.id, [])),
        )
        for r in rows
    ]
    return sorted(found_, key=lambda d: (order.get(d.state, 3), d.due, d.id))


def follow_up(found_: list[Directive], units: Iterable[str], now: float) -> dict[str, FollowUp]:
    """Each unit's follow-up of its directives, as of now."""
    result = {}
    for unit in units:
        mine = [d for d in found_ if d.unit == unit]
        counted = [d for d in mine if d.state in ("done", "closed") or now >= d.due_end]
        result[unit] = FollowUp(
            counted=len(counted),
            on_time=sum(d.on_time() for d in counted),
            open=sum(d.state == "open" for d in mine),
            overdue=sum(d.overdue(now) for d in mine),
        )
    return result
