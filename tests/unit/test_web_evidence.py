"""The web layer's fixed sets and text handling agree with the rest of the library."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import pytest

from listening_post.analysis import weekly
from listening_post.analysis.weekly import excerpt
from listening_post.model import SENTIMENT_LABELS
from listening_post.sources import registry
from listening_post.web.api import Label, create_app
from listening_post.web.evidence import MENTION, Page, mask
from listening_post.web.overview import SummaryView
from listening_post.web.server import to_event


def test_the_apis_labels_are_the_schemas_and_its_sources_the_registrys(tmp_path: Path) -> None:
    assert get_args(Label) == SENTIMENT_LABELS
    from listening_post.lake import Lake
    from listening_post.web.store import BriefStore

    lake = Lake.from_uri(str(tmp_path / "lake"))
    lake.write_json("briefs/country=TR/week=2026-W47/summary.json", {"country": "TR", "week": "2026-W47"})
    app = create_app(BriefStore(lake), {"TR": "Türkiye"})
    for source, status in (("mastodon", 200), ("tiktok", 200), ("nosuchplatform", 400)):
        assert (source in registry.source_names()) == (status == 200)
        event = to_event("GET", f"/countries/TR/weeks/2026-W47/posts?format=json&source={source}", {}, b"")
        assert app.resolve(event, None)["statusCode"] == status, source


@pytest.mark.parametrize(
    "text",
    [
        "Thanks @alice@mastodon.social and @bob_99 for this",
        "see https://mastodon.social/@carol/1234 now",
        "mail me at someone@example.org",
        "@start of text, and a lone @ sign",
    ],
)
def test_mentions_are_masked_as_in_the_briefs(text: str) -> None:
    assert mask(text) == excerpt(text, limit=10_000)
    assert "alice" not in mask(text) and "bob_99" not in mask(text) and "carol" not in mask(text)


def test_the_mention_pattern_is_the_briefs() -> None:
    assert weekly._MENTION.pattern == MENTION


def test_long_texts_are_cut_at_a_word() -> None:
    text = "word " * 500
    assert mask(text).endswith(" …") and len(mask(text)) <= 602


def test_query_parameters_reach_the_resolver_as_api_gateway_passes_them() -> None:
    event = to_event("GET", "/countries/CA/weeks/2026-W47/posts?label=negative&topic=a%20b&x=1&x=2", {}, b"")
    assert event["queryStringParameters"] == {"label": "negative", "topic": "a b", "x": "1,2"}
    assert "queryStringParameters" not in to_event("GET", "/", {}, b"")


def test_pages() -> None:
    assert (Page(0, 1, 20, []).pages, Page(0, 1, 20, []).next_page) == (1, None)
    assert (Page(41, 2, 20, []).pages, Page(41, 2, 20, []).next_page, Page(41, 2, 20, []).previous_page) == (3, 3, 1)


@pytest.mark.parametrize(
    ("difference", "verdict", "direction", "words"),
    [
        (0.2, "significant", "up", "more positive than last week (a change larger than chance would explain)"),
        (-0.01, "not significant", "down", "more negative than last week (within noise)"),
        (0.0, "not significant", "flat", "unchanged"),
        (None, "insufficient data", "none", "no comparison with last week"),
    ],
)
def test_the_tone_arrow_agrees_with_the_sign(
    difference: float | None, verdict: str, direction: str, words: str
) -> None:
    view = SummaryView({"sentiment": {"change": {"difference": difference, "verdict": verdict}}})
    arrow = view.arrow()
    assert arrow.direction == direction and words in arrow.words
    assert arrow.glyph == {"up": "▲", "down": "▼", "flat": "▶", "none": "–"}[direction]


def test_a_summary_without_figures_has_no_findings_rather_than_an_error() -> None:
    view = SummaryView({"country": "CA", "week": "2026-W47"})
    assert view.findings() == [] and view.headline() is None and view.trend() == [] and view.timezone == "UTC"
