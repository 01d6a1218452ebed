"""Outlet names: the page's site name, its <title> suffix, the feed's title, else the host."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlsplit

from trafilatura.settings import Document

from monitor.articles.markup import clean_field
from monitor.articles.model import ExtractedArticle

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


def title_suffix(html: str) -> str | None:
    """The last part of the page's <title> after a " | ", " - ", " — " or " – " separator."""
    match = _TITLE_ELEMENT.search(html[:200_000])
    if match is None:
        return None
    title = " ".join(unescape(re.sub(r"<[^>]+>", "", match.group(1))).split())
    parts = _TITLE_SEPARATOR.split(title)
    if len(parts) < 2:
        return None
    return clean_field(parts[-1])


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
    return clean_field(feed_title) or outlet_host(url)


def outlet_host(url: str) -> str:
    """The host (and port, if any) without a leading www.: two servers on one address stay two."""
    netloc = (urlsplit(url).netloc or url).lower().rsplit("@", 1)[-1]
    return netloc.removeprefix("www.")


def host_of(url: str) -> str:
    """The host of a URL without a leading www., used as the outlet when a page names none."""
    host = (urlsplit(url).hostname or url).lower()
    return host.removeprefix("www.")


def named_site(document: Document) -> str | None:
    """Trafilatura's site name unless it is only its fallback (the URL's host, or a bare address)."""
    name = clean_field(document.sitename)
    if not name or _HOST_LIKE.match(name):
        return None
    hosts = {outlet_host(u) for u in (document.url, document.hostname) if u}
    hosts |= {host.split(":")[0] for host in hosts}
    return None if name.lower().removeprefix("www.") in hosts else name
