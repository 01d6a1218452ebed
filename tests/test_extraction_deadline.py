"""Pathological pages from a loopback server: extraction stops at its deadline, the rest is stored."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import duckdb
import pytest

from monitor import db
from monitor.articles import (
    ExtractionPool,
    PageResult,
    PendingEntry,
    fetch_and_extract_pages,
    save_articles,
    select_pending_entries,
)
from monitor.articles.pool import INPROCESS_MAX_TAGS
from monitor.localserver import FixtureServer
from monitor.settings import FetchSettings

NOW = dt.datetime(2026, 11, 21, 12, 0, 0)
EXTRACT_TIMEOUT_S = 1.0
# What the batch may take on a loaded shared machine: fetching, starting two workers, five normal
# pages, one deadline. The hostile page alone would keep trafilatura busy for hours.
BATCH_BOUND_S = 60.0
GOOD_PAGES = 4


def good_page(i: int) -> str:
    """An ordinary news page."""
    return f"""<html><head><title>Ferry report {i}</title></head><body><article>
<h1>Ferry report {i}</h1><p>The ferry operator in Port Ellis said on Monday that crossing {i}
had been cancelled because of high winds over the strait and a damaged ramp.</p>
<p>Passengers holding tickets for crossing {i} will be moved to the next sailing, a spokeswoman
for the operator told reporters at the terminal.</p></article></body></html>"""


def short_paragraphs_page(paragraphs: int) -> str:
    """A run of one-word paragraphs: trafilatura's justext fallback takes quadratic time on it
    (about 200 s for 25,000 of them, see bench/extraction_hostile.py)."""
    return "<html><body>" + "<p>x</p>" * paragraphs + "</body></html>"


def add_entries(con: duckdb.DuckDBPyConnection, urls: list[str]) -> None:
    feed_id = db.insert_with_id(
        con, "articles_test_add_feed", "feed_ids", ["https://f.example/rss", NOW, NOW]
    )
    for i, url in enumerate(urls):
        db.insert_with_id(
            con,
            "articles_test_add_entry",
            "entry_ids",
            [feed_id, f"guid-{i}", url, f"Entry {i}", NOW, NOW],
        )


def run_batch(
    con: duckdb.DuckDBPyConnection,
    settings: FetchSettings,
    processes: int,
    pool: ExtractionPool,
    now: dt.datetime,
) -> tuple[list[PageResult], float]:
    """The articles stage on the due entries: fetch, extract, save; with its wall time."""
    started = time.monotonic()
    results = fetch_and_extract_pages(
        select_pending_entries(con, now, 100), settings, processes, pool=pool
    )
    elapsed = time.monotonic() - started
    save_articles(con, results, settings, now)
    return results, elapsed


def entry_rows(con: duckdb.DuckDBPyConnection) -> dict[int, tuple[Any, ...]]:
    """Entry id -> (state, attempts, next_attempt_at, last_error)."""
    return {row[0]: row[1:5] for row in db.query(con, "articles_test_entries")}


def version_count(con: duckdb.DuckDBPyConnection) -> int:
    return len(db.query(con, "articles_test_versions"))


@pytest.mark.parametrize("processes", [2, 1])
def test_a_page_past_the_extraction_deadline_fails_alone_and_is_retried_later(
    server: FixtureServer, con: duckdb.DuckDBPyConnection, processes: int
) -> None:
    # With one process, only a page of many tags leaves the cycle process; this one has plenty.
    hostile_paragraphs = 60_000
    assert hostile_paragraphs * 2 > INPROCESS_MAX_TAGS
    urls = [server.add(f"/ferry/{i}.html", good_page(i)) for i in range(GOOD_PAGES // 2)]
    hostile = server.add("/hostile.html", short_paragraphs_page(hostile_paragraphs))
    urls += [hostile]
    urls += [
        server.add(f"/ferry/{i}.html", good_page(i)) for i in range(GOOD_PAGES // 2, GOOD_PAGES)
    ]
    add_entries(con, urls)
    settings = FetchSettings(allow_private_networks=True, extract_timeout_s=EXTRACT_TIMEOUT_S)
    pool = ExtractionPool()
    try:
        results, elapsed = run_batch(con, settings, processes, pool, NOW)
        rows = entry_rows(con)
        stored = version_count(con)

        # A day later the hostile page is due again; the stored pages are not fetched again.
        again, _ = run_batch(con, settings, processes, pool, NOW + dt.timedelta(days=1))
        rows_again = entry_rows(con)
    finally:
        pool.shutdown(wait=True)

    print(f"batch with a hostile page, {processes} process(es): {elapsed:.1f}s")
    assert elapsed < BATCH_BOUND_S
    assert [r.article is not None for r in results] == [True, True, False, True, True]
    hostile_id = results[2].entry.entry_id
    message = f"extraction of {hostile} exceeded {EXTRACT_TIMEOUT_S:g} s (extract_timeout_s)"
    state, attempts, next_attempt_at, error = rows[hostile_id]
    assert (state, attempts, error) == ("failed", 1, message)
    assert next_attempt_at is not None and next_attempt_at > NOW
    assert {rows[r.entry.entry_id][0] for r in results if r is not results[2]} == {"stored"}
    assert stored == GOOD_PAGES

    assert [r.entry.entry_id for r in again] == [hostile_id]
    assert rows_again[hostile_id][:2] == ("failed", 2) and rows_again[hostile_id][3] == message
    assert version_count(con) == GOOD_PAGES


def test_every_worker_killed_at_once_is_replaced_and_the_batch_finishes(
    server: FixtureServer,
) -> None:
    hostile = [server.add(f"/hostile-{i}.html", short_paragraphs_page(60_000)) for i in range(2)]
    good = [server.add(f"/ferry/{i}.html", good_page(i)) for i in range(6)]
    entries = [PendingEntry(i, 1, url, None, None, 0) for i, url in enumerate(hostile + good)]
    settings = FetchSettings(allow_private_networks=True, extract_timeout_s=EXTRACT_TIMEOUT_S)
    pool = ExtractionPool()
    try:
        # Both workers of the pool are stuck on a hostile page at once, and are killed.
        results = fetch_and_extract_pages(entries, settings, 2, pool=pool)
        workers = pool.executor(2)
        next_batch = fetch_and_extract_pages(entries[2:], settings, 2, pool=pool)
        assert pool.executor(2) is workers  # the same pool, with fresh workers
    finally:
        pool.shutdown(wait=True)

    assert [str(r.error) for r in results[:2]] == [
        f"extraction of {url} exceeded 1 s (extract_timeout_s)" for url in hostile
    ]
    assert [r.article is not None for r in results[2:] + next_batch] == [True] * 12


def test_deeply_nested_and_garbage_pages_are_data_not_crashes(
    server: FixtureServer, con: duckdb.DuckDBPyConnection
) -> None:
    urls = [
        server.add("/nested.html", "<html><body>" + "<div>" * 200_000 + "x</body></html>"),
        server.add("/garbage.html", bytes(range(256)) * 4_000, "text/html"),
        server.add("/ferry/0.html", good_page(0)),
    ]
    add_entries(con, urls)
    settings = FetchSettings(allow_private_networks=True)  # the default deadline: not its subject
    pool = ExtractionPool()
    try:
        results, _ = run_batch(con, settings, 2, pool, NOW)
    finally:
        pool.shutdown(wait=True)

    assert [r.skip_reason is not None for r in results] == [True, True, False]
    assert results[2].article is not None
    assert [row[0] for row in entry_rows(con).values()] == ["skipped", "skipped", "stored"]
