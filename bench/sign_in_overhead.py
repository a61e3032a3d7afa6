"""What sign-in and access checks cost a request: Dash's refresh callback (the request an open
page makes most) asked by a person signed in, through the whole access layer (session cookie,
account re-read, ended-session lookup, the callback's rule), against the same callback on the
same app with the access check taken out, side by side; and one sign-in (Argon2id) against
one request.

    python bench/sign_in_overhead.py [--requests 500]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dashboards.access import Person  # noqa: E402
from dashboards.webapp import create_app  # noqa: E402
from metrics import users  # noqa: E402
from metrics.settings import load_config  # noqa: E402
from metrics.store import Store  # noqa: E402

REFRESH = {
    "output": "..data-version.data...history-banner.children..",
    "outputs": [{"id": "data-version", "property": "data"}, {"id": "history-banner", "property": "children"}],
    "inputs": [{"id": "tick", "property": "n_intervals", "value": 1}],
    "state": [{"id": "data-version", "property": "data", "value": None}],
    "changedPropIds": ["tick.n_intervals"],
}
ORIGIN = {"Origin": "http://localhost"}


def timed(client, requests: int) -> list[float]:
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        answer = client.post("/_dash-update-component", json=REFRESH, headers=ORIGIN)
        times.append(time.perf_counter() - started)
        assert answer.status_code == 200, answer.status_code
    return times


def p(values: list[float], q: float) -> float:
    return sorted(values)[int(q * (len(values) - 1))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=500)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    config = load_config()
    config = type(config)(**{**config.__dict__, "data_dir": folder})
    store = Store(f"sqlite:///{folder / 'ioc.sqlite3'}")
    store.upgrade()
    users.add(store, config.catalogue, "lanh-dao", "leadership", "a benchmark password")

    checked = create_app(config, store).server
    signed_in = checked.test_client()
    signed_in.post("/dang-nhap", data={"username": "lanh-dao", "password": "a benchmark password"}, headers=ORIGIN)

    unchecked = create_app(config, store).server
    # The access check taken out; the callback still finds a person to read for.
    unchecked.before_request_funcs[None] = [
        f for f in unchecked.before_request_funcs[None] if f.__name__ != "check_access"
    ]

    @unchecked.before_request
    def someone() -> None:
        from flask import g

        g.ioc_who = Person("lanh-dao", "Lãnh đạo", "leadership", "", "local")

    anonymous = unchecked.test_client()
    timed(signed_in, 50), timed(anonymous, 50)  # warm both
    with_access, without = [], []
    for _ in range(5):  # interleaved rounds: both sides see the same machine
        with_access += timed(signed_in, args.requests // 5)
        without += timed(anonymous, args.requests // 5)
    sign_ins = []
    for _ in range(4):  # with the first, the 5 a minute a username may try
        started = time.perf_counter()
        checked.test_client().post(
            "/dang-nhap", data={"username": "lanh-dao", "password": "a benchmark password"}, headers=ORIGIN
        )
        sign_ins.append(time.perf_counter() - started)
    m_with, m_without = statistics.median(with_access) * 1000, statistics.median(without) * 1000
    print(f"refresh callback, {len(with_access)} requests each side")
    print(f"  with access checks:    median {m_with:.2f} ms  p95 {p(with_access, 0.95):.2f} ms")
    print(f"  without access checks: median {m_without:.2f} ms  p95 {p(without, 0.95):.2f} ms")
    print(f"  ratio (median): {m_with / m_without:.2f}x  (+{m_with - m_without:.2f} ms a request)")
    m_sign_in = statistics.median(sign_ins) * 1000
    times = m_sign_in / m_with
    print(f"one sign-in (Argon2id verify, session, audit): median {m_sign_in:.0f} ms = {times:.0f}x a request")


if __name__ == "__main__":
    main()
