"""/wall?screen=NAME (the kiosk page) and /api/wall (its figures, which also count as the
screen's heartbeat). A screen's language is its URL's (?lang=), else the default: a television's
browser language says nothing of the room it hangs in."""

from __future__ import annotations

import html
import json
from pathlib import Path

from flask import Flask, Response, jsonify, request, send_from_directory

from base import i18n, localtime
from base.i18n import _
from dashboards import languages
from dashboards.actions import Actions
from dashboards.reader import Reader
from dashboards.wall import panels

STATIC = Path(__file__).resolve().parent.parent.parent / "assets" / "wall"
PAGE = (Path(__file__).resolve().parent / "wall.html").read_text(encoding="utf-8")


def register(server: Flask, reader: Reader, actions: Actions) -> None:
    config, screens = reader.config, reader.screens

    def build(name: str, version: int, step: int, lang: str) -> dict:
        screen = screens.screen(name)
        assert screen is not None  # the route checked it
        with i18n.language(lang):
            return panels.build(reader.snapshot(), config, screens, screen)

    build.__qualname__ = build.__name__ = "wall_document"
    build.__module__ = __name__
    cached = reader.cache.memoize()(build)

    @server.route("/wall")
    def wall_page() -> Response:
        lang = languages.chosen(request, negotiate=False)
        with i18n.language(lang):
            name = request.args.get("screen", screens.screens[0].name)
            screen = screens.screen(name)
            if screen is None:
                known = ", ".join(s.name for s in screens.screens)
                message = _("There is no screen '{name}'. The screens: {known}").format(name=name[:64], known=known)
                return Response(message, status=404, mimetype="text/plain")
            settings = {
                "screen": screen.name,
                "api": f"/api/wall?lang={lang}",
                "health": "/healthz",
                "offset": localtime.offset() // 60,
                "text": {"offline": _("Server unreachable — showing figures received at")},
            }
            # The settings go into a JSON data block; "</" is escaped so no value can close it.
            page = (
                PAGE.replace("{{SETTINGS}}", json.dumps(settings).replace("</", "<\\/"))
                .replace("{{TITLE}}", "IOC")
                .replace("{{LANG}}", lang)
                .replace("{{LOADING}}", html.escape(_("Loading figures…")))
            )
        return Response(page, mimetype="text/html")

    @server.route("/api/wall")
    def wall_data() -> tuple[Response, int] | Response:
        name = request.args.get("screen", "")
        if screens.screen(name) is None:
            return jsonify({"error": f"unknown screen '{name[:64]}'"}), 404
        version = reader.version()
        actions.record_screen_beat(request.args.get("client", ""), name, version, request.remote_addr or "")
        lang = languages.chosen(request, negotiate=False)
        response = jsonify(cached(name, version, int(reader.time_step()), lang))
        response.headers["Cache-Control"] = "no-store"
        return response

    @server.route("/wall-static/<path:filename>")
    def wall_static(filename: str) -> Response:
        return send_from_directory(STATIC, filename, max_age=3600)
