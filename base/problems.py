"""What went wrong, kept as a code and its parameters and worded only when shown.

A run's error, a quarantined record's reason, a failed briefing or e-mail: the store keeps
{"code": ..., "params": {...}} (Problem.stored), and a page, /healthz, a briefing or the
command line words it in its reader's language (Problem.text) from the message the code
names in MESSAGES. Numbers in the parameters are written the reader's way (1.234,5 or
1,234.5); {x:time} is a local time, {x:time_s} one with seconds. A parameter may itself be a
Problem (an HTTP error inside "gave up after 3 tries"), or a list (numbers each written the
reader's way, joined by "; ").

Rows stored before codes existed hold plain text: they are shown as they are.
"""

from __future__ import annotations

import json
import math
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from base import formatting
from base.i18n import N_, _

MESSAGES: dict[str, str] = {
    # Text a source or an older store gives already worded: shown as it is.
    "text": N_("{text}"),
    # data_sources/: a unit system's whole answer refused.
    "source.message": N_("{text}"),
    "source.unit_down": N_("the unit's system has not answered since {since:time} (connection timed out)"),
    "body.not_utf8": N_("the response is not valid UTF-8 text (bad byte at position {position})"),
    "body.html": N_("the server answered with an HTML page instead of JSON data"),
    "body.empty": N_("the response is empty: no JSON data"),
    "body.too_large": N_("the response is larger than the limit of {limit} bytes"),
    "json.too_deep": N_("JSON nested too deep (limit {limit} levels)"),
    "json.invalid": N_("the content is not valid JSON ({detail}, line {line})"),
    "json.records_not_list": N_("'{path}' does not point to a list of records"),
    "env.header_missing": N_("the environment variable {variable} (for the header {header}) is not set"),
    "env.url_missing": N_("the environment variable {variable} (the database's address) is not set"),
    "http.status": N_("HTTP {status} from {url}"),
    "http.redirect": N_("HTTP {status} (a redirect) from {url}; redirects are not followed"),
    "http.timeout": N_("no answer within {seconds} seconds from {url}"),
    "http.unreachable": N_("cannot connect to {url} ({error})"),
    "http.gave_up": N_("{reason} (after {attempts} tries)"),
    "http.unauthorized": N_(
        "the unit's system refused the IOC's credentials (HTTP 401) at {url}: they may have expired; "
        "ask the unit for new ones"
    ),
    "http.forbidden": N_("the unit's system refused access (HTTP 403) at {url}: the IOC's account lacks the right"),
    "http.not_found": N_("nothing at {url} (HTTP 404): the address may have changed"),
    "http.rate_limited": N_("the unit's system asks the IOC to slow down (HTTP 429) at {url}"),
    "http.retry_after_too_long": N_("{reason}; it asks to wait {seconds} seconds, longer than the time left: next run"),
    "http.too_slow": N_("{url} did not send its whole answer within {seconds} seconds ({size} bytes came)"),
    "net.connect": N_("the connection was refused or the server cannot be reached"),
    "net.protocol": N_("the server broke off the connection or answered outside the HTTP protocol"),
    "net.read": N_("the connection broke while sending or receiving"),
    "net.proxy": N_("the proxy refused the connection"),
    "net.unsupported": N_("the address is not an http:// or https:// URL"),
    "net.other": N_("network error ({name})"),
    "json.invalid_at": N_("the content is not valid JSON (line {line}, column {column})"),
    "http.next_other_host": N_("the next page's link points to another server; not followed"),
    "prometheus.unreadable": N_("cannot read the Prometheus format ({detail})"),
    "prometheus.bad_line": N_("cannot read the Prometheus format: the line “{line}” is not a sample"),
    "prometheus.unreadable_text": N_("cannot read the Prometheus format"),
    "prometheus.html": N_("the server answered with an HTML page instead of Prometheus figures"),
    "sql.timeout": N_("the query ran longer than {seconds} seconds (statement timeout)"),
    # {detail} is the unit database's own message, quoted as it gave it (for its administrator).
    "sql.read_only": N_("the query tried to write to a read-only database (the database says: “{detail}”)"),
    "sql.unreachable": N_("cannot connect to the unit's database (the driver says: “{detail}”)"),
    "sql.failed": N_("the query on the unit's database failed (the database says: “{detail}”)"),
    "sql.too_many_rows": N_("the query returned more than {limit} rows; narrow the query or raise max_rows"),
    "sql.missing_columns": N_("the query has no column {columns}"),
    "spreadsheet.folder_unreadable": N_("cannot read the drop folder {folder}: {error}"),
    "spreadsheet.too_large": N_("the file is larger than the limit of {limit} bytes"),
    "spreadsheet.unreadable": N_("cannot read the file: {error}"),
    "spreadsheet.duplicate": N_("same content as a file received before ({earlier}); not taken again"),
    # Kept for the reports of runs stored before data_sources/office_files.py.
    "spreadsheet.excel_unreadable": N_("cannot open the Excel file ({error})"),
    "spreadsheet.not_text": N_("the file is neither UTF-8 nor Windows-1258 text"),
    "spreadsheet.no_header": N_("no header row of the template (Ngày, Mã chỉ số, Giá trị)"),
    "spreadsheet.no_header_in_sheets": N_(
        "no header row of the template (Ngày, Mã chỉ số, Giá trị) in any visible sheet"
    ),
    "spreadsheet.too_many_rows": N_("the file has more than {limit} rows of figures (the limit of this source)"),
    "spreadsheet.no_rows": N_("the file has no rows of figures"),
    "spreadsheet.duplicate_in_run": N_("same content as {other}, received at the same time; only that one is taken"),
    "file.empty": N_("the file is empty"),
    "file.broken_zip": N_("the file is cut short or damaged (an incomplete copy?): send it again once it is complete"),
    "file.not_spreadsheet": N_(
        "not a spreadsheet the IOC reads (.xlsx, .xlsm, .xls, .xlsb, .ods, .csv or .txt from Excel or LibreOffice)"
    ),
    "file.pdf": N_("the file is a PDF, not a spreadsheet: send the Excel file of the report"),
    "file.html": N_("the file is a web page (HTML) with a spreadsheet's name: open it in Excel and save it as .xlsx"),
    "file.encrypted": N_("the workbook is protected by a password: save it without a password"),
    "file.bad_text": N_("the text cannot be read as {encoding} (bad byte at position {position})"),
    "file.bad_csv": N_("the CSV text cannot be split into columns ({detail})"),
    "file.unreadable": N_("the {format} file cannot be opened ({error}): it may be damaged"),
    "file.expands_too_much": N_("the workbook expands to {size} bytes, over the limit of {limit}: not opened"),
    "file.too_much_text": N_("the workbook's table of texts is {size} bytes, over the limit of {limit}: not opened"),
    "file.too_many_cells": N_("the workbook spans more than {limit} cells: not read"),
    "file.too_much_memory": N_("reading the workbook needed more than {limit} MB of memory: not read"),
    "file.too_slow": N_("reading stopped at row {row}: the time for reading was used up"),
    "file.too_slow_whole": N_("the file could not be read within {seconds} seconds (the source's reading limit)"),
    "file.unexpected": N_("the file could not be read ({error}); it was set aside so the others go on"),
    "sheet.several": N_("several sheets have the template's columns ({sheets}): name the data sheet “{name}”"),
    "sheet.named_without_header": N_(
        "the sheet “{sheet}” has no header row of the template; missing columns: {columns}"
    ),
    "sheet.no_header": N_(
        "no sheet has the template's header row; missing columns: {columns} (or name the data sheet “{name}”)"
    ),
    "sheet.duplicate_column": N_("the column “{column}” is given twice ({cells}): which one is meant is unclear"),
    "sheet.unknown_columns": N_("columns not part of the template, not read: {columns}"),
    "cell.uncalculated": N_(
        "cell {cell} holds the formula {formula} but no calculated value (the file was written by a program): "
        "open it in Excel or LibreOffice and save it again"
    ),
    "cell.error": N_("cell {cell} shows the error {shown}"),
    "cell.bad_date": N_("cell {cell}: “{value}” is not a date written dd/mm/yyyy"),
    "cell.date_as_number": N_("cell {cell} holds the number {value} where a date is expected: format it as a date"),
    "cell.no_date": N_("cell {cell}: the date is missing"),
    "cell.date_as_value": N_("cell {cell} holds a date where a figure is expected"),
    "cell.percent_for_count": N_("cell {cell} shows a percentage ({shown}) but the figure is a count"),
    "cell.maybe_percent": N_(
        "cell {cell} holds {value}: if it is shown as a percentage, type the figure as it reads "
        "(98,6 for 98,6 %) or save the file as .xlsx"
    ),
    "row.header_again": N_("row {row} repeats the header; skipped"),
    "row.no_metric": N_("the row has a value but no metric code (a total or a note?): not taken"),
    "row.other_unit": N_("the row is for unit {unit}, but these reports are {sender}'s: not taken"),
    "row.other_database": N_("database {database} belongs to {owner}, not to {sender}: not taken"),
    "row.repeated": N_("row {row} repeats row {earlier} (same figure, same value): taken once"),
    "row.conflict": N_("rows {rows} give different values for the same figure and day ({values}): neither is taken"),
    # metrics/: a run that failed, a record refused.
    "run.unexpected": N_("unexpected error in the source module ({error_type}: {detail})"),
    "run.store_unreachable": N_("the store cannot be reached; the period is collected again next time ({error_type})"),
    "run.still_hung": N_("the previous run has not answered since {since:time_s}; not asked again until it ends"),
    "run.timeout": N_("no answer within {seconds} seconds (timed out)"),
    "run.combined": N_(
        "several records for one period: {added} parts added into {sums} figures, {superseded} readings "
        "replaced by a later one, {repeated} copies taken once"
    ),
    "run.series_of_another_source": N_("the series {series} is fed by the source {owner}; not overwritten"),
    "run.nothing_usable": N_(
        "the last run was answered, but all {count} records were quarantined (reasons in the quarantine list)"
    ),
    "run.not_a_list": N_("the source did not return a list of records"),
    "run.interrupted": N_(
        "the run was interrupted before it finished (its process or its store connection stopped); "
        "nothing of it was stored"
    ),
    "record.not_a_record": N_("not a record"),
    "record.unknown_metric": N_("metric not in the catalogue: '{metric}'"),
    "record.unknown_database": N_("database not in the catalogue: '{database}'"),
    "record.database_on_unit_metric": N_("metric '{metric}' is per unit but the record names database '{database}'"),
    "record.unknown_unit": N_("unit not in the catalogue: '{unit}'"),
    "record.not_a_number": N_("the value is not a number: {value}"),
    "record.not_finite": N_("the value is not finite: {value}"),
    # The Vietnamese message names {unit_of_measure}, the English one {unit_of_measure_en}.
    "record.out_of_range": N_("value {value} outside the valid range {min}–{max} {unit_of_measure_en}"),
    "record.not_whole": N_("value {value} is not a whole number, and {unit_of_measure_en} are counted"),
    "record.conflict": N_("{count} records for the same time disagree ({values}): none is taken"),
    "record.conflict_from": N_("{count} records for the same time disagree ({values}; from {origins}): none is taken"),
    "record.several_in_period": N_(
        "{count} records for one period ({values}) where the metric has one value per period: none is taken"
    ),
    "record.sum_out_of_range": N_(
        "{count} records for one period ({values}) add up to more than the valid maximum {max}: none is taken"
    ),
    "record.bad_time": N_("the time cannot be read: {value}"),
    "record.no_zone": N_("the time has no time zone"),
    "record.future": N_("the time {time} is in the future"),
    "record.unknown_province": N_(
        "unknown province code '{province}' (the two-digit codes of the 34 provinces, e.g. 01 for Hà Nội)"
    ),
    "record.too_old": N_("the time {time} is older than the period the source may send again (look-back)"),
    # briefings/: an edition not built, an e-mail not sent.
    "briefing.bad_week": N_("week '{week}' is not valid (write it as 2026-W47)"),
    "briefing.unfinished_week": N_("week {week} is not over yet: only a finished week has a briefing"),
    "briefing.unknown_unit": N_("unit '{unit}' is not in the catalogue"),
    "briefing.unknown_language": N_("language '{lang}' is not one of the briefing's languages"),
    "briefing.week_without_data": N_("week {week} has no figures yet"),
    "briefing.empty_ministry": N_("week {week} has no figures at all for the ministry: no empty briefing is built"),
    "briefing.empty_unit": N_("week {week} has no figures at all for {unit}: no empty briefing is built"),
    "briefing.store_unreachable": N_("the store cannot be reached: {detail}"),
    "briefing.failed": N_("{error_type}: {reason}"),
    "archive.changed": N_("the archived file {path} was changed: not overwritten"),
    "archive.sha_mismatch": N_("file {path} does not match the SHA-256 recorded for it: it may have been altered"),
    "chart.no_rows": N_("the chart has no rows"),
    "chart.no_trend": N_("the trend chart has no figures"),
    "chart.bad_value": N_("a value that cannot be drawn ({value}) at '{label}'"),
    "font.missing_glyphs": N_("the font has no glyph for {characters}"),
    "delivery.no_smtp": N_("no mail server is configured (smtp.host in briefings.toml)"),
    "delivery.failed": N_("sending the e-mail failed: {error_type}: {detail}"),
    # the web app's commands: a request refused.
    "confirm.unknown_unit": N_("unit '{unit}' is not in the catalogue"),
    "confirm.bad_week": N_("week '{week}' is not valid (write it as 2026-W47)"),
    "confirm.unfinished_week": N_("week {week} is not over yet: only a finished week can be confirmed"),
    "confirm.too_old": N_("week {week} is older than the history the IOC keeps"),
    "confirm.need_name": N_("A name is needed."),
    "upload.no_source": N_(
        "unit {unit} sends no spreadsheet reports to the IOC (no spreadsheet source watches its folder)"
    ),
    "upload.not_a_report": N_("'{name}' is not a report file: send one of {formats}"),
    "upload.disguised": N_("'{name}' is not what its name says: its content is {found}"),
    "directive.unknown_subject": N_("'{subject}' is not a database, task, metric, panel or unit the IOC knows"),
    "directive.need_text": N_("A text is needed."),
    "directive.text_too_long": N_("the text is longer than {limit} characters"),
    "directive.bad_due": N_("'{due}' is not a day (write it as 2026-12-31)"),
    "directive.due_out_of_range": N_("the due day {due} must be between today and two years from now"),
    "directive.unknown_step": N_("'{step}' is not a step of a directive"),
    "directive.unknown": N_("there is no directive {id}"),
    "directive.wrong_state": N_("directive {id} is {state}: it cannot be given the step '{step}' now"),
    "access.leadership_only": N_("Only the leadership or the focal point may do this."),
    "access.admin_only": N_("Only an administrator may do this."),
    "account.refused": N_("the account was not changed: {reason}"),
    "account.not_yourself": N_("you cannot disable your own account"),
    "device.unknown_screen": N_("there is no screen '{screen}'"),
    "device.unknown": N_("there is no device {id}"),
    "api_consumer.refused": N_("no token was made: {reason}"),
    "api_consumer.unknown": N_("there is no API consumer {id}"),
    "access.not_your_unit": N_("You may act for your own unit only, not for {unit}."),
}


MAX_PARAM = 500  # characters of one text parameter kept (a raw value from a unit system is bounded)


@dataclass(frozen=True)
class Problem:
    """A code from MESSAGES and the parameters its message names."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.code not in MESSAGES:
            raise KeyError(f"no message for problem code {self.code!r} (add it to base/problems.py)")

    @classmethod
    def of(cls, code: str, **params: Any) -> Problem:
        return cls(code, params)

    def text(self) -> str:
        """The problem worded in the current language."""
        template = _(MESSAGES[self.code])
        try:
            return _FORMATTER.format(template, **self.params)
        except (KeyError, IndexError, ValueError, ArithmeticError):  # say what is known, never fail
            return f"{template} {dict(self.params)}"

    def __str__(self) -> str:
        return self.text()

    def stored(self) -> str:
        """The form the store keeps: JSON, the code and parameters only (finite numbers, text)."""
        return json.dumps(_plain(self), ensure_ascii=False, sort_keys=True, allow_nan=False)

    @classmethod
    def from_stored(cls, stored: str) -> Problem:
        try:
            data = json.loads(stored)
        except ValueError:
            data = None
        parsed = _revive(data) if isinstance(data, dict) else None
        return parsed if isinstance(parsed, Problem) else cls("text", {"text": stored})


def word(stored: str | None) -> str:
    """A stored problem worded in the current language; "" when there is none."""
    return "" if not stored else Problem.from_stored(stored).text()


def _plain(value: Any) -> Any:
    if isinstance(value, Problem):
        return {"code": value.code, "params": {k: _plain(v) for k, v in value.params.items()}}
    if isinstance(value, str):
        return value[:MAX_PARAM]
    if isinstance(value, bool) or value is None or isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)  # NaN and Infinity are not JSON
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value[:20]]
    return str(value)[:MAX_PARAM]


def _revive(data: dict) -> Any:
    code, params = data.get("code"), data.get("params")
    if not isinstance(code, str) or code not in MESSAGES or not isinstance(params, dict):
        return None
    return Problem(code, {k: (_revive(v) or v) if isinstance(v, dict) else v for k, v in params.items()})


class _Formatter(string.Formatter):
    """str.format, with numbers, times and nested problems written for the current language."""

    def format_field(self, value: Any, format_spec: str) -> Any:
        if isinstance(value, Problem):
            return value.text()
        if format_spec == "time":
            return formatting.when(value)
        if format_spec == "time_s":
            return formatting.when(value, with_seconds=True)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and not format_spec:
            return formatting.plain(value)
        if isinstance(value, list):  # several values: each the reader's way, "88,25; 98,6"
            return "; ".join(self.format_field(v, format_spec) for v in value)
        return super().format_field(value, format_spec)


_FORMATTER = _Formatter()
