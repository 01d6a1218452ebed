"""Content-Encoding undone slice by slice, so a size cap stops a compression bomb early."""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Sequence

from monitor.errors import FetchError

# The most decoded bytes one step of gzip/deflate decoding may produce: a compressed chunk of
# 64 KB can inflate to 64 MB, so the body cap is checked after every slice this size.
DECODE_SLICE_BYTES = 64 * 1024


def decode_content(chunks: Iterator[bytes], encodings: Sequence[str], url: str) -> Iterator[bytes]:
    """Undo the Content-Encoding ENCODINGS (gzip, deflate; others pass through as httpx does),
    yielding at most DECODE_SLICE_BYTES at a time."""
    for encoding in reversed(encodings):  # the last coding applied is undone first
        if encoding in ("gzip", "deflate"):
            chunks = _inflate(chunks, encoding, url)
    return chunks


def _inflate(chunks: Iterator[bytes], encoding: str, url: str) -> Iterator[bytes]:
    wbits = zlib.MAX_WBITS | 16 if encoding == "gzip" else zlib.MAX_WBITS
    decoder = zlib.decompressobj(wbits)
    fresh = True  # nothing decoded yet by this decoder
    later_member = False  # a gzip member already ended before this decoder
    try:
        for chunk in chunks:
            data = chunk
            while data:
                if decoder.eof:
                    if encoding != "gzip":
                        return  # bytes after the end of a deflate stream are ignored, as by httpx
                    decoder, fresh, later_member = zlib.decompressobj(wbits), True, True
                try:
                    out = decoder.decompress(data, DECODE_SLICE_BYTES)
                except zlib.error:
                    if not fresh:
                        raise
                    if later_member:
                        return  # garbage after a complete gzip member is ignored, as by httpx
                    if encoding == "gzip":
                        raise
                    # Some servers send raw deflate without the zlib header (httpx allows it).
                    decoder = zlib.decompressobj(-zlib.MAX_WBITS)
                    out = decoder.decompress(data, DECODE_SLICE_BYTES)
                fresh = False
                data = decoder.unused_data if decoder.eof else decoder.unconsumed_tail
                if out:
                    yield out
        tail = decoder.flush()
        if tail:
            yield tail
    except zlib.error as e:
        raise FetchError(f"{url}: cannot decode the {encoding} body: {e}", url) from e
