"""Pages of `/api/v1/series/{id}/samples` a second, side by side with reading the same rows, a
page at a time, with the store's driver. Build the store first with bench/national_dataset.py:

    python bench/api_samples.py sqlite:////tmp/national.sqlite3
    python bench/api_samples.py postgresql+psycopg://postgres@127.0.0.1:5432/national

Ours is the whole call in the app's process (Flask's test client: no socket): the token looked
up, the rate counted, the parameters checked, the keyset read, the models built and written
as JSON, the ETag, and the audit log's entry the call leaves. The driver's side runs the same
keyset query on a raw connection (sqlite3 / psycopg) and keeps the rows. Pages are walked over
the same series, interleaved in rounds so both meet the same cache. Also over HTTP (waitress on
loopback, as deployed behind a proxy) for the absolute figure. Not a test.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402
from waitress.server import create_server  # noqa: E402

from dashboards.webapp import create_app  # noqa: E402
from metrics import api_consumers  # noqa: E402
from metrics.settings import load_config  # noqa: E402
from metrics.store import Store  # noqa: E402


def driver_pages(url: str):
    """A function reading one series' samples a page at a time with the raw driver."""
    if url.startswith("sqlite"):
        import sqlite3

        connection = sqlite3.connect(url.split("///", 1)[1])
        mark = "?"
    else:
        import psycopg

        connection = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)
        mark = "%s"
    query = (
        f"SELECT ts, value FROM samples WHERE series_id = {mark} AND ts >= {mark} AND ts < {mark} "
        f"AND ts > {mark} ORDER BY ts LIMIT {mark}"
    )

    def walk(series_id: int, limit: int) -> int:
        pages, after = 0, -1
        while True:
            cursor = connection.cursor()
            cursor.execute(query, (series_id, 0, 2**53, after, limit))
            rows = cursor.fetchall()
            pages += 1
            if len(rows) < limit:
                return pages
            after = rows[-1][0]

    return walk


def api_pages(get):
    def walk(series_id: int, limit: int) -> int:
        pages, address = 0, f"/api/v1/series/{series_id}/samples?limit={limit}"
        while address:
            body = get(address)
            pages += 1
            address = body["next"]
        return pages

    return walk


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--series", type=int, default=20, help="series walked in each round")
    parser.add_argument("--limit", type=int, default=100, help="samples a page")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    store = Store(args.url)
    with store.engine.connect() as connection:
        chosen = (
            connection.execute(text("SELECT id FROM series ORDER BY id LIMIT :n OFFSET 1000"), {"n": args.series})
            .scalars()
            .all()
        )
        per_series = connection.execute(
            text("SELECT COUNT(*) FROM samples WHERE series_id = :s"), {"s": chosen[0]}
        ).scalar_one()
    print(f"{store.describe()}: {store.count_samples():,} samples; {len(chosen)} series of ~{per_series} samples")
    with tempfile.TemporaryDirectory() as folder:
        config = dataclasses.replace(load_config(), data_dir=Path(folder))
        app = create_app(config, store)
        _consumer, token = api_consumers.add(store, "bench", api_consumers.Scope(), api_consumers.MAX_PER_MINUTE)
        client = app.server.test_client()
        headers = {"Authorization": f"Bearer {token}"}

        def in_process(address: str) -> dict:
            answer = client.get(address, headers=headers)
            assert answer.status_code == 200, answer.get_data(as_text=True)[:200]
            return answer.get_json()

        ours, theirs = api_pages(in_process), driver_pages(args.url)
        rates: dict[str, list[float]] = {"ours": [], "driver": []}
        for _round in range(args.rounds):
            for name, walk in (("ours", ours), ("driver", theirs)):
                started, pages = time.perf_counter(), 0
                for series_id in chosen:
                    pages += walk(series_id, args.limit)
                rates[name].append(pages / (time.perf_counter() - started))
        ours_rate, driver_rate = statistics.median(rates["ours"]), statistics.median(rates["driver"])
        print(
            f"  pages of {args.limit} samples a second: ours {ours_rate:,.0f}, driver {driver_rate:,.0f}, "
            f"ratio ours/driver {ours_rate / driver_rate:.3f} (rounds: ours {[round(r) for r in rates['ours']]}, "
            f"driver {[round(r) for r in rates['driver']]})"
        )

        server = create_server(app.server, host="127.0.0.1", port=0, threads=4)
        threading.Thread(target=server.run, daemon=True).start()
        base = f"http://127.0.0.1:{server.effective_port}"

        def over_http(address: str) -> dict:
            request = urllib.request.Request(base + address, headers=headers)
            with urllib.request.urlopen(request, timeout=30) as answer:
                return json.loads(answer.read())

        started, pages = time.perf_counter(), 0
        for series_id in chosen:
            pages += api_pages(over_http)(series_id, args.limit)
        rate = pages / (time.perf_counter() - started)
        print(f"  over HTTP (waitress, loopback, one client): {rate:,.0f} pages a second")
        server.close()


if __name__ == "__main__":
    main()
