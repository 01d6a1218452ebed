"""Weekly upkeep of the store: prune old raw HTML, compact the database, report feed health."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from pathlib import Path
from typing import Any

import duckdb

from monitor import db
from monitor.settings import LinkingSettings
from monitor.stories import TermDfCompaction, compact_term_df

LOGGER = logging.getLogger(__name__)
# Feeds that are "ok" but delivered no entry for this long are listed as quiet in the report.
QUIET_FEED_DAYS = 7
# DuckLake keeps old snapshots for time travel; maintenance expires those older than this.
DUCKLAKE_SNAPSHOT_RETENTION_DAYS = 7


@dataclasses.dataclass
class PruneReport:
    """How much raw HTML was dropped, and the cut-off used."""

    cutoff: dt.datetime
    versions: int
    chars: int


@dataclasses.dataclass
class CompactReport:
    """What compaction did; file sizes are for a DuckDB file and None on DuckLake."""

    backend: str
    bytes_before: int | None
    bytes_after: int | None
    files_removed: int = 0


@dataclasses.dataclass
class FeedHealthRow:
    """One feed's line in the health report."""

    feed_id: int
    feed: str
    health: str
    error_count: int
    last_error: str | None
    last_status: int | None
    last_success_at: dt.datetime | None
    last_checked_at: dt.datetime | None
    entries: int
    stored: int
    failed: int
    last_entry_at: dt.datetime | None
    url: str


@dataclasses.dataclass
class MaintenanceReport:
    """Everything one maintenance run did."""

    prune: PruneReport
    compact: CompactReport
    feeds: list[FeedHealthRow]
    report_markdown: str
    term_df: TermDfCompaction | None = None

    def as_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["feeds"] = {
            h: sum(1 for f in self.feeds if f.health == h)
            for h in sorted({f.health for f in self.feeds})
        }
        return data


def prune_raw_html(
    con: duckdb.DuckDBPyConnection, now: dt.datetime, retention_days: int
) -> PruneReport:
    """Set raw_html to NULL on versions fetched more than retention_days ago."""
    cutoff = now - dt.timedelta(days=retention_days)
    with db.transaction(con):
        versions, chars = db.query(con, "maintenance_prunable_raw_html", [cutoff])[0]
        if versions:
            db.execute(con, "maintenance_prune_raw_html", [cutoff])
    LOGGER.info(
        "pruned raw HTML of %s versions (%s chars) fetched before %s", versions, chars, cutoff
    )
    return PruneReport(cutoff=cutoff, versions=int(versions), chars=int(chars))


def compact_database(
    con: duckdb.DuckDBPyConnection, database_file: str | Path | None, now: dt.datetime
) -> CompactReport:
    """CHECKPOINT and VACUUM a DuckDB file; on DuckLake merge files and drop expired snapshots."""
    if db.is_ducklake(con):
        catalog = db.DUCKLAKE_ALIAS
        cutoff = now - dt.timedelta(days=DUCKLAKE_SNAPSHOT_RETENTION_DAYS)
        db.query(con, "maintenance_ducklake_merge_files", [catalog])
        db.query(con, "maintenance_ducklake_expire_snapshots", [catalog, cutoff])
        removed = db.query(con, "maintenance_ducklake_cleanup_files", [catalog])
        return CompactReport(
            backend="ducklake", bytes_before=None, bytes_after=None, files_removed=len(removed)
        )
    before = _file_size(database_file)
    db.execute(con, "maintenance_checkpoint")
    db.execute(con, "maintenance_vacuum")
    db.execute(con, "maintenance_checkpoint")
    return CompactReport(
        backend="duckdb", bytes_before=before, bytes_after=_file_size(database_file)
    )


def feed_health(con: duckdb.DuckDBPyConnection) -> list[FeedHealthRow]:
    """Every feed's health, worst first (from the feed_health view)."""
    return [FeedHealthRow(*row) for row in db.query(con, "maintenance_feed_health")]


def render_feed_health_markdown(
    feeds: list[FeedHealthRow],
    now: dt.datetime,
    prune: PruneReport | None = None,
    compact: CompactReport | None = None,
) -> str:
    """The weekly report: counts by health, then the feeds that need a look."""
    counts: dict[str, int] = {}
    for feed in feeds:
        counts[feed.health] = counts.get(feed.health, 0) + 1
    quiet_before = now - dt.timedelta(days=QUIET_FEED_DAYS)
    quiet = [
        f
        for f in feeds
        if f.health == "ok" and (f.last_entry_at is None or f.last_entry_at < quiet_before)
    ]
    troubled = [f for f in feeds if f.health in ("failing", "parked")]
    lines = [f"# Feed health, {now:%Y-%m-%d %H:%M} UTC", ""]
    summary = ", ".join(f"{n} {h}" for h, n in sorted(counts.items())) or "no feeds"
    lines += [f"**{len(feeds)} feeds:** {summary}.", ""]
    if troubled:
        lines += [
            "## Failing or parked",
            "",
            "| feed | health | errors | last status | last success | last error |",
            "| --- | --- | ---: | ---: | --- | --- |",
        ]
        for f in troubled:
            lines.append(
                f"| {_cell(f.feed)} | {f.health} | {f.error_count} | "
                f"{f.last_status or ''} | {_when(f.last_success_at)} | "
                f"{_cell(f.last_error or '')} |"
            )
        lines.append("")
    if quiet:
        lines += [
            f"## Quiet: no new entry for {QUIET_FEED_DAYS} days",
            "",
            "| feed | entries | last entry | url |",
            "| --- | ---: | --- | --- |",
        ]
        for f in quiet:
            lines.append(f"| {_cell(f.feed)} | {f.entries} | {_when(f.last_entry_at)} | {f.url} |")
        lines.append("")
    never = [f for f in feeds if f.health == "never polled"]
    if never:
        lines += [f"{len(never)} feeds were never polled yet.", ""]
    if prune is not None:
        lines.append(
            f"Raw HTML pruned from {prune.versions} article versions fetched before "
            f"{prune.cutoff:%Y-%m-%d} ({prune.chars:,} characters)."
        )
    if compact is not None:
        if compact.backend == "duckdb" and compact.bytes_before is not None:
            lines.append(
                f"Database file: {_mib(compact.bytes_before)} before, "
                f"{_mib(compact.bytes_after)} after CHECKPOINT/VACUUM."
            )
        elif compact.backend == "ducklake":
            lines.append(
                f"DuckLake: small files merged, {compact.files_removed} old files removed."
            )
    return "\n".join(lines).rstrip() + "\n"


def run_maintenance(
    con: duckdb.DuckDBPyConnection,
    database_file: str | Path | None,
    now: dt.datetime,
    raw_html_retention_days: int,
    linking: LinkingSettings | None = None,
) -> MaintenanceReport:
    """Prune, fold the story-linking document frequencies, compact, and report, on one connection."""
    prune = prune_raw_html(con, now, raw_html_retention_days)
    # Before compaction, so the space the folded rows held is reclaimed in the same run.
    term_df = compact_term_df(con, linking or LinkingSettings(), now)
    compact = compact_database(con, database_file, now)
    feeds = feed_health(con)
    markdown = render_feed_health_markdown(feeds, now, prune, compact)
    return MaintenanceReport(
        prune=prune, compact=compact, feeds=feeds, report_markdown=markdown, term_df=term_df
    )


def _file_size(path: str | Path | None) -> int | None:
    if path is None:
        return None
    total = 0
    for candidate in (Path(path), Path(str(path) + ".wal")):
        if candidate.exists():
            total += candidate.stat().st_size
    return total


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")[:120]


def _when(value: dt.datetime | None) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if value else "never"


def _mib(size: int | None) -> str:
    return "?" if size is None else f"{size / 1_048_576:.1f} MiB"
