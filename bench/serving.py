"""What the browser and latency benchmarks share: a store filled with demo history, and the
IOC served over it by `python app.py --no-scheduler` in a process of its own."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from metrics.collection import Collector, backfill  # noqa: E402
from metrics.settings import load_config  # noqa: E402
from metrics.store import Store  # noqa: E402


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


def filled_store(folder: str, weeks: int, live: bool = False) -> Store:
    """A SQLite store in folder with weeks of the default demo history (and one live cycle)."""
    store = Store(f"sqlite:///{folder}/ioc.sqlite3")
    store.upgrade()
    collector = Collector(dataclasses.replace(load_config(), data_dir=Path(folder)), store)
    backfill(collector, weeks)
    if live:
        collector.collect_all()
    return store


@contextlib.contextmanager
def served(store: Store, folder: str) -> Iterator[str]:
    """The IOC over store, serving on a free port; yields its base URL."""
    port = free_port()
    env = {**os.environ, "IOC_STORE_URL": store.url, "IOC_DATA_DIR": folder}
    process = subprocess.Popen(
        [sys.executable, "app.py", "--no-scheduler", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait(base + "/healthz")
        yield base
    finally:
        process.terminate()
        process.wait(15)
