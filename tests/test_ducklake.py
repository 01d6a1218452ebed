"""DuckLake as the store: a SQLite catalog and a data directory made by the test, real extensions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from monitor import db, maintenance
from monitor.errors import StoreError
from monitor.settings import DatabaseSettings, parse_settings

STORE_ROWS = Path(__file__).parent / "data" / "maintenance" / "store.sql"
pytestmark = pytest.mark.slow

VIEWS = {"story_overview", "story_timeline", "claim_ledger", "new_claims", "feed_health"}


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> DatabaseSettings:
    """One catalog for the module: every DuckLake statement costs a catalog round trip."""
    tmp_path = tmp_path_factory.mktemp("ducklake")
    settings = parse_settings(
        {
            "database": {
                "path": str(tmp_path / "monitor.duckdb"),
                "backend": "ducklake",
                "ducklake_catalog": "sqlite:catalog.sqlite",
                "ducklake_data_path": str(tmp_path / "lake"),
            }
        }
    ).database
    return settings


def test_schema_and_views_migrate_onto_ducklake(lake: DatabaseSettings) -> None:
    with db.open_db(lake) as con:
        assert db.is_ducklake(con)
        versions = {row[0] for row in db.query(con, "maintenance_schema_versions")}
        assert versions == {v for v, _ in db.migration_files()}
        tables = {row[0] for row in db.query(con, "maintenance_lake_tables")}
        assert {
            "feeds",
            "entries",
            "articles",
            "article_versions",
            "stories",
            "claims",
            "claim_mentions",
            "alerts",
            "runs",
        } <= tables
        views = {row[0] for row in db.query(con, "maintenance_catalog_views")}
        assert VIEWS <= views
    assert (lake.path.parent / "catalog.sqlite").exists()


def test_rows_round_trip_through_views_and_ids_continue_across_connections(
    lake: DatabaseSettings,
) -> None:
    with db.open_db(lake) as con:
        assert db.migrate(con) == []  # the second open applies nothing again
        con.execute(STORE_ROWS.read_text(encoding="utf-8"))
        assert db.query(con, "count_feeds") == [(4,)]
    with db.open_db(lake) as con:
        # A new connection's id sequences start past the largest stored id.
        con.execute(
            STORE_ROWS.read_text(encoding="utf-8")
            .split("INSERT INTO entries")[0]
            .replace("127.0.0.1:8765/", "127.0.0.1:8765/second/")
        )
        feeds = maintenance.feed_health(con)
        assert sorted(f.feed_id for f in feeds) == list(range(1, 9))
        health = {f.url: f.health for f in feeds}
        assert health["http://127.0.0.1:8765/second/gone/feed.xml"] == "parked"
        assert health["http://127.0.0.1:8765/broken/feed.xml"] == "failing"
        report = maintenance.run_maintenance(con, None, dt.datetime(2026, 11, 21, 12), 30)
        assert report.prune.versions == 2 and report.compact.backend == "ducklake"
    with db.open_db(lake, read_only=True) as con:
        assert db.query(con, "maintenance_prunable_raw_html", [dt.datetime(2027, 1, 1)])[0][0] == 1


def test_translation_keeps_duckdb_semantics_out_of_ducklake_only() -> None:
    ddl = (
        "CREATE SEQUENCE IF NOT EXISTS t_ids START 1;\n"
        "CREATE TABLE t (\n    id BIGINT PRIMARY KEY DEFAULT nextval('t_ids'),\n"
        "    url VARCHAR NOT NULL UNIQUE,  -- canonical\n    tags VARCHAR[] NOT NULL DEFAULT [],\n"
        "    live BOOLEAN NOT NULL DEFAULT true,\n    UNIQUE (url, live)\n);\nCREATE UNIQUE INDEX t_url ON t (url);"
    )
    assert db.translate_for_ducklake(ddl) == (
        "CREATE TEMP SEQUENCE IF NOT EXISTS t_ids START 1;\n"
        "CREATE TABLE t (\n    id BIGINT DEFAULT nextval('t_ids'),\n"
        "    url VARCHAR NOT NULL,  \n    tags VARCHAR[],\n"
        "    live BOOLEAN NOT NULL DEFAULT 'true'\n);\n"
    )
    assert ("feeds", "id") in {(t, c) for _, t, c in db.id_sequences()}


def test_missing_catalog_is_a_clear_error(tmp_path: Path) -> None:
    settings = DatabaseSettings(path=tmp_path / "m.duckdb", backend="ducklake")
    with pytest.raises(StoreError, match="ducklake_catalog"):
        db.connect(settings)
