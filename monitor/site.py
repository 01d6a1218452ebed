"""A static site of the monitor's stories: an index, one report page per story, and feed health.

The site is built in a staging folder beside the output folder and swapped in with one rename, so a
web server serving the folder never sees a half-written site. Every link is relative, so the folder
works behind any web server and opened straight from disk.
"""

from __future__ import annotations

import ctypes
import dataclasses
import datetime as dt
import errno
import hashlib
import json
import logging
import os
import secrets
import shutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb

from monitor import __version__, db, report
from monitor.errors import ConfigError, MonitorError
from monitor.html_text import esc
from monitor.runs import process_alive
from monitor.settings import Settings, SiteSettings, load_settings, resolve_config_path

LOGGER = logging.getLogger(__name__)

SITE_FORMAT = 2  # raise when the pages' markup changes, so every story page is rendered again
MANIFEST_NAME = ".story-monitor-site.json"
STAGING_MARK = ".building-"
RECENT_HOURS = 24  # the index highlights claims added within this many hours of the build
SPARK_BAR_PX = 4
SPARK_GAP_PX = 1
SPARK_HEIGHT_PX = 28
SPARK_MIN_BAR_PX = 2
KEYWORDS_SHOWN = 6
FAVICON = (
    "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E"
    "%3Ccircle cx='8' cy='8' r='7' fill='%23d97706'/%3E%3C/svg%3E"
)
# renameat2(2) flag that swaps two paths in one step (Linux 3.15+, most local file systems).
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


class SiteError(MonitorError):
    """The output folder cannot hold the site (not a folder, or someone else's files)."""


@dataclasses.dataclass
class SiteSummary:
    """What one build wrote: pages rendered, pages carried over unchanged, pages removed."""

    out_dir: Path
    stories: int = 0  # stories listed on the index
    tracked: int = 0
    merged_pages: int = 0  # short pages for stories merged into a listed one
    feeds: int = 0
    rendered: int = 0  # story pages rendered this build
    unchanged: int = 0  # story pages carried over from the previous build
    removed: int = 0  # story pages of the previous build that are gone
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "out_dir": str(self.out_dir)}

    def describe(self) -> str:
        """One line for the CLI and the cycle log."""
        return (
            f"site: {self.stories} stories ({self.tracked} tracked), {self.feeds} feeds; "
            f"{self.rendered} story pages rendered, {self.unchanged} unchanged, {self.removed} removed "
            f"in {self.seconds:.1f} s -> {self.out_dir / 'index.html'}"
        )


@dataclasses.dataclass
class _Page:
    path: str  # relative to the site folder, "/"-separated
    fingerprint: str


# --- entry points -----------------------------------------------------------------------------


def build_site(
    source: duckdb.DuckDBPyConnection | str | Path,
    out_dir: str | Path,
    settings: Settings | SiteSettings | None = None,
    now: dt.datetime | None = None,
) -> SiteSummary:
    """Build the site from a connection (or a database file, opened read-only) into OUT_DIR."""
    site = settings.site if isinstance(settings, Settings) else settings or SiteSettings()
    if isinstance(source, duckdb.DuckDBPyConnection):
        return _build(source, Path(out_dir), site, now or db.utcnow())
    from monitor import query

    with query.open_for_query(Path(source)) as con:
        return _build(con, Path(out_dir), site, now or db.utcnow())


def build_from_config(
    out_dir: str | Path | None = None,
    config: str | Path | None = None,
    db_path: str | Path | None = None,
    wait_s: float = 10.0,
    snapshot: bool = False,
) -> SiteSummary:
    """`monitor site`: the database and [site] settings of the config, written to OUT_DIR or [site] dir."""
    if db_path and not config and not resolve_config_path(None).exists():
        settings = Settings()  # `--db` alone: no config file is needed
    else:
        settings = load_settings(config)
    out = Path(out_dir) if out_dir else settings.site.dir
    if out is None:
        raise ConfigError("no folder for the site: pass --out DIR or set [site] dir in the config")
    if db_path is None and settings.database.backend == "ducklake":
        with db.open_db(settings.database, read_only=True) as con:
            return build_site(con, out, settings)
    from monitor import query

    path = Path(db_path) if db_path else settings.database.path
    with query.open_for_query(path, wait_s, snapshot) as con:
        return build_site(con, out, settings)


# --- build ------------------------------------------------------------------------------------


def _build(
    con: duckdb.DuckDBPyConnection, out: Path, site: SiteSettings, now: dt.datetime
) -> SiteSummary:
    started = time.perf_counter()
    out = out.absolute()
    if out.is_symlink():
        out = out.resolve()  # swap the folder a web server's configured path leads to
    previous = _read_manifest(out)
    summary = SiteSummary(out_dir=out)
    stories = db.query_dicts(
        con,
        "site_stories",
        {
            "stories_max": site.stories_max,
            "recent_since": now - dt.timedelta(hours=RECENT_HOURS),
        },
    )
    shown_ids = [s["story_id"] for s in stories]
    first_day = _chart_end(now, stories) - dt.timedelta(days=site.chart_days - 1)
    days = _story_days(con, shown_ids, first_day)
    feeds = db.query_dicts(con, "site_feeds", {})
    totals = db.query_dicts(con, "site_totals", {})[0]
    merged = _merged_targets(db.query_dicts(con, "site_merged_stories", {}), set(shown_ids))

    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned_staging(out)
    staging = out.parent / f".{out.name}{STAGING_MARK}{os.getpid()}-{secrets.token_hex(4)}"
    (staging / "stories").mkdir(parents=True)
    try:
        pages: list[_Page] = []
        for story in stories:
            page = _Page(f"stories/{story['story_id']}.html", _fingerprint(story))
            if not _carry_over(out, staging, page, previous):
                data = report.load_story(con, story["story_id"])
                _write(staging / page.path, report.render_html(data, nav=_story_nav()))
                summary.rendered += 1
            else:
                summary.unchanged += 1
            pages.append(page)
        by_id = {s["story_id"]: s for s in stories}
        for row, target in merged:
            page = _Page(
                f"stories/{row['story_id']}.html",
                _fingerprint({**row, "target": target, "target_name": by_id[target]["name"]}),
            )
            if not _carry_over(out, staging, page, previous):
                _write(staging / page.path, _merged_page(row, by_id[target]))
            pages.append(page)
        _write(staging / "feeds.html", render_feeds(feeds, now))
        _write(
            staging / "index.html",
            render_index(stories, days, first_day, site.chart_days, feeds, totals, now),
        )
        kept = {p.path for p in pages}
        summary.removed = sum(1 for path in previous if path not in kept)
        _carry_foreign_files(out, staging, previous)
        _write(
            staging / MANIFEST_NAME,
            json.dumps(
                {
                    "format": SITE_FORMAT,
                    "generator": __version__,
                    "built_at": now.isoformat(),
                    "pages": {p.path: p.fingerprint for p in pages},
                },
                indent=1,
            )
            + "\n",
        )
        _publish(staging, out, previous)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    summary.stories = len(stories)
    summary.tracked = sum(1 for s in stories if s["tracked"])
    summary.merged_pages = len(merged)
    summary.feeds = len(feeds)
    summary.seconds = time.perf_counter() - started
    LOGGER.info("%s", summary.describe())
    return summary


def _chart_end(now: dt.datetime, stories: list[dict[str, Any]]) -> dt.datetime:
    """The charts end today, or on the latest activity if the clock is behind the data."""
    latest = max((s["last_seen_at"] for s in stories if s["last_seen_at"]), default=now)
    return max(now, latest).replace(hour=0, minute=0, second=0, microsecond=0)


def _story_days(
    con: duckdb.DuckDBPyConnection, story_ids: list[int], first_day: dt.datetime
) -> dict[int, dict[dt.date, tuple[int, int]]]:
    days: dict[int, dict[dt.date, tuple[int, int]]] = {}
    if not story_ids:
        return days
    for row in db.query_dicts(con, "site_story_days", {"story_ids": story_ids, "since": first_day}):
        days.setdefault(row["story_id"], {})[row["day"]] = (row["versions"], row["claims_added"])
    return days


def _merged_targets(
    merged: list[dict[str, Any]], shown: set[int]
) -> list[tuple[dict[str, Any], int]]:
    """Merged stories whose chain of merges ends in a listed story, with that story's id."""
    into = {row["story_id"]: row["merged_into"] for row in merged}
    found = []
    for row in merged:
        target, hops = row["merged_into"], 0
        while target in into and hops < len(into):
            target, hops = into[target], hops + 1
        if target in shown:
            found.append((row, target))
    return found


INDEX_ONLY_COLUMNS = frozenset({"recent_new", "recent_changed"})  # not on the story's page


def _fingerprint(row: dict[str, Any]) -> str:
    shown = sorted((k, v) for k, v in row.items() if k not in INDEX_ONLY_COLUMNS)
    text = json.dumps([SITE_FORMAT, __version__, shown], default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# --- the output folder ------------------------------------------------------------------------


def _read_manifest(out: Path) -> dict[str, str]:
    """Pages of the site now in OUT with their fingerprints; refuses a folder that is not a site."""
    if out.exists() and not out.is_dir():
        raise SiteError(f"{out}: not a folder; give --out a folder path (it is created if missing)")
    manifest = out / MANIFEST_NAME
    if not manifest.exists():
        if out.is_dir() and any(out.iterdir()):
            raise SiteError(
                f"{out}: folder is not empty and holds no story-monitor site ({MANIFEST_NAME} missing); "
                "give --out a new or empty folder, since each build replaces the folder's contents"
            )
        return {}
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
        pages = data["pages"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise SiteError(
            f"{manifest}: unreadable site manifest ({e}); delete it to rebuild the site"
        ) from e
    if data.get("format") != SITE_FORMAT or data.get("generator") != __version__:
        # Another layout: every page is rendered again, but the old pages are still the site's.
        return {str(path): "" for path in pages}
    return {str(path): str(fingerprint) for path, fingerprint in pages.items()}


def _carry_over(out: Path, staging: Path, page: _Page, previous: dict[str, str]) -> bool:
    """Hard-link (or copy) an unchanged page from the current site into the staging folder."""
    if not previous.get(page.path) or previous[page.path] != page.fingerprint:
        return False
    source, target = out / page.path, staging / page.path
    try:
        os.link(source, target)
    except FileNotFoundError:
        return False  # a concurrent build swapped the site meanwhile: render it
    except OSError:
        try:
            shutil.copy2(source, target)
        except FileNotFoundError:
            return False
    return True


def _carry_foreign_files(out: Path, staging: Path, previous: dict[str, str]) -> None:
    """Files someone else put in the site folder (robots.txt, .htaccess) survive the swap."""
    if not out.is_dir():
        return
    ours = {*previous, "index.html", "feeds.html", MANIFEST_NAME}
    for path in out.rglob("*"):
        relative = path.relative_to(out).as_posix()
        if path.is_dir() or relative in ours or (staging / relative).exists():
            continue
        (staging / relative).parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, staging / relative)
        except OSError:
            shutil.copy2(path, staging / relative)


def _publish(staging: Path, out: Path, previous: dict[str, str]) -> None:
    """Make the staging folder the site in one step; its old contents go with the staging folder."""
    if not out.exists():
        try:
            os.rename(staging, out)
            return
        except OSError as e:
            if e.errno not in (errno.EEXIST, errno.ENOTEMPTY):
                raise  # else a concurrent build created it first: swap with that one
    if not _exchange(staging, out):
        _replace_file_by_file(staging, out, previous)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically with renameat2(RENAME_EXCHANGE); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    error = ctypes.get_errno()
    if error in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(error, os.strerror(error), str(b))


def _replace_file_by_file(staging: Path, out: Path, previous: dict[str, str]) -> None:
    """Fallback without an atomic folder swap: each page is replaced atomically, story pages
    first and the index last, so every link the served index holds keeps resolving."""
    files = sorted(p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file())
    last = {"feeds.html": 1, "index.html": 2, MANIFEST_NAME: 3}
    for relative in sorted(files, key=lambda name: last.get(name, 0)):
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / relative, target)
    for relative in set(previous) - set(files):
        (out / relative).unlink(missing_ok=True)


def _remove_abandoned_staging(out: Path) -> None:
    """Staging folders left by a build that was killed (its process is gone)."""
    prefix = f".{out.name}{STAGING_MARK}"
    for path in out.parent.glob(f"{prefix}*"):
        pid = path.name[len(prefix) :].split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not process_alive(int(pid)):
            shutil.rmtree(path, ignore_errors=True)


# --- pages ------------------------------------------------------------------------------------


def _story_nav() -> list[tuple[str, str]]:
    return [("../index.html", "← All stories"), ("../feeds.html", "Feed health")]


def _document(title: str, body: str, current: str, root: str = "") -> str:
    """A page of the site; ROOT leads from the page's folder back to the site's."""
    here = ' aria-current="page"'
    nav = "".join(
        f'<a href="{root}{href}"{here if href == current else ""}>{label}</a>'
        for href, label in (("index.html", "Stories"), ("feeds.html", "Feed health"))
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="story-monitor {esc(__version__)}">\n'
        f'<link rel="icon" href="{FAVICON}">\n'
        f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f'<nav class="site-nav"><a class="brand" href="{root}index.html">story-monitor</a>{nav}</nav>\n'
        f"<main>\n{body}\n</main>\n"
        f"<footer>Built by story-monitor {esc(__version__)}. Times are UTC.</footer>\n"
        "</body>\n</html>\n"
    )


def render_index(
    stories: Sequence[dict[str, Any]],
    days: dict[int, dict[dt.date, tuple[int, int]]],
    first_day: dt.datetime,
    chart_days: int,
    feeds: Sequence[dict[str, Any]],
    totals: dict[str, Any],
    now: dt.datetime,
) -> str:
    """The index: tracked stories, then the others by latest activity."""
    tracked = [s for s in stories if s["tracked"]]
    others = [s for s in stories if not s["tracked"]]
    span = [(first_day + dt.timedelta(days=i)).date() for i in range(chart_days)]
    failing = [f for f in feeds if f["health"] in ("failing", "parked")]
    stats = [
        _stat(totals["stories"], "story", "stories"),
        _stat(totals["articles"], "article", "articles"),
        _stat(totals["outlets"], "outlet", "outlets"),
        _stat(totals["claims"], "claim", "claims"),
    ]
    feed_note = (
        f'<a class="stat stat-alert" href="feeds.html"><b>{len(failing)}</b>'
        f"<span>of {len(feeds)} feeds failing</span></a>"
        if failing
        else f'<a class="stat" href="feeds.html"><b>{len(feeds)}</b>'
        f"<span>{'feed' if len(feeds) == 1 else 'feeds'}, all healthy</span></a>"
    )
    head = (
        '<header class="page-head"><h1>Stories</h1>'
        f'<p class="meta">Updated {_when(now)} · latest article stored {_when(totals["last_stored_at"])}</p>'
        f'<div class="stats">{"".join(stats)}{feed_note}</div></header>'
    )
    sections = []
    if tracked:
        sections.append(
            _story_table(
                "Tracked stories",
                tracked,
                days,
                span,
                "The stories named under [[stories]] in the config.",
                "tracked",
            )
        )
    if others:
        shown = (
            f"The {len(others)} most recently active" if totals["stories"] > len(stories) else "All"
        )
        sections.append(
            _story_table(
                "Latest stories",
                others,
                days,
                span,
                f"{shown} stories the monitor found, most recent activity first.",
                "latest",
            )
        )
    if not stories:
        sections.append(
            '<section class="empty"><h2>No stories yet</h2><p>Stories appear here after a cycle '
            "has stored articles (<code>monitor run</code>).</p></section>"
        )
    return _document("Stories · story-monitor", head + "\n" + "\n".join(sections), "index.html")


def _story_table(
    title: str,
    stories: Sequence[dict[str, Any]],
    days: dict[int, dict[dt.date, tuple[int, int]]],
    span: list[dt.date],
    note: str,
    key: str,
) -> str:
    rows = "\n".join(_story_row(s, days.get(s["story_id"], {}), span) for s in stories)
    chart_label = f"Last {len(span)} days"
    return (
        f'<section class="stories" id="{key}"><h2>{esc(title)} <span class="count">{len(stories)}</span></h2>'
        f'<p class="note">{esc(note)}</p>'
        '<table><colgroup><col><col class="w-when"><col class="w-num"><col class="w-claims">'
        '<col class="chart-col"></colgroup>'
        '<thead><tr><th>Story</th><th>Latest activity</th><th class="num">Articles</th>'
        f'<th>Claims</th><th class="chart-col" title="articles stored per day; amber: days that added claims">'
        f"{esc(chart_label)}</th></tr></thead>"
        f"<tbody>\n{rows}\n</tbody></table></section>"
    )


def _story_row(
    story: dict[str, Any], days: dict[dt.date, tuple[int, int]], span: list[dt.date]
) -> str:
    story_id = story["story_id"]
    keywords = list(story.get("keywords") or [])[:KEYWORDS_SHOWN]
    sub = [f"first seen {_day(story['first_seen_at'])}"]
    if keywords:
        sub.append(", ".join(keywords))
    claims = []
    if story["new_claims"]:
        claims.append(f'<span class="n n-new">{story["new_claims"]} new</span>')
    if story["changed_claims"]:
        claims.append(f'<span class="n n-changed">{story["changed_claims"]} changed</span>')
    if not claims and not story["restated_claims"]:
        claims.append('<span class="muted">none yet</span>')
    recent = [
        f"+{n} {label}"
        for n, label in ((story["recent_new"], "new"), (story["recent_changed"], "changed"))
        if n
    ]
    recent_html = (
        f'<div class="recent">{", ".join(recent)} in the last {RECENT_HOURS} h</div>'
        if recent
        else ""
    )
    # Secondary: claims the judge could not tell from a restatement are not counted as new.
    restated_html = (
        f'<div class="restated" title="new claims the judge could not tell from a restatement '
        f'of earlier coverage">{story["restated_claims"]} possibly restated</div>'
        if story["restated_claims"]
        else ""
    )
    outlets = story["outlets"]
    return (
        f'<tr id="story-{story_id}" data-story-id="{story_id}">'
        f'<td class="story"><a href="stories/{story_id}.html">{esc(story["name"])}</a>'
        f'<div class="sub">{esc(" · ".join(sub))}</div></td>'
        f'<td class="when"><time datetime="{story["last_seen_at"]:%Y-%m-%dT%H:%M}Z">{_day(story["last_seen_at"])}</time>'
        f'<div class="sub">{story["last_seen_at"]:%H:%M}</div></td>'
        f'<td class="num"><b>{story["articles"]}</b><div class="sub">{outlets} outlet{"" if outlets == 1 else "s"}</div></td>'
        f'<td class="claims">{" ".join(claims)}{recent_html}{restated_html}</td>'
        f'<td class="chart-col">{sparkline(days, span)}</td></tr>'
    )


def sparkline(days: dict[dt.date, tuple[int, int]], span: list[dt.date]) -> str:
    """Inline SVG bars: article versions stored per day; amber where they added claims."""
    width = len(span) * (SPARK_BAR_PX + SPARK_GAP_PX) - SPARK_GAP_PX
    peak = max((days.get(day, (0, 0))[0] for day in span), default=0)
    total = sum(days.get(day, (0, 0))[0] for day in span)
    bars = []
    for i, day in enumerate(span):
        versions, claims = days.get(day, (0, 0))
        x = i * (SPARK_BAR_PX + SPARK_GAP_PX)
        if versions:
            height = max(SPARK_MIN_BAR_PX, round(versions / peak * (SPARK_HEIGHT_PX - 2)))
            kind = "bar-claims" if claims else "bar"
        else:
            height, kind = 1, "bar-none"
        label = f"{day.day} {day:%b}: {versions} article{'' if versions == 1 else 's'}" + (
            f", {claims} claims added" if claims else ""
        )
        bars.append(
            f'<rect class="{kind}" x="{x}" y="{SPARK_HEIGHT_PX - height}" width="{SPARK_BAR_PX}" '
            f'height="{height}"><title>{esc(label)}</title></rect>'
        )
    return (
        f'<svg class="spark" width="{width}" height="{SPARK_HEIGHT_PX}" viewBox="0 0 {width} {SPARK_HEIGHT_PX}" '
        f'role="img" aria-label="{total} articles in {len(span)} days, at most {peak} a day">'
        + "".join(bars)
        + "</svg>"
    )


def render_feeds(feeds: Sequence[dict[str, Any]], now: dt.datetime) -> str:
    """The feed-health page: one row per feed, failing ones first."""
    counts: dict[str, int] = {}
    for feed in feeds:
        counts[feed["health"]] = counts.get(feed["health"], 0) + 1
    summary = " · ".join(
        f"{n} {health}" for health, n in sorted(counts.items(), key=lambda kv: -kv[1])
    )
    rows = "\n".join(_feed_row(feed) for feed in feeds)
    body = (
        '<header class="page-head"><h1>Feed health</h1>'
        f'<p class="meta">Updated {_when(now)} · {len(feeds)} feed{"" if len(feeds) == 1 else "s"}'
        + (f": {esc(summary)}" if summary else "")
        + "</p></header>"
    )
    if not feeds:
        return _document(
            "Feed health · story-monitor",
            body
            + (
                '<section class="empty"><p>No feeds yet: add <code>[[feeds]]</code> to the config and run a cycle.'
                "</p></section>"
            ),
            "feeds.html",
        )
    body += (
        '<section class="feeds"><table><colgroup><col class="w-feed"><col class="w-health">'
        '<col class="w-when"><col class="w-when"><col class="w-errors"><col><col class="w-num">'
        "</colgroup><thead><tr><th>Feed</th><th>Health</th><th>Last check</th>"
        '<th>Next check</th><th class="num">Errors</th><th>Last error</th>'
        '<th class="num" title="entries whose article is stored">Articles stored</th>'
        f"</tr></thead><tbody>\n{rows}\n</tbody></table>"
        '<p class="note">Errors counts failures since the last success; a parked feed is past the '
        "error limit and waits for <code>monitor feeds reset</code>.</p></section>"
    )
    return _document("Feed health · story-monitor", body, "feeds.html")


def _feed_row(feed: dict[str, Any]) -> str:
    status = f"HTTP {feed['last_status']}" if feed.get("last_status") else ""
    failed = f'<div class="sub">{feed["failed"]} failed</div>' if feed.get("failed") else ""
    pending = f'<div class="sub">{feed["pending"]} waiting</div>' if feed.get("pending") else ""
    title = feed["feed"] if feed["feed"] != feed["url"] else ""
    return (
        f'<tr data-feed-id="{feed["feed_id"]}" class="health-{esc(feed["health"]).replace(" ", "-")}">'
        f'<td class="feed">{f"<b>{esc(title)}</b>" if title else ""}'
        f'<div class="url"><a href="{esc(feed["url"])}" rel="noopener noreferrer">{esc(feed["url"])}</a></div></td>'
        f'<td><span class="health">{esc(feed["health"])}</span></td>'
        f'<td class="when">{_clock(feed["last_checked_at"])}<div class="sub">{esc(status)}</div></td>'
        f'<td class="when">{_clock(feed["next_check_at"])}</td>'
        f'<td class="num">{feed["error_count"]}</td>'
        f'<td class="error">{esc(feed["last_error"] or "")}</td>'
        f'<td class="num"><b>{feed["stored"]}</b>{failed}{pending}</td></tr>'
    )


def _merged_page(row: dict[str, Any], target: dict[str, Any]) -> str:
    """A short page for a merged story: old alert links to it lead on to the surviving story."""
    body = (
        '<header class="page-head">'
        f'<h1>{esc(row["name"])}</h1><p class="meta">story #{row["story_id"]}</p></header>'
        '<section class="empty"><p>The monitor merged this story into '
        f'<a href="{target["story_id"]}.html">{esc(target["name"])}</a> (story #{target["story_id"]}); '
        "its articles and claims are there now.</p></section>"
    )
    return _document(f"{row['name']} · story-monitor", body, "", root="../")


def _stat(value: int, one: str, many: str) -> str:
    return f'<div class="stat"><b>{value:,}</b><span>{one if value == 1 else many}</span></div>'


def _day(value: dt.datetime | None) -> str:
    return f"{value.day} {value:%b %Y}" if value else "—"


def _clock(value: dt.datetime | None) -> str:
    return f'{value.day} {value:%b %Y}<div class="sub">{value:%H:%M}</div>' if value else "—"


def _when(value: dt.datetime | None) -> str:
    return f"{value.day} {value:%b %Y %H:%M} UTC" if value else "—"


CSS = """
:root{--ink:#1f2430;--muted:#6b7280;--line:#e5e7eb;--bg:#f7f7f5;--card:#fff;--accent:#1d4ed8;
--new:#d97706;--new-bg:#fff4dc;--changed:#7c3aed;--changed-bg:#f1eaff;--bar:#94a3b8;--bad:#b91c1c;--bad-bg:#fee2e2}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif}
.site-nav{display:flex;gap:20px;align-items:center;padding:12px 24px;background:#1f2430;font-size:14px}
.site-nav a{color:#cbd5e1;text-decoration:none}.site-nav a:hover{color:#fff}
.site-nav a[aria-current=page]{color:#fff;font-weight:600}
.site-nav .brand{color:#fff;font-weight:700;letter-spacing:.02em;margin-right:12px}
main{max-width:1120px;margin:0 auto;padding:28px 24px 40px}
a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
h1{font-size:30px;line-height:1.2;margin:0 0 4px}
h2{font-size:18px;margin:0 0 2px}
.count{display:inline-block;font-size:12px;font-weight:600;background:#e8eaf0;color:#374151;border-radius:999px;padding:1px 9px;vertical-align:3px;margin-left:4px}
.meta{color:var(--muted);font-size:13px;margin:0}
.note{color:var(--muted);font-size:13px;margin:0 0 10px}
.muted{color:var(--muted)}
.stats{display:flex;gap:10px;flex-wrap:wrap;margin:16px 0 4px}
.stat{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:8px 16px;min-width:96px;color:var(--ink)}
.stat b{display:block;font-size:22px;font-variant-numeric:tabular-nums}.stat span{font-size:12px;color:var(--muted)}
a.stat:hover{text-decoration:none;border-color:#cbd5e1}
.stat-alert{border-color:#fca5a5;background:var(--bad-bg)}.stat-alert b,.stat-alert span{color:var(--bad)}
section{background:var(--card);border:1px solid var(--line);border-radius:14px;padding:18px 20px;margin-top:20px}
table{width:100%;border-collapse:collapse;table-layout:fixed}
.w-when{width:140px}.w-num{width:100px}.w-claims{width:210px}.w-feed{width:26%}.w-health{width:110px}.w-errors{width:80px}
th{text-align:left;font-size:11px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);font-weight:600;border-bottom:1px solid var(--line);padding:8px 10px}
td{border-bottom:1px solid #f0f1f3;padding:10px;vertical-align:top}
tbody tr:last-child td{border-bottom:none}
tbody tr:hover{background:#fafafa}
td.story a{font-size:16px;font-weight:600;color:var(--ink)}td.story a:hover{color:var(--accent)}
.sub{font-size:12px;color:var(--muted);margin-top:2px}
td.when{white-space:nowrap;font-variant-numeric:tabular-nums}
.num{text-align:right;font-variant-numeric:tabular-nums}
td.num b{font-size:16px}
td.claims{white-space:nowrap}
.n{display:inline-block;font-size:13px;font-weight:600;padding:2px 9px;border-radius:999px;margin-right:4px}
.n-new{background:var(--new-bg);color:#92400e}.n-changed{background:var(--changed-bg);color:#5b21b6}
.recent{font-size:12px;color:var(--new);font-weight:600;margin-top:5px}
td.claims .restated{font-size:12px;color:var(--muted);margin-top:3px}
.chart-col{width:170px}
td.chart-col{padding-top:14px}
svg.spark{display:block}
.spark .bar{fill:var(--bar)}.spark .bar-claims{fill:var(--new)}.spark .bar-none{fill:#e5e7eb}
.feeds .url{font-size:12px;overflow-wrap:anywhere}
.health{display:inline-block;font-size:12px;font-weight:600;padding:1px 9px;border-radius:999px;background:#dcfce7;color:#166534;white-space:nowrap}
.health-failing .health,.health-parked .health{background:var(--bad-bg);color:var(--bad)}
.health-never-polled .health,.health-removed .health{background:#f3f4f6;color:#374151}
td.error{font-size:12px;color:var(--bad);overflow-wrap:anywhere}
code{font-size:13px;background:#f3f4f6;padding:1px 5px;border-radius:4px}
footer{color:var(--muted);font-size:12px;margin:0 0 28px;text-align:center}
@media (max-width:760px){.chart-col{display:none}.w-claims{width:130px}td.claims{white-space:normal}}
"""
