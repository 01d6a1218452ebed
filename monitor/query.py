"""Read-only access for analysts: open the database beside a running cycle, run SQL, format rows."""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import datetime as dt
import decimal
import io
import json
import logging
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import duckdb

from monitor import db
from monitor.errors import StoreError

LOGGER = logging.getLogger(__name__)

QUERY_WAIT_S = 10.0  # a sensible --wait for a fresh read during a cycle
# How long a default read waits for the file itself before it reads a copy of the last committed
# state instead: one try, no wait.
READ_LOCK_TRY_S = 0.0
SNAPSHOT_ATTEMPTS = 5
CELL_MAX_CHARS = 60
_FTS_MACRO = re.compile(r"\bfts_main_", re.IGNORECASE)
_VIEW_NAME = re.compile(r"CREATE\s+OR\s+REPLACE\s+VIEW\s+(\w+)", re.IGNORECASE)


class QueryError(StoreError):
    """An analyst's SQL was empty, several statements, refused (files, ATTACH, LOAD) or invalid."""


@dataclasses.dataclass
class QueryResult:
    """Column names and rows of one query."""

    columns: list[str]
    rows: list[tuple[Any, ...]]


@contextlib.contextmanager
def open_for_query(
    path: str | Path, wait_s: float | None = None, snapshot: bool = False
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection that a running cycle never holds up for long.

    By default: the file itself when no cycle is writing it, else at once a private copy of its
    last committed state (what the cycle has committed so far). With WAIT_S, a fresh read: wait
    up to WAIT_S seconds for a cycle's write lock to go, and fail after. With SNAPSHOT, always
    the copy.
    """
    path = Path(path)
    if not path.exists():
        raise StoreError(f"{path}: database not found (run `monitor init` or `monitor run` first)")
    if not snapshot:
        fresh = wait_s is not None
        try:
            con = db.connect(
                path,
                read_only=True,
                lock_timeout_s=wait_s if wait_s is not None else READ_LOCK_TRY_S,
            )
        except StoreError as e:
            if "lock" not in str(e).lower():
                raise
            if fresh:
                raise StoreError(
                    f"{path}: a cycle is still writing after {wait_s:g}s; retry, raise --wait, "
                    "or leave --wait out to read the last committed state"
                ) from e
            LOGGER.info("%s: a cycle is writing; reading a copy of its last committed state", path)
            con = None
        if con is not None:
            try:
                yield con
            finally:
                con.close()
            return
    with tempfile.TemporaryDirectory(prefix="monitor-snapshot-") as tmp:
        con = _open_snapshot(path, Path(tmp))
        try:
            yield con
        finally:
            con.close()


def snapshot_database(path: str | Path, dest_dir: str | Path) -> Path:
    """Copy the database file and its WAL into DEST_DIR, retrying while a writer changes them."""
    path, dest_dir = Path(path), Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    wal = path.with_name(path.name + ".wal")
    copy = dest_dir / path.name
    copy_wal = copy.with_name(copy.name + ".wal")
    for attempt in range(1, SNAPSHOT_ATTEMPTS + 1):
        before = _file_stamps(path, wal)
        shutil.copyfile(path, copy)
        if wal.exists():
            shutil.copyfile(wal, copy_wal)
        elif copy_wal.exists():
            copy_wal.unlink()
        if _file_stamps(path, wal) == before:
            return copy
        LOGGER.info("database changed while copying (attempt %d); copying again", attempt)
    # Still moving after several tries: the copy is used anyway and checked when opened.
    return copy


def _open_snapshot(path: Path, dest_dir: Path) -> duckdb.DuckDBPyConnection:
    last_error: Exception | None = None
    for _ in range(SNAPSHOT_ATTEMPTS):
        copy = snapshot_database(path, dest_dir)
        try:
            return duckdb.connect(str(copy), read_only=True)
        except duckdb.Error as e:
            # A copy taken in the middle of a checkpoint can be torn; the next one will not be.
            last_error = e
            LOGGER.info("snapshot of %s did not open (%s); copying again", path, e)
    raise StoreError(f"{path}: could not take a consistent snapshot: {last_error}")


def _file_stamps(*paths: Path) -> tuple[tuple[int, int] | None, ...]:
    stamps: list[tuple[int, int] | None] = []
    for p in paths:
        try:
            st = os.stat(p)
        except FileNotFoundError:
            stamps.append(None)
            continue
        stamps.append((st.st_size, st.st_mtime_ns))
    return tuple(stamps)


def run_query(con: duckdb.DuckDBPyConnection, sql: str) -> QueryResult:
    """Run one analyst statement on a connection locked down by restrict_to_reading first.

    An empty text or several statements raise QueryError (`monitor query` runs one at a time);
    so does anything that would reach outside the database: files, ATTACH, INSTALL/LOAD.
    """
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as e:
        raise QueryError(f"query failed: {e}") from e
    if not statements:
        raise QueryError('the SQL is empty: give one statement, e.g. "SELECT * FROM new_claims"')
    if len(statements) > 1:
        raise QueryError(
            f"the SQL holds {len(statements)} statements; `monitor query` runs one at a time "
            "(one command per statement, or join them into one SELECT)"
        )
    if _FTS_MACRO.search(sql) and not _extension_loaded(con, "fts"):
        db.load_extension(con, "fts")
    restrict_to_reading(con)
    try:
        cursor = con.execute(sql)
        if cursor.description is None:
            return QueryResult([], [])
        columns = [d[0] for d in cursor.description]
        return QueryResult(columns, cursor.fetchall())
    except duckdb.PermissionException as e:
        reason = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise QueryError(
            f"refused: {reason}. `monitor query` only reads the monitor database: it cannot write or "
            "read files, ATTACH other databases or INSTALL/LOAD extensions; use `monitor export` "
            "for Parquet files"
        ) from e
    except duckdb.Error as e:
        raise QueryError(f"query failed: {e}") from e


def restrict_to_reading(con: duckdb.DuckDBPyConnection) -> None:
    """Turn off file, network and extension access on CON and lock its settings (idempotent)."""
    if _setting(con, "lock_configuration"):
        return
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")


def _setting(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    row = con.execute("SELECT current_setting(?)::BOOLEAN", [name]).fetchone()
    return bool(row and row[0])


def _extension_loaded(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    row = con.execute(
        "SELECT count(*) FROM duckdb_extensions() WHERE extension_name = ? AND loaded", [name]
    ).fetchone()
    return bool(row and row[0])


def view_summaries() -> list[tuple[str, str]]:
    """Each analyst view under sql/views: its name and the first line of its comment."""
    summaries: list[tuple[str, str]] = []
    for path in db.view_files():
        text = path.read_text(encoding="utf-8")
        comment = next(
            (line[2:].strip() for line in text.splitlines() if line.startswith("--")), ""
        )
        summaries.extend((name, comment) for name in _VIEW_NAME.findall(text))
    return summaries


def format_table(result: QueryResult, max_cell_chars: int = CELL_MAX_CHARS) -> str:
    """Rows as an aligned text table with a row count; long cells are cut at MAX_CELL_CHARS."""
    if not result.columns:
        return "(no result)"
    cells = [[_cell_text(v, max_cell_chars) for v in row] for row in result.rows]
    values_by_column = [[row[i] for row in result.rows] for i in range(len(result.columns))]
    numeric = [
        any(v is not None for v in values)
        and all(v is None or isinstance(v, (int, float, decimal.Decimal)) for v in values)
        for values in values_by_column
    ]
    widths = [
        max([len(name)] + [len(row[i]) for row in cells]) for i, name in enumerate(result.columns)
    ]

    def line(values: Sequence[str]) -> str:
        parts = [
            v.rjust(widths[i]) if numeric[i] else v.ljust(widths[i]) for i, v in enumerate(values)
        ]
        return " │ ".join(parts).rstrip()

    out = [line(result.columns), "─┼─".join("─" * w for w in widths)]
    out.extend(line(row) for row in cells)
    count = len(result.rows)
    out.append(f"({count} row{'s' if count != 1 else ''})")
    return "\n".join(out)


def format_csv(result: QueryResult) -> str:
    """Rows as CSV with a header; nested values as JSON."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(result.columns)
    for row in result.rows:
        writer.writerow(
            ""
            if v is None
            else json.dumps(v, default=_json_default, ensure_ascii=False)
            if isinstance(v, (list, dict))
            else _scalar_text(v)
            for v in row
        )
    return buffer.getvalue()


def format_json(result: QueryResult) -> str:
    """Rows as a JSON array of objects keyed by column name."""
    records = [dict(zip(result.columns, row, strict=True)) for row in result.rows]
    return json.dumps(records, default=_json_default, ensure_ascii=False, indent=2)


def _json_default(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, (bytes, bytearray)):
        return value.hex()
    if isinstance(value, uuid.UUID):
        return str(value)
    return str(value)


def _scalar_text(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _cell_text(value: Any, max_cell_chars: int) -> str:
    if value is None:
        text = "NULL"
    elif isinstance(value, (list, dict)):
        text = json.dumps(value, default=_json_default, ensure_ascii=False)
    elif isinstance(value, dt.datetime):
        text = value.isoformat(sep=" ", timespec="seconds")
    else:
        text = _scalar_text(value)
    text = " ".join(text.split())
    if max_cell_chars and len(text) > max_cell_chars:
        text = text[: max_cell_chars - 1] + "…"
    return text
