"""The demo's briefs as a reader sees them, opened as files in headless Chromium: screenshots at 1280 and
390 px and an A4 PDF saved to build/screens/, no horizontal scroll on a phone, a first screen without
statistical terms, the German brief opening with the embassy, and axe-core finding no serious or critical
accessibility violation. Look at the screenshots after
`.venv/bin/pytest -p no:xdist tests/integration/test_brief_browser.py`."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from listening_post.demo import run_demo
from tests.integration import brief_pages

pytestmark = pytest.mark.integration
SCREENS = brief_pages.ROOT / "build" / "screens"
WEEK = "2026-W47"
STAT = re.compile(r"p ?[=<]|z ?=|welch|poisson|t-test|holm|\bci\b|\bn ?=|log-odds|significan|statistic", re.IGNORECASE)


def _require(found: bool, what: str) -> None:
    if not found:
        if os.environ.get("LISTENING_POST_REQUIRE_BROWSER"):
            pytest.fail(f"{what} is required here")
        pytest.skip(f"{what} is not installed")


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return Path(run_demo(str(tmp_path_factory.mktemp("briefs") / "lake")).lake.root)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    _require(Path(brief_pages.CHROMIUM).exists() and Path(brief_pages.CHROMEDRIVER).exists(), "Debian's chromium")
    driver = brief_pages.start_browser(tmp_path_factory.mktemp("chromium-profile"))
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def seen(browser: Any, lake: Path) -> dict[str, dict[str, Any]]:
    out = {}
    for country in ("CA", "DE"):
        page = lake / "briefs" / f"country={country}" / f"week={WEEK}" / "brief.html"
        out[country] = brief_pages.shoot(browser, page, SCREENS, f"after-{country}-{WEEK}")
    return out


@pytest.mark.parametrize("country", ["CA", "DE"])
def test_screenshots_and_an_a4_pdf_are_saved_and_nothing_scrolls_sideways(
    seen: dict[str, dict[str, Any]], country: str
) -> None:
    for width in brief_pages.WIDTHS:
        shot = SCREENS / f"after-{country}-{WEEK}-{width}-first-screen.png"
        assert shot.stat().st_size > 10_000
        assert seen[country]["overflow"][width] <= 0, (width, seen[country]["overflow"][width])
    pdf = seen[country]["pdf"]
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 2
    # A4 in points: 595 x 842.
    assert re.search(rb"/MediaBox\s*\[\s*0 0 59[45](\.\d+)? 84[12](\.\d+)?\s*\]", pdf)


@pytest.mark.parametrize("width", brief_pages.WIDTHS)
def test_the_canadian_first_screen_reads_without_statistical_terms(seen: dict[str, dict[str, Any]], width: int) -> None:
    text = seen["CA"]["first_screen"][width]
    assert "Findings" in text or width == 390
    assert not STAT.search(text), STAT.search(text)


def test_the_german_brief_opens_with_the_embassy(seen: dict[str, dict[str, Any]]) -> None:
    for width in brief_pages.WIDTHS:
        text = seen["DE"]["first_screen"][width]
        after_header = text.split("About us", 1)
        assert len(after_header) == 2 and after_header[1].lstrip().startswith("Our embassy and diplomacy")


@pytest.mark.parametrize("width", brief_pages.WIDTHS)
def test_charts_are_legible_at_each_width(browser: Any, lake: Path, width: int) -> None:
    brief_pages.set_width(browser, width)
    browser.get((lake / "briefs" / "country=CA" / f"week={WEEK}" / "brief.html").resolve().as_uri())
    shown = browser.execute_script(
        "return [...document.querySelectorAll('svg[data-chart]')].filter(s => s.getBoundingClientRect().width > 0)"
        ".map(s => [s.dataset.chart, s.dataset.layout, s.getBoundingClientRect().width, s.viewBox.baseVal.width])"
    )
    assert sorted(c for c, *_ in shown) == ["daily", "topics", "trend"]
    body = browser.execute_script("return document.querySelector('main, body').clientWidth")
    for chart, layout, drawn, viewbox in shown:
        assert layout == ("narrow" if width < 600 else "wide"), chart
        assert drawn >= 0.9 * min(body, 924) - 60, (chart, drawn, body)  # full width of the column
        # 12-13 px text in the viewBox is drawn at no less than 10 px.
        assert drawn / viewbox * 12 >= 10, (chart, drawn, viewbox)


@pytest.mark.parametrize("country", ["CA", "DE"])
def test_axe_finds_no_serious_accessibility_violation(browser: Any, lake: Path, country: str) -> None:
    _require(brief_pages.AXE.exists(), f"axe-core ({brief_pages.AXE}; `make axe`)")
    for width in brief_pages.WIDTHS:
        brief_pages.set_width(browser, width)
        browser.get((lake / "briefs" / f"country={country}" / f"week={WEEK}" / "brief.html").resolve().as_uri())
        violations = brief_pages.axe_violations(browser)
        serious = [(v["id"], v.get("help")) for v in violations if v.get("impact") in ("serious", "critical")]
        assert serious == [], (width, serious)
