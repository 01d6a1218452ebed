"""The articles stage's data: pending entries, fetched pages, extracted articles, save reports.

Plain frozen dataclasses, so they cross to and from the extraction worker processes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from monitor.errors import BlockedURLError, HTTPStatusError, MonitorError, TooLargeError
from monitor.http import FetchResponse

# 404 is retried: feeds often list a story minutes before its page goes live.
PERMANENT_HTTP_STATUSES = frozenset({410, 451})


@dataclass(frozen=True)
class ExtractedArticle:
    """The main text and metadata of one page; paragraphs in ``text`` are separated by blank lines."""

    text: str
    title: str | None = None
    author: str | None = None
    published_at: dt.datetime | None = None  # naive UTC
    site_name: str | None = None  # as the page names itself (og:site_name, JSON-LD publisher)
    language: str | None = None
    published_source: str | None = (
        None  # page-meta | page-markup | page-guess (see PUBLISHED_SOURCES)
    )
    published_has_time: bool = False  # the page gave a time of day, not just a date
    title_suffix: str | None = None  # "The Daily Ledger" of "<title>Headline | The Daily Ledger"


@dataclass(frozen=True)
class PendingEntry:
    """A feed entry whose page still has to be fetched and stored."""

    entry_id: int
    feed_id: int
    url: str
    title: str | None
    published_at: dt.datetime | None
    attempts: int
    feed_title: str | None = None  # the feed's own <title>, a fallback outlet name


@dataclass(frozen=True)
class PageFetch:
    """What fetching one entry's page gave: a response, an error, or a reason to skip it."""

    entry: PendingEntry
    response: FetchResponse | None = None
    error: MonitorError | None = None
    skip_reason: str | None = None


@dataclass(frozen=True)
class PageResult:
    """One entry after extraction: an article to store, an error to record, or a skip reason."""

    entry: PendingEntry
    url: str  # canonical URL of the page (after redirects)
    article: ExtractedArticle | None = None
    raw_html: str | None = None
    error: MonitorError | None = None
    skip_reason: str | None = None
    # What the caller's `analyze` made of the article in an extraction worker (e.g. prepared claims).
    analysis: Any = None

    @property
    def retryable(self) -> bool:
        """False for errors a later attempt cannot fix (refused address, oversized body, 410)."""
        if isinstance(self.error, HTTPStatusError):
            return self.error.status not in PERMANENT_HTTP_STATUSES
        return not isinstance(self.error, (BlockedURLError, TooLargeError))


@dataclass
class ArticleReport:
    """What one save_articles call did; ``new_version_ids`` lists every inserted version row."""

    fetched: int = 0
    stored_new_articles: int = 0
    new_versions: int = 0  # changed content of an already known article (version >= 2)
    unchanged: int = 0
    skipped: int = 0
    failed: int = 0
    new_version_ids: list[int] = field(default_factory=list)

    def merge(self, other: ArticleReport) -> None:
        """Add another report's counts to this one."""
        for name in (
            "fetched",
            "stored_new_articles",
            "new_versions",
            "unchanged",
            "skipped",
            "failed",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.new_version_ids.extend(other.new_version_ids)

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for logs, JSON output and run summaries."""
        return {
            "fetched": self.fetched,
            "stored_new_articles": self.stored_new_articles,
            "new_versions": self.new_versions,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "failed": self.failed,
            "new_version_ids": list(self.new_version_ids),
        }


@dataclass(frozen=True)
class ExtractedPage:
    """What extraction made of one page; plain data, so it can come back from a worker process."""

    article: ExtractedArticle | None
    html: str | None
    error: str | None = None
    analysis: Any = None
