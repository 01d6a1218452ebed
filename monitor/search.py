"""Full-text search over article versions and claims with DuckDB's fts extension (BM25)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
import time
from typing import Any

import duckdb

from monitor import db
from monitor.errors import StoreError

LOGGER = logging.getLogger(__name__)

SOURCES = ("article_versions", "claims")
KINDS = ("claim", "article")
SNIPPET_CHARS = 220
_WORD = re.compile(r"[\w’'-]+", re.UNICODE)
NEEDS_DUCKDB = (
    "full-text search needs the duckdb backend: DuckLake tables cannot carry the fts "
    'extension\'s BM25 index (set [database] backend = "duckdb", or query the analyst views)'
)


def unavailable_reason(con: duckdb.DuckDBPyConnection) -> str | None:
    """Why full-text search cannot run on this connection's store, or None when it can."""
    return NEEDS_DUCKDB if db.is_ducklake(con) else None


@dataclasses.dataclass(frozen=True)
class Hit:
    """One search result: a claim or an article version, with where it came from."""

    kind: str  # claim | article
    id: int  # claims.id or article_versions.id
    article_id: int
    story_id: int | None
    story_name: str | None
    outlet: str
    url: str | None
    title: str | None
    snippet: str
    seen_at: dt.datetime
    score: float


def index_lag(con: duckdb.DuckDBPyConnection) -> dict[str, int | None]:
    """Rows each index is missing: 0 when current, None when the index was never built."""
    state = {row[0]: (row[1], row[2]) for row in db.query(con, "search_index_state")}
    lag: dict[str, int | None] = {}
    for source, row_count, max_id in db.query(con, "search_source_stats"):
        if source not in state:
            lag[source] = None
        elif state[source] == (row_count, max_id):
            lag[source] = 0
        else:
            lag[source] = max(row_count - state[source][0], 1)
    return lag


def refresh_search_index(
    con: duckdb.DuckDBPyConnection,
    force: bool = False,
    min_interval_s: float = 0.0,
    rebuild_time_share_max: float = 0.0,
    rebuild_always_below_s: float = 2.0,
) -> list[str]:
    """Rebuild each FTS index whose table changed since it was built; return the rebuilt ones.

    A rebuild re-reads the whole table (about a minute for 20,000 article versions), so an index
    is rebuilt at most every MIN_INTERVAL_S seconds and, when REBUILD_TIME_SHARE_MAX is set, only
    once the time since its last build is at least that build's duration divided by the share:
    a slow rebuild then costs at most that share of the wall time. Builds faster than
    REBUILD_ALWAYS_BELOW_S always run. A missing index is always built. On DuckLake nothing is
    built: the skip and its reason are logged.
    """
    reason = unavailable_reason(con)
    if reason:
        LOGGER.info("search index not refreshed: %s", reason)
        return []
    lag = index_lag(con)
    stats = {row[0]: (row[1], row[2]) for row in db.query(con, "search_source_stats")}
    state = {row[0]: (row[3], float(row[4])) for row in db.query(con, "search_index_state")}
    now = db.utcnow()
    stale = [
        source
        for source in SOURCES
        if force
        or lag[source] is None
        or (
            lag[source] != 0
            and _rebuild_due(
                now, *state[source], min_interval_s, rebuild_time_share_max, rebuild_always_below_s
            )
        )
    ]
    if not stale:
        return []
    db.load_extension(con, "fts")
    with db.transaction(con):
        for source in stale:
            started = time.perf_counter()
            db.execute(con, f"search_build_{source}")
            row_count, max_id = stats[source]
            db.execute(
                con,
                "search_record_index",
                [source, row_count, max_id, now, time.perf_counter() - started],
            )
    db.execute(con, "db_checkpoint")  # the rebuilt index is DDL: do not leave it in the WAL
    LOGGER.info("rebuilt search index for %s", ", ".join(stale))
    return stale


def _rebuild_due(
    now: dt.datetime,
    built_at: dt.datetime,
    build_seconds: float,
    min_interval_s: float,
    share: float,
    always_below_s: float,
) -> bool:
    wait_s = min_interval_s
    if share > 0 and build_seconds >= always_below_s:
        wait_s = max(wait_s, build_seconds / share)
    return (now - built_at).total_seconds() >= wait_s


def search(
    con: duckdb.DuckDBPyConnection,
    text: str,
    limit: int = 10,
    kinds: tuple[str, ...] = KINDS,
) -> list[Hit]:
    """Claims, then articles, matching TEXT by BM25; at most LIMIT of each kind."""
    reason = unavailable_reason(con)
    if reason:
        raise StoreError(reason)
    if not query_terms(text):
        return []
    lag = index_lag(con)
    missing = [s for s in SOURCES if lag[s] is None]
    if missing:
        raise StoreError(
            f"search index not built for {', '.join(missing)}: run `monitor search --reindex` "
            "or one `monitor run` cycle"
        )
    db.load_extension(con, "fts")
    hits: list[Hit] = []
    for kind in kinds:
        if kind not in KINDS:
            raise ValueError(f"unknown search kind {kind!r}; expected one of {KINDS}")
        rows = db.query(con, f"search_{kind}s", {"query": text, "limit": limit})
        hits.extend(_hit(row, text) for row in rows)
    return hits


def _hit(row: tuple[Any, ...], text: str) -> Hit:
    kind, hit_id, article_id, story_id, story_name, outlet, url, title, body, seen_at, score = row
    return Hit(
        kind=kind,
        id=hit_id,
        article_id=article_id,
        story_id=story_id,
        story_name=story_name,
        outlet=outlet,
        url=url,
        title=title,
        snippet=make_snippet(body, text),
        seen_at=seen_at,
        score=float(score),
    )


def query_terms(text: str) -> list[str]:
    """The words of a search text, lower-cased."""
    return [w.lower() for w in _WORD.findall(text) if len(w) > 1]


def make_snippet(body: str, text: str, width_chars: int = SNIPPET_CHARS) -> str:
    """The stretch of BODY around its first matching search word, on one line."""
    flat = " ".join(body.split())
    if len(flat) <= width_chars:
        return flat
    lowered = flat.lower()
    # A stem-length prefix finds "strikes" for "strike" and "paused" for "pause", as BM25 did.
    occurrences = [
        (m.start(), term)
        for term in set(query_terms(text))
        for m in re.finditer(r"\b" + re.escape(term[: max(4, len(term) - 2)]), lowered)
    ]
    start = 0
    if occurrences:
        # Centre on the stretch that holds the most distinct search words.
        def covered(pos: int) -> int:
            window = range(pos - width_chars // 4, pos + width_chars * 3 // 4)
            return len({term for at, term in occurrences if at in window})

        best = min(occurrences, key=lambda occ: (-covered(occ[0]), occ[0]))[0]
        start = max(best - width_chars // 4, 0)
    if start:
        space = flat.find(" ", start)
        start = space + 1 if 0 <= space < start + 20 else start
    end = min(start + width_chars, len(flat))
    if end < len(flat):
        space = flat.rfind(" ", start, end)
        end = space if space > start else end
    return ("… " if start else "") + flat[start:end] + (" …" if end < len(flat) else "")
