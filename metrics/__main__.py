"""Command line of the collectors.

python -m metrics collect [--once] [--source ID ...]   run collectors now and exit
python -m metrics scheduler                            the scheduler alone (one per store)
python -m metrics backfill                             fill a new store with history
python -m metrics upgrade                              create or upgrade the store schema
python -m metrics backup FILE                          a consistent copy of the store
python -m metrics restore FILE                         the store's content replaced by a backup
python -m metrics rollups rebuild                      daily/weekly rollups and latest values from raw samples
python -m metrics rollups prune                        remove raw samples past store.raw_retention_days
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading

# Commands that rebuild the rollups, copy the store or touch no figure: a time zone changed
# since the rollups were cut does not stop them (metrics/startup.py).
ZONE_FREE = ("rollups", "upgrade", "backup", "restore", "audit", "users", "api-tokens")


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
    backup_command = commands.add_parser("backup", help="a consistent copy of the store (SQLite file, pg_dump)")
    backup_command.add_argument("file")
    restore_command = commands.add_parser("restore", help="replace the store's content by a backup (processes stopped)")
    restore_command.add_argument("file")
    rollups_command = commands.add_parser("rollups", help="the rollups the writer keeps: rebuild, prune")
    rollups_command.add_argument("action", choices=["rebuild", "prune"])
    audit_command = commands.add_parser("audit", help="print the audit log as CSV, newest first")
    audit_command.add_argument("--since", metavar="YYYY-MM-DD", help="only entries from this local day on")
    audit_command.add_argument("--limit", type=int, help="at most this many entries")
    from metrics.users import ROLES

    accounts = commands.add_parser("users", help="local accounts: add, disable, reset, list")
    account_commands = accounts.add_subparsers(dest="users_command", required=True)
    add = account_commands.add_parser("add", help="a new account (the password is asked for)")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--unit", default="", help="a department head's unit code")
    add.add_argument("--name", default="", help="the person's name as pages show it")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    for name, text in (("disable", "the account can no longer sign in"), ("reset", "a new password")):
        sub = account_commands.add_parser(name, help=text)
        sub.add_argument("username")
        if name == "reset":
            sub.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    account_commands.add_parser("list", help="every account, its role, unit and state")
    tokens = commands.add_parser("api-tokens", help="the read API's consumers: add, revoke, list")
    token_commands = tokens.add_subparsers(dest="tokens_command", required=True)
    add_token = token_commands.add_parser("add", help="a consumer and its token (shown once)")
    add_token.add_argument("name", help="who reads with it, e.g. 'IOC Chính phủ'")
    for dimension in ("units", "provinces", "metrics"):
        add_token.add_argument(f"--{dimension}", default="", help=f"comma-separated {dimension} it may read (all)")
    add_token.add_argument("--per-minute", type=int, default=None, help="calls a minute (api.requests_per_minute)")
    token_commands.add_parser("revoke", help="refuse a consumer's token from now on").add_argument("id", type=int)
    token_commands.add_parser("list", help="every consumer, its scope and state")
    args = parser.parse_args(argv)

    from metrics.collection import Collector, backfill
    from metrics.scheduled_jobs import check_jobs, registrar
    from metrics.scheduler import CollectionScheduler
    from metrics.startup import StartupFailed, start

    try:  # the scheduler also runs the configured jobs (the weekly briefing): their settings are checked too
        started = start(
            args.config,
            checks=[check_jobs] if args.command == "scheduler" else [],
            # these rebuild the rollups, copy the store or touch no figure: a zone changed does not stop them
            rollups_in_zone=args.command
            not in ("rollups", "upgrade", "backup", "restore", "audit", "users", "api-tokens"),
        )
    except StartupFailed as failure:
        return failure.report()
    config, store = started.config, started.store
    if args.command == "upgrade":
        return 0
    if args.command in ("backup", "restore"):
        from pathlib import Path

        from metrics import backup
        from metrics.scheduler import HEARTBEAT_SECONDS

        try:
            if args.command == "backup":
                written = backup.backup(store, Path(args.file))
                print(f"backup of {store.describe()} written to {written} ({written.stat().st_size:,} bytes)")
            else:
                backup.restore(store, Path(args.file), HEARTBEAT_SECONDS)
                print(f"{store.describe()} restored from {args.file}")
        except backup.BackupError as error:
            print(f"{args.command}: {error}", file=sys.stderr)
            return 2
        return 0
    if args.command == "rollups":
        return rollups(store, config, args.action)
    if args.command == "audit":
        return print_audit(store, args.since, args.limit)
    if args.command == "users":
        return manage_users(store, config, args)
    if args.command == "api-tokens":
        return manage_api_tokens(store, config, args)
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
    scheduler = CollectionScheduler(collector, registrar(config, store))
    if not scheduler.start():
        print("another scheduler is already running for this store", file=sys.stderr)
        return 1
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    from metrics.scheduler import HEARTBEAT_SECONDS

    while not stop.wait(HEARTBEAT_SECONDS):
        if scheduler.state != "lost-lock":
            continue
        # The store's connection, and the lock with it, went away (PostgreSQL restarted, the
        # network cut): take the lock again once the store answers, and collect again.
        replacement = CollectionScheduler(collector, registrar(config, store))
        try:
            if not replacement.start(with_backfill=False):
                print("another scheduler took over this store meanwhile: this one stops", file=sys.stderr)
                break
        except Exception as error:  # noqa: BLE001 - the store still down: try again at the next beat
            logging.getLogger("ioc.scheduler").warning("store not back yet (%s)", str(error).splitlines()[0][:200])
            replacement.lock.release()
            continue
        logging.getLogger("ioc.scheduler").warning("the scheduler lock is held again: collecting")
        scheduler = replacement
    scheduler.shutdown(grace_seconds=10)
    # Threads still waiting on a hung unit system must not hold the process: what was to be
    # committed is committed, the rest is logged as interrupted at the next start.
    logging.shutdown()
    os._exit(0)


def _password(from_stdin: bool) -> str:
    import getpass

    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise ValueError("the two passwords differ")
    return first


def manage_users(store, config, args) -> int:
    """python -m metrics users add|disable|reset|list: what it did on stdout, or why not on stderr (2)."""
    from metrics import users

    try:
        if args.users_command == "add":
            user = users.add(
                store,
                config.catalogue,
                args.username,
                args.role,
                _password(args.password_stdin),
                display_name=args.name,
                unit=args.unit,
            )
            print(f"added {user.username} ({user.role}{' ' + user.unit if user.unit else ''})")
        elif args.users_command == "disable":
            users.disable(store, args.username)
            print(f"disabled {args.username}")
        elif args.users_command == "reset":
            users.reset(store, args.username, _password(args.password_stdin))
            print(f"new password set for {args.username}")
        else:
            for user in users.listed(store):
                state = "active" if user.active else "disabled"
                print(f"{user.username:24} {user.role:16} {user.unit:8} {state:9} {user.display_name}")
    except ValueError as error:  # AccountError, or two passwords that differ
        print(f"users {args.users_command}: {error}", file=sys.stderr)
        return 2
    return 0


def manage_api_tokens(store, config, args) -> int:
    """python -m metrics api-tokens add|revoke|list: the token is printed once, on stdout."""
    from metrics import api_consumers

    try:
        if args.tokens_command == "add":
            scope = api_consumers.checked_scope(
                config.catalogue, args.units.split(","), args.provinces.split(","), args.metrics.split(",")
            )
            per_minute = args.per_minute or config.settings.api.requests_per_minute
            consumer, token = api_consumers.add(store, args.name, scope, per_minute)
            print(f"consumer {consumer.id} ({consumer.name}), scope {scope.described()}, {per_minute} calls a minute")
            print(f"token (shown only now): {token}")
        elif args.tokens_command == "revoke":
            consumer = api_consumers.revoke(store, args.id)
            print(f"revoked consumer {consumer.id} ({consumer.name})")
        else:
            for consumer in api_consumers.listed(store):
                state = "revoked" if consumer.revoked else "active"
                reads = consumer.scope.described()
                print(f"{consumer.id:4} {state:8} {consumer.per_minute:5}/min {consumer.name:30} {reads}")
    except ValueError as error:
        print(f"api-tokens {args.tokens_command}: {error}", file=sys.stderr)
        return 2
    return 0


def rollups(store, config, action: str) -> int:
    """Rebuild every rollup from the raw samples kept, or apply the retention now."""
    import time

    started = time.perf_counter()
    if action == "prune":
        keep = config.settings.store.raw_retention_days
        if not keep:
            print("store.raw_retention_days is 0: every raw sample is kept")
            return 0
        removed = store.prune_raw_samples(keep)
        print(f"{removed:,} raw samples older than {keep} days removed in {time.perf_counter() - started:.1f} s")
        return 0

    def progress(done: int, total: int) -> None:
        print(f"\r{done:,}/{total:,} series", end="", file=sys.stderr, flush=True)

    read = store.rebuild_rollups(progress)
    print(f"\nrollups rebuilt from {read:,} raw samples in {time.perf_counter() - started:.1f} s")
    return 0


def print_audit(store, since: str | None, limit: int | None) -> int:
    """The audit log on standard output as CSV (times local), newest first."""
    import csv
    import datetime as dt

    from base import localtime
    from metrics import audit

    start = None
    if since:
        try:
            start = localtime.midnight(dt.date.fromisoformat(since))
        except ValueError:
            print(f"--since {since!r}: write the day as YYYY-MM-DD", file=sys.stderr)
            return 2
    writer = csv.writer(sys.stdout)
    writer.writerow(["at", "actor", "address", "action", "subject", "outcome", "detail"])
    for entry in audit.entries(store, start, limit):
        at = localtime.wall_clock(entry["at"]).strftime("%Y-%m-%d %H:%M:%S")
        writer.writerow([at, *(entry[k] for k in ("actor", "address", "action", "subject", "outcome", "detail"))])
    return 0


if __name__ == "__main__":
    sys.exit(main())
