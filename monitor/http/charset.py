"""Decoding an HTML body: byte-order mark, declared charset, then detection."""

from __future__ import annotations

import codecs
import re

_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([a-zA-Z0-9_.:-]+)["']""")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# WHATWG Encoding: these labels mean windows-1252 on the web.
_ENCODING_ALIASES = {
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "latin1": "cp1252",
    "ascii": "cp1252",
    "us-ascii": "cp1252",
    "iso8859-1": "cp1252",
}
# charset_normalizer's chaos (0..1, share of odd characters): detections messier than this are
# dropped, and windows-1252 wins when it is within the tie margin of the best guess.
DETECTION_MAX_CHAOS = 0.5
DETECTION_TIE_CHAOS = 0.2
# Share of bytes (0.5 %) that may be invalid in a body declared UTF-8 before the declaration is
# distrusted.
UTF8_MAX_BAD_BYTE_SHARE = 0.005


def decode_html(body: bytes, headers: dict[str, str]) -> str:
    """Decode an HTML body: byte-order mark, then the header charset, then <meta>, then detection."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(encoding, errors="replace")
    lowered = {k.lower(): v for k, v in headers.items()}
    declared = [
        _charset_param(lowered.get("content-type", "")),
        _sniff_declared_charset(body[:4096]),
    ]
    for name in declared:
        named = _lookup_encoding(name)
        if named:
            try:
                return body.decode(named)
            except UnicodeDecodeError:
                if named != "utf-8" or _mostly_utf8(body):
                    # Browsers keep a declared charset and replace the odd bad byte.
                    return body.decode(named, errors="replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    detected = _detect_encoding(body)
    return body.decode(detected or "cp1252", errors="replace")


def _charset_param(content_type: str) -> str | None:
    match = re.search(r"charset\s*=\s*[\"']?([^\"';\s]+)", content_type, re.IGNORECASE)
    return match.group(1) if match else None


def _sniff_declared_charset(head: bytes) -> str | None:
    match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    return match.group(1).decode("ascii", "ignore") if match else None


def _lookup_encoding(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().lower()
    name = _ENCODING_ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _detect_encoding(body: bytes) -> str | None:
    try:
        import charset_normalizer
    except ImportError:  # pragma: no cover - trafilatura depends on it
        return None
    sample = body[:65536]
    matches = charset_normalizer.from_bytes(sample, threshold=DETECTION_MAX_CHAOS)
    best = matches.best()
    if best is None:
        return None
    # Short pages make single-byte Latin code pages score almost alike; windows-1252 is the web's
    # default, so it wins unless another code page reads clearly better.
    for match in matches:
        if match.encoding == "cp1252" and match.chaos - best.chaos <= DETECTION_TIE_CHAOS:
            return "cp1252"
    return best.encoding


def _mostly_utf8(body: bytes) -> bool:
    """True when a body is valid UTF-8 but for a few stray bytes (under 0.5 %)."""
    text = body.decode("utf-8", errors="replace")
    return text.count("\ufffd") <= max(1, len(body) * UTF8_MAX_BAD_BYTE_SHARE)
