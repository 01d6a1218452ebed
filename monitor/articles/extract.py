"""Text extraction (pure): trafilatura at its benchmark settings, then boilerplate lines dropped."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

import trafilatura
from trafilatura.settings import Document, set_date_params

from monitor.articles.dates import EXTRACTED_DATE_FORMAT, page_published, parse_extracted_date
from monitor.articles.markup import clean_field, meta_values
from monitor.articles.model import ExtractedArticle
from monitor.articles.outlets import named_site, title_suffix
from monitor.http import decode_html

# Settings shared with trafilatura's own benchmark (tests/eval_common.py upstream): tables in,
# comments and formatting out. Comments are reader opinions, not the outlet's claims.
TRAFILATURA_OPTIONS: dict[str, Any] = {
    "include_comments": False,
    "include_tables": True,
    "include_formatting": False,
}


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
    date_params["outputformat"] = EXTRACTED_DATE_FORMAT
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
    metas = meta_values(html)
    return ExtractedArticle(
        text=text,
        title=clean_field(document.title),
        author=clean_field(document.author),
        published_at=published_at,
        site_name=clean_field(metas.get("og:site_name")) or named_site(document),
        language=clean_field(document.language) or _html_language(html),
        published_source=source,
        published_has_time=has_time,
        title_suffix=title_suffix(html),
    )


def _html_language(html: str) -> str | None:
    match = _HTML_LANG.search(html[:5000])
    return match.group(1).replace("_", "-").lower() if match else None
