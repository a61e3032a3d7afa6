"""What the web app may change in the store: named commands that check their inputs here,
whatever a page offered or a request claims.

    confirm_week        a unit head confirms the unit's figures of a finished week
    record_page_view    one visit of a page (the IOC's own use, an effectiveness figure)
    record_screen_beat  a wall screen reported in
"""

from __future__ import annotations

import re
import threading
import time
import unicodedata
from dataclasses import dataclass

from base.localtime import WEEK, iso_week_label, parse_week_label, week_start
from metrics import editions
from metrics.read_models import TREND_WEEKS, Snapshot, build_snapshot, unit_figures
from metrics.refusals import Refused
from metrics.settings import Config
from metrics.store import Store

MAX_NAME = 120
MAX_INPUT = 40  # characters of a refused input repeated in the refusal
CLIENT_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")
PAGE_PATH = re.compile(r"^/[a-z0-9/-]{0,63}$")


@dataclass(frozen=True)
class Confirmation:
    week: str
    unit: str
    confirmed_by: str
    confirmed_at: float


def confirmable_week(week: str, now: float | None = None) -> int:
    """The Monday of week (2026-W47) when it is a finished week within the history the IOC
    keeps; Refused otherwise."""
    start = parse_week_label(week)
    if start is None:
        raise Refused("confirm.bad_week", week=week[:MAX_INPUT])
    now = now or time.time()
    if start + WEEK > now:
        raise Refused("confirm.unfinished_week", week=week)
    if start < week_start(now) - TREND_WEEKS * WEEK:
        raise Refused("confirm.too_old", week=week)
    return start


def confirm_week(
    store: Store,
    config: Config,
    *,
    unit: str,
    week: str,
    confirmed_by: str,
    snapshot: Snapshot | None = None,
    now: float | None = None,
) -> Confirmation:
    """Confirm (or confirm again) a unit's figures of a finished week, as they stand now.
    snapshot, the week's figures if the caller holds them (the web app's cached one), saves
    building them again."""
    if unit not in config.catalogue.units:
        raise Refused("confirm.unknown_unit", unit=unit[:MAX_INPUT])
    start = confirmable_week(week, now)
    name = unicodedata.normalize("NFC", " ".join((confirmed_by or "").split()))[:MAX_NAME]
    if not name:
        raise Refused("confirm.need_name")
    if snapshot is None or snapshot.week != start:
        snapshot = build_snapshot(store, config, week=start)
    label = iso_week_label(start)
    editions.confirm(store, label, unit, name, unit_figures(snapshot, unit))
    entry = editions.confirmations_of(store, label)[unit]
    return Confirmation(label, unit, entry["confirmed_by"], entry["confirmed_at"])


def record_page_view(store: Store, path: str) -> None:
    """Count a visit of one of the app's own pages (other paths are not counted)."""
    if PAGE_PATH.match(path):
        store.count_view(path)


SCREEN_BEAT_SECONDS = 60  # a screen's poll is written at most this often ("alive" means within 5 minutes)
_beats: dict[tuple[str, str], float] = {}
_beats_lock = threading.Lock()


def record_screen_beat(store: Store, client: str, screen: str, data_version: int, address: str) -> bool:
    """A wall screen's poll; False (nothing recorded) for a client id that is not one of ours.
    A hundred screens polling every 20 s were a write each: one a minute per screen is enough."""
    if not CLIENT_ID.match(client):
        return False
    now = time.monotonic()
    with _beats_lock:
        if now - _beats.get((client, screen), -SCREEN_BEAT_SECONDS) < SCREEN_BEAT_SECONDS:
            return True
        _beats[(client, screen)] = now
    store.screen_beat(client, screen, data_version, address[:64])
    return True
