"""Story rows in DuckDB: vectors written and read, candidate stories looked up, the DF log folded."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from typing import Any

import duckdb

from monitor import db
from monitor.settings import LinkingSettings
from monitor.stories.model import StoryState, TermDfCompaction
from monitor.stories.vectors import query_terms

LOGGER = logging.getLogger(__name__)


_UNIT, _RECORD = "\x1f", "\x1e"


def _pack(values: Iterable[Any], sep: str = ",") -> str:
    """Join values for a `string_split` parameter: DuckDB binds one string far faster than a list."""
    return sep.join(
        "" if v is None else str(v).replace(_UNIT, " ").replace(_RECORD, " ") for v in values
    )


def _save_vector(
    con: duckdb.DuckDBPyConnection, story: StoryState, now: dt.datetime, keep_counts: bool = False
) -> None:
    existing = db.query(con, "stories_vector_by_id", [story.id]) if keep_counts else []
    if existing:
        # Keyword change on a tracked story: keep what its articles taught it, add the new seed.
        terms = dict(zip(existing[0][1], existing[0][2], strict=True))
        for term, weight in story.terms.items():
            terms[term] = max(terms.get(term, 0.0), weight)
        story.terms = terms
        story.doc_count, story.last_at, story.titles = (
            existing[0][0],
            existing[0][3],
            list(existing[0][4]),
        )
    db.execute(con, "stories_delete_vector", [story.id])
    _insert_vector(con, story, now)


def _insert_vector(con: duckdb.DuckDBPyConnection, story: StoryState, now: dt.datetime) -> None:
    db.execute(
        con,
        "stories_insert_vector",
        [
            story.id,
            story.doc_count,
            story.last_at,
            list(story.terms),
            list(story.terms.values()),
            story.titles,
            now,
        ],
    )


def _save_vectors(
    con: duckdb.DuckDBPyConnection, stories: Sequence[StoryState], now: dt.datetime
) -> None:
    if not stories:
        return
    db.execute(con, "stories_delete_vectors", [_pack(s.id for s in stories)])
    db.execute(
        con,
        "stories_insert_vectors_batch",
        {
            "ids": _pack(s.id for s in stories),
            "counts": _pack(s.doc_count for s in stories),
            "times": _pack(s.last_at for s in stories),
            # Inner lists are packed (and cleaned) first; the record separator joins them as they are.
            "terms": _RECORD.join(_pack(s.terms, _UNIT) for s in stories),
            "weights": _RECORD.join(_pack(s.terms.values()) for s in stories),
            "titles": _RECORD.join(_pack(s.titles, _UNIT) for s in stories),
            "now": now,
        },
    )


def _candidate_stories(
    con: duckdb.DuckDBPyConnection,
    settings: LinkingSettings,
    since: dt.datetime,
    vectors: Sequence[dict[str, float]],
) -> list[tuple[StoryState, list[str] | None]]:
    """Stories active since SINCE sharing the strongest terms of VECTORS (blocking in SQL), plus tracked.

    Each comes with the terms to index it by in a linker: those it was found by, or None (all of
    its terms) for a tracked story. Nothing is read when the vectors have no terms.
    """
    lookup_docs: list[int] = []
    lookup_terms: list[str] = []
    lookup_weights: list[float] = []
    for index, vector in enumerate(vectors):
        for term in query_terms(vector, settings):
            lookup_docs.append(index)
            lookup_terms.append(term)
            lookup_weights.append(round(vector[term], 5))
    if not lookup_terms:
        return []
    rows = db.query(
        con,
        "stories_candidate_vectors",
        {
            "since": since,
            "docs": _pack(lookup_docs),
            "terms": _pack(lookup_terms, _UNIT),
            "weights": _pack(lookup_weights),
            "per_term": settings.postings_per_term_max,
            "per_doc": settings.candidates_max,
        },
    )
    return [
        (
            StoryState(
                id=story_id,
                terms=dict(zip(names, weights, strict=True)),
                doc_count=doc_count,
                last_at=last_at,
                titles=list(titles or []),
                tracked=bool(tracked),
                keywords=tuple(keywords or ()),
                name=name,
            ),
            matched if not tracked else None,
        )
        for story_id, doc_count, last_at, names, weights, titles, tracked, keywords, name, matched in rows
    ]


def compact_term_df(
    con: duckdb.DuckDBPyConnection, settings: LinkingSettings, now: dt.datetime
) -> TermDfCompaction:
    """Fold story_term_df to one row per term (and story_corpus to one row); drop rare terms when large.

    Linking appends one row per term per batch, so the table grows with every cycle even when no
    new term appears. Folding keeps every frequency exact; terms below `term_df_min_docs` are
    dropped only once more than `term_df_terms_max` distinct terms are kept. The fold is recorded
    in story_term_df_last_fold.
    """
    with db.transaction(con):
        rows_before, terms = (int(v) for v in db.query(con, "stories_term_df_stats")[0])
        min_docs = settings.term_df_min_docs if terms > settings.term_df_terms_max else 1
        db.execute(con, "stories_term_df_fold", {"min_docs": min_docs})
        db.execute(con, "stories_term_df_clear")
        db.execute(con, "stories_term_df_refill")
        db.execute(con, "stories_term_df_drop_folded")
        rows_after = int(db.query(con, "stories_term_df_stats")[0][0])
        corpus_docs = int(db.query(con, "stories_corpus_docs")[0][0])
        db.execute(con, "stories_corpus_clear")
        db.execute(con, "stories_add_corpus_docs", [corpus_docs])
        db.execute(con, "stories_term_df_clear_fold")
        db.execute(
            con,
            "stories_term_df_record_fold",
            {
                "now": now,
                "rows_before": rows_before,
                "rows_after": rows_after,
                "terms_dropped": terms - rows_after,
                "min_docs": min_docs,
            },
        )
    LOGGER.info(
        "stories: document frequencies folded from %s to %s rows (%s rare terms dropped)",
        rows_before,
        rows_after,
        terms - rows_after,
    )
    return TermDfCompaction(rows_before, rows_after, terms - rows_after, min_docs)
