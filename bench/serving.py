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


@contextlib.contextmanager
def production(store_url: str, folder: str, workers: int = 2) -> Iterator[tuple[str, list[subprocess.Popen]]]:
    """The IOC as deployed over store_url: gunicorn with workers, and one `python -m metrics
    scheduler` collecting the demo sources (no backfill: the store is filled) and building the
    pages' snapshot. Yields the base URL and the processes (gunicorn's master, the scheduler)."""
    import shutil

    settings = Path(folder) / "config"
    shutil.copytree(ROOT / "config", settings)
    text = (settings / "settings.toml").read_text(encoding="utf-8")
    (settings / "settings.toml").write_text(text.replace("backfill_weeks = 26", "backfill_weeks = 0"))
    env = {
        **os.environ,
        "IOC_STORE_URL": store_url,
        "IOC_DATA_DIR": folder,
        "IOC_CONFIG": str(settings / "settings.toml"),
        "IOC_SECRET_KEY": "bench " * 8,
        # glibc gives each thread its own malloc arena: with gunicorn's threads that grew a
        # worker's memory by tens of MB without any more data in it.
        "MALLOC_ARENA_MAX": os.environ.get("MALLOC_ARENA_MAX", "2"),
    }
    port = free_port()
    quiet = {"cwd": ROOT, "env": env, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    web = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            str(workers),
            "--threads",
            "4",
            "-b",
            f"127.0.0.1:{port}",
            "wsgi:application",
        ],
        **quiet,
    )
    scheduler = subprocess.Popen([sys.executable, "-m", "metrics", "scheduler"], **quiet)
    try:
        base = f"http://127.0.0.1:{port}"
        wait(base + "/healthz")
        yield base, [web, scheduler]
    finally:
        for process in (web, scheduler):
            process.terminate()
            process.wait(30)


def memory(pid: int) -> str:
    """A process's resident memory now and at its peak."""
    status = Path(f"/proc/{pid}/status").read_text()
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    return f"RSS {int(fields['VmRSS'].split()[0]) / 1024:.0f} MB (peak {int(fields['VmHWM'].split()[0]) / 1024:.0f} MB)"


def children(pid: int) -> list[int]:
    """gunicorn's workers."""
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
