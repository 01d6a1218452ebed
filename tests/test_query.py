"""`monitor query`: read-only SQL, readable output, and querying while a cycle holds the lock."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor import query
from monitor.cli import main
from monitor.errors import StoreError

ANALYST_DATA = Path(__file__).parent / "data" / "analyst"
OVERVIEW_SQL = (
    "SELECT story_id, name, articles, claims, tracked FROM story_overview ORDER BY story_id"
)


@pytest.fixture()
def lock_holder(fixture_db: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process with a read-write connection open, as a running cycle has."""
    holder = subprocess.Popen(
        [sys.executable, str(ANALYST_DATA / "hold_write_lock.py"), str(fixture_db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
    yield holder
    if holder.poll() is None:
        holder.communicate("release\n", timeout=30)


def test_table_output_aligns_columns_and_counts_rows(
    fixture_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["query", "--db", str(fixture_db), OVERVIEW_SQL]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split(" │ ") == [
        "story_id",
        "name                                 ",
        "articles",
        "claims",
        "tracked",
    ]
    assert set(lines[1]) <= {"─", "┼"}
    assert (
        lines[2].split(" │ ")[0] == "       1"
        and "US review of Israeli strikes in Syria" in lines[2]
    )
    assert lines[2].rstrip().endswith("true") and lines[3].rstrip().endswith("false")
    assert lines[-1] == "(2 rows)"
    assert len({len(line) for line in lines[:2]}) == 1


def test_long_cells_are_cut_unless_asked(
    fixture_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sql = "SELECT text FROM claim_ledger WHERE claim_id = 11"
    assert main(["query", "--db", str(fixture_db), sql, "--max-width", "30"]) == 0
    row = capsys.readouterr().out.splitlines()[2]
    assert row == "The US urged “Israel” to paus…"
    assert main(["query", "--db", str(fixture_db), sql, "--max-width", "0"]) == 0
    assert "“sensitive operations”, they claimed." in capsys.readouterr().out


def test_csv_and_json_formats_are_for_scripts(
    fixture_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sql = "SELECT claim_id, outlets, first_seen_at FROM claim_ledger WHERE claim_id IN (5, 11) ORDER BY claim_id"
    assert main(["query", "--db", str(fixture_db), sql, "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == ["claim_id", "outlets", "first_seen_at"]
    assert rows[1] == [
        "5",
        '["Al Mayadeen English", "worldpeacewithjustice"]',
        "2026-11-21 21:00:04",
    ]
    assert main(["query", "--db", str(fixture_db), sql, "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert records[1] == {
        "claim_id": 11,
        "outlets": ["Al Mayadeen English"],
        "first_seen_at": "2026-11-21T21:15:05",
    }


def test_sql_can_come_from_stdin(
    fixture_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("SELECT count(*) AS n FROM new_claims"))
    assert main(["query", "--db", str(fixture_db), "-", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == [{"n": 15}]


def test_writes_are_refused(fixture_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", "--db", str(fixture_db), "DELETE FROM claims"]) == 2
    assert "read-only" in capsys.readouterr().err
    with query.open_for_query(fixture_db) as con:
        assert query.run_query(con, "SELECT count(*) FROM claims").rows == [(15,)]


def test_bad_sql_and_missing_database_are_clear_errors(
    tmp_path: Path, fixture_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["query", "--db", str(fixture_db), "SELECT nope FROM story_overview"]) == 2
    assert "query failed" in capsys.readouterr().err
    assert main(["query", "--db", str(tmp_path / "absent.duckdb"), "SELECT 1"]) == 2
    assert "database not found" in capsys.readouterr().err


def test_a_running_cycle_fails_a_fresh_read_but_not_a_default_or_snapshot_read(
    fixture_db: Path, lock_holder: subprocess.Popen[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with (
        pytest.raises(StoreError, match="last committed state"),
        query.open_for_query(fixture_db, wait_s=0.3),
    ):
        pass
    # The default read neither waits for the writer nor fails: it reads the committed state.
    started = time.monotonic()
    with query.open_for_query(fixture_db) as con:
        assert query.run_query(con, "SELECT status FROM runs WHERE id = 900").rows == [("running",)]
    assert time.monotonic() - started < 5
    # The snapshot also carries what the cycle committed to its write-ahead log.
    with query.open_for_query(fixture_db, snapshot=True) as con:
        assert query.run_query(con, "SELECT status FROM runs WHERE id = 900").rows == [("running",)]
        assert query.run_query(con, "SELECT count(*) FROM claim_ledger").rows == [(15,)]
    assert (
        main(
            [
                "query",
                "--db",
                str(fixture_db),
                "--snapshot",
                "SELECT count(*) AS n FROM story_timeline",
                "--format",
                "json",
            ]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out) == [{"n": 3}]
    assert lock_holder.poll() is None  # the writer was never disturbed


def test_a_plain_read_waits_for_the_cycle_to_let_go(
    fixture_db: Path, lock_holder: subprocess.Popen[str]
) -> None:
    def release_soon() -> None:
        assert lock_holder.stdin is not None
        lock_holder.stdin.write("release\n")
        lock_holder.stdin.flush()

    timer = threading.Timer(0.5, release_soon)
    timer.start()
    try:
        with query.open_for_query(fixture_db, wait_s=60) as con:
            assert query.run_query(con, "SELECT id FROM runs WHERE id = 900").rows == [(900,)]
    finally:
        timer.cancel()
    assert lock_holder.wait(timeout=30) == 0


def test_snapshot_copies_database_and_wal(tmp_path: Path, fixture_db: Path) -> None:
    (fixture_db.parent / (fixture_db.name + ".wal")).write_bytes(b"")
    copy = query.snapshot_database(fixture_db, tmp_path / "snap")
    assert copy.read_bytes() == fixture_db.read_bytes()
    assert (copy.parent / (copy.name + ".wal")).exists()
