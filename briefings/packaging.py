"""Office files (DOCX, XLSX) are ZIP packages whose entries the writers date with the current
clock (and openpyxl stamps docProps/core.xml's modified date with it on save); rewritten
here with one date, the build time, so the same briefing built at the same
time gives the same bytes and only the build time makes two editions differ."""

from __future__ import annotations

import io
import re
import time
import zipfile

CORE = "docProps/core.xml"
DATES = re.compile(rb"(<dcterms:(?:created|modified)\b[^>]*>)[^<]*(</dcterms:)")


def dated_package(blob: bytes, built_at: float) -> bytes:
    stamp = time.gmtime(built_at)[:6]
    iso = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(built_at)).encode()
    source = zipfile.ZipFile(io.BytesIO(blob))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as package:
        for entry in source.infolist():  # the writers' order: [Content_Types].xml stays first
            info = zipfile.ZipInfo(entry.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            data = source.read(entry.filename)
            if entry.filename == CORE:
                data = DATES.sub(lambda m: m.group(1) + iso + m.group(2), data)
            package.writestr(info, data)
    return output.getvalue()
