"""Pages and wall screens people have open, rendered again as soon as a new snapshot is built,
so the request after a collection finds its page ready instead of rendering it (a heavy page
took 100-300 ms to render).

Which pages are open is kept in the shared cache (every worker notes what it served, at most
every NOTE_SECONDS per page), so the process that built the snapshot warms them all: the
rendered bodies go to the same cache, keyed as the requests will ask for them.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from flask import Flask, g
from flask_caching import Cache

from dashboards.access import Person

log = logging.getLogger("ioc.warming")
RECENT_SECONDS = 600  # a page asked for within this is open
NOTE_SECONDS = 30
# Views are what people ask for (any ?search up to its bound): only the most recent are kept,
# so a client inventing addresses cannot grow the list, or the work after each build, at will.
MAX_VIEWS = 200
RECENT_KEY = "open-views"
# Rendering stops after this (the most recently asked views first): the snapshot is published
# then, and a view not rendered yet is rendered by its next request.
BUDGET_SECONDS = 3.0


class Warming:
    def __init__(self, server: Flask, cache: Cache) -> None:
        self._server = server
        self._cache = cache
        self._renderers: dict[str, Callable[..., Any]] = {}
        self._noted: dict[tuple, float] = {}
        self._lock = threading.Lock()

    def register(self, name: str, cached: Callable[..., Any]) -> None:
        """cached(token, *args) renders and caches one view (a page body, a wall document)."""
        self._renderers[name] = cached

    def note(self, name: str, args: tuple, role: str = "", unit: str = "") -> None:
        """A view was served: warm it after the next snapshot (throttled per view)."""
        now, key = time.time(), (name, args, role, unit)
        with self._lock:
            if now - self._noted.get(key, 0) < NOTE_SECONDS:
                return
            self._noted[key] = now
        # Read-modify-write of a small dict: two workers writing at once may drop one note; the
        # page is then rendered by its next request, as without warming.
        recent = {k: t for k, t in (self._cache.get(RECENT_KEY) or {}).items() if now - t < RECENT_SECONDS}
        recent[key] = now
        if len(recent) > MAX_VIEWS:
            recent = dict(sorted(recent.items(), key=lambda item: -item[1])[:MAX_VIEWS])
        self._cache.set(RECENT_KEY, recent, timeout=0)

    def warm(self, token: str) -> int:
        """Render every open view for token; returns how many."""
        now, done = time.time(), 0
        started = time.perf_counter()
        recent = sorted((self._cache.get(RECENT_KEY) or {}).items(), key=lambda item: -item[1])
        for (name, args, role, unit), seen in recent:
            renderer = self._renderers.get(name)
            if renderer is None or now - seen >= RECENT_SECONDS:
                continue
            if time.perf_counter() - started > BUDGET_SECONDS:
                log.info("warming stopped after %d views (budget %g s)", done, BUDGET_SECONDS)
                break
            try:
                with self._server.test_request_context():
                    # A page offers what the viewer's role and unit allow (never their name): that is
                    # all its cached body depends on.
                    g.ioc_who = Person("", "", role, unit, "local") if role else None
                    renderer(token, *args)
                done += 1
            except Exception:  # noqa: BLE001 - one view failing to render leaves it to its request
                log.exception("warming %s %s failed", name, args)
        if done:
            log.info("%d open views rendered for the new snapshot in %.2f s", done, time.perf_counter() - started)
        return done
