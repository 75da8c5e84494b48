"""An exact, faster ``polarity_scores`` for vaderSentiment 3.3.2.

``FastVader.polarity_scores(text)`` returns the same dict as
``vaderSentiment.vaderSentiment.SentimentIntensityAnalyzer().polarity_scores(text)``, bit for bit, for the
version it was verified against (``VERIFIED_VERSION``). The reference spends most of its time lower-casing
the whole token list again for every lexicon word and every modifier check. Here each text is split and
lower-cased once, only the tokens found in the lexicon are visited, and each rule first asks a cheap set
question ("could this window contain an idiom at all?") before building the strings the reference builds.

Everything that decides a score is taken from the installed package, not copied: the lexicon and emoji
files are read from it and the word lists and constants are imported from its module. What is kept
literally, because it changes scores, is the reference's order of operations and its quirks (each noted
where it happens). ``make_analyzer()`` returns the reference analyzer when another version is installed.
"""

from __future__ import annotations

import importlib.metadata
import logging
import math
import string
from collections.abc import Iterable
from importlib.resources import files
from typing import Protocol

from vaderSentiment import vaderSentiment

VERIFIED_VERSION = "3.3.2"

log = logging.getLogger(__name__)

_PUNCTUATION = string.punctuation
_MARK = "\x00"  # where a space may go, while emoji are being replaced
_N_SCALAR: float = vaderSentiment.N_SCALAR
_C_INCR: float = vaderSentiment.C_INCR
_BOOSTERS: dict[str, float] = dict(vaderSentiment.BOOSTER_DICT)
_SPECIAL_CASES: dict[str, float] = dict(vaderSentiment.SPECIAL_CASES)
_NEGATE = frozenset(vaderSentiment.NEGATE)
# Tokens never contain whitespace, so a joined n-gram can only equal a key whose last word equals the
# n-gram's last token: windows without such a word skip the idiom strings entirely.
_NGRAM_LAST_WORDS = frozenset(k.split(" ")[-1] for k in (*_SPECIAL_CASES, *_BOOSTERS) if " " in k)


class PolarityScorer(Protocol):
    lexicon: dict[str, float]  # read on every lookup: another language's backend replaces it

    def polarity_scores(self, text: str) -> dict[str, float]: ...


def installed_version() -> str | None:
    try:
        return importlib.metadata.version("vaderSentiment")
    except importlib.metadata.PackageNotFoundError:
        return None


_warned_versions: set[str | None] = set()


def make_analyzer(
    version: str | None = None, negations: Iterable[str] = (), contrasts: Iterable[str] = ()
) -> PolarityScorer:
    """The fast scorer when the installed vaderSentiment is the verified one, else the reference.

    ``negations`` and ``contrasts``: another language's words that VADER's rules for "not" and "but" read
    too; the reference analyzer reads only English's, so they are ignored there (with the version warning)."""
    version = installed_version() if version is None else version
    if version == VERIFIED_VERSION:
        return FastVader(negations, contrasts)
    if version not in _warned_versions:
        _warned_versions.add(version)
        log.warning(
            "vaderSentiment %s is installed but the fast scorer was verified against %s; "
            "using the reference analyzer (slower, same scores as that version)",
            version,
            VERIFIED_VERSION,
        )
    analyzer: PolarityScorer = vaderSentiment.SentimentIntensityAnalyzer()
    return analyzer


class FastVader:
    """vaderSentiment's SentimentIntensityAnalyzer.polarity_scores, restructured for speed."""

    def __init__(self, negations: Iterable[str] = (), contrasts: Iterable[str] = ()) -> None:
        # VADER's negation words plus another language's (lower-cased, as tokens are compared); another
        # language's words for "but", which VADER's "but" rule then reads too.
        self._negate = _NEGATE.union(w.lower() for w in negations)
        self._contrasts = frozenset(w.lower() for w in contrasts) - {"but"}
        package = files("vaderSentiment")
        # Read and parsed exactly as the reference's codecs.open + make_lex_dict / make_emoji_dict do
        # (bytes decoded, so no newline translation).
        self.lexicon: dict[str, float] = {}
        for line in (package / "vader_lexicon.txt").read_bytes().decode("utf-8").rstrip("\n").split("\n"):
            if not line:
                continue
            word, measure = line.strip().split("\t")[0:2]
            self.lexicon[word] = float(measure)
        self.emojis: dict[str, str] = {}
        for line in (package / "emoji_utf8_lexicon.txt").read_bytes().decode("utf-8").rstrip("\n").split("\n"):
            emoji, description = line.strip().split("\t")[0:2]
            self.emojis[emoji] = description
        # The reference compares one character at a time, so multi-code-point keys (flags, ZWJ sequences,
        # skin tones) never match; only single characters can.
        singles = {k: v for k, v in self.emojis.items() if len(k) == 1}
        self._emoji_chars = frozenset(singles)
        self._emoji_all_non_ascii = not any(k.isascii() for k in singles)
        self._emoji_marked = {k: _MARK + v for k, v in singles.items()}
        # _describe_emoji's replace-then-place-spaces shortcut needs descriptions that hold no emoji and no
        # mark and do not end in a space: true of 3.3.2's file, checked rather than assumed.
        self._emoji_replace_ok = not any(
            v.endswith(" ") or _MARK in v or not self._emoji_chars.isdisjoint(v) for v in singles.values()
        )

    def polarity_scores(self, text: str) -> dict[str, float]:
        if not (text.isascii() and self._emoji_all_non_ascii):  # isascii() is far cheaper than a set scan
            text = self._describe_emoji(text)
        text = text.strip()
        # SentiText: strip leading/trailing punctuation unless that leaves 2 characters or fewer
        # (so ":)" and "ok!" stay as they are).
        words = [w if len(s := w.strip(_PUNCTUATION)) <= 2 else s for w in text.split()]
        n = len(words)
        if not n:
            return {"neg": 0.0, "neu": 0.0, "pos": 0.0, "compound": 0.0}
        lowers = [w.lower() for w in words]
        lexicon = self.lexicon
        # Tokens outside the lexicon score 0 and are only ever read as neighbours, so keep just the hits.
        hits = [i for i, lw in enumerate(lowers) if lw in lexicon]
        if not hits:
            # Every sentiment is 0; the reference's arithmetic gives exactly this, punctuation or not.
            return {"neg": 0.0, "neu": 1.0, "pos": 0.0, "compound": 0.0}
        cap_diff = _allcap_differential(words, text)
        values: list[float] = []
        for i in hits:
            lw = lowers[i]
            # Boosters and "kind of" are modifiers, not sentiment (the reference appends an int 0).
            if lw in _BOOSTERS or (lw == "kind" and i < n - 1 and lowers[i + 1] == "of"):
                values.append(0)
            else:
                values.append(self._valence(words, lowers, i, cap_diff))
        if "but" in lowers:
            _but_check(lowers.index("but"), hits, values)
        elif self._contrasts:
            # Another language's "but" (only when no English "but" came first, as VADER reads the first one).
            first = next((k for k, lw in enumerate(lowers) if lw in self._contrasts), None)
            if first is not None:
                _but_check(first, hits, values)
        return _score(values, n, text)

    def _describe_emoji(self, text: str) -> str:
        """Replace each emoji character with its description, spaced as the reference does.

        The reference puts a space before a description unless the previous input character was a space
        or there is none, and nothing after it. Here each distinct emoji is replaced by mark + description
        in one str.replace, then each mark becomes that space or nothing (a per-character loop was the
        reference's cost; a regex character class over 1,200 astral characters was slower still).
        """
        present = self._emoji_chars.intersection(text)
        if not present:
            return text
        if _MARK in text or not self._emoji_replace_ok:
            return self._describe_emoji_per_char(text)
        for emoji in present:
            text = text.replace(emoji, self._emoji_marked[emoji])
        text = text.replace(" " + _MARK, " ")
        if text.startswith(_MARK):
            text = text[1:]
        return text.replace(_MARK, " ")

    def _describe_emoji_per_char(self, text: str) -> str:
        """The reference's loop, for the rare text that already holds the mark character."""
        out = []
        prev_space = True
        for char in text:
            description = self.emojis.get(char)
            if description is not None:
                if not prev_space:
                    out.append(" ")
                out.append(description)
                prev_space = False
            else:
                out.append(char)
                prev_space = char == " "
        return "".join(out)

    def _valence(self, words: list[str], lowers: list[str], i: int, cap_diff: bool) -> float:
        """The reference's sentiment_valence for a token known to be in the lexicon."""
        lexicon = self.lexicon
        lw = lowers[i]
        valence = lexicon[lw]
        if lw == "no" and i != len(lowers) - 1 and lowers[i + 1] in lexicon:
            valence = 0.0  # "no" before a lexicon word negates that word instead of scoring itself
        if (
            (i > 0 and lowers[i - 1] == "no")
            or (i > 1 and lowers[i - 2] == "no")
            or (i > 2 and lowers[i - 3] == "no" and lowers[i - 1] in ("or", "nor"))
        ):
            valence = lexicon[lw] * _N_SCALAR
        if words[i].isupper() and cap_diff:
            # Quirk kept: a valence of exactly 0 (from "no" above) is pushed down, not up.
            if valence > 0:
                valence += _C_INCR
            else:
                valence -= _C_INCR
        for start_i in range(3):
            j = i - (start_i + 1)
            # Only preceding words outside the lexicon modify (the reference tests this per distance).
            if j < 0 or lowers[j] in lexicon:
                continue
            if lowers[j] in _BOOSTERS:
                s = _scalar_inc_dec(words[j], lowers[j], valence, cap_diff)
                if start_i == 1:
                    s = s * 0.95
                elif start_i == 2:
                    s = s * 0.9
                valence = valence + s
            else:
                valence = valence + 0.0  # the reference adds a zero scalar (turns -0.0 into 0.0)
            # Every negation-check branch needs a negation word at distance start_i + 1, except the
            # distance-3 one that also fires on "so"/"this" right before the word.
            if _negated(lowers[j], self._negate) or (start_i == 2 and lowers[i - 1] in ("so", "this")):
                valence = _negation_check(valence, lowers, start_i, i, self._negate)
            if start_i == 2:
                valence = _special_idioms_check(valence, lowers, i)
        if i > 0 and lowers[i - 1] == "least":
            valence = _least_check(valence, lowers, i, lexicon)
        return valence


def _allcap_differential(words: list[str], text: str) -> bool:
    """True when some but not all tokens are ALL CAPS."""
    if text.islower():
        return False  # no upper-case letter anywhere: no token is upper case
    allcaps = sum(map(str.isupper, words))
    return 0 < len(words) - allcaps < len(words)


def _negated(word_lower: str, negate: frozenset[str] = _NEGATE) -> bool:
    # The reference's negated([word]) lower-cases again; lower() is idempotent, so the lowered token serves.
    return word_lower in negate or "n't" in word_lower


def _scalar_inc_dec(word: str, word_lower: str, valence: float, cap_diff: bool) -> float:
    scalar = 0.0
    booster = _BOOSTERS.get(word_lower)
    if booster is not None:
        scalar = booster
        if valence < 0:
            scalar *= -1
        if word.isupper() and cap_diff:
            if valence > 0:
                scalar += _C_INCR
            else:
                scalar -= _C_INCR
    return scalar


def _negation_check(valence: float, w: list[str], start_i: int, i: int, negate: frozenset[str] = _NEGATE) -> float:
    if start_i == 0:
        if _negated(w[i - 1], negate):
            valence = valence * _N_SCALAR
    elif start_i == 1:
        if w[i - 2] == "never" and (w[i - 1] == "so" or w[i - 1] == "this"):
            valence = valence * 1.25
        elif w[i - 2] == "without" and w[i - 1] == "doubt":
            pass
        elif _negated(w[i - 2], negate):
            valence = valence * _N_SCALAR
    else:
        # Quirk kept: the reference's `a and b or c` means "so"/"this" right before the word boosts it
        # by 1.25 on its own, with no "never" needed.
        if (w[i - 3] == "never" and (w[i - 2] == "so" or w[i - 2] == "this")) or (
            w[i - 1] == "so" or w[i - 1] == "this"
        ):
            valence = valence * 1.25
        elif w[i - 3] == "without" and (w[i - 2] == "doubt" or w[i - 1] == "doubt"):
            pass
        elif _negated(w[i - 3], negate):
            valence = valence * _N_SCALAR
    return valence


def _special_idioms_check(valence: float, w: list[str], i: int) -> float:
    # Every n-gram below ends at one of w[i-2] .. w[i+2]; if none of those ends a key, none can match.
    if _NGRAM_LAST_WORDS.isdisjoint(w[i - 2 : i + 3]):
        return valence
    onezero = f"{w[i - 1]} {w[i]}"
    twoonezero = f"{w[i - 2]} {w[i - 1]} {w[i]}"
    twoone = f"{w[i - 2]} {w[i - 1]}"
    threetwoone = f"{w[i - 3]} {w[i - 2]} {w[i - 1]}"
    threetwo = f"{w[i - 3]} {w[i - 2]}"
    for seq in (onezero, twoonezero, twoone, threetwoone, threetwo):
        if seq in _SPECIAL_CASES:
            valence = _SPECIAL_CASES[seq]
            break
    if len(w) - 1 > i:
        zeroone = f"{w[i]} {w[i + 1]}"
        if zeroone in _SPECIAL_CASES:
            valence = _SPECIAL_CASES[zeroone]
    if len(w) - 1 > i + 1:
        zeroonetwo = f"{w[i]} {w[i + 1]} {w[i + 2]}"
        if zeroonetwo in _SPECIAL_CASES:
            valence = _SPECIAL_CASES[zeroonetwo]
    for n_gram in (threetwoone, threetwo, twoone):
        if n_gram in _BOOSTERS:
            valence = valence + _BOOSTERS[n_gram]
    return valence


def _least_check(valence: float, w: list[str], i: int, lexicon: dict[str, float]) -> float:
    if i > 1 and w[i - 1] not in lexicon and w[i - 1] == "least":
        if w[i - 2] != "at" and w[i - 2] != "very":
            valence = valence * _N_SCALAR
    elif i > 0 and w[i - 1] not in lexicon and w[i - 1] == "least":
        valence = valence * _N_SCALAR
    return valence


def _but_check(but_index: int, hits: list[int], values: list[float]) -> None:
    """Halve sentiment before the first "but", multiply it by 1.5 after, the reference's way.

    Quirk kept: the reference finds each value's position with list.index(), i.e. the first equal value,
    so with repeated values one position is scaled twice and another not at all. Only lexicon hits hold
    non-zero values and zeros stay zero, so replaying this over the hits alone gives the same values.
    """
    for sentiment in values:
        k = values.index(sentiment)
        if hits[k] < but_index:
            values[k] = sentiment * 0.5
        elif hits[k] > but_index:
            values[k] = sentiment * 1.5


def _score(values: list[float], n_tokens: int, text: str) -> dict[str, float]:
    """The reference's score_valence; ``values`` are the sentiments of the lexicon hits, in order.

    The other tokens' sentiments are zeros: adding them changes neither the sum (plain or, from Python 3.12,
    compensated) nor pos/neg, so they are only counted into neu.
    """
    sum_s = float(sum(values))
    ep_count = text.count("!")
    if ep_count > 4:
        ep_count = 4
    ep_amplifier = ep_count * 0.292
    qm_count = text.count("?")
    qm_amplifier: float = 0
    if qm_count > 1:
        if qm_count <= 3:
            qm_amplifier = qm_count * 0.18
        else:
            qm_amplifier = 0.96
    punct_emph_amplifier = ep_amplifier + qm_amplifier
    if sum_s > 0:
        sum_s += punct_emph_amplifier
    elif sum_s < 0:
        sum_s -= punct_emph_amplifier

    compound = sum_s / math.sqrt((sum_s * sum_s) + 15)
    if compound < -1.0:
        compound = -1.0
    elif compound > 1.0:
        compound = 1.0

    pos_sum = 0.0
    neg_sum = 0.0
    neu_count = n_tokens - len(values)
    for s in values:
        if s > 0:
            pos_sum += float(s) + 1
        elif s < 0:
            neg_sum += float(s) - 1
        else:
            neu_count += 1
    if pos_sum > math.fabs(neg_sum):
        pos_sum += punct_emph_amplifier
    elif pos_sum < math.fabs(neg_sum):
        neg_sum -= punct_emph_amplifier

    total = pos_sum + math.fabs(neg_sum) + neu_count
    return {
        "neg": round(math.fabs(neg_sum / total), 3),
        "neu": round(math.fabs(neu_count / total), 3),
        "pos": round(math.fabs(pos_sum / total), 3),
        "compound": round(compound, 4),
    }
