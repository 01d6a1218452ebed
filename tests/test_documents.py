"""Reading one document for the CLI: text and HTML files, and URLs through the fetch guard."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from test_articles import LONG_PARAGRAPHS

from monitor.cli.documents import load_document
from monitor.errors import FetchError, ParseError
from monitor.localserver import FixtureServer
from monitor.settings import FetchSettings, Settings

DATA = Path(__file__).parent / "data"
HARBOUR_PAGE = DATA / "articles" / "harbour-fire.html"
# The same three paragraphs as the article extraction tests.
PARAGRAPHS = LONG_PARAGRAPHS
PAGE = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Harbour budget</title>'
    '</head><body><nav><a href="/">Home</a> <a href="/world">World</a></nav><main><article>'
    "<h1>Harbour budget approved</h1>"
    + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    + "</article></main><footer>© Test Courier. All rights reserved.</footer></body></html>"
)
LOOPBACK = Settings(fetch=FetchSettings(allow_private_networks=True))


@pytest.fixture
def server() -> Iterator[FixtureServer]:
    with FixtureServer() as running:
        yield running


def test_text_file_is_read_as_utf8_without_its_bom(tmp_path: Path) -> None:
    path = tmp_path / "earlier.txt"
    path.write_bytes(b"\xef\xbb\xbfPlain text claim one.\n\nClaim two.")
    assert load_document(str(path)) == "Plain text claim one.\n\nClaim two."


def test_html_file_gives_the_article_text_without_site_chrome() -> None:
    text = load_document(str(HARBOUR_PAGE))
    assert "Helen Varga" in text and "Read next" not in text


def test_unreadable_files_name_the_path(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="missing.txt: cannot read document"):
        load_document(str(tmp_path / "missing.txt"))
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Café".encode("latin-1"))
    with pytest.raises(ParseError, match="latin.txt: not UTF-8 text"):
        load_document(str(latin))
    empty = tmp_path / "empty.html"
    empty.write_text("<html><body></body></html>", encoding="utf-8")
    with pytest.raises(ParseError, match="empty.html: no article text could be extracted"):
        load_document(str(empty))


def test_html_url_is_fetched_and_extracted(server: FixtureServer) -> None:
    url = server.add("/doc", PAGE)
    text = load_document(url, LOOPBACK)
    assert PARAGRAPHS[1] in text and "Home" not in text and "All rights reserved" not in text
    headers = {name.lower(): value for name, value in server.requests[0].headers.items()}
    assert headers["accept"].startswith("text/html")


def test_plain_text_url_is_returned_as_is(server: FixtureServer) -> None:
    url = server.add("/doc.txt", "One claim.\nAnother claim.", "text/plain; charset=utf-8")
    assert load_document(url, LOOPBACK) == "One claim.\nAnother claim."


def test_pdf_url_is_refused_with_the_reason(server: FixtureServer) -> None:
    url = server.add("/doc.pdf", b"%PDF-1.7 binary", "application/pdf")
    with pytest.raises(ParseError, match="not an HTML page: PDF document"):
        load_document(url, LOOPBACK)


def test_loopback_url_is_refused_by_default_without_a_request(server: FixtureServer) -> None:
    url = server.add("/doc", PAGE)
    with pytest.raises(FetchError):
        load_document(url)
    assert server.hits("/doc") == 0
