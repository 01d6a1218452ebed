"""Fetching pages (network I/O): one request per distinct URL, non-HTML responses marked to skip."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import httpx

from monitor.articles.model import PageFetch, PendingEntry
from monitor.errors import FetchError, MonitorError
from monitor.http import (
    FetchResponse,
    binary_skip_reason,
    canonicalize_url,
    fetch_concurrently,
    fetch_url,
    make_client,
    media_type,
)
from monitor.settings import FetchSettings

LOGGER = logging.getLogger(__name__)


PAGE_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"
HTML_CONTENT_TYPES = frozenset(
    {"text/html", "application/xhtml+xml", "application/xml", "text/xml"}
)


def fetch_pages(entries: list[PendingEntry], settings: FetchSettings) -> list[PageFetch]:
    """Fetch each entry's page concurrently; one URL listed by several entries is fetched once."""
    by_url = entries_by_url(entries)
    urls = list(by_url)
    with make_client(settings) as client:
        outcomes = fetch_concurrently(
            urls, lambda url: url, page_fetcher(settings, client), settings
        )
    fetches: dict[int, PageFetch] = {}
    for url, outcome in zip(urls, outcomes, strict=True):
        for entry in by_url[url]:
            fetches[entry.entry_id] = page_fetch(entry, url, outcome)
    return [fetches[entry.entry_id] for entry in entries]


def entries_by_url(entries: list[PendingEntry]) -> dict[str, list[PendingEntry]]:
    by_url: dict[str, list[PendingEntry]] = {}
    for entry in entries:
        by_url.setdefault(canonical_or_raw(entry.url), []).append(entry)
    return by_url


def page_fetcher(settings: FetchSettings, client: httpx.Client) -> Callable[[str], FetchResponse]:
    def fetch_one(url: str) -> FetchResponse:
        try:
            return fetch_url(
                url, settings, max_bytes=settings.max_page_bytes, accept=PAGE_ACCEPT, client=client
            )
        except MonitorError:
            raise
        except Exception as e:
            raise FetchError(f"{url}: fetch failed: {type(e).__name__}: {e}", url) from e

    return fetch_one


def canonical_or_raw(url: str) -> str:
    try:
        return canonicalize_url(url)
    except (MonitorError, ValueError):
        return url


def page_fetch(entry: PendingEntry, url: str, outcome: Any) -> PageFetch:
    if isinstance(outcome, MonitorError):
        LOGGER.info("entry %s: fetching %s failed: %s", entry.entry_id, url, outcome)
        return PageFetch(entry, error=outcome)
    skip_reason = non_html_reason(outcome)
    if skip_reason:
        LOGGER.info("entry %s: skipping %s: %s", entry.entry_id, url, skip_reason)
    return PageFetch(entry, response=outcome, skip_reason=skip_reason)


def non_html_reason(response: FetchResponse) -> str | None:
    """Why a response is not an HTML article page (PDF, image, ...), or None if it is one."""
    mime = media_type(response.content_type or response.headers.get("content-type"))
    head = response.body[:1024].lstrip()
    if head.startswith(b"%PDF"):
        return f"not an HTML page: PDF document at {response.url}"
    if mime in HTML_CONTENT_TYPES:
        return None
    if not mime and (head[:1] == b"<" or not head):
        return None
    kind = binary_skip_reason(mime) or f"content type {mime or 'unknown'}"
    return f"not an HTML page: {kind} at {response.url}"
