"""What a page of the app is: its path, its title, how it draws its body from the Reader, and
what it may do (its own callbacks, which act through dashboards/actions.py).

    PAGE = Page("project06", "/de-an-06", N_("Project 06"), render)

dashboards/pages/__init__.py lists the pages; webapp.py registers each the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from base.i18n import N_, _

if TYPE_CHECKING:  # the types only: the reader and the actions are handed to the page at run time
    import dash

    from dashboards.actions import Actions
    from dashboards.reader import Reader

Query = Mapping[str, str]
Render = Callable[["Reader", Query], list[Any]]
Register = Callable[["dash.Dash", "Reader", "Actions"], None]

APP_TITLE = N_("Intelligent Operations Centre — Ministry of Health")  # every page's, and the sign-in page's
_TITLES: dict[str, str] = {}


@dataclass(frozen=True)
class Page:
    name: str  # in element ids: #nav-project06, #project06-body
    path: str
    title: str  # msgid (N_): worded in the reader's language when shown
    render: Render  # the body from the cached read models, with the URL's filters
    register: Register | None = None  # callbacks of its own (a control that acts)
    live: bool = False  # shows what changes without a new data version: its body is not cached
    in_navigation: bool = True

    def __post_init__(self) -> None:
        if self.path in _TITLES:
            raise ValueError(f"two pages at {self.path}")
        _TITLES[self.path] = self.title

    @property
    def body_id(self) -> str:
        return f"{self.name}-body"


def title_of(path: str) -> str:
    """The worded title of the page at path (the path itself for one the app does not have)."""
    return _(_TITLES[path]) if path in _TITLES else path
