"""Downloads of archived briefing editions: /ban-tin/tai-ve/<id>.<pdf|docx|xlsx>. Each file is
checked against the SHA-256 recorded when it was built; a file changed on disk is refused."""

from __future__ import annotations

from flask import Flask, Response, abort

from base.i18n import _
from briefings.archive import MEDIA_TYPES, BuildFailed, read_file
from dashboards.reader import Reader
from dashboards.web_safety import attachment
from metrics.settings import Config


def register(server: Flask, config: Config, reader: Reader) -> None:
    # An id past what the store holds is a 404 like any unknown one (it was a 500).
    @server.route("/ban-tin/tai-ve/<int(max=2147483647):edition_id>.<fmt>")
    def briefing_file(edition_id: int, fmt: str) -> Response:
        edition = reader.edition(edition_id)
        if edition is None or edition["status"] != "built" or fmt not in MEDIA_TYPES or fmt not in edition["files"]:
            abort(404)
        try:
            blob = read_file(config, edition, fmt)
        except BuildFailed as error:
            message = _("The briefing's file cannot be used: {reason}").format(reason=error)
            return Response(message, status=409, mimetype="text/plain; charset=utf-8")
        except OSError as error:
            message = _("The briefing's file cannot be used: {reason}").format(reason=error.strerror)
            return Response(message, status=409, mimetype="text/plain; charset=utf-8")
        name = f"ban-tin-{edition['week']}-{edition['scope'] or 'BO'}-{edition['lang']}-so-{edition_id}.{fmt}"
        response = attachment(blob, name, MEDIA_TYPES[fmt])
        response.headers["X-Content-SHA256"] = edition["files"][fmt]["sha256"]
        return response
