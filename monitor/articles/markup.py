"""Small readers of a page's raw HTML that the date and outlet rules share."""

from __future__ import annotations

import re
import unicodedata
from html import unescape

_META_TAG = re.compile(r"<meta\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")


def meta_values(html: str) -> dict[str, str]:
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


def clean_field(value: str | None) -> str | None:
    if not value:
        return None
    value = " ".join(unicodedata.normalize("NFC", value).split())
    return value or None
