"""Screenshots of every page with headless Chromium, to look at what we build.

    IOC_USER=quan-tri IOC_PASSWORD=… python tests/screenshots.py [BASE_URL] [OUT_DIR] [WIDTHxHEIGHT] [vi|en]

IOC_PAGES=overview,province limits it to those pages.

Signs in as IOC_USER first (every page needs a sign-in; the wall is shown to a person as it is
to its device). Uses Debian's Chromium through Playwright (no browser download). Not a test.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAGES = {
    "overview": "/",
    "effectiveness": "/hieu-qua",
    "project06": "/de-an-06",
    "databases": "/co-so-du-lieu",
    "briefings": "/ban-tin",
    "unit": "/don-vi?unit=QLD",
    "sources": "/nguon-du-lieu",
    "database": "/csdl?db=TIEMCHUNG",
    "databases-filtered": "/co-so-du-lieu?unit=KCB",
    "directives": "/chi-dao",
    "audit": "/nhat-ky",
    "province": "/?tinh=79",
    "effectiveness-provinces": "/hieu-qua?ind=on_time_rate",
    "admin": "/quan-tri",
    "lineage-province": "/nguon-goc?metric=tthc_received&unit=KCB&tinh=79",
}


def main() -> None:
    base = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8050"
    out = Path(sys.argv[2] if len(sys.argv) > 2 else "screenshots")
    width, height = map(int, (sys.argv[3] if len(sys.argv) > 3 else "1600x1000").split("x"))
    lang = sys.argv[4] if len(sys.argv) > 4 else "vi"
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        browser = launched.new_context()
        browser.add_cookies([{"name": "ioc_lang", "value": lang, "url": base}])  # the language switch's cookie
        page = browser.new_page()
        page.set_viewport_size({"width": width, "height": height})
        page.goto(base + "/dang-nhap")
        page.screenshot(path=str(out / "sign-in.png"))
        page.fill("#username", os.environ.get("IOC_USER", "quan-tri"))
        page.fill("#password", os.environ.get("IOC_PASSWORD", ""))
        page.click("#sign-in-button")
        page.wait_for_url(lambda url: "/dang-nhap" not in url, timeout=30000)
        errors: list[str] = []
        page.on("console", lambda m: errors.append(f"{m.type}: {m.text}") if m.type == "error" else None)
        for size in ((1920, 1080), (3840, 2160)):
            wall = browser.new_page()
            wall.set_viewport_size({"width": size[0], "height": size[1]})
            wall.on("console", lambda m: errors.append(f"{m.type}: {m.text}") if m.type == "error" else None)
            wall.goto(base + "/wall?screen=phong-dieu-hanh")
            for _ in range(300):  # wait_for_function compiles with eval, which the CSP forbids
                if wall.evaluate("window.__wall && window.__wall.doc !== null"):
                    break
                wall.wait_for_timeout(100)
            for index in range(wall.evaluate("window.__wall.doc.slides.length")):
                wall.evaluate(f"window.__wall.show({index})")
                wall.wait_for_timeout(300)
                target = out / f"wall-{size[0]}x{size[1]}-{index + 1}.png"
                wall.screenshot(path=str(target))
                print(target)
            wall.close()
        chosen = os.environ.get("IOC_PAGES", "").split(",") if os.environ.get("IOC_PAGES") else list(PAGES)
        for name, path in PAGES.items():
            if name not in chosen:
                continue
            page.goto(base + path)
            try:
                page.locator(".page-body .panel, .page-body .tiles").first.wait_for(timeout=30000)
            except Exception as error:  # noqa: BLE001 - one page that does not render: say so, go on
                print(f"{name}: {error}".splitlines()[0])
            page.wait_for_timeout(800)
            page.screenshot(path=str(out / f"{name}.png"), full_page=True)
            print(out / f"{name}.png")
        launched.close()
    for error in errors:
        print("console", error)


if __name__ == "__main__":
    main()
