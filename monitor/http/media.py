"""Content types: which bodies can hold a feed or a page, and why others are skipped."""

from __future__ import annotations

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
