"""kill -9 during collection: of the scheduler, of a web worker, of PostgreSQL itself. Afterwards
nothing is lost or collected twice, the rollups equal a rebuild from the raw samples, and the
app serves again without anybody restarting it. The processes are the production ones
(`python -m metrics scheduler`, gunicorn with two workers), collecting the demo sources every
5 seconds."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import select, text

from base.localtime import bucket_start
from metrics.schema import daily_rollups, series_latest, weekly_rollups
from metrics.store import Store
from tests.conftest import REPO, assert_second_scheduler_refused, free_port, require
from tests.metrics.test_rollups import assert_same

pytestmark = pytest.mark.long


@pytest.fixture
def fast_config(config_copy):
    """The default configuration, every demo source collected every 5 s, no history to load."""
    sources = config_copy.parent / "sources.toml"
    text_ = sources.read_text(encoding="utf-8")
    text_ = text_.replace("interval_seconds = 60", "interval_seconds = 5").replace(
        "jitter_seconds = 10", "jitter_seconds = 1"
    )
    text_ = text_.replace("timeout_seconds = 30", "timeout_seconds = 4")
    text_ = text_.replace("hang_every = 7", "hang_every = 0").replace("delay_seconds = 4.0", "delay_seconds = 0")
    sources.write_text(text_, encoding="utf-8")
    settings = config_copy.read_text(encoding="utf-8").replace("backfill_weeks = 26", "backfill_weeks = 0")
    config_copy.write_text(settings, encoding="utf-8")
    return config_copy


def environment(config: Path, store_url: str, data: Path) -> dict[str, str]:
    return {**os.environ, "IOC_CONFIG": str(config), "IOC_STORE_URL": store_url, "IOC_DATA_DIR": str(data)}


def scheduler(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "metrics", "scheduler"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def gunicorn(env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    """The web app under gunicorn with two workers, answering; and its address."""
    port = free_port()
    web = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "wsgi:application"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    wait_for(lambda: healthy(base), 60, "gunicorn serving")
    return web, base


def runs(store: Store, since: float = 0) -> list:
    with store.engine.connect() as connection:
        return connection.execute(
            text(
                "SELECT id, source_id, status, started_at, finished_at FROM collection_runs "
                "WHERE started_at >= :since ORDER BY started_at"
            ),
            {"since": since},
        ).all()


def wait_for(check, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"not within {seconds:g} s: {what}")


def rollups(store: Store) -> dict[str, list[tuple]]:
    with store.engine.connect() as connection:
        return {
            table.name: sorted(tuple(r) for r in connection.execute(select(table)))
            for table in (daily_rollups, weekly_rollups, series_latest)
        }


def assert_consistent(store: Store, env: dict[str, str]) -> None:
    """No run of one source overlapped another; the rollups equal a rebuild; collecting the
    finished days again adds nothing (nothing was lost)."""
    by_source: dict[str, list] = {}
    for run in runs(store):
        if run.status == "ok":
            by_source.setdefault(run.source_id, []).append(run)
    for source, done in by_source.items():
        for before, after in zip(done, done[1:], strict=False):
            assert before.finished_at <= after.started_at, f"two runs of {source} at once"
    kept = rollups(store)
    store.rebuild_rollups()
    assert_same(rollups(store), kept)
    with store.engine.connect() as connection:
        today = bucket_start(time.time(), "day")
        count = "SELECT COUNT(*), ROUND(CAST(SUM(value) AS NUMERIC), 3) FROM samples WHERE ts < :today"
        before = connection.execute(text(count), {"today": today}).one()
    subprocess.run([sys.executable, "-m", "metrics", "collect", "--once"], cwd=REPO, env=env, check=False)
    with store.engine.connect() as connection:
        assert connection.execute(text(count), {"today": today}).one() == before


def test_a_scheduler_killed_mid_collection_is_replaced_without_double_runs(fast_config, postgres_url, tmp_path):
    env = environment(fast_config, postgres_url, tmp_path / "data")
    store = Store(postgres_url)
    store.upgrade()
    first = scheduler(env)
    try:
        wait_for(lambda: len([r for r in runs(store) if r.status == "ok"]) >= 12, 60, "a dozen collections")
        assert_second_scheduler_refused(env)
        wait_for(lambda: [r for r in runs(store) if r.status == "running"], 30, "a collection under way")
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        killed_at = time.time()
    finally:
        if first.poll() is None:
            first.kill()
    replacement = scheduler(env)  # as the service manager restarts it
    try:
        wait_for(lambda: len([r for r in runs(store, killed_at) if r.status == "ok"]) >= 12, 60, "collections resuming")
        left = [r for r in runs(store) if r.started_at < killed_at and r.status == "running"]
        assert left == []  # the dead scheduler's runs are logged as interrupted, not left running
    finally:
        replacement.terminate()
        replacement.wait(30)
    assert_consistent(store, env)
    store.engine.dispose()


def test_a_web_worker_killed_is_replaced_and_the_app_keeps_serving(fast_config, postgres_url, tmp_path):
    env = environment(fast_config, postgres_url, tmp_path / "data")
    Store(postgres_url).upgrade()
    web, base = gunicorn(env)
    try:
        workers = wait_for(lambda: len(children(web.pid)) == 2 and children(web.pid), 30, "two workers")
        os.kill(workers[0], signal.SIGKILL)
        replaced = wait_for(lambda: set(children(web.pid)) - set(workers), 30, "a new worker")
        assert len(children(web.pid)) == 2 and replaced
        assert all(healthy(base) for _ in range(20))  # whichever worker answers
    finally:
        web.terminate()
        web.wait(30)


def healthy(base: str) -> bool:
    try:
        with urllib.request.urlopen(base + "/healthz", timeout=5) as answer:
            return answer.status == 200
    except OSError:
        return False


def children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


@pytest.fixture
def own_postgres():
    """A PostgreSQL server of this test's own (initdb, pg_ctl on a free port), so it can be
    killed without touching the machine's; yields (url, start, kill)."""
    binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb")) or [shutil.which("initdb") or ""]
    initdb = binaries[-1]
    require(bool(initdb) and os.path.exists(initdb), "PostgreSQL's initdb")
    bin_dir = Path(initdb).parent
    as_postgres: list[str] = []
    folder = Path(tempfile.mkdtemp(prefix="ioc-pg-", dir="/tmp"))
    if os.geteuid() == 0:  # the server refuses to run as root
        account = pwd.getpwnam("postgres")
        os.chown(folder, account.pw_uid, account.pw_gid)
        as_postgres = ["runuser", "-u", "postgres", "--"]
    data, port = folder / "data", free_port()
    subprocess.run(
        [*as_postgres, str(initdb), "-D", str(data), "-A", "trust", "-U", "postgres"], check=True, capture_output=True
    )

    def start() -> None:
        options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1"
        subprocess.run(
            [
                *as_postgres,
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(folder / "log"),
                "-w",
                "start",
            ],
            check=True,
            capture_output=True,
        )

    def kill() -> None:
        postmaster = int((data / "postmaster.pid").read_text().split()[0])
        os.kill(postmaster, signal.SIGKILL)
        for line in subprocess.run(["pgrep", "-f", f"-D {data}|{data}"], capture_output=True, text=True).stdout.split():
            try:
                os.kill(int(line), signal.SIGKILL)  # its backends, as a crash of the machine's server would
            except (ProcessLookupError, ValueError):
                pass

    start()
    url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    try:
        yield url, start, kill
    finally:
        subprocess.run(
            [*as_postgres, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], capture_output=True
        )
        shutil.rmtree(folder, ignore_errors=True)


def test_postgresql_killed_mid_collection_and_restarted_finds_the_app_and_scheduler_going_on(
    fast_config, own_postgres, tmp_path
):
    url, start, kill = own_postgres
    env = environment(fast_config, url, tmp_path / "data")
    store = Store(url)
    store.upgrade()
    web, base = gunicorn(env)
    collecting = scheduler(env)
    try:
        wait_for(lambda: len([r for r in runs(store) if r.status == "ok"]) >= 12, 60, "a dozen collections")
        wait_for(lambda: [r for r in runs(store) if r.status == "running"], 30, "a collection under way")
        kill()
        time.sleep(2)
        assert not healthy(base)  # the store is gone: /healthz says so (503)
        start()
        restarted = time.time()
        wait_for(lambda: healthy(base), 60, "the app serving again")
        wait_for(lambda: len([r for r in runs(store, restarted) if r.status == "ok"]) >= 12, 90, "collections resuming")
        assert collecting.poll() is None  # the same scheduler process, not restarted by hand
    finally:
        collecting.terminate()
        collecting.wait(30)
        web.terminate()
        web.wait(30)
    assert_consistent(store, env)
    store.engine.dispose()
