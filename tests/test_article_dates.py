"""Publication dates and outlet names of stored articles: real pages on a loopback server, a real DuckDB file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb

from monitor import db
from monitor.articles import (
    ExtractedArticle,
    choose_published,
    extract_article,
    extract_pages,
    fetch_pages,
    outlet_name,
    save_articles,
    select_pending_entries,
)
from monitor.claims import detect_claims
from monitor.localserver import FixtureServer
from monitor.settings import ClaimSettings, FetchSettings

PAGES = Path(__file__).parent / "data" / "articles" / "dates"
NOW = dt.datetime(2022, 6, 16, 12, 0)
FEED_MORNING = dt.datetime(2022, 6, 14, 9, 0)
FEED_EVENING = dt.datetime(2022, 6, 14, 18, 30)


def add_feed(con: duckdb.DuckDBPyConnection, url: str, title: str | None = None) -> int:
    return db.insert_with_id(
        con, "articles_test_add_titled_feed", "feed_ids", [url, title, NOW, NOW]
    )


def add_entry(
    con: duckdb.DuckDBPyConnection, feed_id: int, url: str, published: dt.datetime | None
) -> int:
    return db.insert_with_id(
        con, "articles_test_add_entry", "entry_ids", [feed_id, url, url, None, published, NOW]
    )


def run_stage(con: duckdb.DuckDBPyConnection) -> None:
    settings = FetchSettings(allow_private_networks=True)
    pending = select_pending_entries(con, NOW, 100)
    save_articles(con, extract_pages(fetch_pages(pending, settings)), settings, NOW)


def stored(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, Any]]:
    keys = ("url", "outlet", "published_at", "published_source")
    return {
        row[0]: dict(zip(keys, row, strict=True))
        for row in db.query(con, "articles_test_published")
    }


def test_the_most_precise_trustworthy_date_wins(
    server: FixtureServer, con: duckdb.DuckDBPyConnection
) -> None:
    footer = server.add(
        "/city/ferry-pier", (PAGES / "footer-year.html").read_text(encoding="utf-8")
    )
    day_only = server.add(
        "/city/night-market", (PAGES / "day-only.html").read_text(encoding="utf-8")
    )
    meta_time = server.add(
        "/harbour/chief-engineer", (PAGES / "meta-time.html").read_text(encoding="utf-8")
    )
    feed = add_feed(con, server.url("/rss"))
    add_entry(con, feed, footer, FEED_MORNING)
    add_entry(con, feed, day_only, FEED_EVENING)
    add_entry(con, feed, meta_time, None)

    run_stage(con)

    rows = stored(con)
    # "Copyright 2022" footer only: trafilatura alone would say 2022-01-01 00:00.
    assert (
        extract_article(
            (PAGES / "footer-year.html").read_text(encoding="utf-8"), footer
        ).published_source
        == "page-guess"
    )  # type: ignore[union-attr]
    assert (rows[footer]["published_at"], rows[footer]["published_source"]) == (
        FEED_MORNING,
        "feed",
    )
    # A page date without a time keeps the feed's 18:30.
    assert (rows[day_only]["published_at"], rows[day_only]["published_source"]) == (
        FEED_EVENING,
        "feed",
    )
    # Metadata with a time, no feed date: the page's 07:45 +02:00 as UTC.
    assert (rows[meta_time]["published_at"], rows[meta_time]["published_source"]) == (
        dt.datetime(2022, 6, 15, 5, 45),
        "page-meta",
    )


def test_choose_published_rules() -> None:
    timed = ExtractedArticle(
        "text",
        published_at=dt.datetime(2022, 6, 14, 18, 30),
        published_source="page-meta",
        published_has_time=True,
    )
    bare_feed = dt.datetime(2022, 6, 14)
    assert choose_published(bare_feed, timed) == (dt.datetime(2022, 6, 14, 18, 30), "page-meta")
    assert choose_published(FEED_MORNING, timed) == (FEED_MORNING, "feed")
    guess = ExtractedArticle(
        "text", published_at=dt.datetime(2022, 1, 1), published_source="page-guess"
    )
    assert choose_published(None, guess) == (None, "fetched")
    assert choose_published(None, None) == (None, "fetched")


def page(title: str, body: str, head: str = "") -> str:
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>{head}</head>'
        f"<body><main><article><h1>{title.split(' | ')[0]}</h1>{body}</article></main></body></html>"
    )


CLAIM = (
    "<p>The harbour authority said the eastern breakwater will close for repairs from the first of July "
    "until the end of September.</p><p>Boat owners were told to move their moorings to the western basin "
    "before the closure begins next month.</p>"
)


def test_two_outlets_on_one_host_stay_two_outlets(
    server: FixtureServer, con: duckdb.DuckDBPyConnection
) -> None:
    ledger = server.add(
        "/ledger/breakwater", page("Breakwater to close for repairs | The Daily Ledger", CLAIM)
    )
    bulletin = server.add(
        "/bulletin/breakwater",
        page(
            "Breakwater closure announced",
            CLAIM.replace("Boat owners", "Owners of boats"),
            '<meta property="og:site_name" content="Eastside Bulletin">',
        ),
    )
    courier = server.add(
        "/courier/breakwater", page("Breakwater closes in July", CLAIM.replace("were told", "must"))
    )
    bare = server.add(
        "/bare/breakwater",
        page("Breakwater news", CLAIM.replace("harbour authority", "port authority")),
    )
    add_entry(con, add_feed(con, server.url("/ledger/rss"), "Ledger feed"), ledger, FEED_MORNING)
    add_entry(con, add_feed(con, server.url("/bulletin/rss")), bulletin, FEED_EVENING)
    add_entry(
        con, add_feed(con, server.url("/courier/rss"), "Harbour Courier"), courier, FEED_EVENING
    )
    add_entry(con, add_feed(con, server.url("/bare/rss")), bare, FEED_EVENING)

    run_stage(con)

    outlets = {url: row["outlet"] for url, row in stored(con).items()}
    host = server.base_url.removeprefix("http://")
    assert outlets == {
        ledger: "The Daily Ledger",
        bulletin: "Eastside Bulletin",
        courier: "Harbour Courier",
        bare: host,
    }
    story = db.insert_with_id(
        con, "claims_test_add_story", "story_ids", {"name": "Breakwater", "now": NOW}
    )
    db.execute(con, "articles_test_link_to_story", {"story_id": story})
    db.execute(con, "articles_test_mark_linked", {"now": NOW})
    detect_claims(con, ClaimSettings(), NOW)
    rows = db.query(con, "claims_story_claims", {"story_id": story})
    breakwater = next(row for row in rows if "eastern breakwater will close" in row[2])
    assert breakwater[6] == 4  # corroboration: four outlets on one host:port
    assert breakwater[4] == "The Daily Ledger"  # first published (09:00 feed date)


def test_title_suffix_needs_a_name_or_a_repeat() -> None:
    sentence_case = ExtractedArticle("text", title="Breakwater", title_suffix="World news")
    assert outlet_name(sentence_case, "http://127.0.0.1:8080/a", None) == "127.0.0.1:8080"
    assert (
        outlet_name(sentence_case, "http://127.0.0.1:8080/a", None, frozenset({"World news"}))
        == "World news"
    )
    assert outlet_name(sentence_case, "https://www.ledger.example/a", "Ledger") == "Ledger"


def test_migration_085_repairs_stored_dates_and_host_outlets(
    con: duckdb.DuckDBPyConnection,
) -> None:
    db.execute(con, "articles_test_pre_085")
    con.execute(
        (Path(__file__).parent / "data" / "articles" / "pre_085_rows.sql").read_text(
            encoding="utf-8"
        )
    )

    assert "085_published_source_and_outlets.sql" in db.migrate(con)

    rows = stored(con)
    footer, evening, meta, guess, ledger = (
        rows[f"http://127.0.0.1:28431/{n}"]
        for n in ("footer", "evening", "meta", "guess", "ledger")
    )
    assert (footer["published_at"], footer["published_source"]) == (FEED_MORNING, "feed")
    assert (evening["published_at"], evening["published_source"]) == (FEED_EVENING, "feed")
    assert (meta["published_at"], meta["published_source"]) == (
        dt.datetime(2022, 6, 15, 5, 45),
        "page",
    )
    assert (guess["published_at"], guess["published_source"]) == (None, "fetched")
    # Two pages of the host share "| The Daily Ledger"; the feed title names the others.
    assert ledger["outlet"] == footer["outlet"] == "The Daily Ledger"
    assert evening["outlet"] == "Eastside Bulletin"
    claims = {row[0]: row[1:] for row in db.query(con, "articles_test_claim_outlets")}
    assert claims[1] == ("The Daily Ledger", FEED_MORNING)
    mentions = db.query(con, "articles_test_mention_outlets")
    assert mentions == [("Eastside Bulletin", FEED_EVENING), ("The Daily Ledger", FEED_MORNING)]
