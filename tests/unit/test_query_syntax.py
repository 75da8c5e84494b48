"""Our query language written in each platform's search syntax."""

from __future__ import annotations

import pytest

from listening_post.query import Query
from listening_post.sources import query_syntax as qs

CA_TRADE = '(tariff* OR "trade deal" OR "softwood lumber" OR CUSMA OR douane*) AND (Canada OR canadien*)'


def test_x_keeps_the_tree_and_spelling() -> None:
    assert qs.for_x(Query(CA_TRADE)) == (
        '(tariff OR "trade deal" OR "softwood lumber" OR CUSMA OR douane) (Canada OR canadien)'
    )
    assert qs.for_x(Query("Zoll* OR Zölle OR Handelsabkommen")) == "Zoll OR Zölle OR Handelsabkommen"


def test_negation_is_pushed_down_to_terms() -> None:
    assert qs.for_x(Query("embassy NOT (party OR hockey)")) == "embassy -party -hockey"
    assert qs.for_x(Query('embassy NOT ("trade deal" AND hockey)')) == 'embassy (-"trade deal" OR -hockey)'
    assert qs.for_reddit(Query("embassy NOT hockey")) == "embassy AND NOT hockey"


def test_reddit_uses_words_for_operators() -> None:
    assert qs.for_reddit(Query(CA_TRADE)) == (
        '(tariff OR "trade deal" OR "softwood lumber" OR CUSMA OR douane) AND (Canada OR canadien)'
    )


def test_google_news() -> None:
    assert qs.for_google_news(Query('Amazônia OR desmatamento OR "COP30"')) == 'Amazônia OR desmatamento OR "COP30"'


def test_bluesky_has_no_or_so_each_branch_is_a_search() -> None:
    assert qs.for_bluesky(Query("(tariff* OR lumber) AND canada NOT hockey")) == [
        "tariff canada -hockey",
        "lumber canada -hockey",
    ]
    assert len(qs.for_bluesky(Query(CA_TRADE))) == 10


def test_too_many_branches_is_an_error() -> None:
    wide = " AND ".join(f"(a{i} OR b{i})" for i in range(5))  # 32 branches
    with pytest.raises(qs.QueryTranslationError, match="searches"):
        qs.for_bluesky(Query(wide))


def test_x_query_length_limit() -> None:
    long = " OR ".join(f"word{i:03d}" for i in range(100))
    with pytest.raises(qs.QueryTranslationError, match="X takes 512"):
        qs.for_x(Query(long))


def test_youtube_joins_branches_with_pipes() -> None:
    assert qs.for_youtube(Query("(tariff OR lumber) canada")) == "tariff canada | lumber canada"


def test_gdelt_is_an_and_of_or_groups() -> None:
    assert qs.for_gdelt(Query(CA_TRADE), source_country="canada") == (
        '(tariff OR "trade deal" OR "softwood lumber" OR CUSMA OR douane) (Canada OR canadien) sourcecountry:canada'
    )
    # (a AND b) OR c has no one-level form but its CNF: (a OR c) (b OR c).
    assert qs.for_gdelt(Query("(embassy AND visa) OR ambassador")) == "(embassy OR ambassador) (visa OR ambassador)"
    assert qs.for_gdelt(Query("embassy NOT party")) == "embassy -party"


def test_gdelt_country_names() -> None:
    assert qs.gdelt_country("United Kingdom") == "unitedkingdom"
    assert qs.gdelt_country("Côte d'Ivoire") == "cotedivoire"
    assert qs.gdelt_country("Korea, Republic of") == "korea"
