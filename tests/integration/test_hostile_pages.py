"""Hostile posts (tests/hostile.py: recorded payloads with markup in their texts, links and the configuration)
served by `listening-post serve` on 127.0.0.1, read by html5lib and shown in headless Chromium: nothing runs,
nothing is blocked (no CSP violation either), and the e-mail body runs nothing where no CSP applies."""

from __future__ import annotations

import re
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from listening_post.briefs.mailsafe import without_file_navigation
from listening_post.config import load_config
from listening_post.lake import Lake
from listening_post.web.api import SECURITY_HEADERS, create_app
from listening_post.web.server import make_server
from listening_post.web.store import BriefStore
from tests import hostile
from tests.integration import test_web_browser as web

pytestmark = pytest.mark.integration
browser = web.browser  # headless Chromium with Debian's chromedriver, as in the page tests
PAGES = [
    "/",
    f"/countries/{hostile.COUNTRY}/weeks/{hostile.WEEK}/brief",
    f"/countries/{hostile.COUNTRY}/weeks/{hostile.LINKS_WEEK}/brief",
]


@pytest.fixture(scope="module")
def built(payloads: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[hostile.HostileLake]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LISTENING_POST_AUTHOR_KEY", "test-author-key-0123456789abcdef")
        from listening_post.settings import get_settings

        get_settings.cache_clear()
        yield hostile.build(payloads, tmp_path_factory.mktemp("hostile-pages"))
        get_settings.cache_clear()


@pytest.fixture(scope="module")
def base_url(built: hostile.HostileLake) -> Iterator[str]:
    configured = {c.code: c.display_name for c in load_config(built.config).countries}
    server = make_server(create_app(BriefStore(Lake.from_uri(str(built.lake))), configured), "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("path", PAGES)
def test_served_pages_show_hostile_text_as_text(base_url: str, path: str) -> None:
    with urllib.request.urlopen(base_url + path, timeout=10) as response:
        html = response.read().decode("utf-8")
        assert SECURITY_HEADERS.items() <= dict(response.headers.items()).items()
    assert hostile.unsafe_parts(html, same_origin_links=True) == []
    assert 'Britain <img src=x onerror="window.__pwned=1">' in hostile.visible_text(html)


def test_nothing_runs_in_chromium(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    for path in PAGES:
        browser.get(base_url + path)
        # An alert() would make this call raise; a handler or script that ran would set the marker.
        assert browser.execute_script("return typeof window.__pwned") == "undefined", path
        assert web.console_errors(browser) == [], path  # a script the CSP had to block is an error too


def test_the_e_mail_body_runs_nothing_without_a_csp(browser, built: hostile.HostileLake, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A mail client applies no Content-Security-Policy: the brief.html the mailer sends, with its CSP
    removed, opened from a file."""
    for week in (hostile.WEEK, hostile.LINKS_WEEK):
        html = without_file_navigation(built.brief("brief.html", week))  # as BriefMailer sends it
        without_csp = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)
        assert without_csp != html
        page = tmp_path / f"mail-{week}.html"
        page.write_text(without_csp, encoding="utf-8")
        browser.get(page.as_uri())
        assert browser.execute_script("return typeof window.__pwned") == "undefined", week
        assert "Britain <img" in browser.find_element("tag name", "h1").text
        links = [a.get_attribute("href") for a in browser.find_elements("css selector", "a[href]")]
        assert all(link.startswith(("http://", "https://")) for link in links), links
