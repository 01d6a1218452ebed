"""feedparser's own 2,107-file test corpus through the real ingest path: no crash, every failure on its row."""

from __future__ import annotations

import codecs
import collections
import datetime as dt
import re
from pathlib import Path

import pytest

from monitor import db, feeds
from monitor.localserver import FixtureServer
from monitor.settings import FeedConfig, FetchSettings, PollingSettings

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "feedparser-tests"
NOW = dt.datetime(2026, 11, 21, 12, 0)
_HEADER_LINE = re.compile(r"^Header:\s*([^:\s]+):[ \t]*(.*?)\s*$", re.MULTILINE)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CORPUS.is_dir(),
        reason=f"feedparser corpus not found at {CORPUS} "
        "(it lives in ../shared/data beside the clone)",
    ),
]


def corpus_files() -> list[Path]:
    return sorted(p for p in CORPUS.rglob("*") if p.suffix in (".xml", ".json") and p.is_file())


def declared_headers(raw: bytes) -> dict[str, str]:
    """The `Header: Name: value` lines of a corpus file (decoded by BOM, else UTF-8)."""
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if raw.startswith(bom):
            text = raw.decode(codec, "ignore")
            break
    else:
        text = raw.decode("utf-8", "ignore")
    comment = text.split("-->", 1)[0]
    return {name: value for name, value in _HEADER_LINE.findall(comment)}


def error_kind(message: str) -> str:
    for marker, kind in (
        ("refused XML entity", "xml-bomb-refused"),
        ("malformed feed with no entries", "malformed-no-entries"),
        ("malformed JSON", "malformed-json"),
        ("not a feed", "not-a-feed"),
        ("feedparser failed", "parser-exception"),
        ("HTTP ", "http-status"),
        ("timeout", "timeout"),
        ("empty", "empty-body"),
    ):
        if marker in message:
            return kind
    return "other"


def test_feedparser_corpus_goes_through_ingest(tmp_path: Path) -> None:
    files = corpus_files()
    assert len(files) >= 2100, f"expected the 2,107-file corpus, found {len(files)} files"
    fetch = FetchSettings(
        allow_private_networks=True,
        per_host_limit=16,
        global_limit=16,
        connect_timeout_s=5,
        read_timeout_s=10,
    )
    polling = PollingSettings()
    with FixtureServer() as server, db.open_db(tmp_path / "corpus.duckdb") as con:
        urls: dict[str, Path] = {}
        for path in files:
            raw = path.read_bytes()
            headers = declared_headers(raw)
            content_type = next(
                (v for k, v in headers.items() if k.lower() == "content-type"),
                "application/json" if path.suffix == ".json" else "application/xml",
            )
            extra = {k: v for k, v in headers.items() if k.lower() != "content-type"}
            url = server.add("/" + path.relative_to(CORPUS).as_posix(), raw, content_type, extra)
            urls[url] = path

        feeds.sync_feeds(con, [FeedConfig(url=u) for u in urls], polling, NOW)
        due = feeds.select_due_feeds(con, polling, NOW)
        fetched = feeds.fetch_feeds(due, fetch)
        report = feeds.save_feed_results(con, fetched, polling, NOW)

        rows = {row.url: row for row in feeds.list_feeds(con)}
        assert len(rows) == len(files) == report.feeds_polled
        kinds: collections.Counter[str] = collections.Counter()
        wellformed_failures = []
        for url, row in rows.items():
            assert row.last_checked_at == NOW, url
            if row.error_count:
                assert row.last_error and row.last_success_at is None, url
                kinds[error_kind(row.last_error)] += 1
                if "/wellformed/" in url:
                    wellformed_failures.append((url.split("/wellformed/")[1], row.last_error))
            else:
                assert row.last_error is None and row.last_success_at == NOW, url
        assert report.failed == sum(kinds.values())
        assert kinds["other"] == 0 and kinds["http-status"] == 0 and kinds["timeout"] == 0
        assert kinds["parser-exception"] == 0, "feedparser raised instead of reporting bozo"
        assert wellformed_failures == []  # upstream: every well-formed file parses
        entries_stored = db.query(con, "count_entries")[0][0]
        assert entries_stored == report.new_entries

        # A second round: validators are sent back, nothing is added twice.
        later = NOW + dt.timedelta(days=2)
        again = feeds.save_feed_results(
            con,
            feeds.fetch_feeds(feeds.select_due_feeds(con, polling, later), fetch),
            polling,
            later,
        )
        assert (again.new_entries, again.updated_entries) == (0, 0)
        assert db.query(con, "count_entries")[0][0] == entries_stored

    print(
        f"\nfeedparser corpus: {len(files)} files, {len(files) - report.failed} parsed OK, "
        f"{report.failed} recorded as failures on their rows {dict(sorted(kinds.items()))}, "
        f"0 crashes; {report.new_entries} entries queued, {report.bad_entries} bad entries "
        f"(no link or duplicate GUID), {report.relative_links} relative links resolved, "
        f"{report.recovered_malformed} malformed feeds kept for their entries; "
        f"second round: "
        f"{again.not_modified} not modified (304), 0 entries added"
    )
