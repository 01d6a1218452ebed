"""Feed polling: which feeds are due, conditional GETs, hostile-safe parsing, polling state, entries."""

from __future__ import annotations

import codecs
import datetime as dt
import importlib.util
import json
import logging
import multiprocessing
import multiprocessing.connection
import os
import re
import time
import urllib.parse
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb
import feedparser

from monitor import db
from monitor.errors import FetchError, HTTPStatusError, MonitorError, ParseError, StoreError
from monitor.http import (
    FetchResponse,
    binary_skip_reason,
    canonicalize_url,
    fetch_concurrently,
    fetch_url,
    make_client,
    parse_max_age,
)
from monitor.settings import FeedConfig, FetchSettings, PollingSettings

LOGGER = logging.getLogger(__name__)

if importlib.util.find_spec("drv_libxml2") is None:
    # feedparser asks xml.sax for "drv_libxml2" first on every parse; the failed import is not
    # cached, so each feed rescans sys.path (~4 ms). Without it xml.sax uses expat, as it would.
    feedparser.api.PREFERRED_XML_PARSERS[:] = []

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, "
    "text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
)
# Hostile-input bounds for the XML prolog, checked before feedparser sees the bytes.
MAX_DTD_BYTES = 64 * 1024
MAX_ENTITY_EXPANSION_BYTES = 1_000_000
MAX_BACKOFF_DOUBLINGS = 16
MAX_REPORTED_ERRORS = 100  # every error is on its feed row; the run summary keeps a sample
# Bodies up to this size are parsed in the cycle's process (feedparser needs at most about 8 s
# of CPU per MB of the densest feed, so about 0.5 s here); larger ones in a worker process that
# is killed at the parse deadline.
PARSE_INLINE_MAX_BYTES = 64 * 1024
_ERROR_MESSAGE_CHARS = 1000

_PROLOG_TOKEN = re.compile(rb"\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE", re.DOTALL | re.IGNORECASE)
_SUBSET_TOKEN = re.compile(rb"\"[^\"]*\"|'[^']*'|<!--.*?-->|\]", re.DOTALL)
_ENTITY_DECL = re.compile(
    rb"<!ENTITY\s+(%\s+)?([^\s\"'>]+)\s+(?:\"([^\"]*)\"|'([^']*)'|(SYSTEM|PUBLIC)\b)", re.DOTALL
)
_ENTITY_REF = re.compile(rb"[&%]([A-Za-z_:][\w.:-]*);")
_LINK_TAG = re.compile(rb"<link\b([^>]*)>", re.IGNORECASE)
_ATTRIBUTE = re.compile(rb"""([\w:-]+)\s*=\s*(["']?)([^"'\s>]*)\2""")
_SY_PERIOD_MINUTES = {
    "hourly": 60,
    "daily": 1440,
    "weekly": 10080,
    "monthly": 43200,
    "yearly": 525600,
}


@dataclass
class DueFeed:
    """A feed to poll now, with the validators of its last successful poll."""

    id: int
    url: str
    etag: str | None
    last_modified: str | None
    error_count: int
    interval_minutes: int
    ttl_minutes: int | None = None


@dataclass
class FeedFetch:
    """The outcome of fetching one feed: a response or the error, never both."""

    feed: DueFeed
    response: FetchResponse | None = None
    error: MonitorError | None = None


@dataclass
class ParsedEntry:
    """One usable feed entry: a GUID and an absolute, canonical article URL."""

    guid: str
    url: str
    title: str | None
    published_at: dt.datetime | None
    updated_at: dt.datetime | None


@dataclass
class ParsedFeed:
    """What a feed document says, plus counts of the entries that needed handling."""

    title: str | None
    site_url: str | None
    ttl_minutes: int | None
    entries: list[ParsedEntry]
    missing_links: int = 0  # no http(s) link at all: cannot be fetched, skipped
    relative_links: int = 0  # resolved against the feed URL
    duplicate_guids: int = 0  # same GUID twice in one document: first kept
    bozo: bool = False  # feedparser recovered from a malformation
    bozo_message: str | None = None

    @property
    def bad_entries(self) -> int:
        """Entries dropped from the document: no link or a duplicate GUID."""
        return self.missing_links + self.duplicate_guids


@dataclass
class PollReport:
    """What one save_feed_results call did."""

    feeds_polled: int = 0
    not_modified: int = 0
    failed: int = 0
    parked: int = 0
    new_entries: int = 0
    updated_entries: int = 0
    bad_entries: int = 0
    relative_links: int = 0
    recovered_malformed: int = 0  # bozo feeds whose entries were still usable
    errors: dict[int, str] = field(default_factory=dict)  # feed id -> message (first 100)


@dataclass
class FeedHealth:
    """A feed row as `monitor feeds` shows it."""

    id: int
    url: str
    name: str | None
    title: str | None
    site_url: str | None
    active: bool
    parked: bool
    error_count: int
    last_error: str | None
    last_status: int | None
    last_checked_at: dt.datetime | None
    last_success_at: dt.datetime | None
    next_check_at: dt.datetime
    interval_minutes: int
    ttl_minutes: int | None
    entries_total: int
    bad_entries: int


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


def fetch_feeds(due: Sequence[DueFeed], settings: FetchSettings) -> list[FeedFetch]:
    """Fetch due feeds concurrently with conditional GET; a failing feed is returned, not raised."""
    if not due:
        return []
    with make_client(settings) as client:

        def fetch_one(feed: DueFeed) -> FetchResponse:
            try:
                return fetch_url(
                    feed.url,
                    settings,
                    max_bytes=settings.max_feed_bytes,
                    etag=feed.etag,
                    last_modified=feed.last_modified,
                    accept=FEED_ACCEPT,
                    client=client,
                )
            except MonitorError:
                raise
            except Exception as e:  # one feed must never fail the batch
                LOGGER.exception("feed %s %s: unexpected fetch failure", feed.id, feed.url)
                raise FetchError(
                    f"unexpected error fetching {feed.url}: {type(e).__name__}: {e}", feed.url
                ) from e

        outcomes = fetch_concurrently(due, lambda f: f.url, fetch_one, settings)
    fetches = []
    for feed, outcome in zip(due, outcomes):
        if isinstance(outcome, MonitorError):
            LOGGER.warning("feed %s %s: %s", feed.id, feed.url, outcome)
            fetches.append(FeedFetch(feed, error=outcome))
        else:
            fetches.append(FeedFetch(feed, response=outcome))
    return fetches


def parse_feed(body: bytes, base_url: str, headers: dict[str, str]) -> ParsedFeed:
    """Parse an RSS, Atom, RDF or JSON Feed document; ParseError if it is unusable or hostile."""
    if not body.strip():
        raise ParseError(f"{base_url}: empty response body, not a feed")
    lowered = {k.lower(): v for k, v in headers.items()}
    skip = binary_skip_reason(lowered.get("content-type"))
    if skip:
        raise ParseError(f"{base_url}: not a feed: {skip}")
    if _looks_like_json(body, lowered.get("content-type", "")):
        return _parse_json_feed(body, base_url)
    check_xml_prolog(body, base_url)
    response_headers = {
        k: v
        for k, v in lowered.items()
        if k in ("content-type", "content-location", "content-language")
    }
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = feedparser.parse(
                body,
                response_headers=response_headers,
                sanitize_html=False,
                resolve_relative_uris=False,
            )
    except Exception as e:  # feedparser has crashed on odd documents before; never fail the run
        raise ParseError(f"{base_url}: feedparser failed: {type(e).__name__}: {e}") from e
    bozo_message = _bozo_message(result) if result.get("bozo") else None
    feed = result.feed
    if not result.entries:
        if _looks_like_html(body, lowered.get("content-type", "")):
            found = discover_feed_links(body, base_url)
            hint = f"; it links to the feed(s) {', '.join(found[:3])}" if found else ""
            raise ParseError(f"{base_url}: not a feed: the server sent an HTML page{hint}")
        if result.get("bozo"):
            raise ParseError(f"{base_url}: malformed feed with no entries: {bozo_message}")
        if not result.get("version") and not feed:
            raise ParseError(f"{base_url}: not a feed: no RSS, Atom, RDF or CDF document found")
    parsed = ParsedFeed(
        title=_text(feed.get("title")),
        site_url=_absolute_http(feed.get("link"), base_url),
        ttl_minutes=_ttl_minutes(feed),
        entries=[],
        bozo=bool(result.get("bozo")),
        bozo_message=bozo_message,
    )
    raw_entries = [
        (
            _entry_link(entry),
            entry.get("id") or entry.get("guid"),
            entry.get("title"),
            _struct_to_datetime(entry.get("published_parsed")),
            _struct_to_datetime(entry.get("updated_parsed")),
        )
        for entry in result.entries
    ]
    _collect_entries(parsed, raw_entries, base_url)
    return parsed


def discover_feed_links(html: bytes, base_url: str) -> list[str]:
    """Feed URLs an HTML page advertises with <link rel="alternate" type="application/rss+xml">."""
    found: list[str] = []
    for tag in _LINK_TAG.findall(html[: 256 * 1024]):
        attributes = {name.lower(): value for name, _, value in _ATTRIBUTE.findall(tag)}
        if b"alternate" not in attributes.get(b"rel", b"").lower().split():
            continue
        kind = attributes.get(b"type", b"").lower()
        if kind not in (
            b"application/rss+xml",
            b"application/atom+xml",
            b"application/feed+json",
            b"application/rdf+xml",
            b"application/json",
        ):
            continue
        href = attributes.get(b"href", b"").decode("utf-8", "replace").strip()
        url = _absolute_http(href, base_url) if href else None
        if url and url not in found:
            found.append(url)
    return found


def check_xml_prolog(
    body: bytes,
    where: str = "feed",
    max_dtd_bytes: int = MAX_DTD_BYTES,
    max_expansion_bytes: int = MAX_ENTITY_EXPANSION_BYTES,
) -> None:
    """Refuse XML bombs before parsing: huge DTDs, nested entities, large total expansion."""
    data = _as_utf8_for_scan(body)
    subset = _internal_subset(data, where, max_dtd_bytes)
    if subset is None:
        return
    general: dict[bytes, int] = {}
    for match in _ENTITY_DECL.finditer(subset):
        parameter, name, double_quoted, single_quoted, _external = match.groups()
        value = double_quoted if double_quoted is not None else single_quoted
        if value is None:
            continue  # external: feedparser drops it and expat never loads it
        nested = _ENTITY_REF.findall(value)
        if nested:
            raise ParseError(
                f"{where}: refused XML entity expansion (billion laughs): entity "
                f"{name.decode('utf-8', 'replace')!r} refers to "
                f"{nested[0].decode('utf-8', 'replace')!r}"
            )
        if not parameter:
            general[name] = len(value)
    if not general:
        return
    expanded = 0
    for ref in _ENTITY_REF.finditer(data):
        size = general.get(ref.group(1))
        if size:
            expanded += size
            if expanded > max_expansion_bytes:
                raise ParseError(
                    f"{where}: refused XML entity expansion: declared entities would expand "
                    f"to more than {max_expansion_bytes} bytes (quadratic blowup)"
                )


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


def list_feeds(con: duckdb.DuckDBPyConnection) -> list[FeedHealth]:
    """Every feed with its polling health."""
    return [FeedHealth(*row) for row in db.query(con, "feeds_list")]


def reset_feed(con: duckdb.DuckDBPyConnection, feed_id: int, now: dt.datetime) -> bool:
    """Un-park a feed, clear its errors and make it due now; False if there is no such feed."""
    with db.transaction(con):
        rows = db.query(con, "feeds_find_id", {"id": feed_id})
        db.execute(con, "feeds_reset", {"id": feed_id, "now": now})
    return bool(rows)


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


def reset_parked_feeds(con: duckdb.DuckDBPyConnection, now: dt.datetime) -> list[int]:
    """Un-park every parked feed (e.g. after a network outage); return their ids."""
    with db.transaction(con):
        rows = db.query(con, "feeds_parked_ids")
        db.execute(con, "feeds_reset_all_parked", {"now": now})
    return [int(row[0]) for row in rows]


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
            parsed_already = _parse_safely(response.body, response.url, response.headers)
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
        return _Outcome(
            fetch, "error", when, error=str(error)[:_ERROR_MESSAGE_CHARS], status=status
        )
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


def _parse_safely(body: bytes, url: str, headers: dict[str, str]) -> ParsedFeed | ParseError:
    """parse_feed, with every failure returned as a ParseError."""
    try:
        return parse_feed(body, url, headers)
    except ParseError as e:
        return e
    except Exception as e:  # a parser bug on one hostile feed must not fail the batch
        LOGGER.exception("feed %s: unexpected error while parsing", url)
        return ParseError(f"{url}: unexpected error while parsing: {type(e).__name__}: {e}")


def parse_fetched_feeds(
    fetches: Sequence[FeedFetch],
    parse_timeout_s: float | None,
) -> dict[int, ParsedFeed | ParseError]:
    """Parse every fetched body (by index in FETCHES); with PARSE_TIMEOUT_S, large ones in worker
    processes that are killed when they outlive it."""
    jobs: list[tuple[int, bytes, str, dict[str, str]]] = []
    results: dict[int, ParsedFeed | ParseError] = {}
    for index, fetch in enumerate(fetches):
        response = fetch.response
        if fetch.error is not None or response is None or response.status == 304:
            continue
        if parse_timeout_s is None or len(response.body) <= PARSE_INLINE_MAX_BYTES:
            results[index] = _parse_safely(response.body, response.url, response.headers)
        else:
            jobs.append((index, response.body, response.url, response.headers))
    if jobs:
        assert parse_timeout_s is not None
        results.update(_parse_in_workers(jobs, parse_timeout_s))
    return results


def _parse_in_workers(
    jobs: list[tuple[int, bytes, str, dict[str, str]]],
    timeout_s: float,
) -> dict[int, ParsedFeed | ParseError]:
    """Parse JOBS on up to one worker process per CPU; a worker past TIMEOUT_S on a job is killed.

    A job's clock starts when a started worker takes it, so the imports of a new worker do not
    count against the feed.
    """
    context = multiprocessing.get_context("forkserver")
    pending = list(reversed(jobs))
    results: dict[int, ParsedFeed | ParseError] = {}
    starting: dict[Any, tuple[Any, float]] = {}  # connection -> (process, start deadline)
    idle: list[tuple[Any, Any]] = []  # (process, connection)
    # connection -> (process, index, url, body size, deadline)
    busy: dict[Any, tuple[Any, int, str, int, float]] = {}
    workers = max(1, min(len(jobs), os.cpu_count() or 1))
    try:
        while pending or busy:
            while pending and idle:
                process, conn = idle.pop()
                index, body, url, headers = pending.pop()
                try:
                    conn.send((body, url, headers))
                except OSError as e:
                    process.kill()
                    results[index] = ParseError(f"{url}: the feed parser process died: {e}")
                    continue
                busy[conn] = (process, index, url, len(body), time.monotonic() + timeout_s)
            while len(pending) > len(starting) and len(busy) + len(starting) + len(idle) < workers:
                conn, child_conn = context.Pipe()
                process = context.Process(target=_parse_worker, args=(child_conn,), daemon=True)
                process.start()
                child_conn.close()
                starting[conn] = (process, time.monotonic() + PARSE_WORKER_START_S)
            if not busy and not starting:
                continue
            deadlines = [job[-1] for job in busy.values()] + [d for _, d in starting.values()]
            waiting = [*busy, *starting]
            answered = multiprocessing.connection.wait(
                waiting, timeout=max(0.0, min(deadlines) - time.monotonic())
            )
            for conn in [c for c in waiting if c in answered]:
                if conn in starting:
                    process, _ = starting.pop(conn)
                    try:
                        conn.recv()
                        idle.append((process, conn))
                    except (EOFError, OSError):
                        process.kill()
                        _fail_all(pending, results, "the feed parser process did not start")
                    continue
                process, index, url, _, _ = busy.pop(conn)
                try:
                    results[index] = conn.recv()
                    idle.append((process, conn))
                except (EOFError, OSError) as e:
                    results[index] = ParseError(f"{url}: the feed parser process died: {e!r}")
                    process.kill()
            now = time.monotonic()
            for conn, (process, index, url, size, deadline) in list(busy.items()):
                if now >= deadline:
                    process.kill()
                    process.join()
                    del busy[conn]
                    results[index] = ParseError(
                        f"{url}: parse timeout: parsing the {size:,}-byte feed took longer than "
                        f"{timeout_s:g}s (parse_timeout_s); retried at its next check"
                    )
                    LOGGER.warning("feed %s: parse timeout after %.1fs", url, timeout_s)
            for conn, (process, deadline) in list(starting.items()):
                if now >= deadline:
                    process.kill()
                    del starting[conn]
                    _fail_all(pending, results, "the feed parser process did not start in time")
    finally:
        for process, conn in idle:
            conn.close()  # the worker sees EOF and exits
        for process, conn in idle:
            process.join(timeout=1)
            if process.is_alive():
                process.kill()
        for process, *_ in busy.values():
            process.kill()
        for process, _ in starting.values():
            process.kill()
    return results


PARSE_WORKER_START_S = 60.0  # a parser process that cannot start in this long fails its feeds
_WARM_UP_FEED = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>w</title><item>'
    b"<title>w</title><link>http://warm-up.invalid/1</link><pubDate>Thu, 16 Jun 2022 "
    b"08:00:00 GMT</pubDate></item></channel></rss>"
)


def _fail_all(
    pending: list[tuple[int, bytes, str, dict[str, str]]],
    results: dict[int, ParsedFeed | ParseError],
    reason: str,
) -> None:
    while pending:
        index, _, url, _ = pending.pop()
        results[index] = ParseError(f"{url}: {reason}; retried at its next check")


def _parse_worker(conn: Any) -> None:
    """In a feed parser process: parse each (body, url, headers) received and send the result back."""
    # One small parse first: feedparser imports parts of itself on first use, and that start-up
    # must not count against the first real feed's deadline.
    _parse_safely(_WARM_UP_FEED, "http://warm-up.invalid/", {})
    conn.send("ready")
    while True:
        try:
            body, url, headers = conn.recv()
        except EOFError:
            return
        conn.send(_parse_safely(body, url, headers))


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


def _collect_entries(
    parsed: ParsedFeed,
    raw_entries: list[tuple[str | None, Any, Any, dt.datetime | None, dt.datetime | None]],
    base_url: str,
) -> None:
    seen: set[str] = set()
    for link, guid, title, published, updated in raw_entries:
        url = None
        if link and isinstance(link, str):
            link = link.strip()
            try:
                scheme = urllib.parse.urlsplit(link).scheme.lower()
                if not scheme:
                    url = canonicalize_url(link, base_url)
                    parsed.relative_links += 1
                elif scheme in ("http", "https"):
                    url = canonicalize_url(link)
            except ValueError:
                url = None
        if url is None or not urllib.parse.urlsplit(url).hostname:
            parsed.missing_links += 1
            continue
        key = _text(guid) or url
        if key in seen:
            parsed.duplicate_guids += 1
            continue
        seen.add(key)
        parsed.entries.append(ParsedEntry(key, url, _text(title), published, updated))


def _entry_link(entry: Any) -> str | None:
    link = entry.get("link")
    if link:
        return str(link)
    for candidate in entry.get("links") or []:
        if candidate.get("href") and candidate.get("rel", "alternate") == "alternate":
            return str(candidate["href"])
    guid = entry.get("id")
    if guid and entry.get("guidislink") and str(guid).startswith(("http://", "https://")):
        return str(guid)
    return None


def _looks_like_html(body: bytes, content_type: str) -> bool:
    kind = content_type.split(";", 1)[0].strip().lower()
    head = body[:1024].lstrip().lower()
    return kind == "text/html" or head.startswith((b"<!doctype html", b"<html"))


def _looks_like_json(body: bytes, content_type: str) -> bool:
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind in ("application/feed+json", "application/json") or kind.endswith("+json"):
        return True
    return body.lstrip()[:1] == b"{"


def _parse_json_feed(body: bytes, base_url: str) -> ParsedFeed:
    try:
        document = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as e:
        raise ParseError(f"{base_url}: malformed JSON feed: {e}") from e
    if not isinstance(document, dict) or not isinstance(document.get("items"), list):
        raise ParseError(f"{base_url}: JSON document is not a JSON Feed (no 'items' list)")
    parsed = ParsedFeed(
        title=_text(document.get("title")),
        site_url=_absolute_http(document.get("home_page_url"), base_url),
        ttl_minutes=None,
        entries=[],
    )
    raw_entries = []
    for item in document["items"]:
        if not isinstance(item, dict):
            parsed.missing_links += 1
            continue
        link = item.get("url") or item.get("external_url")
        raw_entries.append(
            (
                link if isinstance(link, str) else None,
                str(item["id"]) if item.get("id") is not None else None,
                item.get("title"),
                _iso_to_datetime(item.get("date_published")),
                _iso_to_datetime(item.get("date_modified")),
            )
        )
    _collect_entries(parsed, raw_entries, base_url)
    return parsed


def _as_utf8_for_scan(body: bytes) -> bytes:
    head = body[:4]
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if head.startswith(bom):
            return body.decode(codec, "replace").encode("utf-8")
    if head[:2] in (b"<\x00", b"\x00<"):
        codec = (
            "utf-32-le"
            if head == b"<\x00\x00\x00"
            else "utf-32-be"
            if head == b"\x00\x00\x00<"
            else "utf-16-le"
            if head[:2] == b"<\x00"
            else "utf-16-be"
        )
        return body.decode(codec, "replace").encode("utf-8")
    return body


def _internal_subset(data: bytes, where: str, max_dtd_bytes: int) -> bytes | None:
    """The DOCTYPE's internal subset ([...]) if the prolog declares one."""
    position = 3 if data.startswith(codecs.BOM_UTF8) else 0
    while True:
        match = _PROLOG_TOKEN.match(data, position)
        if match is None:
            return None
        if match.group(0).upper() == b"<!DOCTYPE":
            break
        position = match.end()
    start = data.find(b"[", match.end(), match.end() + 4096)
    close = data.find(b">", match.end(), match.end() + 4096)
    if start < 0 or (0 <= close < start):
        return None
    position = start + 1
    limit = start + 1 + max_dtd_bytes
    while True:
        token = _SUBSET_TOKEN.search(data, position, limit)
        if token is None:
            if len(data) > limit:
                raise ParseError(
                    f"{where}: refused document type definition larger than {max_dtd_bytes} bytes"
                )
            return data[start + 1 :]
        if token.group(0) == b"]":
            return data[start + 1 : token.start()]
        position = token.end()


def _bozo_message(result: Any) -> str:
    error = result.get("bozo_exception")
    if error is None:
        return "malformed document"
    return f"{type(error).__name__}: {error}"[:_ERROR_MESSAGE_CHARS]


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _absolute_http(link: Any, base_url: str) -> str | None:
    if not link or not isinstance(link, str):
        return None
    try:
        url = urllib.parse.urljoin(base_url, link.strip())
    except ValueError:
        return None
    return url if url.startswith(("http://", "https://")) else None


def _ttl_minutes(feed: Any) -> int | None:
    ttl = str(feed.get("ttl") or "").strip()
    if ttl.isdigit() and int(ttl) > 0:
        return min(int(ttl), 365 * 24 * 60)
    period = str(feed.get("sy_updateperiod") or "").strip().lower()
    if period in _SY_PERIOD_MINUTES:
        frequency = str(feed.get("sy_updatefrequency") or "1").strip()
        count = int(frequency) if frequency.isdigit() and int(frequency) > 0 else 1
        return max(1, _SY_PERIOD_MINUTES[period] // count)
    return None


def _struct_to_datetime(value: time.struct_time | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        return dt.datetime(*value[:6])
    except (TypeError, ValueError):
        return None


def _iso_to_datetime(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.UTC).replace(tzinfo=None)
    return parsed
