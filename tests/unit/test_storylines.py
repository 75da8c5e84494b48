"""Storylines (issue 19): grouping, coherence, identity over weeks, and the planted weeks' measures."""

from __future__ import annotations

import duckdb
import pytest

from bench import storyplant
from listening_post.analysis import storylines as sl
from listening_post.analysis import terms

STOP = frozenset(terms.stop_words(["en", "fr", "de"]))


def docs_of(texts: list[tuple[str, str, str]]) -> list[sl.Doc]:
    """(text, lang, author) -> documents tokenised as the summary tokenises them (terms.tokens_sql)."""
    con = duckdb.connect()
    toks = con.execute(
        f"SELECT list({terms.tokens_sql('t', 'l')} ORDER BY i) FROM "
        "(SELECT unnest($t) AS t, unnest($l) AS l, unnest(range(len($t))) AS i)",
        {"t": [t for t, _, _ in texts], "l": [lang for _, lang, _ in texts]},
    ).fetchall()[0][0]
    return [
        sl.Doc(f"p{i}", author, "mastodon", lang, text, list(tok or []))
        for i, ((text, lang, author), tok) in enumerate(zip(texts, toks, strict=True))
    ]


def test_planted_weeks_reach_the_targets() -> None:
    result = storyplant.run()
    # Measured: ARI 0.912 mean (0.85 the worst week), id stability 24/24, every noise post left out.
    assert result["ari_mean"] >= 0.8
    assert result["ari_min"] >= 0.75
    assert result["id_stability"] >= 0.95
    assert result["continuing"] >= 20
    assert result["noise_left_out"] >= 0.9


def test_planted_statuses_follow_the_stated_rule() -> None:
    weeks = storyplant.run()["weeks"]
    status = {w["week"]: {s["id"]: s["status"] for s in w["storylines"]} for w in weeks}
    planted = {w["week"]: w["planted"] for w in weeks}
    # visa: new in its first week (2026-W44), growing while it grows significantly.
    assert status["2026-W44"][planted["2026-W44"]["visa"]] == "new"
    assert status["2026-W45"][planted["2026-W45"]["visa"]] == "growing"
    # forum: 30 -> 8 posts is a significant drop (fading); absent in W46; back in W47 under its old id.
    assert status["2026-W45"][planted["2026-W45"]["forum"]] == "fading"
    assert planted["2026-W47"]["forum"] == planted["2026-W42"]["forum"]
    assert status["2026-W47"][planted["2026-W47"]["forum"]] == "returning"
    # housing and rent share vocabulary and stay two storylines.
    assert planted["2026-W42"]["housing"] != planted["2026-W42"]["rent"]


def test_adjusted_rand_index_on_a_worked_example() -> None:
    assert storyplant.adjusted_rand_index([0, 0, 1, 1], [5, 5, 7, 7]) == 1.0
    # index 1, sums 2 and 1 over 6 pairs: (1 - 1/3) / (1.5 - 1/3)
    assert storyplant.adjusted_rand_index([0, 0, 1, 1], [0, 0, 1, 2]) == pytest.approx(4 / 7)


def test_features_join_languages_by_hashtags_numbers_names_and_cognates() -> None:
    en, fr = docs_of(
        [
            ("Washington raises tariffs on softwood to 14.5% #softwood", "en", "a"),
            ("Washington impose des tarifs de 14,5 % sur le bois #softwood", "fr", "b"),
        ]
    )
    shared = sl.features(en, STOP) & sl.features(fr, STOP)
    assert {"#softwood", "softwood", "washington", "=14.5%", "~tarif"} <= shared
    # What it cannot join: a translation sharing none of these.
    lumber, bois = docs_of([("lumber duties", "en", "a"), ("droits bois", "fr", "b")])
    assert not sl.features(lumber, STOP) & sl.features(bois, STOP)


def test_small_or_single_author_groups_are_not_storylines() -> None:
    con = duckdb.connect()
    text = "Transit strike shuts the subway lines downtown, commuters stranded for hours"
    four = docs_of([(text, "en", f"a{i}") for i in range(4)])
    assert sl.group(con, four, STOP)[0] == []  # fewer than MIN_POSTS texts
    one_author = docs_of([(f"{text} day {i}", "en", "same") for i in range(8)])
    assert sl.group(con, one_author, STOP)[0] == []  # fewer than MIN_AUTHORS authors


def test_copies_are_one_voice_and_join_or_make_a_storyline() -> None:
    con = duckdb.connect()
    campaign = "Stop buying American lumber now, their tariffs attack our forestry workers #BoycottUSLumber"
    docs = docs_of([(campaign, "en", f"bot{i}") for i in range(12)])
    for d in docs:
        d.copy_key, d.coordinated = "k1", True
    groups, _, _ = sl.group(con, docs, STOP)
    assert len(groups) == 1 and len(groups[0].members) == 12 and groups[0].heads == [0]


def sig(*terms_: str) -> dict[str, float]:
    return dict.fromkeys(terms_, 1.0)


def prev(pid: str, offset: int, signature: dict[str, float], posts: float = 50) -> sl.Previous:
    return sl.Previous(pid, f"2026-W{47 + offset}", offset, signature, posts)


def test_identity_continues_merges_splits_returns_and_starts() -> None:
    history = [
        prev("A", -1, sig("lumber", "tariffs", "softwood", "sawmills")),
        prev("B", -1, sig("lumber", "tariffs", "layoffs", "mills")),
        prev("C", -1, sig("visa", "backlog", "permits", "students")),
        prev("D", -3, sig("climate", "forum", "ocean", "wind")),
    ]
    now = [
        sig("lumber", "tariffs", "softwood", "sawmills", "layoffs", "mills"),  # A and B merge
        sig("visa", "backlog", "permits", "students"),  # C continues...
        sig("visa", "backlog", "permits", "families"),  # ...and splits
        sig("climate", "forum", "ocean", "wind"),  # D returns
        sig("concert", "orchestra", "tickets", "embassy"),  # new
    ]
    ids, fading = sl.identify(now, [100, 50, 30, 40, 20], history, "2026-W47", "CA")
    assert [(i.id, i.status) for i in ids] == [
        ("A", "growing"),
        ("C", "stable"),
        ("CA-2026-W47-03", "new"),
        ("D", "returning"),
        ("CA-2026-W47-05", "new"),
    ]
    assert ids[0].merged_from == ["B"] and ids[2].split_from == "C"
    assert fading == []


def test_a_storyline_that_finds_no_continuation_is_fading() -> None:
    ids, fading = sl.identify([], [], [prev("A", -1, sig("lumber", "tariffs"))], "2026-W47", "CA")
    assert ids == [] and [p.id for p in fading] == ["A"]
    ids, _ = sl.identify([sig("lumber", "tariffs")], [20], [prev("A", -1, sig("lumber", "tariffs"), 60)], "W", "CA")
    assert ids[0].status == "fading"  # 60 -> 20: a significant drop (conditional Poisson test)


def test_louvain_finds_two_cliques_joined_by_one_edge() -> None:
    edges = {(a, b): 1.0 for a in range(5) for b in range(a + 1, 5)}
    edges |= {(a, b): 1.0 for a in range(5, 10) for b in range(a + 1, 10)}
    edges[(4, 5)] = 0.2
    assert sl.louvain(edges) == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]
    assert sl.louvain({}) == []


def test_louvain_reaches_the_modularity_of_networkx_on_a_planted_week() -> None:
    nx = pytest.importorskip("networkx")  # a dev dependency (of cfn-lint), not shipped: the brief function's budget
    posts = storyplant.generate(weeks=4)[3]
    docs = docs_of([(p["text"], p["lang"], p["author"]) for p in posts])
    vecs, _ = sl.vectors(docs, STOP)
    edges = {(min(i, j), max(i, j)): w for i, j, w in sl.neighbour_edges(duckdb.connect(), vecs)}
    graph = nx.Graph()
    graph.add_weighted_edges_from((i, j, w) for (i, j), w in edges.items())
    ours = nx.community.modularity(graph, [set(c) for c in sl.louvain(edges)])
    theirs = nx.community.modularity(graph, nx.community.louvain_communities(graph, seed=7))
    assert ours >= theirs - 0.02
