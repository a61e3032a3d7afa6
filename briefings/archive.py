"""Build an edition and keep it: all three files rendered in memory first (a failure anywhere
means no edition, only a failed attempt on record, never a half-empty document), then written
once under data/briefings/<week>/ and recorded with their SHA-256 and the data version.

Files are never rewritten: each is opened with O_EXCL; a name holds the first 16 hex digits
of the file's SHA-256, so an identical rebuild finds its file already there and a different
one gets a new name.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.exc import DBAPIError

from base.localtime import iso_week_label
from base.problems import Problem
from briefings.charts import ChartError
from briefings.content import build_briefing
from briefings.docx_report import render_docx
from briefings.model import Briefing, BriefingError
from briefings.pdf import render_pdf
from briefings.settings import BriefingSettings, load_briefing_settings
from briefings.xlsx_appendix import render_xlsx
from metrics import editions
from metrics.settings import Config
from metrics.store import Store

log = logging.getLogger("ioc.briefings")
# Failures that could not be written because the store itself was down: kept here and written
# at the next chance (record_unrecorded), so the briefings page shows every attempt.
_UNRECORDED: list[dict] = []
_UNRECORDED_LOCK = threading.Lock()
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Edition:
    id: int
    briefing: Briefing
    files: dict[str, dict]  # format → {"path", "sha256", "bytes"}


class BuildFailed(Exception):
    """The edition was not built; the attempt is recorded (and shown on the sources page)."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(problem.code)

    def __str__(self) -> str:
        return self.problem.text()


def archive_dir(config: Config) -> Path:
    return Path(config.data_dir) / "briefings"


def render_all(briefing: Briefing, settings: BriefingSettings, built_at: float) -> dict[str, bytes]:
    return {
        "pdf": render_pdf(briefing, settings.document, built_at),
        "docx": render_docx(briefing, settings.document, built_at),
        "xlsx": render_xlsx(briefing, built_at),
    }


def build_edition(
    store: Store,
    config: Config,
    week: int,
    scope: str = "",
    lang: str = "vi",
    trigger: str = "manual",
    settings: BriefingSettings | None = None,
    built_at: float | None = None,
) -> Edition:
    """Build, write and record one edition; BuildFailed (recorded) when anything goes wrong."""
    settings = settings or load_briefing_settings(config)
    built_at = round(built_at if built_at is not None else time.time())  # whole seconds: as printed
    label = iso_week_label(week)
    try:
        briefing = build_briefing(store, config, week, scope, lang)
        blobs = render_all(briefing, settings, built_at)
        files = _write(archive_dir(config) / label, f"{scope or 'BO'}-{lang}", blobs)
    except Exception as error:  # noqa: BLE001  every failure is recorded, then raised as BuildFailed
        reason = _reason(error)
        log.error("briefing %s %s %s not built: %s", label, scope or "ministry", lang, reason)
        if trigger == "manual" and isinstance(error, BriefingError):
            raise BuildFailed(reason) from error  # a request that cannot be met, answered on the spot
        try:
            version = store.data_state()[0]
        except Exception:  # noqa: BLE001  the store itself may be what failed
            version = -1
        failure: dict[str, Any] = dict(
            week=label,
            scope=scope,
            lang=lang,
            status="failed",
            built_at=built_at,
            data_version=version,
            data_until=None,
            error=reason.stored(),
            trigger=trigger,
        )
        try:
            latest = editions.latest_attempt(store, label, scope, lang)
            if latest is None or latest["status"] != "failed" or latest["error"] != failure["error"]:
                editions.record_edition(store, **failure)  # the same failure again is not a new fact
        except Exception:  # noqa: BLE001
            log.warning("the failed briefing could not be recorded either (store unreachable?): kept to record later")
            with _UNRECORDED_LOCK:
                _UNRECORDED.append(failure)
        raise BuildFailed(reason) from error
    edition_id = editions.record_edition(
        store,
        week=label,
        scope=scope,
        lang=lang,
        status="built",
        built_at=built_at,
        data_version=briefing.data_version,
        data_until=briefing.data_until,
        files=files,
        trigger=trigger,
    )
    log.info("briefing %s %s %s built: edition %d", label, scope or "ministry", lang, edition_id)
    return Edition(edition_id, briefing, files)


def _reason(error: Exception) -> Problem:
    """Why an edition was not built, as a Problem to store and word."""
    if isinstance(error, (BriefingError, BuildFailed)):
        return error.problem
    if isinstance(error, DBAPIError):
        return Problem.of("briefing.store_unreachable", detail=str(error.orig or error))
    if isinstance(error, ChartError):
        return Problem.of("briefing.failed", error_type=type(error).__name__, reason=error.problem)
    return Problem.of("briefing.failed", error_type=type(error).__name__, reason=Problem.of("text", text=str(error)))


def record_unrecorded(store: Store) -> int:
    """Write the failures kept while the store was down; how many were written."""
    with _UNRECORDED_LOCK:
        kept = list(_UNRECORDED)
        _UNRECORDED.clear()
    for index, failure in enumerate(kept):
        try:
            editions.record_edition(store, **failure)
        except Exception:  # noqa: BLE001  still down: keep the rest for the next time
            with _UNRECORDED_LOCK:
                _UNRECORDED[:0] = kept[index:]
            return index
    return len(kept)


def _write(folder: Path, stem: str, blobs: dict[str, bytes]) -> dict[str, dict]:
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    for fmt, blob in blobs.items():
        digest = hashlib.sha256(blob).hexdigest()
        path = folder / f"{stem}-{digest[:16]}.{fmt}"
        try:
            with open(path, "xb") as handle:  # never overwrite an edition's file
                handle.write(blob)
                handle.flush()
                os.fsync(handle.fileno())
        except FileExistsError:
            if hashlib.sha256(path.read_bytes()).hexdigest() != digest:
                raise BuildFailed(Problem.of("archive.changed", path=str(path))) from None
        files[fmt] = {"path": str(path.relative_to(folder.parent)), "sha256": digest, "bytes": len(blob)}
    return files


def read_file(config: Config, edition: dict, fmt: str) -> bytes:
    """An archived file, checked against the SHA-256 recorded when it was built."""
    entry = edition["files"][fmt]
    blob = (archive_dir(config) / entry["path"]).read_bytes()
    if hashlib.sha256(blob).hexdigest() != entry["sha256"]:
        raise BuildFailed(Problem.of("archive.sha_mismatch", path=entry["path"]))
    return blob
