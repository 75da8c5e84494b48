"""Hostile posts through the real path (import of recorded platform payloads, summarize) reach the HTML
brief, the Markdown brief and the e-mail only as text: no script, no event handler, no javascript:/data:
link, nothing loaded from another host (tests/hostile.py builds the lake and checks with html5lib)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import html5lib
import pytest
from botocore.stub import Stubber
from markdown_it import MarkdownIt

from listening_post.aws.ses import BriefMailer, UnsafeMailError
from listening_post.briefs import render
from listening_post.briefs.mailsafe import mail_safety_problems
from listening_post.config import load_config
from listening_post.lake import Lake
from listening_post.service import weekly_briefs
from listening_post.web import api
from listening_post.weeks import IsoWeek
from tests import hostile


@pytest.fixture(scope="module")
def built(payloads: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[hostile.HostileLake]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LISTENING_POST_AUTHOR_KEY", "test-author-key-0123456789abcdef")
        from listening_post.settings import get_settings

        get_settings.cache_clear()
        yield hostile.build(payloads, tmp_path_factory.mktemp("hostile"))
        get_settings.cache_clear()


def test_the_html_brief_shows_hostile_posts_as_text_and_runs_nothing(built: hostile.HostileLake) -> None:
    html = built.brief("brief.html")
    assert hostile.unsafe_parts(html) == []
    text = hostile.visible_text(html)
    # The markup is there, as text a reader sees: the test would fail if it had been dropped instead.
    # Labels from the configuration keep their markup, shown as text (escaped when rendered).
    for vector in ("<script>window.__pwned=1</script>", '<img src=x onerror="window.__pwned=1">'):
        assert vector in text
    # Post texts lose theirs when they are read (enrich/text.py: no tag is left in `text`): the words stay.
    assert "<svg" not in text and "fine news" in text
    assert "[click](javascript:window.__pwned=1) awful news" in text  # Markdown's link syntax stays text
    assert 'Britain <img src=x onerror="window.__pwned=1">: weekly opinion brief' in text  # country name
    assert "<script>window.__pwned=1</script> Elections" in text  # topic label, in the table and the chart
    assert "<title>Britain &lt;img" in html


def test_example_links_are_http_only(built: hostile.HostileLake) -> None:
    summary = json.loads(built.brief("summary.json", hostile.LINKS_WEEK))
    urls = {e["url"] for examples in summary["examples"]["overall"].values() for e in examples}
    assert {"javascript:window.__pwned=1", "JaVaScRiPt:window.__pwned=1"} <= urls  # they reached the renderer
    html = built.brief("brief.html", hostile.LINKS_WEEK)
    assert hostile.unsafe_parts(html) == []
    hrefs = [a.get("href") for a in html5lib.parse(html, namespaceHTMLElements=False).iter("a")]
    hrefs = [h for h in hrefs if not h.startswith("../week=")]  # the brief's own links to its neighbouring weeks
    assert hrefs and set(hrefs) == {"https://news.example/a%22%20onmouseover=%22window.__pwned=1"}
    markdown = built.brief("brief.md", hostile.LINKS_WEEK)
    assert "<https://news.example/a%22%20onmouseover=%22window.__pwned=1>" in markdown
    for scheme in ("javascript:", "data:", "vbscript:"):
        assert f"<{scheme}" not in markdown.lower() and f"< {scheme}" not in markdown.lower()


@pytest.mark.parametrize("week", [hostile.WEEK, hostile.LINKS_WEEK])
def test_the_markdown_brief_rendered_by_a_mail_client_runs_nothing(built: hostile.HostileLake, week: str) -> None:
    markdown = built.brief("brief.md", week)
    # A client that renders Markdown with raw HTML allowed, as chat and mail clients do.
    rendered = MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)
    assert hostile.unsafe_parts(rendered) == []
    if week == hostile.WEEK:
        text = hostile.visible_text(rendered)
        assert "[click](javascript:window.__pwned=1)" in text  # a fake link stays text
        assert '<img src=x onerror="window.__pwned=1">' in text
        assert "Britain <img" in text


def test_the_e_mail_sent_through_ses_is_safe_html(built: hostile.HostileLake) -> None:
    client = boto3.client(
        "sesv2", region_name="eu-west-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )
    sent: list[dict[str, Any]] = []
    client.meta.events.register("provide-client-params.sesv2.SendEmail", lambda params, **_: sent.append(params))
    with Stubber(client) as stub:
        stub.add_response("send_email", {"MessageId": "0100019a-test"})
        result = weekly_briefs(
            load_config(built.config),
            Lake.from_uri(str(built.lake)),
            now=datetime(2025, 6, 2, tzinfo=UTC),
            week=IsoWeek.parse(hostile.WEEK),
            mailer=BriefMailer(client, "briefs@mission.example"),
            recipients={hostile.COUNTRY: ["political@mission.example"]},
        )
        stub.assert_no_pending_responses()
    assert result.failed == {} and result.mailed == {"GB": ["political@mission.example"]}
    body = sent[0]["Content"]["Simple"]["Body"]
    assert hostile.unsafe_parts(body["Html"]["Data"]) == []
    assert mail_safety_problems(body["Html"]["Data"]) == []
    assert "<script>window.__pwned=1</script>" in hostile.visible_text(body["Html"]["Data"])
    assert body["Text"]["Data"] == (built.lake / "briefs/country=GB/week=2025-W21/brief.md").read_text()


def test_the_mailer_refuses_html_that_would_run_script() -> None:
    client = boto3.client(
        "sesv2", region_name="eu-west-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )
    mailer = BriefMailer(client, "briefs@mission.example")
    with Stubber(client):  # no response queued: a send_email call would fail the test differently
        for html in (
            '<p><img src=x onerror="alert(1)"></p>',
            "<script>alert(1)</script>",
            '<a href=" java\tscript:alert(1)">x</a>',
            '<img src="https://tracker.example/p.gif">',
            '<div style="background:url(https://tracker.example/p.gif)"></div>',
        ):
            with pytest.raises(UnsafeMailError, match="unsafe for mail"):
                mailer.send(["desk@mission.example"], "brief", html, "text")


def test_main_s_brief_with_autoescaping_off_would_have_been_refused(built: hostile.HostileLake) -> None:
    """The check the mailer makes finds what main sent: the same summary rendered without escaping."""
    summary = json.loads(built.brief("summary.json"))
    unescaped = render._env().overlay(autoescape=False)
    html = unescaped.get_template("brief.html.j2").render(
        s=summary, findings=[], trend=render.shown_trend(summary), charts=[]
    )
    problems = mail_safety_problems(html)
    assert any("onerror" in p for p in problems) and any("<script>" in p for p in problems)


def test_every_html_template_is_autoescaped() -> None:
    envs = {"briefs": render._env(), "web": api._page_env()}
    names = {key: env.list_templates() for key, env in envs.items()}
    assert "brief.html.j2" in names["briefs"] and "index.html.j2" in names["web"]
    for key, env in envs.items():
        for name in names[key]:
            escaped = env.autoescape(name) if callable(env.autoescape) else env.autoescape
            assert escaped == (".html" in name), (key, name)
    assert envs["briefs"].from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/a?b=1&c=2#d", "https://example.org/a?b=1&c=2#d"),
        ("http://example.org/", "http://example.org/"),
        ("HTTPS://EXAMPLE.ORG/x", "HTTPS://EXAMPLE.ORG/x"),
        ("https://de.example/Zölle", "https://de.example/Z%C3%B6lle"),
        ('https://x.example/a" onmouseover="alert(1)', "https://x.example/a%22%20onmouseover=%22alert(1)"),
        ("https://x.example/<script>", "https://x.example/%3Cscript%3E"),
        ("javascript:alert(1)", None),
        (" javascript:alert(1)", None),
        ("java\tscript:alert(1)", None),
        ("JAVASCRIPT:alert(1)", None),
        ("data:text/html,<script>alert(1)</script>", None),
        ("vbscript:msgbox(1)", None),
        ("//evil.example/x", None),
        ("/relative/path", None),
        ("https://", None),
        ("https://[::1", None),
        ("", None),
        (None, None),
    ],
)
def test_safe_url(url: str | None, expected: str | None) -> None:
    assert render.safe_url(url) == expected
