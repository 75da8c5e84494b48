"""The web pages and the evidence route through the resolver (what Lambda and `serve` both run), on the
demo lake: the country overview, the index's headline and tone arrow, and the posts behind a figure."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest

from listening_post.demo import demo_config, run_demo
from listening_post.lake import Lake
from listening_post.web.api import create_app
from listening_post.web.server import to_event
from listening_post.web.store import BriefStore

WEEK = "2026-W47"


@pytest.fixture(scope="module")
def demo_lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("web") / "lake"
    run_demo(str(root))
    return root


@pytest.fixture(scope="module")
def app(demo_lake: Path):  # type: ignore[no-untyped-def]
    configured = {c.code: c.display_name for c in demo_config().countries}
    return create_app(BriefStore(Lake.from_uri(str(demo_lake))), configured)


def get(app, path: str) -> tuple[int, str, dict[str, Any]]:  # type: ignore[no-untyped-def]
    result = app.resolve(to_event("GET", path, {}, b""), None)
    return result["statusCode"], result["body"], result["headers"]


def get_json(app, path: str) -> Any:  # type: ignore[no-untyped-def]
    status, body, headers = get(app, path)
    assert status == 200, body
    assert headers["Content-Type"] == "application/json"
    return json.loads(body)


def summary(demo_lake: Path, country: str) -> dict[str, Any]:
    return json.loads((demo_lake / f"briefs/country={country}/week={WEEK}/summary.json").read_text())


# --- the country overview (a 404 on main) ---------------------------------------------------------------


def test_country_overview_is_a_page_with_trend_findings_and_every_week(app) -> None:  # type: ignore[no-untyped-def]
    status, body, headers = get(app, "/countries/CA")
    assert status == 200, body
    assert headers["Content-Type"].startswith("text/html")
    for section in ("summary", "findings", "evidence", "trend", "weeks"):
        assert f'id="{section}"' in body
    weeks = json.loads(get(app, "/countries/CA/weeks")[1])["weeks"]
    for week in weeks:
        assert f'href="/countries/CA/weeks/{week}/brief"' in body
    assert f'href="/countries/CA/weeks/{WEEK}/posts?topic=diplomacy"' in body
    assert "Our embassy and diplomacy" in body


def test_country_overview_json_carries_the_latest_weeks_figures(app, demo_lake: Path) -> None:  # type: ignore[no-untyped-def]
    overview = get_json(app, "/countries/DE?format=json")
    s = summary(demo_lake, "DE")
    assert overview["latest_week"] == WEEK and overview["name"] == "Germany"
    assert overview["tone"]["this_week"] == s["sentiment"]["mean"]["value"]
    assert overview["tone"]["change"] == s["sentiment"]["change"]["difference"]
    assert overview["volume"]["posts"] == s["volume"]["posts"]
    assert [row["week"] for row in overview["trend"]] == [row["week"] for row in s["trend"]]
    assert overview["findings"] and all(isinstance(x, str) for x in overview["findings"])


def test_country_overview_errors(app) -> None:  # type: ignore[no-untyped-def]
    assert get(app, "/countries/ZZ")[0] == 400
    assert get(app, "/countries/FR")[0] == 404  # valid, but neither configured nor in the lake
    status, body, _ = get(app, "/countries/CA?format=xml")
    assert status == 400 and "format" in json.loads(body)["error"]


def test_a_later_summarys_own_findings_and_sections_are_shown(tmp_path: Path, demo_lake: Path) -> None:
    root = tmp_path / "lake"
    shutil.copytree(demo_lake / "briefs/country=CA", root / "briefs/country=CA")
    path = root / f"briefs/country=CA/week={WEEK}/summary.json"
    document = json.loads(path.read_text())
    document.update(findings=["Plain words first."], about_us=[{"id": "diplomacy", "posts": 3}])
    path.write_text(json.dumps(document))
    app = create_app(BriefStore(Lake.from_uri(str(root))), {"CA": "Canada"})
    overview = get_json(app, "/countries/CA?format=json")
    assert overview["findings"] == ["Plain words first."]
    assert overview["about_us"] == [{"id": "diplomacy", "posts": 3}]
    status, body, _ = get(app, "/")
    assert status == 200 and "Plain words first." in body


def test_a_damaged_summary_is_a_page_without_figures_not_a_500(tmp_path: Path, demo_lake: Path) -> None:
    root = tmp_path / "lake"
    shutil.copytree(demo_lake / "briefs/country=CA", root / "briefs/country=CA")
    (root / f"briefs/country=CA/week={WEEK}/summary.json").write_text("{not json")
    app = create_app(BriefStore(Lake.from_uri(str(root))), {"CA": "Canada"})
    assert get(app, "/")[0] == 200
    assert get(app, "/countries/CA")[0] == 200
    assert get(app, f"/countries/CA/weeks/{WEEK}/posts")[0] == 404


# --- the index --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("country", ["CA", "DE"])
def test_index_arrow_agrees_with_the_sign_of_the_change(app, demo_lake: Path, country: str) -> None:  # type: ignore[no-untyped-def]
    body = get(app, "/")[1]
    row = body[body.index(f'id="country-{country}"') :]
    row = row[: row.index("</tr>")]
    change = summary(demo_lake, country)["sentiment"]["change"]["difference"]
    assert change != 0
    glyph, words, direction = ("▲", "more positive", "up") if change > 0 else ("▼", "more negative", "down")
    assert f'data-direction="{direction}"' in row and glyph in row and words in row
    assert 'class="headline"' in row


# --- the evidence route -----------------------------------------------------------------------------------


def posts_of(demo_lake: Path, country: str) -> list[tuple[Any, ...]]:
    """The week's original posts as an independent reader sees them (every copy; the demo has one each)."""
    start, end = ("2026-11-16", "2026-11-23")
    tz = summary(demo_lake, country)["period"]["timezone"]
    con = duckdb.connect()
    con.execute(f"SET TimeZone = '{tz}'")
    return con.execute(
        "SELECT post_id, source, lang, sentiment_label, topics FROM read_parquet($glob, union_by_name = true) "
        "WHERE NOT is_repost AND created_at >= $start::TIMESTAMPTZ AND created_at < $end::TIMESTAMPTZ",
        {"glob": str(demo_lake / f"posts/country={country}/*/*.parquet"), "start": start, "end": end},
    ).fetchall()


def test_evidence_totals_are_the_posts_behind_the_figures(app, demo_lake: Path) -> None:  # type: ignore[no-untyped-def]
    rows = posts_of(demo_lake, "CA")
    base = f"/countries/CA/weeks/{WEEK}/posts?format=json"
    assert get_json(app, base)["total"] == len(rows) == summary(demo_lake, "CA")["volume"]["original_posts"]
    negative_diplomacy = [r for r in rows if r[3] == "negative" and "diplomacy" in r[4]]
    found = get_json(app, base + "&topic=diplomacy&label=negative&limit=100")
    assert found["total"] == len(negative_diplomacy) > 0
    assert found["filters"] == {"topic": "diplomacy", "label": "negative"}
    assert all(p["label"] == "negative" and "diplomacy" in p["topics"] for p in found["posts"])
    rss = get_json(app, base + "&source=rss&lang=en&limit=100")
    assert rss["total"] == sum(1 for r in rows if r[1] == "rss" and r[2] == "en") > 0
    assert all(p["source"] == "rss" and p["lang"] == "en" for p in rss["posts"])


def test_evidence_pages_are_stable_disjoint_and_cover_every_post(app) -> None:  # type: ignore[no-untyped-def]
    base = f"/countries/DE/weeks/{WEEK}/posts?format=json&limit=25"
    first = get_json(app, base)
    pages = [first] + [get_json(app, f"{base}&page={n}") for n in range(2, -(-first["total"] // 25) + 1)]
    texts = [(p["created_at"], p["text"]) for page in pages for p in page["posts"]]
    assert len(texts) == first["total"]
    assert pages[-1]["next_page"] is None and first["next_page"] == 2
    assert get_json(app, base) == first  # the same order on every request
    beyond = get_json(app, f"{base}&page={len(pages) + 1}")
    assert beyond["posts"] == [] and beyond["next_page"] is None


def test_evidence_shows_no_author_and_masks_mentions(app, demo_lake: Path) -> None:  # type: ignore[no-untyped-def]
    found = get_json(app, f"/countries/CA/weeks/{WEEK}/posts?format=json&limit=100")
    authors = duckdb.sql(
        f"SELECT DISTINCT author_id FROM read_parquet('{demo_lake}/posts/country=CA/*/*.parquet') "
        "WHERE author_id IS NOT NULL"
    ).fetchall()
    body = json.dumps(found)
    assert authors and not any(a in body for (a,) in authors)
    for post in found["posts"]:
        fields = {"created_at", "source", "lang", "text", "url", "sentiment", "label", "topics", "engagement"}
        assert set(post) == fields
        assert "@" not in post["text"].replace("@…", "")
    html = get(app, f"/countries/CA/weeks/{WEEK}/posts?limit=100")[1]
    assert not any(a in html for (a,) in authors)


def test_mastodon_posts_get_their_link_from_the_links_dataset(app, demo_lake: Path) -> None:  # type: ignore[no-untyped-def]
    in_posts = duckdb.sql(
        f"SELECT count(url) FROM read_parquet('{demo_lake}/posts/country=CA/*/*.parquet') WHERE source = 'mastodon'"
    ).fetchall()
    assert in_posts == [(0,)]  # Mastodon links name their author: never in posts/
    found = get_json(app, f"/countries/CA/weeks/{WEEK}/posts?format=json&source=mastodon&limit=10")
    assert found["posts"] and all(p["url"] and p["url"].startswith("https://") for p in found["posts"])


def test_an_older_copy_of_a_post_is_not_listed_twice(tmp_path: Path, demo_lake: Path) -> None:
    root = tmp_path / "lake"
    shutil.copytree(demo_lake, root)
    partition = root / "posts/country=CA/dt=2026-11-18"
    original = sorted(partition.glob("*.parquet"))[0]
    # A later collection of the same post, rescored: the latest copy counts, with its label.
    duckdb.sql(
        f"COPY (SELECT * REPLACE (collected_at + INTERVAL 1 DAY AS collected_at, 'unscored' AS sentiment_label) "
        f"FROM read_parquet('{original}') WHERE NOT is_repost LIMIT 1) TO '{partition}/part-recollected.parquet' "
        "(FORMAT parquet)"
    )
    app = create_app(BriefStore(Lake.from_uri(str(root))), {"CA": "Canada"})
    before = create_app(BriefStore(Lake.from_uri(str(demo_lake))), {"CA": "Canada"})
    base = f"/countries/CA/weeks/{WEEK}/posts?format=json"
    assert get_json(app, base)["total"] == get_json(before, base)["total"]
    assert get_json(app, base + "&label=unscored")["total"] == get_json(before, base + "&label=unscored")["total"] + 1


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("topic=nope", "topic"),
        ("topic=Bad%20Id", "topic"),
        ("label=angry", "label"),
        ("source=facebook", "source"),
        ("lang=zz", "lang"),
        ("lang=english", "lang"),
        ("page=0", "page"),
        ("page=1001", "page"),
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=ten", "limit"),
        ("format=pdf", "format"),
    ],
)
def test_invalid_evidence_parameters_are_a_400_naming_the_field(app, query: str, field: str) -> None:  # type: ignore[no-untyped-def]
    status, body, headers = get(app, f"/countries/CA/weeks/{WEEK}/posts?{query}")
    assert status == 400, body
    assert headers["Content-Type"] == "application/json"
    assert field in json.loads(body)["error"]


def test_evidence_path_errors(app) -> None:  # type: ignore[no-untyped-def]
    assert get(app, "/countries/ZZ/weeks/2026-W47/posts")[0] == 400
    assert get(app, "/countries/CA/weeks/2026-W99/posts")[0] == 400
    assert get(app, "/countries/CA/weeks/2020-W01/posts")[0] == 404  # no brief that week


def test_evidence_page_links_keep_the_filters_and_escape_the_text(app) -> None:  # type: ignore[no-untyped-def]
    status, body, headers = get(app, f"/countries/CA/weeks/{WEEK}/posts?label=negative&limit=5")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert 'rel="next" href="?label=negative&amp;page=2&amp;limit=5"' in body
    assert 'href="?label=negative&amp;source=rss"' in body and 'href="?label=negative&amp;lang=fr"' in body
    assert get(app, f"/countries/CA/weeks/{WEEK}/posts?label=negative&lang=fr")[0] == 200
    assert 'id="posts"' in body and 'id="filters"' in body
    assert "<script" not in body


def test_a_served_brief_links_to_its_neighbours_and_its_country(app) -> None:  # type: ignore[no-untyped-def]
    status, body, _ = get(app, "/countries/CA/weeks/2026-W46/brief")
    assert status == 200
    assert 'href="/countries/CA/weeks/2026-W45/brief" rel="prev"' in body
    assert 'href="/countries/CA/weeks/2026-W47/brief" rel="next"' in body
    assert 'href="/countries/CA"' in body


def test_the_openapi_document_describes_the_new_routes_and_their_parameters(app) -> None:  # type: ignore[no-untyped-def]
    document = get_json(app, "/openapi.json")
    posts = document["paths"]["/countries/{country}/weeks/{week}/posts"]["get"]
    params = {p["name"]: p for p in posts["parameters"]}
    assert set(params) == {"country", "week", "topic", "label", "source", "lang", "page", "limit", "format"}
    assert "/countries/{country}" in document["paths"]
    assert "negative" in json.dumps(params["label"]["schema"]) and "mastodon" in json.dumps(params["source"]["schema"])
