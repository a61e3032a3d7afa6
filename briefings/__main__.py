"""python -m briefings: build the weekly briefing by hand, or do what the scheduler does.

    python -m briefings weekly [--week 2026-W48] [--unit CODE] [--lang vi|en] [--out DIR]
    python -m briefings owed      # build every owed edition and send pending e-mails
    python -m briefings send      # send pending e-mails only

weekly builds the edition of the week (the last full week by default, in local time),
archives it with its SHA-256 and data version, and copies the PDF, DOCX and XLSX to --out.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m briefings", description="IOC weekly briefing")
    parser.add_argument("--config", help="settings file (default config/settings.toml, or IOC_CONFIG)")
    commands = parser.add_subparsers(dest="command", required=True)
    weekly = commands.add_parser("weekly", help="build one edition of the weekly briefing")
    weekly.add_argument("--week", help="ISO week, e.g. 2026-W48 (default: the last full week)")
    weekly.add_argument("--unit", help="unit code (default: the ministry-wide edition)")
    weekly.add_argument("--lang", choices=["vi", "en"], default="vi")
    weekly.add_argument("--out", help="also copy the files to this folder")
    commands.add_parser("owed", help="build the editions the schedule owes, then send pending e-mails")
    commands.add_parser("send", help="send pending e-mails")
    args = parser.parse_args(argv)

    from briefings.settings import load_briefing_settings
    from metrics.startup import StartupFailed, start

    try:
        started = start(args.config, checks=[load_briefing_settings])
    except StartupFailed as failure:
        return failure.report()
    config, store = started.config, started.store
    settings = load_briefing_settings(config)

    if args.command == "send":
        from briefings.delivery import send_pending

        print(send_pending(store, config, settings))
        return 0
    if args.command == "owed":
        from briefings.jobs import build_owed

        counts = build_owed(store, config, settings, trigger="manual")
        print(counts)
        return 1 if counts.get("failed") else 0

    from base.localtime import iso_week_label, last_full_week
    from briefings.archive import BuildFailed, archive_dir
    from briefings.commands import Refused, build_requested

    week = args.week or iso_week_label(last_full_week(time.time()))
    try:
        edition = build_requested(store, config, week=week, scope=args.unit or "", lang=args.lang, settings=settings)
    except Refused as refusal:
        print(f"cannot build the briefing: {refusal}", file=sys.stderr)
        return 2
    except BuildFailed as error:
        print(f"the briefing was not built: {error}", file=sys.stderr)
        return 1
    out = Path(args.out) if args.out else None
    if out:
        out.mkdir(parents=True, exist_ok=True)
    print(
        f"edition {edition.id}: {edition.briefing.week_label} {edition.briefing.scope_name} ({args.lang}), "
        f"data version {edition.briefing.data_version}"
    )
    for fmt, entry in edition.files.items():
        source = archive_dir(config) / entry["path"]
        target = source
        if out:
            target = out / f"ban-tin-{edition.briefing.week_label}-{args.unit or 'BO'}-{args.lang}.{fmt}"
            shutil.copyfile(source, target)
        print(f"  {fmt:5} {entry['sha256']}  {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
