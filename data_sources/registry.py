"""Maps a source's `kind` to the module that knows it.

Adding a kind of source is one new module in this folder and one line here. Modules are
imported when a configuration first names their kind, so the libraries of a kind nobody uses
are never loaded; a configured kind whose module (or a library it needs) cannot be imported
stops start-up with a configuration error naming the source and what is missing.
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


class KindUnavailable(Exception):
    """A known kind whose module cannot be imported here."""


def source_class(kind: str) -> type[Source]:
    """The Source subclass for kind; KeyError for an unknown kind, KindUnavailable for one that
    cannot be loaded."""
    module_name, _, class_name = KINDS[kind].partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise KindUnavailable(f"kind '{kind}' cannot be loaded here: {error}") from None
    return getattr(module, class_name)
