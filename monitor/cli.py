"""The `monitor` command: the one entry point for people."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from monitor import __version__
from monitor.errors import MonitorError

Handler = Callable[[argparse.Namespace], int]


def _config_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config", metavar="PATH",
        help="config file (default: $MONITOR_CONFIG, then ./monitor.toml)",
    )


def _command(
    sub: Any, name: str, handler: Handler, help_text: str, config: bool = True
) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(name, help=help_text, description=help_text)
    if config:
        _config_option(parser)
    parser.set_defaults(handler=handler)
    return parser


# --- core commands: init, run, serve, demo, migrate ---------------------------------------------


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


def _add_core_commands(sub: Any) -> None:
    init = _command(sub, "init", _cmd_init, "write a starter config and create the database")
    init.add_argument("--force", action="store_true", help="overwrite an existing config file")
    run = _command(sub, "run", _cmd_run, "run one polling cycle now, as a Prefect flow")
    run.add_argument("--now", action="store_true", help="poll every feed now, even if not due yet")
    run.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                     help="wait this long for a running cycle to finish instead of skipping")
    run.add_argument("--format", choices=["table", "json"], default="table")
    serve = _command(sub, "serve", _cmd_serve, "run the cycle on a schedule with Prefect (one process)")
    serve.add_argument("--interval-minutes", type=int, default=15, help="minutes between cycles")
    demo = _command(sub, "demo", _cmd_demo, "offline demo: fixture feeds on loopback, two cycles, one alert", False)
    demo.add_argument("--workdir", help="keep the demo database and config here (default: a temp dir)")
    _command(sub, "migrate", _cmd_migrate, "apply pending schema migrations and recreate the views")
    maint = _command(sub, "maintenance", _cmd_maintenance,
                     "prune old raw HTML, compact the database, print feed health")
    maint.add_argument("--retention-days", type=int, help="override [database] raw_html_retention_days")
    maint.add_argument("--format", choices=["table", "json"], default="table")
    articles = sub.add_parser("articles", help="the page queue: retry failed or parked pages")
    articles_sub = articles.add_subparsers(dest="articles_command", required=True, metavar="ACTION")
    retry = _command(articles_sub, "retry", _cmd_articles_retry,
                     "give failed or parked pages a fresh attempt budget on the next cycle")
    retry.add_argument("entry_ids", nargs="*", type=int, metavar="ENTRY_ID",
                       help="entries to requeue (default: every failed entry)")


def _cmd_init(args: argparse.Namespace) -> int:
    from monitor import db
    from monitor.settings import load_settings, resolve_config_path

    path = resolve_config_path(args.config)
    if path.exists() and not args.force:
        print(f"{path} exists; keeping it (use --force to overwrite)")
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(STARTER_CONFIG, encoding="utf-8")
        print(f"wrote {path}")
    settings = load_settings(path)
    from monitor import feeds, stories

    with db.open_db(settings.database) as con:
        now = db.utcnow()
        feed_count = feeds.sync_feeds(con, settings.feeds, settings.polling, now)
        stories.sync_tracked_stories(con, settings.stories, now)
    print(f"database {settings.database.path} ready (schema {db.migration_files()[-1][1].name}); "
          f"{feed_count} feed(s) and {len(settings.stories)} tracked story(ies) registered")
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    from flows.cycle import run_cycle
    from monitor.settings import load_settings, resolve_config_path

    load_settings(args.config)  # fail fast on a bad config, before Prefect starts
    summary = run_cycle(resolve_config_path(args.config), poll_all_now=args.now, lock_wait_seconds=args.wait)
    if args.format == "json":
        print_json(summary)
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


def _cmd_serve(args: argparse.Namespace) -> int:
    from flows.serve import serve_deployments
    from monitor.settings import load_settings, resolve_config_path

    load_settings(args.config)
    serve_deployments(str(resolve_config_path(args.config)), args.interval_minutes)
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from monitor.demo import run_demo

    result = run_demo(Path(args.workdir) if args.workdir else None)
    flagged = [row for row in result.claims if row[5] == "later" and row[1] == "new"]
    return 0 if flagged and result.messages else 1


def _cmd_maintenance(args: argparse.Namespace) -> int:
    from monitor import db, maintenance
    from monitor.settings import load_settings

    settings = load_settings(args.config)
    retention = settings.database.raw_html_retention_days if args.retention_days is None else args.retention_days
    with db.cycle_lock(settings.database.path, wait_s=60), db.open_db(settings.database) as con:
        database_file = settings.database.path if settings.database.backend == "duckdb" else None
        report = maintenance.run_maintenance(
            con, database_file, db.utcnow(), retention, linking=settings.linking
        )
    if args.format == "json":
        print_json(report.as_dict())
    else:
        print(report.report_markdown)
    return 0


def _cmd_articles_retry(args: argparse.Namespace) -> int:
    from monitor import articles, db
    from monitor.settings import load_settings

    settings = load_settings(args.config)
    with db.open_db(settings.database) as con:
        requeued = articles.requeue_failed_entries(con, args.entry_ids or None)
    print(f"requeued {len(requeued)} entr{'y' if len(requeued) == 1 else 'ies'}"
          + (": " + " ".join(map(str, requeued)) if requeued else ""))
    return 0


def _cmd_migrate(args: argparse.Namespace) -> int:
    from monitor import db
    from monitor.settings import load_settings

    settings = load_settings(args.config)
    with db.open_db(settings.database) as con:
        applied = db.migrate(con)
    print(f"applied {len(applied)} migration(s)" + (": " + ", ".join(applied) if applied else ""))
    return 0


# --- claims commands (issue 3) ------------------------------------------------------------------


def _add_claims_commands(sub: Any) -> None:
    parser = sub.add_parser("claims", help="judge claims: diff documents, show a story's ledger")
    claims = parser.add_subparsers(dest="claims_command", required=True, metavar="ACTION")
    diff = _command(
        claims, "diff", _cmd_claims_diff,
        "mark each sentence of LATER new, seen, changed or skipped against the EARLIER documents",
    )
    diff.add_argument("documents", nargs="+", metavar="DOC", help="EARLIER... LATER: .txt/.html paths or URLs")
    diff.add_argument("--format", choices=["table", "json"], default="table")
    diff.add_argument("--all", action="store_true", help="table: also list skipped sentences")
    ledger = _command(claims, "ledger", _cmd_claims_ledger, "list a story's distinct claims with corroboration")
    ledger.add_argument("story_id", type=int, help="stories.id")
    ledger.add_argument("--format", choices=["table", "json"], default="table")


def _claims_settings(args: argparse.Namespace) -> Any:
    from monitor.settings import Settings, load_settings, resolve_config_path

    if args.config or resolve_config_path(None).exists():
        return load_settings(args.config)
    return Settings()


def _cmd_claims_diff(args: argparse.Namespace) -> int:
    from monitor.articles import load_document as read_document
    from monitor.claims import diff_claims

    if len(args.documents) < 2:
        print("monitor: error: claims diff needs at least one EARLIER and one LATER document", file=sys.stderr)
        return 2
    settings = _claims_settings(args)
    texts = [read_document(source, settings) for source in args.documents]
    results = diff_claims(texts[:-1], texts[-1], settings.claims, labels=args.documents[:-1])
    if args.format == "json":
        print_json([r.to_dict() for r in results])
        return 0
    for result in results:
        if result.status == "skipped" and not args.all:
            continue
        detail = result.reason or "" if result.status == "skipped" else (
            f"{result.match.score:.2f}" if result.match else ""
        )
        if result.status == "changed" and result.change:
            detail = f"{detail} {result.change}"
        print(f"{result.status:8} {detail:16} {result.sentence}")
        if result.match is not None:
            print(f"{'':8} {'':16} <- {result.match.sentence}  [{result.match.document}]")
    counts = {s: sum(r.status == s for r in results) for s in ("new", "changed", "seen", "skipped")}
    print(", ".join(f"{n} {s}" for s, n in counts.items()))
    return 0


def _cmd_claims_ledger(args: argparse.Namespace) -> int:
    from monitor import db
    from monitor.settings import load_settings

    settings = load_settings(args.config)
    with db.open_db(settings.database, read_only=True) as con:
        rows = db.query(con, "claims_story_claims", {"story_id": args.story_id})
    keys = ("claim_id", "kind", "text", "changed_from_text", "first_outlet", "first_seen_at",
            "corroboration", "mentions", "first_url")
    if args.format == "json":
        print_json([dict(zip(keys, row)) for row in rows])
        return 0
    for row in rows:
        item = dict(zip(keys, row))
        print(f"#{item['claim_id']:<6} {item['kind']:8} x{item['corroboration']:<3} "
              f"{str(item['first_seen_at'])[:16]}  {item['first_outlet']}: {item['text']}")
        if item["changed_from_text"]:
            print(f"{'':29}was: {item['changed_from_text']}")
    print(f"{len(rows)} claims")
    return 0


# --- stories commands (issue 4) -----------------------------------------------------------------


def _add_stories_commands(sub: Any) -> None:
    cluster = _command(
        sub, "cluster", _cmd_cluster,
        "cluster articles from JSONL into stories with the pipeline's online linker",
    )
    cluster.add_argument("articles", help='JSONL lines {"id", "title", "text", "published"?}, in order')
    cluster.add_argument("--format", choices=["json"], default="json", help="one JSON line per article")
    stories = sub.add_parser("stories", help="list, merge or split stories", description="list, merge or split stories")
    _config_option(stories)
    stories.add_argument("--format", choices=["table", "json"], default="table")
    stories.set_defaults(handler=_cmd_stories_list)
    actions = stories.add_subparsers(dest="stories_command", metavar="ACTION")
    merge = _command(actions, "merge", _cmd_stories_merge, "merge story B into story A (history kept)")
    merge.add_argument("keep", type=int, metavar="A", help="story that stays")
    merge.add_argument("merge", type=int, metavar="B", help="story merged into A")
    split = _command(actions, "split", _cmd_stories_split, "move some articles of a story into a new story")
    split.add_argument("story", type=int, metavar="STORY")
    split.add_argument("--articles", type=int, nargs="+", required=True, metavar="ID", help="article ids to move")


def _read_cluster_docs(path: str) -> list[Any]:
    import datetime as dt

    from monitor.errors import ConfigError
    from monitor.stories import Doc

    docs = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise ConfigError(f"{path}: cannot read articles: {e}") from e
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            published = item.get("published")
            when = dt.datetime.fromisoformat(published) if published else None
        except (ValueError, TypeError) as e:
            raise ConfigError(f"{path}:{number}: not a JSON article with an ISO date: {e}") from e
        if when is not None and when.tzinfo is not None:
            when = when.astimezone(dt.UTC).replace(tzinfo=None)
        docs.append(Doc(id=item.get("id", number), title=item.get("title") or "", text=item.get("text") or "", published=when))
    return docs


def _cmd_cluster(args: argparse.Namespace) -> int:
    from monitor.settings import load_settings, resolve_config_path
    from monitor.stories import cluster_documents

    config_path = resolve_config_path(args.config)
    linking = load_settings(config_path).linking if config_path.exists() else None
    docs = _read_cluster_docs(args.articles)
    # Final assignments: a later split may move an earlier article, so lines are printed at the
    # end, and `new_story` marks the first article (in file order) of each final story.
    started: set[Any] = set()
    for doc, decision in zip(docs, cluster_documents(docs, linking), strict=True):
        new_story = decision.story_id not in started
        started.add(decision.story_id)
        line = {"id": doc.id, "story_id": decision.story_id, "new_story": new_story, "score": decision.score}
        sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
    return 0


def _cmd_stories_list(args: argparse.Namespace) -> int:
    from monitor.db import open_db
    from monitor.settings import load_settings
    from monitor.stories import list_stories

    settings = load_settings(args.config)
    with open_db(settings.database) as con:
        rows = list_stories(con)
    if args.format == "json":
        print_json(rows)
        return 0
    print(f"{'id':>6} {'articles':>8} {'tracked':>7} {'merged_into':>11}  last article         name")
    for row in rows:
        merged = "" if row["merged_into"] is None else str(row["merged_into"])
        last = "" if row["last_article_at"] is None else str(row["last_article_at"])[:19]
        tracked = "yes" if row["tracked"] else ""
        print(f"{row['id']:>6} {row['articles']:>8} {tracked:>7} {merged:>11}  {last:19}  {row['name'][:70]}")
    return 0


def _cmd_stories_merge(args: argparse.Namespace) -> int:
    from monitor.db import open_db, utcnow
    from monitor.settings import load_settings
    from monitor.stories import merge_stories

    settings = load_settings(args.config)
    with open_db(settings.database) as con:
        moved = merge_stories(con, args.keep, args.merge, utcnow())
    print(f"merged story {args.merge} into {args.keep}: {moved} article(s) moved")
    return 0


def _cmd_stories_split(args: argparse.Namespace) -> int:
    from monitor.db import open_db, utcnow
    from monitor.settings import load_settings
    from monitor.stories import split_story

    settings = load_settings(args.config)
    with open_db(settings.database) as con:
        new_id = split_story(con, args.story, args.articles, utcnow(), settings.linking)
    print(f"split {len(set(args.articles))} article(s) of story {args.story} into new story {new_id}")
    return 0


# --- feeds commands (issue 5) -------------------------------------------------------------------


def _add_feeds_commands(sub: Any) -> None:
    parser = _command(sub, "feeds", _cmd_feeds, "list feeds with their polling health (errors, parked, next check)")
    parser.add_argument("--format", choices=["table", "json"], default="table")
    actions = parser.add_subparsers(dest="feeds_command", metavar="ACTION")
    reset = actions.add_parser(
        "reset", help="un-park a feed, clear its errors and poll it on the next run",
        description="Un-park a feed, clear its errors and poll it on the next run.",
    )
    reset.add_argument("feed_id", metavar="ID", type=int, nargs="?",
                       help="feed id, as listed by `monitor feeds`")
    reset.add_argument("--all", action="store_true", help="un-park every parked feed")
    reset.add_argument("--config", metavar="PATH", default=argparse.SUPPRESS,
                       help="config file (default: $MONITOR_CONFIG, then ./monitor.toml)")
    reset.set_defaults(handler=_cmd_feeds_reset)
    check = actions.add_parser(
        "check", help="fetch or read one feed and show what polling would store (writes nothing)",
        description="Fetch a feed URL (through the network guard) or read a local file, parse it "
                    "as a poll would, and print its entries and counts. Writes nothing.",
    )
    check.add_argument("source", metavar="URL_OR_FILE", help="feed URL, or a saved feed file")
    check.add_argument("--base", metavar="URL",
                       help="URL to resolve a file's relative links against (default: the feed URL)")
    check.add_argument("--config", metavar="PATH", default=argparse.SUPPRESS,
                       help="config file for [fetch] settings (optional)")
    check.add_argument("--format", choices=["table", "json"], default=argparse.SUPPRESS)
    check.set_defaults(handler=_cmd_feeds_check)


def _cmd_feeds(args: argparse.Namespace) -> int:
    import dataclasses

    from monitor import db, feeds
    from monitor.settings import load_settings

    settings = load_settings(args.config)
    with db.open_db(settings.database) as con:
        rows = feeds.list_feeds(con)
    if args.format == "json":
        print_json([dataclasses.asdict(row) for row in rows])
        return 0
    if not rows:
        print("no feeds yet: add [[feeds]] to the config and run `monitor run`")
        return 0
    header = ["id", "url", "title", "last success", "errors", "last error", "parked", "next check"]
    table = [[
        str(row.id), row.url, row.title or row.name or "", _feeds_when(row.last_success_at),
        str(row.error_count), _feeds_clip(row.last_error or "", 60),
        "yes" if row.parked else ("inactive" if not row.active else "no"),
        "-" if row.parked or not row.active else _feeds_when(row.next_check_at),
    ] for row in rows]
    widths = [max(len(r[i]) for r in [header, *table]) for i in range(len(header))]
    for line in [header, *table]:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip())
    parked = sum(1 for row in rows if row.parked)
    if parked:
        print(f"\n{parked} parked feed(s) are not polled; fix the cause, then `monitor feeds reset ID`.")
    return 0


def _cmd_feeds_reset(args: argparse.Namespace) -> int:
    from monitor import db, feeds
    from monitor.settings import load_settings

    if (args.feed_id is None) == (not args.all):
        print("monitor: error: give a feed ID or --all (not both)", file=sys.stderr)
        return 1
    settings = load_settings(getattr(args, "config", None))
    with db.open_db(settings.database) as con:
        if args.all:
            ids = feeds.reset_parked_feeds(con, db.utcnow())
            print(f"un-parked {len(ids)} feed(s){': ' + ', '.join(map(str, ids)) if ids else ''}")
            return 0
        found = feeds.reset_feed(con, args.feed_id, db.utcnow())
    if not found:
        print(f"monitor: error: no feed with id {args.feed_id} (see `monitor feeds`)", file=sys.stderr)
        return 1
    print(f"feed {args.feed_id}: errors cleared, un-parked, due on the next run")
    return 0


def _cmd_feeds_check(args: argparse.Namespace) -> int:
    import dataclasses

    from monitor import feeds
    from monitor.http import fetch_url
    from monitor.settings import FetchSettings, load_settings, resolve_config_path

    config = getattr(args, "config", None)
    fetch = FetchSettings()
    if config or resolve_config_path(None).exists():
        fetch = load_settings(config).fetch
    if args.source.startswith(("http://", "https://")):
        response = fetch_url(args.source, fetch, max_bytes=fetch.max_feed_bytes,
                             accept=feeds.FEED_ACCEPT)
        body, base, headers = response.body, args.base or response.url, response.headers
    else:
        try:
            body = Path(args.source).read_bytes()
        except OSError as e:
            print(f"monitor: error: {args.source}: {e.strerror or e}", file=sys.stderr)
            return 1
        base, headers = args.base or Path(args.source).resolve().as_uri(), {}
    parsed = feeds.parse_feed(body, base, headers)
    if getattr(args, "format", "table") == "json":
        print_json({**dataclasses.asdict(parsed), "bad_entries": parsed.bad_entries})
        return 0
    print(f"title:    {parsed.title or '-'}\nsite:     {parsed.site_url or '-'}")
    print(f"ttl:      {parsed.ttl_minutes or '-'} min")
    print(f"entries:  {len(parsed.entries)} usable, {parsed.missing_links} without an http(s) "
          f"link, {parsed.duplicate_guids} duplicate GUIDs, {parsed.relative_links} relative "
          f"links resolved")
    if parsed.bozo:
        print(f"note:     malformed but usable: {parsed.bozo_message}")
    for entry in parsed.entries:
        print(f"  {_feeds_when(entry.published_at)}  {entry.url}  {_feeds_clip(entry.title or '', 60)}")
    return 0


def _feeds_when(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value is not None else "-"


def _feeds_clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


# --- alerts commands (issue 6) ------------------------------------------------------------------


def _add_alerts_commands(sub: Any) -> None:
    parser = _command(sub, "alerts", _cmd_alerts, "list recent and pending alert deliveries (the outbox)")
    parser.add_argument("--status", choices=["pending", "sending", "sent", "failed", "filtered", "unknown"],
                        help="only rows with this status")
    parser.add_argument("--channel", metavar="KEY", help="only rows of this channel key")
    parser.add_argument("--limit", type=int, default=50, metavar="N", help="at most N rows (default 50)")
    parser.add_argument("--format", choices=["table", "json"], default="table")
    actions = parser.add_subparsers(dest="alerts_command", metavar="ACTION")
    retry = actions.add_parser(
        "retry", help="make failed and held deliveries due now and deliver them",
        description="Make failed and held deliveries due now and deliver them (ignores quiet hours).",
    )
    retry.add_argument("--channel", metavar="KEY", default=argparse.SUPPRESS, help="only this channel key")
    retry.add_argument("--config", metavar="PATH", default=argparse.SUPPRESS,
                       help="config file (default: $MONITOR_CONFIG, then ./monitor.toml)")
    retry.add_argument("--format", choices=["table", "json"], default=argparse.SUPPRESS)
    retry.set_defaults(handler=_cmd_alerts_retry)
    listing = actions.add_parser(
        "channels", help="list configured channels: key, service, mode, format, size limit, filters",
        description="List configured channels (secrets are never shown) and why one cannot send.",
    )
    listing.add_argument("--config", metavar="PATH", default=argparse.SUPPRESS,
                         help="config file (default: $MONITOR_CONFIG, then ./monitor.toml)")
    listing.add_argument("--format", choices=["table", "json"], default=argparse.SUPPRESS)
    listing.set_defaults(handler=_cmd_alerts_channels)


def _cmd_alerts(args: argparse.Namespace) -> int:
    from monitor import alerts, db
    from monitor.settings import load_settings

    settings = load_settings(args.config)
    with db.open_db(settings.database) as con:
        rows = alerts.list_alerts(con, args.status, args.channel, args.limit)
    if args.format == "json":
        print_json(rows)
        return 0
    if not rows:
        print("no alert deliveries yet")
        return 0
    header = ["id", "status", "kind", "channel", "story", "claim", "tries", "when", "last error"]
    table = [[
        str(r["id"]), r["status"], r["kind"], r["channel"], _alerts_clip(r["story"] or "", 28),
        _alerts_clip(r["claim"] or "", 40), str(r["attempts"]),
        _alerts_when(r["sent_at"] or r["next_attempt_at"] or r["created_at"]),
        _alerts_clip(r["last_error"] or "", 50),
    ] for r in rows]
    widths = [max(len(r[i]) for r in [header, *table]) for i in range(len(header))]
    for line in [header, *table]:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip())
    return 0


def _cmd_alerts_retry(args: argparse.Namespace) -> int:
    from monitor import alerts, db
    from monitor.settings import load_settings

    settings = load_settings(getattr(args, "config", None))
    channel_key = getattr(args, "channel", None)
    channels = _alerts_channels(settings)
    if channel_key is not None:
        channels = [c for c in channels if c.key == channel_key]
        if not channels:
            print(f"monitor: error: no configured channel with key {channel_key!r}", file=sys.stderr)
            return 1
    now = db.utcnow()
    with db.open_db(settings.database) as con:
        made_due = alerts.make_due(con, channel_key)
        report = alerts.deliver_alerts(con, channels, now, respect_quiet_hours=False)
        digests = [c for c in channels if c.mode == "digest" and made_due.get(c.key)]
        if digests:
            report.merge(alerts.deliver_digest(con, digests, now, settings.alerts.digest_period_hours,
                                               force=True))
    if getattr(args, "format", "table") == "json":
        print_json({"made_due": made_due, **report.as_dict()})
    else:
        print(f"{sum(made_due.values())} deliveries made due; sent {report.sent_messages} message(s) "
              f"carrying {report.sent_alerts} alert(s); {report.pending} still pending")
        for key, error in report.errors.items():
            print(f"  {key}: failed: {error}")
    return 1 if report.failed_channels else 0


def _cmd_alerts_channels(args: argparse.Namespace) -> int:
    from monitor import alerts
    from monitor.settings import load_settings

    described = alerts.describe_channels(_alerts_channels(load_settings(getattr(args, "config", None))))
    if getattr(args, "format", "table") == "json":
        print_json(described)
        return 0
    if not described:
        print("no [[channels]] configured")
        return 0
    header = ["key", "service", "mode", "format", "max chars", "filters", "problem"]
    table = [[
        c["key"], c["service"], c["mode"], c["format"], str(c["max_chars"]),
        ", ".join(filter(None, [f"min {c['min_severity']}", "tracked only" if c["tracked_only"] else "",
                                ("stories: " + "; ".join(c["stories"])) if c["stories"] else ""])),
        c["error"] or "",
    ] for c in described]
    widths = [max(len(r[i]) for r in [header, *table]) for i in range(len(header))]
    for line in [header, *table]:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip())
    return 1 if any(c["error"] for c in described) else 0


def _alerts_channels(settings: Any) -> list[Any]:
    from monitor import alerts

    if any(c.block or alerts.secret_references(c) for c in settings.channels):
        from flows.alerting import channels_for  # Prefect blocks are read through the Prefect API

        return channels_for(settings)
    return alerts.build_channels(settings)


def _alerts_when(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value is not None else "-"


def _alerts_clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


# --- analyst commands: export, report (issue 9) -------------------------------------------------


def _add_analyst_commands(sub: Any) -> None:
    query = _command(sub, "query", _cmd_query, "run read-only SQL on the database and print the rows")
    query.add_argument("sql", metavar="SQL", help="the SQL to run; '-' reads it from standard input")
    query.add_argument("--format", choices=["table", "csv", "json"], default="table")
    query.add_argument("--max-width", type=int, default=60, metavar="CHARS",
                       help="cut table cells at this many characters (0: never)")
    _reader_options(query)
    search = _command(sub, "search", _cmd_search, "full-text search over claims and articles")
    search.add_argument("text", metavar="TEXT", help="words to look for (stemmed, BM25-ranked)")
    search.add_argument("--limit", type=int, default=10, help="at most this many hits of each kind")
    search.add_argument("--kind", choices=["all", "claim", "article"], default="all")
    search.add_argument("--reindex", action="store_true",
                        help="bring the index up to date first (opens the database for writing)")
    search.add_argument("--format", choices=["table", "json"], default="table")
    _reader_options(search)
    export = _command(sub, "export", _cmd_export, "write every analyst view as a Parquet file")
    export.add_argument("--parquet", required=True, metavar="DIR", help="folder for <view>.parquet files")
    export.add_argument("--view", action="append", metavar="NAME", help="export only this view (repeatable)")
    _reader_options(export)
    report = _command(sub, "report", _cmd_report, "write a story's timeline as one self-contained HTML page")
    report.add_argument("story", metavar="STORY", help="story id, or a unique part of its name")
    report.add_argument("--out", metavar="PATH", help="output file (default: ./story-<id>.html)")
    _reader_options(report)


def _reader_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="PATH", help="database file (default: [database] path of the config)")
    parser.add_argument("--snapshot", action="store_true",
                        help="read a private copy of the database, so a running cycle never blocks you")
    parser.add_argument("--wait", type=float, default=10.0, metavar="SECONDS",
                        help="how long to wait for a running cycle's write lock (default 10)")


def _analyst_db_path(args: argparse.Namespace) -> Path:
    if args.db:
        return Path(args.db)
    from monitor.settings import load_settings

    return load_settings(args.config).database.path


def _cmd_query(args: argparse.Namespace) -> int:
    from monitor import query

    sql = sys.stdin.read() if args.sql == "-" else args.sql
    with query.open_for_query(_analyst_db_path(args), args.wait, args.snapshot) as con:
        result = query.run_query(con, sql)
    if args.format == "csv":
        sys.stdout.write(query.format_csv(result))
    elif args.format == "json":
        print(query.format_json(result))
    else:
        print(query.format_table(result, args.max_width))
    return 0


def _cmd_search(args: argparse.Namespace) -> int:
    import dataclasses

    from monitor import db, query, search
    from monitor.errors import StoreError
    from monitor.settings import load_settings

    if not args.db and load_settings(args.config).database.backend == "ducklake":
        raise StoreError(search.NEEDS_DUCKDB)
    path = _analyst_db_path(args)
    if args.reindex:
        with db.open_db(path) as con:
            rebuilt = search.refresh_search_index(con)
        print(f"search index: rebuilt {', '.join(rebuilt)}" if rebuilt else "search index: up to date",
              file=sys.stderr)
    kinds = search.KINDS if args.kind == "all" else (args.kind,)
    with query.open_for_query(path, args.wait, args.snapshot) as con:
        behind = {k: v for k, v in search.index_lag(con).items() if v}
        hits = search.search(con, args.text, args.limit, kinds)
    if behind:
        print("note: the search index is behind (" + ", ".join(f"{k}: {v} new rows" for k, v in behind.items())
              + "); the next cycle or `monitor search --reindex` updates it", file=sys.stderr)
    if args.format == "json":
        print_json([dataclasses.asdict(hit) for hit in hits])
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
            print(f"  [{hit.score:.2f}] {kind} {hit.id} · story {hit.story_id} · {hit.outlet} · {hit.seen_at:%Y-%m-%d %H:%M}")
            if kind == "article" and hit.title:
                print(f"         {hit.title}")
            print(f"         {hit.snippet}")
            if hit.url:
                print(f"         {hit.url}")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from monitor import export, query

    with query.open_for_query(_analyst_db_path(args), args.wait, args.snapshot) as con:
        paths = export.export_parquet(con, args.parquet, args.view)
    for path in paths:
        print(path)
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from monitor import query, report

    with query.open_for_query(_analyst_db_path(args), args.wait, args.snapshot) as con:
        path = report.write_story_report(con, args.story, args.out)
    print(f"wrote {path}")
    return 0


# --- eval commands: `monitor eval claims|stories|extraction` -----------------------------------


def _add_eval_commands(sub: Any) -> None:
    parser = sub.add_parser("eval", help="score claim detection, story linking or extraction")
    evals = parser.add_subparsers(dest="eval_command", required=True, metavar="TASK")
    claims = _command(evals, "claims", _cmd_eval_claims, "score claim novelty on MRPC-format pairs", False)
    claims.add_argument("--pairs", required=True, help="TSV in MRPC format (Quality, #1 ID, #2 ID, #1 String, #2 String)")
    claims.add_argument("--folds", type=int, default=0, help="also report k-fold cross-validation")
    claims.add_argument("--format", choices=["table", "json"], default="table")
    stories = _command(evals, "stories", _cmd_eval_stories, "score online story linking on ECB+-style JSONL", False)
    stories.add_argument("docs", help="JSONL with doc_id, subtopic, title, text")
    stories.add_argument("--shuffles", type=int, default=5, help="shuffled orders to average over")
    stories.add_argument("--baseline", action="store_true",
                         help="also score batch TF-IDF + k-means told the true number of clusters (the issue's anchor)")
    stories.add_argument("--format", choices=["table", "json"], default="table")
    extraction = _command(evals, "extraction", _cmd_eval_extraction, "score page extraction on trafilatura's benchmark", False)
    extraction.add_argument("dataset", help="folder with evaldata.json and html/")
    extraction.add_argument("--limit", type=int, default=0, help="score only the first N pages")
    extraction.add_argument("--format", choices=["table", "json"], default="table")


def _cmd_eval_claims(args: argparse.Namespace) -> int:
    from monitor.evals import claims

    return claims.main(args)


def _cmd_eval_stories(args: argparse.Namespace) -> int:
    from monitor.evals import stories

    return stories.main(args)


def _cmd_eval_extraction(args: argparse.Namespace) -> int:
    from monitor.evals import extraction

    return extraction.main(args)


# --- wiring -------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every command."""
    parser = argparse.ArgumentParser(
        prog="monitor",
        description="Watch news feeds for developing stories and flag the new claims.",
    )
    parser.add_argument("--version", action="version", version=f"story-monitor {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_core_commands(sub)
    _add_claims_commands(sub)
    _add_stories_commands(sub)
    _add_feeds_commands(sub)
    _add_alerts_commands(sub)
    _add_analyst_commands(sub)
    _add_eval_commands(sub)
    return parser


def print_json(value: Any) -> None:
    """Write a value as indented JSON to stdout."""
    json.dump(value, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")


# Prefect reads these at import; they are defaults a user's own environment overrides.
PREFECT_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    # The ephemeral API server can take longer than Prefect's 20 s default on a busy 2-core machine.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = build_parser().parse_args(argv)
    for name, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(name, value)
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "DEBUG" if args.verbose else "WARNING")
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        return int(args.handler(args))
    except MonitorError as e:
        print(f"monitor: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())


__all__ = ["main", "build_parser", "print_json", "Path"]
