"""Our query language written in each platform's search syntax."""

from __future__ import annotations

import pytest

from listening_post.query import Query
from listening_post.sources import bluesky, gdelt, google_news, reddit, x, youtube
from listening_post.sources import query_syntax as qs

CA_TRADE = '(tariff* OR "trade deal" OR "softwood lumber" OR CUSMA OR douane*) AND (Canada OR canadien*)'


def test_x_keeps_the_tree_and_spelling() -> None:
    assert x.search_query(Query(CA_TRADE)) == (
        '(tariff OR "trade deal" OR "softwood lumber" OR CUSMA OR douane) (Canada OR canadien)'
    )
    assert x.search_query(Query("Zoll* OR Zölle OR Handelsabkommen")) == "Zoll OR Zölle OR Handelsabkommen"


def test_negation_is_pushed_down_to_terms() -> None:
    assert x.search_query(Query("embassy NOT (party OR hockey)")) == "embassy -party -hockey"
    assert x.search_query(Query('embassy NOT ("trade deal" AND hockey)')) == 'embassy (-"trade deal" OR -hockey)'
    assert reddit.search_query(Query("embassy NOT hockey")) == "embassy AND NOT hockey"


def test_reddit_uses_words_for_operators() -> None:
    assert reddit.search_query(Query(CA_TRADE)) == (
        '(tariff OR "trade deal" OR "softwood lumber" OR CUSMA OR douane) AND (Canada OR canadien)'
    )


def test_google_news() -> None:
    assert (
        google_news.search_query(Query('Amazônia OR desmatamento OR "COP30"')) == 'Amazônia OR desmatamento OR "COP30"'
    )


def test_bluesky_has_no_or_so_each_branch_is_a_search() -> None:
    assert bluesky.query_syntax(Query("(tariff* OR lumber) AND canada NOT hockey")) == [
        "tariff canada -hockey",
        "lumber canada -hockey",
    ]
    assert len(bluesky.query_syntax(Query(CA_TRADE))) == 10


def test_too_many_branches_is_an_error() -> None:
    wide = " AND ".join(f"(a{i} OR b{i})" for i in range(5))  # 32 branches
    with pytest.raises(qs.QueryTranslationError, match="searches"):
        bluesky.query_syntax(Query(wide))


def test_x_query_length_limit() -> None:
    long = " OR ".join(f"word{i:03d}" for i in range(100))
    with pytest.raises(qs.QueryTranslationError, match="X takes 512"):
        x.search_query(Query(long))


def test_youtube_joins_branches_with_pipes() -> None:
    assert youtube.search_query(Query("(tariff OR lumber) canada")) == "tariff canada | lumber canada"


def test_gdelt_is_an_and_of_or_groups() -> None:
    assert gdelt.search_query(Query(CA_TRADE), source_country="canada") == (
        '(tariff OR "trade deal" OR "softwood lumber" OR CUSMA OR douane) (Canada OR canadien) sourcecountry:canada'
    )
    # (a AND b) OR c has no one-level form but its CNF: (a OR c) (b OR c).
    assert (
        gdelt.search_query(Query("(embassy AND visa) OR ambassador")) == "(embassy OR ambassador) (visa OR ambassador)"
    )
    assert gdelt.search_query(Query("embassy NOT party")) == "embassy -party"


def test_gdelt_country_names() -> None:
    assert gdelt.source_country("United Kingdom") == "unitedkingdom"
    assert gdelt.source_country("Côte d'Ivoire") == "cotedivoire"
    assert gdelt.source_country("Korea, Republic of") == "korea"
