"""A topic example is picked by its tone about the topic (the posts' ``topic_sentiment``), and never when the
post as a whole says the opposite of the side it would illustrate."""

from __future__ import annotations

from listening_post.analysis.representative import Candidate, example_tone, pick


def candidate(post_id: str, whole: float, about_energy: float | None) -> Candidate:
    tones = {} if about_energy is None else {"energy": about_energy}
    return Candidate(post_id, whole, ("energy", "sport"), frozenset({"rebate", post_id}), 1, None, tones)


def test_the_tone_about_the_topic_decides_the_side() -> None:
    mixed = candidate("mixed", -0.02, 0.6)  # a neutral post whose sentence about energy is positive
    assert example_tone(mixed, "energy") == 0.6
    assert example_tone(mixed, "sport") == -0.02  # no score for sport: the whole post's
    assert example_tone(mixed, None) == -0.02  # overall: the whole post's
    assert [c.post_id for c, _ in pick([mixed], "positive", "energy")] == ["mixed"]
    assert pick([mixed], "negative", "energy") == []


def test_a_post_that_says_the_opposite_as_a_whole_is_no_example() -> None:
    # "I'm furious about the lumber tariffs ... nobody in charge seems to care": -0.6 as a whole, while the
    # lexicon reads the sentence about energy as +0.49 (care).
    contradicting = candidate("furious", -0.6, 0.49)
    agreeing = candidate("pleased", 0.3, 0.49)
    picked = pick([contradicting, agreeing], "positive", "energy")
    assert [c.post_id for c, _ in picked] == ["pleased"]


def test_files_before_topic_scores_use_the_whole_post() -> None:
    old = candidate("old", 0.4, None)
    assert example_tone(old, "energy") == 0.4
    assert [c.post_id for c, _ in pick([old], "positive", "energy")] == ["old"]
