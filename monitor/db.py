"""DuckDB access: connections, numbered migrations, and SQL loaded by name from sql/."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import importlib
import logging
import re
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import duckdb

from monitor.errors import StoreError

LOGGER = logging.getLogger(__name__)

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"
_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")
LOCK_RETRY_TIMEOUT_S = 10.0


def utcnow() -> dt.datetime:
    """Current time as a naive UTC datetime: every TIMESTAMP column holds UTC."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


@functools.cache
def load_sql(name: str) -> str:
    """Return the text of sql/queries/NAME.sql."""
    path = SQL_DIR / "queries" / f"{name}.sql"
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as e:
        raise StoreError(f"named query {name!r} not found at {path}") from e


def connect(
    path: str | Path, read_only: bool = False, lock_timeout_s: float = LOCK_RETRY_TIMEOUT_S
) -> duckdb.DuckDBPyConnection:
    """Open the database file, waiting briefly while another process holds its lock."""
    path = Path(path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    elif not path.exists():
        raise StoreError(f"{path}: database not found (run `monitor init` or `monitor run` first)")
    deadline = time.monotonic() + lock_timeout_s
    delay_s = 0.05
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as e:
            if "lock" not in str(e).lower() or time.monotonic() >= deadline:
                raise StoreError(f"{path}: cannot open database: {e}") from e
            time.sleep(delay_s)
            delay_s = min(delay_s * 2, 0.5)
        except duckdb.Error as e:
            raise StoreError(f"{path}: cannot open database: {e}") from e


@contextlib.contextmanager
def open_db(path: str | Path, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """Connection for one batch of work: migrated on open, always closed on exit."""
    con = connect(path, read_only=read_only)
    try:
        if not read_only:
            migrate(con)
        yield con
    finally:
        con.close()


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """Run a block in one transaction: all of its writes land, or none do."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def migration_files() -> list[tuple[int, Path]]:
    """Numbered schema files under sql/schema, in order."""
    found = []
    for path in sorted((SQL_DIR / "schema").glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if not match:
            raise StoreError(f"{path}: migration files must be named NNN_name.sql")
        found.append((int(match.group(1)), path))
    versions = [v for v, _ in found]
    if len(versions) != len(set(versions)):
        raise StoreError(f"{SQL_DIR / 'schema'}: two migrations share a number")
    return found


def applied_versions(con: duckdb.DuckDBPyConnection) -> set[int]:
    """Migration numbers already recorded in the database."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    return {row[0] for row in con.execute("SELECT version FROM schema_version").fetchall()}


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply pending migrations, then (re)create the views; return the names applied."""
    applied = applied_versions(con)
    done = []
    for version, path in migration_files():
        if version in applied:
            continue
        try:
            with transaction(con):
                con.execute(path.read_text(encoding="utf-8"))
                con.execute(
                    "INSERT INTO schema_version VALUES (?, ?, ?)", [version, path.name, utcnow()]
                )
        except duckdb.Error as e:
            raise StoreError(f"migration {path.name} failed: {e}") from e
        LOGGER.info("applied migration %s", path.name)
        done.append(path.name)
    if done or not _views_current(con):
        create_views(con)
    return done


def view_files() -> list[Path]:
    """View definitions under sql/views, applied in name order."""
    return sorted((SQL_DIR / "views").glob("*.sql"))


def create_views(con: duckdb.DuckDBPyConnection) -> None:
    """Create or replace every view from sql/views."""
    for path in view_files():
        try:
            con.execute(path.read_text(encoding="utf-8"))
        except duckdb.Error as e:
            raise StoreError(f"view {path.name} failed: {e}") from e


def _views_current(con: duckdb.DuckDBPyConnection) -> bool:
    names = {p.stem.split("_", 1)[-1] if p.stem[:3].isdigit() else p.stem for p in view_files()}
    if not names:
        return True
    existing = {
        row[0] for row in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal")
    }
    return names <= existing


def load_extension(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Load a DuckDB extension shipped as a PyPI package (duckdb-extension-NAME), offline."""
    try:
        con.execute(f"LOAD {name}")
        return
    except duckdb.Error:
        pass
    try:
        package = importlib.import_module(f"duckdb_extension_{name}")
    except ImportError as e:
        raise StoreError(
            f"DuckDB extension {name!r} is not installed: pip install duckdb-extension-{name}"
        ) from e
    version = duckdb.__version__
    candidates = list(Path(package.__file__ or "").parent.glob(f"extensions/v{version}/*.duckdb_extension"))
    if not candidates:
        raise StoreError(f"DuckDB extension {name!r} has no build for duckdb {version}")
    # The extension name is a fixed identifier and the path comes from the installed package,
    # so the LOAD statement cannot carry user input.
    con.execute(f"LOAD '{candidates[0]}'")


def query(
    con: duckdb.DuckDBPyConnection, name: str, params: Sequence[Any] | dict[str, Any] | None = None
) -> list[tuple[Any, ...]]:
    """Run the named query from sql/queries with bound parameters and return all rows."""
    try:
        return con.execute(load_sql(name), params or []).fetchall()
    except duckdb.Error as e:
        raise StoreError(f"query {name} failed: {e}") from e


def execute(
    con: duckdb.DuckDBPyConnection, name: str, params: Sequence[Any] | dict[str, Any] | None = None
) -> None:
    """Run the named statement from sql/queries with bound parameters."""
    try:
        con.execute(load_sql(name), params or [])
    except duckdb.Error as e:
        raise StoreError(f"statement {name} failed: {e}") from e


def execute_many(
    con: duckdb.DuckDBPyConnection, name: str, rows: Sequence[Sequence[Any]]
) -> None:
    """Run the named statement once per row, in one call."""
    if not rows:
        return
    try:
        con.executemany(load_sql(name), rows)
    except duckdb.Error as e:
        raise StoreError(f"statement {name} failed: {e}") from e


class CycleLockedError(StoreError):
    """Another cycle holds the database's cycle lock."""


class CycleLock:
    """An exclusive advisory lock on ``<database>.lock`` so two cycles never run at once."""

    def __init__(self, database_path: str | Path, wait_s: float = 0.0) -> None:
        self.path = Path(str(database_path) + ".lock")
        self.wait_s = wait_s
        self._file: Any = None

    def __enter__(self) -> "CycleLock":
        import fcntl
        import os

        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = open(self.path, "a+")
        deadline = time.monotonic() + self.wait_s
        while True:
            try:
                fcntl.flock(self._file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    self._file.seek(0)
                    holder = self._file.read().strip() or "another process"
                    self._file.close()
                    raise CycleLockedError(
                        f"{self.path}: another cycle is running ({holder}); skipped this one"
                    ) from None
                time.sleep(0.2)
        self._file.seek(0)
        self._file.truncate()
        self._file.write(f"pid {os.getpid()} since {utcnow():%Y-%m-%d %H:%M:%S} UTC\n")
        self._file.flush()
        return self

    def __exit__(self, *exc: object) -> None:
        import fcntl

        if self._file is not None:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = None


def cycle_lock(database_path: str | Path, wait_s: float = 0.0) -> CycleLock:
    """The lock a cycle takes before it touches the database; raises CycleLockedError if held."""
    return CycleLock(database_path, wait_s)
