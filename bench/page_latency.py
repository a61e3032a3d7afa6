"""Callback latency of every page and the wall over 26 weeks of demo history, as a ratio to a
trivial Dash callback measured in the same run.

    python bench/page_latency.py [--requests 200]

Serves the IOC (`python app.py --no-scheduler`) and a one-callback Dash app side by side,
both under waitress on loopback, and times warm-cache requests from this process.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from serving import ROOT, filled_store, free_port, served, wait  # noqa: E402

from metrics.settings import load_config  # noqa: E402
from tests.accounts import signed_in_headers  # noqa: E402

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
PAGES = {
    "overview": ("/", ""),
    "effectiveness": ("/hieu-qua", ""),
    "project06": ("/de-an-06", ""),
    "databases": ("/co-so-du-lieu", ""),
    "database": ("/csdl", "?db=KCB"),
    "unit": ("/don-vi", "?unit=KCB"),
    "lineage": ("/nguon-goc", "?metric=db_score_dung&unit=KCB&database=KCB"),
    "sources": ("/nguon-du-lieu", ""),
    "briefings": ("/ban-tin", ""),
}  # briefings is never cached (LIVE): it reads its small tables each time


def callback(base: str, output: str, inputs: list[tuple[str, str, object]], path: str = "/") -> urllib.request.Request:
    body = {
        "output": f"{output}.children",
        "outputs": {"id": output, "property": "children"},
        "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
        "changedPropIds": [f"{inputs[0][0]}.{inputs[0][1]}"],
        "state": [],
    }
    return urllib.request.Request(
        base + "/_dash-update-component",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Referer": base + path},
        method="POST",
    )


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
        store = filled_store(folder, 26, live=True)
        trivial_port = free_port()
        trivial_server = subprocess.Popen(
            [sys.executable, "-c", TRIVIAL_APP, str(trivial_port)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            with served(store, folder) as ioc:
                trivial = f"http://127.0.0.1:{trivial_port}"
                wait(trivial + "/")
                version = store.data_version()
                headers = signed_in_headers(ioc, store, load_config())  # every page needs a sign-in

                def signed(request: urllib.request.Request) -> urllib.request.Request:
                    for name, value in headers.items():
                        request.add_header(name, value)
                    return request

                floor_p50, floor_p95 = timed(lambda: callback(trivial, "out", [("in", "value", "x")]), args.requests)
                print(f"{store.count_samples():,} samples, 26 weeks; {args.requests} warm requests each")
                print(f"{'trivial Dash callback (floor)':34} p50 {floor_p50:7.1f} ms  p95 {floor_p95:7.1f} ms")
                for name, (path, search) in PAGES.items():
                    inputs = [("data-version", "data", version), ("url", "search", search)]
                    p50, p95 = timed(
                        lambda body=f"{name}-body", inputs=inputs, path=path: signed(callback(ioc, body, inputs, path)),
                        args.requests,
                    )
                    print(
                        f"{name + ' page body':34} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  = "
                        f"{p50 / floor_p50:5.1f}x / {p95 / floor_p95:5.1f}x floor"
                    )
                wall = f"{ioc}/api/wall?lang=vi&screen=phong-dieu-hanh&client=bench"
                p50, p95 = timed(lambda: signed(urllib.request.Request(wall)), args.requests)
                print(
                    f"{'wall playlist (/api/wall)':34} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  = "
                    f"{p50 / floor_p50:5.1f}x / {p95 / floor_p95:5.1f}x floor (target p95 < 10x)"
                )
        finally:
            trivial_server.terminate()
            trivial_server.wait(15)


if __name__ == "__main__":
    main()
