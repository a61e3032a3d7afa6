"""Signing in and out, and the session that says who a request comes from.

- /dang-nhap: a plain form (not Dash: it must work before anything else does) checked against
  the local accounts (metrics/users.py, Argon2id); failed attempts are limited per username and
  per address (Flask-Limiter); every attempt, good or bad, goes into the audit log.
- The session is Flask's signed cookie: HttpOnly, SameSite=Lax, Secure when the request came
  over HTTPS, and ends after idle_minutes unused (Flask refuses a cookie signed longer ago than
  that: the signature carries its time) and max_hours after sign-in whatever happens. A local
  account's session also ends when the account is disabled or its password reset: the session
  keeps the account's last change, which must still match.
- A wall screen's television is a device, not a person: its token (metrics/devices.py) comes
  in a cookie set when it was paired, and counts on the wall's routes only.

Written on Flask's session rather than Flask-Login: Flask-Login loads people from one user
table by id, and people who sign in through the ministry's provider are in none; what is left
for it (a decorator, current_user) is the few lines of `identify`.
"""

from __future__ import annotations

import os
import secrets
import time
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from flask import Flask, Request, Response, render_template, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.errors import RateLimitExceeded
from flask_limiter.util import get_remote_address
from werkzeug.urls import iri_to_uri
from werkzeug.wrappers import Response as ResponseBase

from base import i18n
from base.i18n import _
from dashboards import access, single_sign_on
from dashboards.access import Person
from dashboards.actions import Actions
from dashboards.page import APP_TITLE
from dashboards.problem_json import wants_problem
from dashboards.web_safety import local_path
from metrics import api_consumers, devices, users
from metrics.api_consumers import Consumer
from metrics.devices import Device
from metrics.settings import Config
from metrics.store import Store

SESSION_KEY = "ioc_who"
ENDED = "ioc-ended-session-"  # the cache's key of a session signed out
DEVICE_COOKIE = "ioc_device"


def secret_key(config: Config) -> bytes:
    """The key that signs sessions: IOC_SECRET_KEY, else one made once and kept in the data
    folder (readable by its owner only), shared by every process of the same store."""
    given = os.environ.get("IOC_SECRET_KEY", "")
    if given:
        return given.encode()
    path = config.data_dir / "secret_key"
    try:  # created exclusively: two processes starting together end with the same key
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_key(path)
    with os.fdopen(descriptor, "w") as file:
        file.write(secrets.token_hex(32))
    return _read_key(path)


def _read_key(path: Path) -> bytes:
    for _attempt in range(50):  # the process that created it may still be writing it
        key = path.read_text().strip()
        if len(key) == 64:
            return key.encode()
        time.sleep(0.02)
    raise RuntimeError(f"{path} does not hold a session key (64 hex digits): delete it to make a new one")


class _SessionCookies(SecureCookieSessionInterface):
    """Secure cookies whenever the request came over HTTPS (behind a proxy, once the proxy's
    X-Forwarded-Proto is trusted), plain ones on http://127.0.0.1 for a newcomer's demo."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return request.is_secure


def start_session(who: Person, epoch: float = 0.0) -> None:
    """Sign who in: a new session (nothing of the one before is kept)."""
    session.clear()
    session.permanent = True
    session[SESSION_KEY] = {
        "sid": secrets.token_urlsafe(16),
        "username": who.username,
        "name": who.display_name,
        "role": who.role,
        "unit": who.unit,
        "via": who.via,
        "epoch": epoch,
        "since": time.time(),
    }


def register(server: Flask, config: Config, store: Store, actions: Actions, ended: Cache) -> Limiter:
    """ended: the cache shared by the app's processes, where signed-out sessions are kept until
    they would have expired anyway."""
    settings = config.settings.sign_in
    lifetime = settings.max_hours * 3600
    server.secret_key = secret_key(config)
    server.session_interface = _SessionCookies()
    server.config.update(
        SESSION_COOKIE_NAME="ioc_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=settings.idle_minutes),
        SESSION_REFRESH_EACH_REQUEST=True,
    )
    storage = config.cache_url if config.cache_url.startswith(("redis://", "rediss://")) else "memory://"
    limiter = Limiter(get_remote_address, app=server, storage_uri=storage, default_limits=[])
    per_user = f"{settings.attempts_per_minute} per minute"
    per_address = f"{settings.address_attempts_per_minute} per minute"

    def failed(response: Response) -> bool:
        """Only failed attempts count: thirty people of one office signing in at 08:00 are not an attack."""
        return response.status_code != 303

    def identify() -> Person | Device | Consumer | None:
        authorization = request.headers.get("Authorization", "")
        if authorization and wants_problem():  # a token given is the only one asked: no session beside it
            scheme, _space, given = authorization.partition(" ")
            return api_consumers.by_token(store, given.strip()) if scheme.lower() == "bearer" else None
        token = request.cookies.get(DEVICE_COOKIE)
        if token and request.path in access.DEVICE_ROUTES:
            device = devices.by_token(store, token)
            if device is not None:
                return device
        return _person(store, config, ended)

    def refused() -> None:
        asked = request.path
        if asked == "/_dash-update-component":
            body = request.get_json(silent=True)
            asked += f" {body.get('output', '')}" if isinstance(body, dict) else ""
        actions.audit("access", f"{request.method} {asked}", outcome="refused")

    access.register(server, identify, refused)

    def page(message: str = "", username: str = "", status: int = 200) -> tuple[str, int]:
        other = "en" if i18n.current() == "vi" else "vi"
        target = local_path(request.values.get("next", "/"))
        sso = _("Sign in with the ministry's account") if settings.sso.issuer else ""
        return (
            render_template(
                "sign_in.html",
                lang=i18n.current(),
                other_lang=other,
                other_lang_name=i18n.LANGUAGE_NAMES[other],
                app_title=_(APP_TITLE),
                title=_("Sign in"),
                message=message,
                next=target,
                next_quoted=quote(target, safe=""),
                username=username,
                username_label=_("Username"),
                password_label=_("Password"),
                button=_("Sign in"),
                or_text=_("or"),
                sso=sso,
                note=_("Accounts are given by the IOC's administrator."),
            ),
            status,
        )

    @server.route("/dang-nhap", methods=["GET", "POST"])
    @limiter.limit(per_address, methods=["POST"], deduct_when=failed)
    @limiter.limit(per_user, methods=["POST"], key_func=lambda: "user:" + _username(request), deduct_when=failed)
    def sign_in() -> Any:
        if request.method == "GET":
            return page()
        username, password = _username(request), request.form.get("password", "")[:1024]
        account = users.verify(store, username, password) if username and password else None
        if account is None:
            actions.audit("sign_in", username, actor=username, outcome="refused")
            return page(_("Wrong username or password."), username, 401)
        who = Person(account.username, account.display_name, account.role, account.unit, "local")
        start_session(who, account.changed_at)
        actions.audit("sign_in", who.username, actor=who.actor)
        return _redirect(local_path(request.form.get("next", "/")))

    single_sign_on.register(
        server, config, actions, lambda message, status: page(message, status=status), start_session
    )

    @server.errorhandler(RateLimitExceeded)
    def too_many(error: RateLimitExceeded) -> Any:
        if error.response is not None:  # a limit that wrote its own answer (the read API's problem document)
            return error.response
        actions.audit("sign_in", _username(request), actor=_username(request), outcome="limited")
        return page(_("Too many attempts: wait a minute before trying again."), _username(request), 429)

    @server.route("/dang-xuat", methods=["POST"])
    def sign_out() -> ResponseBase:
        who = access.person()
        if who is not None:
            actions.audit("sign_out", who.username, actor=who.actor)
        # A request of the page still in flight would set the session's cookie again with its
        # answer: the session is ended on the server too, not only in this browser.
        sid = (session.get(SESSION_KEY) or {}).get("sid")
        if isinstance(sid, str):
            ended.set(ENDED + sid, True, timeout=lifetime + 60)
        session.clear()
        return _redirect("/dang-nhap")

    return limiter


def _redirect(path: str) -> ResponseBase:
    response = Response(status=303)
    response.headers["Location"] = iri_to_uri(path)  # local_path made it a path of this site
    return response


def _username(req: Request) -> str:
    return req.form.get("username", "").strip().lower()[:64]


def _person(store: Store, config: Config, ended: Cache) -> Person | None:
    """The person whose session this request carries, if it is still good."""
    data = session.get(SESSION_KEY)
    if not isinstance(data, dict):
        return None
    sid = data.get("sid")
    if not isinstance(sid, str) or ended.get(ENDED + sid):
        session.clear()  # signed out (or a session of before sign-out existed)
        return None
    since = data.get("since")
    now = time.time()
    if not isinstance(since, (int, float)) or not since - 60 <= now <= since + config.settings.sign_in.max_hours * 3600:
        session.clear()
        return None
    if data.get("via") == "local":
        account = users.found(store, str(data.get("username", "")))
        if account is None or not account.active or account.changed_at != data.get("epoch"):
            session.clear()  # disabled, or its password changed, since this session began
            return None
        return Person(account.username, account.display_name, account.role, account.unit, "local")
    try:
        return Person(str(data["username"]), str(data["name"]), str(data["role"]), str(data["unit"]), "sso")
    except KeyError:
        session.clear()
        return None
