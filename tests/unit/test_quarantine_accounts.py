"""Quarantine redacts the accounts a raw record names in each platform's own forms (``Platform.account_patterns``):
an unusable Telegram page keeps no channel username, neither in its t.me links nor as a bare @name. On main the
recorded tchantest page quarantined as raw text kept "tchantest" 35 times."""

from __future__ import annotations

from pathlib import Path

from listening_post.quarantine import REDACTED, redact_text

DATA = Path(__file__).resolve().parents[1] / "data" / "telegram"


def test_telegram_links_and_mentions_are_redacted() -> None:
    text = (
        'see <a href="https://t.me/s/some_channel?before=62">older</a>, https://t.me/some_channel/61, '
        "t.me/joinchat/abc and write to @some_channel or mail news@example.org"
    )
    out = redact_text(text)
    assert "some_channel" not in out
    assert out.count(REDACTED) >= 3
    assert "news@example.org" in out  # an e-mail address names no account


def test_a_recorded_preview_page_keeps_no_channel_name() -> None:
    page = (DATA / "tchantest_62-94.html").read_text(encoding="utf-8")
    assert page.count("tchantest") > 0
    assert "tchantest" not in redact_text(page[:19_000]).lower()
