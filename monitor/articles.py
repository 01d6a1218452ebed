"""Stage 2, articles: fetch each pending entry's page, extract it, and store it as an article version.

``select_pending_entries`` reads the work queue, ``fetch_pages`` does the network I/O,
``extract_pages`` / ``extract_article`` are pure, and ``save_articles`` writes. Articles are keyed
on their canonical URL and versioned on the hash of their extracted text: a re-fetch with the same
text adds nothing, a changed text adds version N+1, nothing is ever overwritten.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import duckdb
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
    media_type,
)
from monitor.settings import FetchSettings, Settings

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
    site_name: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class PendingEntry:
    """A feed entry whose page still has to be fetched and stored."""

    entry_id: int
    feed_id: int
    url: str
    title: str | None
    published_at: dt.datetime | None
    attempts: int


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
_PUBLISHED_NAMES = (
    r"(?:article:published_time|og:article:published_time|datePublished|pubdate|publishdate"
    r"|publish-date|dc\.date\.issued|dcterms\.issued|parsely-pub-date|sailthru\.date)"
)
_ISO_TIMESTAMP = r"(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)"
# Tried in order: explicit publication metadata first, a <time datetime> element last.
_PUBLISHED_TIMESTAMPS = [
    re.compile(
        rf"<meta[^>]+(?:property|name|itemprop)\s*=\s*[\"']{_PUBLISHED_NAMES}[\"'][^>]*?"
        rf"content\s*=\s*[\"']\s*{_ISO_TIMESTAMP}",
        re.IGNORECASE,
    ),
    re.compile(
        rf"<meta[^>]+content\s*=\s*[\"']\s*{_ISO_TIMESTAMP}[\"'][^>]*?"
        rf"(?:property|name|itemprop)\s*=\s*[\"']{_PUBLISHED_NAMES}[\"']",
        re.IGNORECASE,
    ),
    re.compile(rf"\"datePublished\"\s*:\s*\"{_ISO_TIMESTAMP}", re.IGNORECASE),
    re.compile(rf"<time[^>]+datetime\s*=\s*[\"']\s*{_ISO_TIMESTAMP}", re.IGNORECASE),
]
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
    return ExtractedArticle(
        text=text,
        title=_clean_field(document.title),
        author=_clean_field(document.author),
        published_at=published_time(html, parse_extracted_date(document.date)),
        site_name=_clean_field(document.sitename),
        language=_clean_field(document.language) or _html_language(html),
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
    """The page's full publication timestamp when it agrees with trafilatura's date (often day-only)."""
    head = html[:200_000]
    for pattern in _PUBLISHED_TIMESTAMPS:
        for match in pattern.finditer(head):
            try:
                stamp = dt.datetime.fromisoformat(match.group(1).strip())
            except ValueError:
                continue
            if extracted is not None and stamp.date() != extracted.date():
                continue
            if stamp.tzinfo is not None:
                stamp = stamp.astimezone(dt.UTC).replace(tzinfo=None)
            return stamp
    return extracted


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
    by_url: dict[str, list[PendingEntry]] = {}
    for entry in entries:
        by_url.setdefault(_canonical_or_raw(entry.url), []).append(entry)
    urls = list(by_url)

    def fetch_one(url: str) -> FetchResponse:
        try:
            return fetch_url(url, settings, max_bytes=settings.max_page_bytes, accept=PAGE_ACCEPT)
        except MonitorError:
            raise
        except Exception as e:
            raise FetchError(f"{url}: fetch failed: {type(e).__name__}: {e}", url) from e

    outcomes = fetch_concurrently(urls, lambda url: url, fetch_one, settings)
    fetches: dict[int, PageFetch] = {}
    for url, outcome in zip(urls, outcomes, strict=True):
        for entry in by_url[url]:
            fetches[entry.entry_id] = _page_fetch(entry, url, outcome)
    return [fetches[entry.entry_id] for entry in entries]


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


def extract_pages(fetches: list[PageFetch]) -> list[PageResult]:
    """Decode and extract every fetched page; failures become results, never exceptions."""
    results = []
    for fetch in fetches:
        entry = fetch.entry
        response = fetch.response
        url = _canonical_or_raw(response.url if response else entry.url)
        if fetch.error is not None or response is None:
            error = fetch.error or FetchError(f"{entry.url}: no response", entry.url)
            results.append(PageResult(entry, url, error=error))
            continue
        if fetch.skip_reason:
            results.append(PageResult(entry, url, skip_reason=fetch.skip_reason))
            continue
        try:
            html = decode_html(response.body, response.headers)
            article = extract_article(html, url)
        except Exception as e:  # noqa: BLE001 - a broken page is data, not a crash
            LOGGER.warning("entry %s: extracting %s failed: %s", entry.entry_id, url, e)
            error = ParseError(f"{url}: extraction failed: {type(e).__name__}: {e}")
            results.append(PageResult(entry, url, error=error))
            continue
        if article is None:
            reason = f"no article text could be extracted from {url}"
            results.append(PageResult(entry, url, raw_html=html, skip_reason=reason))
            continue
        results.append(PageResult(entry, url, article=article, raw_html=html))
    return results


# --- saving -------------------------------------------------------------------------------------


def save_articles(
    con: duckdb.DuckDBPyConnection,
    results: list[PageResult],
    settings: FetchSettings,
    now: dt.datetime,
) -> ArticleReport:
    """Store articles and versions; mark each entry in the same transaction as its article."""
    report = ArticleReport()
    for result in results:
        if result.article is not None:
            report.fetched += 1
            _save_one_article(con, result, now, report)
        elif result.skip_reason is not None:
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


def _save_one_article(
    con: duckdb.DuckDBPyConnection, result: PageResult, now: dt.datetime, report: ArticleReport
) -> None:
    article = result.article
    assert article is not None
    entry = result.entry
    digest = content_hash(article.text)
    try:
        with db.transaction(con):
            found = db.query(con, "articles_find_by_url", [result.url])
            if found:
                article_id = int(found[0][0])
                is_new_article = False
            else:
                outlet = article.site_name or host_of(result.url)
                article_id = db.insert_with_id(con, "articles_insert", "article_ids", [result.url, outlet, now])
                is_new_article = True
            existing = db.query(con, "articles_version_by_hash", [article_id, digest])
            if existing:
                report.unchanged += 1
            else:
                version = int(db.query(con, "articles_next_version", [article_id])[0][0])
                version_id = db.insert_with_id(
                    con,
                    "articles_insert_version",
                    "version_ids",
                    [
                        article_id,
                        version,
                        digest,
                        article.title or entry.title,
                        article.author,
                        article.published_at or entry.published_at,
                        article.site_name,
                        article.text,
                        result.raw_html,
                        now,
                    ],
                )
                report.new_version_ids.append(version_id)
                if is_new_article:
                    report.stored_new_articles += 1
                else:
                    report.new_versions += 1
                LOGGER.info(
                    "entry %s: stored %s as article %s version %s",
                    entry.entry_id,
                    result.url,
                    article_id,
                    version,
                )
            db.execute(con, "articles_entries_mark_stored", [article_id, now, entry.entry_id])
    except MonitorError:
        raise
    except duckdb.Error as e:
        raise StoreError(
            f"storing article {result.url} (entry {entry.entry_id}) failed: {e}"
        ) from e


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


# --- documents for `claims diff` and the demo ---------------------------------------------------


def load_document(path_or_url: str, settings: Settings | None = None) -> str:
    """Plain text of a .txt file, an .html file (extracted) or an http(s) URL (fetched, extracted)."""
    if path_or_url.startswith(("http://", "https://")):
        return _load_url(path_or_url, settings)
    path = Path(path_or_url)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ParseError(f"{path}: cannot read document: {e.strerror or e}") from e
    if path.suffix.lower() in (".html", ".htm", ".xhtml"):
        article = extract_article(data, url=None)
        if article is None:
            raise ParseError(f"{path}: no article text could be extracted")
        return article.text
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ParseError(f"{path}: not UTF-8 text ({e})") from e


def _load_url(url: str, settings: Settings | None) -> str:
    fetch_settings = (settings or Settings()).fetch
    response = fetch_url(
        url, fetch_settings, max_bytes=fetch_settings.max_page_bytes, accept=PAGE_ACCEPT
    )
    reason = non_html_reason(response)
    if reason:
        if (response.content_type or "").startswith("text/plain"):
            return decode_html(response.body, response.headers)
        raise ParseError(reason)
    article = extract_article(decode_html(response.body, response.headers), response.url)
    if article is None:
        raise ParseError(f"no article text could be extracted from {url}")
    return article.text
