"""One module per page, each ending with PAGE = Page(...) (dashboards/page.py): its name, path,
title and render(reader, query); pages with controls of their own add register(app, reader,
actions). PAGES is their order in the navigation; the others are reached from the figures."""

from dashboards.page import Page
from dashboards.pages import (
    admin,
    audit,
    briefings,
    database,
    databases,
    directives,
    effectiveness,
    lineage,
    overview,
    project06,
    sources,
    unit,
)

PAGES: list[Page] = [
    overview.PAGE,
    effectiveness.PAGE,
    project06.PAGE,
    databases.PAGE,
    unit.PAGE,
    sources.PAGE,
    briefings.PAGE,
    directives.PAGE,
    audit.PAGE,
    admin.PAGE,
    database.PAGE,
    lineage.PAGE,
]
