"""Opening whatever an office saved as a report: its format told by its content, its sheets and cells.

The name's extension is not trusted: a file is recognised by its first bytes (an "Excel"
file that is really a web page, a workbook protected by a password, a PDF renamed .xlsx), and
each format is read by a library made for it:

- .xlsx/.xlsm: openpyxl in read-only mode, streamed row by row, with each cell's number format
  (a cell shown as 98,6 % holds 0.986: it is read as a percentage) and its cached value; a
  formula that no spreadsheet program calculated has none and is reported by its address.
- .xls: xlrd, which sees each cell's number format and error (formats known).
- .xlsb, .ods: python-calamine (values and dates; it shows neither number formats nor errors,
  so `formats_known` is False and a fraction that may have been a percentage is not guessed;
  an .ods's error cells are found in its XML).
- .xls, .xlsb, .ods are read in a child process with a memory ceiling (isolated_reader.py).
- .csv, .txt: text in UTF-8, UTF-16 or UTF-32 (by their byte-order mark, as Excel's "Unicode
  text" is) or Windows-1258, any line ending, separated by ";", "," or a tab.

Zipped formats are measured before they are opened: one that expands past max_expanded bytes
is refused without being inflated.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree

from data_sources.base import SourceError
from data_sources.cells import EXCEL_ERRORS, CellError, Percent, Uncalculated
from data_sources.isolated_reader import read_sheets

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_OOXML = "EncryptionInfo".encode("utf-16-le")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True)
class Sheet:
    name: str
    visible: bool


def column_letter(index: int) -> str:
    """0 → A, 26 → AA: how the reader finds a cell in the program."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def file_format(content: bytes) -> str:
    """ "xlsx", "ods", "xls", "xlsb" or "text" by the content, or SourceError saying what it is."""
    head = content[:4096]
    if not content.strip():
        raise SourceError("file.empty")
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = set(archive.namelist())
                if "mimetype" in names and archive.read("mimetype").startswith(
                    b"application/vnd.oasis.opendocument.spreadsheet"
                ):
                    return "ods"
                if any(n.startswith("xl/") and n.endswith(".bin") and "worksheets" in n for n in names):
                    return "xlsb"
                if "xl/workbook.xml" in names:
                    return "xlsx"
        except zipfile.BadZipFile:
            raise SourceError("file.broken_zip") from None  # cut short: still being copied, or damaged
        raise SourceError("file.not_spreadsheet")
    if head.startswith(OLE2_MAGIC):
        if _ENCRYPTED_OOXML in content[:65536]:
            raise SourceError("file.encrypted")
        return "xls"
    if head.startswith(b"%PDF"):
        raise SourceError("file.pdf")
    text = _decode(content[:4096], partial=True).lstrip().lower()
    if text.startswith("<") and any(tag in text for tag in ("<html", "<table", "<!doctype", "<?xml", "xmlns")):
        raise SourceError("file.html")
    if b"\x00" in head and not any(head.startswith(bom) for bom, _ in _BOMS):
        raise SourceError("file.not_spreadsheet")
    return "text"


def _decode(content: bytes, partial: bool = False) -> str:
    """Text by its byte-order mark, else UTF-8, else Windows-1258 (Vietnamese Windows' CSV)."""
    for bom, encoding in _BOMS:
        if content.startswith(bom):
            try:
                return content.decode(encoding, errors="replace" if partial else "strict")
            except UnicodeDecodeError as error:
                raise SourceError("file.bad_text", encoding=encoding.upper(), position=error.start) from None
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as error:
        if partial and error.start > len(content) - 4:
            return content[: error.start].decode("utf-8")
    try:
        return content.decode("cp1258")
    except UnicodeDecodeError as error:
        raise SourceError("file.bad_text", encoding="Windows-1258", position=error.start) from None


# openpyxl holds a workbook's table of texts (xl/sharedStrings.xml) in memory while it streams
# the cells: 52 MB of it held 143 MB (measured with a LibreOffice-saved 400,000-row workbook).
SHARED_TEXT_LIMIT = 100_000_000


def check_expanded_size(content: bytes, limit: int) -> None:
    """Refuse a zipped workbook that would expand past limit bytes, or whose table of texts
    would fill memory, before inflating anything (the sizes are in the zip's directory)."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        infos = archive.infolist()
    expanded = sum(info.file_size for info in infos)
    if expanded > limit:
        raise SourceError("file.expands_too_much", size=expanded, limit=limit)
    shared = sum(info.file_size for info in infos if info.filename.lower() == "xl/sharedstrings.xml")
    if shared > min(limit, SHARED_TEXT_LIMIT):
        raise SourceError("file.too_much_text", size=shared, limit=min(limit, SHARED_TEXT_LIMIT))


class Workbook:
    """The sheets of one file and a stream of each sheet's rows: [(row number, [cell values])].

    Cell values are None, str, float/int, bool, datetime/date, or Percent, Uncalculated,
    CellError; text is NFC-normalised."""

    formats_known = True  # whether a percentage's number format can be seen

    def __init__(self, content: bytes, max_expanded: int, max_cells: int = 5_000_000, seconds: float = 60.0) -> None:
        self.format = file_format(content)
        if self.format in ("xlsx", "ods", "xlsb"):
            check_expanded_size(content, max_expanded)
        self._content = content
        self._book: Any = None
        if self.format == "xlsx":
            import openpyxl

            try:
                self._book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
            except Exception as error:  # noqa: BLE001 - whatever the library met, the file cannot be read
                raise SourceError("file.unreadable", format="Excel", error=type(error).__name__) from None
        elif self.format in ("xls", "xlsb", "ods"):
            # An .ods says a cell is a percentage in its content; where none is, nothing is ambiguous.
            ods = _inspect_ods(content, max_cells) if self.format == "ods" else None
            self.formats_known = self.format == "xls" or (ods is not None and not ods.percentages)
            self._marks = ods.marks if ods is not None else {}
            self._book = read_sheets(content, self.format, max_cells, seconds)  # in a child process

    def close(self) -> None:
        if self.format == "xlsx" and self._book is not None:
            self._book.close()

    def sheets(self) -> list[Sheet]:
        if self.format == "text":
            return [Sheet("CSV", True)]
        if self.format == "xlsx":
            return [Sheet(ws.title, ws.sheet_state == "visible") for ws in self._book.worksheets]
        return [Sheet(name, visible) for name, visible, _rows in self._book]

    def rows(self, sheet: str) -> Iterator[tuple[int, list[Any]]]:
        if self.format == "text":
            yield from _text_rows(self._content)
        elif self.format == "xlsx":
            yield from self._xlsx_rows(sheet)
        else:
            values = next(rows for name, _visible, rows in self._book if name == sheet)
            marks = self._marks.get(sheet, {})
            for number, row in enumerate(values, start=1):
                cells = [_plain(value) for value in row]
                for column, mark in marks.get(number, {}).items():
                    if column < len(cells):
                        cells[column] = mark
                yield number, cells

    def _xlsx_rows(self, sheet: str) -> Iterator[tuple[int, list[Any]]]:
        worksheet = self._book[sheet]
        uncalculated: dict[str, str] | None = None  # found on demand: most files have none
        try:
            for row in worksheet.iter_rows():
                cells: list[Any] = []
                number = 0
                for cell in row:
                    if not hasattr(cell, "column"):  # an EmptyCell: a gap in the row
                        cells.append(None)
                        continue
                    number = cell.row
                    while len(cells) < cell.column - 1:
                        cells.append(None)
                    value = cell.value
                    if value is None:
                        if uncalculated is None:
                            uncalculated = _uncalculated_formulas(self._content, worksheet._worksheet_path)
                        address = f"{column_letter(cell.column - 1)}{cell.row}"
                        cells.append(Uncalculated(uncalculated[address]) if address in uncalculated else None)
                    elif cell.data_type == "e":  # an error openpyxl knows, whatever it shows
                        cells.append(CellError(str(value)))
                    elif isinstance(value, (int, float)) and not isinstance(value, bool) and "%" in cell.number_format:
                        cells.append(Percent(value))
                    else:
                        cells.append(_plain(value))
                if number:
                    yield number, cells
        except SourceError:
            raise
        except Exception as error:  # noqa: BLE001 - a damaged sheet found while streaming it
            raise SourceError("file.unreadable", format="Excel", error=type(error).__name__) from None


def _marked(text: str) -> str | CellError:
    """Text as it came, or the CellError it shows (a text "#N/A" in a CSV or a calamine cell)."""
    shown = text.strip()
    return CellError(shown) if shown in EXCEL_ERRORS else text


def _plain(value: Any) -> Any:
    if isinstance(value, str):
        return _marked(unicodedata.normalize("NFC", value))
    if isinstance(value, dt.timedelta):  # a duration is not a figure the template asks for
        return str(value)
    return value


# A formula cell with no value in the sheet's XML: <c r="G5"><f>SUM(G2:G4)</f><v></v></c> or
# <c r="G5"><f t="shared" si="0"/></c>. openpyxl's read-only reader gives None for both, the same
# as an empty cell, and does not expose the formula next to a cached value; the XML is scanned
# for them (in pieces, C-speed regular expression) only when a sheet has an empty-looking cell.
_FORMULA_WITHOUT_VALUE = re.compile(
    rb'<c r="([A-Z]{1,3}[0-9]{1,7})"[^>]*>\s*(?:<f[^>]*/>|<f[^>]*>([^<]*)</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>'
)


def _uncalculated_formulas(content: bytes, sheet_path: str) -> dict[str, str]:
    found: dict[str, str] = {}
    with zipfile.ZipFile(io.BytesIO(content)) as archive, archive.open(sheet_path.lstrip("/")) as xml:
        tail = b""
        while chunk := xml.read(1 << 20):
            text = tail + chunk
            cut = text.rfind(b"</c>")
            cut = len(text) if cut < 0 else cut + 4
            for match in _FORMULA_WITHOUT_VALUE.finditer(text, 0, cut):
                formula = (match.group(2) or b"").decode("utf-8", "replace")
                found[match.group(1).decode()] = "=" + formula if formula else "="
            tail = text[cut:][-65536:]
    return found


ODS = "urn:oasis:names:tc:opendocument:xmlns:"
_TABLE, _ROW = f"{{{ODS}table:1.0}}table", f"{{{ODS}table:1.0}}table-row"
_CELLS = (f"{{{ODS}table:1.0}}table-cell", f"{{{ODS}table:1.0}}covered-table-cell")
_NAME = f"{{{ODS}table:1.0}}name"
_ROWS_REPEATED, _COLUMNS_REPEATED = (
    f"{{{ODS}table:1.0}}number-rows-repeated",
    f"{{{ODS}table:1.0}}number-columns-repeated",
)
_VALUE_TYPE = f"{{{ODS}office:1.0}}value-type"
_BOOLEAN_VALUE = f"{{{ODS}office:1.0}}boolean-value"
_CALC_TYPE = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}value-type"


@dataclass
class OdsFacts:
    percentages: bool = False
    # sheet → row → column → what the cell really is: CellError("#DIV/0!"), or True/False for a
    # boolean (calamine gives an error as "" and a boolean as 1.0)
    marks: dict[str, dict[int, dict[int, Any]]] = field(default_factory=dict)


def _inspect_ods(content: bytes, max_cells: int) -> OdsFacts:
    """What python-calamine does not tell of an .ods: whether it shows percentages, and which
    cells show an error (calamine gives them as empty). SourceError when its cells with a
    value, once the repeat attributes are applied, pass max_cells: a 1.4 kB file repeating
    one row of 20 values a million times made calamine hold 2.2 GB. Counted on the XML
    (streamed, each row cleared once read) without expanding anything."""
    facts, cells, row_number, sheet = OdsFacts(), 0, 0, ""
    with zipfile.ZipFile(io.BytesIO(content)) as archive, archive.open("content.xml") as xml:
        try:
            for event, element in ElementTree.iterparse(xml, events=("start", "end")):
                if event == "start":
                    if element.tag == _TABLE:
                        sheet, row_number = element.get(_NAME, ""), 0
                    continue
                if element.tag != _ROW:
                    continue
                repeat = int(element.get(_ROWS_REPEATED, "1"))
                row_number += 1
                column, filled = 0, 0
                for cell in element:
                    if cell.tag not in _CELLS:
                        continue
                    span = int(cell.get(_COLUMNS_REPEATED, "1"))
                    if cell.get(_VALUE_TYPE):
                        filled += span
                        facts.percentages = facts.percentages or cell.get(_VALUE_TYPE) == "percentage"
                    mark: Any = None
                    if cell.get(_CALC_TYPE) == "error":
                        mark = CellError("".join(cell.itertext()).strip() or "#ERR")
                    elif cell.get(_VALUE_TYPE) == "boolean":
                        mark = cell.get(_BOOLEAN_VALUE) == "true"
                    if mark is not None:
                        for offset in range(min(span, 1000)):
                            facts.marks.setdefault(sheet, {}).setdefault(row_number, {})[column + offset] = mark
                    column += span
                cells += repeat * filled
                row_number += repeat - 1
                element.clear()
                if cells > max_cells:
                    raise SourceError("file.too_many_cells", limit=max_cells)
        except (ElementTree.ParseError, ValueError):
            raise SourceError("file.unreadable", format="ODS", error="XML") from None
    return facts


def _text_rows(content: bytes) -> Iterator[tuple[int, list[Any]]]:
    text = unicodedata.normalize("NFC", _decode(content))
    # \r\n, \n and a lone \r (old Mac exports) alike; a line break inside a quoted cell (a
    # note on two lines) stays in its cell, so a row is counted as the spreadsheet counts it.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    delimiter = _delimiter(text.split("\n", 30)[:30])
    try:
        for number, row in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
            yield number, [_marked(cell) for cell in row]  # the whole text is NFC already
    except csv.Error as error:
        raise SourceError("file.bad_csv", detail=str(error)[:80]) from None


def _delimiter(lines: list[str]) -> str:
    """The separator that splits the most of the first lines into the same number (>1) of
    columns; csv.Sniffer is misled by commas in a Vietnamese title above a ';' table."""
    best, best_score = ";", 0
    for delimiter in (";", "\t", ","):
        widths = [len(row) for row in csv.reader(lines, delimiter=delimiter) if len(row) > 1]
        score = max((widths.count(w) for w in set(widths)), default=0)
        if score > best_score:
            best, best_score = delimiter, score
    return best
