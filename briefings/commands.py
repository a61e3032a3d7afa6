"""What people ask of the briefings, checked here, where editions are built, whatever the page
or the command line offered: a finished week, a unit of the catalogue or the ministry, a
language the briefings are written in."""

from __future__ import annotations

import time

from base import i18n
from base.localtime import WEEK, parse_week_label
from base.problems import Problem
from briefings.archive import BuildFailed, Edition, build_edition
from briefings.settings import BriefingSettings
from metrics.commands import MAX_INPUT
from metrics.settings import Config
from metrics.store import Store


class Refused(BuildFailed):
    """The request itself cannot be met (nothing was tried, nothing recorded)."""


def build_requested(
    store: Store,
    config: Config,
    *,
    week: str,
    scope: str = "",
    lang: str = "vi",
    settings: BriefingSettings | None = None,
    now: float | None = None,
) -> Edition:
    """Build one edition by hand: week as 2026-W47, scope a unit code ("" for the ministry).
    Refused says why a request cannot be met; BuildFailed why a build failed (then recorded)."""
    start = parse_week_label(week)
    if start is None:
        raise Refused(Problem.of("briefing.bad_week", week=week[:MAX_INPUT]))
    if start + WEEK > (now or time.time()):
        raise Refused(Problem.of("briefing.unfinished_week", week=week))
    if scope and scope not in config.catalogue.units:
        raise Refused(Problem.of("briefing.unknown_unit", unit=scope[:MAX_INPUT]))
    if lang not in i18n.LANGUAGES:
        raise Refused(Problem.of("briefing.unknown_language", lang=lang[:MAX_INPUT]))
    return build_edition(store, config, start, scope, lang, trigger="manual", settings=settings)
