"""Reports that units drop in a watched folder (kind = "spreadsheet").

Files dropped in the source's folder (default <data folder>/drop/<source id>) are read by
data_sources/report_files.py in the IOC's template (data_sources/spreadsheet_template.py), in
any format office programs save (.xlsx, .xlsm, .xls, .xlsb, .ods, .csv, .txt; see
data_sources/office_files.py).

- A file is read only once it has stopped changing: modified at least settle_seconds ago,
  and the same size and time after it was read as before (a copy still under way waits);
  a workbook cut short waits incomplete_grace_seconds after its last change before it is
  refused (a stalled copy may still complete, and moving it would lose the rest).
- Every file ends in processed/ (something was taken) or rejected/ (nothing was), however
  broken, with a report beside it saying row by row what was stored, quarantined or left
  blank, and why; one file's failure never stops another.
- Limits, each reported in the file's report: max_bytes on disk, max_expanded_bytes for a
  zipped workbook, max_rows of figures, max_read_seconds of reading per run (a file that
  could not be read in a whole run's time is refused; one that merely came after others
  waits for the next run), max_files per run.
- Only once the run is committed is a file moved; a file whose content (SHA-256) was taken
  before, or is another file of the same run, is refused as a copy.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import time
from pathlib import Path
from typing import Any

from pydantic import Field

from base import localtime
from base.catalogue import Catalogue
from base.problems import Problem
from data_sources.base import (
    OptionError,
    Options,
    Record,
    Source,
    SourceError,
    Window,
    check_codes,
    reported_series,
)
from data_sources.report_files import Limits, Reading, read_report, report_text
from data_sources.spreadsheet_template import DATA_SHEET

REGISTRY = ".ingested"
# Files office programs and systems leave beside a report: never reports themselves.
IGNORED_NAMES = {"thumbs.db", "desktop.ini", ".ds_store"}
log = logging.getLogger("ioc.spreadsheet")


class SpreadsheetOptions(Options):
    unit: str  # the unit that sends these files
    folder: str = ""  # default: <data folder>/drop/<source id>
    sheet: str = DATA_SHEET  # the data sheet's name in the unit's workbooks
    max_bytes: int = Field(default=50_000_000, ge=1_000)
    max_expanded_bytes: int = Field(default=300_000_000, ge=1_000_000)
    max_rows: int = Field(default=500_000, ge=1)
    max_files: int = Field(default=50, ge=1)  # per run; the rest wait for the next
    # Reading time per run; when not given, three quarters of the source's timeout_seconds
    # (within_timeout), so a slow file is reported rather than abandoned with the run.
    max_read_seconds: float = Field(default=45, gt=0)
    settle_seconds: float = Field(default=60, ge=0)  # unchanged this long before a file is read
    # A workbook cut short (a copy that stalled) waits this long after its last change before
    # it is refused: rejecting it sooner would move it while the copy may still complete.
    incomplete_grace_seconds: float = Field(default=900, ge=0)


def ignored(name: str) -> bool:
    """Hidden files, Excel's owner files (~$report.xlsx) and LibreOffice's locks (.~lock.report#)."""
    return name.startswith((".", "~$")) or name.lower() in IGNORED_NAMES


class SpreadsheetSource(Source[SpreadsheetOptions]):
    options_model = SpreadsheetOptions

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pending: list[tuple[Path, Reading]] = []

    @classmethod
    def declared_series(cls, options: SpreadsheetOptions, catalogue: Catalogue) -> set[tuple[str, str, str]]:
        return reported_series(catalogue, options.unit)

    @classmethod
    def within_timeout(cls, options: SpreadsheetOptions, timeout_seconds: float) -> SpreadsheetOptions:
        if "max_read_seconds" not in options.model_fields_set:
            # Reading gets three quarters of the run's time, leaving the rest to store the figures.
            return options.model_copy(update={"max_read_seconds": 0.75 * timeout_seconds})
        if options.max_read_seconds >= timeout_seconds:
            raise OptionError(
                "max_read_seconds",
                f"must be below timeout_seconds ({timeout_seconds:g}), so a slow file is reported, not abandoned",
            )
        return options

    @classmethod
    def check_options(cls, options: SpreadsheetOptions, catalogue, config_dir) -> None:
        check_codes(catalogue, unit=options.unit)

    @property
    def folder(self) -> Path:
        folder = Path(self.options.folder) if self.options.folder else self.data_dir / "drop" / self.source_id
        return folder if folder.is_absolute() else self.data_dir / folder

    def _ingested(self) -> dict[str, str]:
        registry = self.folder / "processed" / REGISTRY
        if not registry.exists():
            return {}
        return dict(line.split(" ", 1) for line in registry.read_text(encoding="utf-8").splitlines() if " " in line)

    def fetch(self, window: Window) -> list[Record]:
        folder = self.folder
        try:
            folder.mkdir(parents=True, exist_ok=True)
            files = sorted(p for p in folder.iterdir() if p.is_file() and not ignored(p.name))
        except OSError as error:
            raise SourceError("spreadsheet.folder_unreadable", folder=str(folder), error=error.strerror) from None
        ingested = self._ingested()
        this_run: dict[str, str] = {}
        self._pending = []
        records: list[Record] = []
        budget = self.options.max_read_seconds
        started = time.monotonic()
        for path in files[: self.options.max_files]:
            remaining = budget - (time.monotonic() - started)
            if remaining <= 0:
                break  # the rest wait for the next run
            reading = self._read_settled(path, ingested, this_run, started + budget)
            if reading is None:
                continue
            if reading.problem and reading.problem.code == "file.too_slow" and remaining < budget:
                continue  # it had less than a whole run's time: it is read first next run
            if reading.problem and reading.problem.code == "file.too_slow":
                reading.problem = Problem.of("file.too_slow_whole", seconds=budget)
            self._pending.append((path, reading))
            records += reading.records
        return records

    def _read_settled(
        self, path: Path, ingested: dict[str, str], this_run: dict[str, str], deadline: float
    ) -> Reading | None:
        """The file's reading, or None when it is still changing (it is read on a later run)."""
        try:
            before = path.stat()
            if time.time() - before.st_mtime < self.options.settle_seconds:
                log.info("%s: changed less than %s s ago; read next run", path.name, self.options.settle_seconds)
                return None
            if before.st_size > self.options.max_bytes:
                return Reading(path.name, problem=Problem.of("spreadsheet.too_large", limit=self.options.max_bytes))
            content = path.read_bytes()
        except OSError as error:
            return Reading(path.name, problem=Problem.of("spreadsheet.unreadable", error=error.strerror or str(error)))
        digest = hashlib.sha256(content).hexdigest()
        if digest in ingested:
            reading = Reading(path.name, digest, Problem.of("spreadsheet.duplicate", earlier=ingested[digest]))
        elif digest in this_run:
            reading = Reading(path.name, digest, Problem.of("spreadsheet.duplicate_in_run", other=this_run[digest]))
        else:
            try:
                reading = read_report(
                    path.name,
                    content,
                    self.catalogue,
                    self.options.unit,
                    Limits(self.options.max_rows, self.options.max_expanded_bytes, self.options.sheet),
                    deadline,
                )
            except Exception as error:  # noqa: BLE001 - one file's surprise never stops the others
                log.exception("reading %s", path.name)
                reading = Reading(path.name, problem=Problem.of("file.unexpected", error=type(error).__name__))
            reading.digest = digest
        try:
            after = path.stat()
        except OSError:
            return None  # taken away while read
        if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns) or len(content) != after.st_size:
            return None  # still being written: read again once it has settled
        cut_short = reading.problem is not None and reading.problem.code == "file.broken_zip"
        if cut_short and time.time() - after.st_mtime < self.options.incomplete_grace_seconds:
            log.info("%s: cut short; waits for the rest of its copy", path.name)
            return None
        this_run.setdefault(digest, path.name)
        return reading

    def after_commit(self, rejected: list[tuple[Record, Problem]]) -> None:
        reasons = {id(record): reason for record, reason in rejected if record is not None}
        now = time.time()
        for path, reading in self._pending:
            refused = {i: reasons[id(r)] for i, r in enumerate(reading.records) if id(r) in reasons}
            taken = reading.problem is None and len(refused) < len(reading.records)
            try:
                destination = self._move(path, self.folder / ("processed" if taken else "rejected"))
                # The report is for the unit that sent the file: in the IOC's default language.
                destination.with_name(destination.name + ".report.txt").write_text(
                    report_text(reading, refused, now, taken), encoding="utf-8"
                )
                if taken:
                    with (self.folder / "processed" / REGISTRY).open("a", encoding="utf-8") as registry:
                        registry.write(f"{reading.digest} {path.name} {localtime.now_local():%d/%m/%Y %H:%M}\n")
            except OSError as error:
                # Its figures are stored; it stays in the folder and is read again (storing the
                # same figures again changes nothing): the other files are still moved.
                log.error("%s: cannot move it or write its report: %s", path.name, error)
        self._pending = []

    def after_failure(self) -> None:
        self._pending = []  # the files stay where they are and are read again next time

    @staticmethod
    def _move(path: Path, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        destination = folder / path.name
        counter = 1
        while destination.exists():
            destination = folder / f"{path.stem}.{counter}{path.suffix}"
            counter += 1
        shutil.move(str(path), destination)
        return destination
