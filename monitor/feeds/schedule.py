"""When feeds are polled: sync of configured feeds, due selection, next check time, parking."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import duckdb

from monitor import db
from monitor.feeds.model import DueFeed, FeedHealth
from monitor.settings import FeedConfig, PollingSettings

MAX_BACKOFF_DOUBLINGS = 16


def sync_feeds(
    con: duckdb.DuckDBPyConnection,
    feeds: Sequence[FeedConfig],
    polling: PollingSettings,
    now: dt.datetime,
) -> int:
    """Upsert the configured feeds (new ones due now), stop polling removed ones; return # added.

    Feeds already past a (lowered) error limit are parked here too.
    """
    configured = {feed.url: feed for feed in feeds}  # a URL listed twice counts once
    with db.transaction(con):
        before = db.query(con, "count_feeds")[0][0]
        db.execute(
            con,
            "feeds_upsert_configured",
            [
                list(configured),
                [f.name for f in configured.values()],
                [
                    f.interval_minutes or polling.default_interval_minutes
                    for f in configured.values()
                ],
                now,
            ],
        )
        db.execute(con, "feeds_deactivate_unconfigured", {"urls": list(configured)})
        db.execute(con, "feeds_park_over_limit", {"error_limit": polling.error_limit})
        after = db.query(con, "count_feeds")[0][0]
    return int(after - before)


def select_due_feeds(
    con: duckdb.DuckDBPyConnection,
    polling: PollingSettings,
    now: dt.datetime,
    limit: int | None = None,
) -> list[DueFeed]:
    """Feeds that are configured, not parked and whose next check time has come."""
    rows = db.query(con, "feeds_select_due", {"now": now, "limit": limit})
    return [DueFeed(*row) for row in rows]


def next_check_at(
    now: dt.datetime,
    polling: PollingSettings,
    *,
    interval_minutes: int,
    ttl_minutes: int | None = None,
    max_age_s: float | None = None,
    retry_after_s: float | None = None,
    error_count: int = 0,
) -> dt.datetime:
    """Largest of interval, <ttl>, max-age, Retry-After and error backoff, clamped to the bounds."""
    candidates = [float(interval_minutes)]
    if ttl_minutes:
        candidates.append(float(ttl_minutes))
    if max_age_s:
        candidates.append(max_age_s / 60)
    if retry_after_s:
        candidates.append(retry_after_s / 60)
    if error_count > 0:
        doublings = min(error_count - 1, MAX_BACKOFF_DOUBLINGS)
        candidates.append(polling.backoff_base_minutes * 2**doublings)
    minutes = min(max(max(candidates), polling.min_interval_minutes), polling.max_interval_minutes)
    return now + dt.timedelta(minutes=minutes)


def list_feeds(con: duckdb.DuckDBPyConnection) -> list[FeedHealth]:
    """Every feed with its polling health."""
    return [FeedHealth(*row) for row in db.query(con, "feeds_list")]


def reset_feed(con: duckdb.DuckDBPyConnection, feed_id: int, now: dt.datetime) -> bool:
    """Un-park a feed, clear its errors and make it due now; False if there is no such feed."""
    with db.transaction(con):
        rows = db.query(con, "feeds_find_id", {"id": feed_id})
        db.execute(con, "feeds_reset", {"id": feed_id, "now": now})
    return bool(rows)


def reset_parked_feeds(con: duckdb.DuckDBPyConnection, now: dt.datetime) -> list[int]:
    """Un-park every parked feed (e.g. after a network outage); return their ids."""
    with db.transaction(con):
        rows = db.query(con, "feeds_parked_ids")
        db.execute(con, "feeds_reset_all_parked", {"now": now})
    return [int(row[0]) for row in rows]
