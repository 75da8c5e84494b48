"""Enrichment: HTML to text, language detection, pseudonyms, duplicate keys."""

from __future__ import annotations

import pytest

from listening_post.enrich.dedup import duplicate_key
from listening_post.enrich.language import LanguageDetector
from listening_post.enrich.pseudonym import MissingAuthorKeyError, Pseudonymiser
from listening_post.enrich.text import MAX_TEXT_CHARS, TRUNCATION_MARK, clean_text, html_to_text


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        (
            '<p><a href="x" class="mention hashtag">#<span>hoot</span></a> (hashtag toot)</p>',
            "#hoot (hashtag toot)",
        ),
        ("<p>First</p><p>Second</p>", "First Second"),
        ("line<br>break<br/>here", "line break here"),
        ("<p>&quot;I lost&quot; &amp; won &#8212; &eacute;t&eacute;</p>", '"I lost" & won — été'),
        ("<p>NOT good!!! 😠</p>", "NOT good!!! 😠"),  # capitals, punctuation, emoji kept for VADER
        ("<script>alert(1)</script><style>p{}</style><p>text</p>", "text"),
        ("<p>unclosed <b>bold", "unclosed bold"),
        ("a\u200bb \u202egood\u202c \ufeffday", "ab good day"),  # zero-width and bidi controls removed
        ("plain   text\n\twith  spaces", "plain text with spaces"),
        ("&amp;quot;double&amp;quot;", '"double"'),
        ("", ""),
    ],
)
def test_html_to_text(markup: str, expected: str) -> None:
    assert html_to_text(markup) == expected


def test_clean_text_keeps_emoji_sequences_and_truncates_giants() -> None:
    assert clean_text("👨\u200d👩\u200d👧 family") == "👨\u200d👩\u200d👧 family"
    giant = clean_text("word " * 5000)
    assert len(giant) == MAX_TEXT_CHARS
    assert giant.endswith(TRUNCATION_MARK)


def test_typographic_apostrophes_become_ascii_so_negations_read() -> None:
    from listening_post.scoring.backends import default_scorer

    assert clean_text("I don’t like it") == "I don't like it"
    scorer = default_scorer()
    assert scorer.score(clean_text("I don’t like it"), "en").label == "negative"


def test_control_characters_are_dropped() -> None:
    assert clean_text("bell\x07 and\x00 null") == "bell and null"


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector()


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("The government announced new tariffs on softwood lumber today.", "en"),
        ("Le gouvernement a annoncé de nouveaux droits de douane sur le bois d'œuvre.", "fr"),
        ("Die Regierung hat heute neue Zölle auf Holz angekündigt.", "de"),
        ("O governo anunciou novas tarifas sobre a madeira hoje.", "pt"),
        ("El gobierno anunció nuevos aranceles a la madera hoy.", "es"),
        ("أعلنت الحكومة اليوم عن رسوم جمركية جديدة على الخشب", "ar"),
        ("政府今天宣布对木材征收新的关税", "zh"),
        ("Правительство объявило о новых пошлинах на древесину.", "ru"),
    ],
)
def test_detects_languages(detector: LanguageDetector, text: str, lang: str) -> None:
    assert detector.detect(text) == lang


def test_links_mentions_and_hashtag_signs_do_not_decide(detector: LanguageDetector) -> None:
    assert detector.detect("@user http https://t.co/abc #Zölle Die Preise steigen schon wieder") == "de"


def test_too_little_text_is_undetermined_unless_declared(detector: LanguageDetector) -> None:
    assert detector.detect("👍👍 https://example.com") == "und"
    assert detector.detect("ok", declared="en-GB") == "en"
    assert detector.detect("", declared="pt_BR") == "pt"
    assert detector.detect("🙂", declared="xx") == "und"


def test_detection_overrides_a_wrong_declaration(detector: LanguageDetector) -> None:
    # The recorded Mastodon.py status declares "ja" for English text.
    assert detector.detect("Toot! This is a test of the hashtag timeline", declared="ja") == "en"


def test_pseudonymiser_refuses_without_a_key() -> None:
    for key in (None, "", b""):
        with pytest.raises(MissingAuthorKeyError, match="nothing was written"):
            Pseudonymiser(key)
    with pytest.raises(MissingAuthorKeyError, match="at least 16 bytes"):
        Pseudonymiser("short")


@pytest.mark.parametrize(
    ("key", "why"),
    [
        (" " * 16, "only whitespace"),
        ("\t\n " * 8, "only whitespace"),
        ("k" * 32, "repeats"),
        ("abcabcabcabcabcabc", "repeats"),
        ("0123456701234567", "repeats"),
        ("aaaaaaaaaaaaaaab", "too little variety"),
        ("aabbaabbaabbabab", "too little variety"),
    ],
)
def test_pseudonymiser_refuses_a_key_without_entropy(key: str, why: str) -> None:
    # The same clear refusal as a missing key: what is wrong, what to set, and that nothing was written.
    with pytest.raises(MissingAuthorKeyError, match=why) as raised:
        Pseudonymiser(key)
    message = str(raised.value)
    assert "LISTENING_POST_AUTHOR_KEY" in message and "nothing was written" in message
    assert key.strip() == "" or key not in message  # never echo the key


@pytest.mark.parametrize(
    "key",
    [
        "test-author-key-0123456789abcdef",  # the tests' key
        "listening-post-demo-key-not-for-real-data",  # the demo's
        "9f86d081884c7d65",  # 16 hex characters (64 bits)
        "q3Zk8_Lw2Xb-Tn0Vc7RhYp",  # secrets.token_urlsafe(16)
        bytes(range(16)),  # 16 random-looking bytes
    ],
)
def test_pseudonymiser_accepts_real_keys(key: str | bytes) -> None:
    assert Pseudonymiser(key).author_id("x", "12") is not None


def test_pseudonyms_are_stable_keyed_and_never_the_handle() -> None:
    a, b = Pseudonymiser("test-author-key-0123456789abcdef"), Pseudonymiser("another-key-fedcba9876543210")
    pid = a.author_id("mastodon", "Gargron@mastodon.social")
    assert pid == a.author_id("mastodon", "gargron@mastodon.social ")  # handles are case-insensitive
    assert pid != b.author_id("mastodon", "gargron@mastodon.social")  # another key, another pseudonym
    assert pid != a.author_id("bluesky", "gargron@mastodon.social")  # namespaced by source
    assert "gargron" not in pid and len(pid) == 32
    assert a.author_id("mastodon", None) is None
    assert "test-author-key" not in repr(a)


def test_duplicate_key_ignores_case_accents_links_mentions_and_punctuation() -> None:
    a = duplicate_key("Stop buying American lumber NOW! https://t.co/x @someone #BoycottUSLumber")
    b = duplicate_key("stop buying american lumber now!!! https://example.org/y #boycottuslumber")
    c = duplicate_key("RT @other: Stop buying American lumber now #BoycottUSLumber")
    assert a == b == c
    assert a != duplicate_key("Start buying American lumber now #BoycottUSLumber")
    assert duplicate_key("ok 👍") is None
