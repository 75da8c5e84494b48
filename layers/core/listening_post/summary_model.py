"""The weekly summary's shape: summary.json (schema v2), as analysis writes it and briefs and web read it.

TypedDicts keep the JSON exactly as it is (a summary is a plain dict, serialised as it stands) while mypy
checks every key read and written against this one description. Sections that other analyses extend
(amplification, storylines, coverage) are open: their TypedDicts are ``total=False``, so a new field is
added here, optional, without breaking older summaries.

Schema versions: v1 is the original contract (volume, sentiment, topics, emerging terms, spikes,
coordination, examples, coverage, caveats, trend); v2 adds, additively, about_us, press, public,
headlines, outlets and representative (and later, optional sections: amplification, storylines, alerts).
A reader of v2 reads v1 summaries: every v2 field is ``NotRequired``.
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict

SCHEMA_VERSION = 2


# --- estimates and tests (listening_post.analysis.stats) -----------------------------------------------


class Estimate(TypedDict):
    """A mean (with ``sd``) or a share (with ``k``) of ``n`` posts, with its 95% interval; ``value`` and
    ``ci95`` are None when ``status`` is "insufficient data"."""

    n: int
    value: float | None
    ci95: list[float] | None
    status: str
    sd: NotRequired[float]
    k: NotRequired[int]


class Test(TypedDict):
    """A significance test: Welch's t, a two-proportion z, a Poisson z; Holm-adjusted where several
    topics are tested at once."""

    test: str
    p_value: float
    statistic: NotRequired[float | None]
    difference: NotRequired[float]
    df: NotRequired[float | None]
    ci95: NotRequired[list[float]]
    p_adjusted: NotRequired[float]
    adjustment: NotRequired[str]


class Tone(TypedDict):
    """Mean compound, label shares and net tone of a group of posts."""

    mean: Estimate
    shares: dict[str, Estimate]  # by label: positive, neutral, negative
    net_tone: Estimate


class Change(TypedDict):
    test: Test | None
    verdict: str
    difference: float | None


# --- volume and sentiment -------------------------------------------------------------------------------


class PreviousWeekVolume(TypedDict):
    posts: int
    authors: int
    change: float | None
    test: Test | None
    verdict: str


class BaselineVolume(TypedDict):
    weeks: int
    mean_posts: float
    change: float | None


class Volume(TypedDict):
    posts: int
    original_posts: int
    reposts: int
    authors: int
    by_source: list[dict[str, Any]]
    by_language: list[dict[str, Any]]
    previous_week: PreviousWeekVolume
    baseline: BaselineVolume


class CountedOnce(Tone):
    clusters: int
    posts_removed: int


class Sentiment(Tone):
    models: list[str]
    scored_share: Estimate | None
    previous_week: Tone
    change: Change
    clusters_counted_once: NotRequired[CountedOnce | None]


class Topic(TypedDict):
    id: str
    label: str
    posts: int
    authors: int
    previous_week_posts: int
    volume_change: float | None
    share_of_voice: Estimate | None
    sentiment: Tone
    previous_week: Tone
    change: Change
    drivers: list[str]


class TrendWeek(TypedDict):
    week: str
    posts: int
    authors: int
    sentiment: Estimate


# --- what stood out: emerging terms, spikes, coordinated bursts ----------------------------------------


# A term said far more this week than in the baseline weeks; ``with`` (a keyword, hence this form) lists
# the terms found in exactly the same posts.
EmergingTerm = TypedDict(
    "EmergingTerm",
    {
        "term": str,
        "kind": str,  # hashtag, bigram or word
        "count": int,
        "baseline_count": int,
        "share": float,
        "baseline_share": float,
        "authors": int,
        "coordinated_share": float,
        "log_odds": float,
        "z": float,
        "with": list[str],
    },
)


class Spike(TypedDict):
    """A day of the week unusual in volume (``expected``, ``z``) or in tone (``mean``, ``baseline_mean``,
    ``p_value``)."""

    date: str
    kind: str  # volume or tone
    posts: int
    statistic: str
    description: str
    expected: NotRequired[float]
    z: NotRequired[float]
    mean: NotRequired[float]
    baseline_mean: NotRequired[float | None]
    p_value: NotRequired[float]


class CoordinatedCluster(TypedDict):
    """A burst of near-identical posts from several accounts (no post ids, no account)."""

    posts: int
    authors: int
    first_at: str
    last_at: str
    span_minutes: int
    sample_text: str
    share_of_week: float | None
    mean_sentiment: float | None


# --- examples -------------------------------------------------------------------------------------------


class Example(TypedDict):
    """A quoted post: excerpt and link, never its author. ``post_id`` is only there while the summary is
    built (for the join with links/)."""

    excerpt: str
    source: str | None
    url: str | None
    engagement: int
    sentiment: float
    created_at: str | None
    post_id: NotRequired[str]
    matched: NotRequired[str | None]  # a topic example's sentences about its topic
    matched_sentence: NotRequired[str | None]  # a representative example's
    typicality: NotRequired[float]
    side: NotRequired[str]


class Examples(TypedDict):
    overall: dict[str, list[Example]]  # by label or side
    by_topic: dict[str, dict[str, list[Example]]]


class AboutUsChange(TypedDict):
    verdict: str
    difference: float | None


class AboutUs(TypedDict):
    id: str
    label: str
    posts: int
    previous_week_posts: int
    volume_change: float | None
    share_of_voice: Estimate | None
    sentiment: Estimate
    previous_week: Estimate
    change: AboutUsChange
    example: Example | None


# --- press and public (v2) ------------------------------------------------------------------------------


class SideFigures(TypedDict):
    posts: int
    authors: int
    share: Estimate | None
    previous_week_posts: int
    volume_change: float | None
    volume_test: Test | None
    volume_verdict: str
    sentiment: Tone
    previous_week: Tone
    change: Change


class Side(SideFigures):
    """Press (news sources) or public (social sources): ``sources`` first, then the figures."""

    sources: list[str]


# --- coverage -------------------------------------------------------------------------------------------


class Coverage(TypedDict, total=False):
    unscored: dict[str, Any]
    days_without_posts: list[str]
    daily_posts: list[dict[str, Any]]
    sampling: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    storylines: dict[str, Any]


class Period(TypedDict):
    start: str
    end: str
    timezone: str
    local_start: str
    local_end: str


# --- the summary ----------------------------------------------------------------------------------------


class Summary(TypedDict):
    """summary.json. Sections built by analyses that grow (amplification, storylines) are read through
    their own open types or as JSON objects."""

    schema_version: int
    country: str
    country_name: str
    week: str
    period: Period
    generated_at: str
    volume: Volume
    sentiment: Sentiment
    topics: list[Topic]
    emerging_terms: list[EmergingTerm]
    spikes: list[Spike]
    coordination: list[CoordinatedCluster]
    examples: Examples
    coverage: Coverage
    caveats: list[str]
    trend: list[TrendWeek]
    # v2
    about_us: NotRequired[list[AboutUs]]
    press: NotRequired[Side]
    public: NotRequired[Side]
    headlines: NotRequired[list[dict[str, Any]]]
    outlets: NotRequired[list[dict[str, Any]]]
    representative: NotRequired[Examples]
    amplification: NotRequired[dict[str, Any]]
    storylines: NotRequired[list[dict[str, Any]]]
    alerts: NotRequired[list[dict[str, Any]]]


def as_read(document: dict[str, Any]) -> Summary:
    """A summary.json read back (a JSON object) as the typed summary, unchanged: a TypedDict is a dict at
    run time. Readers of stored summaries read it with ``.get``: an older version or a damaged file may
    lack any part."""
    return document  # type: ignore[return-value]
