"""Extraction of a batch: in this process, or on worker processes while the rest still downloads.

Everything a worker runs (`extract_response`, `_exit_with_parent`) lives in this module, which the
workers' fork server preloads.
"""

from __future__ import annotations

import concurrent.futures
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from monitor.articles.extract import extract_article
from monitor.articles.fetch import (
    canonical_or_raw,
    entries_by_url,
    fetch_pages,
    non_html_reason,
    page_fetch,
    page_fetcher,
)
from monitor.articles.model import (
    ExtractedArticle,
    ExtractedPage,
    PageFetch,
    PageResult,
    PendingEntry,
)
from monitor.errors import FetchError, MonitorError, ParseError
from monitor.http import FetchResponse, decode_html, fetch_concurrently, make_client
from monitor.settings import FetchSettings

LOGGER = logging.getLogger(__name__)


def fetch_and_extract_pages(
    entries: list[PendingEntry],
    settings: FetchSettings,
    processes: int = 1,
    analyze: Callable[[ExtractedArticle], Any] | None = None,
    pool: ExtractionPool | None = None,
) -> list[PageResult]:
    """Fetch pages concurrently and extract each one as soon as it arrives, on PROCESSES workers.

    With more than one process, extraction of the first pages overlaps the download of the rest,
    and trafilatura uses every core instead of one. ANALYZE (picklable, pure) also runs on the
    workers for each extracted article; its result comes back as `PageResult.analysis`. POOL is
    a standing pool to use (the cycle's); without one, a pool is started for this call and shut
    down at its end.
    """
    own = pool is None
    pool = ExtractionPool() if pool is None else pool
    try:
        return _fetch_and_extract(entries, settings, processes, analyze, pool)
    finally:
        if own:
            pool.shutdown(wait=True)


def _fetch_and_extract(
    entries: list[PendingEntry],
    settings: FetchSettings,
    processes: int,
    analyze: Callable[[ExtractedArticle], Any] | None,
    pool: ExtractionPool,
) -> list[PageResult]:
    workers = pool.executor(processes)
    if workers is None:
        return extract_pages(fetch_pages(entries, settings), analyze)
    submit = workers.submit
    by_url = entries_by_url(entries)
    urls = list(by_url)
    fetch_one = page_fetcher(settings, client := make_client(settings))

    def fetch_then_submit(url: str) -> tuple[FetchResponse, Future[ExtractedPage] | None]:
        response = fetch_one(url)
        if non_html_reason(response):
            return response, None
        return response, submit(extract_response, response, analyze)

    with client:
        outcomes = fetch_concurrently(urls, lambda url: url, fetch_then_submit, settings)
    results: dict[int, PageResult] = {}
    for url, outcome in zip(urls, outcomes, strict=True):
        if isinstance(outcome, MonitorError):
            for entry in by_url[url]:
                results[entry.entry_id] = page_result(page_fetch(entry, url, outcome))
            continue
        response, future = outcome
        extracted = _collect(future, response.url, pool) if future is not None else None
        for entry in by_url[url]:
            results[entry.entry_id] = page_result(page_fetch(entry, url, response), extracted)
    return [results[entry.entry_id] for entry in entries]


def _collect(future: Future[ExtractedPage], url: str, pool: ExtractionPool) -> ExtractedPage:
    try:
        return future.result()
    except BrokenProcessPool:
        # A worker died (a page crashed lxml, or the OOM killer): the page is retried next cycle
        # and the next batch gets a fresh pool.
        pool.shutdown()
        return ExtractedPage(None, None, f"extraction worker process died while extracting {url}")
    except Exception as e:  # noqa: BLE001 - e.g. a result too large to send back: data, not a crash
        return ExtractedPage(
            None, None, f"extraction in a worker process failed: {type(e).__name__}: {e}"
        )


def extract_response(
    response: FetchResponse, analyze: Callable[[ExtractedArticle], Any] | None = None
) -> ExtractedPage:
    """Decode a fetched page and extract its article; a failure is returned as data, never raised."""
    try:
        html = decode_html(response.body, response.headers)
        article = extract_article(html, canonical_or_raw(response.url))
    except Exception as e:  # noqa: BLE001 - a broken page is data, not a crash
        return ExtractedPage(None, None, f"{type(e).__name__}: {e}")
    analysis = None
    if analyze is not None and article is not None:
        try:
            analysis = analyze(article)
        except Exception as e:  # noqa: BLE001 - the later stage does the work itself instead
            LOGGER.warning(
                "analysing %s in the extraction worker failed: %s: %s",
                response.url,
                type(e).__name__,
                e,
            )
    return ExtractedPage(article, html, analysis=analysis)


def page_result(
    fetch: PageFetch,
    extracted: ExtractedPage | None = None,
    analyze: Callable[[ExtractedArticle], Any] | None = None,
) -> PageResult:
    """One entry's outcome from its fetch and, for an HTML page, its extraction (run here if absent)."""
    entry = fetch.entry
    response = fetch.response
    url = canonical_or_raw(response.url if response else entry.url)
    if fetch.error is not None or response is None:
        return PageResult(
            entry, url, error=fetch.error or FetchError(f"{entry.url}: no response", entry.url)
        )
    if fetch.skip_reason:
        return PageResult(entry, url, skip_reason=fetch.skip_reason)
    if extracted is None:
        extracted = extract_response(response, analyze)
    if extracted.error is not None:
        LOGGER.warning("entry %s: extracting %s failed: %s", entry.entry_id, url, extracted.error)
        return PageResult(
            entry, url, error=ParseError(f"{url}: extraction failed: {extracted.error}")
        )
    if extracted.article is None:
        reason = f"no article text could be extracted from {url}"
        return PageResult(entry, url, raw_html=extracted.html, skip_reason=reason)
    return PageResult(
        entry, url, article=extracted.article, raw_html=extracted.html, analysis=extracted.analysis
    )


def extract_pages(
    fetches: list[PageFetch], analyze: Callable[[ExtractedArticle], Any] | None = None
) -> list[PageResult]:
    """Decode and extract every fetched page in this process; failures become results."""
    return [page_result(fetch, None, analyze) for fetch in fetches]


class ExtractionPool:
    """Extraction worker processes, started on first use and kept until `shutdown`.

    One owner holds it (the cycle's `monitor.state.PipelineState`) and passes it in; a call
    given none starts its own and shuts it down. PRELOAD names modules the fork server imports
    once, so workers share them (e.g. the module of an `analyze` function).
    """

    def __init__(self, preload: Sequence[str] = ()) -> None:
        self.preload = tuple(preload)
        self._lock = threading.Lock()
        self._running: tuple[int, ProcessPoolExecutor] | None = None
        self._warm_ups: list[threading.Thread] = []

    @property
    def started(self) -> bool:
        """Whether worker processes are running (or starting)."""
        return self._running is not None

    def executor(self, processes: int) -> ProcessPoolExecutor | None:
        """The pool of PROCESSES workers (0: one per CPU), started if needed; None for in-process."""
        wanted = processes or os.cpu_count() or 1
        if wanted <= 1:
            return None
        with self._lock:
            if self._running is not None and self._running[0] == wanted:
                return self._running[1]
            self._discard()
            # forkserver, not fork: the cycle process runs Prefect's threads, and forking a
            # threaded process can copy a held lock into the child. The server preloads this
            # module once.
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload([__name__, *self.preload])
            workers = ProcessPoolExecutor(
                wanted, mp_context=context, initializer=_exit_with_parent, initargs=(os.getpid(),)
            )
            self._running = (wanted, workers)
            return workers

    def warm(self, processes: int) -> None:
        """Start the workers in the background, so their start-up overlaps feed polling."""

        def start() -> None:
            workers = self.executor(processes)
            if workers is not None:
                started = [workers.submit(int) for _ in range(processes or os.cpu_count() or 1)]
                concurrent.futures.wait(started)

        thread = threading.Thread(target=start, name="extraction-pool-warm-up", daemon=True)
        self._warm_ups.append(thread)
        thread.start()

    def finish_warm_up(self) -> None:
        """Wait until the workers `warm` started are up.

        A process that exits while they start leaves tracebacks behind: the warm-up thread's submit
        fails ("cannot schedule new futures after interpreter shutdown") and a half-started worker
        finds its semaphore gone (FileNotFoundError).
        """
        while self._warm_ups:
            self._warm_ups.pop().join()

    def shutdown(self, wait: bool = False) -> None:
        """Stop the workers (cancelling queued work); the next `executor` call starts new ones."""
        with self._lock:
            self._discard(wait)

    def _discard(self, wait: bool = False) -> None:
        if self._running is not None:
            self._running[1].shutdown(wait=wait, cancel_futures=True)
            self._running = None


def _exit_with_parent(parent_pid: int, check_every_s: float = 2.0) -> None:
    """In an extraction worker: exit once the cycle process is gone.

    Pool workers wait on their task queue forever; if the cycle process is killed (SIGKILL, the
    OOM killer), nothing else would ever stop them and their fork server.
    """

    def watch() -> None:
        while True:
            time.sleep(check_every_s)
            try:
                os.kill(parent_pid, 0)
            except ProcessLookupError:
                os._exit(0)
            except PermissionError:
                continue

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()
