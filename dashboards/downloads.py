"""Files the app serves: the weekly report template of each unit."""

from __future__ import annotations

from flask import Flask, Response, abort

from dashboards.web_safety import attachment
from data_sources.spreadsheet_template import build_template
from metrics.settings import Config

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def register(server: Flask, config: Config) -> None:
    @server.route("/mau-bao-cao/<unit>.xlsx")
    def report_template(unit: str) -> Response:
        if unit not in config.catalogue.units:
            abort(404)
        return attachment(build_template(config.catalogue, unit), f"mau-bao-cao-{unit}.xlsx", XLSX)
