"""Feed commands: `monitor feeds` (health), `feeds reset` and `feeds check`."""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Callable
from pathlib import Path

from monitor import db, feeds, query
from monitor.cli import common
from monitor.http import fetch_url


def add_feeds(parser: argparse.ArgumentParser) -> None:
    """Options and actions of `monitor feeds`."""
    common.add_config(parser)
    common.add_format(parser)
    parser.set_defaults(handler=cmd_list)
    actions = parser.add_subparsers(dest="feeds_command", metavar="ACTION")
    reset = common.add_command(
        actions,
        "reset",
        cmd_reset,
        "un-park a feed, clear its errors and poll it on the next run",
        description="Un-park a feed, clear its errors and poll it on the next run.",
        config=False,
    )
    reset.add_argument(
        "feed_id", metavar="ID", type=int, nargs="?", help="feed id, as listed by `monitor feeds`"
    )
    reset.add_argument("--all", action="store_true", help="un-park every parked feed")
    common.add_config(reset, inherited=True)
    check = common.add_command(
        actions,
        "check",
        cmd_check,
        "fetch or read one feed and show what polling would store (writes nothing)",
        description="Fetch a feed URL (through the network guard) or read a local file, parse it "
        "as a poll would, and print its entries and counts. Writes nothing.",
        config=False,
    )
    check.add_argument("source", metavar="URL_OR_FILE", help="feed URL, or a saved feed file")
    check.add_argument(
        "--base",
        metavar="URL",
        help="URL to resolve a file's relative links against (default: the feed URL)",
    )
    common.add_config(
        check, inherited=True, help_text="config file for [fetch] settings (optional)"
    )
    common.add_format(check, inherited=True)


def cmd_list(args: argparse.Namespace) -> int:
    """Every feed with its polling health; before the first run, the configured feeds."""
    settings = common.settings(args)
    rows: list[feeds.FeedHealth] = []
    database = settings.database
    if database.backend == "ducklake":
        with db.open_db(database, read_only=True) as con:
            rows = feeds.list_feeds(con)
    elif database.path.exists():  # a listing never creates the database
        with query.open_for_query(database.path) as con:
            rows = feeds.list_feeds(con)
    known = {row.url for row in rows}
    unpolled = [feed for feed in settings.feeds if feed.url not in known]
    if common.wants_json(args):
        common.print_json(
            [dataclasses.asdict(row) for row in rows]
            + [{"id": None, "url": f.url, "name": f.name, "registered": False} for f in unpolled]
        )
        return 0
    if not rows and not unpolled:
        print("no feeds configured: add a [[feeds]] entry with a url to the config")
        return 0
    header = ["id", "url", "title", "last success", "errors", "last error", "parked", "next check"]
    common.print_table(
        header,
        [
            [
                str(row.id),
                row.url,
                row.title or row.name or "",
                common.when(row.last_success_at),
                str(row.error_count),
                common.clip(row.last_error or "", 60),
                "yes" if row.parked else ("inactive" if not row.active else "no"),
                "-" if row.parked or not row.active else common.when(row.next_check_at),
            ]
            for row in rows
        ]
        + [["-", f.url, f.name or "", "never", "0", "", "no", "next run"] for f in unpolled],
    )
    if unpolled:
        print(
            f"\n{len(unpolled)} configured feed(s) not polled yet: `monitor run` polls them "
            "and registers them in the database."
        )
    parked = sum(1 for row in rows if row.parked)
    if parked:
        print(
            f"\n{parked} parked feed(s) are not polled; fix the cause, then "
            "`monitor feeds reset ID`."
        )
    return 0


def cmd_reset(args: argparse.Namespace) -> int:
    """Un-park one feed, or every parked feed."""
    if (args.feed_id is None) == (not args.all):
        common.print_error("give a feed ID or --all (not both)")
        return 1
    settings = common.settings(args)
    with db.open_db(settings.database) as con:
        if args.all:
            ids = feeds.reset_parked_feeds(con, db.utcnow())
            print(f"un-parked {len(ids)} feed(s){': ' + ', '.join(map(str, ids)) if ids else ''}")
            return 0
        found = feeds.reset_feed(con, args.feed_id, db.utcnow())
    if not found:
        common.print_error(f"no feed with id {args.feed_id} (see `monitor feeds`)")
        return 1
    print(f"feed {args.feed_id}: errors cleared, un-parked, due on the next run")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """Parse one feed as a poll would and print what it found."""
    fetch = common.optional_settings(args).fetch
    if args.source.startswith(("http://", "https://")):
        response = fetch_url(
            args.source, fetch, max_bytes=fetch.max_feed_bytes, accept=feeds.FEED_ACCEPT
        )
        body, base, headers = response.body, args.base or response.url, response.headers
    else:
        try:
            body = Path(args.source).read_bytes()
        except OSError as e:
            common.print_error(f"{args.source}: {e.strerror or e}")
            return 1
        base, headers = args.base or Path(args.source).resolve().as_uri(), {}
    parsed = feeds.parse_feed(body, base, headers)
    if common.wants_json(args):
        common.print_json({**dataclasses.asdict(parsed), "bad_entries": parsed.bad_entries})
        return 0
    print(f"title:    {parsed.title or '-'}\nsite:     {parsed.site_url or '-'}")
    print(f"ttl:      {parsed.ttl_minutes or '-'} min")
    print(
        f"entries:  {len(parsed.entries)} usable, {parsed.missing_links} without an http(s) "
        f"link, {parsed.duplicate_guids} duplicate GUIDs, {parsed.relative_links} relative "
        f"links resolved"
    )
    if parsed.bozo:
        print(f"note:     malformed but usable: {parsed.bozo_message}")
    for entry in parsed.entries:
        print(
            f"  {common.when(entry.published_at)}  {entry.url}  {common.clip(entry.title or '', 60)}"
        )
    return 0


COMMANDS: dict[str, Callable[[argparse.ArgumentParser], None]] = {"feeds": add_feeds}
