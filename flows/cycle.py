"""The polling cycle as one Prefect flow: feeds → articles → stories → claims → alerts.

Each task wraps one batch of a `monitor` stage; only the network fetches carry retries. Large
arguments are passed in `_unwalked(...)`: Prefect would otherwise walk every object inside them to
look for upstream futures, which cost about 0.5 s per batch of 200 pages.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar, cast

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from monitor import (
    alerts,
    alerts_render,
    analysis,
    articles,
    cycle_report,
    db,
    feeds,
    runs,
    stories,
)
from monitor import claims as claim_stage
from monitor.settings import Settings, load_settings
from monitor.state import PipelineState

_T = TypeVar("_T")


def _unwalked(value: _T) -> _T:
    """VALUE wrapped in Prefect's quote(): the task gets it as it is, without Prefect walking it."""
    return cast(_T, quote(value))


PAGE_BATCH_SIZE = 200  # pages per batch on the Dask path, per shard
# What the cycle is doing, for people: one line per stage, page progress, the closing summary.
# `monitor run` prints this logger's records as they come; `monitor serve` sets PROGRESS_ENV so
# its flow-run processes print them too. The Prefect run logger keeps the machine-readable counts.
PROGRESS = logging.getLogger("flows.progress")
PROGRESS_ENV = "MONITOR_PROGRESS"
PROGRESS_MIN_PAGES = 100  # below this many pages a cycle reports no per-batch page progress

# The one owner of this process's caches and extraction workers (monitor/state.py): every cycle
# run in this process passes it to its stages. Nothing else may hold a PipelineState for the
# cycle; `PROCESS_STATE.reset()` empties it.
PROCESS_STATE = PipelineState()


@dataclasses.dataclass
class CycleSummary:
    """What one cycle did, stage by stage, with wall time per stage in seconds."""

    run_id: int = 0
    skipped: str | None = None
    feeds: dict[str, Any] = dataclasses.field(default_factory=dict)
    articles: dict[str, Any] = dataclasses.field(default_factory=dict)
    stories: dict[str, Any] = dataclasses.field(default_factory=dict)
    claims: dict[str, Any] = dataclasses.field(default_factory=dict)
    alerts: dict[str, Any] = dataclasses.field(default_factory=dict)
    stage_seconds: dict[str, float] = dataclasses.field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def as_counts(self) -> dict[str, Any]:
        """as_dict() with every list (ids, per-article timings) replaced by its length, for logs."""

        def counted(value: Any) -> Any:
            if isinstance(value, dict):
                return {k: counted(v) for k, v in value.items()}
            return len(value) if isinstance(value, (list, tuple)) else value

        counts: dict[str, Any] = counted(self.as_dict())
        return counts


def _report_dict(report: Any) -> dict[str, Any]:
    if dataclasses.is_dataclass(report) and not isinstance(report, type):
        return dataclasses.asdict(report)
    return dict(report or {})


@contextmanager
def _timed(summary: CycleSummary, stage: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        summary.stage_seconds[stage] = summary.stage_seconds.get(stage, 0.0) + (
            time.perf_counter() - started
        )


@task(cache_policy=NO_CACHE)
def prepare_database(
    settings: Settings, poll_all_now: bool, state: PipelineState
) -> list[feeds.DueFeed]:
    """Apply migrations, sync configured feeds and stories, and pick the feeds due now."""
    if not settings.scale.dask_address:
        state.extraction.warm(settings.scale.extraction_processes)
    now = db.utcnow()
    with db.open_db(settings.database) as con:
        feeds.sync_feeds(con, settings.feeds, settings.polling, now)
        stories.sync_tracked_stories(con, settings.stories, now)
        if poll_all_now:
            db.execute(con, "feeds_make_all_due", [now])
        return feeds.select_due_feeds(con, settings.polling, now)


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=5)
def fetch_feeds(due: list[feeds.DueFeed], settings: Settings) -> list[feeds.FeedFetch]:
    """Fetch every due feed concurrently; one failing feed is returned as data, not raised."""
    return feeds.fetch_feeds(due, settings.fetch)


@task(cache_policy=NO_CACHE)
def save_feeds(fetches: list[feeds.FeedFetch], settings: Settings) -> Any:
    """Parse fetched feeds and store polling state and new entries."""
    with db.open_db(settings.database) as con:
        return feeds.save_feed_results(
            con,
            fetches,
            settings.polling,
            db.utcnow(),
            parse_timeout_s=settings.fetch.parse_timeout_s,
        )


@task(cache_policy=NO_CACHE)
def select_pending_entries(settings: Settings, limit: int) -> list[articles.PendingEntry]:
    """Entries whose page still has to be fetched."""
    with db.open_db(settings.database) as con:
        return articles.select_pending_entries(con, db.utcnow(), limit)


@task(cache_policy=NO_CACHE)
def link_stories(settings: Settings, state: PipelineState) -> Any:
    """Link every new article version to a story."""
    with db.open_db(settings.database) as con:
        return stories.link_articles(con, settings.linking, db.utcnow(), state.stories)


@task(cache_policy=NO_CACHE)
def detect_claims(settings: Settings, state: PipelineState) -> Any:
    """Judge every sentence of the new article versions against its story's claim ledger."""
    with db.open_db(settings.database) as con:
        return claim_stage.detect_claims(con, settings.claims, db.utcnow(), state.claims)


@task(cache_policy=NO_CACHE)
def send_alerts(settings: Settings, run_started_at: datetime) -> tuple[Any, str]:
    """Queue and deliver alerts for new claims and stories; return the report and a summary."""
    from flows.alerting import channels_for

    channels = channels_for(settings)
    now = db.utcnow()
    with db.open_db(settings.database) as con:
        alerts.queue_alerts(con, channels, now)
        summary_md = alerts_render.render_summary_markdown(con, run_started_at, settings.alerts)
        report = alerts.deliver_alerts(con, channels, now)
    return report, summary_md


@task(cache_policy=NO_CACHE)
def refresh_search_index(settings: Settings) -> None:
    """Bring the full-text indexes up to date with this cycle's articles and claims."""
    from monitor import search

    with db.open_db(settings.database) as con:
        reason = search.unavailable_reason(con)
        if reason:
            get_run_logger().info("search index skipped: %s", reason)
            return
        policy = settings.search
        search.refresh_search_index(
            con,
            min_interval_s=policy.rebuild_min_interval_minutes * 60,
            rebuild_time_share_max=policy.rebuild_time_share_max,
            rebuild_always_below_s=policy.rebuild_always_below_s,
        )


# How a runner does the network and extraction work: poll a list of due feeds, and start one
# batch of pending pages, returning a call that waits for that batch's results.
PollFeeds = Callable[[list[feeds.DueFeed]], list[feeds.FeedFetch]]
SubmitPages = Callable[[list[articles.PendingEntry]], Callable[[], list[articles.PageResult]]]


def _ingest(
    settings: Settings,
    poll_all_now: bool,
    summary: CycleSummary,
    state: PipelineState,
    poll: PollFeeds,
    submit: SubmitPages,
    batch_size: int,
) -> None:
    """Poll feeds, then fetch/extract/save pages, link stories and judge claims, batch by batch.

    The one select/dedupe/submit loop of both runners: POLL and SUBMIT say where the network and
    extraction work runs (this process's extraction workers, or the Dask cluster). While one batch
    is linked and judged here, the next one downloads and extracts, so the network and trafilatura
    are kept busy. Every database write stays in this thread: DuckDB has one writer.
    """
    with _timed(summary, "feeds"):
        due = prepare_database(_unwalked(settings), poll_all_now, _unwalked(state))
        fetched_feeds = poll(due)
        summary.feeds = _report_dict(save_feeds(_unwalked(fetched_feeds), _unwalked(settings)))
    _report_stage(summary, "feeds")
    pages_total = _pending_pages(settings)
    pages_done = 0
    seen_entries: set[int] = set()
    drained = False

    def submit_next_batch() -> Callable[[], list[articles.PageResult]] | None:
        nonlocal drained
        if drained:
            return None
        selected = select_pending_entries(_unwalked(settings), batch_size)
        drained = len(selected) < batch_size
        pending = [p for p in selected if p.entry_id not in seen_entries]
        if not pending:
            return None
        seen_entries.update(p.entry_id for p in pending)
        return submit(pending)

    with _timed(summary, "articles"):
        batch = submit_next_batch()
    first = True
    while batch is not None or first:
        # Without new pages this still runs once: versions a crashed cycle left unlinked or
        # unjudged are picked up here.
        first = False
        if batch is not None:
            with _timed(summary, "articles"):
                pages = batch()
                pages_done += len(pages)
                saved = save_pages(_unwalked(pages), _unwalked(settings), _unwalked(state))
                _add_up(summary.articles, _report_dict(saved))
                _report_pages(pages_done, max(pages_total, pages_done))
                # Prefect keeps each task's return value until the flow run ends; emptying the
                # list lets a stored batch's HTML and texts go (about 100 MB per 1,000 pages).
                pages.clear()
                summary.articles["batches"] = summary.articles.get("batches", 0) + 1
                batch = submit_next_batch()
        with _timed(summary, "stories"):
            _add_up(
                summary.stories, _report_dict(link_stories(_unwalked(settings), _unwalked(state)))
            )
        with _timed(summary, "claims"):
            _add_up(
                summary.claims, _report_dict(detect_claims(_unwalked(settings), _unwalked(state)))
            )
    for stage in ("articles", "stories", "claims"):
        _report_stage(summary, stage)


def _ingest_here(
    settings: Settings, poll_all_now: bool, summary: CycleSummary, state: PipelineState
) -> None:
    """`_ingest` with one feed-poll task and page batches extracted on STATE's worker processes."""
    processes = settings.scale.extraction_processes

    def poll(due: list[feeds.DueFeed]) -> list[feeds.FeedFetch]:
        return fetch_feeds(_unwalked(due), _unwalked(settings))

    def submit(pending: list[articles.PendingEntry]) -> Callable[[], list[articles.PageResult]]:
        return fetch_and_extract_pages.submit(
            _unwalked(pending), _unwalked(settings), processes, _unwalked(state.extraction)
        ).result

    _ingest(settings, poll_all_now, summary, state, poll, submit, settings.scale.page_batch_size)


def _pending_pages(settings: Settings) -> int:
    with db.open_db(settings.database) as con:
        return int(db.query(con, "runs_pending_pages", {"now": db.utcnow()})[0][0])


def _report_stage(summary: CycleSummary, stage: str) -> None:
    """One progress line for a finished stage."""
    report = getattr(summary, stage, None) or {}
    PROGRESS.info(
        "%s", cycle_report.stage_line(stage, report, summary.stage_seconds.get(stage, 0.0))
    )


def _report_pages(done: int, total: int) -> None:
    """Page progress on a large cycle (the CLI draws it as a bar on a terminal)."""
    if total >= PROGRESS_MIN_PAGES:
        PROGRESS.info("articles: %d of %d pages", done, total, extra={"progress": (done, total)})


def _progress_to_stdout() -> None:
    """In a `monitor serve` flow-run process, print the progress lines (the runner relays them)."""
    if os.environ.get(PROGRESS_ENV) and not PROGRESS.handlers:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(message)s"))
        PROGRESS.addHandler(handler)
        PROGRESS.setLevel(logging.INFO)
        PROGRESS.propagate = False


def _add_up(totals: dict[str, Any], batch: dict[str, Any]) -> None:
    """Add one batch's report into the cycle's: numbers are summed, lists and dicts joined."""
    for key, value in batch.items():
        if isinstance(value, bool) or value is None or isinstance(value, str):
            totals[key] = value
        elif isinstance(value, dict):
            totals[key] = {**totals.get(key, {}), **value}
        else:
            totals[key] = totals.get(key, [] if isinstance(value, list) else 0) + value


def _shards(items: list[Any], shards: int) -> list[list[Any]]:
    """Split feeds or entries by host, so each host's politeness limit lives in one shard."""
    hosts = sorted({articles.host_of(item.url) for item in items})
    shard_of = {host: i % max(1, shards) for i, host in enumerate(hosts)}
    buckets: list[list[Any]] = [[] for _ in range(max(1, shards))]
    for item in items:
        buckets[shard_of[articles.host_of(item.url)]].append(item)
    return [bucket for bucket in buckets if bucket]


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=5)
def fetch_and_extract_pages(
    pending: list[articles.PendingEntry],
    settings: Settings,
    processes: int = 1,
    pool: articles.ExtractionPool | None = None,
) -> list[articles.PageResult]:
    """Fetch a batch of pages and extract their text on PROCESSES workers of POOL; no database.

    The workers also extract each article's story terms and prepare its claim sentences. On a
    Dask worker there is no POOL: extraction runs in the task (PROCESSES is 1).
    """
    analyze = functools.partial(analysis.analyze_article, settings.linking, settings.claims)
    return articles.fetch_and_extract_pages(pending, settings.fetch, processes, analyze, pool)


@task(cache_policy=NO_CACHE)
def save_pages(results: list[articles.PageResult], settings: Settings, state: PipelineState) -> Any:
    """Store extracted articles and versions (in the flow process: the single writer)."""
    with db.open_db(settings.database) as con:
        report = articles.save_articles(con, results, settings.fetch, db.utcnow())
    analysis.remember_analyses(
        (r.analysis for r in results), settings.linking, settings.claims, state
    )
    return report


@flow(name="monitor-fetch-extract", log_prints=False)
def fetch_extract_flow(
    settings: Settings, poll_all_now: bool, state: PipelineState
) -> CycleSummary:
    """`_ingest` with feed polls and page fetch+extract fanned out by host shard (Dask runner)."""
    shards = settings.scale.feed_shards
    summary = CycleSummary()

    def poll(due: list[feeds.DueFeed]) -> list[feeds.FeedFetch]:
        polls = [fetch_feeds.submit(shard, settings) for shard in _shards(due, shards)]
        return [fetch for poll in polls for fetch in poll.result()]

    def submit(pending: list[articles.PendingEntry]) -> Callable[[], list[articles.PageResult]]:
        futures = [
            fetch_and_extract_pages.submit(shard, settings) for shard in _shards(pending, shards)
        ]
        return lambda: [result for future in futures for result in future.result()]

    _ingest(settings, poll_all_now, summary, state, poll, submit, PAGE_BATCH_SIZE * shards)
    return summary


def _ingest_on_dask(
    settings: Settings, poll_all_now: bool, summary: CycleSummary, state: PipelineState
) -> None:
    """Run fetch_extract_flow with its tasks on the Dask cluster at [scale] dask_address."""
    from prefect_dask.task_runners import DaskTaskRunner

    runner = DaskTaskRunner(address=settings.scale.dask_address)
    # DaskTaskRunner is a TaskRunner at run time; its stubs type its futures more narrowly.
    done = fetch_extract_flow.with_options(task_runner=cast(Any, runner))(
        settings, poll_all_now, state
    )
    summary.feeds, summary.articles = done.feeds, done.articles
    summary.stories, summary.claims = done.stories, done.claims
    summary.stage_seconds.update(done.stage_seconds)


def _start_run(settings: Settings, started_at: datetime) -> int:
    with db.open_db(settings.database) as con:
        return runs.start_run(con, started_at)


def _finish_run(settings: Settings, run_id: int, status: str, summary: CycleSummary) -> None:
    with db.open_db(settings.database) as con:
        runs.finish_run(con, run_id, status, summary.as_dict(), db.utcnow())


@flow(name="monitor-cycle", log_prints=False)
def cycle_flow(
    config_path: str | None = None, poll_all_now: bool = False, lock_wait_seconds: float = 0.0
) -> dict[str, Any]:
    """Run one polling cycle over every due feed and return what it did."""
    logger = get_run_logger()
    _progress_to_stdout()
    settings = load_settings(config_path)
    try:
        with (
            db.cycle_lock(settings.database.path, wait_s=lock_wait_seconds),
            db.hold_open(settings.database),
        ):
            try:
                return _run_stages(settings, poll_all_now, PROCESS_STATE)
            finally:
                # A process may exit right after a fast cycle: the workers must be up by then.
                PROCESS_STATE.extraction.finish_warm_up()
    except db.CycleLockedError as e:
        logger.warning("%s", e)
        PROGRESS.info("cycle skipped: %s", e)
        return CycleSummary(skipped=str(e)).as_dict()


def _run_stages(settings: Settings, poll_all_now: bool, state: PipelineState) -> dict[str, Any]:
    """Every stage in order, recorded in the runs table as completed or failed."""
    summary = CycleSummary()
    started_at = db.utcnow()
    summary.run_id = _start_run(settings, started_at)
    try:
        ingest = _ingest_on_dask if settings.scale.dask_address else _ingest_here
        ingest(settings, poll_all_now, summary, state)
        with _timed(summary, "alerts"):
            report, summary_md = send_alerts(_unwalked(settings), started_at)
            summary.alerts = _report_dict(report)
        _report_stage(summary, "alerts")
        with _timed(summary, "search_index"):
            refresh_search_index(_unwalked(settings))
        _report_stage(summary, "search_index")
        if settings.site.dir is not None:  # the static story site (docs/site.md)
            from flows.site import refresh_site

            with _timed(summary, "site"):
                refresh_site(_unwalked(settings))
            _report_stage(summary, "site")
        create_markdown_artifact(
            key="monitor-cycle-summary",
            markdown=summary_md or "No new or changed claims this cycle.",
            description="New and changed claims found by this cycle",
        )
    except BaseException:
        _finish_run(settings, summary.run_id, "failed", summary)
        raise
    _finish_run(settings, summary.run_id, "completed", summary)
    # The id lists run to thousands of entries on a first cycle: the log gets their lengths.
    get_run_logger().info("cycle %s done: %s", summary.run_id, summary.as_counts())
    _report_summary(settings, summary.as_dict())
    return summary.as_dict()


def _report_summary(settings: Settings, summary: dict[str, Any]) -> None:
    """The closing per-story summary as progress lines; a failure here never fails the cycle."""
    try:
        with db.open_db(settings.database, read_only=True) as con:
            lines = cycle_report.describe_cycle(con, summary)
    except Exception as e:  # noqa: BLE001 - the cycle's work is stored; only the words are lost
        get_run_logger().warning("cycle summary not written: %s", e)
        lines = cycle_report.describe_cycle(None, summary)
    for line in lines:
        PROGRESS.info("%s", line)


def run_cycle(
    config_path: str | Path | None = None,
    poll_all_now: bool = False,
    lock_wait_seconds: float = 0.0,
) -> dict[str, Any]:
    """Run one cycle as a Prefect flow from plain Python (the CLI and tests use this)."""
    return cycle_flow(
        config_path=str(config_path) if config_path else None,
        poll_all_now=poll_all_now,
        lock_wait_seconds=lock_wait_seconds,
    )
