"""Choose, per UMSAB language, the local backend, the rules it applies and its label thresholds, on UMSAB's
train and validation tweets only; then measure each candidate once on the test tweets, for the record.

    git clone https://github.com/cardiffnlp/xlm-t /tmp/xlm-t     # the splits (commit 874214d)
    .venv/bin/python bench/language_choices.py /tmp/xlm-t        # about a minute
    .venv/bin/python bench/language_choices.py /tmp/xlm-t --no-test --langs es,it   # train+val only

``--no-test`` reads no test tweet at all (its columns print "-"): trying an idea on train+val this way
leaves the test sets unseen until the choices are made.

For every non-English UMSAB language, every local backend that reads it is tried with every combination of
the rules it supports (``scoring/language_rules.py``: function words, negations, contrasts, fallback
lookup, inflections, verbs), each with the (negative, positive) thresholds that maximise macro-F1 on
train+val (0.01 steps).
The candidate with the best train+val macro-F1 is the language's default (ties: fewer rules, then the
catalogue's order); every other backend gets its own best reading of the language the same way.
The test set (../shared/data) chooses nothing: its column is printed after the choice. English is not
touched (VADER's own lexicon, rules and +-0.05). The last lines are ``READINGS`` and the default backends as
they go into ``language_rules.py`` and ``sentiment_catalogue.py``. Texts are cleaned as ``listening-post
score`` cleans them (``clean_text``) before scoring.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "layers" / "core"))
sys.path.insert(0, str(ROOT))

from bench.languages import SETS, gold, macro_f1, texts  # noqa: E402
from listening_post.enrich.text import clean_text  # noqa: E402
from listening_post.scoring import lexicons  # noqa: E402
from listening_post.scoring.language_rules import NEGATIVE, POSITIVE, Reading  # noqa: E402
from listening_post.scoring.language_rules import RULES as SWITCHES  # noqa: E402
from listening_post.sentiment_catalogue import BACKENDS  # noqa: E402

GRID = [x / 100 for x in range(1, 60)]
# The rules each local backend can apply (language_rules.Reading's switches).
RULES: dict[str, tuple[str, ...]] = {
    "vader-afinn": ("function_words", "negations", "contrasts", "fallback", "inflections", "verbs"),
    "vader-sentiws": ("function_words", "negations", "contrasts", "fallback", "inflections"),
    "vader-mpqa-ar": ("function_words", "negations", "contrasts", "fallback", "inflections"),
    "vader-afinn-hinglish": ("negations", "contrasts", "fallback"),  # its stop-words are Devanagari; the tweets are not
    "vader-fr": ("function_words",),
    "leia": ("function_words",),
}
Scorer = Callable[[str], float]


def build(name: str, lang: str, read: Reading) -> Scorer:
    backend = {
        "vader-afinn": lambda: lexicons.afinn_backend(lang, read),
        "vader-sentiws": lambda: lexicons.sentiws_backend(read),
        "vader-mpqa-ar": lambda: lexicons.mpqa_arabic_backend(read),
        "vader-afinn-hinglish": lambda: lexicons.hinglish_backend(read),
        "vader-fr": lambda: lexicons.VaderFrBackend(read),
        "leia": lambda: lexicons.LeiaBackend(read),
    }[name]()
    return lambda text: backend.score(text).compound or 0.0


def split(root: Path, lang: str, part: str) -> tuple[list[str], list[int]]:
    folder = root / "data" / "sentiment" / SETS[lang]
    lines = (folder / f"{part}_text.txt").read_text(encoding="utf-8").splitlines()
    labels = [int(x) for x in (folder / f"{part}_labels.txt").read_text().split()]
    if len(lines) != len(labels):
        raise SystemExit(f"{folder}: {len(lines)} texts but {len(labels)} labels")
    return lines, labels


def f1_at(compounds: list[float], truth: list[int], negative: float, positive: float) -> float:
    return macro_f1(truth, [2 if c >= positive else 0 if c <= negative else 1 for c in compounds])


def best_thresholds(compounds: list[float], truth: list[int]) -> tuple[float, float, float]:
    """(macro-F1, negative, positive) maximising macro-F1 over the grid; counts by bisection, so the whole
    grid costs little more than one pass."""
    by_class = [sorted(c for c, t in zip(compounds, truth, strict=True) if t == k) for k in (0, 1, 2)]
    best = (-1.0, NEGATIVE, POSITIVE)
    for n, p in itertools.product(GRID, GRID):
        # predicted[k][j]: tweets of gold class k labelled j (0 negative: <= -n; 2 positive: >= p).
        f1s = []
        counts = []
        for cls in by_class:
            neg = bisect_right(cls, -n)
            pos = len(cls) - bisect_left(cls, p)
            counts.append((neg, len(cls) - neg - pos, pos))
        for j in (0, 1, 2):
            tp = counts[j][j]
            fp = sum(counts[k][j] for k in (0, 1, 2) if k != j)
            fn = sum(counts[j]) - tp
            f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
        f1 = 100 * sum(f1s) / 3
        if f1 > best[0] + 1e-9:
            best = (f1, -n, p)
    return best


def main(root: Path, with_test: bool = True, langs: list[str] | None = None) -> None:
    chosen: dict[tuple[str, str], Reading] = {}  # every backend's best reading of every language
    defaults: dict[str, str] = {}
    print(
        "| language | backend | rules | train+val, +-0.05 | thresholds chosen on train+val | train+val, chosen "
        "| test, +-0.05 | test, chosen thresholds |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for lang in SETS:
        if lang == "en" or (langs and lang not in langs):
            continue
        tune_texts: list[str] = []
        tune_truth: list[int] = []
        for part in ("train", "val"):
            lines, labels = split(root, lang, part)
            tune_texts += [clean_text(x) for x in lines]
            tune_truth += labels
        test_texts, test_truth = ([clean_text(x) for x in texts(lang)], gold(lang)) if with_test else ([], [])
        best: tuple[float, int, int, str, Reading] | None = None
        per_backend: dict[str, tuple[tuple[float, int], Reading]] = {}
        order = [n for n, i in BACKENDS.items() if i.kind == "local" and lang in i.languages and n in RULES]
        for rank, name in enumerate(order):
            rules = RULES[name]
            for k in range(len(rules) + 1):
                for on in itertools.combinations(rules, k):
                    plain = Reading(**dict.fromkeys(on, True))
                    score = build(name, lang, plain)
                    tune = [score(t) if t else 0.0 for t in tune_texts]
                    test = [score(t) if t else 0.0 for t in test_texts]
                    fixed = f1_at(tune, tune_truth, NEGATIVE, POSITIVE)
                    f1, neg, pos = best_thresholds(tune, tune_truth)
                    read = Reading(**dict.fromkeys(on, True), negative=neg, positive=pos)
                    test_fixed, test_chosen = (
                        (
                            f"{f1_at(test, test_truth, NEGATIVE, POSITIVE):.1f}",
                            f"{f1_at(test, test_truth, neg, pos):.1f}",
                        )
                        if with_test
                        else ("-", "-")
                    )
                    print(
                        f"| {lang} | {name} | {', '.join(on) or '-'} | {fixed:.1f} | {neg:.2f}, {pos:.2f} | {f1:.1f} | "
                        f"{test_fixed} | {test_chosen} |",
                        flush=True,
                    )
                    # Best train+val F1; ties: fewer rules, then the catalogue's order.
                    key = (round(f1, 6), -k, -rank)
                    if best is None or key > (round(best[0], 6), -best[1], -best[2]):
                        best = (f1, k, rank, name, read)
                    if name not in per_backend or key[:2] > per_backend[name][0]:
                        per_backend[name] = (key[:2], read)
        assert best is not None
        defaults[lang] = best[3]
        for name, (_, read) in per_backend.items():
            chosen[(name, lang)] = read
    print()
    print("READINGS = {")
    for (name, lang), read in chosen.items():
        on = ", ".join(f"{n}=True" for n in SWITCHES if getattr(read, n))
        print(
            f'    ("{name}", "{lang}"): Reading({on}{", " if on else ""}negative={read.negative}, '
            f"positive={read.positive}),"
        )
    print("}")
    print("DEFAULT_BACKENDS (non-English):", defaults)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("xlm_t", type=Path, help="a clone of cardiffnlp/xlm-t (its data/sentiment splits)")
    parser.add_argument("--no-test", action="store_true", help="choose on train+val without reading the test sets")
    parser.add_argument("--langs", help="only these languages, comma-separated (e.g. es,it)")
    args = parser.parse_args()
    main(args.xlm_t, with_test=not args.no_test, langs=args.langs.split(",") if args.langs else None)
