"""Backups of the store and their restore, on SQLite and PostgreSQL: a copy taken while
collections write is whole and consistent, and a restore gives back exactly what was saved."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import pytest
from sqlalchemy import text

from metrics import backup
from metrics.collection import Collector
from metrics.store import Store
from tests.conftest import REPO, _postgres_database, demo_source, with_sources


def content(store: Store) -> tuple:
    with store.engine.connect() as connection:
        samples = connection.execute(text("SELECT series_id, ts, run_id FROM samples ORDER BY series_id, ts")).all()
        runs = {r[0] for r in connection.execute(text("SELECT id FROM collection_runs WHERE status = 'ok'"))}
        version = connection.execute(text("SELECT version FROM data_version")).scalar_one()
    return [tuple(r) for r in samples], runs, version


def test_a_backup_taken_while_collecting_restores_exactly(store, default_config, tmp_path):
    config = with_sources(default_config, *(demo_source(default_config, u) for u in ("KCB", "QLD")), data_dir=tmp_path)
    collector = Collector(config, store)
    collector.collect_all()
    writing = threading.Thread(target=lambda: [collector.collect_all() for _ in range(3)])
    writing.start()
    saved = backup.backup(store, tmp_path / "backups" / "ioc.backup")
    writing.join()
    assert saved.stat().st_size > 0 and not list(saved.parent.glob(".*partial"))
    before = content(store)
    collector.collect_all()  # after the backup: not in it
    if store.url.startswith("sqlite"):
        target = Store(f"sqlite:///{tmp_path / 'restored' / 'ioc.sqlite3'}")
        target.upgrade()
        backup.restore(target, saved)
        restored = Store(target.url)
        generator = None
    else:
        generator = _postgres_database()
        restored = Store(next(generator))
        backup.restore(restored, saved)
    try:
        samples, runs, version = content(restored)
        assert len(samples) > 0 and len(runs) >= 2
        # whole and consistent, as the store was at one moment during the writes: every sample's
        # run is there and finished (no run caught half-written), and nothing the store never had
        assert {run for _series, _ts, run in samples} <= runs
        assert {(series, ts) for series, ts, _run in samples} <= {(s, t) for s, t, _r in content(store)[0]}
        assert version <= before[2]
        restored.upgrade()  # a restored store is a store the app opens and upgrades
    finally:
        restored.engine.dispose()
        if generator is not None:
            generator.close()


def test_restore_refuses_while_a_scheduler_runs_and_a_bad_file(sqlite_store, tmp_path):
    with sqlite_store.engine.begin() as connection:
        connection.execute(
            text("INSERT INTO scheduler_heartbeat (id, owner, started_at, beat_at, jobs) VALUES (1, 'h:1', :t, :t, 3)"),
            {"t": time.time()},
        )
    saved = backup.backup(sqlite_store, tmp_path / "b.backup")
    with pytest.raises(backup.BackupError, match="stop it and the app first"):
        backup.restore(sqlite_store, saved)
    with pytest.raises(backup.BackupError, match="is not a file"):
        backup.restore(sqlite_store, tmp_path / "nothing.backup")


def test_the_backup_command(tmp_path):
    env = {**os.environ, "IOC_DATA_DIR": str(tmp_path / "data")}
    done = subprocess.run(
        [sys.executable, "-m", "metrics", "backup", str(tmp_path / "copy.sqlite3")],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "written to" in done.stdout and (tmp_path / "copy.sqlite3").stat().st_size > 0
    refused = subprocess.run(
        [sys.executable, "-m", "metrics", "restore", str(tmp_path / "missing")],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode == 2 and "is not a file" in refused.stderr
