"""Analyst commands: `monitor query`, `search`, `export` and `report`, all read-only."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Callable
from pathlib import Path

from monitor import db, export, query, report, search
from monitor.cli import common
from monitor.errors import StoreError


def add_query(parser: argparse.ArgumentParser) -> None:
    """Options of `monitor query`."""
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.description = (
        "Run one read-only SQL statement on the database and print the rows. The query cannot "
        "write: files, ATTACH, INSTALL and LOAD are refused (`monitor export` writes Parquet)."
    )
    parser.epilog = 'views (columns: `monitor query "DESCRIBE <view>"`):\n' + "\n".join(
        f"  {name:<16} {common.clip(comment, 60)}" for name, comment in query.view_summaries()
    )
    common.add_config(parser)
    parser.add_argument(
        "sql", metavar="SQL", help="one SQL statement; '-' reads it from standard input"
    )
    common.add_format(parser, ("table", "csv", "json"))
    parser.add_argument(
        "--max-width",
        type=int,
        default=60,
        metavar="CHARS",
        help="cut table cells at this many characters (0: never)",
    )
    add_reader_options(parser)
    parser.set_defaults(handler=cmd_query)


def add_search(parser: argparse.ArgumentParser) -> None:
    """Options of `monitor search`."""
    common.add_config(parser)
    parser.add_argument("text", metavar="TEXT", help="words to look for (stemmed, BM25-ranked)")
    parser.add_argument("--limit", type=int, default=10, help="at most this many hits of each kind")
    parser.add_argument("--kind", choices=["all", "claim", "article"], default="all")
    parser.add_argument(
        "--reindex",
        action="store_true",
        help="bring the index up to date first (opens the database for writing)",
    )
    common.add_format(parser)
    add_reader_options(parser)
    parser.set_defaults(handler=cmd_search)


def add_export(parser: argparse.ArgumentParser) -> None:
    """Options of `monitor export`."""
    common.add_config(parser)
    parser.add_argument(
        "--parquet", required=True, metavar="DIR", help="folder for <view>.parquet files"
    )
    parser.add_argument(
        "--view", action="append", metavar="NAME", help="export only this view (repeatable)"
    )
    add_reader_options(parser)
    parser.set_defaults(handler=cmd_export)


def add_report(parser: argparse.ArgumentParser) -> None:
    """Options of `monitor report`."""
    common.add_config(parser)
    parser.add_argument("story", metavar="STORY", help="story id, or a unique part of its name")
    parser.add_argument("--out", metavar="PATH", help="output file (default: ./story-<id>.html)")
    add_reader_options(parser)
    parser.set_defaults(handler=cmd_report)


def add_site(parser: argparse.ArgumentParser) -> None:
    """Options of `monitor site`."""
    common.add_config(parser)
    parser.add_argument(
        "--out", metavar="DIR", help="folder for the site (default: [site] dir of the config)"
    )
    add_reader_options(parser)
    parser.set_defaults(handler=cmd_site)


def add_reader_options(parser: argparse.ArgumentParser) -> None:
    """--db, --snapshot and --wait: how a reader opens the database beside a running cycle."""
    parser.add_argument(
        "--db", metavar="PATH", help="database file (default: [database] path of the config)"
    )
    parser.add_argument(
        "--snapshot",
        action="store_true",
        help="always read a private copy of the database",
    )
    parser.add_argument(
        "--wait",
        type=float,
        default=None,
        metavar="SECONDS",
        help="wait up to SECONDS for a running cycle and read the live file (default: read the "
        "live file if no cycle is writing it, else at once a copy of its last committed state)",
    )


def database_path(args: argparse.Namespace) -> Path:
    """--db, else the [database] path of the config."""
    return Path(args.db) if args.db else common.settings(args).database.path


def cmd_query(args: argparse.Namespace) -> int:
    """Run read-only SQL and print the rows."""
    sql = sys.stdin.read() if args.sql == "-" else args.sql
    with query.open_for_query(database_path(args), args.wait, args.snapshot) as con:
        result = query.run_query(con, sql)
    if args.format == "csv":
        sys.stdout.write(query.format_csv(result))
    elif args.format == "json":
        print(query.format_json(result))
    else:
        print(query.format_table(result, args.max_width))
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    """Full-text search; exit 1 when nothing matched."""
    if args.db:
        path = Path(args.db)
    else:
        settings = common.settings(args)
        if settings.database.backend == "ducklake":
            raise StoreError(search.NEEDS_DUCKDB)
        path = settings.database.path
    if args.reindex:
        with db.open_db(path) as con:
            rebuilt = search.refresh_search_index(con)
        print(
            f"search index: rebuilt {', '.join(rebuilt)}"
            if rebuilt
            else "search index: up to date",
            file=sys.stderr,
        )
    kinds = search.KINDS if args.kind == "all" else (args.kind,)
    with query.open_for_query(path, args.wait, args.snapshot) as con:
        behind = {k: v for k, v in search.index_lag(con).items() if v}
        hits = search.search(con, args.text, args.limit, kinds)
    if behind:
        lag = ", ".join(f"{k}: {v} new rows" for k, v in behind.items())
        print(
            f"note: the search index is behind ({lag}); the next cycle or "
            "`monitor search --reindex` updates it",
            file=sys.stderr,
        )
    if common.wants_json(args):
        common.print_json([dataclasses.asdict(hit) for hit in hits])
        return 0
    if not hits:
        print("no matches")
        return 1
    for kind in kinds:
        group = [hit for hit in hits if hit.kind == kind]
        if not group:
            continue
        print(f"{kind}s ({len(group)})")
        for hit in group:
            print(
                f"  [{hit.score:.2f}] {kind} {hit.id} · story {hit.story_id} · {hit.outlet} · "
                f"{hit.seen_at:%Y-%m-%d %H:%M}"
            )
            if kind == "article" and hit.title:
                print(f"         {hit.title}")
            print(f"         {hit.snippet}")
            if hit.url:
                print(f"         {hit.url}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Write the analyst views as Parquet files and print their paths."""
    with query.open_for_query(database_path(args), args.wait, args.snapshot) as con:
        paths = export.export_parquet(con, args.parquet, args.view)
    for path in paths:
        print(path)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Write one story's HTML report."""
    with query.open_for_query(database_path(args), args.wait, args.snapshot) as con:
        path = report.write_story_report(con, args.story, args.out)
    print(f"wrote {path}")
    return 0


def cmd_site(args: argparse.Namespace) -> int:
    """Build the static story site and say what was written."""
    from monitor import site

    summary = site.build_from_config(
        args.out, config=args.config, db_path=args.db, wait_s=args.wait, snapshot=args.snapshot
    )
    print(summary.describe())
    return 0


COMMANDS: dict[str, Callable[[argparse.ArgumentParser], None]] = {
    "site": add_site,
    "query": add_query,
    "search": add_search,
    "export": add_export,
    "report": add_report,
}
