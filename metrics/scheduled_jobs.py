"""Jobs the collection scheduler runs besides the collections, named in the settings.

    [scheduler]
    jobs = ["briefings.jobs"]

Each named module has check(config), which validates its own configuration at start-up, and
register(scheduler, store, config), which adds its jobs. metrics/ imports none of them by
name: the weekly briefing sits in a layer above, and a deployment can run without it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from types import ModuleType

from apscheduler.schedulers.base import BaseScheduler

from base.config_errors import ConfigError
from metrics.settings import Config
from metrics.store import Store


def job_modules(config: Config) -> list[ModuleType]:
    """The configured modules, imported; ConfigError for one that cannot serve."""
    modules = []
    for index, name in enumerate(config.settings.scheduler.jobs):
        key = f"scheduler.jobs[{index}]"
        try:
            module = importlib.import_module(name)
        except ImportError as error:
            raise ConfigError(config.settings_file, key, f"cannot import '{name}' ({error})") from None
        missing = [f for f in ("check", "register") if not callable(getattr(module, f, None))]
        if missing:
            raise ConfigError(config.settings_file, key, f"'{name}' has no {' and no '.join(missing)} function")
        modules.append(module)
    return modules


def check_jobs(config: Config) -> None:
    """Validate every job module's own configuration (a start-up check)."""
    for module in job_modules(config):
        module.check(config)


def registrar(config: Config, store: Store) -> Callable[[BaseScheduler], None]:
    """What the scheduler calls once started, to add every configured module's jobs."""
    modules = job_modules(config)

    def register(scheduler: BaseScheduler) -> None:
        for module in modules:
            module.register(scheduler, store, config)

    return register
