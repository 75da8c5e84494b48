"""Validation time of a large, realistic configuration: 500 queries over 25 countries and 200 topics.

    .venv/bin/python bench/config_load.py [--runs N]

Each run is a fresh process that imports the library, then times ``load_config`` alone (what
``listening-post validate-config`` and every cold start add on top of their imports); the figure is the
least over ``runs`` processes, since the shared host's other work only ever adds time.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from listening_post.codes import COUNTRIES as COUNTRY_NAMES

ROOT = Path(__file__).resolve().parents[1]

COUNTRIES = (
    ("CA", ["en", "fr"], "America/Toronto"),
    ("DE", ["de", "en"], "Europe/Berlin"),
    ("BR", ["pt"], "America/Sao_Paulo"),
    ("FR", ["fr"], "Europe/Paris"),
    ("MX", ["es"], "America/Mexico_City"),
    ("JP", ["ja", "en"], "Asia/Tokyo"),
    ("IN", ["hi", "en"], "Asia/Kolkata"),
    ("EG", ["ar", "en"], "Africa/Cairo"),
    ("KE", ["en", "sw"], "Africa/Nairobi"),
    ("AU", ["en"], "Australia/Sydney"),
    ("IT", ["it"], "Europe/Rome"),
    ("ES", ["es", "ca"], "Europe/Madrid"),
    ("PL", ["pl"], "Europe/Warsaw"),
    ("TR", ["tr"], "Europe/Istanbul"),
    ("ID", ["id"], "Asia/Jakarta"),
    ("NG", ["en"], "Africa/Lagos"),
    ("AR", ["es"], "America/Argentina/Buenos_Aires"),
    ("ZA", ["en", "af"], "Africa/Johannesburg"),
    ("KR", ["ko"], "Asia/Seoul"),
    ("UA", ["uk", "ru"], "Europe/Kyiv"),
    ("SE", ["sv", "en"], "Europe/Stockholm"),
    ("NL", ["nl"], "Europe/Amsterdam"),
    ("PH", ["en", "tl"], "Asia/Manila"),
    ("VN", ["vi"], "Asia/Ho_Chi_Minh"),
    ("CL", ["es"], "America/Santiago"),
)
# Words of the kind a mission's queries combine: trade, energy, security, elections, the embassy.
WORDS = (
    "tariff*", "trade", '"trade deal"', "lumber", "export*", "import*", "embassy", "ambassador", "visa*",
    "election*", "parliament", "minister", "sanction*", "energy", "pipeline", '"natural gas"', "wheat",
    "fertili*", "drought", "flood*", "migration", "refugee*", "protest*", "strike", "inflation", "currency",
    "investment", "mining", "lithium", "copper", '"free trade"', "summit", "treaty", "border", "military",
    "cyber*", "vaccine*", "tourism", "students", "climate",
)  # fmt: skip
SOURCES = ("rss", "google_news", "mastodon", "bluesky", "reddit", "x", "youtube", "gdelt")


def realistic_config(queries: int = 500, topics: int = 200) -> str:
    """A configuration as a large deployment writes it: every country with feeds, hashtags and
    subreddits, queries of three to eight terms with parentheses and NOT, topics of up to ten terms."""
    lines = [
        "version: 1",
        "secrets:",
        "  author_key: {env: LISTENING_POST_AUTHOR_KEY}",
        "sources:",
        "  http: {contact: ops@example.org}",
        "  reddit: {client_id: {env: REDDIT_CLIENT_ID}, client_secret: {secretsmanager: lp/reddit, key: secret}}",
        "  bluesky: {identifier: {env: BSKY_ID}, app_password: {secretsmanager: lp/bsky}}",
        "  x: {bearer_token: {secretsmanager: lp/x}}",
        "  youtube: {api_key: {env: YOUTUBE_KEY}}",
        "  mastodon: {instances: [mastodon.social, mstdn.ca, social.vivaldi.net]}",
        "countries:",
    ]
    per_country = -(-queries // len(COUNTRIES))
    made = 0
    for c, (code, langs, tz) in enumerate(COUNTRIES):
        lines += [
            f"  - code: {code}",
            f"    languages: [{', '.join(langs)}]",
            f"    timezone: {tz}",
            "    sources:",
            "      rss:",
            "        feeds:",
            *(
                f'          - {{url: "https://news{i}.example.{code.lower()}/rss/politics.xml", '
                f"language: {langs[i % len(langs)]}, name: Feed {i} of {code}}}"
                for i in range(4)
            ),
            f"      mastodon: {{hashtags: [{code.lower()}politics, {code.lower()}news, trade]}}",
            f"      reddit: {{subreddits: [{code.lower()}, {code.lower()}politics]}}",
            "    queries:",
        ]
        for q in range(per_country):
            if made == queries:
                break
            n = 3 + (c + q) % 6
            terms = [WORDS[(c * 7 + q * 3 + k) % len(WORDS)] for k in range(n)]
            query = f'({" OR ".join(terms[:-1])}) AND ("{COUNTRY_NAMES[code]}" OR {code}) NOT {terms[-1]}'
            sources = [SOURCES[(q + k) % len(SOURCES)] for k in range(2 + q % 6)]
            lines += [
                f"      - id: {code.lower()}-q{q}",
                f"        query: '{query}'",
                f"        sources: [{', '.join(dict.fromkeys(sources))}]",
            ]
            made += 1
    lines.append("topics:")
    for t in range(topics):
        terms = [WORDS[(t * 5 + k) % len(WORDS)] for k in range(2 + t % 9)]
        only = f", countries: [{COUNTRIES[t % len(COUNTRIES)][0]}]" if t % 4 == 0 else ""
        lines.append(f"  - {{id: topic-{t}, label: Topic {t}, query: '{' OR '.join(terms)}'{only}}}")
    return "\n".join(lines) + "\n"


CHILD = """
import json, sys, time
from listening_post.config import load_config
started = time.perf_counter()
config = load_config(sys.argv[1])
seconds = time.perf_counter() - started
queries = sum(len(c.queries) for c in config.countries)
print(json.dumps({"seconds": seconds, "queries": queries, "topics": len(config.topics)}))
"""


def run(runs: int = 3) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="lp-config-") as tmp:
        path = Path(tmp) / "large.yaml"
        path.write_text(realistic_config(), encoding="utf-8")
        measured = []
        for _ in range(runs):
            out = subprocess.run(
                [sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, check=True, cwd=ROOT
            )
            measured.append(json.loads(out.stdout))
        assert all(m["queries"] == 500 and m["topics"] == 200 for m in measured), measured
        return {
            "config_500q_200t_validate_s": round(min(m["seconds"] for m in measured), 3),
            "config_500q_200t_bytes": path.stat().st_size,
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    print(json.dumps(run(args.runs), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
