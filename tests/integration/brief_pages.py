"""Briefs as a reader sees them: headless Chromium (Debian's chromium and chromedriver) opening brief.html
files, screenshots at 1280 and 390 px, an A4 PDF (Chrome's printToPDF through selenium's print_page) and
axe-core run inside the page. Shared by the brief's browser tests; runnable by hand to look at any lake:

    .venv/bin/python tests/integration/brief_pages.py LAKE OUT_DIR [LABEL]
"""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path
from typing import Any

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
ROOT = Path(__file__).resolve().parents[2]
# axe-core from the npm registry (MPL-2.0), fetched by `make axe` (pinned by version and digest); not
# committed, not shipped. The briefs' and the web pages' tests both read it.
AXE = ROOT / "build" / "axe" / "axe.min.js"
WIDTHS = (1280, 390)
SECTIONS = ("about-us", "press", "topics", "spikes", "examples", "trend")
# What a statistician writes and a political officer should not have to read on the first screen.
STAT_TERMS = ("p=", "p =", "p<", "z =", "z=", "welch", "poisson", "t-test", "holm", "ci95", "95% ci", "n=", "log-odds")


def start_browser(profile: Path) -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--window-size=1280,1000",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # console errors, read by the page tests
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    return driver


def set_width(driver: Any, width: int, height: int = 900) -> None:
    # Device metrics, not the window size: a headless window cannot be narrower than about 500 px.
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
    )


def first_screen_text(driver: Any) -> str:
    """The text of every element whose top is within the first viewport."""
    script = """
    const h = window.innerHeight, out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const n = walker.currentNode, el = n.parentElement;
      if (!n.textContent.trim() || !el || el.closest('title')) continue;
      const r = el.getBoundingClientRect();
      if (r.top < h && r.bottom > 0 && r.width > 0) out.push(n.textContent.trim());
    }
    return out.join(' ');
    """
    return str(driver.execute_script(script))


def horizontal_overflow(driver: Any) -> int:
    return int(driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth"))


def axe_violations(driver: Any) -> list[dict[str, Any]]:
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(r => done(JSON.stringify(r.violations)))"
        ".catch(e => done(JSON.stringify([{id: 'axe-error', impact: 'critical', help: String(e)}])));"
    )
    return list(json.loads(result))


def shoot(driver: Any, html: Path, out: Path, label: str) -> dict[str, Any]:
    """Screenshots (first screen and full page) at each width and an A4 PDF of one brief file."""
    from selenium.webdriver.common.print_page_options import PrintOptions

    out.mkdir(parents=True, exist_ok=True)
    found: dict[str, Any] = {"first_screen": {}, "overflow": {}}
    for width in WIDTHS:
        set_width(driver, width)
        driver.get(html.resolve().as_uri())
        driver.save_screenshot(str(out / f"{label}-{width}-first-screen.png"))
        for section in SECTIONS:
            found_section = driver.find_elements("css selector", f"section#{section}")
            if found_section:
                driver.execute_script("arguments[0].scrollIntoView()", found_section[0])
                found_section[0].screenshot(str(out / f"{label}-{width}-{section}.png"))
        driver.execute_script("window.scrollTo(0, 0)")
        found["first_screen"][width] = first_screen_text(driver)
        found["overflow"][width] = horizontal_overflow(driver)
        height = int(driver.execute_script("return document.documentElement.scrollHeight"))
        set_width(driver, width, min(height, 12000))
        full = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png"})
        (out / f"{label}-{width}-full.png").write_bytes(base64.b64decode(full["data"]))
    set_width(driver, 1280)
    driver.get(html.resolve().as_uri())
    options = PrintOptions()
    options.page_width, options.page_height = 21.0, 29.7
    pdf = base64.b64decode(driver.print_page(options))
    (out / f"{label}-A4.pdf").write_bytes(pdf)
    found["pdf"] = pdf
    return found


if __name__ == "__main__":
    lake, target = Path(sys.argv[1]), Path(sys.argv[2])
    tag = sys.argv[3] if len(sys.argv) > 3 else "brief"
    browser = start_browser(Path("/tmp") / f"brief-pages-{tag}")
    try:
        for page in sorted(lake.glob("briefs/country=*/week=*/brief.html")):
            country, week = page.parent.parent.name.split("=")[1], page.parent.name.split("=")[1]
            seen = shoot(browser, page, target, f"{tag}-{country}-{week}")
            print(country, week, "overflow", seen["overflow"], "first screen:", seen["first_screen"][1280][:300])
    finally:
        browser.quit()
