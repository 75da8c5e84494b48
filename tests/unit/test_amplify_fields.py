"""Posts schema v3 (issue 20): what each source's real payloads give of links, hashtags, mentions, linked
posts and the author's account, and that enrichment writes none of it as a handle or DID."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from listening_post.enrich.language import LanguageDetector
from listening_post.enrich.pseudonym import DEMO_AUTHOR_KEY, Pseudonymiser
from listening_post.enrich.urls import clean_url, domain_of, links_in_text
from listening_post.lake import Lake
from listening_post.model import FILE_SCHEMA, POSTS_SCHEMA, posts_to_table
from listening_post.pipeline import Enricher
from listening_post.sources import bluesky, mastodon, reddit, rss, x, youtube

V3 = (
    "links",
    "domains",
    "hashtags",
    "mentions",
    "reposted_post_id",
    "quoted_post_id",
    "reply_to_post_id",
    "author_created_at",
    "author_followers",
    "author_posts",
    "author_is_verified",
)
NOW = datetime(2026, 11, 23, tzinfo=UTC)


def enrich(parsed: list, key: bytes = DEMO_AUTHOR_KEY) -> list:
    enricher = Enricher(pseudonymiser=Pseudonymiser(key), detector=LanguageDetector())
    return enricher.enrich_many(parsed, country="CA", query_id="q", collected_at=NOW)


def test_schema_appends_the_v3_columns_with_the_contract_names() -> None:
    assert POSTS_SCHEMA.names[-len(V3) :] == list(V3)
    assert POSTS_SCHEMA.metadata[b"listening_post.schema_version"] == b"3"
    assert all(POSTS_SCHEMA.field(name).nullable for name in V3)


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        (
            "https://open.substack.com/pub/x/p/the-pawn?r=92vnq&utm_medium=ios",
            "https://open.substack.com/pub/x/p/the-pawn?r=92vnq",
        ),
        ("HTTPS://WWW.Example.org/a?utm_source=tw&id=7&fbclid=abc#top", "https://www.example.org/a?id=7"),
        ("https://example.org/?gclid=1&mc_eid=2&_hsenc=3&msclkid=4&igshid=5", "https://example.org/"),
        ("https://example.org:443/p?v=1", "https://example.org/p?v=1"),
        ("ftp://example.org/file", None),
        ("javascript:alert(1)", None),
        ("not a url", None),
        ("https://[::1/broken", None),
    ],
)
def test_links_lose_tracking_parameters_and_keep_what_selects_the_page(raw: str, cleaned: str | None) -> None:
    assert clean_url(raw) == cleaned


def test_domains_and_links_in_text() -> None:
    assert domain_of("https://www.theguardian.com/money") == "theguardian.com"
    assert links_in_text("see https://a.example/x). and http://b.example/y, done") == [
        "https://a.example/x",
        "http://b.example/y",
    ]


def test_mastodon_links_are_the_full_anchor_targets_and_account_counts(payloads: Path) -> None:
    (status,) = mastodon.parse((payloads / "mastodon" / "docs_entity_Status_example.json").read_bytes()).posts
    link = "https://www.theguardian.com/money/2019/dec/07/i-lost-my-193000-inheritance-with-one-wrong-digit-on-my-sort-code"
    (post,) = enrich([status])
    assert post.links == [link]  # the anchor and the preview card: one link
    assert post.domains == ["theguardian.com"]
    assert post.author_followers == 322930 and post.author_posts == 61323
    assert post.author_created_at == datetime(2016, 3, 16, 14, 34, 26, 392000, tzinfo=UTC)
    assert post.author_is_verified is None
    (hoot,) = enrich(
        mastodon.parse((payloads / "mastodon" / "mastodonpy_timelines_tag_hoot.response.json").read_bytes()).posts
    )
    assert hoot.hashtags == ["hoot"] and hoot.links == []  # a hashtag's anchor is not a shared link


def test_mastodon_boost_points_to_the_original_and_mentions_are_pseudonyms() -> None:
    account = {"acct": "alice", "url": "https://example.social/@alice", "created_at": "2026-11-01T00:00:00Z"}
    original = {
        "id": "11",
        "uri": "https://example.social/users/alice/statuses/11",
        "created_at": "2026-11-20T10:00:00Z",
        "content": '<p><span class="h-card"><a href="https://other.social/@bob" class="u-url mention">@bob</a></span> '
        '<a href="https://news.example/a?utm_campaign=z">news.example/a</a></p>',
        "mentions": [{"acct": "bob@other.social", "url": "https://other.social/@bob"}],
        "account": account,
        "in_reply_to_id": "10",
    }
    boost = {
        "id": "12",
        "uri": "https://example.social/users/carol/statuses/12/activity",
        "created_at": "2026-11-20T11:00:00Z",
        "content": "",
        "account": {"acct": "carol", "url": "https://example.social/@carol"},
        "reblog": original,
    }
    first, repost = enrich(mastodon.parse(json.dumps([boost])).posts)
    assert first.links == ["https://news.example/a"]
    key = Pseudonymiser(DEMO_AUTHOR_KEY)
    assert first.mentions == [key.author_id("mastodon", "bob@other.social")]
    assert first.reply_to_post_id == "mastodon:example.social/10"
    assert repost.is_repost and repost.reposted_post_id == first.post_id
    assert repost.links == [] and repost.author_id == key.author_id("mastodon", "carol@example.social")


def test_bluesky_facets_quotes_replies_with_keyed_ids(payloads: Path) -> None:
    body = (payloads / "bluesky" / "searchPosts_q-redistricting.response.json").read_bytes()
    parsed = bluesky.parse(body).posts
    posts = enrich(parsed)
    key = Pseudonymiser(DEMO_AUTHOR_KEY)
    substack = next(p for p in posts if any("substack" in link for link in p.links or []))
    assert substack.links == ["https://open.substack.com/pub/christackett/p/the-pawn-or-the-collaborator?r=92vnq"]
    assert substack.domains == ["open.substack.com"]
    assert any(p.hashtags == ["txlege"] for p in posts)
    quoting = [p for p in posts if p.quoted_post_id]
    assert len(quoting) == 2
    quoted_uri = "at://did:plc:pjiafkey2cokiupsxpswqlk7/app.bsky.feed.post/3lpjgwfr3gs27"
    assert quoting[0].quoted_post_id == key.post_id("bluesky", quoted_uri)
    assert sum(1 for p in posts if p.reply_to_post_id) == 12
    assert all(p.author_created_at is not None for p in posts)
    assert all(p.author_followers is None for p in posts)  # searchPosts' author view has no counts
    # No DID anywhere in the v3 fields: linked ids are keyed like post_id.
    for p in posts:
        values = json.dumps([getattr(p, name) for name in V3], default=str)
        assert "did:" not in values and "at://" not in values


def test_x_entities_references_and_users(payloads: Path) -> None:
    body = (
        payloads / "twitter_x" / "academictwitteR_search_all_url-cdc.gov.TRIMMED_one-per-lang.response.json"
    ).read_bytes()
    posts = {p.post_id: p for p in enrich(x.parse(body).posts)}
    key = Pseudonymiser(DEMO_AUTHOR_KEY)
    original = posts["x:1403864492727934979"]
    assert original.links == [
        "https://www.cdc.gov/niosh/docs/2021-107/default.html",
        "https://www.healthleadersmedia.com/covid-19/niosh-says-ffrs-exhalation-valves-just-effective-control-disease-sources",
    ]
    assert original.domains == ["cdc.gov", "healthleadersmedia.com"]
    assert original.reply_to_post_id == "x:1403861695508983811"
    assert original.author_followers == 696 and original.author_posts == 18163 and original.author_is_verified is False
    # A mentioned user in includes.users becomes the pseudonym of the user id: the same as its author_id.
    assert original.mentions[0] == key.author_id("x", "1244198220366000128")
    retweet = posts["x:1403864655550951424"]
    assert retweet.is_repost and retweet.reposted_post_id == "x:1403864492727934979"
    assert retweet.author_id == original.mentions[0]
    assert retweet.links == [] and retweet.author_created_at == datetime(2020, 3, 29, 9, 42, 50, tzinfo=UTC)
    for p in posts.values():
        assert not any("@" in m or not m.isalnum() for m in p.mentions or [])


def test_x_hashtags_and_account_age(payloads: Path) -> None:
    body = (
        payloads / "twitter_x" / "academictwitteR_search_all_IchBinHanna_place-Berlin.FULL.response.json"
    ).read_bytes()
    posts = enrich(x.parse(body).posts)
    assert all("ichbinhanna" in (p.hashtags or []) for p in posts)
    assert all(p.author_created_at is not None and p.author_followers is not None for p in posts)


def test_reddit_link_posts_share_their_link_and_crossposts_point_to_the_parent(payloads: Path) -> None:
    body = (payloads / "reddit" / "praw_best_listing.TRIMMED3.response.json").read_bytes()
    posts = {p.post_id: p for p in enrich(reddit.parse(body).posts)}
    assert posts["reddit:8h9v02"].links == [
        "http://www.businessinsider.com/a-story-about-bill-gatess-intelligence-2015-11"
    ]
    assert posts["reddit:8h9v02"].hashtags is None and posts["reddit:8h9v02"].author_created_at is None
    crosspost = {
        "kind": "t3",
        "data": {
            "id": "c1",
            "title": "t",
            "selftext": "",
            "author": "someone",
            "created_utc": 1700000000,
            "crosspost_parent": "t3_8h9v02",
            "permalink": "/r/a/comments/c1/t/",
        },
    }
    comment = {
        "kind": "t1",
        "data": {
            "id": "k1",
            "body": "see https://example.org/x?utm_source=r",
            "author": "a",
            "created_utc": 1700000000,
            "parent_id": "t3_8h9v02",
            "link_id": "t3_8h9v02",
            "permalink": "/r/a/comments/8h9v02/t/k1/",
        },
    }
    listing = {"kind": "Listing", "data": {"children": [crosspost, comment]}}
    repost, reply = enrich(reddit.parse(json.dumps(listing)).posts)
    assert repost.reposted_post_id == "reddit:8h9v02"
    assert reply.reply_to_post_id == "reddit:8h9v02" and reply.links == ["https://example.org/x"]


def test_youtube_replies_point_to_their_comment(payloads: Path) -> None:
    body = (payloads / "youtube" / "pyyoutube_comment_thread_single.json").read_bytes()
    posts = enrich(youtube.parse(body).posts)
    assert all(p.links == [] and p.author_created_at is None for p in posts)
    response = json.loads(body)
    thread = response["items"][0]
    reply = {
        "id": "r1",
        "snippet": {
            "textOriginal": "at https://example.org/v",
            "parentId": thread["id"],
            "publishedAt": "2026-11-20T00:00:00Z",
            "authorChannelId": {"value": "UCx"},
        },
    }
    thread["replies"] = {"comments": [reply]}
    *_, answer = enrich(youtube.parse(json.dumps(response)).posts)
    assert answer.reply_to_post_id == f"youtube:{thread['id']}" and answer.links == ["https://example.org/v"]


def test_feeds_link_their_article(payloads: Path) -> None:
    posts = enrich(rss.parse((payloads / "rss" / "rssparser_guardian.TRIMMED5.rss").read_bytes()).posts)
    assert all(p.domains == ["theguardian.com"] and p.hashtags is None and p.mentions is None for p in posts)


def test_v2_files_read_with_v3_columns_as_null(tmp_path: Path, payloads: Path) -> None:
    import duckdb

    from listening_post.analysis.reading import relation

    posts = enrich(mastodon.parse((payloads / "mastodon" / "docs_entity_Status_example.json").read_bytes()).posts)
    lake = Lake.from_uri(str(tmp_path))
    lake.append_posts(posts, run_id="new")
    old = posts_to_table(posts).drop_columns([*V3, "country"])
    old = old.set_column(0, "post_id", pa.array(["mastodon:old/1"]))
    folder = tmp_path / "posts" / "country=CA" / "dt=2019-12-08"
    pq.write_table(old, folder / "part-old.parquet")
    files = sorted(str(f) for f in folder.glob("*.parquet"))
    read = pq.ParquetDataset(files, schema=FILE_SCHEMA).read()
    by_id = dict(zip(read.column("post_id").to_pylist(), read.column("links").to_pylist(), strict=True))
    assert by_id["mastodon:old/1"] is None and by_id[posts[0].post_id] == posts[0].links
    con = duckdb.connect()
    rows = con.execute(
        f"SELECT post_id, domains, author_followers FROM {relation(con, lake, 'f', files)} ORDER BY post_id"
    ).fetchall()
    assert sorted(rows) == sorted([("mastodon:old/1", None, None), (posts[0].post_id, ["theguardian.com"], 322930)])


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        (
            "https://twitter.com/Eduardo_V2017/status/1403851707814236160/photo/1",
            "https://x.com/i/web/status/1403851707814236160",
        ),
        ("https://x.com/someone", None),
        ("https://mastodon.social/@Gargron/103270115826048975", None),
        ("https://www.youtube.com/@somechannel/videos", None),
        ("https://www.reddit.com/user/someone/", None),
        ("https://bsky.app/profile/did:plc:abc/post/3lp", None),
        ("https://www.facebook.com/some.person", None),
        ("https://www.youtube.com/watch?v=abc", "https://www.youtube.com/watch?v=abc"),
        ("https://www.reddit.com/r/europe/comments/3frno2/x/", "https://www.reddit.com/r/europe/comments/3frno2/x/"),
    ],
)
def test_links_naming_an_account_are_not_kept(url: str, kept: str | None) -> None:
    from listening_post.enrich.urls import author_free

    assert author_free(clean_url(url) or "") == kept


def test_no_handle_in_the_links_of_real_x_posts(payloads: Path) -> None:
    body = (
        payloads / "twitter_x" / "academictwitteR_search_all_url-cdc.gov.TRIMMED_one-per-lang.response.json"
    ).read_bytes()
    posts = enrich(x.parse(body).posts)
    photo = next(p for p in posts if p.post_id == "x:1403851707814236160")
    assert photo.links[-1] == "https://x.com/i/web/status/1403851707814236160"
    assert "twitter.com" in photo.domains
    handles = {u["username"].lower() for u in json.loads(body)["includes"]["users"]}
    for p in posts:
        stored = json.dumps([getattr(p, name) for name in V3], default=str).lower()
        assert not any(f"/{h}/" in stored or f"@{h}" in stored for h in handles)
