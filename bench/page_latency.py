"""Callback latency of every page and the wall over 26 weeks of demo history, as a ratio to a
trivial Dash callback measured in the same run.

    python bench/page_latency.py [--requests 200]

Serves the IOC (`python app.py --no-scheduler`) and a one-callback Dash app side by side,
both under waitress on loopback, and times warm-cache requests from this process.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from metrics.collection import Collector, backfill  # noqa: E402
from metrics.settings import load_config  # noqa: E402
from metrics.store import Store  # noqa: E402

TRIVIAL_APP = textwrap.dedent("""
    import sys
    from dash import Dash, Input, Output, dcc, html
    from waitress import serve
    app = Dash(__name__)
    app.layout = html.Div([dcc.Input(id="in", value="x"), html.Div(id="out")])
    @app.callback(Output("out", "children"), Input("in", "value"))
    def echo(value):
        return value
    serve(app.server, host="127.0.0.1", port=int(sys.argv[1]), threads=8, _quiet=True)
""")
PAGES = {"overview": "/", "effectiveness": "/hieu-qua", "project06": "/de-an-06", "databases": "/co-so-du-lieu",
         "sources": "/nguon-du-lieu"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait(url: str) -> None:
    for _ in range(300):
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


def callback(base: str, output: str, input_id: str, prop: str, value, path: str = "/") -> urllib.request.Request:
    body = {"output": f"{output}.children", "outputs": {"id": output, "property": "children"},
            "inputs": [{"id": input_id, "property": prop, "value": value}], "changedPropIds": [f"{input_id}.{prop}"],
            "state": []}
    return urllib.request.Request(base + "/_dash-update-component", data=json.dumps(body).encode(),
                                  headers={"Content-Type": "application/json", "Referer": base + path}, method="POST")


def timed(request_factory, count: int) -> tuple[float, float]:
    for _ in range(5):  # warm up (and warm the cache)
        urllib.request.urlopen(request_factory(), timeout=30).read()
    times = []
    for _ in range(count):
        started = time.perf_counter()
        urllib.request.urlopen(request_factory(), timeout=30).read()
        times.append(time.perf_counter() - started)
    times.sort()
    return statistics.median(times) * 1000, times[int(0.95 * (len(times) - 1))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store = Store(f"sqlite:///{folder}/ioc.sqlite3")
        store.upgrade()
        config = dataclasses.replace(load_config(), data_dir=Path(folder))
        collector = Collector(config, store)
        backfill(collector, 26)
        collector.collect_all()
        ioc_port, trivial_port = free_port(), free_port()
        env = {**os.environ, "IOC_STORE_URL": store.url, "IOC_DATA_DIR": folder}
        servers = [subprocess.Popen([sys.executable, "app.py", "--no-scheduler", "--port", str(ioc_port)], cwd=ROOT, env=env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
                   subprocess.Popen([sys.executable, "-c", TRIVIAL_APP, str(trivial_port)], cwd=ROOT,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
        try:
            ioc, trivial = f"http://127.0.0.1:{ioc_port}", f"http://127.0.0.1:{trivial_port}"
            wait(ioc + "/healthz")
            wait(trivial + "/")
            version = store.data_version()
            floor_p50, floor_p95 = timed(lambda: callback(trivial, "out", "in", "value", "x"), args.requests)
            print(f"{store.count_samples():,} samples, 26 weeks; {args.requests} warm requests each")
            print(f"{'trivial Dash callback (floor)':34} p50 {floor_p50:7.1f} ms  p95 {floor_p95:7.1f} ms")
            for name, path in PAGES.items():
                p50, p95 = timed(lambda: callback(ioc, f"{name}-body", "data-version", "data", version, path), args.requests)
                print(f"{name + ' page body':34} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  = {p50 / floor_p50:5.1f}x / {p95 / floor_p95:5.1f}x floor")
            p50, p95 = timed(lambda: urllib.request.Request(f"{ioc}/api/wall?lang=vi&screen=phong-dieu-hanh&client=bench"),
                             args.requests)
            print(f"{'wall playlist (/api/wall)':34} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  = {p50 / floor_p50:5.1f}x / "
                  f"{p95 / floor_p95:5.1f}x floor (target p95 < 10x)")
        finally:
            for server in servers:
                server.terminate()
                server.wait(15)


if __name__ == "__main__":
    main()
