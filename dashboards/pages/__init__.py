"""One module per page. Each has PATH, NAME (its text key in the navigation) and
render(reader, lang) returning the page body from the cached read models."""
from dashboards.pages import databases, effectiveness, overview, project06, sources

PAGES = [overview, effectiveness, project06, databases, sources]
