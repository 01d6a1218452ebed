"""A cycle's summary in words: one line per stage, per-story lines, and whether it failed as a whole.

The flow logs these lines (flows/cycle.py); the command line and `monitor serve` print them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import duckdb

from monitor import db

ALL_FEEDS_FAILED = "every due feed failed"
ALL_CHANNELS_FAILED = "every alert channel failed"
STAGES = ("feeds", "articles", "stories", "claims", "alerts", "search_index", "site")
ERROR_MAX_CHARS = 120  # a failing feed's or channel's error, cut to one readable line
SUMMARY_STORIES_MAX = 20  # stories named in the closing summary, most new claims first
SUMMARY_ARTICLES_MAX = 5  # articles named under each of those stories


def cycle_failure(summary: Mapping[str, Any]) -> str | None:
    """ALL_FEEDS_FAILED or ALL_CHANNELS_FAILED when the cycle failed as a whole, else None."""
    feeds = summary.get("feeds") or {}
    polled = int(feeds.get("feeds_polled") or 0)
    if polled and int(feeds.get("failed") or 0) >= polled:
        return ALL_FEEDS_FAILED
    alerts = summary.get("alerts") or {}
    if alerts.get("failed_channels") and not alerts.get("sent_messages"):
        return ALL_CHANNELS_FAILED
    return None


def _n(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def stage_line(stage: str, report: Mapping[str, Any], seconds: float) -> str:
    """What one stage did, in one line with its wall time."""

    def get(key: str) -> int:
        return int(report.get(key) or 0)

    if stage == "feeds":
        parts = [
            f"{get('feeds_polled')} polled",
            _n(get("new_entries"), "new entry", "new entries"),
        ]
        if get("not_modified"):
            parts.append(f"{get('not_modified')} unchanged")
        if get("failed"):
            parts.append(f"{get('failed')} failed")
    elif stage == "articles":
        parts = [
            _n(get("fetched"), "page") + " fetched",
            _n(get("stored_new_articles"), "new article"),
        ]
        if get("new_versions"):
            parts.append(_n(get("new_versions"), "updated article"))
        if get("failed"):
            parts.append(f"{get('failed')} failed")
    elif stage == "stories":
        parts = [
            _n(get("linked"), "article") + " linked",
            _n(len(report.get("new_stories") or []), "new story", "new stories"),
        ]
    elif stage == "claims":
        parts = [f"{get('new')} new", f"{get('changed')} changed", f"{get('seen')} repeated"]
    elif stage == "alerts":
        parts = [_n(get("sent_messages"), "message") + " sent"]
        failed = report.get("failed_channels") or []
        if failed:
            parts.append(_n(len(failed), "channel") + " failed")
        if get("pending"):
            parts.append(f"{get('pending')} waiting")
    else:
        parts = ["done"]
    return f"{stage.replace('_', ' '):<12} {seconds:5.1f} s  {', '.join(parts)}"


def describe_cycle(con: duckdb.DuckDBPyConnection | None, summary: Mapping[str, Any]) -> list[str]:
    """The end-of-cycle summary for people: per story its new articles and claims, then problems.

    CON (read access) names the articles and feeds; without it only the counts are given.
    """
    if summary.get("skipped"):
        return [f"cycle skipped: {summary['skipped']}"]
    seconds = sum((summary.get("stage_seconds") or {}).values())
    lines = [f"cycle {summary.get('run_id')} completed in {seconds:.1f} s"]
    articles = summary.get("articles") or {}
    versions = [int(v) for v in articles.get("new_version_ids") or []]
    rows = (
        db.query(con, "runs_cycle_versions", {"version_ids": versions}) if con and versions else []
    )
    by_story: dict[int, list[tuple[Any, ...]]] = {}
    for row in rows:
        by_story.setdefault(int(row[0]), []).append(row)
    # Most new claims first; a first cycle over a large site names only the busiest stories.
    ranked = sorted(by_story.values(), key=lambda rows: -sum(int(r[5]) + int(r[6]) for r in rows))
    for story_rows in ranked[:SUMMARY_STORIES_MAX]:
        new = sum(int(r[5]) for r in story_rows)
        changed = sum(int(r[6]) for r in story_rows)
        lines.append(
            f"  {story_rows[0][1] or 'story ' + str(story_rows[0][0])}: "
            f"{_n(len(story_rows), 'new article')}, {new} new and {changed} changed claims"
        )
        for _sid, _name, outlet, title, url, row_new, row_changed in story_rows[
            :SUMMARY_ARTICLES_MAX
        ]:
            lines.append(
                f"    {outlet or '?'}: {title or url} ({row_new} new, {row_changed} changed)"
            )
        if len(story_rows) > SUMMARY_ARTICLES_MAX:
            lines.append(f"    … and {_n(len(story_rows) - SUMMARY_ARTICLES_MAX, 'more article')}")
    if len(ranked) > SUMMARY_STORIES_MAX:
        hidden = ranked[SUMMARY_STORIES_MAX:]
        lines.append(
            f"  … and {_n(len(hidden), 'more story', 'more stories')} "
            f"({_n(sum(len(rows) for rows in hidden), 'article')}): `monitor site` or the "
            "story_overview view has them all"
        )
    if not versions:
        lines.append("  no new articles")
    elif not rows:
        lines.append(f"  {_n(len(versions), 'new article')}, not linked to a story yet")
    alerts = summary.get("alerts") or {}
    if alerts.get("sent_messages"):
        lines.append(
            f"  alerts: {_n(int(alerts['sent_messages']), 'message')} sent "
            f"({_n(int(alerts.get('sent_alerts') or 0), 'claim')})"
        )
    feed_errors = {
        int(k): str(v) for k, v in ((summary.get("feeds") or {}).get("errors") or {}).items()
    }
    labels = (
        {int(r[0]): str(r[1]) for r in db.query(con, "runs_feed_urls", {"ids": list(feed_errors)})}
        if con and feed_errors
        else {}
    )
    for feed_id, error in feed_errors.items():
        lines.append(
            f"  feed failing: {labels.get(feed_id, f'feed {feed_id}')}: {_one_line(error)}"
        )
    for channel, error in (alerts.get("errors") or {}).items():
        lines.append(f"  channel failing: {channel}: {_one_line(str(error))}")
    failure = cycle_failure(summary)
    if failure:
        lines.append(f"  the cycle failed as a whole: {failure}")
    return lines


def _one_line(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= ERROR_MAX_CHARS else text[: ERROR_MAX_CHARS - 1] + "…"
