"""Downloads of archived briefing editions: /ban-tin/tai-ve/<id>.<pdf|docx|xlsx>. Each file is
checked against the SHA-256 recorded when it was built; a file changed on disk is refused."""

from __future__ import annotations

from flask import Flask, Response, abort

from briefings.archive import MEDIA_TYPES, BuildFailed, read_file
from metrics import editions
from metrics.settings import Config
from metrics.store import Store


def register(server: Flask, config: Config, store: Store) -> None:
    @server.route("/ban-tin/tai-ve/<int:edition_id>.<fmt>")
    def briefing_file(edition_id: int, fmt: str):
        edition = editions.edition(store, edition_id)
        if edition is None or edition["status"] != "built" or fmt not in MEDIA_TYPES or fmt not in edition["files"]:
            abort(404)
        try:
            blob = read_file(config, edition, fmt)
        except (BuildFailed, OSError) as error:
            return Response(f"Tệp bản tin không dùng được: {error}", status=409, mimetype="text/plain; charset=utf-8")
        name = f"ban-tin-{edition['week']}-{edition['scope'] or 'BO'}-{edition['lang']}-so-{edition_id}.{fmt}"
        return Response(
            blob,
            mimetype=MEDIA_TYPES[fmt],
            headers={
                "Content-Disposition": f'attachment; filename="{name}"',
                "X-Content-SHA256": edition["files"][fmt]["sha256"],
            },
        )
