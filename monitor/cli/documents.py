"""Reading one document for the CLI: a .txt or .html file, or an http(s) URL through the fetch guard."""

from __future__ import annotations

from pathlib import Path

from monitor.articles import PAGE_ACCEPT, extract_article, non_html_reason
from monitor.errors import ParseError
from monitor.http import decode_html, fetch_url
from monitor.settings import Settings

HTML_SUFFIXES = (".html", ".htm", ".xhtml")


def load_document(path_or_url: str, settings: Settings | None = None) -> str:
    """Plain text of a .txt file, an .html file (extracted) or an http(s) URL (fetched, extracted)."""
    if path_or_url.startswith(("http://", "https://")):
        return _load_url(path_or_url, settings or Settings())
    path = Path(path_or_url)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ParseError(f"{path}: cannot read document: {e.strerror or e}") from e
    if path.suffix.lower() in HTML_SUFFIXES:
        article = extract_article(data, url=None)
        if article is None:
            raise ParseError(f"{path}: no article text could be extracted")
        return article.text
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ParseError(f"{path}: not UTF-8 text ({e})") from e


def _load_url(url: str, settings: Settings) -> str:
    response = fetch_url(
        url, settings.fetch, max_bytes=settings.fetch.max_page_bytes, accept=PAGE_ACCEPT
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
