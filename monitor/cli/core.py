"""Core commands: init, run, serve, demo, migrate, maintenance, articles retry."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from monitor import db, feeds, maintenance, stories
from monitor.cli import common
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
    """Write a starter config unless one exists, then create the database and register it."""
    path = resolve_config_path(args.config)
    if path.exists() and not args.force:
        print(f"{path} exists; keeping it (use --force to overwrite)")
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(STARTER_CONFIG, encoding="utf-8")
        print(f"wrote {path}")
    settings = common.settings(args)
    with db.open_db(settings.database) as con:
        now = db.utcnow()
        feed_count = feeds.sync_feeds(con, settings.feeds, settings.polling, now)
        stories.sync_tracked_stories(con, settings.stories, now)
    print(
        f"database {settings.database.path} ready (schema {db.migration_files()[-1][1].name}); "
        f"{feed_count} feed(s) and {len(settings.stories)} tracked story(ies) registered"
    )
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    """One cycle as a Prefect flow; exit 3 when another cycle held the lock."""
    common.settings(args)  # fail fast on a bad config, before Prefect starts
    # Prefect takes seconds to import: only `run` and `serve` pay for it.
    from flows.cycle import run_cycle

    summary = run_cycle(
        resolve_config_path(args.config), poll_all_now=args.now, lock_wait_seconds=args.wait
    )
    if common.wants_json(args):
        common.print_json(summary)
    else:
        print(format_cycle_summary(summary))
    return 3 if summary.get("skipped") else 0


def format_cycle_summary(summary: dict[str, Any]) -> str:
    """Readable lines for a cycle summary."""
    if summary.get("skipped"):
        return f"cycle skipped: {summary['skipped']}"
    lines = [f"cycle {summary.get('run_id')} completed"]
    for stage in ("feeds", "articles", "stories", "claims", "alerts"):
        counts = {k: v for k, v in (summary.get(stage) or {}).items() if not isinstance(v, list)}
        seconds = summary.get("stage_seconds", {}).get(stage, 0.0)
        text = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in counts.items()) or "nothing to do"
        lines.append(f"  {stage:<9} {seconds:6.2f}s  {text}")
    return "\n".join(lines)


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the deployments until interrupted."""
    common.settings(args)
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
