"""Single sign-on with the ministry's identity provider over OpenID Connect (Authlib).

/dang-nhap/sso sends the reader to the provider (its addresses read from the issuer's
/.well-known/openid-configuration), with a state and a nonce kept in the session;
/dang-nhap/sso/ve takes the provider's answer: Authlib checks the state, exchanges the code,
and checks the ID token's signature against the provider's JWKS, its issuer, audience,
expiry and nonce. The person's role comes from the provider's groups
(`[sign_in.sso.groups]`); someone in no mapped group is refused. Off (404) while no issuer is
configured. Every attempt goes into the audit log.
"""

from __future__ import annotations

import os
from typing import Any

from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Flask, abort, request, session, url_for
from werkzeug.wrappers import Response as ResponseBase

from base.i18n import _
from dashboards.access import Person
from dashboards.actions import Actions
from dashboards.web_safety import local_path
from metrics.settings import Config, SingleSignOnSection

# When someone is in several mapped groups, the role that may do most wins.
PRECEDENCE = ("admin", "focal_point", "leadership", "department_head")
NEXT_KEY = "ioc_sso_next"


def role_of(groups: Any, settings: SingleSignOnSection) -> tuple[str, str] | None:
    """(role, unit) the provider's groups give, else None."""
    if not isinstance(groups, list):
        return None
    granted = [settings.groups[g] for g in groups if isinstance(g, str) and g in settings.groups]
    for role in PRECEDENCE:
        for given in granted:
            name, _, unit = given.partition(":")
            if name == role:
                return name, unit
    return None


def register(server: Flask, config: Config, actions: Actions, page: Any, start_session: Any) -> None:
    """page(message, status) draws the sign-in form with a message; start_session(person)
    signs a person in."""
    settings = config.settings.sign_in.sso
    oauth = OAuth(server)
    if settings.issuer:
        oauth.register(
            "ministry",
            client_id=settings.client_id,
            client_secret=os.environ.get("IOC_OIDC_CLIENT_SECRET", ""),
            server_metadata_url=settings.issuer.rstrip("/") + "/.well-known/openid-configuration",
            client_kwargs={"scope": settings.scopes, "timeout": 10},
        )

    @server.route("/dang-nhap/sso")
    def sso_start() -> Any:
        if not settings.issuer:
            abort(404)
        session[NEXT_KEY] = local_path(request.args.get("next", "/"))
        try:
            return oauth.ministry.authorize_redirect(url_for("sso_return", _external=True))
        except Exception as error:  # noqa: BLE001 - the provider unreachable or its discovery broken
            actions.audit("sign_in", "", actor="sso", outcome="failed", detail=f"{type(error).__name__}: {error}")
            return page(_("The ministry's sign-in service cannot be reached now: sign in with your account."), 502)

    @server.route("/dang-nhap/sso/ve")
    def sso_return() -> Any:
        if not settings.issuer:
            abort(404)
        try:
            token = oauth.ministry.authorize_access_token()
        except (OAuthError, ValueError, KeyError) as error:  # state, code, signature, nonce, issuer, expiry…
            return _refused(f"{type(error).__name__}: {error}")
        except Exception as error:  # noqa: BLE001 - the provider went away mid-way
            return _refused(f"{type(error).__name__}: {error}")
        claims = token.get("userinfo") or {}
        username = str(claims.get("preferred_username") or claims.get("email") or claims.get("sub") or "")[:64]
        granted = role_of(claims.get(settings.groups_claim), settings)
        if not username or granted is None:
            return _refused(f"no role for {username or 'an unnamed person'}", username)
        role, unit = granted
        if role == "department_head" and unit not in config.catalogue.units:
            return _refused(f"unknown unit {unit}", username)
        who = Person(username, str(claims.get("name") or username)[:200], role, unit, "sso")
        target = session.pop(NEXT_KEY, "/")
        start_session(who)
        actions.audit("sign_in", username, actor=who.actor)
        return _to(local_path(target))

    def _refused(detail: str, username: str = "") -> Any:
        actions.audit("sign_in", username, actor=username or "sso", outcome="refused", detail=detail)
        return page(_("Single sign-on did not succeed: sign in again, or with your account."), 401)


def _to(path: str) -> ResponseBase:
    response = ResponseBase(status=303)
    response.headers["Location"] = path
    return response
