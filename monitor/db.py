"""DuckDB access: connections, numbered migrations, and SQL loaded by name from sql/."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import hashlib
import importlib
import importlib.util
import logging
import os
import re
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol, Self

import duckdb
import numpy as np

from monitor.errors import StoreError

LOGGER = logging.getLogger(__name__)


def _stop_duckdb_pandas_lookups() -> None:
    """Make DuckDB's optional `import pandas` fail at once when pandas is not installed.

    DuckDB's Python client tries that import twice for every bound value, and without pandas each
    failed try searches sys.path again: about 150 µs per value, 0.45 s for a list of 3,000 ids.
    """
    if "pandas" not in sys.modules and importlib.util.find_spec("pandas") is None:
        sys.modules["pandas"] = None  # type: ignore[assignment]


_stop_duckdb_pandas_lookups()


class DatabaseConfig(Protocol):
    """The `[database]` settings `connect()` needs (monitor.settings.DatabaseSettings)."""

    @property
    def path(self) -> Path: ...
    @property
    def backend(self) -> str: ...
    @property
    def ducklake_catalog(self) -> str | None: ...
    @property
    def ducklake_data_path(self) -> Path | None: ...


def _sql_root() -> Path:
    """The sql/ folder: inside the package when installed from a wheel, else beside it in the tree."""
    package_dir = Path(__file__).resolve().parent
    shipped = package_dir / "sql"  # pyproject maps the top-level sql/ to the package monitor.sql
    return shipped if shipped.is_dir() else package_dir.parent / "sql"


SQL_DIR = _sql_root()
QUERY_DIR = SQL_DIR / "queries"
# Folders searched for named queries: the package's own, then any a caller adds (tests/sql, bench/sql).
_query_dirs: list[Path] = [QUERY_DIR]
_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")
LOCK_RETRY_TIMEOUT_S = 10.0


def utcnow() -> dt.datetime:
    """Current time as a naive UTC datetime: every TIMESTAMP column holds UTC."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def add_query_dir(path: Path) -> None:
    """Also resolve named queries from the .sql files under PATH (how tests/ and bench/ add theirs)."""
    path = path.resolve()
    if path in _query_dirs:
        return
    _query_dirs.append(path)
    query_files.cache_clear()
    try:
        query_files()  # a name clash fails here, not at the first query that uses the name
    except StoreError:
        _query_dirs.remove(path)
        query_files.cache_clear()
        raise


@functools.cache
def query_files() -> dict[str, Path]:
    """Every named query, file stem -> path, found anywhere under the query folders."""
    found: dict[str, Path] = {}
    for root in _query_dirs:
        for path in sorted(root.rglob("*.sql")):
            other = found.setdefault(path.stem, path)
            if other != path:
                raise StoreError(f"named query {path.stem!r} is defined twice: {other} and {path}")
    return found


@functools.cache
def load_sql(name: str) -> str:
    """Return the text of the named query, e.g. sql/queries/alerts/alerts_due.sql for "alerts_due"."""
    path = query_files().get(name)
    if path is None:
        searched = ", ".join(str(root) for root in _query_dirs)
        raise StoreError(f"named query {name!r} not found: no {name}.sql under {searched}")
    return path.read_text(encoding="utf-8")


def connect(
    path: str | Path | DatabaseConfig,
    read_only: bool = False,
    lock_timeout_s: float = LOCK_RETRY_TIMEOUT_S,
) -> duckdb.DuckDBPyConnection:
    """Open the database file, waiting briefly while another process holds its lock.

    Pass the `[database]` settings instead of a path to honour `backend = "ducklake"`.
    """
    if not isinstance(path, (str, Path)):
        if path.backend == "ducklake":
            return connect_ducklake(path, read_only=read_only)
        path = path.path
    path = Path(path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            _create_database(path)
    elif not path.exists():
        raise StoreError(f"{path}: database not found (run `monitor init` or `monitor run` first)")
    deadline = time.monotonic() + lock_timeout_s
    delay_s = 0.05
    while True:
        try:
            return _attach_file(path, read_only)
        except duckdb.IOException as e:
            if "lock" not in str(e).lower() or time.monotonic() >= deadline:
                raise StoreError(f"{path}: cannot open database: {e}") from e
            time.sleep(delay_s)
            delay_s = min(delay_s * 2, 0.5)
        except duckdb.Error as e:
            raise StoreError(f"{path}: cannot open database: {e}") from e


# Rows per row group for data this process writes. A checkpoint rewrites every row group it
# appended to in full, so with DuckDB's default (122,880) each cycle re-compressed up to 122,880
# versions (texts, kept HTML) to add a hundred: 3.5 s per cycle over 1M stored articles.
ROW_GROUP_ROWS = 8192
FILE_ALIAS = "story_monitor"


def _attach_file(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    """A connection whose default database is the file at PATH, written in small row groups."""
    # Spill files go beside the database, as for duckdb.connect(path); an in-memory instance
    # would put them in ".tmp" under whatever directory the process runs in.
    con = duckdb.connect(config={"temp_directory": f"{path}.tmp"})
    try:
        # ATTACH takes no bound parameters; the path is quoted as an SQL string literal.
        options = f"ROW_GROUP_SIZE {ROW_GROUP_ROWS}" + (", READ_ONLY" if read_only else "")
        con.execute(f"ATTACH {_sql_literal(str(path))} AS {FILE_ALIAS} ({options})")
        con.execute(f"USE {FILE_ALIAS}")
    except BaseException:
        con.close()
        raise
    return con


def _cursor_of(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A new cursor on CON's database file (a cursor starts on the instance's in-memory default)."""
    cursor = con.cursor()
    cursor.execute(f"USE {FILE_ALIAS}")
    return cursor


def _create_database(path: Path) -> None:
    """Build a new database file beside PATH, fully migrated and checkpointed, then move it there.

    A process killed while the schema is being created must not leave a half-built file: DuckDB
    1.5 cannot replay an ALTER TABLE ... ADD COLUMN on a table with a nextval() default from the
    WAL ("GetDefaultDatabase with no default database set"), so such a file would not open again.
    """
    staging = path.with_name(f".{path.name}.creating-{os.getpid()}")
    for leftover in (staging, Path(f"{staging}.wal")):
        leftover.unlink(missing_ok=True)
    try:
        con = _attach_file(staging, read_only=False)
        try:
            migrate(con)
        finally:
            con.close()  # closing checkpoints: the schema is in the file, not the WAL
        if not path.exists():
            os.replace(staging, path)
    except duckdb.Error as e:
        raise StoreError(f"{path}: cannot create database: {e}") from e
    finally:
        for leftover in (staging, Path(f"{staging}.wal")):
            leftover.unlink(missing_ok=True)


@contextlib.contextmanager
def open_db(
    path: str | Path | DatabaseConfig, read_only: bool = False
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Connection for one batch of work: migrated on open, always closed on exit."""
    held = _HELD.get(_held_key(path) or "")
    con = _cursor_of(held) if held is not None else connect(path, read_only=read_only)
    try:
        if not read_only:
            key = _migration_key(path)
            if key is None or key not in _MIGRATED:
                migrate(con)
                if key is not None:
                    _MIGRATED.add(key)
        yield con
    finally:
        con.close()


@contextlib.contextmanager
def hold_open(path: str | Path | DatabaseConfig) -> Iterator[None]:
    """Keep a DuckDB file open for the block; open_db on it hands out cursors of that connection.

    A cycle opens the database once per stage, and each open and close (WAL replay, checkpoint)
    costs tens of milliseconds: most of a cycle with nothing new to do.
    """
    key = _held_key(path)
    if key is None or key in _HELD:
        yield
        return
    _HELD[key] = connect(path)
    try:
        yield
    finally:
        _HELD.pop(key).close()


_HELD: dict[str, duckdb.DuckDBPyConnection] = {}


def _held_key(path: str | Path | DatabaseConfig) -> str | None:
    if not isinstance(path, (str, Path)):
        if path.backend != "duckdb":
            return None  # a DuckLake catalog is attached per connection, not per cursor
        path = path.path
    return str(Path(path).resolve())


# Database files this process already migrated, by path and inode: a cycle opens the file once
# per stage, and re-checking the schema each time is measurable in a steady-state cycle.
_MIGRATED: set[tuple[str, int, str]] = set()


def _migration_key(path: str | Path | DatabaseConfig) -> tuple[str, int, str] | None:
    if not isinstance(path, (str, Path)):
        if path.backend != "duckdb":
            return None
        path = path.path
    try:
        inode = Path(path).stat().st_ino
    except OSError:
        return None
    return (str(Path(path).resolve()), inode, views_hash())


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


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Hold off Python's cyclic garbage collector for a block: one batch's linking or judging and its writes."""
    # Those blocks allocate a great many short-lived objects, and every collection they trigger
    # walks every tracked object of the process (the term cache, claim ledgers, other stages'
    # caches): a tenth of the stories stage's CPU and a sixth of judging's, with the 450,000
    # objects of a cycle's flow process. Neither makes reference cycles, so reference counting
    # frees their garbage meanwhile. The caller's setting is restored, also on an error.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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
    execute(con, "db_schema_version_create")
    return {row[0] for row in query(con, "db_schema_version_list")}


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply pending migrations, then (re)create the views; return the names applied."""
    on_ducklake = is_ducklake(con)
    if on_ducklake:
        # applied_versions() declares a PRIMARY KEY, which DuckLake refuses; create it first.
        execute(con, "maintenance_ducklake_schema_version")
    applied = applied_versions(con)
    done = []
    for version, path in migration_files():
        if version in applied:
            continue
        sql = path.read_text(encoding="utf-8")
        if on_ducklake:
            sql = translate_for_ducklake(sql)
        try:
            with transaction(con):
                con.execute(sql)
                con.execute(load_sql("db_schema_version_record"), [version, path.name, utcnow()])
            if not on_ducklake:
                # Out of the WAL at once: DuckDB cannot replay some ALTER TABLE statements.
                execute(con, "db_checkpoint")
        except duckdb.Error as e:
            raise StoreError(f"migration {path.name} failed: {e}") from e
        LOGGER.info("applied migration %s", path.name)
        done.append(path.name)
    if done or not _views_current(con):
        create_views(con)
        if not on_ducklake:
            execute(con, "db_checkpoint")
    return done


def view_files() -> list[Path]:
    """View definitions under sql/views, applied in name order."""
    return sorted((SQL_DIR / "views").glob("*.sql"))


def create_views(con: duckdb.DuckDBPyConnection) -> None:
    """Create or replace every view from sql/views and record which version they are."""
    with transaction(con):
        for path in view_files():
            try:
                con.execute(path.read_text(encoding="utf-8"))
            except duckdb.Error as e:
                raise StoreError(f"view {path.name} failed: {e}") from e
        execute(con, "db_view_state_clear")
        execute(con, "db_view_state_set", [views_hash(), utcnow()])


@functools.cache
def views_hash() -> str:
    """A fingerprint of every file under sql/views."""
    digest = hashlib.sha256()
    for path in view_files():
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _views_current(con: duckdb.DuckDBPyConnection) -> bool:
    rows = query(con, "db_view_state_get")
    return bool(rows) and rows[0][0] == views_hash()


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
    candidates = list(
        Path(package.__file__ or "").parent.glob(f"extensions/v{version}/*.duckdb_extension")
    )
    if not candidates:
        raise StoreError(f"DuckDB extension {name!r} has no build for duckdb {version}")
    # The extension name is a fixed identifier and the path comes from the installed package,
    # so the LOAD statement cannot carry user input.
    con.execute(f"LOAD '{candidates[0]}'")


def query(
    con: duckdb.DuckDBPyConnection, name: str, params: Sequence[Any] | dict[str, Any] | None = None
) -> list[tuple[Any, ...]]:
    """Run the named query with bound parameters and return all rows."""
    try:
        return con.execute(load_sql(name), params or []).fetchall()
    except duckdb.Error as e:
        raise StoreError(f"query {name} failed: {e}") from e


def query_dicts(
    con: duckdb.DuckDBPyConnection, name: str, params: Sequence[Any] | dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Run the named query with bound parameters and return each row as a column -> value dict."""
    try:
        cursor = con.execute(load_sql(name), params or [])
        columns = [d[0] for d in cursor.description or []]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    except duckdb.Error as e:
        raise StoreError(f"query {name} failed: {e}") from e


def execute(
    con: duckdb.DuckDBPyConnection, name: str, params: Sequence[Any] | dict[str, Any] | None = None
) -> None:
    """Run the named statement with bound parameters."""
    try:
        con.execute(load_sql(name), params or [])
    except duckdb.Error as e:
        raise StoreError(f"statement {name} failed: {e}") from e


def query_rows(
    con: duckdb.DuckDBPyConnection,
    name: str,
    rows: dict[str, Sequence[Any]],
    params: dict[str, Any] | None = None,
) -> list[tuple[Any, ...]]:
    """Run the named statement with ROWS (equal-length columns) readable as the table `batch_rows`.

    DuckDB's Python client binds a list parameter at about 10 µs per value (0.46 s for 18,000
    rows of 4 columns); a dict of NumPy arrays is scanned in place, 15x faster. The statement finds
    `batch_rows` among this function's locals (a DuckDB replacement scan). Columns of strings or
    of numbers with gaps arrive as VARCHAR, so the statement casts each column to its type.
    """
    batch_rows = {column: _column_array(values) for column, values in rows.items()}  # noqa: F841
    try:
        con.execute(load_sql("db_object_columns_as_text"))
        return con.execute(load_sql(name), params or {}).fetchall()
    except duckdb.Error as e:
        raise StoreError(f"statement {name} failed: {e}") from e


def _column_array(values: Sequence[Any]) -> np.ndarray[Any, Any]:
    # Typed arrays where the values allow: DuckDB reads an object array of floats or datetimes
    # at about 7 µs per value, a typed one at memory speed.
    kinds = {type(v) for v in values}
    if kinds and all(
        issubclass(k, (int, float, np.integer, np.floating)) and k is not bool for k in kinds
    ):
        return np.asarray(values)  # int64, or float64 once any value is a float
    if kinds and kinds <= {dt.datetime, type(None)} and dt.datetime in kinds:
        return np.array(
            [np.datetime64("NaT") if v is None else v for v in values], dtype="datetime64[us]"
        )
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def next_id(con: duckdb.DuckDBPyConnection, sequence: str) -> int:
    """Draw the next value of an id sequence (a connection-local TEMP sequence on DuckLake)."""
    return int(query(con, "db_next_id", {"sequence": sequence})[0][0])


def insert_with_id(
    con: duckdb.DuckDBPyConnection,
    name: str,
    sequence: str,
    params: Sequence[Any] | dict[str, Any],
) -> int:
    """Run the named INSERT with a fresh id from SEQUENCE and return that id.

    The id is bound as the first `?` (or as `$id` when PARAMS is a dict): DuckLake refuses
    RETURNING, so the id is drawn before the insert on both backends.
    """
    new_id = next_id(con, sequence)
    execute(con, name, {**params, "id": new_id} if isinstance(params, dict) else [new_id, *params])
    return new_id


class CycleLockedError(StoreError):
    """Another cycle holds the database's cycle lock."""


class CycleLock:
    """An exclusive advisory lock on ``<database>.lock`` so two cycles never run at once."""

    def __init__(self, database_path: str | Path, wait_s: float = 0.0) -> None:
        self.path = Path(str(database_path) + ".lock")
        self.wait_s = wait_s
        self._file: Any = None

    def __enter__(self) -> Self:
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


# --- DuckLake backend -----------------------------------------------------------------------
# DuckLake (catalog in SQLite or PostgreSQL, data as Parquet files) lets several processes write.
# It lacks PRIMARY KEY/UNIQUE constraints, indexes, sequences, RETURNING and LIST defaults, so
# migrate() translates the schema DDL (translate_for_ducklake) and connect_ducklake() recreates
# each id sequence as a connection-local TEMP sequence starting past the table's largest id.
# Those ids are only unique while one process writes at a time: the single-writer stage.

DUCKLAKE_ALIAS = "lake"
_CATALOG_EXTENSIONS = {"sqlite": "sqlite_scanner", "postgres": "postgres_scanner"}
_SEQUENCE_DDL = re.compile(r"CREATE\s+SEQUENCE\s+(IF\s+NOT\s+EXISTS\s+)?", re.IGNORECASE)
_INLINE_KEY = re.compile(r"\s+(PRIMARY\s+KEY|UNIQUE)\b(?!\s*\()", re.IGNORECASE)
_TABLE_KEY_LINE = re.compile(r",\s*\n\s*(PRIMARY\s+KEY|UNIQUE)\s*\([^)]*\)", re.IGNORECASE)
_LIST_DEFAULT = re.compile(r"\s+NOT\s+NULL\s+DEFAULT\s+\[\]|\s+DEFAULT\s+\[\]", re.IGNORECASE)
_INDEX_DDL = re.compile(r"CREATE\s+(UNIQUE\s+)?INDEX\s[^;]*;", re.IGNORECASE)
_BOOLEAN_DEFAULT = re.compile(r"\bDEFAULT\s+(true|false)\b", re.IGNORECASE)
_TABLE_BLOCK = re.compile(
    r"CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)\s*\((.*?)\n\);", re.DOTALL | re.IGNORECASE
)
_ID_DEFAULT = re.compile(
    r"^\s*(\w+)\s+\w+.*?DEFAULT\s+nextval\('(\w+)'\)", re.MULTILINE | re.IGNORECASE
)


def _strip_sql_comments(sql: str) -> str:
    return re.sub(r"--[^\n]*", "", sql)


def translate_for_ducklake(sql: str) -> str:
    """Rewrite schema DDL into the subset DuckLake accepts (see the block comment above)."""
    sql = _strip_sql_comments(sql)
    sql = _SEQUENCE_DDL.sub("CREATE TEMP SEQUENCE IF NOT EXISTS ", sql)
    sql = _TABLE_KEY_LINE.sub("", sql)
    sql = _INLINE_KEY.sub("", sql)
    sql = _LIST_DEFAULT.sub("", sql)
    # DuckLake has no indexes; it prunes Parquet files by their min/max statistics instead.
    sql = _INDEX_DDL.sub("", sql)
    # DuckLake takes only literal defaults and parses a bare true/false as an expression.
    return _BOOLEAN_DEFAULT.sub(lambda m: f"DEFAULT '{m.group(1).lower()}'", sql)


def id_sequences() -> list[tuple[str, str, str]]:
    """(sequence, table, column) for every `DEFAULT nextval(...)` column in sql/schema."""
    found = []
    for _, path in migration_files():
        ddl = _strip_sql_comments(path.read_text(encoding="utf-8"))
        for table, body in _TABLE_BLOCK.findall(ddl):
            for column, sequence in _ID_DEFAULT.findall(body):
                found.append((sequence, table, column))
    return found


def is_ducklake(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the connection's default catalog is a DuckLake."""
    rows = query(con, "maintenance_current_catalog_type")
    return bool(rows) and rows[0][0] == "ducklake"


def _ducklake_target(settings: DatabaseConfig) -> tuple[str, str | None]:
    """The ATTACH target ('ducklake:...') and the extension its catalog database needs."""
    catalog = settings.ducklake_catalog
    if not catalog:
        raise StoreError(
            '[database] backend = "ducklake" needs ducklake_catalog '
            '(e.g. "sqlite:catalog.sqlite" or "postgres:dbname=monitor host=...")'
        )
    kind, _, rest = catalog.partition(":")
    base = Path(settings.path).parent
    if kind == "sqlite":
        path = Path(rest)
        return f"ducklake:sqlite:{path if path.is_absolute() else base / path}", "sqlite_scanner"
    if kind == "postgres":
        return f"ducklake:{catalog}", "postgres_scanner"
    path = Path(catalog)  # a DuckDB file as catalog: fine for one machine
    return f"ducklake:{path if path.is_absolute() else base / path}", None


def connect_ducklake(
    settings: DatabaseConfig, read_only: bool = False
) -> duckdb.DuckDBPyConnection:
    """Attach the configured DuckLake catalog as the default database of a new connection."""
    target, extension = _ducklake_target(settings)
    data_path = settings.ducklake_data_path or Path(settings.path).parent / "ducklake-data"
    if not data_path.is_absolute() and "://" not in str(data_path):
        data_path = Path(settings.path).parent / data_path
    if not read_only and "://" not in str(data_path):
        Path(data_path).mkdir(parents=True, exist_ok=True)
    try:
        con = _lake_instance(target, extension, str(data_path), read_only).cursor()
    except duckdb.Error as e:
        raise StoreError(
            f"DuckLake catalog {settings.ducklake_catalog!r}: cannot attach: {e}"
        ) from e
    try:
        con.execute(f"USE {DUCKLAKE_ALIAS}")
        _create_id_sequences(con)
    except duckdb.Error as e:
        con.close()
        raise StoreError(f"DuckLake catalog {settings.ducklake_catalog!r}: {e}") from e
    return con


# Loading the extensions and attaching the catalog cost about 2 s per connection, and a cycle
# opens a dozen. So each process keeps one in-memory DuckDB per lake with the catalog attached,
# and every connect_ducklake() is a new connection (cursor) to it: its own transactions and
# TEMP id sequences, no reload. Keyed by pid so a forked child never reuses its parent's.
_LAKE_INSTANCES: dict[tuple[int, str, str, bool], duckdb.DuckDBPyConnection] = {}
_LAKE_INSTANCES_LOCK = threading.Lock()


def _lake_instance(
    target: str, extension: str | None, data_path: str, read_only: bool
) -> duckdb.DuckDBPyConnection:
    key = (os.getpid(), target, data_path, read_only)
    with _LAKE_INSTANCES_LOCK:
        instance = _LAKE_INSTANCES.get(key)
        if instance is not None:
            return instance
        instance = duckdb.connect()
        try:
            load_extension(instance, "ducklake")
            if extension:
                load_extension(instance, extension)
            options = {"DATA_PATH": data_path}
            if read_only:
                options["READ_ONLY"] = "true"
            # ATTACH takes no bound parameters; the target and options come from validated
            # settings and are quoted as SQL string literals here.
            option_sql = ", ".join(
                f"{key} {_sql_literal(value) if key == 'DATA_PATH' else value}"
                for key, value in options.items()
            )
            instance.execute(f"ATTACH {_sql_literal(target)} AS {DUCKLAKE_ALIAS} ({option_sql})")
        except (duckdb.Error, StoreError):
            instance.close()
            raise
        _LAKE_INSTANCES[key] = instance
        return instance


def _sql_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _create_id_sequences(con: duckdb.DuckDBPyConnection) -> None:
    existing = {row[0] for row in query(con, "maintenance_lake_tables")}
    sequences = id_sequences()
    # Identifiers come from sql/schema (matched as \w+), never from user input. One statement
    # each for reading and creating: every statement costs a catalog round trip on DuckLake.
    starts = {sequence: 1 for sequence, _, _ in sequences}
    reads = [
        f"SELECT '{sequence}', coalesce(max({column}), 0) + 1 FROM {table}"
        for sequence, table, column in sequences
        if table in existing
    ]
    if reads:
        starts.update(dict(con.execute(" UNION ALL ".join(reads)).fetchall()))
    con.execute(
        "".join(
            f"CREATE TEMP SEQUENCE IF NOT EXISTS {sequence} START {int(start)};"
            for sequence, start in starts.items()
        )
    )


def reset_connections() -> None:
    """Forget which files this process migrated and close its DuckLake instances (between cycles).

    A connection held by an open `hold_open` block is left to that block, which closes it.
    """
    _MIGRATED.clear()
    with _LAKE_INSTANCES_LOCK:
        for instance in _LAKE_INSTANCES.values():
            instance.close()
        _LAKE_INSTANCES.clear()
