"""Operations commands: `monitor runs` (the run history) and `monitor deploy` (prefect.yaml)."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Callable
from pathlib import Path

from monitor import db, query, runs
from monitor.cli import common
from monitor.cli.analyst import add_reader_options


def add_runs(parser: argparse.ArgumentParser) -> None:
    """Options of `monitor runs`."""
    common.add_config(parser)
    parser.add_argument("--limit", type=int, default=20, help="newest N runs (default 20)")
    common.add_format(parser)
    add_reader_options(parser)
    parser.set_defaults(handler=cmd_runs)


def add_deploy(parser: argparse.ArgumentParser) -> None:
    """Options of `monitor deploy`."""
    common.add_config(parser)
    parser.add_argument(
        "--interval-minutes", type=int, default=15, help="minutes between cycles (default 15)"
    )
    parser.add_argument(
        "--out", metavar="PATH", help="write the YAML here (default: standard output)"
    )
    parser.set_defaults(handler=cmd_deploy)


def cmd_runs(args: argparse.Namespace) -> int:
    """The newest runs with their status, crashed ones included."""
    if args.limit < 1:
        common.print_error(f"--limit {args.limit}: give a number of runs of 1 or more")
        return 2
    settings = None if args.db else common.settings(args)
    if settings is not None and settings.database.backend == "ducklake":
        with db.open_db(settings.database, read_only=True) as con:
            history = runs.run_history(con, args.limit)
    else:
        path = Path(args.db) if args.db else settings.database.path  # type: ignore[union-attr]
        with query.open_for_query(path, args.wait, args.snapshot) as con:
            history = runs.run_history(con, args.limit)
    if common.wants_json(args):
        common.print_json([dataclasses.asdict(run) for run in history])
        return 0
    if not history:
        print("no runs yet: `monitor run` starts the first")
        return 0
    common.print_table(
        ["run", "status", "started", "finished", "seconds", "crashed found", "pid", "host"],
        [
            [
                str(run.run_id),
                run.status,
                common.when(run.started_at),
                common.when(run.finished_at),
                "-" if run.seconds is None else f"{run.seconds:.1f}",
                common.when(run.crashed_found_at),
                "-" if run.pid is None else str(run.pid),
                run.host or "-",
            ]
            for run in history
        ],
    )
    return 0


def cmd_deploy(args: argparse.Namespace) -> int:
    """Render deploy/prefect.yaml for the config."""
    settings = common.optional_settings(args)
    from flows.deployments import render_prefect_yaml  # Prefect: only this command pays for it

    text = render_prefect_yaml(settings, args.interval_minutes)
    if args.out is None:
        sys.stdout.write(text)
        return 0
    out = Path(args.out)
    common.require_parent_folder(out, "--out")
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}", file=sys.stderr)
    return 0


COMMANDS: dict[str, Callable[[argparse.ArgumentParser], None]] = {
    "runs": add_runs,
    "deploy": add_deploy,
}
