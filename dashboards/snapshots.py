"""The snapshot every page reads, kept warm: no request waits for a rebuild, and no snapshot is
built twice at once.

A request gets the newest snapshot in the cache at once, even when the store has moved on (a
collection committed) or it has aged past STALE_STEP (staleness changes with time alone): it
carries its own "as of", and a rebuild starts in the background. One process builds at a time
(a lock in Redis, or a file lock beside the file cache: both shared by every worker); the
others keep serving the previous snapshot. Only a cold cache (the first request after a start
with nothing cached) makes a request wait, and then for the one build under way.

A snapshot's token names its figures: a rebuild that finds the same figures keeps the token,
so pages rendered from it stay cached (dashboards/webapp.py keys them by it).
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import hashlib
import logging
import pickle
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

from flask_caching import Cache

from metrics.read_models import Snapshot

log = logging.getLogger("ioc.snapshots")
STALE_STEP = 15  # seconds a snapshot is served before a rebuild is started
BUILDER_KEY = "snapshot-builder"  # set by a process that builds for everyone (dashboards/prebuild.py)
BUILDER_ALIVE = 10  # seconds its word holds
FALLBACK_SECONDS = 60  # a snapshot older than this is rebuilt by the web worker itself
# The builder waits this long between two builds: twelve sources collected each minute were a
# build (and the open pages rendered) every few seconds; a new figure shows within this.
MIN_REBUILD_SECONDS = 5
BUILD_TIMEOUT = 300  # a lock older than this belonged to a builder that died (Redis)
WAIT_POLL = 0.05


class Entry(NamedTuple):
    version: int  # the store's data version the snapshot was built from
    token: str  # names its figures (not the time it was built)
    snapshot: Snapshot


class Snapshots:
    def __init__(
        self,
        cache: Cache,
        build: Callable[[int | None, str], Snapshot],
        version: Callable[[], int],
        lock_dir: Path | None,
    ) -> None:
        """build(week, province) computes a snapshot; version() reads the store's data version.
        lock_dir: where file locks live (the file cache's folder); None with Redis."""
        self._cache = cache
        self._build = build
        self._version = version
        self._lock_dir = lock_dir
        self._redis = getattr(cache.cache, "_write_client", None) if lock_dir is None else None
        self._prefix = getattr(cache.cache, "key_prefix", "") or ""
        self._refreshing: set[str] = set()  # keys this process is rebuilding in the background
        # Called with the token of the current snapshot when a rebuild brought new figures (in
        # the rebuilding thread): dashboards/warming.py renders the open pages again.
        self.on_new_figures: list[Callable[[str], object]] = []
        self._guard = threading.Lock()
        self._pending = threading.local()  # a built snapshot, seen by the thread rendering its pages

    def get(self, week: int | None = None, province: str = "") -> Entry:
        key = _key(week, province)
        pending = getattr(self._pending, "entries", {}).get(key)
        if pending is not None:  # this thread renders the pages of a snapshot not published yet
            return pending
        entry = self._cache.get(key)
        if entry is None:
            return self._build_or_wait(key, week, province)
        if self._outdated(entry):
            current = week is None and not province
            if not (current and self._builder_alive()) or time.time() - entry.snapshot.built_at >= FALLBACK_SECONDS:
                self._refresh_in_background(key, week, province)
        return entry

    def prebuild(self) -> None:
        """For the process that builds for everyone: say so, and build the current snapshot
        now if it is outdated (then the open pages are rendered for it)."""
        self._cache.set(BUILDER_KEY, time.time(), timeout=BUILDER_ALIVE)
        key = _key(None, "")
        entry = self._cache.get(key)
        if entry is None or (self._outdated(entry) and time.time() - entry.snapshot.built_at >= MIN_REBUILD_SECONDS):
            self._refresh(key, None, "")

    def _outdated(self, entry: Entry) -> bool:
        return entry.version != self._version() or time.time() - entry.snapshot.built_at >= STALE_STEP

    def _builder_alive(self) -> bool:
        return bool(self._cache.get(BUILDER_KEY))

    # -- building ---------------------------------------------------------------------------------

    def _build_or_wait(self, key: str, week: int | None, province: str) -> Entry:
        deadline = time.monotonic() + BUILD_TIMEOUT
        while True:
            with self._lock(key) as held:
                if held:
                    # Another request may have built it between our look and the lock.
                    entry = self._cache.get(key)
                    return entry if entry is not None else self._store(key, week, province)
            entry = self._cache.get(key)
            while entry is None and self._locked(key) and time.monotonic() < deadline:
                time.sleep(WAIT_POLL)
                entry = self._cache.get(key)
            if entry is not None:
                return entry
            if time.monotonic() >= deadline:  # the builder is stuck: answer anyway
                return self._store(key, week, province)

    def _refresh_in_background(self, key: str, week: int | None, province: str) -> None:
        with self._guard:
            if key in self._refreshing:
                return
            self._refreshing.add(key)

        def refresh() -> None:
            try:
                self._refresh(key, week, province)
            finally:
                with self._guard:
                    self._refreshing.discard(key)

        threading.Thread(target=refresh, name=f"rebuild {key}", daemon=True).start()

    def _refresh(self, key: str, week: int | None, province: str) -> None:
        """Build the snapshot again if no other process is (the current one: with its open pages)."""
        try:
            with self._lock(key) as held:
                if not held:  # another process is building it
                    return
                entry = self._cache.get(key)
                if entry is not None and not self._outdated(entry):
                    return  # another process built it between our look and the lock
                self._store(key, week, province, before_publishing=week is None and not province)
        except Exception:  # noqa: BLE001 - the previous snapshot stays served; logged
            log.exception("rebuilding %s failed; the previous snapshot is still served", key)

    def _store(self, key: str, week: int | None, province: str, before_publishing: bool = False) -> Entry:
        """Build the snapshot and publish it to every worker; with before_publishing, the hooks
        first render the open pages for it (in this thread, which alone sees it meanwhile), so
        no worker meets the new token without its pages ready."""
        version = self._version()  # read first: a collection committing meanwhile makes it older
        started = time.perf_counter()
        snapshot = self._build(week, province)
        token = _token(version, snapshot)
        previous = self._cache.get(key)
        if previous is not None and previous.token.split(":")[1] == token.split(":")[1]:
            token = previous.token  # the same figures: pages rendered from the previous one stand
        entry = Entry(version, token, snapshot)
        built = time.perf_counter() - started
        if before_publishing and (previous is None or previous.token != token):
            self._pending.entries = {key: entry}
            try:
                for hook in self.on_new_figures:
                    hook(token)
            finally:
                self._pending.entries = {}
        self._cache.set(key, entry, timeout=0)  # replaced, never expired: a page always has one
        log.info(
            "snapshot %s of data version %d built in %.2f s, published after %.2f s",
            key,
            version,
            built,
            time.perf_counter() - started,
        )
        return entry

    # -- one builder at a time, across processes --------------------------------------------------

    @contextlib.contextmanager
    def _lock(self, key: str) -> Iterator[bool]:
        if self._redis is not None:
            name, mine = f"{self._prefix}building:{key}", uuid.uuid4().hex
            held = bool(self._redis.set(name, mine, nx=True, ex=BUILD_TIMEOUT))
            try:
                yield held
            finally:
                if held and self._redis.get(name) == mine.encode():
                    self._redis.delete(name)
            return
        path = self._lock_path(key)
        with path.open("a") as handle:
            try:  # the kernel releases it if this process dies, even by kill -9
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _locked(self, key: str) -> bool:
        if self._redis is not None:
            return bool(self._redis.exists(f"{self._prefix}building:{key}"))
        with self._lock_path(key).open("a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(handle, fcntl.LOCK_UN)
            return False

    def _lock_path(self, key: str) -> Path:
        assert self._lock_dir is not None
        self._lock_dir.mkdir(parents=True, exist_ok=True)
        return self._lock_dir / f"{hashlib.sha256(key.encode()).hexdigest()[:24]}.lock"


def _key(week: int | None, province: str) -> str:
    return f"snapshot:{week or ''}:{province}"


def _token(version: int, snapshot: Snapshot) -> str:
    """version:digest of the snapshot's figures (its build time left out)."""
    figures = pickle.dumps(dataclasses.replace(snapshot, built_at=0.0), protocol=5)
    return f"{version}:{hashlib.blake2b(figures, digest_size=12).hexdigest()}"
