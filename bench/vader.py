"""VADER benchmark: the exact fast scorer against the reference vaderSentiment, same texts, same process.

    .venv/bin/python bench/vader.py [--seconds S]

or, from the bench suite, ``from bench.vader import run; run()``. Returns (and prints) ``vader_speedup``
(reference time / our time on the same texts; target >= 2.5) and ``vader_identical`` (every score on the
four ground-truth corpora and on a seeded fuzz corpus equal, all four keys, compared with ==, by type and
by sign), plus the throughputs behind the ratio. "Ours" is what VaderBackend uses (``make_analyzer()``),
so with an unverified vaderSentiment version installed the speedup honestly drops to about 1.

Machines are noisy, so the texts are cut into chunks and each chunk is timed with both scorers back to
back, alternating which goes first; the ratio is of the summed times.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from vaderSentiment import vaderSentiment

from listening_post.scoring.vader_fast import make_analyzer

TARGET_SPEEDUP = 2.5
CORPORA = Path(__file__).resolve().parents[2] / "shared" / "data" / "benchmarks" / "vader"
CHUNK = 500

Scorer = Callable[[str], dict[str, float]]


def load_corpora(directory: Path = CORPORA) -> dict[str, list[str]]:
    """The text column of each ``*_GroundTruth.txt`` (TSV id, mean, text; CRLF), as written."""
    corpora = {}
    for path in sorted(directory.glob("*_GroundTruth.txt")):
        texts = []
        for line in path.read_text(encoding="utf-8").split("\n"):
            line = line.removesuffix("\r")
            if line:
                texts.append(line.split("\t", 2)[2])
        corpora[path.name.removesuffix("_GroundTruth.txt")] = texts
    if len(corpora) != 4:
        raise SystemExit(f"expected the four VADER ground-truth corpora in {directory}, found {sorted(corpora)}")
    return corpora


# Phrases the rules react to: L a lexicon word, B a booster, N a negation, X any word, E an emoji.
PHRASES = [
    *["L", "L L L", "X L", "N L", "N X L", "N X X L", "B L", "B B L", "B X B L", "N B L", "L but L", "but"],
    *["no L", "no X L", "no X or L", "no X nor L", "no no L", "no L L", "L no"],
    *["never so L", "never this L", "never X so L", "N X this L", "so L", "this L", "X so X L"],
    *["without a doubt L", "without doubt L", "without X doubt L"],
    *["at least L", "very least L", "the least L", "least L", "X X least L"],
    *["kind of L", "sort of L", "just enough L", "kind L", "kind of", "X kind of X L"],
    *["the shit", "the bomb", "bad ass", "yeah right", "kiss of death", "to die for", "beating heart", "bus stop"],
    *["X the shit", "the X bomb L", "cut the mustard", "E", "E E", "L E", "X"],
]


def fuzz_corpus(count: int = 20_000, seed: int = 20140601) -> list[str]:
    """Seeded texts made of rule phrases in odd shapes (capitals, punctuation runs, glued emoji, unusual
    whitespace, non-Latin scripts), plus empty and punctuation-only texts."""
    rng = random.Random(seed)
    ref = vaderSentiment.SentimentIntensityAnalyzer()
    lexicon = sorted(ref.lexicon)
    sentiment_words = ["good", "bad", "great", "love", "hate", "no", "kind", "shit", "bomb", "ass", "right"]
    sentiment_words += ["death", "die", "heart", "stop", "doubt", "yeah", "kiss", "helpful", "fun", ":)", "<3"]
    emoji = sorted(k for k in ref.emojis if len(k) == 1) * 5 + sorted(k for k in ref.emojis if len(k) > 1)
    other = sorted({w for k in (*vaderSentiment.BOOSTER_DICT, *vaderSentiment.SPECIAL_CASES) for w in k.split()})
    other += ["but", "least", "at", "very", "no", "or", "nor", "never", "so", "this", "without", "doubt", "of"]
    other += ["the", "movie", "a", "I", "it", "was", "2004", "@anonymous", "&amp;", "http://url_removed"]
    other += ["İstanbul", "ΣΟΦΟΣ", "straße", "ǅemal", "naïve", "日本語", "مرحبا", "\u200d", "e\u0301", "\ufeff", "\x00"]
    other += ["don’t", "’", "¡", "ß"]
    fill = {
        "L": lambda: rng.choice(sentiment_words if rng.random() < 0.5 else lexicon),
        "B": lambda: rng.choice([k for k in vaderSentiment.BOOSTER_DICT if " " not in k]),
        "N": lambda: rng.choice([*vaderSentiment.NEGATE, "n't", "shouldn't", "Isn't"]),
        "X": lambda: rng.choice(other),
        "E": lambda: rng.choice(emoji),
    }
    prefixes = [""] * 40 + ["(", '"', "'", "*", "...", "#", "@"]
    suffixes = [""] * 30 + ["!", "?", ".", ",", "!!!", "??", "????", "?!", "!!!!!!", ":", ")", "'", "..."]
    separators = [" "] * 12 + ["  ", "\t", "\n", "\r\n", "\u00a0", "\u2028", ""]

    def word(slot: str) -> str:
        text = fill[slot]() if slot in fill else slot
        shape = rng.random()
        if shape < 0.12:
            text = text.upper()
        elif shape < 0.2:
            text = text.title()
        return rng.choice(prefixes) + text + rng.choice(suffixes)

    texts = []
    for _ in range(count):
        if rng.random() < 0.02:
            texts.append(rng.choice(["", " ", "\n", "!!!", "???", ":)", "😀"]))
            continue
        parts = []
        for _ in range(rng.randint(1, 8)):
            for slot in rng.choice(PHRASES).split(" "):
                parts.append(word(slot))
                parts.append(rng.choice(separators))
        texts.append("".join(parts))
    return texts


def score_differences(want: dict[str, float], got: dict[str, float]) -> dict[str, tuple[float, float]]:
    """Keys of ``want`` whose values in ``got`` differ in value, type or sign of zero; empty when identical."""
    return {
        k: (want[k], got[k])
        for k in want
        if not (
            type(got[k]) is type(want[k])
            and got[k] == want[k]
            and math.copysign(1, got[k]) == math.copysign(1, want[k])
        )
    }


def same_scores(a: dict[str, float], b: dict[str, float]) -> bool:
    """Equal to the last bit: same keys, same types, == and the same sign (0.0 vs -0.0)."""
    return a.keys() == b.keys() and not score_differences(a, b)


def mismatches(texts: Sequence[str], ref: Scorer, fast: Scorer) -> list[str]:
    return [t for t in texts if not same_scores(ref(t), fast(t))]


def _time(scorer: Scorer, texts: Sequence[str]) -> float:
    start = time.perf_counter()
    for text in texts:
        scorer(text)
    return time.perf_counter() - start


def time_both(texts: Sequence[str], ref: Scorer, fast: Scorer, seconds: float) -> tuple[float, float, int, int]:
    """Score ``texts`` over and over with both scorers until ``seconds`` have passed (at least one pass).

    Returns (reference seconds, fast seconds, texts scored by each, passes).
    """
    chunks = [texts[i : i + CHUNK] for i in range(0, len(texts), CHUNK)]
    t_ref = t_fast = 0.0
    scored = passes = 0
    deadline = time.perf_counter() + seconds
    flip = False
    while passes == 0 or time.perf_counter() < deadline:
        for chunk in chunks:
            flip = not flip
            if flip:
                t_ref += _time(ref, chunk)
                t_fast += _time(fast, chunk)
            else:
                t_fast += _time(fast, chunk)
                t_ref += _time(ref, chunk)
            scored += len(chunk)
        passes += 1
    return t_ref, t_fast, scored, passes


def run(seconds: float = 8.0, corpora_dir: Path = CORPORA, fuzz_count: int = 20_000) -> dict[str, Any]:
    ref = vaderSentiment.SentimentIntensityAnalyzer().polarity_scores
    ours = make_analyzer()  # what VaderBackend uses: the reference itself if the version is not verified
    fast = ours.polarity_scores
    corpora = load_corpora(corpora_dir)
    texts = [t for corpus in corpora.values() for t in corpus]
    fuzz = fuzz_corpus(fuzz_count)

    wrong = {name: mismatches(corpus, ref, fast) for name, corpus in corpora.items()}
    wrong["fuzz"] = mismatches(fuzz, ref, fast)
    n_wrong = sum(map(len, wrong.values()))
    for name, bad in wrong.items():
        for text in bad[:3]:
            print(f"MISMATCH in {name}: {text!r}\n  reference {ref(text)}\n  fast      {fast(text)}", file=sys.stderr)

    _time(ref, texts[:CHUNK])  # warm both before timing
    _time(fast, texts[:CHUNK])
    t_ref, t_fast, scored, passes = time_both(texts, ref, fast, seconds)
    return {
        "vader_speedup": round(t_ref / t_fast, 2),
        "vader_identical": n_wrong == 0,
        "vader_texts_compared": len(texts) + len(fuzz),
        "vader_mismatches": n_wrong,
        "vader_reference_posts_per_s": round(scored / t_ref),
        "vader_fast_posts_per_s": round(scored / t_fast),
        "vader_timed_passes": passes,
        "vader_scorer": type(ours).__name__,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="minimum timed work, both scorers together")
    args = parser.parse_args(argv)
    result = run(seconds=args.seconds)
    print(json.dumps(result, indent=2))
    met = "met" if result["vader_speedup"] >= TARGET_SPEEDUP else "MISSED"
    print(
        f"vader_speedup {result['vader_speedup']} (target >= {TARGET_SPEEDUP}: {met}); "
        f"vader_identical {result['vader_identical']} on {result['vader_texts_compared']} texts"
    )
    return 0 if result["vader_identical"] else 1


if __name__ == "__main__":
    sys.exit(main())
