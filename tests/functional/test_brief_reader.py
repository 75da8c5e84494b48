"""The brief a political officer acts on (issue 17), on the demo's briefs: findings in plain words, the
mission's own topics first, press and public apart, examples that represent, charts that agree with their
figures, stable section ids, week links, and summary.json v2 read by a v1 reader."""

from __future__ import annotations

import json
import random
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import markupsafe
import pytest

from listening_post.briefs import charts
from listening_post.briefs.findings import findings
from listening_post.config import parse_config
from listening_post.demo import DemoResult, demo_config, run_demo
from listening_post.lake import Lake
from listening_post.pipeline import summarise
from listening_post.scoring.topics import TopicMatcher
from listening_post.weeks import IsoWeek
from tests.helpers import week_of_posts

# What a statistician writes and a political officer should not have to read in the findings.
STAT_TERMS = re.compile(
    r"p ?[=<]|z ?=|welch|poisson|t-test|holm|\bci\b|95% ci|\bn ?=|log-odds|significan|statistic", re.IGNORECASE
)
SECTION_IDS = (
    "findings",
    "about-us",
    "press",
    "public",
    "topics",
    "new",
    "spikes",
    "coordinated",
    "examples",
    "coverage",
    "trend",
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    return run_demo(str(tmp_path_factory.mktemp("demo") / "lake"))


def summary(demo: DemoResult, country: str, week: str = "2026-W47") -> dict:
    return json.loads(demo.lake.read_bytes(f"briefs/country={country}/week={week}/summary.json"))


def html(demo: DemoResult, country: str, week: str = "2026-W47") -> str:
    return demo.lake.read_bytes(f"briefs/country={country}/week={week}/brief.html").decode()


class Sections(HTMLParser):
    """The text of each top-level <section> by id, in page order."""

    def __init__(self) -> None:
        super().__init__()
        self.order: list[str] = []
        self.text: dict[str, str] = {}
        self.ids: list[str] = []
        self._stack: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs).get("id")
        if found:
            self.ids.append(found)
        if tag == "section":
            self._stack.append(found or "")
            self.order.append(found or "")
        if tag in ("svg", "style"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "section" and self._stack:
            self._stack.pop()
        if tag in ("svg", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if self._stack and not self._skip:
            key = self._stack[-1]
            self.text[key] = self.text.get(key, "") + data


def sections(page: str) -> Sections:
    parser = Sections()
    parser.feed(page)
    return parser


@pytest.mark.parametrize("country", ["CA", "DE"])
def test_findings_and_first_sections_name_no_test_p_value_or_z(demo: DemoResult, country: str) -> None:
    s = summary(demo, country)
    sentences = findings(s)
    assert sentences and not [x for x in sentences if STAT_TERMS.search(x)]
    page = sections(html(demo, country))
    for first in ("about-us", "findings", "headline"):
        assert not STAT_TERMS.search(page.text.get(first, "")), (first, STAT_TERMS.search(page.text[first]))
    # The verdicts are in words, and the tests stay in summary.json and the method note.
    assert "larger than chance would explain" in page.text["findings"]
    assert s["sentiment"]["change"]["test"]["test"] == "welch_t" and "welch_t" in page.text["method"]


def test_the_tone_card_shows_this_week_last_week_and_the_change(demo: DemoResult) -> None:
    card = sections(html(demo, "CA")).text["headline"]
    assert re.search(r"−0\.08\s*this week", card) and re.search(r"\+0\.12\s*last week", card)
    assert "▼ change −0.19: more negative than last week" in " ".join(card.split())


def test_the_german_brief_opens_with_the_embassy_topic(demo: DemoResult) -> None:
    page = sections(html(demo, "DE"))
    assert page.order[0] == "about-us" and "Our embassy and diplomacy" in page.text["about-us"]
    s = summary(demo, "DE")
    (about,) = s["about_us"]
    assert about["id"] == "diplomacy" and about["posts"] == 74 and about["sentiment"]["value"] > 0.6
    assert about["example"]["side"] == "positive" and about["example"]["sentiment"] > 0
    assert findings(s)[0].startswith(
        "Our embassy and diplomacy: 74 posts (up from 22 last week), tone clearly positive"
    )


ABOUT_YAML = """
secrets: {author_key: {env: K}}
countries:
  - {code: CA, languages: [en], timezone: America/Toronto}
topics:
  - {id: trade, label: Trade and tariffs, query: 'tariff*'}
  - {id: embassy, label: Our embassy, query: 'embassy', about_us: true}
analysis: {min_n: 30}
"""


def test_a_finding_is_written_about_the_mission_even_when_nothing_is_notable(tmp_path: Path) -> None:
    config = parse_config(ABOUT_YAML)
    week = IsoWeek.parse("2026-W47")
    lake = Lake.from_uri(str(tmp_path / "lake"))
    rng = random.Random(3)
    posts = []
    for k in (-1, 0):
        start = week.shift(k).bounds("America/Toronto")[0]
        posts += week_of_posts(rng, start, 80, 0.2, first_id=10_000 * (k + 2), topics=["trade"])
        posts += week_of_posts(rng, start, 40, 0.3, first_id=10_000 * (k + 2) + 5000, topics=["embassy"])
    lake.append_posts(posts, run_id="r1")
    s = summarise(lake, config, "CA", week).summary
    first = findings(s)[0]
    assert first.startswith("Our embassy: 40 posts (as many as last week, 40)") and "nothing notable" in first
    # No post at all about the mission is said too.
    empty = summarise(Lake.from_uri(str(tmp_path / "other")), config, "CA", week).summary
    assert findings(empty)[0] == "Our embassy: nothing notable, no posts this week (last week 0)."


def test_press_and_public_are_apart_with_intervals_headlines_and_outlets(demo: DemoResult) -> None:
    s = summary(demo, "CA")
    press, public = s["press"], s["public"]
    assert press["sources"] == ["rss"] and public["sources"] == ["mastodon"]
    assert press["posts"] + public["posts"] == s["volume"]["posts"] == 285
    assert public["sentiment"]["mean"]["ci95"] and public["share"]["ci95"]
    assert press["share"]["value"] == pytest.approx(20 / 285)
    # 20 articles: fewer than min_n scored, so the press's tone is said to be insufficient, not a number.
    assert press["sentiment"]["mean"]["status"] == "insufficient data"
    assert {o["outlet"] for o in s["outlets"]} == {"lequotidien.example.ca", "northernledger.example.ca"}
    assert sum(o["articles"] for o in s["outlets"]) == press["posts"]
    # The same story from several feeds is one line, with the count of its articles.
    assert sum(h["articles"] for h in s["headlines"]) <= press["posts"] and s["headlines"][0]["articles"] >= 2
    assert all(h["url"].startswith("https://") for h in s["headlines"])
    page = sections(html(demo, "CA"))
    assert "Top headlines" in page.text["press"] and "Most active outlets" in page.text["press"]


def test_examples_represent_and_never_contradict_their_side(demo: DemoResult) -> None:
    for country in ("CA", "DE"):
        s = summary(demo, country)
        rep = s["representative"]
        groups = [(side, items) for side, items in rep["overall"].items()]
        groups += [(side, items) for sides in rep["by_topic"].values() for side, items in sides.items()]
        assert sum(len(items) for _, items in groups) >= 6
        for side, items in groups:
            for item in items:
                assert (item["sentiment"] > 0) == (side == "positive"), (country, side, item)
                assert "@" not in item["excerpt"].replace("@…", "")
        # Overall examples are on a topic: what each shows (the passage about its topic, or the whole post
        # when all of it is) matches one.
        matcher = TopicMatcher((t.id, t.compiled) for t in demo_config().topics_for(country))
        for items in rep["overall"].values():
            assert all(matcher.match(item["matched_sentence"] or item["excerpt"]) for item in items)
        quoted = json.dumps(rep, ensure_ascii=False)
        assert "Great game last night" not in quoted
    page = html(demo, "CA")
    assert "Most engaged posts" in page and "Typical posts" in page
    # A post scored near zero is not shown as "neutral": no neutral list is quoted.
    assert "most engaged neutral" not in page
    # The about-us example marks its sentence about the mission (which side it shows follows the topic's
    # tone, computed from the posts' sentences about the topic).
    example = summary(demo, "CA")["about_us"][0]["example"]
    assert f'<mark class="sentence">{markupsafe.escape(example["matched_sentence"])}</mark>' in page


def test_daily_chart_markers_agree_with_the_direction_of_each_spike() -> None:
    monday = date(2026, 11, 16)
    spikes = [
        {"date": "2026-11-17", "kind": "volume", "posts": 66, "expected": 36.0, "z": 4.9},
        {"date": "2026-11-21", "kind": "tone", "posts": 23, "mean": -0.17, "baseline_mean": 0.18},
        {"date": "2026-11-19", "kind": "tone", "posts": 40, "mean": 0.6, "baseline_mean": 0.18},
        {"date": "2026-11-22", "kind": "volume", "posts": 3, "expected": 30.0, "z": -3.5},
    ]
    daily = [{"date": f"2026-11-{d}", "posts": n} for d, n in ((16, 30), (17, 66), (19, 40), (21, 23), (22, 3))]
    for layout in charts.LAYOUTS:
        svg = charts.daily_chart(daily, spikes, monday, layout)
        marks = re.findall(r'data-direction="(.)">(.) (\w+)', svg)
        assert [(m[1], m[2]) for m in marks] == [
            ("▲", "vol" if layout is charts.NARROW else "volume"),
            ("▲", "tone"),
            ("▼", "tone"),
            ("▼", "vol" if layout is charts.NARROW else "volume"),
        ]


def test_chart_ticks_are_round_and_the_volume_bars_have_a_scale(demo: DemoResult) -> None:
    assert charts.nice_ticks(-0.25, 0.38) == [-0.4, -0.2, 0.0, 0.2, 0.4]
    assert charts.nice_ticks(0, 244, 4) == [0, 100, 200, 300]
    page = html(demo, "CA")
    for svg in re.findall(r'<svg [^>]*data-chart="(?:trend|topics)".*?</svg>', page):
        ticks = re.findall(r'text-anchor="(?:end|middle)" fill="#4b5563"[^>]*>([+−]?\d\.\d+|0)</text>', svg)
        assert ticks, svg[:200]
        for tick in ticks:
            assert round(float(tick.replace("−", "-")) * 10, 6).is_integer(), tick
    trend = re.search(r'<svg [^>]*data-chart="trend" data-layout="wide".*?</svg>', page)
    assert trend
    volume_panel = trend.group(0).split("posts per week", 1)[1]
    scale = re.findall(r'text-anchor="end" fill="#4b5563"[^>]*>(\d[\d,]*)</text>', volume_panel)
    assert scale == ["0", "100", "200", "300"]


def test_every_chart_has_a_text_alternative_and_two_layouts(demo: DemoResult) -> None:
    page = html(demo, "CA")
    svgs = re.findall(r"<svg .*?</svg>", page)
    assert len(svgs) == 6
    for svg in svgs:
        ident = re.search(r'aria-labelledby="([^ "]+) ([^"]+)"', svg)
        assert ident and f'<title id="{ident.group(1)}">' in svg and f'<desc id="{ident.group(2)}">' in svg
    assert "W47: 285 posts, tone −0.08".replace("−", "-") in page or "2026-W47: 285 posts, tone -0.08" in page
    # Okabe-Ito: no red-green pair left.
    assert "#1a7f4b" not in page and "#b3261e" not in page


def test_sections_carry_stable_ids_and_shares_over_100_percent_are_explained(demo: DemoResult) -> None:
    page = sections(html(demo, "CA"))
    assert set(SECTION_IDS) <= set(page.ids)
    total = sum(t["share_of_voice"]["value"] for t in summary(demo, "CA")["topics"])
    assert total > 1
    assert f"the shares add up to {total * 100:.0f}%, not 100%" in page.text["topics"]


def test_briefs_link_the_previous_and_next_week_by_relative_path(demo: DemoResult) -> None:
    root = Path(demo.lake.root) / "briefs" / "country=CA"
    page = (root / "week=2026-W46" / "brief.html").read_text()
    prev = re.search(r'<a href="([^"]+)" rel="prev">', page)
    nxt = re.search(r'<a href="([^"]+)" rel="next">', page)
    assert prev and nxt and prev.group(1) == "../week=2026-W45/brief.html"
    assert (root / "week=2026-W46" / nxt.group(1)).resolve() == (root / "week=2026-W47" / "brief.html").resolve()
    assert (root / "week=2026-W46" / prev.group(1)).resolve().exists()
    # The first week has no earlier brief to link.
    assert 'rel="prev"' not in (root / "week=2026-W42" / "brief.html").read_text()
    md = (root / "week=2026-W46" / "brief.md").read_text()
    assert "[← 2026-W45](../week=2026-W45/brief.html)" in md


V1_KEYS = {
    "schema_version": int,
    "country": str,
    "week": str,
    "period": dict,
    "generated_at": str,
    "volume": dict,
    "sentiment": dict,
    "topics": list,
    "emerging_terms": list,
    "spikes": list,
    "coordination": list,
    "examples": dict,
    "coverage": dict,
    "caveats": list,
    "trend": list,
}


def read_v1(s: dict) -> dict:
    """What a reader written for schema v1 takes from a summary."""
    assert s["schema_version"] >= 1
    return {
        "posts": s["volume"]["posts"],
        "tone": s["sentiment"]["mean"]["value"],
        "tone_test": s["sentiment"]["change"]["test"]["p_value"],
        "topics": {t["id"]: (t["share_of_voice"]["value"], t["change"]["verdict"]) for t in s["topics"]},
        "examples": {label: [e["excerpt"] for e in items] for label, items in s["examples"]["overall"].items()},
        "by_topic": sorted(s["examples"]["by_topic"]),
        "trend": [row["posts"] for row in s["trend"]],
    }


def test_summary_v2_is_additive_and_a_v1_reader_keeps_working(demo: DemoResult) -> None:
    s = summary(demo, "CA")
    assert s["schema_version"] == 2
    for key, kind in V1_KEYS.items():
        assert isinstance(s[key], kind), key
    assert {"about_us", "press", "public", "headlines", "outlets", "representative"} <= set(s)
    got = read_v1(s)
    assert got["posts"] == 285 and got["tone"] < 0 and got["tone_test"] < 0.05
    assert got["topics"]["trade"][1] == "significant" and len(got["trend"]) == 12
    assert set(got["examples"]) == {"positive", "neutral", "negative"}


def test_weekly_datasets_follow_press_public_and_about_us(demo: DemoResult) -> None:
    import duckdb

    root = demo.lake.root
    sides = duckdb.sql(
        f"SELECT country, side, posts, verdict FROM read_parquet('{root}/weekly_sides/*/*/sides.parquet', "
        "hive_partitioning = true) WHERE week = '2026-W47' ORDER BY country, side"
    ).fetchall()
    assert sides == [
        ("CA", "press", 20, "insufficient data"),
        ("CA", "public", 265, "significant"),
        ("DE", "press", 10, "insufficient data"),
        ("DE", "public", 197, "significant"),
    ]
    about = duckdb.sql(
        f"SELECT DISTINCT topic_id FROM read_parquet('{root}/weekly/*/*/topics.parquet', hive_partitioning = true) "
        "WHERE about_us"
    ).fetchall()
    assert about == [("diplomacy",)]


def test_about_us_must_be_true_or_false() -> None:
    from listening_post.config import ConfigError

    with pytest.raises(ConfigError, match="about_us"):
        parse_config(ABOUT_YAML.replace("about_us: true", "about_us: sometimes"))


def test_a_story_run_by_several_feeds_is_one_headline_titled_by_what_they_share() -> None:
    from listening_post.analysis.press import shared_title, story_key, title_of

    copies = [
        "Trade committee to review softwood lumber dispute Reading the schedule, next round is in Prince George.",
        "Trade committee to review softwood lumber dispute The committee meets on Wednesday.",
    ]
    assert story_key(title_of(copies[0])) == story_key(title_of(copies[1]))
    assert shared_title(copies) == "Trade committee to review softwood lumber dispute"
    assert shared_title(copies[:1]) is None and shared_title([copies[0], copies[0]]) is None
    # "B.C." and "U.S." do not end the headline.
    assert title_of("B.C. sawmills warn of layoffs. More below.") == "B.C. sawmills warn of layoffs."
