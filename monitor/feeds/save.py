"""Saving a polled batch: each feed's polling state and its new or updated entries, in one transaction."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import duckdb

from monitor import db
from monitor.errors import FetchError, HTTPStatusError, MonitorError, ParseError, StoreError
from monitor.feeds.model import ERROR_MESSAGE_CHARS, FeedFetch, ParsedFeed, PollReport
from monitor.feeds.parse import parse_safely
from monitor.feeds.schedule import next_check_at
from monitor.feeds.workers import parse_fetched_feeds
from monitor.http import parse_max_age
from monitor.settings import PollingSettings

LOGGER = logging.getLogger(__name__)

MAX_REPORTED_ERRORS = 100  # every error is on its feed row; the run summary keeps a sample


def save_feed_results(
    con: duckdb.DuckDBPyConnection,
    fetches: Sequence[FeedFetch],
    polling: PollingSettings,
    now: dt.datetime,
    parse_timeout_s: float | None = None,
) -> PollReport:
    """Parse fetched feeds, then store polling state and new entries of the batch in one transaction.

    With PARSE_TIMEOUT_S, a large feed is parsed in a worker process and recorded as a parse
    timeout on its row (retried at its next check) if it takes longer.
    """
    report = PollReport(feeds_polled=len(fetches))
    parsed = parse_fetched_feeds(fetches, parse_timeout_s)
    outcomes = [_outcome(fetch, polling, now, parsed.get(i)) for i, fetch in enumerate(fetches)]
    if not outcomes:
        return report
    parsed_outcomes = [o for o in outcomes if o.parsed is not None]
    try:
        # One transaction for the batch: DuckDB costs ~10 ms per DML statement here, so
        # per-feed statements would take minutes for a few thousand feeds. A feed's state and
        # its entries still land together, and a crash before COMMIT just re-polls the batch.
        with db.transaction(con):
            known = _known_entries(con, parsed_outcomes)
            new_rows: list[list[Any]] = []
            requeue_rows: list[list[Any]] = []
            for outcome in parsed_outcomes:
                assert outcome.parsed is not None
                feed_id = outcome.fetch.feed.id
                for entry in outcome.parsed.entries:
                    key = (feed_id, entry.guid)
                    if key not in known:
                        known[key] = entry.updated_at
                        outcome.new_entries += 1
                        new_rows.append(
                            [
                                feed_id,
                                entry.guid,
                                entry.url,
                                entry.title,
                                entry.published_at,
                                entry.updated_at,
                            ]
                        )
                    elif entry.updated_at is not None and entry.updated_at != known[key]:
                        outcome.updated_entries += 1
                        requeue_rows.append(
                            [feed_id, entry.guid, entry.url, entry.title, entry.updated_at]
                        )
            if new_rows:
                db.execute(con, "entries_insert_batch", _columns(new_rows, 6) + [now])
            if requeue_rows:
                db.execute(con, "entries_requeue_updated", _columns(requeue_rows, 5))
            db.execute(
                con,
                "feeds_save_poll_results",
                _columns([o.row() for o in outcomes], len(_OUTCOME_COLUMNS))
                + [now, polling.error_limit],
            )
    except StoreError as e:
        raise StoreError(f"could not save the results of {len(outcomes)} polled feeds: {e}") from e
    for outcome in outcomes:
        outcome.add_to(report, polling)
    return report


_OUTCOME_COLUMNS = (
    "id",
    "kind",
    "status",
    "etag",
    "last_modified",
    "title",
    "site_url",
    "ttl_minutes",
    "next_check_at",
    "error",
    "new_entries",
    "bad_entries",
)


@dataclass
class _Outcome:
    """What one fetch means for its feed row, computed before the transaction."""

    fetch: FeedFetch
    kind: str  # ok | not_modified | error
    next_check_at: dt.datetime
    parsed: ParsedFeed | None = None
    error: str | None = None
    status: int | None = None
    new_entries: int = 0
    updated_entries: int = 0

    def row(self) -> list[Any]:
        response = self.fetch.response
        headers = response.headers if response is not None else {}
        parsed = self.parsed
        return [
            self.fetch.feed.id,
            self.kind,
            self.status,
            headers.get("etag"),
            headers.get("last-modified"),
            parsed.title if parsed else None,
            parsed.site_url if parsed else None,
            parsed.ttl_minutes if parsed else None,
            self.next_check_at,
            self.error,
            self.new_entries,
            parsed.bad_entries if parsed else 0,
        ]

    def add_to(self, report: PollReport, polling: PollingSettings) -> None:
        feed = self.fetch.feed
        if self.kind == "error":
            report.failed += 1
            if len(report.errors) < MAX_REPORTED_ERRORS:
                report.errors[feed.id] = self.error or ""
            if feed.error_count + 1 >= polling.error_limit:
                report.parked += 1
                LOGGER.warning(
                    "feed %s %s: parked after %s consecutive errors; last: %s",
                    feed.id,
                    feed.url,
                    feed.error_count + 1,
                    self.error,
                )
            else:
                LOGGER.info(
                    "feed %s %s: error %s, next check %s: %s",
                    feed.id,
                    feed.url,
                    feed.error_count + 1,
                    self.next_check_at,
                    self.error,
                )
            return
        if self.kind == "not_modified":
            report.not_modified += 1
            LOGGER.debug(
                "feed %s %s: not modified, next check %s", feed.id, feed.url, self.next_check_at
            )
            return
        assert self.parsed is not None
        report.new_entries += self.new_entries
        report.updated_entries += self.updated_entries
        report.bad_entries += self.parsed.bad_entries
        report.relative_links += self.parsed.relative_links
        if self.parsed.bozo:
            report.recovered_malformed += 1
            LOGGER.info(
                "feed %s %s: recovered from a malformed document: %s",
                feed.id,
                feed.url,
                self.parsed.bozo_message,
            )
        LOGGER.info(
            "feed %s %s: %s entries, %s new, %s updated, %s bad, next check %s",
            feed.id,
            feed.url,
            len(self.parsed.entries),
            self.new_entries,
            self.updated_entries,
            self.parsed.bad_entries,
            self.next_check_at,
        )


def _outcome(
    fetch: FeedFetch,
    polling: PollingSettings,
    now: dt.datetime,
    parsed_already: ParsedFeed | ParseError | None = None,
) -> _Outcome:
    """Classify one fetch and compute its next check time (pure)."""
    feed = fetch.feed
    response = fetch.response
    error: MonitorError | None = fetch.error
    if error is None and response is None:
        error = FetchError(f"{feed.url}: no response recorded", feed.url)
    parsed = None
    if error is None and response is not None and response.status != 304:
        if parsed_already is None:
            parsed_already = parse_safely(response.body, response.url, response.headers)
        if isinstance(parsed_already, ParseError):
            error = parsed_already
        else:
            parsed = parsed_already
    if error is not None:
        retry_after = error.retry_after_s if isinstance(error, HTTPStatusError) else None
        status = getattr(error, "status", None)
        if status is None and response is not None:
            status = response.status
        when = next_check_at(
            now,
            polling,
            interval_minutes=feed.interval_minutes,
            ttl_minutes=feed.ttl_minutes,
            retry_after_s=retry_after,
            error_count=feed.error_count + 1,
        )
        return _Outcome(fetch, "error", when, error=str(error)[:ERROR_MESSAGE_CHARS], status=status)
    assert response is not None
    max_age = parse_max_age(response.headers.get("cache-control"))
    if parsed is None:
        when = next_check_at(
            now,
            polling,
            interval_minutes=feed.interval_minutes,
            ttl_minutes=feed.ttl_minutes,
            max_age_s=max_age,
        )
        return _Outcome(fetch, "not_modified", when, status=304)
    when = next_check_at(
        now,
        polling,
        interval_minutes=feed.interval_minutes,
        ttl_minutes=parsed.ttl_minutes,
        max_age_s=max_age,
    )
    return _Outcome(fetch, "ok", when, parsed=parsed, status=response.status)


def _known_entries(
    con: duckdb.DuckDBPyConnection, outcomes: Sequence[_Outcome]
) -> dict[tuple[int, str], dt.datetime | None]:
    feed_ids = [o.fetch.feed.id for o in outcomes for _ in (o.parsed.entries if o.parsed else [])]
    guids = [e.guid for o in outcomes for e in (o.parsed.entries if o.parsed else [])]
    if not guids:
        return {}
    rows = db.query(con, "entries_known_for_feeds", [feed_ids, guids])
    return {(int(feed_id), str(guid)): updated for feed_id, guid, updated in rows}


def _columns(rows: Sequence[Sequence[Any]], width: int) -> list[list[Any]]:
    """Rows to one list per column, for the unnest(...) bulk statements."""
    return [[r[i] for r in rows] for i in range(width)]
