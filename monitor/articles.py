"""Stage 2, articles: fetch each pending entry's page, extract it, and store it as an article version.

``select_pending_entries`` reads the work queue, ``fetch_pages`` does the network I/O,
``extract_pages`` / ``extract_article`` are pure, and ``save_articles`` writes. Articles are keyed
on their canonical URL and versioned on the hash of their extracted text: a re-fetch with the same
text adds nothing, a changed text adds version N+1, nothing is ever overwritten.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import datetime as dt
import hashlib
import logging
import multiprocessing
import os
import re
import threading
import time
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from html import unescape
from typing import Any
from urllib.parse import urlsplit

import duckdb
import httpx
import trafilatura
from trafilatura.settings import Document, set_date_params

from monitor import db
from monitor.errors import (
    BlockedURLError,
    FetchError,
    HTTPStatusError,
    MonitorError,
    ParseError,
    StoreError,
    TooLargeError,
)
from monitor.http import (
    FetchResponse,
    binary_skip_reason,
    canonicalize_url,
    decode_html,
    fetch_concurrently,
    fetch_url,
    make_client,
    media_type,
)
from monitor.settings import FetchSettings

LOGGER = logging.getLogger(__name__)

# A failed page is retried after 10, 20, 40, ... minutes, never later than a day.
PAGE_RETRY_BASE_MINUTES = 10.0
PAGE_RETRY_MAX_MINUTES = 24 * 60.0
MAX_ERROR_CHARS = 500
# 404 is retried: feeds often list a story minutes before its page goes live.
PERMANENT_HTTP_STATUSES = frozenset({410, 451})
PAGE_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"
HTML_CONTENT_TYPES = frozenset(
    {"text/html", "application/xhtml+xml", "application/xml", "text/xml"}
)

# Settings shared with trafilatura's own benchmark (tests/eval_common.py upstream): tables in,
# comments and formatting out. Comments are reader opinions, not the outlet's claims.
TRAFILATURA_OPTIONS: dict[str, Any] = {
    "include_comments": False,
    "include_tables": True,
    "include_formatting": False,
}
_DATE_OUTPUT_FORMAT = "%Y-%m-%dT%H:%M:%S%z"


# --- data ---------------------------------------------------------------------------------------


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


# --- extraction (pure) --------------------------------------------------------------------------

_LINK_LEAD = (
    r"(?:read|see|watch|listen)\s+(?:next|more|also|too)|also\s+read|related(?:\s+(?:articles?|stories|"
    r"coverage|content|news|reading|topics?))?|more\s+on\s+this(?:\s+story)?|more\s+from\s+[\w .'-]{1,40}"
    r"|recommended(?:\s+for\s+you)?|you\s+may\s+also\s+like|don'?t\s+miss|trending"
    r"|(?:mehr|lesen\s+sie\s+auch|auch\s+interessant|weiterlesen)"
)
_SHARE_WORDS = (
    r"share(?:\s+(?:this|the)(?:\s+(?:article|story|post|page))?)?(?:\s+on\s+\w+)?|tweet(?:\s+this)?"
    r"|e-?mail(?:\s+this)?|copy\s+link|copy\s+article\s+link|link\s+copied|print(?:\s+this)?|whatsapp"
    r"|facebook|twitter|x|linkedin|pinterest|reddit|telegram|messenger|flipboard|bluesky|threads"
    r"|comments?|save(?:\s+article)?|gift\s+(?:this\s+)?article|teilen|drucken"
)
_BOILERPLATE_LINES = [
    # "Read next: ...", "Read more:", "Related: ...", "READ MORE »"
    re.compile(rf"^(?:{_LINK_LEAD})(?:\s*[:：|»›→>]|\s+[-–—]\s|\s*$)", re.IGNORECASE),
    # share bars: a line made only of share-button labels
    re.compile(rf"^(?:(?:{_SHARE_WORDS})\s*[|•·,/]?\s*)+$", re.IGNORECASE),
    # newsletter boxes
    re.compile(
        r"^.{0,80}\b(?:sign\s*(?:up|me\s+up)|subscribe|register|get|join)\b.{0,60}\bnewsletters?\b"
        r"|^newsletters?\b.{0,60}(?:sign[\s-]*up|subscribe)|^(?:enter|your)\s+(?:your\s+)?e-?mail\s+address"
        r"|^by\s+(?:signing\s+up|subscribing),?\s+you\s+agree",
        re.IGNORECASE,
    ),
    # photo credits and captions credits
    re.compile(
        r"^(?:\(?(?:photo|photograph|image|picture|foto|bild|credit|illustration|video)s?"
        r"(?:\s+credits?)?\s*(?::|by\b|©)|\(?image\s+credits?\b|\(?photo\s+credits?\b|©\s*\w)",
        re.IGNORECASE,
    ),
    re.compile(
        r"^[\w .,'/&-]{0,80}\((?:[\w .,'/&-]{0,60}\b)?(?:getty\s+images|afp|reuters|ap\s+photo"
        r"|shutterstock|istock|epa|dpa|anadolu)[\w .,'/&-]{0,40}\)\.?$|^(?:[\w .'-]{0,60}/)?\s*"
        r"(?:getty\s+images|shutterstock|istockphoto|ap\s+photo|afp\s+via\s+getty\s+images)\.?$",
        re.IGNORECASE,
    ),
    # advertising slots
    re.compile(
        r"^(?:advertisement|skip\s+advertisement|story\s+continues\s+below(?:\s+advertisement)?"
        r"|article\s+continues\s+below(?:\s+this\s+ad)?|anzeige|werbung)\.?$",
        re.IGNORECASE,
    ),
]
# Below this the "article" is a menu label or an error stub ("Home", "Loading..."), not a story.
MIN_ARTICLE_TEXT_CHARS = 40
# A real paragraph can start with "Photo:" or mention a newsletter; boilerplate lines are short.
MAX_BOILERPLATE_LINE_CHARS = 200
# Where a stored publication time came from, most trusted first (article_versions.published_source).
PUBLISHED_SOURCES = {
    "feed": "the feed entry's pubDate / published",
    "page-meta": "the page's own metadata (meta tags, JSON-LD datePublished)",
    "page-markup": "a <time datetime> element in the page",
    "page-guess": "a date found in the page text (htmldate's heuristics; may be a copyright year)",
    "fetched": "no publication date: the monitor's fetch time stands in",
}
PUBLISHED_META_NAMES = frozenset(
    {
        "article:published_time",
        "og:article:published_time",
        "og:published_time",
        "datepublished",
        "pubdate",
        "publishdate",
        "publish-date",
        "publish_date",
        "dc.date.issued",
        "dcterms.issued",
        "dc.date",
        "dcterms.date",
        "date",
        "parsely-pub-date",
        "sailthru.date",
        "article.published",
    }
)
_META_TAG = re.compile(r"<meta\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_JSON_LD_PUBLISHED = re.compile(r"\"datePublished\"\s*:\s*\"([^\"]{8,40})\"", re.IGNORECASE)
_TIME_ELEMENT = re.compile(
    r"<time\b[^>]*?\bdatetime\s*=\s*[\"']\s*([^\"']{8,40})[\"']", re.IGNORECASE
)
_TITLE_ELEMENT = re.compile(r"<title\b[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
# "Headline | Outlet", "Headline - Outlet", "Headline — Outlet", "Headline – Outlet", "Headline · Outlet"
_TITLE_SEPARATOR = re.compile(r"\s+(?:\||-|—|–|·|::)\s+")
# An outlet name is short: "The Daily Ledger", "Al Mayadeen English", "ledger.example".
OUTLET_NAME_MAX_CHARS = 50
OUTLET_NAME_MAX_WORDS = 6
_NAME_FILLER_WORDS = frozenset(
    {
        "of",
        "the",
        "and",
        "&",
        "for",
        "on",
        "in",
        "at",
        "de",
        "la",
        "le",
        "les",
        "du",
        "des",
        "der",
        "die",
        "das",
        "del",
        "el",
        "y",
        "di",
        "da",
        "van",
        "von",
    }
)
_HOST_LIKE = re.compile(
    r"^(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-f:]+\]|localhost)(?::\d+)?$", re.IGNORECASE
)
# A feed date at exactly midnight is usually a date without a time ("2022-06-14").
_MIDNIGHT = dt.time(0, 0)
_HTML_LANG = re.compile(
    r"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?)", re.IGNORECASE
)


def is_boilerplate_line(line: str) -> bool:
    """True for a "Read next:" link, share bar, newsletter box, photo credit or ad slot line."""
    stripped = line.strip()
    if not stripped or len(stripped) > MAX_BOILERPLATE_LINE_CHARS:
        return False
    return any(pattern.search(stripped) for pattern in _BOILERPLATE_LINES)


def clean_text(text: str, drop_boilerplate: bool = True) -> str:
    """NFC-normalise, drop boilerplate lines, and separate paragraphs by one blank line."""
    paragraphs = []
    for line in unicodedata.normalize("NFC", text).splitlines():
        line = " ".join(line.split())
        if line and not (drop_boilerplate and is_boilerplate_line(line)):
            paragraphs.append(line)
    return "\n\n".join(paragraphs)


def content_hash(text: str) -> str:
    """SHA-256 of the whitespace-normalised text: layout changes do not make a new version."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def extract_article(
    html: str | bytes, url: str | None = None, headers: Mapping[str, str] | None = None
) -> ExtractedArticle | None:
    """Main text and metadata of a page with trafilatura, boilerplate lines removed; None if empty."""
    if isinstance(html, bytes):
        html = decode_html(html, dict(headers or {}))
    return article_from_document(extract_document(html, url), html)


def extract_document(html: str, url: str | None = None) -> Document | None:
    """Trafilatura's extraction with metadata, at its benchmark settings (tables in, comments out)."""
    if not html.strip():
        return None
    date_params = set_date_params(extensive=True)
    date_params["outputformat"] = _DATE_OUTPUT_FORMAT
    document = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, date_extraction_params=date_params, **TRAFILATURA_OPTIONS
    )
    if document is None or isinstance(document, dict):
        return None
    return document


def article_from_document(
    document: Document | None, html: str = "", clean: bool = True
) -> ExtractedArticle | None:
    """Our article from trafilatura's document; ``clean=False`` keeps boilerplate lines (for evals)."""
    if document is None or not document.text:
        return None
    text = clean_text(document.text) if clean else clean_text(document.text, drop_boilerplate=False)
    if len(text) < MIN_ARTICLE_TEXT_CHARS:
        return None
    published_at, source, has_time = page_published(html, parse_extracted_date(document.date))
    metas = _meta_values(html)
    return ExtractedArticle(
        text=text,
        title=_clean_field(document.title),
        author=_clean_field(document.author),
        published_at=published_at,
        site_name=_clean_field(metas.get("og:site_name")) or _named_site(document),
        language=_clean_field(document.language) or _html_language(html),
        published_source=source,
        published_has_time=has_time,
        title_suffix=title_suffix(html),
    )


def parse_extracted_date(value: str | None) -> dt.datetime | None:
    """Naive UTC datetime from trafilatura's date string (with or without time and offset)."""
    if not value:
        return None
    for pattern in (_DATE_OUTPUT_FORMAT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
        try:
            parsed = dt.datetime.strptime(value, pattern)
        except ValueError:
            continue
        if parsed.tzinfo is not None:
            parsed = parsed.astimezone(dt.UTC).replace(tzinfo=None)
        return parsed
    return None


def published_time(html: str, extracted: dt.datetime | None) -> dt.datetime | None:
    """The page's publication time: its metadata's timestamp, else trafilatura's (often day-only) date."""
    return page_published(html, extracted)[0]


def page_published(
    html: str, extracted: dt.datetime | None
) -> tuple[dt.datetime | None, str | None, bool]:
    """(time, source, has_time) of the page's own publication date; source is a PUBLISHED_SOURCES key.

    htmldate (inside trafilatura) returns a date without saying where it found it, and its
    extensive search reads copyright footers ("© 2022" becomes 2022-01-01). So the page's
    metadata is read here first; htmldate's answer is kept only as a "page-guess".
    """
    head = html[:200_000]
    metas = _meta_values(head)
    declared = [metas[name] for name in PUBLISHED_META_NAMES if name in metas]
    declared += _JSON_LD_PUBLISHED.findall(head)
    parsed = [
        stamp for stamp in (parse_timestamp(value) for value in declared) if stamp is not None
    ]
    if parsed:
        # A time of day beats a bare date; among equals the first declared wins.
        stamp, has_time = max(parsed, key=lambda item: item[1])
        return stamp, "page-meta", has_time
    for value in _TIME_ELEMENT.findall(head):
        element = parse_timestamp(value)
        if element is None or not element[1]:
            continue
        if extracted is not None and element[0].date() != extracted.date():
            continue
        return element[0], "page-markup", True
    if extracted is not None:
        return extracted, "page-guess", extracted.time() != _MIDNIGHT
    return None, None, False


def parse_timestamp(value: str) -> tuple[dt.datetime, bool] | None:
    """(naive UTC time, whether it had a time of day) from an ISO 8601 date or timestamp."""
    value = value.strip()
    if not re.match(r"^\d{4}-\d{2}-\d{2}", value):
        return None
    has_time = len(value) > 10 and value[10] in "T "
    try:
        stamp = (
            dt.datetime.fromisoformat(value.replace("z", "Z"))
            if has_time
            else dt.datetime.fromisoformat(value[:10])
        )
    except ValueError:
        return None
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(dt.UTC).replace(tzinfo=None)
    return stamp, has_time


def choose_published(
    feed_at: dt.datetime | None, article: ExtractedArticle | None
) -> tuple[dt.datetime | None, str]:
    """The most precise trustworthy publication time of an entry's page, and where it came from.

    A page date from metadata with a time of day wins when the feed has no date, or only a bare
    date (midnight) of about the same day. Otherwise the feed's date wins over any page date;
    a page date is the fallback, and a bare January 1st guessed from the text is no date at all.
    """
    page_at = article.published_at if article is not None else None
    source = article.published_source if article is not None else None
    has_time = bool(article is not None and article.published_has_time)
    if page_at is not None and source in ("page-meta", "page-markup") and has_time:
        if feed_at is None:
            return page_at, str(source)
        if feed_at.time() == _MIDNIGHT and abs(page_at - feed_at) < dt.timedelta(days=1):
            return page_at, str(source)
    if feed_at is not None:
        return feed_at, "feed"
    if page_at is not None and source is not None:
        if source == "page-guess" and not has_time and (page_at.month, page_at.day) == (1, 1):
            return None, "fetched"  # a year-only guess, e.g. a "Copyright 2022" footer
        return page_at, source
    return None, "fetched"


def title_suffix(html: str) -> str | None:
    """The last part of the page's <title> after a " | ", " - ", " — " or " – " separator."""
    match = _TITLE_ELEMENT.search(html[:200_000])
    if match is None:
        return None
    title = " ".join(unescape(re.sub(r"<[^>]+>", "", match.group(1))).split())
    parts = _TITLE_SEPARATOR.split(title)
    if len(parts) < 2:
        return None
    return _clean_field(parts[-1])


def plausible_outlet_name(name: str, headline: str | None = None) -> bool:
    """Whether a title suffix reads like a publication's name: short, capitalised, not the headline."""
    words = name.split()
    if not words or len(words) > OUTLET_NAME_MAX_WORDS or len(name) > OUTLET_NAME_MAX_CHARS:
        return False
    if name[-1] in ".?!:,;" or (headline and name.casefold() == headline.casefold()):
        return False
    if "." in name and " " not in name:
        return True  # a domain name: "ledger.example"
    return all(
        word[0].isupper() or word[0].isdigit() or word.casefold() in _NAME_FILLER_WORDS
        for word in words
    )


def outlet_name(
    article: ExtractedArticle | None,
    url: str,
    feed_title: str | None = None,
    repeated_suffixes: frozenset[str] = frozenset(),
) -> str:
    """The outlet's name: the page's site name, its <title> suffix, the feed's title, else the host.

    A title suffix counts when it reads like a name or when several pages of the host share it.
    """
    if article is not None:
        if article.site_name:
            return article.site_name
        suffix = article.title_suffix
        if suffix and (suffix in repeated_suffixes or plausible_outlet_name(suffix, article.title)):
            return suffix
    return _clean_field(feed_title) or outlet_host(url)


def outlet_host(url: str) -> str:
    """The host (and port, if any) without a leading www.: two servers on one address stay two."""
    netloc = (urlsplit(url).netloc or url).lower().rsplit("@", 1)[-1]
    return netloc.removeprefix("www.")


def _meta_values(html: str) -> dict[str, str]:
    """First content of each <meta> by lower-cased property/name/itemprop."""
    values: dict[str, str] = {}
    for tag in _META_TAG.findall(html[:200_000]):
        attributes = {
            m.group(1).lower(): next(g for g in m.groups()[1:] if g is not None)
            for m in _ATTRIBUTE.finditer(tag)
        }
        content = attributes.get("content")
        if content is None:
            continue
        for key in ("property", "name", "itemprop"):
            name = attributes.get(key, "").strip().lower()
            if name:
                values.setdefault(name, unescape(content).strip())
    return values


def _named_site(document: Document) -> str | None:
    """Trafilatura's site name unless it is only its fallback (the URL's host, or a bare address)."""
    name = _clean_field(document.sitename)
    if not name or _HOST_LIKE.match(name):
        return None
    hosts = {outlet_host(u) for u in (document.url, document.hostname) if u}
    hosts |= {host.split(":")[0] for host in hosts}
    return None if name.lower().removeprefix("www.") in hosts else name


def _clean_field(value: str | None) -> str | None:
    if not value:
        return None
    value = " ".join(unicodedata.normalize("NFC", value).split())
    return value or None


def _html_language(html: str) -> str | None:
    match = _HTML_LANG.search(html[:5000])
    return match.group(1).replace("_", "-").lower() if match else None


# --- the work queue -----------------------------------------------------------------------------


def select_pending_entries(
    con: duckdb.DuckDBPyConnection, now: dt.datetime, limit: int
) -> list[PendingEntry]:
    """Entries to fetch: pending ones, and failed ones whose retry time has come; oldest first."""
    rows = db.query(con, "articles_entries_pending", {"now": now, "limit": limit})
    return [PendingEntry(*row) for row in rows]


def requeue_failed_entries(
    con: duckdb.DuckDBPyConnection, entry_ids: list[int] | None = None
) -> list[int]:
    """Give failed or parked entries a fresh attempt budget; return the ids requeued."""
    with db.transaction(con):
        rows = db.query(con, "articles_entries_failed_ids", {"ids": entry_ids})
        db.execute(con, "articles_entries_requeue_failed", {"ids": entry_ids})
    return [int(row[0]) for row in rows]


# --- fetching (I/O) -----------------------------------------------------------------------------


def fetch_pages(entries: list[PendingEntry], settings: FetchSettings) -> list[PageFetch]:
    """Fetch each entry's page concurrently; one URL listed by several entries is fetched once."""
    by_url = _entries_by_url(entries)
    urls = list(by_url)
    with make_client(settings) as client:
        outcomes = fetch_concurrently(
            urls, lambda url: url, _page_fetcher(settings, client), settings
        )
    fetches: dict[int, PageFetch] = {}
    for url, outcome in zip(urls, outcomes, strict=True):
        for entry in by_url[url]:
            fetches[entry.entry_id] = _page_fetch(entry, url, outcome)
    return [fetches[entry.entry_id] for entry in entries]


def fetch_and_extract_pages(
    entries: list[PendingEntry],
    settings: FetchSettings,
    processes: int = 1,
    analyze: Callable[[ExtractedArticle], Any] | None = None,
    pool: ExtractionPool | None = None,
) -> list[PageResult]:
    """Fetch pages concurrently and extract each one as soon as it arrives, on PROCESSES workers.

    With more than one process, extraction of the first pages overlaps the download of the rest,
    and trafilatura uses every core instead of one. ANALYZE (picklable, pure) also runs on the
    workers for each extracted article; its result comes back as `PageResult.analysis`. POOL is
    a standing pool to use (the cycle's); without one, a pool is started for this call and shut
    down at its end.
    """
    own = pool is None
    pool = ExtractionPool() if pool is None else pool
    try:
        return _fetch_and_extract(entries, settings, processes, analyze, pool)
    finally:
        if own:
            pool.shutdown(wait=True)


def _fetch_and_extract(
    entries: list[PendingEntry],
    settings: FetchSettings,
    processes: int,
    analyze: Callable[[ExtractedArticle], Any] | None,
    pool: ExtractionPool,
) -> list[PageResult]:
    workers = pool.executor(processes)
    if workers is None:
        return extract_pages(fetch_pages(entries, settings), analyze)
    submit = workers.submit
    by_url = _entries_by_url(entries)
    urls = list(by_url)
    fetch_one = _page_fetcher(settings, client := make_client(settings))

    def fetch_then_submit(url: str) -> tuple[FetchResponse, Future[ExtractedPage] | None]:
        response = fetch_one(url)
        if non_html_reason(response):
            return response, None
        return response, submit(extract_response, response, analyze)

    with client:
        outcomes = fetch_concurrently(urls, lambda url: url, fetch_then_submit, settings)
    results: dict[int, PageResult] = {}
    for url, outcome in zip(urls, outcomes, strict=True):
        if isinstance(outcome, MonitorError):
            for entry in by_url[url]:
                results[entry.entry_id] = page_result(_page_fetch(entry, url, outcome))
            continue
        response, future = outcome
        extracted = _collect(future, response.url, pool) if future is not None else None
        for entry in by_url[url]:
            results[entry.entry_id] = page_result(_page_fetch(entry, url, response), extracted)
    return [results[entry.entry_id] for entry in entries]


def _entries_by_url(entries: list[PendingEntry]) -> dict[str, list[PendingEntry]]:
    by_url: dict[str, list[PendingEntry]] = {}
    for entry in entries:
        by_url.setdefault(_canonical_or_raw(entry.url), []).append(entry)
    return by_url


def _page_fetcher(settings: FetchSettings, client: httpx.Client) -> Callable[[str], FetchResponse]:
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


def _collect(future: Future[ExtractedPage], url: str, pool: ExtractionPool) -> ExtractedPage:
    try:
        return future.result()
    except BrokenProcessPool:
        # A worker died (a page crashed lxml, or the OOM killer): the page is retried next cycle
        # and the next batch gets a fresh pool.
        pool.shutdown()
        return ExtractedPage(None, None, f"extraction worker process died while extracting {url}")
    except Exception as e:  # noqa: BLE001 - e.g. a result too large to send back: data, not a crash
        return ExtractedPage(
            None, None, f"extraction in a worker process failed: {type(e).__name__}: {e}"
        )


def _canonical_or_raw(url: str) -> str:
    try:
        return canonicalize_url(url)
    except (MonitorError, ValueError):
        return url


def _page_fetch(entry: PendingEntry, url: str, outcome: Any) -> PageFetch:
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


# --- extraction of a batch (pure) ---------------------------------------------------------------


@dataclass(frozen=True)
class ExtractedPage:
    """What extraction made of one page; plain data, so it can come back from a worker process."""

    article: ExtractedArticle | None
    html: str | None
    error: str | None = None
    analysis: Any = None


def extract_response(
    response: FetchResponse, analyze: Callable[[ExtractedArticle], Any] | None = None
) -> ExtractedPage:
    """Decode a fetched page and extract its article; a failure is returned as data, never raised."""
    try:
        html = decode_html(response.body, response.headers)
        article = extract_article(html, _canonical_or_raw(response.url))
    except Exception as e:  # noqa: BLE001 - a broken page is data, not a crash
        return ExtractedPage(None, None, f"{type(e).__name__}: {e}")
    analysis = None
    if analyze is not None and article is not None:
        try:
            analysis = analyze(article)
        except Exception as e:  # noqa: BLE001 - the later stage does the work itself instead
            LOGGER.warning(
                "analysing %s in the extraction worker failed: %s: %s",
                response.url,
                type(e).__name__,
                e,
            )
    return ExtractedPage(article, html, analysis=analysis)


def page_result(
    fetch: PageFetch,
    extracted: ExtractedPage | None = None,
    analyze: Callable[[ExtractedArticle], Any] | None = None,
) -> PageResult:
    """One entry's outcome from its fetch and, for an HTML page, its extraction (run here if absent)."""
    entry = fetch.entry
    response = fetch.response
    url = _canonical_or_raw(response.url if response else entry.url)
    if fetch.error is not None or response is None:
        return PageResult(
            entry, url, error=fetch.error or FetchError(f"{entry.url}: no response", entry.url)
        )
    if fetch.skip_reason:
        return PageResult(entry, url, skip_reason=fetch.skip_reason)
    if extracted is None:
        extracted = extract_response(response, analyze)
    if extracted.error is not None:
        LOGGER.warning("entry %s: extracting %s failed: %s", entry.entry_id, url, extracted.error)
        return PageResult(
            entry, url, error=ParseError(f"{url}: extraction failed: {extracted.error}")
        )
    if extracted.article is None:
        reason = f"no article text could be extracted from {url}"
        return PageResult(entry, url, raw_html=extracted.html, skip_reason=reason)
    return PageResult(
        entry, url, article=extracted.article, raw_html=extracted.html, analysis=extracted.analysis
    )


def extract_pages(
    fetches: list[PageFetch], analyze: Callable[[ExtractedArticle], Any] | None = None
) -> list[PageResult]:
    """Decode and extract every fetched page in this process; failures become results."""
    return [page_result(fetch, None, analyze) for fetch in fetches]


class ExtractionPool:
    """Extraction worker processes, started on first use and kept until `shutdown`.

    One owner holds it (the cycle's `monitor.state.PipelineState`) and passes it in; a call
    given none starts its own and shuts it down. PRELOAD names modules the fork server imports
    once, so workers share them (e.g. the module of an `analyze` function).
    """

    def __init__(self, preload: Sequence[str] = ()) -> None:
        self.preload = tuple(preload)
        self._lock = threading.Lock()
        self._running: tuple[int, ProcessPoolExecutor] | None = None
        self._warm_ups: list[threading.Thread] = []

    @property
    def started(self) -> bool:
        """Whether worker processes are running (or starting)."""
        return self._running is not None

    def executor(self, processes: int) -> ProcessPoolExecutor | None:
        """The pool of PROCESSES workers (0: one per CPU), started if needed; None for in-process."""
        wanted = processes or os.cpu_count() or 1
        if wanted <= 1:
            return None
        with self._lock:
            if self._running is not None and self._running[0] == wanted:
                return self._running[1]
            self._discard()
            # forkserver, not fork: the cycle process runs Prefect's threads, and forking a
            # threaded process can copy a held lock into the child. The server preloads this
            # module once.
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload([__name__, *self.preload])
            workers = ProcessPoolExecutor(
                wanted, mp_context=context, initializer=_exit_with_parent, initargs=(os.getpid(),)
            )
            self._running = (wanted, workers)
            return workers

    def warm(self, processes: int) -> None:
        """Start the workers in the background, so their start-up overlaps feed polling."""

        def start() -> None:
            workers = self.executor(processes)
            if workers is not None:
                started = [workers.submit(int) for _ in range(processes or os.cpu_count() or 1)]
                concurrent.futures.wait(started)

        thread = threading.Thread(target=start, name="extraction-pool-warm-up", daemon=True)
        self._warm_ups.append(thread)
        thread.start()

    def finish_warm_up(self) -> None:
        """Wait until the workers `warm` started are up.

        A process that exits while they start leaves tracebacks behind: the warm-up thread's submit
        fails ("cannot schedule new futures after interpreter shutdown") and a half-started worker
        finds its semaphore gone (FileNotFoundError).
        """
        while self._warm_ups:
            self._warm_ups.pop().join()

    def shutdown(self, wait: bool = False) -> None:
        """Stop the workers (cancelling queued work); the next `executor` call starts new ones."""
        with self._lock:
            self._discard(wait)

    def _discard(self, wait: bool = False) -> None:
        if self._running is not None:
            self._running[1].shutdown(wait=wait, cancel_futures=True)
            self._running = None


def _exit_with_parent(parent_pid: int, check_every_s: float = 2.0) -> None:
    """In an extraction worker: exit once the cycle process is gone.

    Pool workers wait on their task queue forever; if the cycle process is killed (SIGKILL, the
    OOM killer), nothing else would ever stop them and their fork server.
    """

    def watch() -> None:
        while True:
            time.sleep(check_every_s)
            try:
                os.kill(parent_pid, 0)
            except ProcessLookupError:
                os._exit(0)
            except PermissionError:
                continue

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


# --- saving -------------------------------------------------------------------------------------


def save_articles(
    con: duckdb.DuckDBPyConnection,
    results: list[PageResult],
    settings: FetchSettings,
    now: dt.datetime,
) -> ArticleReport:
    """Store a batch's articles and versions, marking their entries in the same transaction.

    The batch is written with a handful of statements; if that fails, each page is written on its
    own, so one bad row is recorded on its entry and the rest are stored.
    """
    report = ArticleReport()
    extracted = [result for result in results if result.article is not None]
    try:
        with db.transaction(con):
            _save_article_batch(con, extracted, now, report)
    except (StoreError, duckdb.Error) as e:
        LOGGER.warning(
            "storing %d articles at once failed (%s); storing them one by one", len(extracted), e
        )
        report = ArticleReport()
        for result in extracted:
            one = ArticleReport()
            try:
                with db.transaction(con):
                    _save_article_batch(con, [result], now, one)
                report.merge(one)
            except (StoreError, duckdb.Error) as one_error:
                report.failed += 1
                error = StoreError(
                    f"storing article {result.url} (entry {result.entry.entry_id}) failed: {one_error}"
                )
                _record_failure(
                    con, dataclasses.replace(result, article=None, error=error), settings, now
                )
    for result in results:
        if result.article is not None:
            continue
        if result.skip_reason is not None:
            report.fetched += 1
            report.skipped += 1
            db.execute(
                con,
                "articles_entries_mark_skipped",
                [_truncate(result.skip_reason), now, result.entry.entry_id],
            )
        else:
            report.failed += 1
            _record_failure(con, result, settings, now)
    LOGGER.info(
        "articles saved: %s", {k: v for k, v in report.as_dict().items() if k != "new_version_ids"}
    )
    return report


def _save_article_batch(
    con: duckdb.DuckDBPyConnection,
    results: list[PageResult],
    now: dt.datetime,
    report: ArticleReport,
) -> None:
    """Write the articles and versions of RESULTS (inside the caller's transaction)."""
    if not results:
        return
    urls = list(dict.fromkeys(result.url for result in results))
    article_ids = {
        url: int(article_id)
        for url, article_id in db.query(con, "articles_ids_by_url", {"urls": urls})
    }
    known_hashes: set[tuple[int, str]] = set()
    last_version: dict[int, int] = {}
    if article_ids:
        for article_id, digest, version in db.query(
            con, "articles_versions_of", {"article_ids": list(article_ids.values())}
        ):
            known_hashes.add((int(article_id), digest))
            last_version[int(article_id)] = max(last_version.get(int(article_id), 0), int(version))
    new_urls = [url for url in urls if url not in article_ids]
    repeated = _repeated_title_suffixes(results)
    new_outlets = {}
    for result in results:
        if result.url in article_ids or result.url in new_outlets:
            continue
        new_outlets[result.url] = outlet_name(
            result.article,
            result.url,
            result.entry.feed_title,
            repeated.get(outlet_host(result.url), frozenset()),
        )
    if new_urls:
        ids = _reserve(con, "articles_reserve_ids", len(new_urls))
        article_ids.update(zip(new_urls, ids, strict=True))
        db.execute(
            con,
            "articles_insert_batch",
            {
                "ids": ids,
                "urls": new_urls,
                "outlets": [new_outlets[url] for url in new_urls],
                "now": now,
            },
        )
    versions: list[tuple[int, int, str, PageResult]] = []
    for result in results:
        article = result.article
        assert article is not None
        report.fetched += 1
        article_id = article_ids[result.url]
        digest = content_hash(article.text)
        if (article_id, digest) in known_hashes:
            report.unchanged += 1
            continue
        known_hashes.add((article_id, digest))
        version = last_version[article_id] = last_version.get(article_id, 0) + 1
        versions.append((article_id, version, digest, result))
    if versions:
        version_ids = _reserve(con, "articles_reserve_version_ids", len(versions))
        published = [choose_published(v[3].entry.published_at, v[3].article) for v in versions]
        db.execute(
            con,
            "articles_insert_version_batch",
            {
                "ids": version_ids,
                "article_ids": [v[0] for v in versions],
                "versions": [v[1] for v in versions],
                "hashes": [v[2] for v in versions],
                "titles": [v[3].article.title or v[3].entry.title for v in versions],  # type: ignore[union-attr]
                "authors": [v[3].article.author for v in versions],  # type: ignore[union-attr]
                "published": [chosen[0] for chosen in published],
                "published_sources": [chosen[1] for chosen in published],
                "site_names": [v[3].article.site_name for v in versions],  # type: ignore[union-attr]
                "texts": [v[3].article.text for v in versions],  # type: ignore[union-attr]
                "raw_html": [v[3].raw_html for v in versions],
                "now": now,
            },
        )
        for version_id, (article_id, version, _digest, result) in zip(
            version_ids, versions, strict=True
        ):
            report.new_version_ids.append(version_id)
            if version == 1:
                report.stored_new_articles += 1
            else:
                report.new_versions += 1
            LOGGER.info(
                "entry %s: stored %s as article %s version %s",
                result.entry.entry_id,
                result.url,
                article_id,
                version,
            )
    db.execute(
        con,
        "articles_entries_mark_stored_batch",
        {
            "entry_ids": [result.entry.entry_id for result in results],
            "article_ids": [article_ids[result.url] for result in results],
            "now": now,
        },
    )


def _repeated_title_suffixes(results: list[PageResult]) -> dict[str, frozenset[str]]:
    """Per host, the <title> suffixes that two or more different pages of the batch share."""
    titles: dict[tuple[str, str], set[str]] = {}
    for result in results:
        article = result.article
        if article is not None and article.title_suffix:
            titles.setdefault((outlet_host(result.url), article.title_suffix), set()).add(
                result.url
            )
    repeated: dict[str, set[str]] = {}
    for (host, suffix), urls in titles.items():
        if len(urls) >= 2:
            repeated.setdefault(host, set()).add(suffix)
    return {host: frozenset(suffixes) for host, suffixes in repeated.items()}


def _reserve(con: duckdb.DuckDBPyConnection, statement: str, count: int) -> list[int]:
    return [int(row[0]) for row in db.query(con, statement, {"count": count})]


def _record_failure(
    con: duckdb.DuckDBPyConnection, result: PageResult, settings: FetchSettings, now: dt.datetime
) -> None:
    entry = result.entry
    attempts = entry.attempts + 1
    message = describe_error(result.error, entry.url)
    if result.retryable and attempts < settings.max_page_attempts:
        next_attempt_at: dt.datetime | None = now + page_retry_delay(attempts, result.error)
    else:
        next_attempt_at = None  # parked: a later attempt cannot help or the budget is spent
        message = f"{message} (gave up after {attempts} attempt{'s' if attempts > 1 else ''})"
    LOGGER.warning("entry %s: %s", entry.entry_id, message)
    db.execute(
        con,
        "articles_entries_mark_failed",
        [attempts, _truncate(message), next_attempt_at, entry.entry_id],
    )


def page_retry_delay(attempts: int, error: MonitorError | None = None) -> dt.timedelta:
    """Exponential backoff after the Nth failed attempt, at least the server's Retry-After."""
    minutes = min(PAGE_RETRY_BASE_MINUTES * 2 ** (attempts - 1), PAGE_RETRY_MAX_MINUTES)
    if isinstance(error, HTTPStatusError) and error.retry_after_s:
        minutes = min(max(minutes, error.retry_after_s / 60), PAGE_RETRY_MAX_MINUTES)
    return dt.timedelta(minutes=minutes)


def describe_error(error: MonitorError | None, url: str) -> str:
    """An error message that names the URL once."""
    text = str(error) if error is not None else "unknown error"
    return text if url in text else f"{url}: {text}"


def host_of(url: str) -> str:
    """The host of a URL without a leading www., used as the outlet when a page names none."""
    host = (urlsplit(url).hostname or url).lower()
    return host.removeprefix("www.")


def _truncate(text: str) -> str:
    return text if len(text) <= MAX_ERROR_CHARS else text[: MAX_ERROR_CHARS - 1] + "…"
