"""The analyst views, on committed fixture rows and on the real two-cycle demo database."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
import pytest

from monitor import db

ANALYST_DATA = Path(__file__).parent / "data" / "analyst"
VIEWS = ["story_overview", "story_timeline", "claim_ledger", "new_claims", "feed_health"]
DEMO_STORY = "US review of Israeli strikes in Syria"
PAUSE = "pause its strikes"
IRAQ = "airstrikes in Iraq"


@pytest.fixture()
def con(module_fixture_db: Path) -> Any:
    connection = duckdb.connect(str(module_fixture_db), read_only=True)
    yield connection
    connection.close()


def view_rows(con: duckdb.DuckDBPyConnection, view: str) -> list[dict[str, Any]]:
    """Every row of a view, as dicts, in the view's own order."""
    relation = con.table(view)
    return [dict(zip(relation.columns, row, strict=True)) for row in relation.fetchall()]


def test_views_are_created_by_migrations_and_empty_on_a_new_database(tmp_path: Path) -> None:
    with db.open_db(tmp_path / "new.duckdb") as con:
        db.migrate(con)  # a second run must be harmless
        for view in VIEWS:
            assert view_rows(con, view) == []


def test_story_overview_counts_coverage_and_claims(con: duckdb.DuckDBPyConnection) -> None:
    rows = {r["story_id"]: r for r in view_rows(con, "story_overview")}
    syria = rows[1]
    assert syria["name"] == DEMO_STORY and syria["tracked"] is True and syria["active"] is True
    assert (syria["articles"], syria["versions"], syria["outlets"]) == (2, 3, 2)
    assert (syria["claims"], syria["new_claims"], syria["changed_claims"]) == (15, 14, 1)
    assert syria["first_seen_at"] == dt.datetime(2026, 11, 21, 21, 0)
    assert syria["last_seen_at"] == dt.datetime(2026, 11, 21, 21, 45)
    empty = rows[2]
    assert (empty["articles"], empty["claims"], empty["tracked"]) == (0, 0, False)
    assert list(rows) == [1, 2]  # most recently active first


def test_story_timeline_lists_versions_in_time_order_with_claim_counts(
    con: duckdb.DuckDBPyConnection,
) -> None:
    rows = [r for r in view_rows(con, "story_timeline") if r["story_id"] == 1]
    assert [r["position"] for r in rows] == [1, 2, 3]
    assert [r["outlet"] for r in rows] == [
        "worldpeacewithjustice",
        "Al Mayadeen English",
        "Al Mayadeen English",
    ]
    assert [(r["new_claims"], r["changed_claims"], r["seen_claims"]) for r in rows] == [
        (8, 0, 0),
        (6, 0, 5),
        (0, 1, 10),
    ]
    assert [r["version"] for r in rows] == [1, 1, 2]
    assert rows[1]["url"].endswith("wsj-us-prescreens-israeli-raids.html")
    assert rows[1]["title"] == "WSJ: US pre-screens Israeli raids on Syria"
    assert rows[0]["seen_at"] < rows[1]["seen_at"] < rows[2]["seen_at"]


def test_claim_ledger_tracks_first_sighting_corroboration_and_history(
    con: duckdb.DuckDBPyConnection,
) -> None:
    ledger = {r["claim_id"]: r for r in view_rows(con, "claim_ledger")}
    assert len(ledger) == 15
    majority = ledger[5]
    assert majority["first_outlet"] == "worldpeacewithjustice"
    assert majority["corroboration"] == 2
    assert majority["outlets"] == ["Al Mayadeen English", "worldpeacewithjustice"]
    assert [step["status"] for step in majority["status_history"]] == ["new", "seen", "seen"]
    assert majority["history"].startswith("new (worldpeacewithjustice, 2026-11-21 21:00) → seen (")
    pause = ledger[11]
    assert PAUSE in pause["text"] and pause["first_outlet"] == "Al Mayadeen English"
    assert pause["first_url"].endswith("wsj-us-prescreens-israeli-raids.html")
    assert pause["changed_by"] == [15]
    changed = ledger[15]
    assert changed["kind"] == "changed" and changed["changed_from"] == 11
    assert "at least twice" in changed["changed_from_text"] and "three times" in changed["text"]
    assert changed["first_version_id"] == 3


def test_new_claims_marks_story_openers_and_alerts(con: duckdb.DuckDBPyConnection) -> None:
    rows = view_rows(con, "new_claims")
    assert len(rows) == 15
    assert rows[0]["claim_id"] == 15 and rows[0]["kind"] == "changed"  # newest first
    assert rows[0]["detected_at"] == dt.datetime(
        2026, 11, 21, 21, 45, 3
    )  # its version's claim check
    assert "at least twice" in rows[0]["before_text"]
    openers = {r["claim_id"] for r in rows if r["opens_story"]}
    assert openers == set(range(1, 9))
    later = [r for r in rows if not r["opens_story"]]
    assert all(r["alerts_sent"] == 1 and r["outlet"] == "Al Mayadeen English" for r in later)


def test_new_claims_since_macro_filters_by_time(con: duckdb.DuckDBPyConnection) -> None:
    sql = (ANALYST_DATA / "new_claims_since.sql").read_text(encoding="utf-8")
    rows = con.execute(sql, {"since": dt.datetime(2026, 11, 21, 21, 10)}).fetchall()
    assert [r[0] for r in rows] == [9, 10, 11, 12, 13, 14, 15]
    assert rows[-1][1] == "changed"


def test_feed_health_labels_each_feed(con: duckdb.DuckDBPyConnection) -> None:
    rows = {r["feed_id"]: r for r in view_rows(con, "feed_health")}
    assert {i: r["health"] for i, r in rows.items()} == {
        1: "ok",
        2: "ok",
        3: "failing",
        4: "parked",
        5: "removed",
    }
    assert rows[5]["active"] is False and rows[1]["active"] is True
    assert rows[4]["parked"] is True and "404" in rows[4]["last_error"]
    assert rows[3]["error_count"] == 3 and rows[3]["last_success_at"] is None
    assert (rows[1]["entries"], rows[1]["stored"]) == (1, 1)
    assert rows[2]["feed"] == "Al Mayadeen English"  # no configured name: the feed's own title
    assert list(rows) == [4, 3, 1, 2, 5]  # parked and failing first, removed last


# --- the real pipeline: two offline demo cycles -----------------------------------------------


@pytest.fixture(scope="module")
def demo_con(demo_database: Path) -> Any:
    connection = duckdb.connect(str(demo_database), read_only=True)
    yield connection
    connection.close()


def _demo_story(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    stories = [r for r in view_rows(con, "story_overview") if r["name"] == DEMO_STORY]
    assert len(stories) == 1, view_rows(con, "story_overview")
    return stories[0]


@pytest.mark.slow
def test_demo_story_overview_has_both_articles(demo_con: duckdb.DuckDBPyConnection) -> None:
    story = _demo_story(demo_con)
    assert story["tracked"] is True
    assert (story["articles"], story["outlets"]) == (2, 2)
    assert story["claims"] >= story["new_claims"] > 0
    assert story["first_seen_at"] <= story["last_seen_at"]


@pytest.mark.slow
def test_demo_timeline_has_the_two_articles_in_time_order(
    demo_con: duckdb.DuckDBPyConnection,
) -> None:
    story = _demo_story(demo_con)
    rows = [r for r in view_rows(demo_con, "story_timeline") if r["story_id"] == story["story_id"]]
    assert [r["outlet"] for r in rows] == ["Levant Wire", "Al Mayadeen English"]
    assert [r["position"] for r in rows] == [1, 2]
    assert rows[0]["seen_at"] < rows[1]["seen_at"]
    assert rows[1]["new_claims"] > 0 and rows[1]["seen_claims"] > 0
    assert all(r["claims_checked"] for r in rows)


@pytest.mark.slow
def test_demo_pause_claim_is_new_and_first_seen_in_the_later_article(
    demo_con: duckdb.DuckDBPyConnection,
) -> None:
    story = _demo_story(demo_con)
    later = [
        r for r in view_rows(demo_con, "story_timeline") if r["story_id"] == story["story_id"]
    ][1]
    ledger = [r for r in view_rows(demo_con, "claim_ledger") if r["story_id"] == story["story_id"]]
    new = [r for r in view_rows(demo_con, "new_claims") if r["story_id"] == story["story_id"]]
    for phrase in (PAUSE, IRAQ):
        in_ledger = [r for r in ledger if phrase in r["text"]]
        assert len(in_ledger) == 1, phrase
        assert in_ledger[0]["first_outlet"] == "Al Mayadeen English"
        assert in_ledger[0]["first_url"] == later["url"]
        assert in_ledger[0]["first_version_id"] == later["version_id"]
        in_new = [r for r in new if phrase in r["text"]]
        assert len(in_new) == 1 and in_new[0]["kind"] == "new" and not in_new[0]["opens_story"]
        assert in_new[0]["outlet"] == "Al Mayadeen English"
        assert in_new[0]["detected_at"] >= later["seen_at"]
    # A paraphrase of the earlier article is corroborated by both outlets, not a new claim.
    majority = [r for r in ledger if "vast majority" in r["text"]]
    assert len(majority) == 1
    assert majority[0]["first_outlet"] == "Levant Wire" and majority[0]["corroboration"] == 2
    assert [s["status"] for s in majority[0]["status_history"]][:2] == ["new", "seen"]


@pytest.mark.slow
def test_demo_feed_health_is_ok(demo_con: duckdb.DuckDBPyConnection) -> None:
    rows = view_rows(demo_con, "feed_health")
    assert rows and all(r["health"] == "ok" and r["error_count"] == 0 for r in rows)
    assert sum(r["stored"] for r in rows) == 2


def test_demo_possibly_restated_only_against_an_earlier_article(
    demo_con: duckdb.DuckDBPyConnection,
) -> None:
    # The judge's closest claim is sometimes a sentence of the same article, judged just before.
    same_article = demo_con.execute(
        "SELECT count(*) FROM claims c JOIN claims near ON near.id = c.nearest_claim_id "
        "WHERE c.uncertain AND near.first_article_id = c.first_article_id"
    ).fetchone()
    assert same_article is not None and same_article[0] > 0
    flagged = demo_con.execute(
        "SELECT n.claim_id, near.first_article_id = c.first_article_id FROM new_claims n "
        "JOIN claims c ON c.id = n.claim_id JOIN claims near ON near.id = c.nearest_claim_id "
        "WHERE n.possibly_restated"
    ).fetchall()
    assert flagged, "the demo's later article has a claim possibly restating the earlier one"
    assert not any(same for _, same in flagged)
