"""The one safe HTTP fetcher: network guard on every hop, streaming size caps, bounded concurrency."""

from __future__ import annotations

import codecs
import concurrent.futures
import contextvars
import email.utils
import functools
import ipaddress
import logging
import re
import socket
import ssl
import time
import urllib.parse
import zlib
from collections import defaultdict, deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import httpcore
import httpx

from monitor.errors import (
    BlockedURLError,
    DeadlineError,
    FetchError,
    HTTPStatusError,
    MonitorError,
    TooLargeError,
)
from monitor.settings import FetchSettings

LOGGER = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

Resolver = Callable[[str, int], list[str]]

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
ALLOWED_SCHEMES = frozenset({"http", "https"})
_DEFAULT_PORTS = {"http": 80, "https": 443}

# Query parameters that only track the reader; they never change what a page shows.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "mc_cid",
        "mc_eid",
        "ref",
        "ref_src",
        "ref_url",
        "referrer",
        "ocid",
        "igshid",
        "_ga",
        "_gl",
        "cmpid",
        "s_cid",
        "smid",
        "smtyp",
        "sr_share",
        "at_medium",
        "at_campaign",
        "at_custom1",
        "at_custom2",
        "at_custom3",
        "at_custom4",
        "__twitter_impression",
        "mkt_tok",
        "_hsenc",
        "_hsmi",
        "hsctatracking",
        "vero_id",
        "oly_anon_id",
        "oly_enc_id",
        "rb_clickid",
        "wt_mc",
        "wt.mc_id",
        "ncid",
        "cid_source",
        "taid",
        "share",
        "trk",
        "trkcampaign",
        "spm",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "itm_")

FEED_OR_HTML_TYPES = frozenset(
    {
        "text/html",
        "application/xhtml+xml",
        "application/xml",
        "text/xml",
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/feed+json",
        "application/json",
        "text/plain",
        "application/x-rss+xml",
        "application/x-atom+xml",
        "application/rss",
    }
)
_SKIP_TYPE_PREFIXES = {
    "image/": "image",
    "audio/": "audio",
    "video/": "video",
    "font/": "font",
}
_SKIP_TYPES = {
    "application/pdf": "PDF document",
    "application/x-pdf": "PDF document",
    "application/zip": "archive",
    "application/gzip": "archive",
    "application/x-tar": "archive",
    "application/msword": "office document",
    "application/vnd.ms-excel": "office document",
    "application/vnd.ms-powerpoint": "office document",
    "application/epub+zip": "e-book",
}

_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([a-zA-Z0-9_.:-]+)["']""")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# WHATWG Encoding: these labels mean windows-1252 on the web.
_ENCODING_ALIASES = {
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "latin1": "cp1252",
    "ascii": "cp1252",
    "us-ascii": "cp1252",
    "iso8859-1": "cp1252",
}

# The most decoded bytes one step of gzip/deflate decoding may produce: a compressed chunk of
# 64 KB can inflate to 64 MB, so the body cap is checked after every slice this size.
DECODE_SLICE_BYTES = 64 * 1024
# Content codings fetch_url decodes itself, slice by slice; it asks for no others.
ACCEPT_ENCODING = "gzip, deflate"

# The wall-clock moment (time.monotonic()) the fetch running in this thread must end by; every
# DNS lookup, connect, TLS handshake and socket read below is cut short to fit before it.
_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "fetch_deadline", default=None
)


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
    token = _DEADLINE.set(started + settings.total_timeout_s)
    try:
        return _fetch(
            url, settings, max_bytes, etag, last_modified, accept, client, resolve, started
        )
    except FetchError as e:
        if isinstance(e, DeadlineError) or not _past_deadline():
            raise
        raise _deadline_error(url, settings) from e
    finally:
        _DEADLINE.reset(token)


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
    resolver = _resolver_within_deadline(resolve or resolve_host)
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


def make_client(
    settings: FetchSettings,
    *,
    resolve: Resolver | None = None,
    verify: ssl.SSLContext | None = None,
) -> httpx.Client:
    """An httpx client whose every connection goes through the network guard; no auto-redirects."""
    timeout = httpx.Timeout(
        connect=settings.connect_timeout_s,
        read=settings.read_timeout_s,
        write=settings.read_timeout_s,
        pool=settings.connect_timeout_s,
    )
    context = verify or _ssl_context()
    limits = httpx.Limits(max_connections=settings.global_limit * 2)
    transport = httpx.HTTPTransport(verify=context, limits=limits, trust_env=False)
    # The guard sits where the socket is opened: the host name is resolved once, every address
    # is checked, and only a checked address is connected to, so DNS cannot change in between
    # (rebinding). The URL keeps its host name, so Host, TLS SNI and certificate checks are
    # the normal ones, and pooled connections are never shared between host names.
    transport._pool = httpcore.ConnectionPool(
        ssl_context=context,
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=_GuardedBackend(settings, resolve or resolve_host),
    )
    # trust_env=False: an environment proxy would resolve hosts itself and bypass the guard.
    return httpx.Client(
        transport=transport,
        timeout=timeout,
        follow_redirects=False,
        trust_env=False,
    )


class _GuardedBackend(httpcore.SyncBackend):
    """Opens TCP connections only to addresses the network guard allows."""

    def __init__(self, settings: FetchSettings, resolve: Resolver) -> None:
        self._settings = settings
        self._resolve = resolve

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        if self._settings.allow_private_networks:
            stream = super().connect_tcp(
                host,
                port,
                _within_deadline(timeout, httpcore.ConnectTimeout),
                local_address,
                socket_options,
            )
            return _DeadlineStream(stream)
        resolve = _resolver_within_deadline(self._resolve)
        addresses = check_host(host, port, self._settings, resolve, f"{host}:{port}")
        error: Exception | None = None
        for address in addresses:
            try:
                stream = super().connect_tcp(
                    address,
                    port,
                    _within_deadline(timeout, httpcore.ConnectTimeout),
                    local_address,
                    socket_options,
                )
                return _DeadlineStream(stream)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as e:
                error = e
        assert error is not None
        raise error


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose every read, write and TLS handshake ends by the fetch's deadline.

    httpx's read timeout applies to each socket read, so a server sending one byte a second
    would never trip it; here each call gets at most the time left before the deadline.
    """

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _within_deadline(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _within_deadline(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        bounded = _within_deadline(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, bounded))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


def _time_left() -> float | None:
    """Seconds until this thread's fetch deadline, or None outside fetch_url."""
    deadline = _DEADLINE.get()
    return None if deadline is None else deadline - time.monotonic()


def _past_deadline() -> bool:
    left = _time_left()
    return left is not None and left <= 0


def _within_deadline(timeout: float | None, expired: type[Exception]) -> float | None:
    """TIMEOUT shortened to the time left before the deadline; EXPIRED raised once none is left."""
    left = _time_left()
    if left is None:
        return timeout
    if left <= 0:
        raise expired("the fetch deadline has passed")
    return left if timeout is None else min(timeout, left)


# DNS lookups run here so a deadline can stop waiting for one; getaddrinfo has no timeout of its
# own, but the system resolver gives up after its own retries, so no lookup thread runs forever.
_RESOLVER_POOL = concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="resolve")


def _resolver_within_deadline(resolve: Resolver) -> Resolver:
    """RESOLVE, given up on (as a failed lookup) when the fetch deadline passes first."""

    def bounded(host: str, port: int) -> list[str]:
        left = _time_left()
        if left is None:
            return resolve(host, port)
        if left <= 0:
            raise OSError("the fetch deadline passed before the host name was looked up")
        future = _RESOLVER_POOL.submit(resolve, host, port)
        try:
            return future.result(timeout=left)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise OSError(f"no DNS answer within the fetch deadline ({left:.1f}s left)") from None

    return bounded


def _deadline_error(url: str, settings: FetchSettings) -> DeadlineError:
    return DeadlineError(
        f"{url}: deadline exceeded: the exchange took longer than {settings.total_timeout_s:g}s "
        "(total_timeout_s); the server was too slow or stopped sending",
        url,
    )


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    # Loading the CA bundle costs ~0.1 s; build it once, not once per client.
    return httpx.create_ssl_context()


def resolve_host(host: str, port: int) -> list[str]:
    """Every address a host name resolves to."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def blocked_address_reason(address: str) -> str | None:
    """Why the guard refuses an IP address (loopback, private, ...), or None if it is public."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local/metadata"
    if ip.is_multicast:
        return "multicast"
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_reserved:
        return "reserved"
    if ip.is_private:
        return "private"
    if not ip.is_global:
        return "non-public"
    return None


def check_url(url: str, settings: FetchSettings, resolve: Resolver | None = None) -> list[str]:
    """Refuse a URL the guard does not allow; return the addresses that may be connected to."""
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise BlockedURLError(
            f"refused {url!r}: scheme {scheme or '(none)'!r} is not http or https", url
        )
    try:
        host = parts.hostname
        port = parts.port or _DEFAULT_PORTS[scheme]
    except ValueError as e:
        raise FetchError(f"invalid URL {url!r}: {e}", url) from e
    if not host:
        raise FetchError(f"invalid URL {url!r}: no host", url)
    if settings.allow_private_networks:
        return []
    return check_host(host, port, settings, resolve or resolve_host, url)


def check_host(
    host: str, port: int, settings: FetchSettings, resolve: Resolver, url: str
) -> list[str]:
    """Resolve a host and refuse it if any address is not public; return the addresses."""
    host = host.strip("[]")
    try:
        addresses = [str(ipaddress.ip_address(host.split("%", 1)[0]))]
    except ValueError:
        try:
            addresses = resolve(host, port)
        except (OSError, UnicodeError) as e:
            raise FetchError(f"cannot resolve host {host!r} of {url}: {e}", url) from e
    if not addresses:
        raise FetchError(f"cannot resolve host {host!r} of {url}: no addresses", url)
    allowed_networks = [ipaddress.ip_network(n, strict=False) for n in settings.allowed_networks]
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if any(ip in network for network in allowed_networks):
            continue
        reason = blocked_address_reason(address)
        if reason:
            raise BlockedURLError(
                f"refused {url}: host {host!r} resolves to {reason} address {address} "
                "(set [fetch] allow_private_networks = true to allow)",
                url,
            )
    return addresses


def fetch_concurrently(
    items: Sequence[T],
    url_of: Callable[[T], str],
    work: Callable[[T], R],
    settings: FetchSettings,
) -> list[R | MonitorError]:
    """Run work(item) on a pool of global_limit threads, at most per_host_limit per host, in order."""
    results: list[R | MonitorError | None] = [None] * len(items)
    waiting: dict[str, deque[int]] = defaultdict(deque)
    host_order: list[str] = []
    for index, item in enumerate(items):
        host = host_key(url_of(item))
        if host not in waiting:
            host_order.append(host)
        waiting[host].append(index)
    running: dict[str, int] = defaultdict(int)
    futures: dict[concurrent.futures.Future[R], tuple[int, str]] = {}

    def run(index: int) -> R:
        return work(items[index])

    with concurrent.futures.ThreadPoolExecutor(
        max_workers=max(1, min(settings.global_limit, len(items))), thread_name_prefix="fetch"
    ) as pool:
        while waiting or futures:
            # Fill free slots host by host, so one slow host never starves the others.
            progressed = True
            while progressed and len(futures) < settings.global_limit:
                progressed = False
                for host in list(host_order):
                    queue = waiting.get(host)
                    if not queue or running[host] >= settings.per_host_limit:
                        continue
                    if len(futures) >= settings.global_limit:
                        break
                    index = queue.popleft()
                    if not queue:
                        del waiting[host]
                        host_order.remove(host)
                    running[host] += 1
                    futures[pool.submit(run, index)] = (index, host)
                    progressed = True
            done, _ = concurrent.futures.wait(
                list(futures), return_when=concurrent.futures.FIRST_COMPLETED
            )
            for future in done:
                index, host = futures.pop(future)
                running[host] -= 1
                error = future.exception()
                if error is None:
                    results[index] = future.result()
                elif isinstance(error, MonitorError):
                    results[index] = error
                else:
                    raise error
    return results  # type: ignore[return-value]


def host_key(url: str) -> str:
    """The host a URL's requests count against for the per-host limit."""
    try:
        return (urllib.parse.urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def canonicalize_url(url: str, base: str | None = None) -> str:
    """Absolute URL without fragment, default port or tracking parameters; query sorted."""
    url = url.strip()
    if base:
        url = urllib.parse.urljoin(base, url)
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    netloc = parts.netloc
    if parts.hostname is not None:
        host = parts.hostname.lower()
        if ":" in host:
            host = f"[{host}]"
        try:
            port = parts.port
        except ValueError:
            port = None
        userinfo = netloc.rpartition("@")[0] if "@" in netloc else ""
        netloc = (userinfo + "@" if userinfo else "") + host
        if port is not None and port != _DEFAULT_PORTS.get(scheme):
            netloc += f":{port}"
    path = parts.path or ("/" if scheme in _DEFAULT_PORTS else "")
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    kept = sorted(
        (k, v)
        for k, v in query
        if k.lower() not in TRACKING_PARAMS and not k.lower().startswith(TRACKING_PREFIXES)
    )
    return urllib.parse.urlunsplit((scheme, netloc, path, urllib.parse.urlencode(kept), ""))


def media_type(content_type: str | None) -> str:
    """The media type of a Content-Type header, lower-case, without parameters."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def is_feed_or_html(content_type: str | None) -> bool:
    """Whether a media type can hold a feed or an article page (XML, HTML, JSON, text)."""
    kind = media_type(content_type)
    return kind in FEED_OR_HTML_TYPES or kind.endswith(("+xml", "+json")) or not kind


def binary_skip_reason(content_type: str | None) -> str | None:
    """Why a body of this type is not text at all (PDF, image, audio, ...), or None."""
    kind = media_type(content_type)
    if kind in _SKIP_TYPES:
        return f"{_SKIP_TYPES[kind]} ({kind})"
    for prefix, label in _SKIP_TYPE_PREFIXES.items():
        if kind.startswith(prefix):
            return f"{label} ({kind})"
    return None


def content_skip_reason(content_type: str | None) -> str | None:
    """Why a page of this type is skipped (PDF, image, ...), or None when it can be extracted."""
    kind = media_type(content_type)
    binary = binary_skip_reason(kind)
    if binary:
        return f"{binary}, not an HTML page"
    if is_feed_or_html(kind):
        return None
    return f"unsupported content type {kind}"


def decode_html(body: bytes, headers: dict[str, str]) -> str:
    """Decode an HTML body: byte-order mark, then the header charset, then <meta>, then detection."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(encoding, errors="replace")
    lowered = {k.lower(): v for k, v in headers.items()}
    declared = [
        _charset_param(lowered.get("content-type", "")),
        _sniff_declared_charset(body[:4096]),
    ]
    for name in declared:
        named = _lookup_encoding(name)
        if named:
            try:
                return body.decode(named)
            except UnicodeDecodeError:
                if named != "utf-8" or _mostly_utf8(body):
                    # Browsers keep a declared charset and replace the odd bad byte.
                    return body.decode(named, errors="replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    detected = _detect_encoding(body)
    return body.decode(detected or "cp1252", errors="replace")


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


def parse_max_age(cache_control: str | None) -> int | None:
    """max-age seconds from a Cache-Control header, or None."""
    if not cache_control:
        return None
    match = re.search(r"(?:^|[,\s])max-age\s*=\s*\"?(\d+)", cache_control, re.IGNORECASE)
    return int(match.group(1)) if match else None


def _send(
    http: httpx.Client,
    url: str,
    headers: dict[str, str],
    logical_url: str,
    settings: FetchSettings,
    requested_url: str,
) -> httpx.Response:
    left = _time_left()
    if left is not None and left <= 0:
        raise _deadline_error(requested_url, settings)
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
        if _past_deadline():
            raise _deadline_error(requested_url, settings) from e
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
                raise _deadline_error(url, settings)
            chunks.append(chunk)
    except httpx.TimeoutException as e:
        if _past_deadline():
            raise _deadline_error(url, settings) from e
        raise FetchError(
            f"read timeout after {settings.read_timeout_s:g}s fetching {url}", url
        ) from e
    except httpx.HTTPError as e:
        raise FetchError(f"connection error reading {url}: {type(e).__name__}: {e}", url) from e
    return b"".join(chunks)


def decode_content(chunks: Iterator[bytes], encodings: Sequence[str], url: str) -> Iterator[bytes]:
    """Undo the Content-Encoding ENCODINGS (gzip, deflate; others pass through as httpx does),
    yielding at most DECODE_SLICE_BYTES at a time."""
    for encoding in reversed(encodings):  # the last coding applied is undone first
        if encoding in ("gzip", "deflate"):
            chunks = _inflate(chunks, encoding, url)
    return chunks


def _inflate(chunks: Iterator[bytes], encoding: str, url: str) -> Iterator[bytes]:
    wbits = zlib.MAX_WBITS | 16 if encoding == "gzip" else zlib.MAX_WBITS
    decoder = zlib.decompressobj(wbits)
    fresh = True  # nothing decoded yet by this decoder
    later_member = False  # a gzip member already ended before this decoder
    try:
        for chunk in chunks:
            data = chunk
            while data:
                if decoder.eof:
                    if encoding != "gzip":
                        return  # bytes after the end of a deflate stream are ignored, as by httpx
                    decoder, fresh, later_member = zlib.decompressobj(wbits), True, True
                try:
                    out = decoder.decompress(data, DECODE_SLICE_BYTES)
                except zlib.error:
                    if not fresh:
                        raise
                    if later_member:
                        return  # garbage after a complete gzip member is ignored, as by httpx
                    if encoding == "gzip":
                        raise
                    # Some servers send raw deflate without the zlib header (httpx allows it).
                    decoder = zlib.decompressobj(-zlib.MAX_WBITS)
                    out = decoder.decompress(data, DECODE_SLICE_BYTES)
                fresh = False
                data = decoder.unused_data if decoder.eof else decoder.unconsumed_tail
                if out:
                    yield out
        tail = decoder.flush()
        if tail:
            yield tail
    except zlib.error as e:
        raise FetchError(f"{url}: cannot decode the {encoding} body: {e}", url) from e


def _join(current: str, location: str) -> str:
    return urllib.parse.urljoin(current, location.strip())


def _charset_param(content_type: str) -> str | None:
    match = re.search(r"charset\s*=\s*[\"']?([^\"';\s]+)", content_type, re.IGNORECASE)
    return match.group(1) if match else None


def _sniff_declared_charset(head: bytes) -> str | None:
    match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    return match.group(1).decode("ascii", "ignore") if match else None


def _lookup_encoding(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().lower()
    name = _ENCODING_ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _detect_encoding(body: bytes) -> str | None:
    try:
        import charset_normalizer
    except ImportError:  # pragma: no cover - trafilatura depends on it
        return None
    sample = body[:65536]
    matches = charset_normalizer.from_bytes(sample, threshold=DETECTION_MAX_CHAOS)
    best = matches.best()
    if best is None:
        return None
    # Short pages make single-byte Latin code pages score almost alike; windows-1252 is the web's
    # default, so it wins unless another code page reads clearly better.
    for match in matches:
        if match.encoding == "cp1252" and match.chaos - best.chaos <= DETECTION_TIE_CHAOS:
            return "cp1252"
    return best.encoding


DETECTION_MAX_CHAOS = 0.5
DETECTION_TIE_CHAOS = 0.2


UTF8_MAX_BAD_BYTE_SHARE = 0.005


def _mostly_utf8(body: bytes) -> bool:
    """True when a body is valid UTF-8 but for a few stray bytes (under 0.5 %)."""
    text = body.decode("utf-8", errors="replace")
    return text.count("\ufffd") <= max(1, len(body) * UTF8_MAX_BAD_BYTE_SHARE)


__all__ = [
    "FetchResponse",
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
