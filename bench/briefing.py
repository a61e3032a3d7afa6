"""Build time of the weekly briefing over the demo's 26 weeks: the ministry-wide edition
(content, PDF with its charts, DOCX, XLSX, archive) against the issue's 15 s limit, with its
parts timed side by side in the same run.

    python bench/briefing.py [--runs 5]
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from serving import filled_store  # noqa: E402

from base.localtime import last_full_week  # noqa: E402
from briefings.archive import build_edition, render_all  # noqa: E402
from briefings.content import build_briefing  # noqa: E402
from briefings.settings import load_briefing_settings  # noqa: E402
from metrics.read_models import build_snapshot  # noqa: E402
from metrics.settings import load_config  # noqa: E402


def timed(action, runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        store = filled_store(folder, 26, live=True)
        print(
            f"store filled with 26 weeks in {time.perf_counter() - started:.1f} s ({store.count_samples():,} samples)"
        )
        config = dataclasses.replace(load_config(), data_dir=Path(folder))
        settings = load_briefing_settings(config)
        week = last_full_week(time.time())
        briefing = build_briefing(store, config, week)
        rows = [
            ("one page snapshot (read model)", lambda: build_snapshot(store, config, week=week)),
            ("briefing content (2 snapshots + quality)", lambda: build_briefing(store, config, week)),
            ("render PDF + DOCX + XLSX", lambda: render_all(briefing, settings, time.time())),
            ("whole edition (build + write + record)", lambda: build_edition(store, config, week, settings=settings)),
        ]
        results = [(name, *timed(action, args.runs)) for name, action in rows]
        floor = results[0][1]
        print(f"{'':44} {'median':>8} {'max':>8} {'× snapshot':>11}")
        for name, median, worst in results:
            print(f"{name:44} {median:7.2f}s {worst:7.2f}s {median / floor:10.1f}×")
        whole = results[-1][2]
        print(f"ministry-wide edition: worst {whole:.2f} s of the 15 s allowed ({'ok' if whole < 15 else 'TOO SLOW'})")


if __name__ == "__main__":
    main()
