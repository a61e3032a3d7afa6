"""One start-up for every entry point: `python app.py`, `python -m metrics …`, `python -m briefings …`.

start() sets up logging, reads and validates the whole configuration (plus the checks an entry
point adds: the wall screens, the briefing settings), sets the local time zone and the default
language, and opens and upgrades the store. Whatever stops it is a StartupFailed with the same
message and exit code in every entry point. Like the logs and the configuration's own messages,
what the console says is in English, for the operators; figures, documents and the problems
of sources are worded in the IOC's language.

    2  the configuration cannot be used (file: key: problem)
    3  the store cannot be reached or upgraded
    4  the web app's address cannot be bound (app.py, after start())
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from base import i18n, localtime
from base.config_errors import ConfigError
from metrics.settings import Config, load_config
from metrics.store import Store

EXIT_CONFIG, EXIT_STORE, EXIT_PORT = 2, 3, 4
QUIET = ("alembic", "apscheduler.executors.default", "waitress.queue")


class StartupFailed(Exception):
    """Start-up cannot go on: the message for the console and the process's exit code."""

    def __init__(self, exit_code: int, message: str) -> None:
        super().__init__(message)
        self.exit_code, self.message = exit_code, message

    def report(self) -> int:
        """Print the message on stderr; the exit code to return."""
        print(self.message, file=sys.stderr)
        return self.exit_code


@dataclass(frozen=True)
class Started:
    config: Config
    store: Store


def configure_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in QUIET:
        logging.getLogger(noisy).setLevel(logging.WARNING)


def start(
    settings_file: Path | str | None = None,
    checks: Iterable[Callable[[Config], object]] = (),
    rollups_in_zone: bool = True,
) -> Started:
    """Configuration, logging, local time, language and an upgraded store, or StartupFailed.
    rollups_in_zone: refuse a store whose rollups were cut in another time zone (every entry
    point that reads or writes figures; not the commands that rebuild them or copy the store)."""
    configure_logging()
    try:
        config = load_config(settings_file)
        for check in checks:
            check(config)
    except ConfigError as error:
        raise StartupFailed(EXIT_CONFIG, f"IOC cannot start: configuration error: {error}") from None
    localtime.configure(config.settings.app.timezone)  # validated with the settings
    i18n.set_default(config.settings.app.language)
    try:
        store = Store(config.store_url)
        store.upgrade()
    except Exception as error:  # noqa: BLE001 - whatever the driver raises, the store cannot be used
        message = (
            f"IOC cannot start: the store {described(config.store_url)} is unreachable or cannot be upgraded: {error}"
        )
        raise StartupFailed(EXIT_STORE, message) from None
    if rollups_in_zone:
        _check_rollups_zone(store, config)
    logging.getLogger("ioc").info("store %s ready (data folder %s)", store.describe(), config.data_dir)
    return Started(config, store)


def _check_rollups_zone(store: Store, config: Config) -> None:
    """The rollups' days and weeks were cut at local midnight: read with another zone, every
    day's figure would mix two days. A store that has not recorded its zone takes this one."""
    made_with = store.rollups_offset()
    if made_with is None:
        store.record_rollups_offset()
        return
    if made_with != localtime.offset():
        raise StartupFailed(
            EXIT_CONFIG,
            f"IOC cannot start: the store's daily and weekly rollups were cut in UTC{_utc(made_with)}, but "
            f"app.timezone is '{config.settings.app.timezone}' (UTC{_utc(localtime.offset())}): rebuild them with "
            "'python -m metrics rollups rebuild' (days before the raw samples' retention keep their old cut), "
            "or set app.timezone back",
        )


def _utc(seconds: int) -> str:
    sign = "+" if seconds >= 0 else "-"
    hours, minutes = divmod(abs(seconds) // 60, 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


def described(url: str) -> str:
    """A store URL as it may be shown: without its password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a URL that does not even parse
        return "(an unreadable URL)"


def port_taken(host: str, port: int, error: OSError) -> StartupFailed:
    return StartupFailed(EXIT_PORT, f"IOC cannot start: cannot listen on {host}:{port} ({error})")
