"""The briefing's place in the scheduler (named in settings.toml, [scheduler] jobs): every Monday
at 07:00 local time (configurable) the
week just ended is owed, ministry-wide and for each unit, in each configured language. Owed
editions that are not built yet (a failed build, a server that was down at 07:00) are tried
again every retry_minutes, as are e-mails not yet sent."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger

from base import localtime
from base.localtime import WEEK, iso_week_label, week_start
from briefings.archive import BuildFailed, build_edition, record_unrecorded
from briefings.delivery import queue_for, send_pending
from briefings.settings import BriefingSettings, load_briefing_settings
from metrics import audit, editions
from metrics.health import backfill_progress
from metrics.settings import Config
from metrics.store import Store

log = logging.getLogger("ioc.briefings")
_BUILDING = threading.Lock()  # the weekly job and the retry tick never build at the same time
DAY_INDEX = {day: index for index, day in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))}


def due_week(settings: BriefingSettings, now: float) -> int:
    """The week whose editions are owed at now: the last full week once this week's scheduled
    time has passed, else the week before it."""
    hour, minute = settings.schedule.hour_minute
    this_week = week_start(now)
    due_at = this_week + DAY_INDEX[settings.schedule.day_of_week] * 86400 + hour * 3600 + minute * 60
    return this_week - WEEK if now >= due_at else this_week - 2 * WEEK


def owed(store: Store, config: Config, settings: BriefingSettings, now: float) -> list[tuple[int, str, str]]:
    week = due_week(settings, now)
    label = iso_week_label(week)
    built = {
        (e["scope"], e["lang"]) for e in editions.editions(store, 2000) if e["week"] == label and e["status"] == "built"
    }
    return [
        (week, scope, lang)
        for lang in settings.schedule.languages
        for scope in ["", *config.catalogue.units]
        if (scope, lang) not in built
    ]


def build_owed(
    store: Store,
    config: Config,
    settings: BriefingSettings | None = None,
    now: float | None = None,
    trigger: str = "schedule",
) -> dict[str, int]:
    """Build every owed edition, queue its e-mails, then send what is pending."""
    if not _BUILDING.acquire(blocking=False):
        return {"built": 0, "failed": 0, "busy": 1}
    try:
        return _build_owed(store, config, settings or load_briefing_settings(config), now, trigger)
    finally:
        _BUILDING.release()


def _build_owed(
    store: Store, config: Config, settings: BriefingSettings, now: float | None, trigger: str
) -> dict[str, int]:
    counts = {"built": 0, "failed": 0, "recorded_late": record_unrecorded(store)}
    if backfill_progress(store, config).loading:
        log.info("history is still loading: the briefings wait (a partial week would look complete)")
        return counts
    for week, scope, lang in owed(store, config, settings, now or time.time()):
        subject = f"{iso_week_label(week)} {scope or '-'} {lang}"
        try:
            edition = build_edition(store, config, week, scope, lang, trigger=trigger, settings=settings)
        except BuildFailed as failed:
            audit.record(store, "build", subject, actor="scheduler", outcome="failed", detail=failed.problem.code)
            counts["failed"] += 1
            continue
        audit.record(store, "build", subject, actor="scheduler", detail=f"edition {edition.id}")
        queue_for(store, settings, edition.id, scope, lang)
        counts["built"] += 1
    counts.update(send_pending(store, config, settings))
    return counts


def check(config: Config) -> None:
    """The briefing settings, validated when a process that schedules them starts."""
    load_briefing_settings(config)


def register(scheduler: BaseScheduler, store: Store, config: Config) -> None:
    """Add the weekly build and the retry tick to a running collection scheduler."""
    settings = load_briefing_settings(config)
    hour, minute = settings.schedule.hour_minute
    scheduler.add_job(
        build_owed,
        CronTrigger(day_of_week=settings.schedule.day_of_week, hour=hour, minute=minute, timezone=localtime.zone()),
        args=[store, config, settings],
        kwargs={"trigger": "schedule"},
        id="briefings-weekly",
        name="briefings-weekly",
        misfire_grace_time=6 * 3600,
        coalesce=True,
        max_instances=1,
    )
    scheduler.add_job(
        build_owed,
        "interval",
        minutes=settings.schedule.retry_minutes,
        args=[store, config, settings],
        kwargs={"trigger": "retry"},
        id="briefings-retry",
        name="briefings-retry",
        coalesce=True,
        max_instances=1,
        next_run_time=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=90),
    )
