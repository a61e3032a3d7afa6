"""Shared by the page tests: the app served on loopback over a store with history, and a page
opened in Chromium that collects console errors."""

from __future__ import annotations

import dataclasses
import time
import urllib.parse

import pytest

from dashboards.webapp import create_app
from metrics.collection import Collector
from tests.accounts import SESSION_COOKIE, session_cookie
from tests.conftest import every_demo_source, served_in_thread, with_sources


@pytest.fixture
def served(default_config, history_store, tmp_path):
    """The app over a store with three weeks of history of every unit, refreshing every 2 s."""
    settings = default_config.settings
    fast = settings.model_copy(update={"app": settings.app.model_copy(update={"refresh_seconds": 2})})
    sources = every_demo_source(default_config)
    config = dataclasses.replace(with_sources(default_config, *sources, data_dir=tmp_path), settings=fast)
    collector = Collector(config, history_store)
    collector.collect_all()  # live, now: the sources are fresh whenever the history was built
    with served_in_thread(create_app(config, history_store, lambda: "running").server) as base:
        SERVED[base] = (history_store, config)
        yield base, config, history_store, collector
        SERVED.pop(base, None)


# The store and configuration of each app served, by its address: a browser opened on it signs in there.
SERVED: dict[str, tuple] = {}


# A reader whose browser asks for Vietnamese (Chromium's own default is en-US, which the app honours).
READER = {"viewport": {"width": 1600, "height": 1000}, "locale": "vi-VN"}


def reader_context(browser, base: str, role: str = "leadership", unit: str = ""):
    """A reader's browser, signed in as role to the app served at base, that keeps its cache
    from page to page, as a real one does."""
    context = browser.new_context(**READER)
    store, config = SERVED[base]
    cookie = session_cookie(base, store, config, role, unit)
    context.add_cookies([{"name": SESSION_COOKIE, "value": cookie, "url": base}])
    return context


def wait_until(page, expression: str, timeout: float = 20000) -> None:
    """Wait until a JavaScript expression is true in page. Playwright's wait_for_function
    compiles its predicate with eval, which the app's Content-Security-Policy forbids (as it
    should); page.evaluate runs through the browser's debugging protocol instead."""
    deadline = time.monotonic() + timeout / 1000
    while not _evaluated(page, expression):
        if time.monotonic() > deadline:
            raise TimeoutError(f"not true within {timeout / 1000:g} s: {expression}")
        page.wait_for_timeout(100)


def _evaluated(page, expression: str):
    from playwright.sync_api import Error

    try:
        return page.evaluate(expression)
    except Error as error:  # the page navigated while asked: ask the new one next time
        if "context was destroyed" not in str(error):
            raise
        return False


def open_page(browser, url: str, context=None, role: str = "leadership", unit: str = ""):
    """A page of context, or of a new reader's browser signed in as role (leadership unless
    told), collecting its console errors."""
    if context is None:
        parts = urllib.parse.urlsplit(url)
        context = reader_context(browser, f"{parts.scheme}://{parts.netloc}", role, unit)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    return page, errors
