"""Feed polling: which feeds are due, conditional GETs, hostile-safe parsing, polling state, entries.

One subject per module, each importing only those above it:
model -> schedule, fetch, prolog -> parse -> workers (large feeds parsed in killable processes)
-> save (polling state and new entries of a batch, in one transaction).
"""

from monitor.feeds.fetch import FEED_ACCEPT, fetch_feeds
from monitor.feeds.model import (
    ERROR_MESSAGE_CHARS,
    DueFeed,
    FeedFetch,
    FeedHealth,
    ParsedEntry,
    ParsedFeed,
    PollReport,
)
from monitor.feeds.parse import discover_feed_links, parse_feed, parse_safely
from monitor.feeds.prolog import MAX_DTD_BYTES, MAX_ENTITY_EXPANSION_BYTES, check_xml_prolog
from monitor.feeds.save import MAX_REPORTED_ERRORS, save_feed_results
from monitor.feeds.schedule import (
    MAX_BACKOFF_DOUBLINGS,
    list_feeds,
    next_check_at,
    reset_feed,
    reset_parked_feeds,
    select_due_feeds,
    sync_feeds,
)
from monitor.feeds.workers import PARSE_INLINE_MAX_BYTES, PARSE_WORKER_START_S, parse_fetched_feeds

__all__ = [
    "ERROR_MESSAGE_CHARS",
    "FEED_ACCEPT",
    "MAX_BACKOFF_DOUBLINGS",
    "MAX_DTD_BYTES",
    "MAX_ENTITY_EXPANSION_BYTES",
    "MAX_REPORTED_ERRORS",
    "PARSE_INLINE_MAX_BYTES",
    "PARSE_WORKER_START_S",
    "DueFeed",
    "FeedFetch",
    "FeedHealth",
    "ParsedEntry",
    "ParsedFeed",
    "PollReport",
    "check_xml_prolog",
    "discover_feed_links",
    "fetch_feeds",
    "list_feeds",
    "next_check_at",
    "parse_feed",
    "parse_fetched_feeds",
    "parse_safely",
    "reset_feed",
    "reset_parked_feeds",
    "save_feed_results",
    "select_due_feeds",
    "sync_feeds",
]
