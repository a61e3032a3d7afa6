"""Maps a source's `kind` to the module that knows it.

Adding a kind of source is one new module in this folder and one line here. Modules are
imported when first used, so a kind whose optional dependency is missing only disables
sources of that kind.
"""

from __future__ import annotations

import importlib

from data_sources.base import Source

KINDS: dict[str, str] = {
    "demo": "data_sources.demo:DemoSource",
    "http_json": "data_sources.http_json:HttpJsonSource",
    "prometheus": "data_sources.prometheus:PrometheusSource",
    "sql": "data_sources.sql:SqlSource",
    "spreadsheet": "data_sources.spreadsheet:SpreadsheetSource",
}


def source_class(kind: str) -> type[Source]:
    """The Source subclass for kind; KeyError for an unknown kind."""
    module_name, _, class_name = KINDS[kind].partition(":")
    return getattr(importlib.import_module(module_name), class_name)
