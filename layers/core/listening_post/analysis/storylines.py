"""Storylines: the week's original posts grouped by what they are about, each kept under one id week to week.

Method (offline, CPU, no model):

1. **Features.** Each original post (reposts add reach, not content) becomes a set of features: its words
   without stop words, word pairs, hashtags (also as plain words, so ``#lumber`` meets ``lumber``), numbers
   (``25%`` in English meets ``25 %`` in French), links (host and path), and a cognate key, the first
   ``COGNATE_CHARS`` letters of a longer word with accents folded (``tarifs``/``tariffs``,
   ``négociations``/``negotiations``). Names written alike in every language (Washington, Ottawa, CUSMA) are
   plain words. Features used by one post only, or by more than ``MAX_DF`` of the week's posts, carry no
   grouping evidence and are dropped; the rest are weighted by inverse document frequency (TF-IDF, binary).
2. **Graph.** Every post is linked to its ``NEIGHBOURS`` most similar posts (cosine at least ``MIN_EDGE``),
   computed in DuckDB as a join on shared features. Communities of that graph (Louvain, in a fixed node
   order) are the candidate groups.
3. **Coherence.** A group is a storyline when it has at least ``MIN_POSTS`` posts by at least
   ``MIN_AUTHORS`` distinct authors and its posts lie close to their centroid: mean cosine to the centroid
   at least ``MIN_COHERENCE``. Others are left out (and counted in coverage): small groups are chatter,
   incoherent ones are leftovers that share only common words.
4. **Identity.** Each storyline keeps a signature (its ``SIGNATURE_TERMS`` heaviest centroid features). A
   storyline whose signature has cosine at least ``MATCH_SIM`` with one of last week's keeps its id; else
   with one of the ``HISTORY_WEEKS`` weeks before, it is *returning*; else it is *new*. Matching is one to
   one, best pairs first: a second storyline of this week matching an already-matched one of last week is a
   split (``split_from``), a second storyline of last week matching an already-matched one of this week is a
   merge (``merged_from``). Last week's storylines that match nothing this week are listed as *fading*,
   with this week's posts that still fit their signature.
5. **Status** of a continuing storyline, from its posts against last week's (conditional Poisson test):
   *growing* when significantly more, *fading* when significantly fewer, else *stable*.

What it can join across languages: posts sharing hashtags, links, numbers, names spelt alike, and cognates
with a common start. What it cannot: translations that share none of these (``lumber``/``bois d'oeuvre``,
``duties``/``droits``), nor scripts without spaces between words (no tokens: left out, as in the emerging
terms). Two languages of one event then stay two storylines, each correct on its own.

The grouping reads at most ``MAX_DOCS`` of the week's posts (a uniform hash sample beyond, said in
coverage); counts are then scaled to the week, with intervals from the sample.
"""

from __future__ import annotations

import itertools
import math
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import pyarrow as pa
import regex

from listening_post.analysis import stats
from listening_post.layout import PATHS
from listening_post.sources import registry
from listening_post.summary_model import Summary

MAX_DOCS = 2000
MAX_DF = 0.3
NEIGHBOURS = 10
MIN_EDGE = 0.12
RESOLUTION = 1.0
MERGE_SIM = 0.3
MIN_POSTS = 5
MIN_AUTHORS = 3
MIN_COHERENCE = 0.45
MIN_SHARED_TERMS = 2
SHARED_BY = 0.3
SIGNATURE_TERMS = 40
MATCH_SIM = 0.3
HISTORY_WEEKS = 12
TONE_MIN_N = 10
COGNATE_CHARS = 5
LABEL_TERMS = 4
EXAMPLES = 3
PRESS_SOURCES = registry.sources_of_kind("press")

_NUMBER = regex.compile(r"(?<![\p{L}\p{N}])(\d+(?:[.,]\d+)?)\s?(%?)")
_LINK = regex.compile(r"https?://(?:www\.)?([^\s/]+)(/[^\s?#]*)?")


@dataclass
class Doc:
    """One original post of the week, as the grouping reads it."""

    post_id: str
    author: str | None
    source: str
    lang: str | None
    text: str
    tokens: list[str]
    created_at: datetime | None = None
    sentiment: float | None = None
    coordinated: bool = False
    copy_key: str | None = None  # the duplicate key: copies of one text are grouped as one post
    domains: tuple[str, ...] = ()  # of the post's links, for the shares of listed outlets


@dataclass
class Group:
    members: list[int]
    centroid: dict[str, float]
    coherence: float
    signature: dict[str, float] = field(default_factory=dict)
    heads: list[int] = field(default_factory=list)  # one post per copied text


def fold(word: str) -> str:
    """Accents removed from Latin letters only (other scripts keep their marks, which are letters there)."""
    out: list[str] = []
    for ch in unicodedata.normalize("NFKD", word):
        if unicodedata.combining(ch) and out and out[-1].isascii():
            continue
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


def features(doc: Doc, stop: frozenset[str]) -> set[str]:
    """The grouping features of one post (see the module's docstring)."""
    feats: set[str] = set()
    words: list[str] = []
    for tok in doc.tokens:
        plain = tok.lstrip("#")
        if tok.startswith("#") and len(plain) > 1:
            feats.add("#" + fold(plain))
        if plain in stop or len(plain) < 3:
            words.append("")
            continue
        folded = fold(plain)
        words.append(folded)
        feats.add(folded)
        if len(folded) > COGNATE_CHARS:
            feats.add("~" + folded[:COGNATE_CHARS])
    for a, b in itertools.pairwise(words):
        if a and b:
            feats.add(f"{a} {b}")
    for number, percent in _NUMBER.findall(doc.text):
        if len(number) >= 2 or percent:
            feats.add("=" + number.replace(",", ".") + percent)
    for host, path in _LINK.findall(doc.text):
        feats.add("@" + host.lower() + (path or "").rstrip("/"))
    return feats


def vectors(docs: list[Doc], stop: frozenset[str]) -> tuple[list[dict[str, float]], dict[str, int]]:
    """Unit TF-IDF vectors (binary term frequency) over the features with grouping evidence, and the
    document frequency of every feature."""
    sets = [features(d, stop) for d in docs]
    df = Counter(f for s in sets for f in s)
    n = len(docs)
    cap = max(2, MAX_DF * n)
    out = []
    for s in sets:
        v = {f: math.log(n / df[f]) for f in s if 2 <= df[f] <= cap}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        out.append({f: x / norm for f, x in v.items()})
    return out, dict(df)


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    dot = sum(x * b.get(f, 0.0) for f, x in a.items())
    na = math.sqrt(sum(x * x for x in a.values()))
    nb = math.sqrt(sum(x * x for x in b.values()))
    return dot / (na * nb) if na and nb else 0.0


def neighbour_edges(con: duckdb.DuckDBPyConnection, vecs: list[dict[str, float]]) -> list[tuple[int, int, float]]:
    """Each post's ``NEIGHBOURS`` most similar posts (cosine >= ``MIN_EDGE``), by a join on shared features."""
    rows = [(i, f, w) for i, v in enumerate(vecs) for f, w in v.items()]
    if not rows:
        return []
    table = pa.table(
        {
            "doc": pa.array([r[0] for r in rows], pa.int32()),
            "f": pa.array([r[1] for r in rows], pa.string()),
            "w": pa.array([r[2] for r in rows], pa.float64()),
        }
    )
    con.register("storyline_features", table)
    try:
        found = con.execute(
            """
            WITH pairs AS (
                SELECT a.doc AS i, b.doc AS j, sum(a.w * b.w) AS s
                FROM storyline_features a JOIN storyline_features b ON a.f = b.f AND a.doc <> b.doc
                GROUP BY ALL
            )
            SELECT i, j, s FROM pairs WHERE s >= $min
            QUALIFY row_number() OVER (PARTITION BY i ORDER BY s DESC, j) <= $k
            """,
            {"min": MIN_EDGE, "k": NEIGHBOURS},
        ).fetchall()
    finally:
        con.unregister("storyline_features")
    return [(int(i), int(j), float(s)) for i, j, s in found]


def louvain(edges: dict[tuple[int, int], float], resolution: float = 1.0) -> list[list[int]]:
    """Communities of a weighted undirected graph by the Louvain method (Blondel et al. 2008): nodes move to
    the neighbouring community that most raises modularity, communities become nodes, until modularity
    stops rising. Nodes are visited in a fixed order, so the result is the same on every run. Written here
    (as networkx's ``louvain_communities`` does it) because networkx would take the brief function past its
    200 MiB budget (190.8 MiB before; networkx ships 10 MB with its bytecode)."""
    adj: dict[int, dict[int, float]] = {}
    for (i, j), w in edges.items():
        adj.setdefault(i, {})[j] = w
        adj.setdefault(j, {})[i] = w
    m = sum(edges.values())
    if not m:
        return []
    members: dict[int, list[int]] = {u: [u] for u in adj}  # node of the current graph -> original nodes
    degree = {u: sum(adj[u].values()) for u in adj}
    loops: dict[int, float] = dict.fromkeys(adj, 0.0)  # internal weight carried by an aggregated node
    best_q = _modularity({u: u for u in adj}, adj, degree, loops, m, resolution)
    while True:
        community = {u: u for u in adj}
        total = dict(degree)
        moved = True
        while moved:
            moved = False
            for u in sorted(adj):
                links: dict[int, float] = {}
                for v, w in adj[u].items():
                    if v != u:
                        links[community[v]] = links.get(community[v], 0.0) + w
                own = community[u]
                total[own] -= degree[u]
                best, best_gain = own, 0.0
                remove = -links.get(own, 0.0) / m + resolution * total[own] * degree[u] / (2 * m * m)
                for c, w in sorted(links.items()):
                    gain = remove + w / m - resolution * total[c] * degree[u] / (2 * m * m)
                    if gain > best_gain:
                        best, best_gain = c, gain
                total[best] += degree[u]
                if best != own:
                    community[u], moved = best, True
        q = _modularity(community, adj, degree, loops, m, resolution)
        if q - best_q <= 1e-7 or len(set(community.values())) == len(adj):
            break
        best_q = q
        # Aggregate: each community becomes one node.
        new_adj: dict[int, dict[int, float]] = {}
        new_members: dict[int, list[int]] = {}
        new_degree: dict[int, float] = {}
        new_loops: dict[int, float] = {}
        for u in adj:
            c = community[u]
            new_members.setdefault(c, []).extend(members[u])
            new_degree[c] = new_degree.get(c, 0.0) + degree[u]
            new_loops[c] = new_loops.get(c, 0.0) + loops[u]
            new_adj.setdefault(c, {})
            for v, w in adj[u].items():
                if v == u:
                    continue
                d = community[v]
                if d == c:
                    new_loops[c] += w / 2  # each internal edge is seen from both ends
                else:
                    new_adj[c][d] = new_adj[c].get(d, 0.0) + w
        adj, members, degree, loops = new_adj, new_members, new_degree, new_loops
    out: dict[int, list[int]] = {}
    for u in adj:
        out.setdefault(community[u], []).extend(members[u])
    return sorted((sorted(c) for c in out.values()), key=lambda c: c[0])


def _modularity(
    community: dict[int, int],
    adj: dict[int, dict[int, float]],
    degree: dict[int, float],
    loops: dict[int, float],
    m: float,
    resolution: float,
) -> float:
    inside: dict[int, float] = {}
    tot: dict[int, float] = {}
    for u, c in community.items():
        tot[c] = tot.get(c, 0.0) + degree[u]
        inside[c] = (
            inside.get(c, 0.0) + loops[u] + sum(w for v, w in adj[u].items() if v != u and community[v] == c) / 2
        )
    return sum(inside[c] / m - resolution * (tot[c] / (2 * m)) ** 2 for c in tot)


def centroid(vecs: list[dict[str, float]], members: list[int]) -> dict[str, float]:
    total: Counter[str] = Counter()
    for i in members:
        total.update(vecs[i])
    return {f: x / len(members) for f, x in total.items()}


def group(
    con: duckdb.DuckDBPyConnection, docs: list[Doc], stop: frozenset[str]
) -> tuple[list[Group], list[dict[str, float]], dict[str, int]]:
    """The coherent groups of ``docs`` (largest first), the posts' vectors and the document frequencies."""
    vecs, df = vectors(docs, stop)
    # Copies of one text (a campaign, a syndicated headline) are one voice: grouped as one post, whose
    # storyline they then all join. Otherwise they are each other's nearest neighbours and a storyline alone.
    first: dict[str, int] = {}
    copies: dict[int, list[int]] = {}
    for i, d in enumerate(docs):
        lead = first.setdefault(d.copy_key, i) if d.copy_key else i
        copies.setdefault(lead, []).append(i)
    leads = sorted(copies)
    edges = {
        (min(i, j), max(i, j)): w
        for i, j, w in neighbour_edges(con, [vecs[i] if i in copies else {} for i in range(len(vecs))])
    }
    found = louvain(edges, RESOLUTION)
    groups = []
    for heads in _merge_close([sorted(c) for c in found], vecs):
        ids = sorted(i for h in heads for i in copies[h])
        if len(heads) < MIN_POSTS or len({docs[i].author for i in ids if docs[i].author}) < MIN_AUTHORS:
            continue
        c = centroid(vecs, heads)
        norm = math.sqrt(sum(x * x for x in c.values()))
        coherence = (
            sum(sum(x * c.get(f, 0.0) for f, x in vecs[i].items()) for i in heads) / (len(heads) * norm)
            if norm
            else 0.0
        )
        if coherence < MIN_COHERENCE or not _shared_terms(vecs, heads):
            continue
        top = sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[:SIGNATURE_TERMS]
        groups.append(Group(ids, c, coherence, {f: round(x, 4) for f, x in top}, heads))
    # A copied text in no storyline (a campaign is one voice, so it rarely makes a community alone) joins
    # the storyline it echoes most, or, with enough copies by enough authors, is one of its own.
    grouped = {h for g in groups for h in g.heads}
    for lead in leads:
        members = copies[lead]
        if lead in grouped or len(members) < MIN_POSTS or len({docs[i].author for i in members}) < MIN_AUTHORS:
            continue
        scored = [(_closeness(vecs, lead, g.heads), -k) for k, g in enumerate(groups)]
        best = groups[-max(scored)[1]] if scored else None
        if best is not None and max(scored)[0] >= MIN_EDGE:
            best.members = sorted(best.members + members)
        else:
            top = sorted(vecs[lead].items(), key=lambda kv: (-kv[1], kv[0]))[:SIGNATURE_TERMS]
            groups.append(Group(members, dict(vecs[lead]), 1.0, {f: round(x, 4) for f, x in top}, [lead]))
    groups.sort(key=lambda g: (-len(g.members), min(docs[i].post_id for i in g.members)))
    return groups, vecs, df


def _shared_terms(vecs: list[dict[str, float]], heads: list[int]) -> bool:
    """At least ``MIN_SHARED_TERMS`` words or hashtags each used by ``SHARED_BY`` of the group's texts: one
    common word (bread, weather) makes a crowd, not a storyline."""
    used = Counter(f for h in heads for f in vecs[h] if f[0] not in "~=@" and " " not in f)
    return sum(1 for n in used.values() if n >= SHARED_BY * len(heads)) >= MIN_SHARED_TERMS


def _closeness(vecs: list[dict[str, float]], lead: int, heads: list[int]) -> float:
    """Mean cosine of a post to its three closest posts of a group."""
    top = sorted((cosine(vecs[lead], vecs[h]) for h in heads), reverse=True)[:3]
    return sum(top) / len(top) if top else 0.0


def _merge_close(communities: list[list[int]], vecs: list[dict[str, float]]) -> list[list[int]]:
    """Communities whose centroids have cosine >= ``MERGE_SIM`` joined: one storyline told in several set
    phrasings (a copied campaign text and the posts it echoes) is one community of near-copies and others."""
    big = [c for c in communities if len(c) >= 2]
    cents = [centroid(vecs, c) for c in big]
    parent = list(range(len(big)))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for a in range(len(big)):
        for b in range(a + 1, len(big)):
            if cosine(cents[a], cents[b]) >= MERGE_SIM:
                parent[root(b)] = root(a)
    merged: dict[int, list[int]] = {}
    for i, c in enumerate(big):
        merged.setdefault(root(i), []).extend(c)
    return [sorted(c) for c in merged.values()]


def label(g: Group, docs: list[Doc], df: dict[str, int]) -> list[str]:
    """The group's most distinctive words, pairs and hashtags: share of its posts using the term times the
    term's inverse document frequency in the week, pairs before the words they contain."""
    n = len(docs)
    uses: Counter[str] = Counter()
    for f in g.centroid:
        if f[0] not in "~=@":
            uses[f] = 0
    heads = g.heads or g.members
    counted = Counter(f for i in heads for f in features(docs[i], frozenset()) if f in uses)
    scored = sorted(
        ((counted[f] / len(heads)) * math.log(n / df[f]) * (1.15 if " " in f or f.startswith("#") else 1.0), f)
        for f in uses
        if counted[f] >= min(2, len(heads))
    )
    chosen: list[str] = []
    # Shown as written most often (features fold accents: "comite" is shown "comité").
    written: dict[str, Counter[str]] = {}
    for i in heads:
        for tok in docs[i].tokens:
            written.setdefault(fold(tok), Counter())[tok] += 1

    def shown(f: str) -> str:
        return " ".join(
            max(written[w].items(), key=lambda kv: (kv[1], kv[0]))[0] if w in written else w for w in f.split()
        )

    for _, f in sorted(scored, key=lambda x: (-x[0], x[1])):
        word = f.lstrip("#")
        if any(word in c.lstrip("#").split() or c.lstrip("#") in word.split() for c in chosen):
            continue
        chosen.append(f)
        if len(chosen) == LABEL_TERMS:
            break
    return [shown(f) for f in chosen]


# --- identity over weeks -------------------------------------------------------------------------


@dataclass
class Previous:
    """A storyline of an earlier week, as its summary recorded it."""

    id: str
    week: str
    offset: int  # -1 last week, -2 the week before, ...
    signature: dict[str, float]
    posts: float
    tone: dict[str, Any] | None = None
    label: list[str] = field(default_factory=list)
    since: str | None = None


@dataclass
class Identity:
    id: str
    status: str
    since: str
    matched: Previous | None = None
    merged_from: list[str] = field(default_factory=list)
    split_from: str | None = None


def identify(
    signatures: list[dict[str, float]], posts: list[float], history: list[Previous], week: str, country: str
) -> tuple[list[Identity], list[Previous]]:
    """Ids and statuses of this week's storylines (in order), and last week's storylines that found no
    continuation (fading)."""
    last = [p for p in history if p.offset == -1]
    pairs = sorted(
        ((cosine(s, p.signature), i, k) for i, s in enumerate(signatures) for k, p in enumerate(last)),
        key=lambda x: (-x[0], x[1], x[2]),
    )
    taken_prev: dict[int, int] = {}
    assigned: dict[int, int] = {}
    merged: dict[int, list[str]] = {}
    split: dict[int, str] = {}
    for sim, i, k in pairs:
        if sim < MATCH_SIM:
            break
        if i not in assigned and k not in taken_prev:
            assigned[i], taken_prev[k] = k, i
        elif i in assigned and k not in taken_prev:
            taken_prev[k] = i
            merged.setdefault(i, []).append(last[k].id)
        elif i not in assigned and k in taken_prev and i not in split:
            split[i] = last[k].id
    identities: list[Identity | None] = [None] * len(signatures)
    for i, k in assigned.items():
        p = last[k]
        identities[i] = Identity(p.id, _trend_status(posts[i], p.posts), p.since or p.week, p, merged.get(i, []))
    # Older weeks, most recent first, for those still without an id: a returning storyline.
    older = sorted((p for p in history if p.offset < -1), key=lambda p: -p.offset)
    used = {p.id for p in last} | {x.id for x in identities if x}
    for i, s in enumerate(signatures):
        if identities[i] is not None:
            continue
        best = max(((cosine(s, p.signature), p) for p in older if p.id not in used), key=lambda x: x[0], default=None)
        if best and best[0] >= MATCH_SIM:
            used.add(best[1].id)
            identities[i] = Identity(best[1].id, "returning", best[1].since or best[1].week, best[1])
        else:
            identities[i] = Identity(f"{country}-{week}-{i + 1:02d}", "new", week, None, [], split.get(i))
    fading = [p for k, p in enumerate(last) if k not in taken_prev]
    return [x for x in identities if x is not None], fading


def _trend_status(posts: float, previous: float) -> str:
    test = stats.count_change_test(round(posts), round(previous))
    if test is None or test["p_value"] >= stats.ALPHA:
        return "stable"
    return "growing" if test["difference"] > 0 else "fading"


def history(read_summary: Any, week: Any) -> list[Previous]:
    """The storylines recorded in the summaries of the ``HISTORY_WEEKS`` weeks before ``week`` (an IsoWeek);
    ``read_summary(week)`` returns a week's summary or None."""
    out: list[Previous] = []
    for k in range(1, HISTORY_WEEKS + 1):
        earlier = week.shift(-k)
        summary = read_summary(earlier)
        for s in (summary or {}).get("storylines") or []:
            if s.get("status") == "fading" and not s.get("coherent", True):
                continue  # a fading entry carried forward: its last real week is where it is recorded
            if not s.get("signature"):
                continue
            out.append(
                Previous(
                    s["id"],
                    str(earlier),
                    -k,
                    s["signature"],
                    float((s.get("posts") or {}).get("value") or 0),
                    s.get("tone"),
                    s.get("label") or [],
                    s.get("since"),
                )
            )
    return out


# --- the week's storylines, as the summary carries them ---------------------------------------------


def weekly(con: duckdb.DuckDBPyConnection, lake: Any, spec: Any, summary: Summary) -> list[dict[str, Any]]:
    """``summary["storylines"]`` of the week, from tables ``p_text`` and ``texts`` (the week's sampled
    original posts) and ``cluster_posts`` (the coordinated ones); earlier weeks' storylines are read from
    their summaries in the lake. Adds ``coverage.storylines`` (what was grouped)."""
    from listening_post.analysis.terms import stop_words

    rows = con.execute(
        f"""
        SELECT p.post_id, p.author_id, p.source, p.lang, p.text, p.toks, epoch_ms(t.created_at), t.sentiment,
               p.post_id IN (SELECT post_id FROM cluster_posts), t.dup_group
        FROM p_text p JOIN texts t USING (post_id)
        WHERE p.w = 0 AND p.toks IS NOT NULL
        ORDER BY hash(p.post_id), p.post_id LIMIT {MAX_DOCS + 1}
        """
    ).fetchall()
    sampled = len(rows) > MAX_DOCS or any(x["week"] == summary["week"] for x in summary["coverage"].get("sampling", []))
    docs = [
        Doc(
            pid,
            author,
            source,
            lang,
            text or "",
            list(toks or []),
            datetime.fromtimestamp(ms / 1000, tz=UTC) if ms is not None else None,
            sentiment,
            bool(coord),
            dup,
        )
        for pid, author, source, lang, text, toks, ms, sentiment, coord, dup in rows[:MAX_DOCS]
    ]
    _read_domains(con, docs)
    population = summary["volume"]["original_posts"] if sampled else len(docs)
    languages = sorted({*spec.languages, *(d.lang for d in docs if d.lang)})
    stop = frozenset(stop_words(languages))
    groups, vecs, df = group(con, docs, stop) if docs else ([], [], {})

    def read_summary(week: Any) -> dict[str, Any] | None:
        path = PATHS.brief(spec.country, week, "summary.json")
        try:
            return lake.read_json(path) if lake.exists(path) else None
        except (OSError, ValueError):
            return None  # an unreadable earlier summary: its storylines are not matched, the rest are

    past = history(read_summary, spec.week)
    scale = population / len(docs) if docs else 1.0
    counts = [len(g.members) * scale for g in groups]
    identities, fading = identify([g.signature for g in groups], counts, past, str(spec.week), spec.country)
    min_n = spec.analysis.min_n
    out = []
    for g, ident in zip(groups, identities, strict=True):
        item = _describe(g.members, docs, vecs, g.centroid, len(docs), population, spec, min_n)
        item.update(
            id=ident.id,
            label=label(g, docs, df),
            status=ident.status,
            since=ident.since,
            coherence=round(g.coherence, 3),
            coherent=True,
            previous_posts=ident.matched.posts if ident.matched else None,
            merged_from=ident.merged_from,
            split_from=ident.split_from,
            signature=g.signature,
        )
        item["tone_change"] = _tone_change(item["tone"], ident.matched.tone if ident.matched else None)
        out.append(item)
    grouped = {i for g in groups for i in g.members}
    for p in fading:
        members = [i for i, v in enumerate(vecs) if i not in grouped and cosine(v, p.signature) >= MATCH_SIM]
        item = _describe(members, docs, vecs, p.signature, len(docs), population, spec, min_n)
        item.update(
            id=p.id,
            label=p.label,
            status="fading",
            since=p.since or p.week,
            coherence=None,
            coherent=False,
            previous_posts=p.posts,
            merged_from=[],
            split_from=None,
            signature=p.signature,
        )
        item["tone_change"] = _tone_change(item["tone"], p.tone)
        out.append(item)
    _join_urls(con, lake, spec, summary, out)
    summary["coverage"]["storylines"] = {
        "original_posts": summary["volume"]["original_posts"],
        "grouped": len(docs),
        "sampled": sampled,
        "in_storylines": len(grouped),
        "method": "TF-IDF features, nearest-neighbour graph, Louvain communities; coherence >= "
        f"{MIN_COHERENCE}, at least {MIN_POSTS} posts by {MIN_AUTHORS} authors",
    }
    return out


def _describe(
    members: list[int],
    docs: list[Doc],
    vecs: list[dict[str, float]],
    center: dict[str, float],
    n: int,
    population: int,
    spec: Any,
    min_n: int,
) -> dict[str, Any]:
    from listening_post.analysis.excerpts import excerpt

    k = len(members)
    share = stats.share_estimate(k, n, 1) if n else None
    scale = population / n if n else 0.0
    posts: dict[str, Any] = {"value": round(k * scale), "sample": k}
    ci95 = share["ci95"] if share else None
    posts["ci95"] = [round(ci95[0] * population), round(ci95[1] * population)] if ci95 else None
    scores = [docs[i].sentiment for i in members if docs[i].sentiment is not None]
    total = sum(s for s in scores if s is not None)
    squares = sum(s * s for s in scores if s is not None)
    # A storyline is a small group: its tone is given from TONE_MIN_N scored posts, with its (wide) interval.
    tone = stats.mean_estimate(stats.Moments.from_sums(len(scores), total, squares), min(min_n, TONE_MIN_N))
    press = sum(1 for i in members if docs[i].source in PRESS_SOURCES)
    zone = ZoneInfo(spec.timezone)
    firsts = [at for i in members if (at := docs[i].created_at) is not None]
    days = Counter(at.astimezone(zone).date() for at in firsts)
    ranked = sorted(members, key=lambda i: (-sum(x * center.get(f, 0.0) for f, x in vecs[i].items()), docs[i].post_id))
    examples: list[dict[str, Any]] = []
    seen_texts: set[str] = set()
    # A headline first when the press carried it, then the posts closest to the storyline's centre; one
    # copy of a copied text.
    order = [i for i in ranked if docs[i].source in PRESS_SOURCES][:1] + ranked
    for i in order:
        d = docs[i]
        # One copy of a copied text, and one post of a coordinated campaign (its copies differ by a word).
        key = "coordinated" if d.coordinated else (d.copy_key or fold(d.text.lower())[:120])
        if key in seen_texts:
            continue
        seen_texts.add(key)
        examples.append(
            {
                "post_id": d.post_id,  # for the link join; removed before the summary is written
                "excerpt": excerpt(d.text, 200),
                "source": d.source,
                "kind": "press" if d.source in PRESS_SOURCES else "public",
                "url": None,
                "sentiment": d.sentiment,
                "created_at": d.created_at.isoformat() if d.created_at else None,
            }
        )
        if len(examples) == EXAMPLES:
            break
    return {
        "posts": posts,
        "share": share,
        "tone": tone,
        "press": round(press * scale),
        "public": round((k - press) * scale),
        "languages": [
            {"lang": x, "posts": round(c * scale)} for x, c in _ranked(docs[i].lang or "und" for i in members)
        ],
        "sources": [{"source": x, "posts": round(c * scale)} for x, c in _ranked(docs[i].source for i in members)],
        "first_at": min(firsts).isoformat() if firsts else None,
        "peak_day": min(days, key=lambda d: (-days[d], d)).isoformat() if days else None,
        "coordinated_share": sum(1 for i in members if docs[i].coordinated) / k if k else None,
        "outlets": _outlet_shares([docs[i] for i in members], spec.analysis.amplification.outlets),
        "examples": examples,
    }


def _read_domains(con: duckdb.DuckDBPyConnection, docs: list[Doc]) -> None:
    """Each doc's link domains (schema v3 ``domains``), from table ``texts``, which read them with the
    docs' texts (no scan of the week's files of its own)."""
    if not docs:
        return
    found = dict(
        con.execute(
            "SELECT post_id, domains FROM texts WHERE len(domains) > 0 AND post_id IN (SELECT unnest($ids::VARCHAR[]))",
            {"ids": [d.post_id for d in docs]},
        ).fetchall()
    )
    for d in docs:
        d.domains = tuple(found.get(d.post_id) or ())


def _outlet_shares(members: list[Doc], outlets: Any) -> dict[str, Any] | None:
    """The share of a storyline's posts linking to an outlet of the configuration's low-quality (and
    state-affiliated) lists (``analysis.amplification.outlets``; a domain covers its subdomains); None
    when neither list is configured."""
    from listening_post.analysis.amplification import on_list

    lists = {"low_quality": set(outlets.low_quality), "state_affiliated": set(outlets.state_affiliated)}
    if not any(lists.values()):
        return None
    out: dict[str, Any] = {"posts_with_links": sum(1 for d in members if d.domains)}
    for name, listed in lists.items():
        k = sum(1 for d in members if any(on_list(domain, listed) for domain in d.domains))
        out[name] = stats.share_estimate(k, len(members), 1) if members else None
    return out


def _ranked(values: Any) -> list[tuple[str, int]]:
    return sorted(Counter(values).items(), key=lambda kv: (-kv[1], kv[0]))


def _tone_change(tone: dict[str, Any], previous: dict[str, Any] | None) -> dict[str, Any]:
    if not previous or previous.get("value") is None or tone.get("value") is None:
        return {"difference": None, "verdict": stats.INSUFFICIENT, "test": None}
    test = stats.welch_test(
        stats.Moments.of(tone["n"], tone["value"], tone.get("sd")),
        stats.Moments.of(previous["n"], previous["value"], previous.get("sd")),
    )
    return {"difference": test["difference"] if test else None, "verdict": stats.verdict(test), "test": test}


def _join_urls(
    con: duckdb.DuckDBPyConnection,
    lake: Any,
    spec: Any,
    summary: Summary,
    items: list[dict[str, Any]],
) -> None:
    """Each example's link: the post's own ``url`` (from table ``texts``, which read it with the example's
    text) when it names no author, else the reader's link from ``links/`` (the one place such links are
    read, as for the other examples)."""
    from listening_post.links import read_links

    examples = [e for s in items for e in s["examples"]]
    ids = sorted({e["post_id"] for e in examples})
    if not ids:
        return
    start, end = datetime.fromisoformat(summary["period"]["start"]), datetime.fromisoformat(summary["period"]["end"])
    urls = dict(
        con.execute(
            "SELECT post_id, url FROM texts WHERE post_id IN (SELECT unnest($ids::VARCHAR[]))", {"ids": ids}
        ).fetchall()
    )
    missing = {pid for pid in ids if not urls.get(pid)}
    found = (
        read_links(lake, spec.country, start.astimezone(UTC).date(), end.astimezone(UTC).date(), missing)
        if missing
        else {}
    )
    for e in examples:
        pid = e.pop("post_id")
        e["url"] = urls.get(pid) or found.get(pid)


STORYLINES_SCHEMA = pa.schema(
    [
        ("storyline_id", pa.string()),
        ("label", pa.string()),
        ("status", pa.string()),
        ("since_week", pa.string()),
        ("posts", pa.int64()),
        ("posts_lo", pa.int64()),
        ("posts_hi", pa.int64()),
        ("share", pa.float64()),
        ("share_lo", pa.float64()),
        ("share_hi", pa.float64()),
        ("previous_posts", pa.float64()),
        ("scored", pa.int64()),
        ("mean_sentiment", pa.float64()),
        ("mean_lo", pa.float64()),
        ("mean_hi", pa.float64()),
        ("tone_change", pa.float64()),
        ("tone_verdict", pa.string()),
        ("press_posts", pa.int64()),
        ("public_posts", pa.int64()),
        ("coordinated_share", pa.float64()),
        ("languages", pa.list_(pa.string())),
        ("sources", pa.list_(pa.string())),
        ("peak_day", pa.string()),
        ("merged_from", pa.list_(pa.string())),
        ("split_from", pa.string()),
        ("generated_at", pa.timestamp("us", tz="UTC")),
        # Version 2 (added at the end: version 1 files read them as null): the share of the storyline's
        # posts linking to a listed low-quality / state-affiliated outlet, null when no list is configured.
        ("low_quality_share", pa.float64()),
        ("state_affiliated_share", pa.float64()),
    ],
    metadata={b"listening_post.schema": b"weekly_storylines", b"listening_post.schema_version": b"2"},
)


def storylines_table(summary: Summary) -> pa.Table:
    """One row per storyline of the week, for BI tools (country and week are partition keys in the path)."""

    def ci(est: dict[str, Any] | None, i: int) -> Any:
        return est["ci95"][i] if est and est.get("ci95") else None

    rows = []
    for s in summary.get("storylines") or []:
        rows.append(
            {
                "storyline_id": s["id"],
                "label": " · ".join(s["label"]),
                "status": s["status"],
                "since_week": s["since"],
                "posts": s["posts"]["value"],
                "posts_lo": ci(s["posts"], 0),
                "posts_hi": ci(s["posts"], 1),
                "share": (s["share"] or {}).get("value"),
                "share_lo": ci(s["share"], 0),
                "share_hi": ci(s["share"], 1),
                "previous_posts": s["previous_posts"],
                "scored": s["tone"]["n"],
                "mean_sentiment": s["tone"]["value"],
                "mean_lo": ci(s["tone"], 0),
                "mean_hi": ci(s["tone"], 1),
                "tone_change": s["tone_change"]["difference"],
                "tone_verdict": s["tone_change"]["verdict"],
                "press_posts": s["press"],
                "public_posts": s["public"],
                "coordinated_share": s["coordinated_share"],
                "languages": [x["lang"] for x in s["languages"]],
                "sources": [x["source"] for x in s["sources"]],
                "peak_day": s["peak_day"],
                "merged_from": s["merged_from"],
                "split_from": s["split_from"],
                "generated_at": datetime.fromisoformat(summary["generated_at"]),
                "low_quality_share": ((s.get("outlets") or {}).get("low_quality") or {}).get("value"),
                "state_affiliated_share": ((s.get("outlets") or {}).get("state_affiliated") or {}).get("value"),
            }
        )
    return pa.Table.from_pylist(rows, schema=STORYLINES_SCHEMA)
