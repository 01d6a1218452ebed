"""Parsing feed documents: RSS, Atom, RDF via feedparser, JSON Feed, and entry normalisation."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import logging
import re
import time
import urllib.parse
import warnings
from typing import Any

import feedparser

from monitor.errors import ParseError
from monitor.feeds.model import ERROR_MESSAGE_CHARS, ParsedEntry, ParsedFeed
from monitor.feeds.prolog import check_xml_prolog
from monitor.http import binary_skip_reason, canonicalize_url

LOGGER = logging.getLogger(__name__)

if importlib.util.find_spec("drv_libxml2") is None:
    # feedparser asks xml.sax for "drv_libxml2" first on every parse; the failed import is not
    # cached, so each feed rescans sys.path (~4 ms). Without it xml.sax uses expat, as it would.
    feedparser.api.PREFERRED_XML_PARSERS[:] = []

_LINK_TAG = re.compile(rb"<link\b([^>]*)>", re.IGNORECASE)
_ATTRIBUTE = re.compile(rb"""([\w:-]+)\s*=\s*(["']?)([^"'\s>]*)\2""")
_SY_PERIOD_MINUTES = {
    "hourly": 60,
    "daily": 1440,
    "weekly": 10080,
    "monthly": 43200,
    "yearly": 525600,
}


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


def parse_safely(body: bytes, url: str, headers: dict[str, str]) -> ParsedFeed | ParseError:
    """parse_feed, with every failure returned as a ParseError."""
    try:
        return parse_feed(body, url, headers)
    except ParseError as e:
        return e
    except Exception as e:  # a parser bug on one hostile feed must not fail the batch
        LOGGER.exception("feed %s: unexpected error while parsing", url)
        return ParseError(f"{url}: unexpected error while parsing: {type(e).__name__}: {e}")


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


def _bozo_message(result: Any) -> str:
    error = result.get("bozo_exception")
    if error is None:
        return "malformed document"
    return f"{type(error).__name__}: {error}"[:ERROR_MESSAGE_CHARS]


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
