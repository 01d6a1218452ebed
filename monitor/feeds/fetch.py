"""Fetching due feeds: concurrent conditional GETs, one failing feed never failing the batch."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from monitor.errors import FetchError, MonitorError
from monitor.feeds.model import DueFeed, FeedFetch
from monitor.http import FetchResponse, fetch_concurrently, fetch_url, make_client
from monitor.settings import FetchSettings

LOGGER = logging.getLogger(__name__)

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, "
    "text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
)


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
