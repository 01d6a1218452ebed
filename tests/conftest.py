"""Shared fixtures: a migrated DuckDB file, the analyst fixture database, a loopback fixture server,
one Prefect test harness per session, and the two-cycle demo database."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pytest

from monitor import db
from monitor.localserver import FixtureServer

if TYPE_CHECKING:
    from monitor.demo import DemoResult

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

REPO_ROOT = Path(__file__).resolve().parent.parent
ANALYST_DATA = REPO_ROOT / "tests" / "data" / "analyst"
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
TEST_SQL_DIR = REPO_ROOT / "tests" / "sql"  # named queries only the tests run (test_*, *_test_*)

db.add_query_dir(TEST_SQL_DIR)


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """A real Prefect API on a temporary database, started once for the whole session."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def demo_run(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    """The offline demo run end to end: cycle 1 (earlier article), 2 (later), 3 (nothing new)."""
    from monitor.demo import run_demo

    return run_demo(tmp_path_factory.mktemp("demo"), out=lambda line: None, extra_cycle=True)


@pytest.fixture(scope="session")
def demo_database(demo_run: DemoResult) -> Path:
    """Path to the DuckDB file left by the demo run (read it with read_only=True)."""
    return demo_run.database_path


@pytest.fixture()
def db_path(tmp_path: Path) -> Path:
    """Where a test's database file goes (a module may override it to preload rows)."""
    return tmp_path / "monitor.duckdb"


@pytest.fixture()
def con(db_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A migrated read-write connection to the test's database file."""
    with db.open_db(db_path) as connection:
        yield connection


def build_analyst_db(path: Path) -> Path:
    """A migrated database holding tests/data/analyst/two_cycle_story.sql."""
    with db.open_db(path) as connection:
        connection.execute((ANALYST_DATA / "two_cycle_story.sql").read_text(encoding="utf-8"))
    return path


@pytest.fixture()
def fixture_db(tmp_path: Path) -> Path:
    """The analyst fixture database, fresh for each test (for tests that write to it)."""
    return build_analyst_db(tmp_path / "monitor.duckdb")


@pytest.fixture(scope="module")
def module_fixture_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The analyst fixture database, built once per module (for tests that only read it)."""
    return build_analyst_db(tmp_path_factory.mktemp("analyst") / "monitor.duckdb")


@pytest.fixture()
def server() -> Iterator[FixtureServer]:
    """A loopback HTTP server for feeds and pages, with routes the test adds."""
    with FixtureServer() as running:
        yield running
