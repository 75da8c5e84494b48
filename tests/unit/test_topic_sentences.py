"""The tone about a topic comes from the sentences about it: sentence splitting in every host script, and
which sentences of a post are about each topic it matches (scoring/topics.py)."""

from __future__ import annotations

import pytest

from listening_post.scoring.topics import TopicMatcher, split_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Latin: ! ? … and full stops; "e.g. in" (lower case after the stop) is not an end.
        (
            "Great game last night … Heat pump rebates are working",
            ["Great game last night …", "Heat pump rebates are working"],
        ),
        ("Wow!! Really? Yes.", ["Wow!!", "Really?", "Yes."]),
        ("Cities, e.g. in Ontario, agree. Others don't.", ["Cities, e.g. in Ontario, agree.", "Others don't."]),
        ('He said "no." Then left.', ['He said "no."', "Then left."]),
        ("Price 3.5 million. OK", ["Price 3.5 million.", "OK"]),
        # A semicolon ends a clause; a colon does not (the tone is often after it).
        ("Rents are up; wages are not", ["Rents are up;", "wages are not"]),
        ("Heat pump rebates: a disaster", ["Heat pump rebates: a disaster"]),
        # Cyrillic.
        ("Тепловые насосы дорогие. Но субсидии работают!", ["Тепловые насосы дорогие.", "Но субсидии работают!"]),
        # Arabic: ؟ and the Latin full stop Arabic uses.
        ("المضخات الحرارية جيدة؟ الدعم لا يعمل. نعم", ["المضخات الحرارية جيدة؟", "الدعم لا يعمل.", "نعم"]),
        # Urdu full stop and Arabic semicolon.
        ("یہ اچھا ہے۔ وہ برا ہے؛ ٹھیک", ["یہ اچھا ہے۔", "وہ برا ہے؛", "ٹھیک"]),
        # Devanagari danda, with and without a space after it.
        ("हीट पंप अच्छे हैं। सब्सिडी काम नहीं कर रही।", ["हीट पंप अच्छे हैं।", "सब्सिडी काम नहीं कर रही।"]),
        ("पहला वाक्य।दूसरा॥", ["पहला वाक्य।", "दूसरा॥"]),
        # CJK: no space after 。！？
        ("热泵很好。补贴没用！真的？", ["热泵很好。", "补贴没用！", "真的？"]),
        ("「家賃が高い。」でも給料は上がらない", ["「家賃が高い。」", "でも給料は上がらない"]),
        # Line breaks separate thoughts.
        ("first line\nsecond line\n\n third", ["first line", "second line", "third"]),
        ("no boundary at all", ["no boundary at all"]),
        ("", []),
        ("   ", []),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_splitting_is_linear_on_hostile_text() -> None:
    import time

    hostile = ("!" * 5000 + " ") * 20 + ". " * 20000 + "a" * 100_000
    start = time.perf_counter()
    split_sentences(hostile)
    assert time.perf_counter() - start < 1.0


@pytest.fixture
def matcher() -> TopicMatcher:
    return TopicMatcher(
        [
            ("energy", '"heat pump*" OR rebate* OR electricity'),
            ("sport", "game OR match OR hockey"),
            ("both", '"heat pump*" AND subsid*'),
            ("odd", "rent OR NOT tariff"),
        ]
    )


def test_a_mixed_post_gives_each_topic_its_own_sentence(matcher: TopicMatcher) -> None:
    text = "Great game last night … Heat pump rebates are working"
    assert matcher.match(text) == ["energy", "sport", "odd"]
    assert matcher.passages(text, ["energy", "sport"]) == {
        "energy": "Heat pump rebates are working",
        "sport": "Great game last night …",
    }


def test_a_topic_in_every_sentence_is_the_whole_post(matcher: TopicMatcher) -> None:
    assert matcher.passages("Heat pumps! Rebates too.", ["energy"]) == {"energy": None}
    assert matcher.passages("One sentence about heat pumps", ["energy"]) == {"energy": None}


def test_terms_spread_over_two_sentences_use_the_pair(matcher: TopicMatcher) -> None:
    text = "Lovely weather. Heat pumps are loud. Subsidies help though. See you at the rink tonight"
    assert matcher.passages(text, ["both"]) == {"both": "Heat pumps are loud. Subsidies help though."}


def test_terms_further_apart_fall_back_to_the_whole_post(matcher: TopicMatcher) -> None:
    text = "Heat pumps are loud. Lovely weather today. Subsidies help though."
    assert matcher.match(text) == ["energy", "both", "odd"]
    assert matcher.passages(text, ["both"]) == {"both": None}


def test_a_short_reaction_goes_with_the_sentence_before(matcher: TopicMatcher) -> None:
    text = "The game was fine. Electricity bills doubled again. Not great. See you at the rink tonight folks"
    assert matcher.passages(text, ["energy"]) == {"energy": "Electricity bills doubled again. Not great."}


def test_hashtags_tag_the_whole_post(matcher: TopicMatcher) -> None:
    text = "Lovely weather today. The roads are fine. #hockey #cdnpoli"
    assert matcher.match(text) == ["sport", "odd"]
    assert matcher.passages(text, ["sport"]) == {"sport": None}
    # A sentence about the topic still wins over the tags, which are left out of it.
    text = "Lovely weather today. What a game. #hockey"
    assert matcher.passages(text, ["sport"]) == {"sport": "What a game."}


def test_a_negated_term_does_not_claim_every_sentence(matcher: TopicMatcher) -> None:
    # "rent OR NOT tariff" matches a text without either term; only a sentence naming rent is about it.
    text = "Rent is too high. The weather is lovely, so good"
    assert matcher.passages(text, ["odd"]) == {"odd": "Rent is too high."}
    assert matcher.passages("The weather is lovely. So good to be out", ["odd"]) == {"odd": None}


def test_unknown_topics_and_no_topics() -> None:
    matcher = TopicMatcher([("energy", "rebate*")])
    assert matcher.passages("A. B.", []) == {}
    assert matcher.passages("A. B.", ["nope"]) == {}


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        (
            "Strompreis*",
            "Schönes Wetter heute. Die Strompreise sind eine Frechheit!",
            "Die Strompreise sind eine Frechheit!",
        ),
        ("субсиди*", "Погода хорошая. Субсидии не работают!", "Субсидии не работают!"),
        ("الدعم", "الطقس جميل؟ الدعم لا يعمل.", "الدعم لا يعمل."),
        ("सब्सिडी", "मौसम अच्छा है। सब्सिडी काम नहीं कर रही।", "सब्सिडी काम नहीं कर रही।"),
        ("补贴", "天气很好。补贴没用！", "补贴没用！"),
    ],
)
def test_passages_in_host_scripts(query: str, text: str, expected: str) -> None:
    matcher = TopicMatcher([("t", query)])
    assert matcher.match(text) == ["t"]
    assert matcher.passages(text, ["t"]) == {"t": expected}


def test_a_topic_named_only_by_a_hashtag_gets_the_sentences_about_no_other_topic(matcher: TopicMatcher) -> None:
    text = "So glad the new stadium finally opened. Electricity bills doubled again! #hockey"
    assert matcher.passages(text, ["sport", "energy"]) == {
        "sport": "So glad the new stadium finally opened.",
        "energy": "Electricity bills doubled again!",
    }
