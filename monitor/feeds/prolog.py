"""Hostile XML: refuse huge DTDs and entity expansion bombs before feedparser sees the bytes."""

from __future__ import annotations

import codecs
import re

from monitor.errors import ParseError

MAX_DTD_BYTES = 64 * 1024
MAX_ENTITY_EXPANSION_BYTES = 1_000_000

_PROLOG_TOKEN = re.compile(rb"\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE", re.DOTALL | re.IGNORECASE)
_SUBSET_TOKEN = re.compile(rb"\"[^\"]*\"|'[^']*'|<!--.*?-->|\]", re.DOTALL)
_ENTITY_DECL = re.compile(
    rb"<!ENTITY\s+(%\s+)?([^\s\"'>]+)\s+(?:\"([^\"]*)\"|'([^']*)'|(SYSTEM|PUBLIC)\b)", re.DOTALL
)
_ENTITY_REF = re.compile(rb"[&%]([A-Za-z_:][\w.:-]*);")


def check_xml_prolog(
    body: bytes,
    where: str = "feed",
    max_dtd_bytes: int = MAX_DTD_BYTES,
    max_expansion_bytes: int = MAX_ENTITY_EXPANSION_BYTES,
) -> None:
    """Refuse XML bombs before parsing: huge DTDs, nested entities, large total expansion."""
    data = _as_utf8_for_scan(body)
    subset = _internal_subset(data, where, max_dtd_bytes)
    if subset is None:
        return
    general: dict[bytes, int] = {}
    for match in _ENTITY_DECL.finditer(subset):
        parameter, name, double_quoted, single_quoted, _external = match.groups()
        value = double_quoted if double_quoted is not None else single_quoted
        if value is None:
            continue  # external: feedparser drops it and expat never loads it
        nested = _ENTITY_REF.findall(value)
        if nested:
            raise ParseError(
                f"{where}: refused XML entity expansion (billion laughs): entity "
                f"{name.decode('utf-8', 'replace')!r} refers to "
                f"{nested[0].decode('utf-8', 'replace')!r}"
            )
        if not parameter:
            general[name] = len(value)
    if not general:
        return
    expanded = 0
    for ref in _ENTITY_REF.finditer(data):
        size = general.get(ref.group(1))
        if size:
            expanded += size
            if expanded > max_expansion_bytes:
                raise ParseError(
                    f"{where}: refused XML entity expansion: declared entities would expand "
                    f"to more than {max_expansion_bytes} bytes (quadratic blowup)"
                )


def _as_utf8_for_scan(body: bytes) -> bytes:
    head = body[:4]
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if head.startswith(bom):
            return body.decode(codec, "replace").encode("utf-8")
    if head[:2] in (b"<\x00", b"\x00<"):
        codec = (
            "utf-32-le"
            if head == b"<\x00\x00\x00"
            else "utf-32-be"
            if head == b"\x00\x00\x00<"
            else "utf-16-le"
            if head[:2] == b"<\x00"
            else "utf-16-be"
        )
        return body.decode(codec, "replace").encode("utf-8")
    return body


def _internal_subset(data: bytes, where: str, max_dtd_bytes: int) -> bytes | None:
    """The DOCTYPE's internal subset ([...]) if the prolog declares one."""
    position = 3 if data.startswith(codecs.BOM_UTF8) else 0
    while True:
        match = _PROLOG_TOKEN.match(data, position)
        if match is None:
            return None
        if match.group(0).upper() == b"<!DOCTYPE":
            break
        position = match.end()
    start = data.find(b"[", match.end(), match.end() + 4096)
    close = data.find(b">", match.end(), match.end() + 4096)
    if start < 0 or (0 <= close < start):
        return None
    position = start + 1
    limit = start + 1 + max_dtd_bytes
    while True:
        token = _SUBSET_TOKEN.search(data, position, limit)
        if token is None:
            if len(data) > limit:
                raise ParseError(
                    f"{where}: refused document type definition larger than {max_dtd_bytes} bytes"
                )
            return data[start + 1 :]
        if token.group(0) == b"]":
            return data[start + 1 : token.start()]
        position = token.end()
