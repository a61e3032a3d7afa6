"""Load on loopback: wall screens polling and department heads browsing, against gunicorn with
2 workers over a national store while the scheduler collects; prints p50/p95 and errors.

    pip install -r bench/requirements.txt
    python bench/load_test.py sqlite:////tmp/national.sqlite3 [--seconds 120] [--walls 100] [--heads 30]

The store's accounts and wall devices for the run are made first (department heads of every
unit in turn; devices spread over the configured screens); the users are bench/locustfile.py,
run by locust headless. The scheduler collects the demo sources meanwhile (every minute) and
builds the pages' snapshot after each collection. Not a test.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from serving import ROOT, children, memory, production  # noqa: E402
from sqlalchemy import text  # noqa: E402

from metrics import devices, users  # noqa: E402
from metrics.settings import load_config  # noqa: E402
from metrics.store import Store  # noqa: E402

PASSWORD = "load test password 2026"


def credentials(store: Store, walls: int, heads: int) -> dict:
    config = load_config()
    screens = [s["name"] for s in tomllib.loads((ROOT / "config" / "screens.toml").read_text())["screens"]]
    units = list(config.catalogue.units)
    made_heads = []
    for i in range(heads):
        unit = units[i % len(units)]
        username = f"load-{unit.lower()}-{i}"
        if users.found(store, username) is None:
            users.add(store, config.catalogue, username, "department_head", PASSWORD, display_name=username, unit=unit)
        made_heads.append({"username": username, "password": PASSWORD, "unit": unit})
    made_devices = []
    for i in range(walls):
        screen = screens[i % len(screens)]
        _device, token = devices.add(store, screen, f"load test {i}", actor="bench")
        made_devices.append({"screen": screen, "token": token})
    return {"heads": made_heads, "devices": made_devices}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--walls", type=int, default=100)
    parser.add_argument("--heads", type=int, default=30)
    args = parser.parse_args()
    store = Store(args.url)
    with tempfile.TemporaryDirectory() as folder:
        made = Path(folder) / "credentials.json"
        made.write_text(json.dumps(credentials(store, args.walls, args.heads)))
        with production(args.url, folder) as (base, (web, scheduler)):
            env = {
                **os.environ,
                "IOC_LOAD_CREDENTIALS": str(made),
                "IOC_WALLS": str(args.walls),
                "IOC_HEADS": str(args.heads),
            }
            started = time.time()
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "locust",
                    "-f",
                    str(ROOT / "bench" / "locustfile.py"),
                    "--headless",
                    "-u",
                    str(args.walls + args.heads),
                    "-r",
                    "20",
                    "-t",
                    f"{args.seconds}s",
                    "--host",
                    base,
                    "--csv",
                    str(Path(folder) / "load"),
                    "--only-summary",
                    "--loglevel",
                    "WARNING",
                ],
                env=env,
                check=False,
                stdout=subprocess.DEVNULL,
            )
            with store.engine.connect() as connection:
                runs = connection.execute(
                    text("SELECT COUNT(*) FROM collection_runs WHERE started_at >= :started"), {"started": started}
                ).scalar_one()
            print(
                f"{store.describe()}: {store.count_samples():,} samples; {args.walls} wall screens polling "
                f"every 20 s, {args.heads} department heads browsing, {args.seconds} s, {runs} collections meanwhile"
            )
            print(f"{'request':28} {'count':>7} {'errors':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
            with open(Path(folder) / "load_stats.csv", encoding="utf-8") as stats:
                for row in csv.DictReader(stats):
                    print(
                        f"{row['Name'][:28]:28} {row['Request Count']:>7} {row['Failure Count']:>7} "
                        f"{row['50%']:>8} {row['95%']:>8} {row['99%']:>8} {float(row['Max Response Time']):>8.0f}"
                    )
            failures = Path(folder) / "load_failures.csv"
            if failures.exists():
                for row in list(csv.DictReader(failures.open(encoding="utf-8")))[:10]:
                    print(f"  error: {row['Name']}: {row['Error'][:150]} x{row['Occurrences']}")
            for pid in children(web.pid):
                print(f"web worker {pid}: {memory(pid)}")
            print(f"scheduler: {memory(scheduler.pid)}")
        with store.engine.begin() as connection:  # the run's devices and accounts go
            connection.execute(text("DELETE FROM screen_devices WHERE label LIKE :label"), {"label": "load test %"})
            connection.execute(text("DELETE FROM users WHERE username LIKE :name"), {"name": "load-%"})


if __name__ == "__main__":
    main()
