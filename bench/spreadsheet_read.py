"""A 200,000-row unit report read by the IOC, side by side with the reader library's raw read.

python bench/spreadsheet_read.py [--rows 200000]

The same figures are written once as .xlsx (openpyxl, write-only) and once as .csv. Each
measurement runs in a fresh process, so its peak memory (VmHWM: ru_maxrss would carry the
parent's peak across exec) is its own:
- xlsx raw: openpyxl read-only `iter_rows(values_only=True)` over the sheet;
- xlsx IOC: data_sources/report_files.read_report (cells with their number formats, the
  template's header, dates and numbers read, records built, duplicates checked);
- csv raw: the bytes decoded and split by the csv module;
- csv IOC: read_report on the CSV.
Ratios are IOC / raw for time and for peak memory; both sides import the same modules and
load the configuration before the clock starts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

METRICS = [f"metric_{k:03}" for k in range(100)]  # 2,000 days of 100 figures: dates Excel can hold


def write_files(rows: int, folder: Path) -> tuple[Path, Path]:
    import openpyxl

    from data_sources.spreadsheet_template import COLUMNS

    header = [title for title, _width, _role in COLUMNS]
    start = dt.date(2026, 11, 25)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Số liệu")
    sheet.append(header)
    lines = [";".join(header)]
    for i in range(rows):
        # distinct (metric, day) pairs: one figure per row, none repeated
        day = start - dt.timedelta(days=i // len(METRICS))
        metric = METRICS[i % len(METRICS)]
        cells = [day, "KCB", "", metric, "Hồ sơ", "hồ sơ", 1000 + i % 977, ""]
        sheet.append(cells)
        lines.append(";".join([day.strftime("%d/%m/%Y"), "KCB", "", metric, "Hồ sơ", "hồ sơ", str(1000 + i % 977), ""]))
    xlsx, csv_file = folder / "report.xlsx", folder / "report.csv"
    book.save(xlsx)
    csv_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return xlsx, csv_file


def measure(which: str, path: Path) -> dict:
    """Run one reading in a child process; its time and peak memory."""
    code = f"""
import csv, json, sys, time
sys.path.insert(0, {str(ROOT)!r})
import openpyxl
from base import localtime
from data_sources.report_files import Limits, read_report
from metrics.settings import load_config
config = load_config()  # imports and configuration are not timed, for either side
localtime.configure(config.settings.app.timezone)
path = {str(path)!r}
started = time.perf_counter()
if {which!r} == "xlsx raw":
    book = openpyxl.load_workbook(path, read_only=True)
    count = sum(1 for _ in book["Số liệu"].iter_rows(values_only=True))
    book.close()
elif {which!r} == "csv raw":
    text = open(path, "rb").read().decode("utf-8")
    count = sum(1 for _ in csv.reader(text.splitlines(), delimiter=";"))
else:
    reading = read_report(path.rsplit("/", 1)[-1], open(path, "rb").read(), config.catalogue, "KCB", Limits())
    assert reading.problem is None, reading.problem
    count = len(reading.records)
seconds = time.perf_counter() - started
peak = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({{"seconds": seconds, "rows": count, "peak_mb": int(peak.split()[1]) / 1024}}))
"""
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(output.stdout.strip().splitlines()[-1])


def baseline() -> float:
    """Peak memory of a child that only imports what the IOC reading imports."""
    code = (
        f"import sys, resource; sys.path.insert(0, {str(ROOT)!r}); "
        "from data_sources.report_files import read_report; from metrics.settings import load_config; "
        "peak = next(l for l in open('/proc/self/status') if l.startswith('VmHWM:')); "
        "print(int(peak.split()[1]) / 1024)"
    )
    return float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        xlsx, csv_file = write_files(args.rows, Path(folder))
        print(
            f"{args.rows:,} rows: xlsx {xlsx.stat().st_size / 1e6:.1f} MB, csv {csv_file.stat().st_size / 1e6:.1f} MB "
            f"(written in {time.perf_counter() - started:.1f} s); imports alone peak at {baseline():.0f} MB"
        )
        print(f"{'':10} {'raw s':>7} {'IOC s':>7} {'time x':>7} {'raw MB':>7} {'IOC MB':>7} {'memory x':>9}")
        for kind, path in (("xlsx", xlsx), ("csv", csv_file)):
            raw = measure(f"{kind} raw", path)
            ours = measure(f"{kind} ioc", path)
            print(
                f"{kind:10} {raw['seconds']:7.2f} {ours['seconds']:7.2f} {ours['seconds'] / raw['seconds']:7.1f} "
                f"{raw['peak_mb']:7.0f} {ours['peak_mb']:7.0f} {ours['peak_mb'] / raw['peak_mb']:9.1f}"
                f"   ({ours['rows']:,} records)"
            )


if __name__ == "__main__":
    main()
