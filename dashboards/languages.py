"""The reader's language: Vietnamese by default (settings), English on request.

The switch sets a cookie and sends the reader back where they were; pages and callbacks
read it per request, so every figure and label follows without a reload of the server.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, has_request_context, redirect, request

from metrics.settings import Config

COOKIE = "ioc_lang"
LANGUAGES = ("vi", "en")


def current(config: Config) -> str:
    if has_request_context():
        chosen = request.cookies.get(COOKIE) or request.args.get("lang")
        if chosen in LANGUAGES:
            return chosen
    return config.settings.app.language


def register(server: Flask) -> None:
    @server.route("/ngon-ngu/<lang>")
    def switch_language(lang: str):
        back = urlsplit(request.referrer or "/").path or "/"  # same site only: a path, never a host
        response = redirect(back if back.startswith("/") else "/")
        if lang in LANGUAGES:
            response.set_cookie(COOKIE, lang, max_age=365 * 86400, samesite="Lax")
        return response
