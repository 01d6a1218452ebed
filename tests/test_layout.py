"""The house rules the code must keep: no Prefect in the library, every named query exists."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import duckdb
import pytest

from monitor import db
from monitor.errors import StoreError

REPO_ROOT = Path(__file__).resolve().parent.parent
NAMED_QUERY_CALL = re.compile(
    r"""(?:db\.)?(?:query|query_rows|execute|insert_with_id|load_sql)\(\s*(?:con\s*,\s*|[a-z_]+\s*,\s*)?["']([a-z0-9_]+)["']"""
)


# monitor.cli and monitor.demo are the application layer: they run flows, so they may import them.
APPLICATION_LAYER = ("monitor.cli", "monitor.demo")


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported_names(path: Path, module: str) -> set[str]:
    """Dotted names imported anywhere in the file, function bodies included."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _import_graph() -> dict[str, set[str]]:
    """Each module of monitor/ and flows/ -> the modules importing it loads (parent packages too)."""
    names = {
        _module_name(path): path
        for folder in ("monitor", "flows")
        for path in (REPO_ROOT / folder).rglob("*.py")
    }
    graph: dict[str, set[str]] = {}
    for module, path in names.items():
        targets: set[str] = set()
        for name in _imported_names(path, module):
            parts = name.split(".")
            prefixes = [".".join(parts[:n]) for n in range(1, len(parts) + 1)]
            local = [prefix for prefix in prefixes if prefix in names]
            targets.update(local if local else [name])
        graph[module] = targets
    return graph


def _chain_to(graph: dict[str, set[str]], start: str, tops: tuple[str, ...]) -> list[str] | None:
    """The import chain from `start` to a module under one of `tops`, or None."""
    came_from: dict[str, str | None] = {start: None}
    queue = [start]
    while queue:
        module = queue.pop(0)
        if module.split(".")[0] in tops:
            chain = [module]
            while (parent := came_from[chain[-1]]) is not None:
                chain.append(parent)
            return chain[::-1]
        for target in sorted(graph.get(module, ())):
            if target not in came_from:
                came_from[target] = module
                queue.append(target)
    return None


def test_library_never_imports_prefect_or_flows_even_indirectly() -> None:
    graph = _import_graph()
    # The walk sees function-local imports and follows chains: the application layer does reach Prefect.
    reaches_prefect = _chain_to(graph, "monitor.cli.core", ("prefect",))
    assert reaches_prefect is not None and reaches_prefect[1].startswith("flows.")
    offenders = {
        module: " -> ".join(chain)
        for module in sorted(graph)
        if module.startswith("monitor")
        and not module.startswith(APPLICATION_LAYER)
        and (chain := _chain_to(graph, module, ("flows", "prefect")))
    }
    assert offenders == {}, f"monitor/ outside {APPLICATION_LAYER} must stay plain Python"


def test_every_named_query_used_in_code_exists() -> None:
    shipped = {path.stem for path in db.QUERY_DIR.rglob("*.sql")}
    bench_only = {path.stem for path in (REPO_ROOT / "bench" / "sql").glob("*.sql")}
    # The package may use only what the wheel ships; the bench may add its own bench/sql.
    allowed = {"monitor": shipped, "flows": shipped, "bench": shipped | bench_only}
    missing = []
    for folder, names in allowed.items():
        for path in (REPO_ROOT / folder).rglob("*.py"):
            for name in NAMED_QUERY_CALL.findall(path.read_text(encoding="utf-8")):
                if name not in names:
                    missing.append(f"{path.relative_to(REPO_ROOT)}: {name}")
    assert missing == []


def test_each_shipped_query_sits_in_the_folder_its_name_starts_with() -> None:
    misplaced = [
        str(path.relative_to(db.QUERY_DIR))
        for path in db.QUERY_DIR.rglob("*.sql")
        if path.parent.parent != db.QUERY_DIR or not path.stem.startswith(f"{path.parent.name}_")
    ]
    assert misplaced == [], "a query named stage_x belongs in sql/queries/stage/stage_x.sql"


def test_test_and_bench_sql_stay_out_of_the_package() -> None:
    stray = [
        str(path.relative_to(db.SQL_DIR))
        for path in db.SQL_DIR.rglob("*.sql")
        if re.match(r"(test|bench)_|[a-z]+_test_", path.stem)
    ]
    assert stray == [], "test SQL goes in tests/sql, bench SQL in bench/sql"


def test_names_resolve_across_stage_folders_and_clashes_fail_clearly(tmp_path: Path) -> None:
    assert db.load_sql("alerts_due") == (db.QUERY_DIR / "alerts" / "alerts_due.sql").read_text()
    assert db.load_sql("test_row_groups")  # from tests/sql, added by conftest
    with pytest.raises(StoreError, match="'no_such_query' not found"):
        db.load_sql("no_such_query")
    (tmp_path / "alerts_due.sql").write_text("SELECT 1")
    with pytest.raises(
        StoreError, match=r"'alerts_due' is defined twice: .*alerts_due\.sql and .*alerts_due\.sql"
    ):
        db.add_query_dir(tmp_path)
    assert db.query_files()["alerts_due"] == db.QUERY_DIR / "alerts" / "alerts_due.sql"
    assert all(not path.is_relative_to(tmp_path) for path in db.query_files().values())


def test_migrations_are_numbered_uniquely_and_apply_to_a_fresh_file(tmp_path: Path) -> None:
    numbers = [number for number, _path in db.migration_files()]
    assert numbers == sorted(set(numbers))
    raw = duckdb.connect(str(tmp_path / "fresh.duckdb"))
    try:
        applied = db.migrate(raw)
        assert len(applied) == len(numbers)
        assert db.migrate(raw) == []
        recorded = [
            row[0]
            for row in raw.execute("SELECT version FROM schema_version ORDER BY 1").fetchall()
        ]
        assert recorded == numbers
    finally:
        raw.close()


def test_a_new_database_file_appears_only_fully_migrated_and_checkpointed(tmp_path: Path) -> None:
    path = tmp_path / "new.duckdb"
    con = db.connect(path)
    try:
        assert db.migrate(con) == []  # connect built it complete
        assert sorted(db.applied_versions(con)) == [n for n, _ in db.migration_files()]
    finally:
        con.close()
    # Nothing was left in a WAL, and no staging file is left beside it.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.duckdb"]


def test_changed_view_files_are_recreated_without_a_new_migration(tmp_path: Path) -> None:
    con = db.connect(tmp_path / "views.duckdb")
    try:
        db.migrate(con)
        db.execute(con, "db_view_state_clear")
        db.execute(con, "db_view_state_set", ["an older sql/views", db.utcnow()])
        con.execute("DROP VIEW feed_health")  # as if the old file had defined it differently
        assert db.migrate(con) == []
        assert db.query(con, "db_view_state_get")[0][0] == db.views_hash()
        assert con.execute("SELECT count(*) FROM feed_health").fetchone() == (0,)
    finally:
        con.close()


def test_data_is_written_in_small_row_groups_so_a_checkpoint_rewrites_little(
    tmp_path: Path,
) -> None:
    con = db.connect(tmp_path / "groups.duckdb")
    try:
        db.migrate(con)
        db.execute(con, "test_fill_runs", {"now": db.utcnow(), "count": 5 * db.ROW_GROUP_ROWS})
        db.execute(con, "db_checkpoint")
        groups, largest = db.query(con, "test_row_groups")[0]
    finally:
        con.close()
    assert groups >= 5
    assert largest <= db.ROW_GROUP_ROWS


def test_batch_rows_reach_a_statement_as_a_typed_table_with_nulls(tmp_path: Path) -> None:
    con = db.connect(tmp_path / "rows.duckdb")
    try:
        rows = db.query_rows(
            con,
            "test_batch_rows_echo",
            {
                "id": [2, 1, 3],
                "name": ["b", None, "c"],
                "score": [0.5, 1.0, 0.25],
                "seen_at": [dt.datetime(2026, 1, 1), None, dt.datetime(2026, 1, 2, 3)],
            },
        )
    finally:
        con.close()
    assert rows == [
        (1, None, 1.0, None),
        (2, "b", 0.5, dt.datetime(2026, 1, 1)),
        (3, "c", 0.25, dt.datetime(2026, 1, 2, 3)),
    ]


def test_batch_rows_with_an_all_null_column_of_many_rows(tmp_path: Path) -> None:
    # DuckDB samples object columns for a type; without pandas an all-NULL sample used to fail.
    count = 3000
    con = db.connect(tmp_path / "nulls.duckdb")
    try:
        rows = db.query_rows(
            con,
            "test_batch_rows_echo",
            {
                "id": list(range(count)),
                "name": [None] * count,
                "score": [None if i % 2 else 1.5 for i in range(count)],
                "seen_at": [None] * count,
            },
        )
    finally:
        con.close()
    assert len(rows) == count
    assert rows[0] == (0, None, 1.5, None) and rows[1] == (1, None, None, None)


def test_spill_files_go_beside_the_database_not_the_working_directory(tmp_path: Path) -> None:
    path = tmp_path / "spill.duckdb"
    con = db.connect(path)
    try:
        assert db.query(con, "test_temp_directory") == [(f"{path}.tmp",)]
    finally:
        con.close()
