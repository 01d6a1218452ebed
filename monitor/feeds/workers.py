"""Parsing a batch of fetched feeds, large bodies in worker processes killed at the parse deadline."""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.connection
import os
import time
from collections.abc import Sequence
from typing import Any

from monitor.errors import ParseError
from monitor.feeds.model import FeedFetch, ParsedFeed
from monitor.feeds.parse import parse_safely

LOGGER = logging.getLogger(__name__)

# Bodies up to this size are parsed in the cycle's process (feedparser needs at most about 8 s
# of CPU per MB of the densest feed, so about 0.5 s here); larger ones in a worker process that
# is killed at the parse deadline.
PARSE_INLINE_MAX_BYTES = 64 * 1024
PARSE_WORKER_START_S = 60.0  # a parser process that cannot start in this long fails its feeds
_WARM_UP_FEED = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>w</title><item>'
    b"<title>w</title><link>http://warm-up.invalid/1</link><pubDate>Thu, 16 Jun 2022 "
    b"08:00:00 GMT</pubDate></item></channel></rss>"
)


def parse_fetched_feeds(
    fetches: Sequence[FeedFetch],
    parse_timeout_s: float | None,
) -> dict[int, ParsedFeed | ParseError]:
    """Parse every fetched body (by index in FETCHES); with PARSE_TIMEOUT_S, large ones in worker
    processes that are killed when they outlive it."""
    jobs: list[tuple[int, bytes, str, dict[str, str]]] = []
    results: dict[int, ParsedFeed | ParseError] = {}
    for index, fetch in enumerate(fetches):
        response = fetch.response
        if fetch.error is not None or response is None or response.status == 304:
            continue
        if parse_timeout_s is None or len(response.body) <= PARSE_INLINE_MAX_BYTES:
            results[index] = parse_safely(response.body, response.url, response.headers)
        else:
            jobs.append((index, response.body, response.url, response.headers))
    if jobs:
        assert parse_timeout_s is not None
        results.update(_parse_in_workers(jobs, parse_timeout_s))
    return results


def _parse_in_workers(
    jobs: list[tuple[int, bytes, str, dict[str, str]]],
    timeout_s: float,
) -> dict[int, ParsedFeed | ParseError]:
    """Parse JOBS on up to one worker process per CPU; a worker past TIMEOUT_S on a job is killed.

    A job's clock starts when a started worker takes it, so the imports of a new worker do not
    count against the feed.
    """
    context = multiprocessing.get_context("forkserver")
    pending = list(reversed(jobs))
    results: dict[int, ParsedFeed | ParseError] = {}
    starting: dict[Any, tuple[Any, float]] = {}  # connection -> (process, start deadline)
    idle: list[tuple[Any, Any]] = []  # (process, connection)
    # connection -> (process, index, url, body size, deadline)
    busy: dict[Any, tuple[Any, int, str, int, float]] = {}
    workers = max(1, min(len(jobs), os.cpu_count() or 1))
    try:
        while pending or busy:
            while pending and idle:
                process, conn = idle.pop()
                index, body, url, headers = pending.pop()
                try:
                    conn.send((body, url, headers))
                except OSError as e:
                    process.kill()
                    results[index] = ParseError(f"{url}: the feed parser process died: {e}")
                    continue
                busy[conn] = (process, index, url, len(body), time.monotonic() + timeout_s)
            while len(pending) > len(starting) and len(busy) + len(starting) + len(idle) < workers:
                conn, child_conn = context.Pipe()
                process = context.Process(target=_parse_worker, args=(child_conn,), daemon=True)
                process.start()
                child_conn.close()
                starting[conn] = (process, time.monotonic() + PARSE_WORKER_START_S)
            if not busy and not starting:
                continue
            deadlines = [job[-1] for job in busy.values()] + [d for _, d in starting.values()]
            waiting = [*busy, *starting]
            answered = multiprocessing.connection.wait(
                waiting, timeout=max(0.0, min(deadlines) - time.monotonic())
            )
            for conn in [c for c in waiting if c in answered]:
                if conn in starting:
                    process, _ = starting.pop(conn)
                    try:
                        conn.recv()
                        idle.append((process, conn))
                    except (EOFError, OSError):
                        process.kill()
                        _fail_all(pending, results, "the feed parser process did not start")
                    continue
                process, index, url, _, _ = busy.pop(conn)
                try:
                    results[index] = conn.recv()
                    idle.append((process, conn))
                except (EOFError, OSError) as e:
                    results[index] = ParseError(f"{url}: the feed parser process died: {e!r}")
                    process.kill()
            now = time.monotonic()
            for conn, (process, index, url, size, deadline) in list(busy.items()):
                if now >= deadline:
                    process.kill()
                    process.join()
                    del busy[conn]
                    results[index] = ParseError(
                        f"{url}: parse timeout: parsing the {size:,}-byte feed took longer than "
                        f"{timeout_s:g}s (parse_timeout_s); retried at its next check"
                    )
                    LOGGER.warning("feed %s: parse timeout after %.1fs", url, timeout_s)
            for conn, (process, deadline) in list(starting.items()):
                if now >= deadline:
                    process.kill()
                    del starting[conn]
                    _fail_all(pending, results, "the feed parser process did not start in time")
    finally:
        for process, conn in idle:
            conn.close()  # the worker sees EOF and exits
        for process, conn in idle:
            process.join(timeout=1)
            if process.is_alive():
                process.kill()
        for process, *_ in busy.values():
            process.kill()
        for process, _ in starting.values():
            process.kill()
    return results


def _fail_all(
    pending: list[tuple[int, bytes, str, dict[str, str]]],
    results: dict[int, ParsedFeed | ParseError],
    reason: str,
) -> None:
    while pending:
        index, _, url, _ = pending.pop()
        results[index] = ParseError(f"{url}: {reason}; retried at its next check")


def _parse_worker(conn: Any) -> None:
    """In a feed parser process: parse each (body, url, headers) received and send the result back."""
    # One small parse first: feedparser imports parts of itself on first use, and that start-up
    # must not count against the first real feed's deadline.
    parse_safely(_WARM_UP_FEED, "http://warm-up.invalid/", {})
    conn.send("ready")
    while True:
        try:
            body, url, headers = conn.recv()
        except EOFError:
            return
        conn.send(parse_safely(body, url, headers))
