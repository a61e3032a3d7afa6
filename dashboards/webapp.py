"""Builds the Dash app: shared frame (navigation, history banner, refresh tick) and pages.

Pages refresh without a reload: a tick asks the store for its data version (one indexed
row); only when it changed do the page callbacks re-render from the cached snapshot. Every
page reads through one Reader and acts through one Actions (dashboards/page.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import dash
import orjson
from dash import Input, Output, State, dcc, html, no_update
from plotly.io.json import to_json_plotly
from werkzeug.middleware.proxy_fix import ProxyFix

from base import formatting as fmt
from base import i18n, labels
from base.i18n import _
from dashboards import (
    access,
    api,
    audit_trail,
    briefing_files,
    components,
    downloads,
    exports,
    healthz,
    languages,
    sign_in,
    web_safety,
)
from dashboards.actions import Actions
from dashboards.page import APP_TITLE, Page
from dashboards.pages import PAGES
from dashboards.reader import Reader
from dashboards.screens import ScreensFile
from dashboards.wall import routes as wall_routes
from metrics.settings import Config
from metrics.store import Store

ASSETS = Path(__file__).resolve().parent.parent / "assets"
MAX_SEARCH = 200  # characters of a URL's query string a page body is drawn for


class _Dash(dash.Dash):
    """Dash, with the page's first title in the reader's language (Dash fixes it at start); the
    page's own title follows once it is drawn."""

    def interpolate_index(  # Dash's extension point, with its own signature
        self,
        metas: Any = "",
        title: Any = "",
        css: Any = "",
        config: Any = "",
        scripts: Any = "",
        app_entry: Any = "",
        favicon: Any = "",
        renderer: Any = "",
    ) -> Any:
        return super().interpolate_index(metas, _(APP_TITLE), css, config, scripts, app_entry, favicon, renderer)


def create_app(
    config: Config,
    store: Store,
    scheduler_state: Callable[[], str | None] = lambda: None,
    heartbeat_seconds: float = 15,
    screens: ScreensFile | None = None,
) -> dash.Dash:
    with i18n.language(config.settings.app.language):  # what is fixed at start: the default language
        app = _Dash(
            __name__,
            use_pages=True,
            pages_folder="",
            assets_folder=str(ASSETS),
            assets_ignore=r"wall",
            title=_(APP_TITLE),
            suppress_callback_exceptions=True,
            update_title="",  # the page title stays while a callback runs
        )
        reader = Reader(app.server, config, store, scheduler_state, heartbeat_seconds, screens)
        actions = Actions(config, store)
        app.server.config["IOC_READER"] = reader
        languages.register(app.server)
        web_safety.register(app)  # another site's request is refused before anything else
        limiter = sign_in.register(app.server, config, store, actions, reader.cache)  # who asks, and may they
        api.register(app.server, reader, actions, limiter)
        healthz.register(app.server, reader)
        downloads.register(app.server, config)
        exports.register(app.server, reader)
        briefing_files.register(app.server, config, reader)
        audit_trail.register(app.server, actions)
        wall_routes.register(app.server, reader, actions)
        for page in PAGES:
            dash.register_page(
                page.name,
                path=page.path,
                name=_(page.title),
                title=_(page.title) + " · IOC",
                layout=_layout(page, actions),
            )
            _register_body(app, page, reader)
            if page.register is not None:
                page.register(app, reader, actions)
    proxies = config.settings.app.trusted_proxies
    if proxies:  # the client's address (limits, audit) and https (Secure cookies) as the proxy saw them
        app.server.wsgi_app = ProxyFix(app.server.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    app.layout = lambda: _frame(config)
    _register_refresh(app, reader, config)
    return app


def _frame(config: Config) -> html.Div:
    """The frame of every page, drawn per visit in the reader's language."""
    other = "en" if i18n.current() == "vi" else "vi"
    who = access.person()
    navigation = [
        dcc.Link(_(page.title), href=page.path, className="nav-link", id=f"nav-{page.name}")
        for page in PAGES
        if page.in_navigation and access.rule_of_callback(f"{page.body_id}.children").allows(who)
    ]
    return html.Div(
        [
            dcc.Location(id="url"),
            html.Header(
                [
                    html.Div(
                        [
                            html.Div("IOC", className="brand-mark"),
                            html.Div(_(APP_TITLE), className="brand-name"),
                        ],
                        className="brand",
                    ),
                    html.Nav(navigation),
                    _signed_in(),
                    html.A(
                        i18n.LANGUAGE_NAMES[other],
                        href=f"/ngon-ngu/{other}",
                        className="lang-switch",
                        id="lang-switch",
                        lang=other,
                    ),
                ],
                className="top",
            ),
            html.Div(id="history-banner"),
            dcc.Interval(id="tick", interval=config.settings.app.refresh_seconds * 1000),
            dcc.Store(id="data-version"),
            html.Main(dash.page_container, className="main"),
        ],
        className=f"app lang-{i18n.current()}",
    )


def _signed_in() -> html.Div | None:
    """Who is signed in, and the way out."""
    who = access.person()
    if who is None:
        return None
    role = labels.label(labels.ROLES, who.role) + (f" {who.unit}" if who.unit else "")
    return html.Div(
        [
            html.Span(who.display_name, id="signed-in-name", title=role),
            html.Form(
                html.Button(_("Sign out"), type="submit", className="sign-out", id="sign-out"),
                method="post",
                action="/dang-xuat",
            ),
        ],
        className="who",
    )


def _register_refresh(app: dash.Dash, reader: Reader, config: Config) -> None:
    @app.callback(
        Output("data-version", "data"),
        Output("history-banner", "children"),
        Input("tick", "n_intervals"),
        State("data-version", "data"),
        State("url", "search"),
        running=[(Output("tick", "disabled"), True, False)],
    )
    def refresh(_tick: int | None, known: str | None, search: str | None) -> tuple[Any, Any]:
        # The figures' token, not the store's version: a page asks again once the snapshot it
        # shows (its week's, its province's) has new figures, built in the background.
        version = _token_for(reader, search)
        progress = reader.backfill()
        banner = (
            html.Div(
                [
                    html.Span(
                        i18n.ngettext(
                            "Loading history ({weeks} week): ",
                            "Loading history ({weeks} weeks): ",
                            config.settings.collection.backfill_weeks,
                        ).format(weeks=config.settings.collection.backfill_weeks)
                    ),
                    html.B(
                        i18n.ngettext(
                            "{done}/{total} source · {percent}%",
                            "{done}/{total} sources · {percent}%",
                            progress.sources_total,
                        ).format(
                            done=progress.sources_done,
                            total=progress.sources_total,
                            percent=fmt.number(progress.percent, 0),
                        )
                    ),
                    html.Div(
                        html.Div(style={"width": f"{progress.percent:.0f}%"}, className="bar-fill"), className="bar"
                    ),
                ],
                className="history-banner",
                id="history-progress",
            )
            if progress.loading
            else None
        )
        return (no_update if version == known else version), banner


def _layout(page: Page, actions: Actions) -> Callable[..., html.Div]:
    def layout(**_query: str) -> html.Div:
        try:  # a visit: the IOC's own use is one of its effectiveness figures
            actions.record_page_view(page.path)
        except Exception:  # noqa: BLE001 - counting must never keep a page from showing
            logging.getLogger("ioc.web").warning("could not count a view of %s", page.path)
        return html.Div(html.Div("…", className="loading"), id=page.body_id, className="page-body")

    return layout


def _register_body(app: dash.Dash, page: Page, reader: Reader) -> None:
    # The rendered body is cached like the data under it (the snapshot's token, language, the
    # URL's filters, the viewer's role): building figures is the costly part (a 7-chart page took
    # ~230 ms), and every open page asks again after each collection.
    def render(token: str, lang: str, search: str, viewer: str) -> list:
        with i18n.language(lang):
            body = page.render(reader, {k: v[0] for k, v in parse_qs(search.lstrip("?")).items()})
        # Kept as the JSON the browser gets, in plain lists and dicts: unpickling the components
        # and walking them to JSON again took 10 of a cached page's 20 ms (measured on the
        # effectiveness page); Dash sends plain structures as they are.
        return orjson.loads(to_json_plotly(body))

    render.__name__ = render.__qualname__ = f"render_{page.body_id}"
    # A live page shows what changes without a new data version (briefing editions): not cached.
    cached = render if page.live else reader.cache.memoize()(render)
    if not page.live:
        reader.warming.register(page.body_id, cached)

    @app.callback(Output(page.body_id, "children"), Input("data-version", "data"), Input("url", "search"))
    def body(_token: str | None, search: str | None) -> list:
        # What a page offers to do depends on the viewer's role and unit (never their name): in the key.
        who = access.person()
        viewer = f"{who.role}:{who.unit}" if who is not None else ""
        args = (i18n.current(), (search or "")[:MAX_SEARCH], viewer)
        if not page.live:
            reader.warming.note(page.body_id, args, who.role if who else "", who.unit if who else "")
        return cached(_token_for(reader, search), *args)


def _token_for(reader: Reader, search: str | None) -> str:
    """The token of the snapshot a URL shows: a province's or a past week's is rebuilt apart
    from the ministry's, and a page cached under the ministry's token could keep an older one."""
    query = {k: v[0] for k, v in parse_qs((search or "").lstrip("?")[:MAX_SEARCH]).items()}
    return reader.snapshot_token(components.week_of(query), components.province_of(query))
