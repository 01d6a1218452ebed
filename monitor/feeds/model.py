"""The records of feed polling: due feeds, fetch outcomes, parsed documents, reports, health."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from monitor.errors import MonitorError
from monitor.http import FetchResponse

ERROR_MESSAGE_CHARS = 1000  # longest error text kept on a feed row


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
