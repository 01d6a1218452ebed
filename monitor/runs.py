"""The runs table: one row per cycle, started, finished, or found crashed by a later cycle."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import socket
from dataclasses import dataclass
from typing import Any

import duckdb

from monitor import db

LOGGER = logging.getLogger(__name__)

RUN_STATUSES = ("running", "completed", "failed", "crashed")


@dataclass
class RunRecord:
    """One row of the run_history view."""

    run_id: int
    status: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    crashed_found_at: dt.datetime | None
    seconds: float | None
    pid: int | None
    host: str | None


def start_run(con: duckdb.DuckDBPyConnection, now: dt.datetime) -> int:
    """Mark runs a killed process left `running` as crashed, then record this run; return its id.

    Call it only while holding the cycle lock: then no other cycle of this database is live.
    """
    mark_crashed_runs(con, now)
    return db.insert_with_id(con, "runs_start", "run_ids", [now, os.getpid(), socket.gethostname()])


def finish_run(
    con: duckdb.DuckDBPyConnection,
    run_id: int,
    status: str,
    summary: dict[str, Any],
    now: dt.datetime,
) -> None:
    """Record how a run ended (completed or failed) with its summary."""
    db.execute(con, "runs_finish", [now, status, json.dumps(summary, default=str), run_id])


def mark_crashed_runs(con: duckdb.DuckDBPyConnection, now: dt.datetime) -> list[int]:
    """Mark every `running` row whose process is gone as crashed at NOW; return their ids.

    A row of a process that is still alive on this host is left alone: the cycle lock already
    keeps two cycles apart, and this guards against a caller that does not hold it.
    """
    here = socket.gethostname()
    dead = [
        int(run_id)
        for run_id, pid, host, _ in db.query(con, "runs_running")
        if not (host == here and pid is not None and pid != os.getpid() and process_alive(int(pid)))
    ]
    if dead:
        db.execute(con, "runs_mark_crashed", {"ids": dead, "now": now})
        LOGGER.warning("runs %s were left running by a killed cycle: marked crashed", dead)
    return dead


def run_history(con: duckdb.DuckDBPyConnection, limit: int = 20) -> list[RunRecord]:
    """The LIMIT most recent runs, newest first."""
    return [RunRecord(*row) for row in db.query(con, "runs_history", {"limit": limit})]


def process_alive(pid: int) -> bool:
    """Whether a process with this id runs on this host (one we may not signal counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True
