"""Synthetic history for the growth benchmark, inserted in bulk with INSERT ... SELECT.

History articles are built inside DuckDB from the corpus sentence pools: stories of
ARTICLES_PER_STORY articles spread over a year, each article SENTENCES_PER_ARTICLE sentences,
with the claim ledger, claim mentions, story links, feed entries, sent alerts and story-linker
state (story vectors, term document frequencies) a real database of that size would hold. Nothing is inserted row by row.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path
from typing import Any

from bench.common import use_bench_sql
from bench.site import StoryDoc, load_corpus
from monitor import db

ARTICLES_PER_STORY = 25
SENTENCES_PER_ARTICLE = 8
SPAN_DAYS = 365
HISTORY_CHANNEL = "bench-webhook"

_STEPS = (
    "stories",
    "vectors",
    "articles",
    "versions",
    "entries",
    "links",
    "claims",
    "mentions",
    "alerts",
)


def _normalizer() -> Any:
    try:
        from monitor.claims import normalize
    except ImportError:
        return lambda text: " ".join(text.lower().split())
    return normalize


def write_corpus_pool(corpus: list[StoryDoc], path: Path, df_path: Path) -> int:
    """Write one JSON line per corpus story (pooled, normalised sentences and the linker's vector
    of the story), and the corpus document frequency of every linker term; return # corpus docs."""
    from collections import Counter

    from monitor import stories
    from monitor.settings import LinkingSettings

    normalize = _normalizer()
    linking = LinkingSettings()
    pools: dict[str, list[str]] = {}
    titles: dict[str, list[str]] = {}
    counts: dict[str, Counter[str]] = {}
    df: Counter[str] = Counter()
    for doc in corpus:
        titles.setdefault(doc.story, []).append(doc.title[:200])
        pool = pools.setdefault(doc.story, [])
        pool.extend(s for s in doc.sentences if s not in pool)
        terms = stories.extract_terms(doc.title, " ".join(doc.sentences[1:]), linking)
        counts.setdefault(doc.story, Counter()).update(terms)
        df.update(set(terms))
    with path.open("w", encoding="utf-8") as handle:
        for topic_no, story in enumerate(sorted(pools)):
            sentences = pools[story]
            vector = stories.weigh_terms(counts[story], lambda t: df[t], len(corpus))
            strongest = sorted(vector.items(), key=lambda item: item[1], reverse=True)
            strongest = strongest[: linking.story_terms_max]
            handle.write(
                json.dumps(
                    {
                        "topic_no": topic_no,
                        "story": story,
                        "title": titles[story][0][:100],
                        "sentences": sentences,
                        "normalized": [normalize(s) for s in sentences],
                        "terms": [t for t, _ in strongest],
                        "weights": [w for _, w in strongest],
                        "titles": titles[story][: stories.TITLES_KEPT],
                    }
                )
                + "\n"
            )
    with df_path.open("w", encoding="utf-8") as handle:
        for term, count in df.items():
            handle.write(json.dumps({"term": term, "df": count}) + "\n")
    return len(corpus)


def load_history(
    con: Any,
    articles: int,
    feed_ids: list[int],
    now: dt.datetime | None = None,
    corpus: list[StoryDoc] | None = None,
) -> dict[str, float]:
    """Insert `articles` synthetic history articles and everything hanging off them; seconds per step."""
    import time

    use_bench_sql()
    now = now or db.utcnow()
    timings: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="bench-history-") as tmp:
        pool_path = Path(tmp) / "pool.jsonl"
        df_path = Path(tmp) / "df.jsonl"
        corpus_docs = write_corpus_pool(
            corpus if corpus is not None else load_corpus(), pool_path, df_path
        )
        started = time.perf_counter()
        db.execute(con, "bench_history_corpus", {"path": str(pool_path)})
        with db.transaction(con):
            db.execute(
                con,
                "bench_history_term_df",
                {"path": str(df_path), "scale": articles / max(1, corpus_docs)},
            )
            db.execute(con, "bench_history_corpus_docs", {"docs": articles})
        db.execute(
            con,
            "bench_history_plan",
            {
                "articles": articles,
                "per_story": ARTICLES_PER_STORY,
                "span_days": SPAN_DAYS,
                "now": now,
                "sentences": SENTENCES_PER_ARTICLE,
            },
        )
        timings["plan"] = time.perf_counter() - started
    params: dict[str, dict[str, Any]] = {
        "entries": {"feed_ids": feed_ids},
        "alerts": {"channel": HISTORY_CHANNEL},
    }
    for step in _STEPS:
        started = time.perf_counter()
        with db.transaction(con):
            db.execute(con, f"bench_history_{step}", params.get(step))
        timings[step] = time.perf_counter() - started
    db.execute(con, "bench_history_drop_plan")
    # A database of this size that has been running has its full-text indexes built already.
    from monitor import search

    started = time.perf_counter()
    search.refresh_search_index(con, force=True)
    timings["search_index"] = time.perf_counter() - started
    started = time.perf_counter()
    con.execute("CHECKPOINT")
    timings["checkpoint"] = time.perf_counter() - started
    return timings
