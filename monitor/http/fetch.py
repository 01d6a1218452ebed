"""fetch_url: one GET through the guard, redirects by hand, the body capped, under one deadline."""

from __future__ import annotations

import logging
import time
import urllib.parse
from dataclasses import dataclass

import httpx

from monitor.errors import DeadlineError, FetchError, HTTPStatusError, TooLargeError
from monitor.http.deadline import (
    FETCH_DEADLINE,
    deadline_error,
    past_deadline,
    resolver_within_deadline,
    time_left,
)
from monitor.http.decode import decode_content
from monitor.http.guard import Resolver, check_url, resolve_host
from monitor.http.headers import parse_retry_after
from monitor.http.media import media_type
from monitor.http.transport import make_client
from monitor.settings import FetchSettings

LOGGER = logging.getLogger(__name__)

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Content codings fetch_url decodes itself, slice by slice; it asks for no others.
ACCEPT_ENCODING = "gzip, deflate"


@dataclass
class FetchResponse:
    """A successful (2xx) or not-modified (304) answer, after redirects."""

    url: str  # final URL after redirects
    status: int  # 200 or 304 (other 2xx are passed through)
    headers: dict[str, str]  # lower-case names
    body: bytes  # b"" for 304
    content_type: str  # media type only, lower-case, e.g. "text/html"
    elapsed_s: float


def fetch_url(
    url: str,
    settings: FetchSettings,
    *,
    max_bytes: int,
    etag: str | None = None,
    last_modified: str | None = None,
    accept: str | None = None,
    client: httpx.Client | None = None,
    resolve: Resolver | None = None,
) -> FetchResponse:
    """GET a URL through the network guard, following redirects by hand and capping the body.

    The whole exchange (DNS, connect, TLS, headers, redirects, body) ends within
    settings.total_timeout_s, or DeadlineError is raised.
    """
    started = time.monotonic()
    token = FETCH_DEADLINE.set(started + settings.total_timeout_s)
    try:
        return _fetch(
            url, settings, max_bytes, etag, last_modified, accept, client, resolve, started
        )
    except FetchError as e:
        if isinstance(e, DeadlineError) or not past_deadline():
            raise
        raise deadline_error(url, settings) from e
    finally:
        FETCH_DEADLINE.reset(token)


def _fetch(
    url: str,
    settings: FetchSettings,
    max_bytes: int,
    etag: str | None,
    last_modified: str | None,
    accept: str | None,
    client: httpx.Client | None,
    resolve: Resolver | None,
    started: float,
) -> FetchResponse:
    resolver = resolver_within_deadline(resolve or resolve_host)
    headers = {"User-Agent": settings.user_agent, "Accept-Encoding": ACCEPT_ENCODING}
    if accept:
        headers["Accept"] = accept
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    own_client = client is None
    http = client or make_client(settings, resolve=resolver)
    try:
        current = url
        visited = {current}
        for _hop in range(settings.max_redirects + 1):
            # Refuse early with a clear message; a client from make_client checks again at
            # connect time, on the address it actually connects to.
            check_url(current, settings, resolver)
            response = _send(http, current, headers, current, settings, url)
            try:
                if response.status_code in REDIRECT_STATUSES and "location" in response.headers:
                    location = _join(current, response.headers["location"])
                    if location in visited:
                        raise FetchError(
                            f"redirect loop at {current}: {location} was already visited", url
                        )
                    LOGGER.debug("redirect %s %s -> %s", response.status_code, current, location)
                    visited.add(location)
                    current = location
                    continue
                return _finish(response, current, url, settings, max_bytes, started)
            finally:
                response.close()
        raise FetchError(
            f"too many redirects from {url}: more than {settings.max_redirects} hops", url
        )
    finally:
        if own_client:
            http.close()


def _send(
    http: httpx.Client,
    url: str,
    headers: dict[str, str],
    logical_url: str,
    settings: FetchSettings,
    requested_url: str,
) -> httpx.Response:
    left = time_left()
    if left is not None and left <= 0:
        raise deadline_error(requested_url, settings)
    # Waiting for a pooled connection is bounded by the deadline too (socket calls are
    # bounded by _DeadlineStream).
    pool_s = settings.connect_timeout_s if left is None else min(settings.connect_timeout_s, left)
    timeout = httpx.Timeout(
        connect=settings.connect_timeout_s,
        read=settings.read_timeout_s,
        write=settings.read_timeout_s,
        pool=pool_s,
    )
    try:
        return http.send(
            http.build_request("GET", url, headers=headers, timeout=timeout), stream=True
        )
    except httpx.TimeoutException as e:
        if past_deadline():
            raise deadline_error(requested_url, settings) from e
        if isinstance(e, httpx.ConnectTimeout):
            raise FetchError(
                f"connect timeout after {settings.connect_timeout_s:g}s fetching {logical_url}",
                logical_url,
            ) from e
        raise FetchError(
            f"read timeout after {settings.read_timeout_s:g}s fetching {logical_url}", logical_url
        ) from e
    except httpx.HTTPError as e:
        raise FetchError(
            f"connection error fetching {logical_url}: {type(e).__name__}: {e}", logical_url
        ) from e
    except (ValueError, UnicodeError) as e:
        raise FetchError(f"invalid URL {logical_url!r}: {e}", logical_url) from e


def _finish(
    response: httpx.Response,
    final_url: str,
    requested_url: str,
    settings: FetchSettings,
    max_bytes: int,
    started: float,
) -> FetchResponse:
    headers = {k.lower(): v for k, v in response.headers.items()}
    status = response.status_code
    if status == 304:
        return FetchResponse(
            final_url,
            304,
            headers,
            b"",
            media_type(headers.get("content-type")),
            time.monotonic() - started,
        )
    if status >= 300 or status < 200:
        retry_after = (
            parse_retry_after(headers.get("retry-after")) if status in (429, 503) else None
        )
        phrase = response.reason_phrase or ""
        raise HTTPStatusError(
            f"HTTP {status} {phrase}".rstrip() + f" from {final_url}",
            final_url,
            status,
            retry_after,
        )
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise TooLargeError(
            f"{final_url}: Content-Length {int(declared)} bytes exceeds the cap of {max_bytes} bytes",
            final_url,
            status,
        )
    body = _read_capped(response, final_url, settings, max_bytes, started)
    return FetchResponse(
        final_url,
        status,
        headers,
        body,
        media_type(headers.get("content-type")),
        time.monotonic() - started,
    )


def _read_capped(
    response: httpx.Response, url: str, settings: FetchSettings, max_bytes: int, started: float
) -> bytes:
    chunks: list[bytes] = []
    received = 0
    encodings = [
        value.strip().lower()
        for value in response.headers.get_list("content-encoding", split_commas=True)
    ]
    try:
        # Decoded here in slices of at most DECODE_SLICE_BYTES, so a gzip bomb is stopped by the
        # cap after one slice, not after inflating a whole network chunk.
        for chunk in decode_content(response.iter_raw(), encodings, url):
            received += len(chunk)
            if received > max_bytes:
                raise TooLargeError(
                    f"{url}: body exceeds the cap of {max_bytes} bytes (stopped reading at "
                    f"{received} bytes)",
                    url,
                    response.status_code,
                )
            if time.monotonic() - started > settings.total_timeout_s:
                raise deadline_error(url, settings)
            chunks.append(chunk)
    except httpx.TimeoutException as e:
        if past_deadline():
            raise deadline_error(url, settings) from e
        raise FetchError(
            f"read timeout after {settings.read_timeout_s:g}s fetching {url}", url
        ) from e
    except httpx.HTTPError as e:
        raise FetchError(f"connection error reading {url}: {type(e).__name__}: {e}", url) from e
    return b"".join(chunks)


def _join(current: str, location: str) -> str:
    return urllib.parse.urljoin(current, location.strip())
