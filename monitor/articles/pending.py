"""The work queue: entries whose page is still to be fetched, and requeueing failed ones."""

from __future__ import annotations

import datetime as dt

import duckdb

from monitor import db
from monitor.articles.model import PendingEntry


def select_pending_entries(
    con: duckdb.DuckDBPyConnection, now: dt.datetime, limit: int
) -> list[PendingEntry]:
    """Entries to fetch: pending ones, and failed ones whose retry time has come; oldest first."""
    rows = db.query(con, "articles_entries_pending", {"now": now, "limit": limit})
    return [PendingEntry(*row) for row in rows]


def requeue_failed_entries(
    con: duckdb.DuckDBPyConnection, entry_ids: list[int] | None = None
) -> list[int]:
    """Give failed or parked entries a fresh attempt budget; return the ids requeued."""
    with db.transaction(con):
        rows = db.query(con, "articles_entries_failed_ids", {"ids": entry_ids})
        db.execute(con, "articles_entries_requeue_failed", {"ids": entry_ids})
    return [int(row[0]) for row in rows]
