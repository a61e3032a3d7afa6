"""A unit's spreadsheet report sent through the app: put in the unit's watched folder and
collected at once by that folder's own source, so it is read, validated, stored, moved and
reported on exactly as a file dropped there would be (data_sources/spreadsheet.py).

Before that, the upload is checked for what the folder cannot know: its size against the
upload limit, and that its content is what its name says (a .xlsx that is really an ODS, an
HTML page or a PDF is refused, named as what it is).
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

from base.problems import Problem
from data_sources.base import SourceError
from data_sources.office_files import file_format
from data_sources.spreadsheet import SpreadsheetOptions, SpreadsheetSource
from metrics.collection import Collector
from metrics.settings import Config, SourceConfig
from metrics.store import Store

MAX_UPLOAD_BYTES = 10_000_000
# The formats a report may be sent in, by the name's ending, and what the content must then be.
CLAIMED = {".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls", ".xlsb": "xlsb", ".ods": "ods", ".csv": "text"}
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


class UploadRefused(Exception):
    def __init__(self, code: str, **params: object) -> None:
        self.problem = Problem(code, params)
        super().__init__(code)


@dataclass(frozen=True)
class Upload:
    taken: bool
    report: str  # the report the folder wrote beside the file, in the IOC's language
    file_name: str  # as stored in the folder


def source_for(config: Config, unit: str) -> SourceConfig | None:
    """The enabled spreadsheet source that watches unit's folder, if any."""
    for source in config.sources:
        if source.kind == "spreadsheet" and source.enabled and getattr(source.options, "unit", None) == unit:
            return source
    return None


def receive(config: Config, store: Store, unit: str, name: str, content: bytes) -> Upload:
    """Take unit's report file: checked, collected now, and its report returned."""
    source = source_for(config, unit)
    if source is None:
        raise UploadRefused("upload.no_source", unit=unit)
    options = source.options
    assert isinstance(options, SpreadsheetOptions)  # the kind says so
    limit = min(MAX_UPLOAD_BYTES, options.max_bytes)
    if len(content) > limit:
        raise UploadRefused("spreadsheet.too_large", limit=limit)
    suffix = Path(name).suffix.lower()
    if suffix not in CLAIMED:
        raise UploadRefused("upload.not_a_report", name=name[:100], formats=", ".join(CLAIMED))
    try:
        found = file_format(content)
    except SourceError as error:
        raise UploadRefused(error.problem.code, **error.problem.params) from None
    if found != CLAIMED[suffix]:
        raise UploadRefused("upload.disguised", name=name[:100], found=found)
    collector = Collector(config, store)
    watched = collector.sources[source.id]
    assert isinstance(watched, SpreadsheetSource)
    folder = watched.folder
    folder.mkdir(parents=True, exist_ok=True)
    stem = _SAFE.sub("-", Path(name).stem).strip("-.")[:60] or "bao-cao"
    stored_name = f"tai-len-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{stem}{suffix}"
    partial = folder / f".{stored_name}.part"  # hidden: the folder's source skips it until renamed
    partial.write_bytes(content)
    # Written whole by the app: it needs no time to settle, so it is dated before the settling time.
    settled = time.time() - options.settle_seconds - 1
    os.utime(partial, (settled, settled))
    os.replace(partial, folder / stored_name)
    collector.collect(source.id)
    for place, taken in (("processed", True), ("rejected", False)):
        report = folder / place / f"{stored_name}.report.txt"
        if report.exists():
            return Upload(taken, report.read_text(encoding="utf-8"), stored_name)
    # Still in the folder: the run failed or ran out of time; the next run takes it.
    return Upload(False, "", stored_name)
