"""The IOC: `python app.py` serves the dashboard and collects on the embedded default.

    python app.py [--host H] [--port P] [--config FILE] [--no-scheduler]

With no configuration it uses config/ and the demo sources, keeps its SQLite store in ./data
(or IOC_DATA_DIR), fills 26 weeks of history in the background on first start, and collects
live. The web app serves at once; pages say while history is being loaded.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="IOC — Intelligent Operations Centre of the Ministry of Health")
    parser.add_argument("--host", help="address to listen on (default from settings: 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port to listen on (default from settings: 8050)")
    parser.add_argument("--config", help="settings file (default config/settings.toml, or IOC_CONFIG)")
    parser.add_argument("--no-scheduler", action="store_true", help="serve only; another process collects")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("alembic", "apscheduler.executors.default", "waitress.queue"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    log = logging.getLogger("ioc")

    from briefings.settings import load_briefing_settings
    from dashboards.wall.screens import load_screens
    from metrics.config_errors import ConfigError
    from metrics.settings import load_config

    try:
        config = load_config(args.config)
        screens = load_screens(config)
        load_briefing_settings(config)  # checked now, used by the scheduler's weekly briefing
    except ConfigError as error:
        print(f"IOC cannot start, configuration error: {error}", file=sys.stderr)
        return 2

    from metrics.collection import Collector
    from metrics.scheduler import HEARTBEAT_SECONDS, CollectionScheduler
    from metrics.store import Store

    store = Store(config.store_url)
    try:
        store.upgrade()
    except Exception as error:
        print(
            f"IOC cannot start: the store {store.describe()} is unreachable or cannot be upgraded: {error}",
            file=sys.stderr,
        )
        return 3
    log.info("store %s ready (data folder %s)", store.describe(), config.data_dir)

    from waitress import create_server

    from dashboards.webapp import create_app

    scheduler = None
    app = create_app(config, store, lambda: scheduler.state if scheduler else None, HEARTBEAT_SECONDS, screens)
    host = args.host or config.settings.app.host
    port = args.port or config.settings.app.port
    try:  # bind first: a process that cannot serve must not go on collecting (and hold the scheduler lock)
        server = create_server(app.server, host=host, port=port, threads=8, ident="IOC")
    except OSError as error:
        print(f"IOC cannot start: cannot listen on {host}:{port} ({error})", file=sys.stderr)
        return 4
    if not args.no_scheduler:
        from briefings import jobs

        scheduler = CollectionScheduler(Collector(config, store), lambda s: jobs.register(s, store, config))
        scheduler.start()

    def stop(*_):
        if scheduler:
            scheduler.shutdown(grace_seconds=10)
        # As in `python -m metrics scheduler`: a fetch hung on a unit system must not keep
        # the process alive after its runs in progress had their chance to commit.
        logging.shutdown()
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    log.info("serving on http://%s:%d/", host, port)
    try:
        server.run()
    finally:
        if scheduler:
            scheduler.shutdown(wait=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
