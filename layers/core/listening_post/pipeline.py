"""The flow, in one direction: parse -> clean -> detect language -> pseudonymise -> score -> match topics
-> append to the lake; and summarise a (country, week) from the lake into a summary and briefs.

These are the functions the CLI and the Lambda handlers call. Collaborators (lake, scorer, detector,
pseudonymiser) come in as arguments, so tests and the demo can pass their own.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from listening_post.config import Config
from listening_post.enrich.dedup import folded_duplicate_key
from listening_post.enrich.language import UNDETERMINED, LanguageDetector
from listening_post.enrich.pseudonym import Pseudonymiser
from listening_post.enrich.text import clean_text, html_to_text
from listening_post.enrich.urls import author_free, clean_links, domains_of
from listening_post.first_seen import FirstSeen
from listening_post.lake import Lake
from listening_post.model import ParsedPost, Post
from listening_post.quarantine import QuarantineBatch
from listening_post.query import Term, fold
from listening_post.runs import new_run_id as new_run_id  # moved to runs.py; still importable from here
from listening_post.scoring.backends import BackendFactory, build_scorer, default_scorer
from listening_post.scoring.sentiment import UNSCORED, Scores, SentimentScorer
from listening_post.scoring.topics import TopicMatcher
from listening_post.sources.base import PayloadError, screen_times
from listening_post.summary_model import Summary
from listening_post.weeks import IsoWeek


@dataclass
class Enricher:
    """Turns parsed posts into lake rows. Holds the collaborators every post goes through."""

    pseudonymiser: Pseudonymiser
    scorer: SentimentScorer = field(default_factory=default_scorer)  # for countries without their own
    detector: LanguageDetector = field(default_factory=LanguageDetector)
    topics: Mapping[str, TopicMatcher] = field(default_factory=dict)  # by country; "*" for any
    scorers: Mapping[str, SentimentScorer] = field(default_factory=dict)  # by country: its backend choice
    languages: Mapping[str, Sequence[str]] = field(default_factory=dict)  # by country: the detection prior

    @classmethod
    def from_config(
        cls,
        config: Config | None,
        pseudonymiser: Pseudonymiser,
        *,
        backends: BackendFactory | None = None,
        **kwargs: Any,
    ) -> Enricher:
        topics: dict[str, TopicMatcher] = {}
        scorers: dict[str, SentimentScorer] = {}
        languages: dict[str, Sequence[str]] = {}
        backends = backends or BackendFactory()
        if config is not None:
            for country in config.countries:
                topics[country.code] = TopicMatcher((t.id, t.compiled) for t in config.topics_for(country.code))
                scorers[country.code] = build_scorer(country.sentiment, backends)
                languages[country.code] = tuple(country.languages)
            topics["*"] = TopicMatcher((t.id, t.compiled) for t in config.topics if t.countries is None)
        kwargs.setdefault("scorer", build_scorer({}, backends))
        return cls(pseudonymiser=pseudonymiser, topics=topics, scorers=scorers, languages=languages, **kwargs)

    def scorer_for(self, country: str) -> SentimentScorer:
        return self.scorers.get(country, self.scorer)

    def enrich(self, parsed: ParsedPost, *, country: str, query_id: str | None, collected_at: datetime) -> Post:
        return self.enrich_many([parsed], country=country, query_id=query_id, collected_at=collected_at)[0]

    def enrich_many(
        self, parsed_posts: Sequence[ParsedPost], *, country: str, query_id: str | None, collected_at: datetime
    ) -> list[Post]:
        """Enrich posts together: a stage at a time over the whole batch, which keeps each stage's model and
        tables in the CPU caches, and gives a cloud sentiment backend its texts in batches."""
        texts = [_plain_text(p.text, p.is_html) for p in parsed_posts]
        # A repost's topics come from the original's text, which is never stored with it.
        topic_texts = [
            _plain_text(p.context_text or "", p.context_is_html) if p.is_repost else text
            for p, text in zip(parsed_posts, texts, strict=True)
        ]
        countries = [p.country or country for p in parsed_posts]
        langs = [
            UNDETERMINED
            if p.is_repost or not text
            else self.detector.detect(text, p.declared_lang, self.languages.get(where, ()))
            for p, text, where in zip(parsed_posts, texts, countries, strict=True)
        ]
        scores = self._scores(texts, langs, countries)
        # One fold serves topics and the duplicate key; a repost has no key of its own.
        folded = [fold(text) for text in topic_texts]
        dup_groups = [
            None if p.is_repost else folded_duplicate_key(f) for p, f in zip(parsed_posts, folded, strict=True)
        ]
        terms = [self._terms(where, f) for where, f in zip(countries, folded, strict=True)]
        topics = [self._topics(where, found) for where, found in zip(countries, terms, strict=True)]
        topic_sentiment = self._topic_sentiment(texts, terms, langs, countries, topics, scores)
        author_id = self.pseudonymiser.author_id
        keyed_id = self.pseudonymiser.post_id
        return [
            Post(
                post_id=keyed_id(p.source, p.native_id) if p.id_names_author else p.post_id,
                source=p.source,
                query_id=query_id,
                country=where,
                created_at=p.created_at,
                collected_at=collected_at,
                url=p.url,
                lang=lang,
                text=text,
                author_id=author_id(p.source, p.author_native),
                likes=p.likes,
                reposts=p.reposts,
                replies=p.replies,
                is_repost=p.is_repost,
                sentiment=s.compound,
                sentiment_pos=s.pos,
                sentiment_neu=s.neu,
                sentiment_neg=s.neg,
                sentiment_label=s.label,
                sentiment_model=s.model,
                topics=post_topics,
                dup_group=dup_group,
                created_at_source=p.created_at_source,
                topic_sentiment=per_topic,
                **_shared(p, author_id, keyed_id),
                link=p.link,
            )
            for p, text, where, lang, s, post_topics, dup_group, per_topic in zip(
                parsed_posts, texts, countries, langs, scores, topics, dup_groups, topic_sentiment, strict=True
            )
        ]

    def _scores(self, texts: list[str], langs: list[str], countries: list[str]) -> list[Scores]:
        """Each country's texts go to its scorer together."""
        by_country: dict[str, list[int]] = {}
        for i, where in enumerate(countries):
            by_country.setdefault(where, []).append(i)
        scores: list[Scores] = [UNSCORED] * len(texts)
        for where, positions in by_country.items():
            batch = self.scorer_for(where).score_many([(texts[i], langs[i]) for i in positions])
            for i, result in zip(positions, batch, strict=True):
                scores[i] = result
        return scores

    def _terms(self, country: str, folded: str) -> set[Term]:
        matcher = self.topics.get(country) or self.topics.get("*")
        return matcher.terms_in(folded) if matcher else set()

    def _topics(self, country: str, found: set[Term]) -> list[str]:
        matcher = self.topics.get(country) or self.topics.get("*")
        return matcher.matching(found) if matcher else []

    def _topic_sentiment(
        self,
        texts: list[str],
        terms: list[set[Term]],
        langs: list[str],
        countries: list[str],
        topics: list[list[str]],
        scores: list[Scores],
    ) -> list[dict[str, float] | None]:
        """The tone about each topic of each scored post: the post's own score where the topic's sentences
        are the whole post, else the score of those sentences, by the backend that scored the post (each
        country's passages go to its scorer together; a passage two topics share is scored once)."""
        out: list[dict[str, float] | None] = [None] * len(texts)
        wanted: dict[str, dict[tuple[str, str], list[tuple[int, str]]]] = {}  # country -> (passage, lang) -> uses
        for i, (text, where, post_topics, s) in enumerate(zip(texts, countries, topics, scores, strict=True)):
            # ``terms`` are those of the topic text: the post's own for every scored post (a repost is unscored).
            if not post_topics or s.compound is None:
                continue
            out[i] = dict.fromkeys(post_topics, s.compound)
            matcher = self.topics.get(where) or self.topics.get("*")
            if matcher is None:
                continue
            for tid, passage in matcher.passages(text, post_topics, terms[i]).items():
                if passage is not None:
                    wanted.setdefault(where, {}).setdefault((passage, langs[i]), []).append((i, tid))
        for where, by_passage in wanted.items():
            results = self.scorer_for(where).score_many(list(by_passage))
            for uses, result in zip(by_passage.values(), results, strict=True):
                if result.compound is None:  # cannot happen for a scored post's language; keep its score
                    continue
                for i, tid in uses:
                    per_topic = out[i]
                    if per_topic is not None:
                        per_topic[tid] = result.compound
        return out


def _plain_text(text: str, is_html: bool) -> str:
    return html_to_text(text) if is_html else clean_text(text)


@dataclass
class IngestResult:
    imported: int = 0
    duplicates: int = 0
    quarantined: int = 0
    erased: int = 0  # posts of authors in the erasure ledger, dropped
    failed_payloads: int = 0
    payloads: int = 0
    withdrawn: int = 0  # deleted, blocked, direct or followers-only records: counted, never stored
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (origin, why) of each unusable payload
    files: list[str] = field(default_factory=list)
    replaced_characters: int = 0  # invalid byte sequences decoded as U+FFFD (sources/base.py decode_body)

    def counts(self) -> dict[str, int]:
        """The counts every command reports, under the same names (collect's summary too)."""
        counts = {
            "imported": self.imported,
            "duplicates": self.duplicates,
            "quarantined": self.quarantined,
            "erased": self.erased,
        }
        if self.replaced_characters:
            counts["replaced_characters"] = self.replaced_characters
        return counts


def ingest_payloads(
    payloads: Iterable[tuple[str, bytes]],
    *,
    source: str,
    country: str,
    query_id: str | None,
    lake: Lake,
    enricher: Enricher,
    run_id: str | None = None,
    now: datetime | None = None,
) -> IngestResult:
    """Parse API responses (``(origin, body)`` pairs) of one source into the lake.

    A payload that cannot be read at all, and each record that cannot be parsed, go to quarantine with
    the reason; everything else of the payload is kept.
    """
    from listening_post.erasure import append_without_erased
    from listening_post.sources import registry
    from listening_post.sources.base import parse_guarded

    if source not in registry.names():
        raise ValueError(f"unknown source {source!r}; known sources: {', '.join(sorted(registry.names()))}")
    spec = registry.platform(source)
    parse = partial(parse_guarded, spec.parse)
    now = now or datetime.now(UTC)
    run_id = run_id or new_run_id(now)
    quarantine = QuarantineBatch(source, run_id, enricher.pseudonymiser)
    first_seen = FirstSeen(lake)
    result = IngestResult()
    parsed: list[ParsedPost] = []
    for origin, body in payloads:
        result.payloads += 1
        try:
            page = parse(body)
        except PayloadError as exc:
            result.failed_payloads += 1
            result.unreadable.append((origin, str(exc)))
            quarantine.add(str(exc), origin, None, body[:100_000].decode("utf-8", errors="replace"))
            continue
        result.replaced_characters += page.replaced_characters or 0
        first_seen.settle(page.posts, country=country, now=now)
        result.withdrawn += page.withdrawn
        for reject in screen_times(page, now).rejects:
            quarantine.add(
                reject.reason, origin, reject.index, reject.record, reject.author_native, reject.author_source
            )
        parsed.extend(page.posts)
    if spec.after_import is not None:  # replies that name their thread only through it (sources/spec.py)
        spec.after_import(parsed)
    # All payloads' posts in one batch: each enrichment stage runs once over all of them.
    posts = enricher.enrich_many(parsed, country=country, query_id=query_id, collected_at=now)
    first_seen.flush(now)
    appended, result.erased = append_without_erased(lake, posts, run_id=run_id)
    result.imported, result.duplicates, result.files = appended.written, appended.duplicates, appended.files
    # Quarantine is idempotent like the posts: a record quarantined before is not written again.
    result.quarantined = quarantine.write_new(lake, now.date().isoformat(), now) if quarantine.entries else 0
    return result


# The most one saved response may hold once unpacked: well under a Lambda's memory, far above any API page.
DEFAULT_MAX_PAYLOAD_BYTES = 64 * 1024 * 1024


class UnreadableFileError(ValueError):
    """A saved file that cannot be read as a whole (corrupt gzip): refused before anything is written."""


class PayloadTooLargeError(UnreadableFileError):
    """A file holds (or unpacks to) more than the cap: refused before anything is parsed or written."""


def read_files(
    paths: Sequence[str | Path], *, max_bytes: int = DEFAULT_MAX_PAYLOAD_BYTES
) -> Iterable[tuple[str, bytes]]:
    """Saved responses, gunzipped when they end in .gz; none may hold more than ``max_bytes``."""
    for path in paths:
        size = Path(path).stat().st_size
        if size > max_bytes:
            raise PayloadTooLargeError(f"{path}: {size:,} bytes is more than the limit of {max_bytes:,} bytes")
        body = Path(path).read_bytes()
        if str(path).endswith(".gz"):
            body = gunzip_capped(body, max_bytes, name=str(path))
        yield str(path), body


_STEP = 1024 * 1024


def gunzip_capped(data: bytes, max_bytes: int, *, name: str = "payload") -> bytes:
    """Unpack gzip (every member, as gzip does) without ever holding more than ``max_bytes`` of output:
    a 2 MiB file can unpack to 2 GiB, and is refused after reading at most ``max_bytes`` of it."""
    out = bytearray()
    try:
        while data:
            inflater = zlib.decompressobj(wbits=31)
            # A MiB at a time, so that at most the cap (not twice it) is ever held.
            out += inflater.decompress(data, min(_STEP, max_bytes - len(out) + 1))
            while not inflater.eof and inflater.unconsumed_tail and len(out) <= max_bytes:
                out += inflater.decompress(inflater.unconsumed_tail, min(_STEP, max_bytes - len(out) + 1))
            if len(out) > max_bytes:
                raise PayloadTooLargeError(f"{name}: unpacks to more than the limit of {max_bytes:,} bytes")
            if not inflater.eof:
                raise UnreadableFileError(f"{name}: the gzip data ends early (truncated file?)")
            data = inflater.unused_data.lstrip(b"\0")  # the next member; padding zeros end some files
    except zlib.error as exc:
        raise UnreadableFileError(f"{name}: not valid gzip data ({exc})") from None
    return bytes(out)


@dataclass
class BriefResult:
    country: str
    week: str
    lake_paths: list[str]
    out_paths: list[str]
    summary: Summary


def brief_prefix(country: str, week: str) -> str:
    return Lake.paths.brief_folder(country, week)


def summarise(
    lake: Lake,
    config: Config | None,
    country: str,
    week: IsoWeek,
    *,
    out_dir: str | Path | None = None,
    now: datetime | None = None,
) -> BriefResult:
    """Build summary.json, brief.html and brief.md of one (country, ISO week) into the lake (and out_dir)."""
    # Imported here: the collect function ships without DuckDB, and collection never summarises.
    from listening_post.alerts.brief import week_alerts
    from listening_post.analysis import amplification
    from listening_post.analysis.storylines import storylines_table
    from listening_post.analysis.weekly import SummaryInput, build_summary, sides_table, topics_table
    from listening_post.briefs.render import render

    spec = SummaryInput.from_config(config, country, week)
    summary = build_summary(lake, spec, now=now)
    # The week's alerts are added here, not by the analysis: the alert rules read analysis/, so analysis
    # reading the alerts back would make the two packages import each other.
    summary["alerts"] = week_alerts(lake, spec.country, *spec.week.bounds(spec.timezone))
    amplification_table = amplification.dataset(summary)  # takes the clusters' members out of the summary
    files = render(summary)
    prefix = brief_prefix(country, str(week))
    lake_paths = [lake.write_bytes(f"{prefix}/{name}", body.encode("utf-8")) for name, body in files.items()]
    lake.write_table(lake.paths.topics(country, week), topics_table(summary))
    lake.write_table(lake.paths.sides(country, week), sides_table(summary))
    lake.write_table(lake.paths.storylines(country, week), storylines_table(summary))
    lake.write_table(amplification.dataset_path(country, str(week)), amplification_table)
    out_paths: list[str] = []
    if out_dir is not None:
        target = Path(out_dir)
        target.mkdir(parents=True, exist_ok=True)
        for name, body in files.items():
            (target / name).write_text(body, encoding="utf-8")
            out_paths.append(str(target / name))
    return BriefResult(country, str(week), lake_paths, out_paths, summary)


def _shared(
    p: ParsedPost,
    author_id: Callable[[str, str | None], str | None],
    keyed_id: Callable[[str, str], str],
) -> dict[str, Any]:
    """The posts schema v3 fields of ``p``: links cleaned, accounts pseudonymised, linked posts as post ids
    of the same form as ``post_id`` (keyed where the native id names its author, as Bluesky's does)."""

    def linked(native: str | None) -> str | None:
        if not native:
            return None
        return keyed_id(p.source, native) if p.id_names_author else f"{p.source}:{native}"

    cleaned = None if p.links is None else clean_links(p.links)
    links = None if cleaned is None else [a for a in map(author_free, cleaned) if a is not None]
    mentions = None
    if p.mentions_native is not None:
        mentions = list(dict.fromkeys(m for m in (author_id(p.source, n) for n in p.mentions_native) if m))
    hashtags = None
    if p.hashtags is not None:
        hashtags = list(dict.fromkeys(t.lstrip("#").lower() for t in p.hashtags if t and t.lstrip("#")))
    return {
        "links": links,
        "domains": None if cleaned is None else domains_of(cleaned),
        "hashtags": hashtags,
        "mentions": mentions,
        "reposted_post_id": linked(p.reposted_native),
        "quoted_post_id": linked(p.quoted_native),
        "reply_to_post_id": linked(p.reply_to_native),
        "author_created_at": p.author_created_at,
        "author_followers": p.author_followers,
        "author_posts": p.author_posts,
        "author_is_verified": p.author_is_verified,
    }
