"""One module per page. Each has PATH, NAME (its text key in the navigation) and
render(reader, lang[, query]) returning the page body from the cached read models; a page
whose render takes query gets the URL's query parameters (its filters)."""

from dashboards.pages import briefings, database, databases, effectiveness, lineage, overview, project06, sources, unit

PAGES = [overview, effectiveness, project06, databases, unit, sources, briefings]
HIDDEN = [database, lineage]  # reached from the figures, not from the navigation
