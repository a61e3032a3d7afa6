"""What every answer of the web app carries for the browser's safety, and what it refuses.

- Headers on every answer: a Content-Security-Policy under which Dash works (its inline
  scripts allowed by their hashes, which Dash lists; no other inline script, no eval; inline
  styles allowed, as Dash and plotly set them), no framing by any other page
  (frame-ancestors 'none' and X-Frame-Options), nosniff, a Referrer-Policy, and
  Cache-Control: no-store on files and data that are not static assets.
- A state-changing request (POST and the like, Dash's callbacks included) whose Origin, or
  failing that Referer, names another site is refused (403): another site's page cannot act
  in a reader's name.
- attachment() names a downloaded file per RFC 6266/5987, from safe characters only.

Written here rather than with Flask-Talisman: Talisman would also redirect to HTTPS and set
session cookie options, which belong to the deployment and to sign-in; what is needed here is
these few headers and one check.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote, urlsplit

import dash
from flask import Response, abort, request

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
STATIC_PREFIXES = ("/assets/", "/_dash-component-suites/", "/wall-static/", "/_favicon.ico")


def content_security_policy(app: dash.Dash) -> str:
    scripts = " ".join(app.csp_hashes())  # each already quoted: 'sha256-…'
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' {scripts}",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def register(app: dash.Dash) -> None:
    server = app.server
    # No request body beyond this: the largest is a report file sent from the unit page (10 MB,
    # a third more in base64); a larger one is refused (413) before it is read.
    server.config["MAX_CONTENT_LENGTH"] = 16 * 1024 * 1024
    policy: list[str] = []  # worked out at the first answer, once Dash has registered its scripts

    @server.before_request
    def refuse_other_origins() -> None:
        if request.method not in STATE_CHANGING:
            return
        claimed = request.headers.get("Origin") or request.headers.get("Referer")
        # "null" is a sandboxed frame or a file: page
        if claimed and (claimed == "null" or urlsplit(claimed).netloc != request.host):
            abort(403)

    @server.after_request
    def safety_headers(response: Response) -> Response:
        if not policy:
            policy.append(content_security_policy(app))
        headers = response.headers
        headers.setdefault("Content-Security-Policy", policy[0])
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        if not request.path.startswith(STATIC_PREFIXES):
            headers.setdefault("Cache-Control", "no-store")
        return response


def local_path(target: str | None) -> str:
    """target if it is a path of this site (with its query), else "/": a redirect never leaves
    the site (a browser reads //host and /\\host as another site) nor carries a control character."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    if any(ord(character) < 0x20 or ord(character) == 0x7F for character in target) or len(target) > 2000:
        return "/"
    return target


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(text: str, limit: int = 120) -> str:
    """A file name from letters, digits, dot, dash and underscore only (tone marks dropped)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _UNSAFE.sub("-", ascii_text).strip("-.")[:limit] or "tai-ve"


def attachment(body: bytes, filename: str, mimetype: str) -> Response:
    """A download named filename, its name written both ways RFC 6266 allows."""
    name = safe_name(filename)
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}"},
    )
