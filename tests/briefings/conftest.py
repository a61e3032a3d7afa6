"""A store with three weeks of every unit's demo history, shared by a module's tests, and the
helpers that read documents back the way a reader would (pdftotext, pdfinfo, pdffonts)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from base.localtime import WEEK, week_start
from metrics.collection import Collector
from metrics.store import Store
from tests.conftest import demo_source, with_sources

BUILT_AT = 1795500000.0  # a fixed build time: 13:00 24/11/2026 in Hanoi


@pytest.fixture(scope="module")
def filled(default_config, demo_history_file, tmp_path_factory):
    """Every unit's demo source (BTXH in an outage, QLD sending bad records) with 3 weeks of history."""
    folder = tmp_path_factory.mktemp("briefing")
    sources = [
        demo_source(
            default_config,
            unit,
            **({"outage_hours": 50} if unit == "BTXH" else {"bad_record_every": 1} if unit == "QLD" else {}),
        )
        for unit in default_config.catalogue.units
    ]
    config = with_sources(default_config, *sources, data_dir=folder / "data")
    shutil.copyfile(demo_history_file, folder / "ioc.sqlite3")  # the session's history, then live collections
    store = Store(f"sqlite:///{folder / 'ioc.sqlite3'}")
    store.upgrade()
    Collector(config, store).collect_all()
    return config, store


def last_week() -> int:
    return week_start(time.time()) - WEEK


def pdf_text(path_or_bytes, tmp_path: Path, layout: bool = False) -> str:
    path = _as_file(path_or_bytes, tmp_path, "pdf")
    return subprocess.run(
        ["pdftotext", *(["-layout"] if layout else []), str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def pdf_pages(path_or_bytes, tmp_path: Path) -> int:
    info = subprocess.run(
        ["pdfinfo", str(_as_file(path_or_bytes, tmp_path, "pdf"))], capture_output=True, text=True, check=True
    ).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def pdf_info(path_or_bytes, tmp_path: Path) -> str:
    return subprocess.run(
        ["pdfinfo", str(_as_file(path_or_bytes, tmp_path, "pdf"))], capture_output=True, text=True, check=True
    ).stdout


def pdf_fonts(path_or_bytes, tmp_path: Path) -> list[list[str]]:
    out = subprocess.run(
        ["pdffonts", str(_as_file(path_or_bytes, tmp_path, "pdf"))], capture_output=True, text=True, check=True
    ).stdout
    return [line.split() for line in out.splitlines()[2:] if line.strip()]


def _as_file(path_or_bytes, tmp_path: Path, suffix: str) -> Path:
    if isinstance(path_or_bytes, bytes):
        path = tmp_path / f"document-{abs(hash(path_or_bytes))}.{suffix}"
        path.write_bytes(path_or_bytes)
        return path
    return Path(path_or_bytes)


def raw_ratio(store: Store, numerator: str, denominator: str, week: int, unit: str | None = None) -> float:
    """A ratio over one week in percent, straight from the samples with SQL."""
    query = (
        "SELECT COALESCE(SUM(s.value), 0) FROM samples s JOIN series r ON r.id = s.series_id "
        "WHERE r.metric = :m AND s.ts >= :start AND s.ts < :end" + (" AND r.unit = :u" if unit else "")
    )
    with store.engine.connect() as connection:
        num, den = (
            float(connection.execute(text(query), {"m": m, "start": week, "end": week + WEEK, "u": unit}).scalar_one())
            for m in (numerator, denominator)
        )
    return 100 * num / den


def local_day(seconds: float) -> dt.date:
    return dt.datetime.fromtimestamp(seconds, dt.timezone(dt.timedelta(hours=7))).date()
