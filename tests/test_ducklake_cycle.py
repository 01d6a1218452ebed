"""The offline demo's cycles through the real Prefect flow with DuckLake as the store."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from monitor import articles, db, feeds, search
from monitor.cli import main
from monitor.demo import EARLIER, LATER, DemoResult, start_demo_site, table_row_counts
from monitor.errors import StoreError
from monitor.settings import load_settings

pytestmark = pytest.mark.slow

PAUSE_CLAIM = "pause its strikes"


def _use_ducklake(config_path: Path, lake_dir: Path) -> None:
    """Point the demo config's [database] at a SQLite-catalogued DuckLake made by the test."""
    config = config_path.read_text(encoding="utf-8")
    database = (
        "[database]\n"
        f'path = "{lake_dir / "monitor.duckdb"}"\n'
        'backend = "ducklake"\n'
        f'ducklake_catalog = "sqlite:{lake_dir / "catalog.sqlite"}"\n'
        f'ducklake_data_path = "{lake_dir / "lake"}"\n'
    )
    config_path.write_text(re.sub(r"\[database\]\npath = \"[^\"]*\"\n", database, config))


def test_demo_cycles_run_on_ducklake(
    prefect_harness: None, demo_run: DemoResult, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from flows.cycle import run_cycle

    site = start_demo_site(tmp_path)
    lake_dir = tmp_path / "store"
    _use_ducklake(site.config_path, lake_dir)
    settings = load_settings(site.config_path).database
    assert settings.backend == "ducklake"
    counts = []
    try:
        summaries = [run_cycle(site.config_path, poll_all_now=True)]
        with db.open_db(settings, read_only=True) as con:
            counts.append(table_row_counts(con))
        site.publish([EARLIER, LATER])
        for _ in range(2):
            summaries.append(run_cycle(site.config_path, poll_all_now=True))
            with db.open_db(settings, read_only=True) as con:
                counts.append(table_row_counts(con))
        messages = list(site.receiver.messages)
    finally:
        site.server.stop()
        site.receiver.stop()

    assert not site.database_path.exists()  # nothing went to a plain DuckDB file
    assert (lake_dir / "catalog.sqlite").exists()
    assert [s["articles"].get("stored_new_articles", 0) for s in summaries] == [1, 1, 0]
    with db.open_db(settings, read_only=True) as con:
        assert db.is_ducklake(con)
        claims = db.query(con, "demo_claims_by_story")
        runs = db.query(con, "runs_list_statuses")
    pause = [row for row in claims if PAUSE_CLAIM in row[2]]
    assert pause and {row[1] for row in pause} == {"new"}
    assert {row[5] for row in pause} == {"later"}
    assert messages and any(PAUSE_CLAIM in str(m.get("message", "")) for m in messages)
    assert counts[2] == counts[1]  # the third cycle found nothing new and added no rows
    assert counts == demo_run.row_counts  # the same rows as the demo on a plain DuckDB file
    assert counts[1]["articles"] == 2 and counts[1]["entries"] == 2 and counts[1]["feeds"] == 1
    assert runs == [("completed",)] * 3

    # Full-text search is the one feature left out: the cycle skipped it, and asking says why.
    assert all(s["stage_seconds"].get("search_index") is not None for s in summaries)
    with db.open_db(settings) as con:
        assert search.refresh_search_index(con) == []
        with pytest.raises(StoreError, match="needs the duckdb backend"):
            search.search(con, "pause strikes")
        # The maintenance commands' UPDATEs run on DuckLake too.
        assert feeds.reset_feed(con, 1, db.utcnow()) and not feeds.reset_feed(con, 99, db.utcnow())
        assert feeds.reset_parked_feeds(con, db.utcnow()) == []
        assert articles.requeue_failed_entries(con) == []
    capsys.readouterr()
    assert main(["search", "pause strikes", "--config", str(site.config_path)]) == 2
    assert "full-text search needs the duckdb backend" in capsys.readouterr().err
