"""Core commands: init, run, serve, demo, migrate, maintenance, articles retry."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from monitor import cycle_report, db, feeds, maintenance, stories
from monitor.cli import common
from monitor.cli.progress import PROGRESS_ENV, print_progress, show_run_logs
from monitor.demo import run_demo
from monitor.settings import resolve_config_path

STARTER_CONFIG = """# story-monitor configuration. Every key is documented in the README ("Configuration").
[database]
path = "data/monitor.duckdb"

[fetch]
allow_private_networks = false   # loopback/private addresses are refused unless true

[[feeds]]
url = "https://example.org/world.rss"
interval_minutes = 15

[[stories]]
name = "US review of Israeli strikes in Syria"
keywords = ["Israel", "Syria", "airstrikes", "al-Tanf"]

# [[channels]]
# url = "${SLACK_WEBHOOK_URL}"   # any Apprise URL: slack://, discord://, mailto://, json://...
"""


def add_init(parser: argparse.ArgumentParser) -> None:
    """Options of `monitor init`."""
    common.add_config(parser)
    parser.add_argument("--force", action="store_true", help="overwrite an existing config file")
    parser.set_defaults(handler=cmd_init)


def add_run(parser: argparse.ArgumentParser) -> None:
    """Options of `monitor run`."""
    common.add_config(parser)
    parser.add_argument(
        "--now", action="store_true", help="poll every feed now, even if not due yet"
    )
    parser.add_argument(
        "--wait",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="wait this long for a running cycle to finish instead of skipping",
    )
    common.add_format(parser)
    parser.set_defaults(handler=cmd_run)


def add_serve(parser: argparse.ArgumentParser) -> None:
    """Options of `monitor serve`."""
    common.add_config(parser)
    parser.add_argument("--interval-minutes", type=int, default=15, help="minutes between cycles")
    parser.set_defaults(handler=cmd_serve)


def add_demo(parser: argparse.ArgumentParser) -> None:
    """Options of `monitor demo`."""
    parser.add_argument(
        "--workdir", help="keep the demo database and config here (default: a temp dir)"
    )
    parser.set_defaults(handler=cmd_demo)


def add_migrate(parser: argparse.ArgumentParser) -> None:
    """Options of `monitor migrate`."""
    common.add_config(parser)
    parser.set_defaults(handler=cmd_migrate)


def add_maintenance(parser: argparse.ArgumentParser) -> None:
    """Options of `monitor maintenance`."""
    common.add_config(parser)
    parser.add_argument(
        "--retention-days", type=int, help="override [database] raw_html_retention_days"
    )
    common.add_format(parser)
    parser.set_defaults(handler=cmd_maintenance)


def add_articles(parser: argparse.ArgumentParser) -> None:
    """Actions of `monitor articles`."""
    actions = parser.add_subparsers(dest="articles_command", required=True, metavar="ACTION")
    retry = common.add_command(
        actions,
        "retry",
        cmd_articles_retry,
        "give failed or parked pages a fresh attempt budget on the next cycle",
    )
    retry.add_argument(
        "entry_ids",
        nargs="*",
        type=int,
        metavar="ENTRY_ID",
        help="entries to requeue (default: every failed entry)",
    )


def cmd_init(args: argparse.Namespace) -> int:
    """Write a starter config unless one exists, create the database, say what to do next."""
    path = resolve_config_path(args.config)
    written = not path.exists() or args.force
    if written:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(STARTER_CONFIG, encoding="utf-8")
        print(f"wrote {path}: a starter config with one example feed and one tracked story")
    else:
        print(f"{path} exists; keeping it (--force overwrites it with the starter config)")
    settings = common.settings(args)
    with db.open_db(settings.database) as con:
        now = db.utcnow()
        feed_count = feeds.sync_feeds(con, settings.feeds, settings.polling, now)
        stories.sync_tracked_stories(con, settings.stories, now)
    print(
        f"database {settings.database.path} ready: {feed_count} feed(s) and "
        f"{len(settings.stories)} tracked story(ies) registered"
    )
    if written:
        print(
            f"\nnext step: put your feeds under [[feeds]] and your stories under [[stories]] in "
            f"{path}, then run `monitor run`"
        )
    else:
        print("\nnext step: `monitor run` polls the feeds once; `monitor feeds` shows their health")
    return 0


# Exit codes of `monitor run` (docs/cli.md): 0 also covers a partial failure, shown in the summary.
EXIT_SKIPPED = 3  # another cycle held the lock
EXIT_ALL_FEEDS_FAILED = 4
EXIT_ALL_CHANNELS_FAILED = 5


def cmd_run(args: argparse.Namespace) -> int:
    """One cycle as a Prefect flow, with progress lines; see run_exit_code for the exit status."""
    common.settings(args)  # fail fast on a bad config, before Prefect starts
    out = sys.stderr if common.wants_json(args) else sys.stdout
    print("starting Prefect…", file=out, flush=True)
    print_progress(out)
    # Prefect takes seconds to import: only `run` and `serve` pay for it.
    from flows.cycle import run_cycle

    if args.verbose == 1:
        show_run_logs()
    summary = run_cycle(
        resolve_config_path(args.config), poll_all_now=args.now, lock_wait_seconds=args.wait
    )
    if common.wants_json(args):
        common.print_json(summary)
    return run_exit_code(summary)


def run_exit_code(summary: dict[str, Any]) -> int:
    """0 for a completed cycle (partial failures included), 3 skipped, 4 or 5 failed as a whole."""
    if summary.get("skipped"):
        return EXIT_SKIPPED
    failure = cycle_report.cycle_failure(summary)
    if failure == cycle_report.ALL_FEEDS_FAILED:
        return EXIT_ALL_FEEDS_FAILED
    if failure == cycle_report.ALL_CHANNELS_FAILED:
        return EXIT_ALL_CHANNELS_FAILED
    return 0


def format_cycle_summary(summary: dict[str, Any]) -> str:
    """The cycle's stage lines and closing summary as text, without the database's names."""
    stages = [
        cycle_report.stage_line(stage, summary.get(stage) or {}, seconds)
        for stage, seconds in (summary.get("stage_seconds") or {}).items()
    ]
    return "\n".join([*stages, *cycle_report.describe_cycle(None, summary)])


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the deployments until interrupted."""
    common.settings(args)
    print("starting Prefect…", flush=True)
    # The flow runs happen in processes the runner starts; this asks them to print their progress.
    os.environ[PROGRESS_ENV] = "1"
    from flows.serve import serve_deployments  # Prefect: see cmd_run

    serve_deployments(str(resolve_config_path(args.config)), args.interval_minutes)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """The offline demo; exit 1 unless the later article's new claim was flagged and alerted."""
    result = run_demo(Path(args.workdir) if args.workdir else None)
    flagged = [row for row in result.claims if row[5] == "later" and row[1] == "new"]
    return 0 if flagged and result.messages else 1


def cmd_migrate(args: argparse.Namespace) -> int:
    """Apply pending migrations."""
    settings = common.settings(args)
    with db.open_db(settings.database) as con:
        applied = db.migrate(con)
    print(f"applied {len(applied)} migration(s)" + (": " + ", ".join(applied) if applied else ""))
    return 0


def cmd_maintenance(args: argparse.Namespace) -> int:
    """Prune, compact and report, holding the cycle lock."""
    settings = common.settings(args)
    retention = (
        settings.database.raw_html_retention_days
        if args.retention_days is None
        else args.retention_days
    )
    with db.cycle_lock(settings.database.path, wait_s=60), db.open_db(settings.database) as con:
        database_file = settings.database.path if settings.database.backend == "duckdb" else None
        report = maintenance.run_maintenance(
            con, database_file, db.utcnow(), retention, linking=settings.linking
        )
    if common.wants_json(args):
        common.print_json(report.as_dict())
    else:
        print(report.report_markdown)
    return 0


def cmd_articles_retry(args: argparse.Namespace) -> int:
    """Requeue failed or parked pages."""
    # monitor.articles loads trafilatura (about half a second): only this command needs it.
    from monitor import articles

    settings = common.settings(args)
    with db.open_db(settings.database) as con:
        requeued = articles.requeue_failed_entries(con, args.entry_ids or None)
    print(
        f"requeued {len(requeued)} entr{'y' if len(requeued) == 1 else 'ies'}"
        + (": " + " ".join(map(str, requeued)) if requeued else "")
    )
    return 0


COMMANDS: dict[str, Callable[[argparse.ArgumentParser], None]] = {
    "init": add_init,
    "run": add_run,
    "serve": add_serve,
    "demo": add_demo,
    "migrate": add_migrate,
    "maintenance": add_maintenance,
    "articles": add_articles,
}
