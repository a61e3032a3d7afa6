"""/wall?screen=NAME (the kiosk page) and /api/wall (its figures), for a wall screen's device or
a person signed in; /wall/thiet-bi?ma=TOKEN pairs a television with its screen.

A television signs in as a device (metrics/devices.py): the pairing address, printed once by
`python -m dashboards devices add` (or the admin's page), puts its token in a long-lived cookie and sends it to
its screen. A device sees its own screen only, its polls are the screen's heartbeat (a
person's are not), and it never meets a sign-in page: once revoked, it shows so, within one
refresh. A screen's language is its URL's (?lang=), else the default: a television's browser
language says nothing of the room it hangs in."""

from __future__ import annotations

import html
import json
from pathlib import Path
from urllib.parse import quote

from flask import Flask, Response, jsonify, redirect, request, send_from_directory
from werkzeug.wrappers import Response as ResponseBase

from base import i18n, localtime
from base.i18n import _
from dashboards import access
from dashboards.actions import Actions
from dashboards.reader import Reader
from dashboards.sign_in import DEVICE_COOKIE
from dashboards.wall import panels
from metrics.devices import Device

STATIC = Path(__file__).resolve().parent.parent.parent / "assets" / "wall"
PAGE = (Path(__file__).resolve().parent / "wall.html").read_text(encoding="utf-8")


def register(server: Flask, reader: Reader, actions: Actions) -> None:
    config, screens = reader.config, reader.screens

    def build(token: str, name: str, lang: str) -> dict:
        screen = screens.screen(name)
        assert screen is not None  # the route checked it
        with i18n.language(lang):
            return panels.build(reader.snapshot(), config, screens, screen)

    build.__qualname__ = build.__name__ = "wall_document"
    build.__module__ = __name__
    cached = reader.cache.memoize()(build)
    reader.warming.register("wall", cached)

    @server.route("/wall/thiet-bi")
    def pair_device() -> Response | ResponseBase:
        token = request.args.get("ma", "")
        device = actions.device(token)
        if device is None:
            actions.audit("device_pair", "", actor="unknown token", outcome="refused")
            return Response(_("This pairing address is not valid."), status=403, mimetype="text/plain")
        if device.revoked:
            actions.audit("device_pair", f"{device.id} {device.screen}", outcome="refused", detail="revoked")
            return Response(access.revoked_page(), status=403, mimetype="text/html")
        response = redirect(f"/wall?screen={quote(device.screen)}", code=303)
        response.set_cookie(
            DEVICE_COOKIE,
            token,
            max_age=400 * 86400,  # the longest a browser keeps a cookie; a television is not re-paired
            secure=request.is_secure,
            httponly=True,
            samesite="Lax",
        )
        actions.audit("device_pair", f"{device.id} {device.screen}", actor=device.actor)
        return response

    def _refused_screen(name: str) -> bool:
        """A device asking for a screen other than its own."""
        asking = access.who()
        return isinstance(asking, Device) and asking.screen != name

    @server.route("/wall")
    def wall_page() -> Response:
        lang = i18n.current()  # the URL's, or the default (dashboards/languages.py): never the TV's browser's
        asking = access.who()
        default = asking.screen if isinstance(asking, Device) else screens.screens[0].name
        name = request.args.get("screen", default)
        if _refused_screen(name):
            return Response(_("This device shows its own screen only."), status=403, mimetype="text/plain")
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
        if _refused_screen(name):
            return jsonify({"error": _("This device shows its own screen only.")}), 403
        version = reader.version()
        asking = access.who()
        if isinstance(asking, Device):  # a person looking at a screen is not the screen being alive
            actions.record_screen_beat(asking.client_id, name, version, request.remote_addr or "")
        reader.warming.note("wall", (name, i18n.current()))
        response = jsonify(cached(reader.snapshot_token(), name, i18n.current()))
        response.headers["Cache-Control"] = "no-store"
        return response

    @server.route("/wall-static/<path:filename>")
    def wall_static(filename: str) -> Response:
        return send_from_directory(STATIC, filename, max_age=3600)
