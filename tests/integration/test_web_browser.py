"""`listening-post serve` in a real browser: headless Chromium (Debian's chromium and chromedriver) against the
demo's briefs on 127.0.0.1. The pages load without console errors, the charts render, the links work, the
brief fits an A4 page, and a screenshot is saved to build/screenshots/."""

from __future__ import annotations

import base64
import json
import os
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from listening_post.demo import demo_config, run_demo
from listening_post.web.api import create_app
from listening_post.web.server import make_server
from listening_post.web.store import BriefStore

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "build" / "screenshots"
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    demo = run_demo(str(tmp_path_factory.mktemp("web") / "lake"))
    configured = {c.code: c.display_name for c in demo_config().countries}
    server = make_server(create_app(BriefStore(demo.lake), configured), "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        if os.environ.get("LISTENING_POST_REQUIRE_BROWSER"):
            pytest.fail("chromium and chromium-driver are required here (apt-get install chromium chromium-driver)")
        pytest.skip("Debian's chromium and chromium-driver are not installed")
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
        "--window-size=1280,1000",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def console_errors(driver) -> list[str]:  # type: ignore[no-untyped-def]
    return [e["message"] for e in driver.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]


def test_index_lists_the_countries_without_console_errors(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    browser.get(base_url + "/")
    assert browser.title == "Listening Post · weekly opinion briefs"
    rows = browser.find_elements(By.CSS_SELECTOR, "#countries tbody tr")
    assert [r.get_attribute("data-country") for r in rows] == ["CA", "DE"]
    assert console_errors(browser) == []


def test_brief_renders_its_charts_and_its_links_work(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    browser.get(base_url + "/")
    browser.find_element(By.CSS_SELECTOR, "tr[data-country=CA] a.latest").click()
    assert browser.current_url.endswith("/countries/CA/weeks/2026-W47/brief")
    assert "Canada: weekly opinion brief" in browser.find_element(By.TAG_NAME, "h1").text
    findings = browser.find_elements(By.CSS_SELECTOR, "#findings li")
    assert 3 <= len(findings) <= 6 and "more negative than last week" in findings[2].text

    for chart in ("trend", "topics", "daily"):
        svg = browser.find_element(By.CSS_SELECTOR, f"svg[data-chart={chart}]")
        assert svg.size["width"] > 300 and svg.size["height"] > 100, chart
    assert browser.find_elements(By.CSS_SELECTOR, "svg[data-chart=trend] polygon[data-series=tone-band]")
    assert len(browser.find_elements(By.CSS_SELECTOR, "svg[data-chart=topics] line[data-series=whisker]")) >= 3
    spikes = browser.find_elements(By.CSS_SELECTOR, "svg[data-chart=daily] rect[data-spike]")
    assert spikes and "volume" in spikes[0].get_attribute("data-spike")
    assert browser.find_element(By.CSS_SELECTOR, "#coordinated blockquote").text.startswith("Canadians: stop buying")
    assert console_errors(browser) == []

    # Every link on the page: internal ones answer 200; external ones are well-formed (not fetched: no internet).
    hrefs = {a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "a[href]")}
    internal = sorted(h for h in hrefs if h.startswith(base_url))
    assert len(internal) >= 3
    for href in internal:
        with urllib.request.urlopen(href, timeout=10) as response:
            assert response.status == 200, href
    assert all(h.startswith(("http://", "https://")) for h in hrefs)

    browser.find_element(By.CSS_SELECTOR, "nav a[rel=prev]").click()
    assert browser.current_url.endswith("/countries/CA/weeks/2026-W46/brief")
    browser.find_element(By.LINK_TEXT, "All briefs").click()
    assert browser.current_url == base_url + "/"
    assert console_errors(browser) == []


def test_brief_fits_a4_when_printed_and_a_screenshot_is_saved(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    browser.get(base_url + "/countries/CA/weeks/2026-W47/brief")
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1280, min(int(height) + 100, 16000))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / "brief-CA-2026-W47.png"
    assert browser.save_screenshot(str(target))
    assert target.stat().st_size > 50_000

    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    # A4 at 96 dpi is 794 px wide; minus the 12 mm margins about 703 px of content.
    browser.set_window_size(703, 1000)
    overflow = browser.execute_script(
        "return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 703 + 1)"
        ".map(e => e.tagName + (e.id ? '#' + e.id : '')).slice(0, 5)"
    )
    assert overflow == [], overflow
    pdf = browser.execute_cdp_cmd(
        "Page.printToPDF", {"paperWidth": 8.27, "paperHeight": 11.69, "preferCSSPageSize": True}
    )
    data = base64.b64decode(pdf["data"])
    assert data.startswith(b"%PDF")
    (SCREENSHOTS / "brief-CA-2026-W47.pdf").write_bytes(data)
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    browser.set_window_size(1280, 1000)


def test_json_endpoints_over_http(base_url: str) -> None:
    with urllib.request.urlopen(base_url + "/countries", timeout=10) as response:
        assert response.headers["Content-Type"] == "application/json"
        countries = json.loads(response.read())
    assert {c["code"]: c["latest_week"] for c in countries} == {"CA": "2026-W47", "DE": "2026-W47"}
    request = urllib.request.Request(base_url + "/countries/CA/weeks/2026-W47/brief", method="HEAD")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200 and response.read() == b""
