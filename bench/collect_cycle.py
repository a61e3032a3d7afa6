"""One collection cycle of 500 HTTP sources on loopback, 10% hanging and 10% failing.

    python bench/collect_cycle.py [--sources 500] [--timeout 5]

Prints the cycle time as a ratio to the per-source timeout (the target: the timeout plus a
few seconds, however many sources hang).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import multiprocessing
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from data_sources.http_json import HttpJsonOptions  # noqa: E402
from metrics.collection import Collector  # noqa: E402
from metrics.settings import SourceConfig, load_config  # noqa: E402
from metrics.store import Store  # noqa: E402

RELEASE = threading.Event()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        if self.path.startswith("/hang"):
            RELEASE.wait(120)
            return
        if self.path.startswith("/fail"):
            self.send_response(503)
            self.end_headers()
            return
        day = time.strftime("%d/%m/%Y")
        body = json.dumps({"items": [{"date": day, "received": 10, "resolved": 9}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def serve(ready) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.request_queue_size = 1024
    ready.put(server.server_address[1])
    server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sources", type=int, default=500)
    parser.add_argument("--timeout", type=float, default=5.0)
    args = parser.parse_args()
    # The unit systems run in another process, so their work does not count as ours.
    ready = multiprocessing.Queue()
    server_process = multiprocessing.Process(target=serve, args=(ready,), daemon=True)
    server_process.start()
    base = f"http://127.0.0.1:{ready.get(timeout=10)}"
    config = load_config()
    units = list(config.catalogue.units)
    sources = []
    for i in range(args.sources):
        path = "/hang" if i % 10 == 0 else ("/fail" if i % 10 == 1 else "/ok")
        sources.append(
            SourceConfig(
                id=f"api-{i:03d}",
                kind="http_json",
                interval_seconds=60,
                timeout_seconds=args.timeout,
                options=HttpJsonOptions(
                    url=f"{base}{path}/{i}",
                    unit=units[i % len(units)],
                    records="items",
                    time_path="date",
                    time_format="%d/%m/%Y",
                    retries=0,
                    request_timeout=args.timeout * 2,
                    values=[
                        {"metric": "tthc_received", "path": "received"},
                        {"metric": "tthc_resolved", "path": "resolved"},
                    ],
                ),
            )
        )
    with tempfile.TemporaryDirectory() as folder:
        store = Store(f"sqlite:///{folder}/cycle.sqlite3")
        store.upgrade()
        collector = Collector(dataclasses.replace(config, sources=tuple(sources), data_dir=Path(folder)), store)
        started = time.perf_counter()
        results = collector.collect_all()
        elapsed = time.perf_counter() - started
    statuses = {}
    for outcome in results.values():
        statuses[outcome.status] = statuses.get(outcome.status, 0) + 1
    workers = config.settings.collection.max_workers
    print(f"{args.sources} HTTP sources ({statuses}), {workers} workers, per-source timeout {args.timeout:g} s")
    print(
        f"cycle time {elapsed:.2f} s = {elapsed / args.timeout:.2f} x the per-source timeout "
        f"(timeout + {elapsed - args.timeout:.2f} s)"
    )
    server_process.terminate()


if __name__ == "__main__":
    main()
