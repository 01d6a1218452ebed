"""Publication dates: the feed's or the page's own metadata; htmldate's guess only as a fallback."""

from __future__ import annotations

import datetime as dt
import re

from monitor.articles.markup import meta_values
from monitor.articles.model import ExtractedArticle

EXTRACTED_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
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
_JSON_LD_PUBLISHED = re.compile(r"\"datePublished\"\s*:\s*\"([^\"]{8,40})\"", re.IGNORECASE)
_TIME_ELEMENT = re.compile(
    r"<time\b[^>]*?\bdatetime\s*=\s*[\"']\s*([^\"']{8,40})[\"']", re.IGNORECASE
)
# A feed date at exactly midnight is usually a date without a time ("2022-06-14").
_MIDNIGHT = dt.time(0, 0)


def parse_extracted_date(value: str | None) -> dt.datetime | None:
    """Naive UTC datetime from trafilatura's date string (with or without time and offset)."""
    if not value:
        return None
    for pattern in (EXTRACTED_DATE_FORMAT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
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
    metas = meta_values(head)
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
