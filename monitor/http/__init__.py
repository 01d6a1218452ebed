"""The one safe HTTP fetcher: network guard on every hop, streaming size caps, bounded concurrency."""

from __future__ import annotations

from monitor.http.charset import decode_html
from monitor.http.decode import decode_content
from monitor.http.fetch import FetchResponse, fetch_url
from monitor.http.guard import (
    Resolver,
    blocked_address_reason,
    check_host,
    check_url,
    resolve_host,
)
from monitor.http.headers import parse_max_age, parse_retry_after
from monitor.http.media import (
    binary_skip_reason,
    content_skip_reason,
    is_feed_or_html,
    media_type,
)
from monitor.http.pool import fetch_concurrently
from monitor.http.transport import make_client
from monitor.http.urls import canonicalize_url, host_key

__all__ = [
    "FetchResponse",
    "Resolver",
    "binary_skip_reason",
    "blocked_address_reason",
    "canonicalize_url",
    "check_host",
    "check_url",
    "content_skip_reason",
    "decode_content",
    "decode_html",
    "fetch_concurrently",
    "fetch_url",
    "host_key",
    "is_feed_or_html",
    "make_client",
    "media_type",
    "parse_max_age",
    "parse_retry_after",
    "resolve_host",
]
