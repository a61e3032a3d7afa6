"""Every page's callback on the national store, warm and right after collections, as a ratio to
a trivial Dash callback measured in the same run; and the web process's memory.

    python bench/national_pages.py sqlite:////tmp/national.sqlite3 [--requests 100] [--bumps 8]

Serves the IOC as in production (gunicorn with 2 workers, and `python -m metrics scheduler`
collecting the demo sources and building the pages' snapshot) over the store, and a
one-callback Dash app beside it under waitress, on loopback, signed in as leadership. "After a collection": a
collection's write (one run, through the store's writer) is committed, then the page is asked
for ten times over two seconds, as an open page polling would; that is repeated --bumps times.
Not a test.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from page_latency import PAGES, TRIVIAL_APP, callback  # noqa: E402
from serving import ROOT, children, free_port, memory, production, wait  # noqa: E402

from base.localtime import bucket_start  # noqa: E402
from metrics.settings import load_config  # noqa: E402
from metrics.store import Sample, SeriesKey, Store  # noqa: E402
from tests.accounts import signed_in_headers  # noqa: E402


def percentiles(times: list[float]) -> tuple[float, float]:
    times = sorted(times)
    return statistics.median(times) * 1000, times[int(0.95 * (len(times) - 1))] * 1000


def ask(request_factory) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(request_factory(), timeout=120) as answer:
        answer.read()
    return time.perf_counter() - started


def collect_one(store: Store, round_: int) -> None:
    """A small collection through the writer: one province's count of today changes."""
    key = SeriesKey("tthc_received", "KCB", "", "tinh=01")
    run_id = store.start_run("demo-kcb", "collect", None, None)
    store.finish_run(run_id, "demo-kcb", "ok", [Sample(key, bucket_start(time.time(), "day"), 100.0 + round_)])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--bumps", type=int, default=8)
    args = parser.parse_args()
    config = load_config()
    store = Store(args.url)
    with tempfile.TemporaryDirectory() as folder, production(args.url, folder) as (ioc, (web, scheduler)):
        trivial_port = free_port()
        trivial_process = subprocess.Popen(
            [sys.executable, "-c", TRIVIAL_APP, str(trivial_port)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            trivial = f"http://127.0.0.1:{trivial_port}"
            wait(trivial + "/")
            headers = signed_in_headers(ioc, store, config)

            def signed(request: urllib.request.Request) -> urllib.request.Request:
                for name, value in headers.items():
                    request.add_header(name, value)
                return request

            floor = [ask(lambda: callback(trivial, "out", [("in", "value", "x")])) for _ in range(args.requests)]
            floor_p50, floor_p95 = percentiles(floor)
            print(f"{store.describe()}: {store.count_samples():,} samples")
            print(f"{'trivial Dash callback (floor)':30} p50 {floor_p50:7.1f} ms  p95 {floor_p95:7.1f} ms")
            started = time.perf_counter()
            ask(
                lambda: signed(
                    callback(ioc, "overview-body", [("data-version", "data", None), ("url", "search", "")], "/")
                )
            )
            print(f"first request of a cold start (the snapshot built once): {time.perf_counter() - started:.2f} s")

            def measure(label: str, request_factory, round_base: int) -> None:
                """Warm requests, then ten over two seconds after each of --bumps collections."""
                for _ in range(3):
                    ask(request_factory)
                warm = [ask(request_factory) for _ in range(args.requests)]
                after = []
                for round_ in range(args.bumps):
                    collect_one(store, round_base + round_)
                    for _ in range(10):
                        after.append(ask(request_factory))
                        time.sleep(0.2)
                _w50, w95 = percentiles(warm)
                a50, a95 = percentiles(after)
                print(
                    f"{label:30} warm p95 {w95:7.1f} ms ({w95 / floor_p95:4.1f}x)   "
                    f"after collections p50 {a50:7.1f} p95 {a95:7.1f} ms ({a95 / floor_p95:4.1f}x)"
                )

            for name, (path, search) in PAGES.items():
                inputs = [("data-version", "data", None), ("url", "search", search)]
                measure(
                    name,
                    lambda name=name, path=path, inputs=inputs: signed(callback(ioc, f"{name}-body", inputs, path)),
                    0,
                )
            wall = ioc + "/api/wall?lang=vi&screen=phong-dieu-hanh"
            measure("wall playlist (/api/wall)", lambda: signed(urllib.request.Request(wall)), 100)
            for pid in children(web.pid):
                print(f"web worker {pid} after every page: {memory(pid)}")
            print(f"scheduler (collections and the snapshot): {memory(scheduler.pid)}")
        finally:
            trivial_process.terminate()
            trivial_process.wait(15)


if __name__ == "__main__":
    main()
