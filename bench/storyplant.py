"""Planted storylines: generated weeks whose true storylines are known, to measure the storylines analysis.

    .venv/bin/python bench/storyplant.py [--weeks 6] [--seed 19]

Six weeks of one country's original posts. Each planted storyline has its own words, names, hashtags and
numbers, told in several phrasings mixed with everyday filler, and some storylines share vocabulary:

- ``lumber``: persists all six weeks, in English and French (joined only by its hashtag, names, a number
  and cognates: tarifs/tariffs, Washington, 14.5%);
- ``forum``: weeks 1-3, small in week 4, gone in 5, back in week 6 (returning);
- ``visa``: new in week 3, growing;
- ``housing`` and ``rent``: both weeks 1-6, sharing "housing", "city", "rent", "council" (shared vocabulary);
- ``concert``: weeks 2-5, in English and German (joined by #KulturNacht, the orchestra's name and the date);
- noise: everyday posts about nothing in particular (no storyline).

It reports, over weeks: the adjusted Rand index (ARI) of the found storylines against the plant, on the
planted posts (a post left out of every storyline is its own group), the share of noise posts kept out of
storylines, and id stability: of the planted storylines present in two consecutive weeks, the share whose
posts' storyline keeps its id.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import random
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "layers" / "core"))

# Each storyline: its weeks (posts per week) and, per language, its key terms; a post names three or four
# of them among everyday words. Shared across languages: hashtags, names, numbers, cognates.
PLANT: dict[str, dict[str, Any]] = {
    "lumber": {
        "weeks": {1: 40, 2: 45, 3: 50, 4: 60, 5: 55, 6: 90},
        "en": ["softwood", "lumber", "tariffs", "sawmills", "Washington", "14.5%", "#softwood", "forestry", "layoffs"],
        "fr": ["bois d'œuvre", "tarifs", "scieries", "Washington", "14,5 %", "#softwood", "forestiers", "mises à pied"],
    },
    "forum": {
        "weeks": {1: 35, 2: 40, 3: 30, 4: 8, 6: 30},
        "en": [
            "climate forum",
            "ocean protection",
            "offshore wind",
            "marine reserves",
            "#ClimateForum",
            "panel",
            "ministers",
            "emissions",
        ],
    },
    "visa": {
        "weeks": {3: 25, 4: 45, 5: 70, 6: 80},
        "en": [
            "visa backlog",
            "study permits",
            "applications",
            "800,000",
            "#visabacklog",
            "immigration office",
            "students",
            "waiting",
        ],
    },
    "housing": {
        "weeks": {1: 45, 2: 40, 3: 45, 4: 40, 5: 45, 6: 40},
        "en": [
            "affordable housing",
            "zoning",
            "council",
            "transit line",
            "units",
            "developers",
            "city",
            "2,000",
            "construction",
        ],
    },
    "rent": {
        "weeks": {1: 30, 2: 35, 3: 30, 4: 40, 5: 35, 6: 30},
        "en": [
            "rent strike",
            "tenants",
            "landlord",
            "evictions",
            "12%",
            "#rentstrike",
            "city",
            "council",
            "housing tribunal",
        ],
    },
    "concert": {
        "weeks": {2: 25, 3: 30, 4: 30, 5: 25},
        "en": ["#KulturNacht", "Berliner Symphoniker", "Beethoven", "tickets", "embassy", "14 December", "orchestra"],
        "de": ["#KulturNacht", "Berliner Symphoniker", "Beethoven", "Karten", "Botschaft", "14. Dezember", "Orchester"],
    },
}
# Everyday words every post may use, storyline or not.
COMMON = {
    "en": [
        "people",
        "today",
        "really",
        "think",
        "news",
        "week",
        "government",
        "new",
        "again",
        "big",
        "said",
        "time",
        "good",
        "bad",
        "just",
        "about",
        "more",
        "year",
        "going",
        "still",
        "make",
        "know",
        "need",
        "want",
        "look",
        "right",
        "long",
        "day",
        "great",
        "story",
        "report",
    ],
    "fr": [
        "gens",
        "aujourd'hui",
        "vraiment",
        "semaine",
        "gouvernement",
        "nouveau",
        "encore",
        "grand",
        "temps",
        "bon",
        "mauvais",
        "plus",
        "année",
    ],
    "de": [
        "Leute",
        "heute",
        "wirklich",
        "Woche",
        "Regierung",
        "neu",
        "wieder",
        "groß",
        "Zeit",
        "gut",
        "schlecht",
        "mehr",
        "Jahr",
    ],
}
# Noise: posts about everyday life, each from a few of many words, so they form no storyline.
NOISE_WORDS = [
    "snow",
    "commute",
    "bread",
    "recipe",
    "hockey",
    "overtime",
    "cat",
    "plant",
    "market",
    "apples",
    "movie",
    "kids",
    "bus",
    "coffee",
    "novel",
    "gym",
    "river",
    "light",
    "garden",
    "weekend",
    "dinner",
    "pizza",
    "rain",
    "sunset",
    "puppy",
    "guitar",
    "bike",
    "train",
    "concert?",
    "beach",
    "pasta",
    "tea",
    "birthday",
    "cake",
    "soccer",
    "marathon",
    "camping",
    "lake",
    "mountain",
    "painting",
    "podcast",
    "jazz",
    "knitting",
    "chess",
    "sushi",
    "museum",
    "library",
    "dentist",
    "laundry",
    "sneakers",
    "ferry",
    "island",
    "hiking",
    "yoga",
    "soup",
]
NOISE_PER_WEEK = 120


def generate(weeks: int = 6, seed: int = 19) -> list[list[dict[str, Any]]]:
    """Per week, the posts: text, lang, source, author, created_at, truth (storyline name or None)."""
    rng = random.Random(seed)
    out = []
    for wk in range(1, weeks + 1):
        monday = datetime(2026, 10, 12, tzinfo=UTC) + timedelta(weeks=wk - 1)
        posts = []
        for name, plant in PLANT.items():
            langs = [k for k in plant if k != "weeks"]
            for _ in range(plant["weeks"].get(wk, 0)):
                lang = langs[0] if len(langs) == 1 or rng.random() < 0.65 else rng.choice(langs[1:])
                words = rng.sample(plant[lang], rng.randint(3, 4)) + rng.sample(COMMON[lang], rng.randint(3, 6))
                rng.shuffle(words)
                posts.append(_post(rng, monday, name, lang, " ".join(words)))
        for _ in range(NOISE_PER_WEEK):
            words = rng.sample(NOISE_WORDS, rng.randint(3, 5)) + rng.sample(COMMON["en"], rng.randint(2, 5))
            rng.shuffle(words)
            posts.append(_post(rng, monday, None, "en", " ".join(words).replace("?", "")))
        rng.shuffle(posts)
        out.append(posts)
    return out


def _post(rng: random.Random, monday: datetime, truth: str | None, lang: str, text: str) -> dict[str, Any]:
    return {
        "text": text[0].upper() + text[1:] + ".",
        "lang": lang,
        "source": "rss" if rng.random() < 0.15 else "mastodon",
        "author": f"a{rng.randrange(100_000)}",
        "created_at": monday + timedelta(minutes=rng.randrange(7 * 24 * 60)),
        "truth": truth,
    }


def adjusted_rand_index(truth: list[Any], found: list[Any]) -> float:
    """ARI (Hubert and Arabie 1985) of two labellings of the same items."""

    def pairs(n: int) -> float:
        return n * (n - 1) / 2

    table = Counter(zip(truth, found, strict=True))
    a, b = Counter(truth), Counter(found)
    index = sum(pairs(n) for n in table.values())
    sum_a, sum_b = sum(pairs(n) for n in a.values()), sum(pairs(n) for n in b.values())
    expected = sum_a * sum_b / pairs(len(truth)) if len(truth) > 1 else 0.0
    top = (sum_a + sum_b) / 2
    return 1.0 if top == expected else (index - expected) / (top - expected)


def run(weeks: int = 6, seed: int = 19) -> dict[str, Any]:
    """The storylines of every planted week, each matched against the weeks before, and the measures."""
    import duckdb

    from listening_post.analysis import storylines as sl
    from listening_post.analysis import terms

    con = duckdb.connect()
    stop = frozenset(terms.stop_words(["en", "fr", "de"]))
    history: list[sl.Previous] = []
    per_week, aris, noise_out, majority = [], [], [], []
    started = time.perf_counter()
    for wk, posts in enumerate(generate(weeks, seed), start=1):
        toks = con.execute(
            f"SELECT list({terms.tokens_sql('t', 'l')} ORDER BY i) FROM "
            "(SELECT unnest($t) AS t, unnest($l) AS l, unnest(range(len($t))) AS i)",
            {"t": [p["text"] for p in posts], "l": [p["lang"] for p in posts]},
        ).fetchall()[0][0]
        docs = [
            sl.Doc(f"p{wk}-{i}", p["author"], p["source"], p["lang"], p["text"], list(t or []), p["created_at"])
            for i, (p, t) in enumerate(zip(posts, toks, strict=True))
        ]
        groups, _, _ = sl.group(con, docs, stop)
        week = f"2026-W{41 + wk}"
        ids, _ = sl.identify([g.signature for g in groups], [len(g.members) for g in groups], history, week, "XX")
        of = {i: ident.id for g, ident in zip(groups, ids, strict=True) for i in g.members}
        planted = [i for i, p in enumerate(posts) if p["truth"]]
        aris.append(adjusted_rand_index([posts[i]["truth"] for i in planted], [of.get(i, f"none{i}") for i in planted]))
        noise = [i for i, p in enumerate(posts) if not p["truth"]]
        noise_out.append(sum(1 for i in noise if i not in of) / len(noise))
        # Each planted storyline's id this week: the id most of its posts got.
        major = {}
        for name in PLANT:
            got = Counter(of.get(i) for i in planted if posts[i]["truth"] == name)
            if got:
                major[name] = got.most_common(1)[0][0]
        majority.append(major)
        per_week.append(
            {
                "week": week,
                "ari": round(aris[-1], 3),
                "storylines": [
                    {"id": ident.id, "status": ident.status, "posts": len(g.members)}
                    for g, ident in zip(groups, ids, strict=True)
                ],
                "planted": dict(major.items()),
            }
        )
        history = [sl.Previous(p.id, p.week, p.offset - 1, p.signature, p.posts) for p in history if p.offset > -12]
        history += [
            sl.Previous(ident.id, week, -1, g.signature, len(g.members)) for g, ident in zip(groups, ids, strict=True)
        ]
    continuing = kept = 0
    for before, after in itertools.pairwise(majority):
        for name in set(before) & set(after):
            if before[name] is None or after[name] is None:
                continue
            continuing += 1
            kept += before[name] == after[name]
    return {
        "ari_mean": round(sum(aris) / len(aris), 3),
        "ari_min": round(min(aris), 3),
        "noise_left_out": round(sum(noise_out) / len(noise_out), 3),
        "id_stability": round(kept / continuing, 3) if continuing else math.nan,
        "continuing": continuing,
        "seconds": round(time.perf_counter() - started, 2),
        "weeks": per_week,
    }


def measures() -> dict[str, Any]:
    """The figures ``make bench`` reports (bench/run.py)."""
    result = run()
    return {
        "storylines_plant_ari": result["ari_mean"],
        "storylines_plant_ari_min": result["ari_min"],
        "storylines_plant_id_stability": result["id_stability"],
        "storylines_plant_noise_left_out": result["noise_left_out"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=6)
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--detail", action="store_true", help="every week's storylines too")
    args = parser.parse_args()
    result = run(args.weeks, args.seed)
    if not args.detail:
        result.pop("weeks")
    print(json.dumps(result, indent=2, default=str))


if __name__ == "__main__":
    main()
