"""Command line of the collectors.

python -m metrics collect [--once] [--source ID ...]   run collectors now and exit
python -m metrics scheduler                            the scheduler alone (one per store)
python -m metrics backfill                             fill a new store with history
python -m metrics upgrade                              create or upgrade the store schema
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading

from metrics.config_errors import ConfigError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m metrics", description="IOC collectors and store")
    parser.add_argument("--config", help="settings file (default config/settings.toml or IOC_CONFIG)")
    commands = parser.add_subparsers(dest="command", required=True)
    collect = commands.add_parser("collect", help="run the collectors once, now")
    collect.add_argument("--once", action="store_true", help="run each source once and exit (the default)")
    collect.add_argument("--source", action="append", metavar="ID", help="only this source (repeatable)")
    commands.add_parser("scheduler", help="run the collection scheduler until stopped")
    commands.add_parser("backfill", help="fill the store with history")
    commands.add_parser("upgrade", help="create or upgrade the store schema")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    from metrics.collection import Collector, backfill
    from metrics.scheduler import CollectionScheduler
    from metrics.settings import load_config
    from metrics.store import Store

    try:
        config = load_config(args.config)
        if args.command == "scheduler":
            from briefings.settings import load_briefing_settings

            load_briefing_settings(config)  # the scheduler builds the weekly briefing too
    except ConfigError as error:
        print(f"configuration error: {error}", file=sys.stderr)
        return 2
    store = Store(config.store_url)
    store.upgrade()
    if args.command == "upgrade":
        return 0
    collector = Collector(config, store)
    if args.command == "collect":
        unknown = [s for s in args.source or [] if s not in collector.sources]
        if unknown:
            print(f"unknown source: {', '.join(unknown)}", file=sys.stderr)
            return 2
        results = collector.collect_all(args.source)
        for source_id, outcome in sorted(results.items()):
            print(
                f"{source_id:24} {outcome.status:8} written={outcome.rows_written} "
                f"quarantined={outcome.rows_rejected} {outcome.error or ''}"
            )
        return 0 if all(o.status == "ok" for o in results.values()) else 1
    if args.command == "backfill":
        backfill(collector, config.settings.collection.backfill_weeks)
        return 0
    # The entry point composes: the weekly briefing is scheduled under the same lock as the
    # collections (metrics' own modules know nothing of briefings).
    from briefings import jobs

    scheduler = CollectionScheduler(collector, lambda s: jobs.register(s, store, config))
    if not scheduler.start():
        print("another scheduler is already running for this store", file=sys.stderr)
        return 1
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    stop.wait()
    scheduler.shutdown(grace_seconds=10)
    # Threads still waiting on a hung unit system must not hold the process: what was to be
    # committed is committed, the rest is logged as interrupted at the next start.
    logging.shutdown()
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
