"""Text for the HTML pages (story report, story site): escaping, times, shortening."""

from __future__ import annotations

import datetime as dt
import html
import re


def esc(value: object) -> str:
    """VALUE as HTML text or attribute value; None is empty."""
    return html.escape("" if value is None else str(value), quote=True)


def minute(value: dt.datetime | None) -> str:
    """A time to the minute, or a dash when there is none."""
    return value.strftime("%Y-%m-%d %H:%M") if value else "—"


def shorten(text: str, limit: int) -> str:
    """TEXT on one line, cut to LIMIT characters with an ellipsis."""
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
