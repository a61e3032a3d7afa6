"""One scheduler per store: a file lock beside a SQLite store, an advisory lock on PostgreSQL.

Both locks die with the process that holds them (kill -9 included), so a restarted process
or another worker takes over without anybody cleaning up.
"""

from __future__ import annotations

import threading
import zlib
from pathlib import Path

from filelock import FileLock, Timeout
from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url

from metrics.store import Store


class SchedulerLock:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._file_lock: FileLock | None = None
        self._connection: Connection | None = None
        self._guard = threading.Lock()  # the heartbeat thread checks while another may release
        url = make_url(store.url)
        # The advisory lock key is derived from the store, so two stores on one server don't collide.
        self._key = zlib.crc32(f"ioc-scheduler:{url.database}".encode()) & 0x7FFFFFFF
        if store.dialect == "sqlite":
            self._path = Path(url.database or "ioc.sqlite3").resolve().with_suffix(".scheduler.lock")

    def acquire(self) -> bool:
        """Take the lock without waiting; False when another scheduler holds it."""
        if self.store.dialect == "sqlite":
            self._file_lock = FileLock(self._path, thread_local=False)  # checked from the heartbeat thread
            try:
                self._file_lock.acquire(timeout=0)
                return True
            except Timeout:
                self._file_lock = None
                return False
        self._connection = self.store.engine.connect()
        got = bool(self._connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self._key}).scalar())
        self._connection.commit()
        if not got:
            self._connection.close()
            self._connection = None
        return got

    def still_held(self) -> bool:
        """The advisory lock lives as long as its connection: check that it is alive."""
        with self._guard:
            if self._file_lock is not None:
                return self._file_lock.is_locked
            if self._connection is None:
                return False
            try:
                self._connection.execute(text("SELECT 1")).scalar()
                self._connection.commit()
                return True
            except Exception:  # noqa: BLE001 - whatever the driver raises, the connection (and its lock) is gone
                return False

    def release(self) -> None:
        with self._guard:
            self._release()

    def _release(self) -> None:
        if self._file_lock is not None:
            self._file_lock.release()
            self._file_lock = None
        if self._connection is not None:
            try:
                self._connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self._key})
                self._connection.close()
            except Exception:  # noqa: BLE001 - a dead connection has released its lock already
                pass
            self._connection = None
