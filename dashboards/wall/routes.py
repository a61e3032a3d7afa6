"""/wall?screen=NAME (the kiosk page) and /api/wall (its figures, which also count as the
screen's heartbeat)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from flask import Flask, Response, jsonify, request, send_from_directory

from dashboards import languages
from dashboards.reader import Reader
from dashboards.wall import panels
from dashboards.wall.screens import ScreensFile

STATIC = Path(__file__).resolve().parent.parent.parent / "assets" / "wall"
CLIENT_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")
PAGE = (Path(__file__).resolve().parent / "wall.html").read_text(encoding="utf-8")


def register(server: Flask, reader: Reader, screens: ScreensFile) -> None:
    config = reader.config

    def build(name: str, version: int, step: int, lang: str) -> dict:
        return panels.build(reader.snapshot(), config, screens, screens.screen(name), lang)

    build.__qualname__ = build.__name__ = "wall_document"
    build.__module__ = __name__
    cached = reader.cache.memoize()(build)

    @server.route("/wall")
    def wall_page():
        name = request.args.get("screen", screens.screens[0].name)
        screen = screens.screen(name)
        if screen is None:
            known = ", ".join(s.name for s in screens.screens)
            return Response(f"Không có màn hình '{name}'. Các màn hình: {known}", status=404, mimetype="text/plain")
        lang = languages.current(config)
        settings = {"screen": screen.name, "api": f"/api/wall?lang={lang}", "health": "/healthz"}
        # The settings go into a <script> as JSON; "</" is escaped so no value can close it.
        page = PAGE.replace("{{SETTINGS}}", json.dumps(settings).replace("</", "<\\/")).replace("{{TITLE}}", "IOC")
        return Response(page, mimetype="text/html")

    @server.route("/api/wall")
    def wall_data():
        name = request.args.get("screen", "")
        if screens.screen(name) is None:
            return jsonify({"error": f"unknown screen '{name}'"}), 404
        version = reader.version()
        client = request.args.get("client", "")
        if CLIENT_ID.match(client):
            reader.store.screen_beat(client, name, version, request.remote_addr or "")
        response = jsonify(cached(name, version, int(reader.time_step()), languages.current(config)))
        response.headers["Cache-Control"] = "no-store"
        return response

    @server.route("/wall-static/<path:filename>")
    def wall_static(filename: str):
        return send_from_directory(STATIC, filename, max_age=3600)
