"""The brief's coverage table marks tone from a backend no labelled set measured for that language."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from listening_post.config import parse_config
from listening_post.lake import Lake
from listening_post.pipeline import summarise
from listening_post.scoring.backends import BackendFactory
from listening_post.weeks import IsoWeek
from tests.helpers import make_post

CONFIG = parse_config("""
secrets: {author_key: {env: K}}
countries:
  - {code: UA, languages: [uk, es], timezone: Europe/Kyiv, sentiment: {uk: vader-afinn}}
""")
WEEK = IsoWeek.parse("2026-W47")


def test_unvalidated_backend_is_marked_in_html_and_markdown(tmp_path: Path) -> None:
    lake = Lake.from_uri(str(tmp_path / "lake"))
    factory = BackendFactory()
    uk, es = factory.backend("vader-afinn", "uk").model, factory.backend("vader-afinn", "es").model
    start = WEEK.bounds("Europe/Kyiv")[0] + timedelta(hours=3)
    posts = [
        replace(make_post(i, country="UA", created_at=start, sentiment=0.2, lang="uk"), sentiment_model=uk)
        for i in range(30)
    ]
    posts += [
        replace(make_post(100 + i, country="UA", created_at=start, sentiment=0.2, lang="es"), sentiment_model=es)
        for i in range(30)
    ]
    lake.append_posts(posts, run_id="r")
    result = summarise(lake, CONFIG, "UA", WEEK)
    html, md = (Path(p).read_text(encoding="utf-8") for p in result.lake_paths[1:3])
    for page in (html, md):
        assert f"{uk} (unvalidated backend)" in page
        assert f"{es} (unvalidated backend)" not in page and es in page  # Spanish is measured on UMSAB
