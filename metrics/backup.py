"""Backups of the store, and restoring one.

- SQLite: SQLite's online backup (a consistent copy while the app and the scheduler write).
- PostgreSQL: `pg_dump --format=custom` (consistent: one transaction), restored with
  `pg_restore --clean --if-exists --no-owner`; both must be on the PATH (the PostgreSQL client).

A backup is written beside its destination and renamed into place when whole, so a failed one
never leaves a file that looks like a backup. Restoring replaces the store's content: the app
and the scheduler must be stopped first (restore refuses while a scheduler's heartbeat is fresh).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from metrics.store import Store


class BackupError(RuntimeError):
    """A backup or restore that could not be made; the message says why, for the operator."""


def _libpq(url: str) -> str:
    """The store's URL as pg_dump and pg_restore take it (no SQLAlchemy driver name)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _postgres_client(tool: str, *arguments: str) -> None:
    """Run pg_dump or pg_restore; BackupError with what it said when it fails."""
    found = shutil.which(tool)
    if found is None:
        raise BackupError(f"{tool} is not on the PATH: install the PostgreSQL client (postgresql-client)")
    done = subprocess.run([found, *arguments], capture_output=True, text=True, timeout=6 * 3600)
    if done.returncode != 0:
        raise BackupError(f"{tool} failed: {done.stderr.strip()[-500:]}")


def backup(store: Store, destination: Path) -> Path:
    """A consistent copy of the store at destination (replaced if it exists)."""
    url = make_url(store.url)
    partial = destination.with_name(f".{destination.name}.partial")
    destination.parent.mkdir(parents=True, exist_ok=True)
    try:
        if url.get_backend_name() == "sqlite":
            source = sqlite3.connect(url.database or "")
            target = sqlite3.connect(partial)
            try:
                source.backup(target)
            finally:
                target.close()
                source.close()
        elif url.get_backend_name() == "postgresql":
            _postgres_client("pg_dump", "--format=custom", f"--file={partial}", f"--dbname={_libpq(store.url)}")
        else:
            raise BackupError(f"no backup for a {url.get_backend_name()} store")
        os.replace(partial, destination)
    finally:
        partial.unlink(missing_ok=True)
    return destination


def restore(store: Store, source: Path, heartbeat_seconds: float = 30) -> None:
    """Replace the store's content with the backup at source."""
    if not source.is_file():
        raise BackupError(f"{source} is not a file")
    try:
        beat = store.heartbeat()
    except SQLAlchemyError:  # an empty database (a new machine): no scheduler to stop
        beat = None
    if beat is not None and time.time() - beat["beat_at"] < 3 * heartbeat_seconds:
        raise BackupError(
            f"a scheduler beat on this store {time.time() - beat['beat_at']:.0f} s ago ({beat['owner']}): "
            "stop it and the app first (or wait until its heartbeat is older than "
            f"{3 * heartbeat_seconds:.0f} s)"
        )
    url = make_url(store.url)
    if url.get_backend_name() == "sqlite":
        store.engine.dispose()
        target = Path(url.database or "")
        for suffix in ("-wal", "-shm"):  # the old store's journal must not be replayed over the copy
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        partial = target.with_name(f".{target.name}.restoring")
        shutil.copyfile(source, partial)
        os.replace(partial, target)
    elif url.get_backend_name() == "postgresql":
        store.engine.dispose()
        _postgres_client(
            "pg_restore", "--clean", "--if-exists", "--no-owner", f"--dbname={_libpq(store.url)}", f"{source}"
        )
    else:
        raise BackupError(f"no restore for a {url.get_backend_name()} store")
