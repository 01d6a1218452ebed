"""Cache and retry headers: Retry-After and Cache-Control max-age."""

from __future__ import annotations

import email.utils
import re
import time


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


def parse_max_age(cache_control: str | None) -> int | None:
    """max-age seconds from a Cache-Control header, or None."""
    if not cache_control:
        return None
    match = re.search(r"(?:^|[,\s])max-age\s*=\s*\"?(\d+)", cache_control, re.IGNORECASE)
    return int(match.group(1)) if match else None
