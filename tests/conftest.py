"""Shared fixtures: one Prefect test harness per session, and the two-cycle demo database."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from monitor import db

if TYPE_CHECKING:
    from monitor.demo import DemoResult

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

REPO_ROOT = Path(__file__).resolve().parent.parent
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
def demo_run(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> "DemoResult":
    """The offline demo run end to end: cycle 1 (earlier article), 2 (later), 3 (nothing new)."""
    from monitor.demo import run_demo

    return run_demo(tmp_path_factory.mktemp("demo"), out=lambda line: None, extra_cycle=True)


@pytest.fixture(scope="session")
def demo_database(demo_run: "DemoResult") -> Path:
    """Path to the DuckDB file left by the demo run (read it with read_only=True)."""
    return demo_run.database_path

