"""Full-text search with DuckDB's fts extension, loaded offline from its PyPI package."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from monitor import db, search
from monitor.cli import main
from monitor.errors import StoreError

ANALYST_DATA = Path(__file__).parent / "data" / "analyst"


def test_search_needs_a_built_index(fixture_db: Path) -> None:
    with db.open_db(fixture_db) as con:
        assert search.index_lag(con) == {"article_versions": None, "claims": None}
        with pytest.raises(StoreError, match="--reindex"):
            search.search(con, "pause")


def test_refresh_builds_once_and_search_ranks_the_pause_claim_first(fixture_db: Path) -> None:
    with db.open_db(fixture_db) as con:
        assert search.refresh_search_index(con) == ["article_versions", "claims"]
        assert search.refresh_search_index(con) == []  # nothing changed: no rebuild
        assert search.index_lag(con) == {"article_versions": 0, "claims": 0}
        hits = search.search(con, "paused strike", limit=3)
    claims = [h for h in hits if h.kind == "claim"]
    articles = [h for h in hits if h.kind == "article"]
    assert claims[0].id == 11 and "pause its strikes at least twice" in claims[0].snippet
    assert claims[0].outlet == "Al Mayadeen English" and claims[0].story_id == 1
    assert claims[0].url and claims[0].url.endswith("wsj-us-prescreens-israeli-raids.html")
    # Two versions of the Al Mayadeen article match; the article is listed once.
    assert [h.article_id for h in articles].count(2) == 1
    assert articles[0].article_id == 2 and "pause" in articles[0].snippet


def test_search_is_read_only_and_finds_iraq_claims(fixture_db: Path) -> None:
    with db.open_db(fixture_db) as con:
        search.refresh_search_index(con)
    con = duckdb.connect(str(fixture_db), read_only=True)
    try:
        hits = search.search(con, "Iraq", limit=5, kinds=("claim",))
    finally:
        con.close()
    assert {h.id for h in hits} == {13, 14}
    assert all(h.kind == "claim" for h in hits)


def test_refresh_picks_up_rows_added_after_the_last_build(fixture_db: Path) -> None:
    with db.open_db(fixture_db) as con:
        search.refresh_search_index(con)
        con.execute((ANALYST_DATA / "late_claim.sql").read_text(encoding="utf-8"))
        assert search.index_lag(con) == {"article_versions": 0, "claims": 1}
        assert [h.id for h in search.search(con, "tankers convoys", kinds=("claim",))] == []
        assert search.refresh_search_index(con) == ["claims"]
        assert [h.id for h in search.search(con, "tankers convoys", kinds=("claim",))] == [16]


def test_search_words_with_no_index_terms_return_nothing(fixture_db: Path) -> None:
    with db.open_db(fixture_db) as con:
        search.refresh_search_index(con)
        assert search.search(con, "  ") == []
        assert search.search(con, "zeppelin") == []


def test_make_snippet_centres_on_the_search_words() -> None:
    body = (
        ("Filler sentence about nothing. " * 12)
        + "The US urged Israel to pause its strikes twice. "
        + ("More filler follows here. " * 12)
    )
    snippet = search.make_snippet(body, "pause strikes", width_chars=120)
    assert "pause its strikes" in snippet
    assert snippet.startswith("… ") and snippet.endswith(" …")
    assert len(snippet) <= 124
    assert search.make_snippet("Short text.", "anything") == "Short text."


def test_cli_search_reindexes_then_prints_claims_and_articles(
    fixture_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["search", "--db", str(fixture_db), "Damascus Airport", "--reindex", "--limit", "2"])
        == 0
    )
    out = capsys.readouterr().out
    assert out.startswith("claims (1)")
    assert "latest Israeli aggression on Damascus Airport" in out
    assert "articles (1)" in out
    assert (
        main(["search", "--db", str(fixture_db), "Damascus", "--format", "json", "--kind", "claim"])
        == 0
    )
    hits = json.loads(capsys.readouterr().out)
    assert [h["id"] for h in hits] == [12] and hits[0]["kind"] == "claim"


def test_cli_search_without_index_says_how_to_build_it(
    fixture_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["search", "--db", str(fixture_db), "pause"]) == 2
    assert "monitor search --reindex" in capsys.readouterr().err


@pytest.mark.slow
def test_demo_cycles_keep_the_index_current(demo_database: Path, tmp_path: Path) -> None:
    copy = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_database, copy)
    wal = demo_database.with_name(demo_database.name + ".wal")
    if wal.exists():
        shutil.copyfile(wal, copy.with_name(copy.name + ".wal"))
    con = duckdb.connect(str(copy), read_only=True)
    try:
        assert search.index_lag(con) == {"article_versions": 0, "claims": 0}
        claims = search.search(con, "pause strikes", limit=3, kinds=("claim",))
        articles = search.search(con, "Iraq", limit=3, kinds=("article",))
    finally:
        con.close()
    assert "pause its strikes" in claims[0].snippet and claims[0].outlet == "Al Mayadeen English"
    assert articles[0].outlet == "Al Mayadeen English"


def test_min_interval_defers_rebuilds_but_never_a_missing_index(fixture_db: Path) -> None:
    with db.open_db(fixture_db) as con:
        assert search.refresh_search_index(con, min_interval_s=3600) == [
            "article_versions",
            "claims",
        ]
        con.execute((ANALYST_DATA / "late_claim.sql").read_text(encoding="utf-8"))
        assert search.refresh_search_index(con, min_interval_s=3600) == []
        assert search.index_lag(con)["claims"] == 1
        assert search.refresh_search_index(con) == ["claims"]


def test_slow_rebuilds_wait_in_proportion_to_their_cost() -> None:
    import datetime as dt

    from monitor.search import _rebuild_due

    built = dt.datetime(2026, 1, 1, 12, 0, 0)
    # A 100 s build with a 5 % share waits 2,000 s; a 1 s build always runs again.
    assert not _rebuild_due(built + dt.timedelta(seconds=1999), built, 100.0, 0.0, 0.05, 2.0)
    assert _rebuild_due(built + dt.timedelta(seconds=2000), built, 100.0, 0.0, 0.05, 2.0)
    assert _rebuild_due(built + dt.timedelta(seconds=1), built, 1.0, 0.0, 0.05, 2.0)
    assert not _rebuild_due(built + dt.timedelta(seconds=10), built, 1.0, 60.0, 0.05, 2.0)
