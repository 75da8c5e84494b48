"""The parts of analysis/amplification.py on their own: matching clusters across weeks, outlet lists,
posting-rate outliers, the configuration block and its located errors, the smallest cluster."""

from __future__ import annotations

from pathlib import Path

import pytest

from listening_post.analysis import amplification
from listening_post.config import ConfigError, load_config


def test_clusters_continue_last_weeks_when_they_keep_enough_members() -> None:
    previous = [
        {"id": "amp-old", "since": "2026-W44", "members": ["a", "b", "c", "d"]},
        {"id": "amp-other", "since": "2026-W46", "members": ["x", "y"]},
    ]
    current = [
        {"id": "amp-new", "members": ["a", "b", "c", "e"]},  # Jaccard 3/5
        {"id": "amp-new2", "members": ["p", "q", "y"]},  # Jaccard 1/4: below 0.3
    ]
    amplification.match_clusters(current, previous)
    assert (current[0]["id"], current[0]["since"], current[0]["continues"]) == ("amp-old", "2026-W44", True)
    assert (current[1]["id"], current[1]["continues"]) == ("amp-new2", False)


def test_a_listed_domain_covers_its_subdomains_only() -> None:
    assert amplification.on_list("news.northwire.example", {"northwire.example"})
    assert amplification.on_list("northwire.example", {"northwire.example"})
    assert not amplification.on_list("notnorthwire.example", {"northwire.example"})
    assert not amplification.on_list("example", {"example"})


def _outliers(counts: list[int]) -> tuple[int, int]:
    import duckdb

    from listening_post.config import Amplification

    con = duckdb.connect()
    con.execute(
        "CREATE TEMP TABLE amp_authors AS SELECT 'a' || i AS author_id, n, 0 AS scored, 0.0 AS total, "
        "0 AS aged, 0 AS young FROM (SELECT unnest($c::BIGINT[]) AS n, unnest(range(len($c))) AS i)",
        {"c": counts},
    )

    class Reader:  # what _account_signals uses of a PostsReader
        pass

    reader = Reader()
    reader.con = con  # type: ignore[attr-defined]
    found = amplification._account_signals(reader, Amplification(), 30)["rate_outliers"]  # type: ignore[arg-type]
    return found["accounts"], found["posts"]


def test_posting_rate_outliers_are_the_far_tail() -> None:
    assert _outliers([1] * 500 + [2] * 200 + [3] * 80 + [5] * 20 + [400, 250]) == (2, 650)
    assert _outliers([1] * 100) == (0, 0)  # nobody stands out
    assert _outliers([50, 60]) == (0, 0)  # too few accounts to say


def test_cluster_ids_do_not_depend_on_member_order() -> None:
    assert amplification._cluster_id(["b", "a"]) == amplification._cluster_id(["a", "b"])
    assert amplification._cluster_id(["a", "b"]) != amplification._cluster_id(["a", "c"])


def test_configuration_block_and_located_errors(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(
        "version: 1\ncountries: [{code: CA, languages: [en]}]\nsecrets: {author_key: {env: K}}\n"
        "analysis:\n  amplification:\n    window_seconds: 120\n    outlets:\n"
        "      low_quality: [WWW.Northwire.example]\n      state_affiliated: [rt.com]\n"
    )
    settings = load_config(good).analysis.amplification
    assert settings.window_seconds == 120 and settings.outlets.low_quality == ["northwire.example"]
    assert settings.min_repetition == 3 and settings.young_account_days == 30
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "version: 1\ncountries: [{code: CA, languages: [en]}]\nsecrets: {author_key: {env: K}}\n"
        "analysis:\n  amplification:\n    min_repetition: 1\n    outlets:\n"
        "      trusted: ['https://cbc.ca/news']\n      typo_list: [a.example]\n"
    )
    with pytest.raises(ConfigError) as caught:
        load_config(bad)
    message = str(caught.value)
    assert "bad.yaml:6:" in message and "min_repetition" in message
    assert "bad.yaml:8:" in message and "'https://cbc.ca/news' is not a domain" in message
    assert "typo_list" in message


def _shares(con: object, rows: list[tuple[str, str, int]]) -> None:
    """``amp_shares`` (link shares: object, account, second) and ``amp_authors`` as share_tables makes them."""
    import duckdb

    assert isinstance(con, duckdb.DuckDBPyConnection)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE amp_shares AS SELECT 'link' AS kind, o AS object, a AS author_id, "
        "t::BIGINT AS t, o || '/' || a AS post_id FROM (SELECT unnest($o::VARCHAR[]) AS o, unnest($a::VARCHAR[]) AS a, "
        "unnest($t::BIGINT[]) AS t)",
        {"o": [r[0] for r in rows], "a": [r[1] for r in rows], "t": [r[2] for r in rows]},
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE amp_authors AS SELECT author_id, count(*) AS n, 0 AS scored, NULL::DOUBLE "
        "AS total FROM amp_shares GROUP BY author_id"
    )


def test_a_pair_alone_is_not_a_cluster_and_the_minimum_is_configurable() -> None:
    """Two accounts meeting on three links within the window: chance among many heavy sharers (on the
    544k-post generated weeks every false cluster but one was such a pair); three accounts are a cluster."""
    import duckdb

    from listening_post.config import Amplification

    con = duckdb.connect()
    pair = [(f"https://a.example/{i}", who, 1000 * i + lag) for i in range(3) for who, lag in (("p", 0), ("q", 20))]
    _shares(con, pair)
    assert amplification.find_clusters(con, Amplification(), 60) == []
    (two,) = amplification.find_clusters(con, Amplification(min_cluster_accounts=2), 60)
    assert two["accounts"] == 2 and two["coordinated_shares"] == 6
    _shares(con, pair + [(f"https://a.example/{i}", "r", 1000 * i + 40) for i in range(3)])
    (three,) = amplification.find_clusters(con, Amplification(), 60)
    assert three["accounts"] == 3 and sorted(three["members"]) == ["p", "q", "r"]
    assert amplification.coordinated_post_ids(con, three["members"], 60)[:3] == [
        "https://a.example/0/p",
        "https://a.example/0/q",
        "https://a.example/0/r",
    ]
    with pytest.raises(ValueError, match="min_cluster_accounts"):
        Amplification(min_cluster_accounts=1)
