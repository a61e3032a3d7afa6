"""Addresses of the app's pages that other pages and tables link to."""

from __future__ import annotations

from urllib.parse import urlencode

OVERVIEW, EFFECTIVENESS, PROJECT06, DATABASES = "/", "/hieu-qua", "/de-an-06", "/co-so-du-lieu"
UNIT, SOURCES, BRIEFINGS, DATABASE, LINEAGE = "/don-vi", "/nguon-du-lieu", "/ban-tin", "/csdl", "/nguon-goc"
AUDIT, DIRECTIVES, ADMIN = "/nhat-ky", "/chi-dao", "/quan-tri"


def lineage(metric: str, unit: str = "", database: str = "") -> str:
    """A figure opened to its history, source and collection run."""
    return f"{LINEAGE}?{urlencode({'metric': metric, 'unit': unit, 'database': database})}"


def briefing_file(edition_id: int, fmt: str) -> str:
    return f"/ban-tin/tai-ve/{edition_id}.{fmt}"
