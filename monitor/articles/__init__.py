"""Stage 2, articles: fetch each pending entry's page, extract it, and store it as an article version.

``select_pending_entries`` reads the work queue, ``fetch_pages`` does the network I/O,
``extract_pages`` / ``extract_article`` are pure, and ``save_articles`` writes. Articles are keyed
on their canonical URL and versioned on the hash of their extracted text: a re-fetch with the same
text adds nothing, a changed text adds version N+1, nothing is ever overwritten.

One subject per module: ``model`` (the data), ``extract`` (text), ``dates`` (publication
times), ``outlets`` (outlet names), ``markup`` (what those two read from the raw HTML),
``pending`` (the work queue), ``fetch`` (network I/O), ``pool`` (extracting a batch, on worker
processes or here) and ``save`` (the database writes). This package re-exports their public names.
"""

from __future__ import annotations

from monitor.articles.dates import (
    PUBLISHED_META_NAMES,
    PUBLISHED_SOURCES,
    choose_published,
    page_published,
    parse_extracted_date,
    parse_timestamp,
    published_time,
)
from monitor.articles.extract import (
    MAX_BOILERPLATE_LINE_CHARS,
    MIN_ARTICLE_TEXT_CHARS,
    TRAFILATURA_OPTIONS,
    article_from_document,
    clean_text,
    content_hash,
    extract_article,
    extract_document,
    is_boilerplate_line,
)
from monitor.articles.fetch import (
    HTML_CONTENT_TYPES,
    PAGE_ACCEPT,
    fetch_pages,
    non_html_reason,
)
from monitor.articles.model import (
    PERMANENT_HTTP_STATUSES,
    ArticleReport,
    ExtractedArticle,
    ExtractedPage,
    PageFetch,
    PageResult,
    PendingEntry,
)
from monitor.articles.outlets import (
    OUTLET_NAME_MAX_CHARS,
    OUTLET_NAME_MAX_WORDS,
    host_of,
    outlet_host,
    outlet_name,
    plausible_outlet_name,
    title_suffix,
)
from monitor.articles.pending import (
    requeue_failed_entries,
    select_pending_entries,
)
from monitor.articles.pool import (
    ExtractionPool,
    extract_pages,
    extract_response,
    fetch_and_extract_pages,
    page_result,
)
from monitor.articles.save import (
    MAX_ERROR_CHARS,
    PAGE_RETRY_BASE_MINUTES,
    PAGE_RETRY_MAX_MINUTES,
    describe_error,
    page_retry_delay,
    save_articles,
)

__all__ = [
    "HTML_CONTENT_TYPES",
    "MAX_BOILERPLATE_LINE_CHARS",
    "MAX_ERROR_CHARS",
    "MIN_ARTICLE_TEXT_CHARS",
    "OUTLET_NAME_MAX_CHARS",
    "OUTLET_NAME_MAX_WORDS",
    "PAGE_ACCEPT",
    "PAGE_RETRY_BASE_MINUTES",
    "PAGE_RETRY_MAX_MINUTES",
    "PERMANENT_HTTP_STATUSES",
    "PUBLISHED_META_NAMES",
    "PUBLISHED_SOURCES",
    "TRAFILATURA_OPTIONS",
    "ArticleReport",
    "ExtractedArticle",
    "ExtractedPage",
    "ExtractionPool",
    "PageFetch",
    "PageResult",
    "PendingEntry",
    "article_from_document",
    "choose_published",
    "clean_text",
    "content_hash",
    "describe_error",
    "extract_article",
    "extract_document",
    "extract_pages",
    "extract_response",
    "fetch_and_extract_pages",
    "fetch_pages",
    "host_of",
    "is_boilerplate_line",
    "non_html_reason",
    "outlet_host",
    "outlet_name",
    "page_published",
    "page_result",
    "page_retry_delay",
    "parse_extracted_date",
    "parse_timestamp",
    "plausible_outlet_name",
    "published_time",
    "requeue_failed_entries",
    "save_articles",
    "select_pending_entries",
    "title_suffix",
]
