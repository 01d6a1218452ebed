"""Weekly maintenance on a real DuckDB file: raw-HTML pruning, compaction, feed-health report."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from monitor import db, maintenance

STORE_ROWS = Path(__file__).parent / "data" / "maintenance" / "store.sql"
NOW = dt.datetime(2026, 11, 21, 12, 0)


@pytest.fixture()
def store(tmp_path: Path) -> Path:
    path = tmp_path / "monitor.duckdb"
    with db.open_db(path) as con:
        con.execute(STORE_ROWS.read_text(encoding="utf-8"))
    return path


def test_prune_drops_only_raw_html_past_retention(store: Path) -> None:
    with db.open_db(store) as con:
        report = maintenance.prune_raw_html(con, NOW, retention_days=30)
        again = maintenance.prune_raw_html(con, NOW, retention_days=30)
        assert db.query(con, "maintenance_prunable_raw_html", [NOW + dt.timedelta(days=1)]) == [
            (1, len("<html><body><p>The newer story text.</p></body></html>"))
        ]
        assert db.query(con, "count_article_versions") == [(3,)]
    assert (report.versions, report.cutoff) == (2, dt.datetime(2026, 10, 22, 12, 0))
    assert report.chars == len("<html><body><p>The old story text.</p></body></html>") + len(
        "<html><body><p>The last word.</p></body></html>"
    )
    assert again.versions == 0


def test_retention_zero_prunes_everything_fetched_before_now(store: Path) -> None:
    with db.open_db(store) as con:
        assert maintenance.prune_raw_html(con, NOW, retention_days=0).versions == 3


def test_run_maintenance_compacts_and_reports_feed_health(store: Path) -> None:
    with db.open_db(store) as con:
        report = maintenance.run_maintenance(con, store, NOW, raw_html_retention_days=30)
    assert report.compact.backend == "duckdb"
    assert report.compact.bytes_after is not None and report.compact.bytes_after > 0
    assert not Path(str(store) + ".wal").exists() or Path(str(store) + ".wal").stat().st_size == 0
    assert report.as_dict()["feeds"] == {"failing": 1, "ok": 2, "parked": 1}
    md = report.report_markdown
    assert "**4 feeds:** 1 failing, 2 ok, 1 parked." in md
    assert "| Gone \\| feed | parked | 10 | 404 | never |" in md
    assert "| Broken wire | failing | 3 | 500 | 2026-11-10 08:00 |" in md
    quiet = md.split("## Quiet")[1]
    assert "Quiet desk" in quiet and "Steady wire" not in quiet
    assert "Raw HTML pruned from 2 article versions fetched before 2026-10-22" in md


@pytest.mark.slow
def test_maintenance_flow_leaves_feed_health_artifact(
    store: Path, tmp_path: Path, prefect_harness: None
) -> None:
    from prefect.client.orchestration import get_client

    from flows.maintenance import FEED_HEALTH_ARTIFACT_KEY, maintenance_flow

    config = tmp_path / "monitor.toml"
    config.write_text(f'[database]\npath = "{store}"\nraw_html_retention_days = 30\n')
    result = maintenance_flow(config_path=str(config))
    assert result["prune"]["versions"] == 2
    assert result["feeds"]["parked"] == 1

    async def latest_artifact() -> str:
        async with get_client() as client:
            artifact = await client.read_latest_artifacts()
            found = [a for a in artifact if a.key == FEED_HEALTH_ARTIFACT_KEY]
            return str(found[0].data) if found else ""

    import asyncio

    assert "Gone \\| feed" in asyncio.run(latest_artifact())
