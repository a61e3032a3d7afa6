"""`python app.py` end to end, as a newcomer runs it: serves fast, collects, survives kill -9."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import MONITORING, REPO, assert_second_scheduler_refused, free_port

pytestmark = pytest.mark.long

READY_WITHIN = 30.0


def get(url: str, timeout: float = 5.0, headers: dict | None = None) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError:
        return 0, b""


def start(data_dir: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "IOC_DATA_DIR": str(data_dir)}
    env.pop("IOC_STORE_URL", None)
    env.pop("IOC_CACHE_URL", None)
    return subprocess.Popen(
        [sys.executable, "app.py", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(data_dir.parent / f"app-{port}.log", "wb"),
    )


def wait_ready(base: str, process: subprocess.Popen) -> float:
    started = time.monotonic()
    while time.monotonic() - started < 60:
        assert process.poll() is None, "the app exited"
        if get(base + "/")[0] == 200:
            return time.monotonic() - started
        time.sleep(0.2)
    raise AssertionError("not serving after 60 s")


def wait_for(condition, timeout: float, step: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"condition not met within {timeout} s")


def healthz(base: str) -> dict:
    status, body = get(base + "/healthz", headers=MONITORING)
    assert status == 200, body
    return json.loads(body)


def stored_keys(database: Path) -> set[tuple[int, int]]:
    connection = sqlite3.connect(database, isolation_level=None)
    try:
        connection.execute("BEGIN")  # one snapshot for both reads: the app may be writing meanwhile
        rows = connection.execute("SELECT series_id, ts FROM samples").fetchall()
        (total,) = connection.execute("SELECT COUNT(*) FROM samples").fetchone()
        connection.execute("COMMIT")
    finally:
        connection.close()
    assert total == len(set(rows)), "duplicate samples"
    return set(rows)


@pytest.fixture
def app_dir(tmp_path):
    yield tmp_path / "data"


def test_a_fresh_start_serves_within_30_s_collects_and_survives_kill_9(app_dir):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = start(app_dir, port)
    try:
        ready = wait_ready(base, process)
        assert ready < READY_WITHIN, f"ready after {ready:.1f} s"
        database = app_dir / "ioc.sqlite3"
        assert database.exists()
        with sqlite3.connect(database) as connection:
            assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"

        # While the history loads, the page serves and says so.
        first = healthz(base)
        assert first["store"]["ok"] and first["scheduler"]["running"]

        # Kill it hard in the middle of a collection, once some runs have committed.
        def a_run_in_progress():
            with sqlite3.connect(database, timeout=10) as connection:
                counts = dict(
                    connection.execute("SELECT status, COUNT(*) FROM collection_runs GROUP BY status").fetchall()
                )
                return counts.get("running", 0) and counts.get("ok", 0)

        wait_for(a_run_in_progress, 30, step=0.01)
        process.send_signal(signal.SIGKILL)
        process.wait(10)
        before = stored_keys(database)
        assert before, "nothing was committed before the kill"

        process = start(app_dir, port)
        wait_ready(base, process)
        health = wait_for(
            lambda: (
                lambda h: (
                    h
                    if not h["backfill"]["loading"]
                    and sum(s["last_success"] is not None for s in h["sources"].values()) >= 12
                    else None
                )
            )(healthz(base)),
            90,
        )
        assert health["store"]["ok"] and health["scheduler"]["running"]
        assert len(health["sources"]) == 12
        after = stored_keys(database)
        assert before <= after, f"{len(before - after)} committed samples lost"
        with sqlite3.connect(database) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            interrupted = connection.execute(
                "SELECT COUNT(*) FROM collection_runs WHERE status = 'interrupted'"
            ).fetchone()[0]
        assert interrupted >= 1

        # The pages show it, in Vietnamese.
        status, page = get(base + "/")
        assert status == 200 and "Trung tâm điều hành thông minh".encode() in page
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()


def test_the_collect_command_runs_sources_once(tmp_path):
    env = {**os.environ, "IOC_DATA_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "metrics", "collect", "--once", "--source", "demo-kcb", "--source", "demo-btxh"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = dict(line.split(None, 1) for line in result.stdout.strip().splitlines())
    assert lines["demo-kcb"].startswith("ok") and "written=" in lines["demo-kcb"]
    assert lines["demo-btxh"].startswith("failed") and "không phản hồi" in lines["demo-btxh"]
    assert result.returncode == 1  # one source failed
    with sqlite3.connect(tmp_path / "ioc.sqlite3") as connection:
        statuses = dict(connection.execute("SELECT source_id, status FROM collection_runs").fetchall())
    assert statuses == {"demo-kcb": "ok", "demo-btxh": "failed"}
    unknown = subprocess.run(
        [sys.executable, "-m", "metrics", "collect", "--source", "nope"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert unknown.returncode == 2 and "unknown source: nope" in unknown.stderr


def test_the_scheduler_command_runs_alone_and_refuses_a_second_one_on_the_same_store(tmp_path):
    env = {**os.environ, "IOC_DATA_DIR": str(tmp_path)}
    first = subprocess.Popen(
        [sys.executable, "-m", "metrics", "scheduler"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        database = tmp_path / "ioc.sqlite3"

        def live_runs():
            if not database.exists():
                return 0
            with sqlite3.connect(database, timeout=10) as connection:
                try:
                    return (
                        connection.execute(
                            "SELECT COUNT(*) FROM collection_runs WHERE kind = 'collect' AND status != 'running'"
                        ).fetchone()[0]
                        >= 12
                    )
                except sqlite3.OperationalError:
                    return 0

        wait_for(live_runs, 60)
        assert_second_scheduler_refused(env)

        def heartbeat():  # the first beat may have met the store busy: the next comes within a beat
            with sqlite3.connect(database, timeout=10) as connection:
                return connection.execute("SELECT owner FROM scheduler_heartbeat").fetchone()

        (owner,) = wait_for(heartbeat, 40)
        assert owner.endswith(f":{first.pid}")
    finally:
        first.send_signal(signal.SIGTERM)
        assert first.wait(30) == 0


def test_a_port_already_taken_stops_start_up_before_any_collection(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**os.environ, "IOC_DATA_DIR": str(tmp_path / "data")}
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "app.py", "--port", str(port)],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 4 and f"cannot listen on 127.0.0.1:{port}" in done.stderr
    assert time.monotonic() - started < 30
    assert "collected" not in done.stderr  # the scheduler never started
