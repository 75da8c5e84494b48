"""Emerging terms: what this week talks about more than the weeks before.

Words, bigrams and hashtags are counted once per post (document frequency) and compared between this week
and the baseline weeks by the weighted log-odds ratio with an informative Dirichlet prior (Monroe,
Colaresi and Quinn 2008, "Fightin' Words", section 3.5), the prior being the pooled counts of both periods
scaled to ``PRIOR_WEIGHT`` pseudo-posts. A term is emerging when its z-score passes ``MIN_Z`` and it was
used by enough distinct authors, so one prolific account cannot make a trend.

Tokenisation runs inside DuckDB (regular expressions over the week's texts), so it scales with the engine;
languages written without spaces are excluded explicitly and reported, not tokenised wrongly.
"""

from __future__ import annotations

from typing import Any

import duckdb
import stopwordsiso

from listening_post.summary_model import EmergingTerm

# Scripts without spaces between words: a regular-expression tokeniser would return whole sentences.
UNSPACED_LANGUAGES = ("zh", "ja", "th", "lo", "km", "my", "bo")
PRIOR_WEIGHT = 500.0  # alpha_0 in pseudo-posts
MIN_Z = 3.0
MIN_POSTS = 4
MIN_AUTHORS = 3
MAX_TERMS = 12
# Beyond this many original posts in a period (the week, or the baseline weeks together, each taking an
# equal part) the counts come from a uniform hash sample of that size, and the summary says so. 25,000 posts
# find a term used by 0.1% of them (25 posts) and rank the top terms as the full week would; two equal
# samples weigh the week and its baseline alike. Tokenising costs about 10 µs a post.
MAX_POSTS_PER_PERIOD = 25_000
_EXTRA_STOP = ("http", "https", "www", "amp", "rt", "via", "com")
_TOKEN = r"#?[\p{L}\p{M}][\p{L}\p{M}\p{N}_'’-]*[\p{L}\p{M}\p{N}]|#?[\p{L}\p{M}]"  # noqa: S105  # nosec B105 - a regex
_NOISE = r"(https?://|www\.)\S+|@[\w.@-]+"


def stop_words(languages: list[str]) -> list[str]:
    words: set[str] = set(_EXTRA_STOP)
    for lang in languages:
        if stopwordsiso.has_lang(lang):
            words |= {w.lower() for w in stopwordsiso.stopwords(lang)}
    return sorted(words)


def tokens_sql(text: str, lang: str) -> str:
    """SQL for the tokens of a text column (a list, NULL for languages written without spaces). Case is
    folded; accents are kept (stripping them mangles Indic scripts, whose vowel signs are marks). Links and
    mentions are not words. Runs where the texts are read, so it is spread over the scan's threads."""
    return (
        f"CASE WHEN {lang} NOT IN {UNSPACED_LANGUAGES} "
        f"THEN regexp_extract_all(regexp_replace(lower({text}), {_literal(_NOISE)}, ' ', 'g'), {_literal(_TOKEN)}) END"
    )


def _literal(pattern: str) -> str:
    return "'" + pattern.replace("'", "''") + "'"


def prepare(con: duckdb.DuckDBPyConnection, languages: list[str]) -> None:
    """Register the stop words (table ``stop``) and turn the tokens of ``p_text`` into ``doc_terms``: one
    row per (post, word or word pair), the post by its number ``doc``.

    ``p_text`` must hold ``doc, post_id, w, author_id, topics, toks`` (:func:`tokens_sql`) for the original
    posts of the periods compared, one row per post.
    """
    # One statement with a list parameter: executemany inserts row by row, 100x slower for 3,000 words.
    con.execute(
        "CREATE OR REPLACE TEMP TABLE stop AS SELECT unnest($words::VARCHAR[]) AS word",
        {"words": stop_words(languages)},
    )
    # A word pair is a token and the next one, side by side from two unnests of the same list: no window
    # over the tokens. Tokens start with a letter (see _TOKEN), so only short words and stop words go.
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE doc_terms AS
        WITH pairs AS (
            SELECT doc, w, unnest(toks) AS tok, unnest(toks[2:]) AS next_tok FROM p_text
        ),
        flagged AS (
            SELECT doc, w, tok, next_tok,
                   NOT starts_with(tok, '#') AND (length(tok) < 3 OR s1.word IS NOT NULL) AS is_stop,
                   NOT starts_with(next_tok, '#') AND (length(next_tok) < 3 OR s2.word IS NOT NULL) AS next_stop
            FROM pairs LEFT JOIN stop s1 ON s1.word = tok LEFT JOIN stop s2 ON s2.word = next_tok
        )
        SELECT DISTINCT doc, w, term FROM (
            SELECT doc, w, tok AS term FROM flagged WHERE NOT is_stop
            UNION ALL
            SELECT doc, w, tok || ' ' || next_tok FROM flagged
            WHERE next_tok IS NOT NULL AND NOT is_stop AND NOT next_stop
              AND NOT starts_with(tok, '#') AND NOT starts_with(next_tok, '#')
        )
        """
    )


def emerging(
    con: duckdb.DuckDBPyConnection,
    condition: str = "TRUE",
    params: dict[str, Any] | None = None,
    *,
    limit: int = MAX_TERMS,
    organic_only: bool = False,
) -> list[EmergingTerm]:
    """Terms of week 0 against the baseline weeks among the sampled posts (``p_text``) meeting ``condition``
    (constant SQL over its columns; values go in ``params``), strongest first. ``organic_only`` drops terms
    that come mostly from coordinated clusters. Needs :func:`prepare` and the table ``cluster_posts``."""
    # Two steps: the counts and z-scores of every term first (one cheap grouping), then authors, coordinated
    # share and the post set only for the few terms that pass the count and z thresholds.
    rows = con.execute(
        f"""
        WITH scoped AS MATERIALIZED (
            SELECT d.* FROM doc_terms d WHERE d.doc IN (SELECT doc FROM p_text WHERE {condition})
        ),
        docs AS (
            SELECT count(*) FILTER (WHERE w = 0) AS n_a, count(*) FILTER (WHERE w < 0) AS n_b
            FROM p_text WHERE {condition}
        ),
        counts AS (
            SELECT term, count(*) FILTER (WHERE w = 0) AS y_a, count(*) FILTER (WHERE w < 0) AS y_b
            FROM scoped GROUP BY term
        ),
        scored AS (
            SELECT c.term, c.y_a, c.y_b, d.n_a, d.n_b,
                   {PRIOR_WEIGHT} * (c.y_a + c.y_b) / (d.n_a + d.n_b) AS alpha
            FROM counts c, docs d
            WHERE d.n_a > 0 AND d.n_b > 0 AND c.y_a >= {MIN_POSTS}
        ),
        z AS (
            SELECT term, y_a, y_b, n_a, n_b,
                   ln((y_a + alpha) / (n_a + {PRIOR_WEIGHT} - y_a - alpha))
                 - ln((y_b + alpha) / (n_b + {PRIOR_WEIGHT} - y_b - alpha)) AS delta,
                   1.0 / (y_a + alpha) + 1.0 / (y_b + alpha) AS var
            FROM scored
        ),
        candidates AS (
            SELECT term, y_a, y_b, n_a, n_b, delta, delta / sqrt(var) AS z FROM z WHERE delta / sqrt(var) >= {MIN_Z}
        ),
        detail AS (
            SELECT s.term,
                   count(DISTINCT t.author_id) AS authors,
                   count(*) FILTER (WHERE t.post_id IN (SELECT post_id FROM cluster_posts)) AS coordinated,
                   hash(list_sort(list(s.doc))) AS posts_key
            FROM scoped s JOIN p_text t USING (doc)
            WHERE s.w = 0 AND s.term IN (SELECT term FROM candidates) GROUP BY s.term
        )
        SELECT c.term, y_a, y_b, authors, coordinated, posts_key, n_a, n_b, delta, z
        FROM candidates c JOIN detail USING (term)
        WHERE authors >= {MIN_AUTHORS}
              {"AND coordinated * 2 < y_a" if organic_only else ""}
        ORDER BY z DESC, starts_with(c.term, '#') DESC, contains(c.term, ' ') DESC, c.term
        LIMIT {int(limit) * 10}
        """,
        params or {},
    ).fetchall()
    # Terms found in exactly the same posts say one thing: keep the first (hashtags, then bigrams, rank
    # first) and list the others with it. A word already inside a kept bigram adds nothing either.
    out: list[EmergingTerm] = []
    by_posts: dict[int, EmergingTerm] = {}
    kept_words: set[str] = set()
    for term, y_a, y_b, authors, coordinated, posts_key, n_a, n_b, delta, z in rows:
        if posts_key in by_posts:
            by_posts[posts_key]["with"].append(term)
            continue
        if " " not in term and term in kept_words:
            continue
        if len(out) >= limit:
            continue
        kept_words.update(term.split(" "))
        by_posts[posts_key] = {
            "term": term,
            "kind": "hashtag" if term.startswith("#") else "bigram" if " " in term else "word",
            "count": y_a,
            "baseline_count": y_b,
            "share": y_a / n_a,
            "baseline_share": y_b / n_b,
            "authors": authors,
            "coordinated_share": coordinated / y_a,
            "log_odds": delta,
            "z": z,
            "with": [],
        }
        out.append(by_posts[posts_key])
    return out
