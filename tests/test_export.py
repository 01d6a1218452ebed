"""`monitor export --parquet`: one Parquet file per view, readable without the database."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from monitor import export
from monitor.cli import main
from monitor.errors import StoreError

ANALYST_DATA = Path(__file__).parent / "data" / "analyst"
VIEWS = [
    "claim_ledger",
    "feed_health",
    "new_claims",
    "run_history",
    "story_overview",
    "story_timeline",
]


def test_every_view_becomes_a_parquet_file_with_the_same_rows(
    module_fixture_db: Path, tmp_path: Path
) -> None:
    con = duckdb.connect(str(module_fixture_db), read_only=True)
    try:
        paths = export.export_parquet(con, tmp_path / "out")
        assert [p.name for p in paths] == [f"{v}.parquet" for v in VIEWS]
        for path in paths:
            view = con.table(path.stem)
            exported = duckdb.read_parquet(str(path))
            assert exported.columns == view.columns
            assert exported.fetchall() == view.fetchall()
    finally:
        con.close()
    assert not list((tmp_path / "out").glob("*.tmp"))


def test_nested_history_survives_as_parquet_structs(
    module_fixture_db: Path, tmp_path: Path
) -> None:
    assert (
        main(
            [
                "export",
                "--db",
                str(module_fixture_db),
                "--parquet",
                str(tmp_path),
                "--view",
                "claim_ledger",
            ]
        )
        == 0
    )
    ledger = duckdb.read_parquet(str(tmp_path / "claim_ledger.parquet"))
    column = ledger.columns.index("status_history")
    assert "STRUCT" in str(ledger.types[column])
    rows = {row[0]: row for row in ledger.fetchall()}
    assert [step["status"] for step in rows[5][column]] == ["new", "seen", "seen"]
    assert [p.name for p in tmp_path.iterdir()] == ["claim_ledger.parquet"]


def test_unknown_view_is_refused(module_fixture_db: Path, tmp_path: Path) -> None:
    con = duckdb.connect(str(module_fixture_db), read_only=True)
    try:
        with pytest.raises(StoreError, match="no such view"):
            export.export_parquet(con, tmp_path, ["claims_by_mood"])
    finally:
        con.close()
