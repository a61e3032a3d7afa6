"""Every file the app hands out goes into the audit log (metrics/audit.py): the table
downloads, the briefing editions and the report templates, with the query that chose them."""

from __future__ import annotations

from flask import Flask, Response, request

from dashboards.actions import Actions

DOWNLOADS = ("/tai-ve/", "/ban-tin/tai-ve/", "/mau-bao-cao/")


def register(server: Flask, actions: Actions) -> None:
    @server.after_request
    def audit_download(response: Response) -> Response:
        if response.status_code == 200 and request.path.startswith(DOWNLOADS):
            actions.audit("download", request.full_path.rstrip("?"))
        return response
