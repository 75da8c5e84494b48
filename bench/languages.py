"""Language detection accuracy and sentiment macro-F1 per language and backend, on real labelled tweets.

    .venv/bin/python bench/languages.py              # both tables (about a minute)
    .venv/bin/python bench/languages.py --audit de   # list the German-set lines not detected as German

Sentiment labels come from the command line itself: every (language, backend) pair is one run of
``listening-post score --lang xx --backend NAME`` over the UMSAB test texts, so the figures are what a
user of the command gets. The "routed" column runs ``listening-post score`` with no language: each line
is detected and scored by the default backend of the language found (unscored lines count as neutral);
its "% scored" is the coverage. texts/s is each backend alone on one core, in this process, on the set's
cleaned texts. The labels are the backends' own: VADER's published thresholds (+-0.05) for English, and for
the other languages the thresholds bench/language_choices.py chose on UMSAB's train and validation splits:
nothing here is tuned on these test sets.
Data are read from ../shared/data beside the repository, never copied.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "layers" / "core"))

from listening_post.enrich.language import LanguageDetector  # noqa: E402
from listening_post.sentiment_catalogue import BACKENDS, DEFAULT_BACKENDS  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
UMSAB = SHARED / "benchmarks" / "multilingual_sentiment" / "umsab_test"
X_PAYLOADS = SHARED / "payloads" / "twitter_x"
AUDIT = ROOT / "bench" / "audits" / "umsab_language_audit.tsv"
X_AUDIT = ROOT / "bench" / "audits" / "x_language_audit.tsv"
SETS = {
    "ar": "arabic",
    "en": "english",
    "fr": "french",
    "de": "german",
    "it": "italian",
    "pt": "portuguese",
    "es": "spanish",
    "hi": "hindi",
}
LABELS = {"negative": 0, "neutral": 1, "positive": 2, "unscored": 1}
# Reference macro-F1 (shared/data/MANIFEST.md): VADER 3.3.2 on the raw text (measured for this project),
# FastText mono and XLM-T multilingual (published, Barbieri et al., LREC 2022).
RAW_VADER = {"ar": 34.2, "en": 56.0, "fr": 33.3, "de": 45.6, "hi": 43.5, "it": 32.8, "pt": 37.4, "es": 36.1}
FASTTEXT = {"ar": 46.0, "en": 50.9, "fr": 54.8, "de": 59.6, "hi": 37.1, "it": 54.7, "pt": 55.1, "es": 50.1}
XLM_T = {"ar": 66.9, "en": 70.6, "fr": 71.2, "de": 77.3, "hi": 56.4, "it": 69.1, "pt": 75.4, "es": 67.9}


def texts(lang: str) -> list[str]:
    return (UMSAB / SETS[lang] / "test_text.txt").read_text(encoding="utf-8").splitlines()


def gold(lang: str) -> list[int]:
    return [int(x) for x in (UMSAB / SETS[lang] / "test_labels.txt").read_text().split()]


def macro_f1(truth: list[int], predicted: list[int]) -> float:
    f1s = []
    for c in (0, 1, 2):
        tp = sum(t == c == p for t, p in zip(truth, predicted, strict=True))
        fp = sum(t != c == p for t, p in zip(truth, predicted, strict=True))
        fn = sum(p != c == t for t, p in zip(truth, predicted, strict=True))
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return 100 * sum(f1s) / 3


def audit() -> dict[str, dict[int, str]]:
    """Hand-judged language of the lines that are not in their set's language (bench/data/)."""
    out: dict[str, dict[int, str]] = {lang: {} for lang in SETS}
    by_name = {v: k for k, v in SETS.items()}
    for line in AUDIT.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, number, judged, _ = line.split("\t")
            out[by_name[name]][int(number)] = judged
    return out


def detection_table() -> list[str]:
    detector, judged = LanguageDetector(), audit()
    rows = [
        "| language | no prior | prior: the language | prior: the language + English | "
        "on audited in-language tweets (prior + English) | tweets audited as another language or none |",
        "|---|---|---|---|---|---|",
    ]
    for lang in SETS:
        lines = texts(lang)
        cells = []
        for expected in ((), (lang,), (lang, "en")):
            got = [detector.detect(t, expected=expected) for t in lines]
            cells.append(100 * sum(g == lang for g in got) / len(lines))
        ok = n = 0
        for i, g in enumerate(got, 1):  # the last run: prior + English
            j = judged[lang].get(i, lang)
            if lang in j.split("+"):
                n += 1
                ok += g in j.split("+")
        other = sum(1 for j in judged[lang].values() if lang not in j.split("+"))
        rows.append(
            f"| {lang} | {cells[0]:.1f} | {cells[1]:.1f} | {cells[2]:.1f} | {100 * ok / n:.1f} (n={n}) | {other} |"
        )
    return rows


def x_tweets() -> dict[str, tuple[str, str]]:
    """Distinct tweets of the recorded X payloads whose ``lang`` is set: text -> (id, X's lang)."""
    seen: dict[str, tuple[str, str]] = {}
    for path in sorted(X_PAYLOADS.glob("*.json")):
        body = json.loads(path.read_text(encoding="utf-8"))
        data = body.get("data") or []
        for tweet in ([data] if isinstance(data, dict) else data) + (body.get("includes", {}).get("tweets") or []):
            if tweet.get("lang") and tweet["lang"] != "und":
                seen.setdefault(tweet["text"], (tweet["id"], tweet["lang"]))
    return seen


def x_payload_rows() -> list[str]:
    """Agreement with the ``lang`` X assigned, and accuracy against the hand audit of the disagreements."""
    detector = LanguageDetector()
    judged = {}
    for line in X_AUDIT.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            tweet_id, _, verdict, note = line.split("\t")
            judged[tweet_id] = (verdict, note)
    agree = right = judged_n = 0
    misses = []
    tweets = x_tweets()
    for text, (tweet_id, x_lang) in tweets.items():
        ours = detector.detect(text)
        x_iso = {"in": "id", "iw": "he"}.get(x_lang, x_lang)
        verdict, note = judged.get(tweet_id, (x_iso, ""))
        agree += ours == x_iso
        if verdict != "none":
            judged_n += 1
            right += ours in verdict.split("+")
        if ours != x_iso:
            misses.append(f"- {tweet_id}: X says {x_lang}, we say {ours}; audit: {verdict} ({note})")
    return [
        f"X payloads: {agree} of {len(tweets)} distinct tweets agree with X's `lang` "
        f"({100 * agree / len(tweets):.1f}%). Against the hand audit of the disagreements, {right} of the "
        f"{judged_n} tweets that have a language are detected right ({100 * right / judged_n:.1f}%).",
        "",
        *misses,
    ]


def score_labels(lines: list[str], *extra: str) -> list[str]:
    command = [sys.executable, "-m", "listening_post.cli", "score", *extra]
    run = subprocess.run(command, input="\n".join(lines) + "\n", capture_output=True, text=True, check=True)
    return [json.loads(row)["label"] for row in run.stdout.splitlines()]


# Licence of what each local backend ships (code; data where it differs). docs/LANGUAGES.md explains them.
LICENCES = {
    "vader": "MIT",
    "vader-fr": "MIT; pulls unidecode + fuzzywuzzy (GPL-2.0)",
    "leia": "MIT",
    "vader-sentiws": "MIT code; SentiWS CC BY-NC-SA 3.0",
    "vader-mpqa-ar": "MIT code; MPQA lexicon GPL",
    "vader-afinn": "MIT code; AFINN lists ODbL 1.0",
    "vader-afinn-hinglish": "MIT code (hinlangpy MIT); AFINN lists ODbL 1.0",
}


def texts_per_second(name: str, lang: str, lines: list[str]) -> float:
    """Texts a second one backend scores on one core, in this process (best of three passes over the set)."""
    from listening_post.enrich.text import clean_text
    from listening_post.scoring.backends import BackendFactory

    backend = BackendFactory().backend(name, lang)
    cleaned = [t for t in (clean_text(x) for x in lines) if t]
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for text in cleaned:
            backend.score(text)
        best = min(best, time.perf_counter() - start)
    return len(cleaned) / best


def sentiment_table() -> list[str]:
    rows = [
        "| language | backend | licence | macro-F1 | vs raw VADER | routed (detect + default backend) | "
        "texts/s (one core) | raw VADER | FastText | XLM-T |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    defaults: dict[str, float] = {}
    for lang in SETS:
        lines, truth = texts(lang), gold(lang)
        routed = score_labels(lines)
        routed_f1 = macro_f1(truth, [LABELS[x] for x in routed])
        scored = 100 * sum(x != "unscored" for x in routed) / len(routed)
        local = [n for n, i in BACKENDS.items() if i.kind == "local" and lang in i.languages]
        for name in ["vader", *local] if lang != "en" else local:
            labels = score_labels(lines, "--lang", "en" if name == "vader" else lang, "--backend", name)
            f1 = macro_f1(truth, [LABELS[x] for x in labels])
            default = DEFAULT_BACKENDS.get(lang) == name
            if default:
                defaults[lang] = f1
            shown = "vader (English VADER on the raw text)" if name == "vader" and lang != "en" else name
            shown = f"**{shown}** (default)" if default else shown
            speed = texts_per_second(name, "en" if name == "vader" else lang, lines)
            rows.append(
                f"| {lang} | {shown} | {LICENCES.get(name, '')} | {f1:.1f} | {f1 - RAW_VADER[lang]:+.1f} | "
                f"{routed_f1:.1f} ({scored:.0f}% scored) | {speed:,.0f} | {RAW_VADER[lang]} | {FASTTEXT[lang]} | "
                f"{XLM_T[lang]} |"
            )
    mean = sum(defaults.get(lang, 0.0) for lang in SETS) / len(SETS)
    raw = sum(RAW_VADER.values()) / len(RAW_VADER)
    rows.append(
        f"| all 8 | the defaults (an unscored language counts 0) | | {mean:.1f} | {mean - raw:+.1f} | | | "
        f"{raw:.1f} | {sum(FASTTEXT.values()) / 8:.1f} | {sum(XLM_T.values()) / 8:.1f} |"
    )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--audit", metavar="LANG", help="list the lines of a set not detected as its language")
    parser.add_argument("--only", choices=["detection", "sentiment"])
    args = parser.parse_args()
    if not UMSAB.is_dir():
        print(f"UMSAB test sets not found at {UMSAB}", file=sys.stderr)
        return 1
    if args.audit:
        detector, judged = LanguageDetector(), audit()
        for i, text in enumerate(texts(args.audit), 1):
            none, prior = detector.detect(text), detector.detect(text, expected=(args.audit, "en"))
            if args.audit not in (none, prior):
                print(f"{i}\tno prior {none}\tprior {prior}\taudit {judged[args.audit].get(i, '-')}\t{text}")
        return 0
    if args.only in (None, "detection"):
        title = "## Language detection (% of each UMSAB set detected as its language)"
        print("\n".join([title, "", *detection_table()]))
        print()
        print("\n".join(x_payload_rows()))
        print()
    if args.only in (None, "sentiment"):
        print("\n".join(["## Sentiment (3-class macro-F1 on the UMSAB test sets)", "", *sentiment_table()]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
