"""GDELT DOC 2.0 artlist JSON. No real response was ever recorded (MANIFEST): these payloads follow the
documented fields and reproduce the failure modes the client maintainers report."""

from __future__ import annotations

import json
from typing import Any

import pytest

from listening_post.sources import gdelt
from listening_post.sources.base import PayloadError


def article(i: int, **fields: Any) -> dict[str, Any]:
    return {
        "url": f"https://www.example.de/politik/artikel-{i}.html",
        "url_mobile": "",
        "title": f"Zölle treffen Exporteure {i}",
        "seendate": "20261123T101500Z",
        "socialimage": "",
        "domain": "example.de",
        "language": "German",
        "sourcecountry": "Germany",
        **fields,
    }


def test_articles() -> None:
    page = gdelt.parse(json.dumps({"articles": [article(1), article(2, language="Portuguese")]}))
    first, second = page.posts
    assert first.text == "Zölle treffen Exporteure 1" and first.url == "https://www.example.de/politik/artikel-1.html"
    assert first.created_at.isoformat() == "2026-11-23T10:15:00+00:00"
    assert first.declared_lang == "de" and second.declared_lang == "pt"
    assert first.author_native == "outlet:example.de"  # a publisher, not a person
    assert len(first.native_id) == 20 and first.native_id != second.native_id
    assert gdelt.parse(json.dumps({"articles": [article(1)]})).posts[0].post_id == first.post_id  # stable


def test_no_match_is_an_empty_object() -> None:
    assert gdelt.parse(b"{}").posts == []


def test_invalid_escapes_are_repaired() -> None:
    body = json.dumps({"articles": [article(1, title="TITLE_PLACEHOLDER")]})
    body = body.replace("TITLE_PLACEHOLDER", r"Kanzler: \"Wir \. handeln\" \N \\ ok")
    with pytest.raises(json.JSONDecodeError):
        json.loads(body)
    (post,) = gdelt.parse(body.encode()).posts
    assert post.text == r'Kanzler: "Wir \. handeln" \N \ ok'


@pytest.mark.parametrize(
    "text",
    [
        "Please limit requests to one every 5 seconds or contact kalev.leetaru5@gmail.com for larger queries.",
        "The specified phrase is too short.",
        "Invalid query start date.",
    ],
)
def test_plain_text_errors_with_http_200(text: str) -> None:
    with pytest.raises(PayloadError, match="GDELT error message"):
        gdelt.parse(text.encode())


def test_html_and_truncated_bodies() -> None:
    with pytest.raises(PayloadError, match="HTML page"):
        gdelt.parse(b"<!DOCTYPE html><html><body>503</body></html>")
    with pytest.raises(PayloadError, match="invalid JSON"):
        gdelt.parse(json.dumps({"articles": [article(1)]})[:-10].encode())


def test_bad_records_are_rejected_and_the_rest_kept() -> None:
    records = [article(1), article(2, seendate="2026-11-23"), article(3, url=None), "x", article(4)]
    page = gdelt.parse(json.dumps({"articles": records}))
    assert len(page.posts) == 2 and [r.index for r in page.rejects] == [1, 2, 3]
    assert "unreadable seendate" in page.rejects[0].reason


def test_a_full_page_of_250() -> None:
    page = gdelt.parse(json.dumps({"articles": [article(i) for i in range(250)]}))
    assert len(page.posts) == gdelt.MAX_RECORDS
