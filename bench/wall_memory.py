"""A wall screen left running: JS heap after 2,000 accelerated rotations vs after the first 100.

    python bench/wall_memory.py [--rotations 2000] [--speed 400]

Starts `python app.py --no-scheduler` over a store with two weeks of demo history, opens the
wall in Debian's Chromium, accelerates rotation, and reads the heap through CDP after a
forced garbage collection. Target: the final heap within 20% of the heap after 100.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from serving import filled_store, served  # noqa: E402

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def heap(page, cdp) -> float:
    cdp.send("HeapProfiler.collectGarbage")
    page.wait_for_timeout(200)
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return metrics["JSHeapUsedSize"] / 1e6


def wait_until(page, expression: str, seconds: float, every: float = 0.1) -> None:
    """Poll expression through page.evaluate: wait_for_function compiles with eval, which the
    app's Content-Security-Policy forbids."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise TimeoutError(expression)
        page.wait_for_timeout(every * 1000)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rotations", type=int, default=2000)
    parser.add_argument("--speed", type=float, default=400)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store = filled_store(folder, 2)
        with served(store, folder) as base:
            from playwright.sync_api import sync_playwright

            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
                page = browser.new_page(viewport={"width": 1920, "height": 1080})
                cdp = page.context.new_cdp_session(page)
                cdp.send("Performance.enable")
                page.goto(f"{base}/wall?screen=phong-dieu-hanh&speed={args.speed:g}&refresh=2")
                wait_until(page, "window.__wall && window.__wall.rotations >= 100", 600)
                early = heap(page, cdp)
                started = time.monotonic()
                wait_until(page, f"window.__wall.rotations >= {args.rotations}", 3600, every=1.0)
                late = heap(page, cdp)
                polls = page.evaluate("window.__wall.polls")
                browser.close()
    print(
        f"JS heap after 100 rotations: {early:.2f} MB; after {args.rotations}: {late:.2f} MB "
        f"({polls} refreshes, {time.monotonic() - started:.0f} s); ratio = {late / early:.3f} (target <= 1.20)"
    )


if __name__ == "__main__":
    main()
