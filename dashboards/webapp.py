"""Builds the Dash app: shared frame (navigation, history banner, refresh tick) and pages.

Pages refresh without a reload: a tick asks the store for its data version (one indexed
row); only when it changed do the page callbacks re-render from the cached snapshot.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs

import dash
from dash import Input, Output, State, dcc, html, no_update

from dashboards import briefing_files, downloads, exports, healthz, languages
from dashboards.pages import HIDDEN, PAGES
from dashboards.reader import Reader
from dashboards.text import t
from dashboards.wall import routes as wall_routes
from dashboards.wall.screens import ScreensFile, load_screens
from metrics.health import backfill_progress
from metrics.settings import Config
from metrics.store import Store

ASSETS = Path(__file__).resolve().parent.parent / "assets"


def create_app(
    config: Config,
    store: Store,
    scheduler_state: Callable[[], str | None] = lambda: None,
    heartbeat_seconds: float = 15,
    screens: ScreensFile | None = None,
) -> dash.Dash:
    lang = config.settings.app.language
    app = dash.Dash(
        __name__,
        use_pages=True,
        pages_folder="",
        assets_folder=str(ASSETS),
        assets_ignore=r"wall",
        title=t("app_title", lang),
        suppress_callback_exceptions=True,
        update_title=None,
    )
    reader = Reader(app.server, config, store, scheduler_state, heartbeat_seconds)
    app.server.config["IOC_READER"] = reader
    healthz.register(app.server, reader)
    downloads.register(app.server, config)
    exports.register(app.server, reader)
    briefing_files.register(app.server, config, store)
    reader.screens = screens or load_screens(config)
    wall_routes.register(app.server, reader, reader.screens)

    languages.register(app.server)
    for page in PAGES + HIDDEN:
        body_id = f"{page.__name__.rsplit('.', 1)[-1]}-body"
        dash.register_page(
            page.__name__,
            path=page.PATH,
            name=t(page.NAME, lang),
            title=f"{t(page.NAME, lang)} · IOC",
            layout=_layout(body_id, page.PATH, reader),
        )
        _register_body(app, page, body_id, reader)
        if hasattr(page, "register"):  # a page with controls of its own (the unit page's confirmation)
            page.register(app, reader)

    def frame():
        # A function, so each visit is drawn in the reader's language (a cookie set by the switch).
        lang = languages.current(config)
        other = "en" if lang == "vi" else "vi"
        return html.Div(
            [
                dcc.Location(id="url"),
                html.Header(
                    [
                        html.Div(
                            [
                                html.Div("IOC", className="brand-mark"),
                                html.Div(t("app_title", lang), className="brand-name"),
                            ],
                            className="brand",
                        ),
                        html.Nav(
                            [
                                dcc.Link(
                                    t(page.NAME, lang),
                                    href=page.PATH,
                                    className="nav-link",
                                    id=f"nav-{page.__name__.rsplit('.', 1)[-1]}",
                                )
                                for page in PAGES
                            ]
                        ),
                        html.A(
                            t("switch_language", lang),
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
            className=f"app lang-{lang}",
        )

    app.layout = frame

    @app.callback(
        Output("data-version", "data"),
        Output("history-banner", "children"),
        Input("tick", "n_intervals"),
        State("data-version", "data"),
        running=[(Output("tick", "disabled"), True, False)],
    )
    def refresh(_tick, known):
        lang = languages.current(config)
        version = reader.version()
        progress = backfill_progress(store, config)
        banner = (
            html.Div(
                [
                    html.Span(
                        t("loading_history", lang)
                        + f" ({config.settings.collection.backfill_weeks} {t('week', lang).lower()}): "
                    ),
                    html.B(
                        f"{progress.sources_done}/{progress.sources_total} {t('sources_word', lang)} · "
                        f"{progress.percent:.0f}%".replace(".", ",")
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

    return app


def _layout(body_id: str, path: str, reader: Reader):
    def layout(**_query):
        try:  # a visit: the IOC's own use is one of its effectiveness figures
            reader.store.count_view(path)
        except Exception:  # noqa: BLE001 - counting must never keep a page from showing
            logging.getLogger("ioc.web").warning("could not count a view of %s", path)
        return html.Div(html.Div("…", className="loading"), id=body_id, className="page-body")

    return layout


def _register_body(app: dash.Dash, page, body_id: str, reader: Reader) -> None:
    # The rendered body is cached like the data under it (data version, clock step, language):
    # building figures is the costly part (a 7-chart page took ~230 ms), and every open
    # page asks again after each collection.
    takes_query = "query" in inspect.signature(page.render).parameters

    def render(version: int, step: int, lang: str, search: str):
        if takes_query:
            return page.render(reader, lang, {k: v[0] for k, v in parse_qs(search.lstrip("?")).items()})
        return page.render(reader, lang)

    render.__name__ = render.__qualname__ = f"render_{body_id}"
    # A LIVE page shows what changes without a new data version (briefing editions): not cached.
    cached = render if getattr(page, "LIVE", False) else reader.cache.memoize()(render)

    @app.callback(Output(body_id, "children"), Input("data-version", "data"), Input("url", "search"))
    def body(_version, search):
        return cached(
            reader.version(),
            reader.time_step(),
            languages.current(reader.config),
            (search or "")[:200] if takes_query else "",
        )
