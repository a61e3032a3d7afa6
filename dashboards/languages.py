"""The reader's language, chosen per request: the switch's cookie, then the browser's
Accept-Language, then the default of the settings (Vietnamese).

Every request is worded in its language from start to end (base/i18n.py), pages, callbacks,
downloads and /healthz alike. A wall screen is a device, not a reader: its browser's
Accept-Language says nothing of the room it hangs in, so it follows its URL (?lang=) or the
default. The switch sets the cookie and sends the reader back to the page they were on.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

from flask import Flask, Request, g, redirect, request
from werkzeug.wrappers import Response as ResponseBase

from base import i18n
from dashboards.access import DEVICE_ROUTES
from dashboards.web_safety import local_path

COOKIE = "ioc_lang"


def chosen(req: Request, negotiate: bool = True) -> str:
    """The language of a request (an explicit ?lang= first: a kiosk URL is configured once)."""
    offered = req.accept_languages.best_match(i18n.LANGUAGES) if negotiate else None
    return i18n.choose(req.args.get("lang"), req.cookies.get(COOKIE), offered)


def register(server: Flask) -> None:
    @server.before_request
    def word_in_the_readers_language() -> None:
        # The wall screen's routes (and its pairing) follow their URL's language, not the television's browser.
        g.ioc_language = i18n.enter(chosen(request, negotiate=not request.path.startswith(DEVICE_ROUTES)))

    @server.teardown_request
    def done(_error: BaseException | None) -> None:
        token = g.pop("ioc_language", None)
        if token is not None:
            i18n.leave(token)

    @server.route("/ngon-ngu/<lang>")
    def switch_language(lang: str) -> ResponseBase:
        response = redirect(_back(request.referrer))
        if lang in i18n.LANGUAGES:
            response.set_cookie(COOKIE, lang, max_age=365 * 86400, samesite="Lax")
        return response


def _back(referrer: str | None) -> str:
    """The page the reader was on, its filters (?unit=) kept but not a ?lang=, which would
    outrank the new choice. This site only: a path, never a host (a browser reads //host and
    /\\host as another site)."""
    page = urlsplit(referrer or "/")
    if local_path(page.path) != page.path:
        return "/"
    query = urlencode([(k, v) for k, v in parse_qsl(page.query, keep_blank_values=True) if k != "lang"])
    return page.path + (f"?{query}" if query else "")
