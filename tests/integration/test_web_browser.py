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
from tests.integration import brief_pages

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "build" / "screenshots"
CHROMIUM, CHROMEDRIVER = brief_pages.CHROMIUM, brief_pages.CHROMEDRIVER


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
    driver = brief_pages.start_browser(tmp_path_factory.mktemp("chromium-profile"))
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


# --- the web pages as a reader sees them: screenshots, no sideways scroll, accessibility --------------------

SCREENS = ROOT / "build" / "screens"
PAGES = {
    "index": "/",
    "country-CA": "/countries/CA",
    "posts-CA-2026-W47": "/countries/CA/weeks/2026-W47/posts?topic=diplomacy&label=negative",
}


@pytest.fixture(scope="module")
def axe_source() -> str:
    """axe-core as `make axe` fetched it (brief_pages.AXE), for the web pages as for the briefs."""
    if not brief_pages.AXE.exists():
        if os.environ.get("LISTENING_POST_REQUIRE_BROWSER"):
            pytest.fail(f"axe-core is required here ({brief_pages.AXE}: `make axe`)")
        pytest.skip(f"axe-core is not fetched ({brief_pages.AXE}: `make axe`)")
    return brief_pages.AXE.read_text(encoding="utf-8")


def _open(browser, url: str, width: int) -> None:  # type: ignore[no-untyped-def]
    browser.set_window_size(width, 1000)
    browser.get(url)


def _screenshot(browser, name: str, width: int) -> Path:  # type: ignore[no-untyped-def]
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(width, min(int(height) + 140, 12000))
    SCREENS.mkdir(parents=True, exist_ok=True)
    target = SCREENS / f"{name}-{width}.png"
    assert browser.save_screenshot(str(target))
    browser.set_window_size(width, 1000)
    return target


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("name", sorted(PAGES))
def test_web_pages_fit_the_width_and_are_saved_as_screenshots(browser, base_url: str, name: str, width: int) -> None:  # type: ignore[no-untyped-def]
    _open(browser, base_url + PAGES[name], width)
    inner = browser.execute_script("return document.documentElement.clientWidth")
    scroll = browser.execute_script("return document.documentElement.scrollWidth")
    assert scroll <= inner, f"{name} scrolls sideways at {width} px ({scroll} > {inner})"
    target = _screenshot(browser, name, width)
    assert target.stat().st_size > 10_000
    assert console_errors(browser) == []


@pytest.mark.parametrize("name", sorted(PAGES))
def test_web_pages_have_no_serious_accessibility_violations(browser, base_url: str, axe_source: str, name: str) -> None:  # type: ignore[no-untyped-def]
    for width in (1280, 390):
        _open(browser, base_url + PAGES[name], width)
        browser.execute_script(axe_source)
        result = browser.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations.map("
            "v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))))"
            ".catch(e => done([{id: 'axe-error', impact: 'critical', nodes: [String(e)]}]));"
        )
        serious = [v for v in result if v["impact"] in ("serious", "critical")]
        assert serious == [], f"{name} at {width} px: {serious}"


def test_index_arrow_agrees_with_the_sign_of_the_change(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    _open(browser, base_url + "/", 1280)
    for code in ("CA", "DE"):
        with urllib.request.urlopen(f"{base_url}/countries/{code}/weeks/2026-W47/summary", timeout=10) as response:
            change = json.loads(response.read())["sentiment"]["change"]["difference"]
        arrow = browser.find_element(By.CSS_SELECTOR, f"#country-{code} .arrow")
        expected = "up" if change > 0 else "down"
        assert arrow.get_attribute("data-direction") == expected
        assert ("more positive" if change > 0 else "more negative") in arrow.text  # said in words, not glyph only
        assert browser.find_element(By.CSS_SELECTOR, f"#country-{code} .headline").text


def test_from_the_country_page_to_the_evidence_and_back(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    _open(browser, base_url + "/", 1280)
    browser.find_element(By.CSS_SELECTOR, "tr[data-country=DE] a.overview").click()
    assert browser.current_url == base_url + "/countries/DE"
    for section in ("summary", "findings", "evidence", "trend", "weeks"):
        assert browser.find_element(By.ID, section)
    assert browser.find_elements(By.CSS_SELECTOR, "#findings li")
    weeks = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "#weeks a")]
    assert weeks[0] == "2026-W47" and len(weeks) >= 2
    browser.find_element(By.LINK_TEXT, "negative").click()
    assert "/countries/DE/weeks/2026-W47/posts?label=negative" in browser.current_url
    posts = browser.find_elements(By.CSS_SELECTOR, "#posts li")
    assert posts and all("tone negative" in p.text for p in posts)
    browser.find_element(By.CSS_SELECTOR, "nav a[rel=next]").click()
    assert "page=2" in browser.current_url and "label=negative" in browser.current_url
    browser.find_element(By.LINK_TEXT, "Germany").click()
    assert browser.current_url == base_url + "/countries/DE"
    assert console_errors(browser) == []
