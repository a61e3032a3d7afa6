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

    from dashboards.screens import load_screens
    from metrics.scheduled_jobs import check_jobs, registrar
    from metrics.startup import StartupFailed, port_taken, start

    try:
        started = start(args.config, checks=[load_screens, check_jobs])
    except StartupFailed as failure:
        return failure.report()
    config, store = started.config, started.store
    _first_admin(store, config)

    from waitress import create_server

    from dashboards.webapp import create_app
    from metrics.collection import Collector
    from metrics.scheduler import HEARTBEAT_SECONDS, CollectionScheduler

    scheduler = None
    app = create_app(config, store, lambda: scheduler.state if scheduler else None, HEARTBEAT_SECONDS)
    host = args.host or config.settings.app.host
    port = args.port or config.settings.app.port
    try:  # bind first: a process that cannot serve must not go on collecting (and hold the scheduler lock)
        server = create_server(app.server, host=host, port=port, threads=8, ident="IOC")
    except OSError as error:
        return port_taken(host, port, error).report()
    if not args.no_scheduler:
        from dashboards import prebuild

        prebuild.use(app.server.config["IOC_READER"], store)  # the scheduler's snapshot job uses this app's
        scheduler = CollectionScheduler(Collector(config, store), registrar(config, store))
        scheduler.start()

    def stop(*_: object) -> None:
        if scheduler:
            scheduler.shutdown(grace_seconds=10)
        # As in `python -m metrics scheduler`: a fetch hung on a unit system must not keep
        # the process alive after its runs in progress had their chance to commit.
        logging.shutdown()
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    logging.getLogger("ioc").info("serving on http://%s:%d/", host, port)
    try:
        server.run()
    finally:
        if scheduler:
            scheduler.shutdown(wait=False)
    return 0


def _first_admin(store, config) -> None:
    """A store without any account gets an administrator whose password is random and shown
    here, once: the newcomer's way in (there is no default password)."""
    from metrics import users

    created = users.first_admin(store, config.catalogue)
    if created is not None:
        user, password = created
        print(
            f"\nNo account yet: created the administrator '{user.username}' with the password\n\n    {password}\n\n"
            "It is shown only this once. Sign in with it, then add accounts with\n"
            "    python -m metrics users add NAME --role leadership|focal_point|department_head|admin\n"
            f"and change it with: python -m metrics users reset {user.username}\n",
            file=sys.stderr,
            flush=True,
        )


if __name__ == "__main__":
    sys.exit(main())
