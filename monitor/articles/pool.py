"""Extraction of a batch: in this process, or on worker processes while the rest still downloads.

Every page extracted on a worker has a deadline (`[fetch] extract_timeout_s`): a worker still busy
with a page when it passes is killed and replaced, and the page is recorded as failed. Everything
a worker runs (`extract_response`, `_worker_main`) lives in this module, which the workers' fork
server preloads.
"""

from __future__ import annotations

import atexit
import collections
import concurrent.futures
import logging
import multiprocessing
import multiprocessing.connection
import os
import threading
import time
import weakref
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
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

# With one extraction process, a page with more tags ("<" bytes) than this is extracted on a
# worker process under the deadline instead of here. 99 % of the 1,033 pages of trafilatura's
# benchmark have fewer than 5,900; the worst shape measured (a run of short paragraphs, which
# justext's neighbour search handles in quadratic time) needs about 4 s here at this count.
INPROCESS_MAX_TAGS = 8_000
# A worker process that has not said it is ready after this long fails the pages waiting for it.
WORKER_START_S = 60.0


def fetch_and_extract_pages(
    entries: list[PendingEntry],
    settings: FetchSettings,
    processes: int = 1,
    analyze: Callable[[ExtractedArticle], Any] | None = None,
    pool: ExtractionPool | None = None,
) -> list[PageResult]:
    """Fetch pages concurrently and extract each one as soon as it arrives, on PROCESSES workers.

    With more than one process, extraction of the first pages overlaps the download of the rest,
    and trafilatura uses every core instead of one. A page still extracting after
    `settings.extract_timeout_s` has its worker killed and replaced and becomes a failed page.
    With one process, pages are extracted here, except those with over `INPROCESS_MAX_TAGS`
    tags, which go to one worker process under the same deadline. ANALYZE (picklable, pure) also
    runs on the workers for each extracted article; its result comes back as
    `PageResult.analysis`. POOL is a standing pool to use (the cycle's); without one, a pool is
    started for this call and shut down at its end.
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
    timeout_s = settings.extract_timeout_s
    workers = pool.executor(processes)
    if workers is None:
        return _extract_mostly_here(fetch_pages(entries, settings), timeout_s, analyze, pool)
    by_url = entries_by_url(entries)
    urls = list(by_url)
    fetch_one = page_fetcher(settings, client := make_client(settings))

    def fetch_then_submit(url: str) -> tuple[FetchResponse, Future[ExtractedPage] | None]:
        response = fetch_one(url)
        if non_html_reason(response):
            return response, None
        return response, workers.submit_within(timeout_s, extract_response, response, analyze)

    with client:
        outcomes = fetch_concurrently(urls, lambda url: url, fetch_then_submit, settings)
    results: dict[int, PageResult] = {}
    for url, outcome in zip(urls, outcomes, strict=True):
        if isinstance(outcome, MonitorError):
            for entry in by_url[url]:
                results[entry.entry_id] = page_result(page_fetch(entry, url, outcome))
            continue
        response, future = outcome
        extracted = _collect(future, canonical_or_raw(response.url)) if future else None
        for entry in by_url[url]:
            results[entry.entry_id] = page_result(page_fetch(entry, url, response), extracted)
    return [results[entry.entry_id] for entry in entries]


def _extract_mostly_here(
    fetches: list[PageFetch],
    timeout_s: float,
    analyze: Callable[[ExtractedArticle], Any] | None,
    pool: ExtractionPool,
) -> list[PageResult]:
    """Extract FETCHES in this process, sending pages with many tags to a worker first."""
    futures: dict[int, Future[ExtractedPage]] = {}
    for index, fetch in enumerate(fetches):
        response = fetch.response
        if response is None or fetch.error is not None or fetch.skip_reason is not None:
            continue
        if response.body.count(b"<") <= INPROCESS_MAX_TAGS:
            continue
        workers = pool.isolated()
        if workers is None:
            LOGGER.warning(
                "extracting %s here without a deadline: this process may not start workers",
                response.url,
            )
            break
        futures[index] = workers.submit_within(timeout_s, extract_response, response, analyze)
    return [
        page_result(fetch, _collect(futures[index], _page_url(fetch)), analyze)
        if index in futures
        else page_result(fetch, None, analyze)
        for index, fetch in enumerate(fetches)
    ]


def _page_url(fetch: PageFetch) -> str:
    return canonical_or_raw(fetch.response.url if fetch.response else fetch.entry.url)


class ExtractionTimeout(Exception):
    """A job outlived its deadline on a worker process, which was killed."""

    def __init__(self, timeout_s: float) -> None:
        super().__init__(f"exceeded {timeout_s:g} s")
        self.timeout_s = timeout_s


def _collect(future: Future[ExtractedPage], url: str) -> ExtractedPage:
    """The page a worker extracted, or the reason it could not (as data, never raised)."""
    try:
        return future.result()
    except ExtractionTimeout as e:
        # The page is retried on a later cycle like any failed page, then parked.
        return ExtractedPage(
            None, None, f"extraction of {url} exceeded {e.timeout_s:g} s (extract_timeout_s)"
        )
    except BrokenProcessPool:
        # A worker died (a page crashed lxml, or the OOM killer): the page is retried next cycle;
        # the pool has already started a replacement.
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
        error = extracted.error
        message = error if url in error else f"{url}: extraction failed: {error}"
        return PageResult(entry, url, error=ParseError(message))
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
        self._running: tuple[int, ExtractionWorkers] | None = None
        self._warm_ups: list[threading.Thread] = []

    @property
    def started(self) -> bool:
        """Whether worker processes are running (or starting)."""
        return self._running is not None

    def executor(self, processes: int) -> ExtractionWorkers | None:
        """The pool of PROCESSES workers (0: one per CPU), started if needed; None for in-process."""
        wanted = processes or os.cpu_count() or 1
        return None if wanted <= 1 else self._workers(wanted)

    def isolated(self) -> ExtractionWorkers | None:
        """One worker, for the pages in-process extraction sends away; None in a daemon process.

        A daemon process (e.g. a Dask worker) may not start processes of its own.
        """
        if multiprocessing.current_process().daemon:
            return None
        return self._workers(1)

    def _workers(self, count: int) -> ExtractionWorkers:
        with self._lock:
            running = self._running
            if running is not None and running[0] == count and not running[1].broken:
                return running[1]
            self._discard()
            workers = ExtractionWorkers(count, [__name__, *self.preload])
            self._running = (count, workers)
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
        """Wait until the workers `warm` started are up."""
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


# Seconds an exiting process waits for the pools' running jobs before it lets them be killed.
EXIT_WAIT_S = 5.0
_LIVE_WORKERS: weakref.WeakSet[ExtractionWorkers] = weakref.WeakSet()


def _stop_workers_at_exit() -> None:
    """Stop every pool before multiprocessing's own exit handler kills the workers.

    Registered after multiprocessing's handler, so it runs first. Without it the dispatcher,
    still running while the interpreter exits, replaces the workers being killed and leaves the
    fork server a half-sent request (an EOFError traceback on stderr).
    """
    pools = list(_LIVE_WORKERS)
    for pool in pools:
        pool.shutdown(wait=False, cancel_futures=True)
    for pool in pools:
        pool._thread.join(timeout=EXIT_WAIT_S)


atexit.register(_stop_workers_at_exit)


@dataclass
class _Job:
    future: Future[Any]
    fn: Callable[..., Any]
    args: tuple[Any, ...]
    timeout_s: float | None


@dataclass
class _Worker:
    process: Any  # multiprocessing.Process of the forkserver context
    conn: Any  # our end of its pipe
    start_by: float  # monotonic time by which it must have said "ready"
    ready: bool = False
    job: _Job | None = None
    deadline: float = float("inf")  # monotonic time its job must be done by


class ExtractionWorkers:
    """COUNT worker processes that each run one job at a time, with a deadline per job.

    Like `concurrent.futures.ProcessPoolExecutor`, but a job that outlives its deadline has its
    worker killed (`ExtractionTimeout`), and a worker that dies (`BrokenProcessPool`) fails only
    its own job: either way a fresh worker takes its place and the other jobs go on. A job's clock
    starts when a ready worker takes it, so queueing and worker start-up do not count. Workers
    come from a fork server that preloads PRELOAD: the cycle process runs Prefect's threads, and
    a plain fork of a threaded process can copy a held lock into the child.
    """

    def __init__(self, count: int, preload: Sequence[str]) -> None:
        self.count = count
        self.broken = False
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(list(preload))
        self._lock = threading.Lock()
        self._queue: collections.deque[_Job] = collections.deque()
        self._closing = False
        self._wake_r, self._wake_w = os.pipe()
        self._pipe_open = True
        self._workers: list[_Worker] = []
        self._thread = threading.Thread(
            target=self._dispatch, name="extraction-workers", daemon=True
        )
        self._thread.start()
        _LIVE_WORKERS.add(self)

    def submit(self, fn: Callable[..., Any], /, *args: Any) -> Future[Any]:
        """Run FN(*ARGS) on a worker, with no deadline."""
        return self.submit_within(None, fn, *args)

    def submit_within(
        self, timeout_s: float | None, fn: Callable[..., Any], /, *args: Any
    ) -> Future[Any]:
        """Run FN(*ARGS) on a worker, killed if it takes more than TIMEOUT_S seconds."""
        future: Future[Any] = Future()
        with self._lock:
            if self._closing or self.broken:
                raise RuntimeError("the extraction workers are shut down")
            self._queue.append(_Job(future, fn, args, timeout_s))
        self._wake()
        return future

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        """Stop taking jobs; stop the workers once the queue (or, CANCEL_FUTURES, the running
        jobs only) are done; WAIT for that."""
        with self._lock:
            self._closing = True
            if cancel_futures:
                while self._queue:
                    self._queue.popleft().future.cancel()
        self._wake()
        if wait and self._thread is not threading.current_thread():
            self._thread.join()

    def _wake(self) -> None:
        with self._lock:
            if self._pipe_open:
                os.write(self._wake_w, b"x")

    def _dispatch(self) -> None:
        """The pool's one thread: start workers, hand out jobs, collect results, kill overruns."""
        try:
            while self._step():
                pass
        except BaseException as e:  # no job may wait forever on a dead dispatcher
            LOGGER.exception("the extraction worker pool failed")
            self.broken = True
            self._fail_all(
                BrokenProcessPool(f"the extraction worker pool failed: {e!r}"), running=True
            )
        finally:
            for worker in self._workers:
                self._stop(worker)
            self._workers.clear()
            with self._lock:
                self._pipe_open = False
                os.close(self._wake_r)
                os.close(self._wake_w)

    def _step(self) -> bool:
        """One round of the dispatcher; False once shut down and idle."""
        with self._lock:
            queued = len(self._queue)
            closing = self._closing
        busy = [w for w in self._workers if w.job is not None]
        if closing and not queued and not busy:
            return False
        wanted = min(self.count, queued + len(busy)) if closing else self.count
        while len(self._workers) < wanted:
            self._workers.append(self._start_worker())
        for worker in list(self._workers):  # _hand_out drops a worker found dead
            if worker.ready and worker.job is None:
                self._hand_out(worker)
        now = time.monotonic()
        deadlines = [w.deadline if w.ready else w.start_by for w in self._workers]
        timeout = max(0.0, min(deadlines, default=now + 60) - now)
        waiting = [self._wake_r, *(w.conn for w in self._workers)]
        for ready in multiprocessing.connection.wait(waiting, timeout=min(timeout, 60.0)):
            if ready == self._wake_r:
                os.read(self._wake_r, 4096)
                continue
            worker = next(w for w in self._workers if w.conn is ready)
            self._receive(worker)
        now = time.monotonic()
        for worker in list(self._workers):
            if worker.job is not None and now >= worker.deadline:
                job = worker.job
                assert job.timeout_s is not None
                self._replace(worker)
                job.future.set_exception(ExtractionTimeout(job.timeout_s))
            elif not worker.ready and now >= worker.start_by:
                self._replace(worker)
                self._give_up(f"an extraction worker did not start within {WORKER_START_S:g} s")
        return True

    def _start_worker(self) -> _Worker:
        conn, child_conn = self._context.Pipe()
        process = self._context.Process(
            target=_worker_main,
            args=(child_conn, os.getpid()),
            name="extraction-worker",
            daemon=True,  # killed, not waited for, if this process exits without a shutdown
        )
        process.start()
        child_conn.close()
        return _Worker(process, conn, time.monotonic() + WORKER_START_S)

    def _hand_out(self, worker: _Worker) -> None:
        """Give WORKER the next queued job that is not cancelled."""
        while True:
            with self._lock:
                if not self._queue:
                    return
                job = self._queue.popleft()
            if not job.future.set_running_or_notify_cancel():
                continue
            try:
                worker.conn.send((job.fn, job.args))
            except OSError:
                self._replace(worker)
                job.future.set_exception(BrokenProcessPool("an extraction worker process died"))
                return
            except Exception as e:  # noqa: BLE001 - the job cannot be pickled: its own failure
                job.future.set_exception(e)
                continue
            worker.job = job
            worker.deadline = (
                float("inf") if job.timeout_s is None else time.monotonic() + job.timeout_s
            )
            return

    def _receive(self, worker: _Worker) -> None:
        try:
            message = worker.conn.recv()
        except (EOFError, OSError):
            job = worker.job
            started = worker.ready
            self._replace(worker)
            if job is not None:
                job.future.set_exception(
                    BrokenProcessPool(
                        f"an extraction worker process died (exit code {worker.process.exitcode})"
                    )
                )
            elif not started:
                self._give_up("an extraction worker process exited while starting")
            return
        if message == "ready":
            worker.ready = True
            return
        job, worker.job, worker.deadline = worker.job, None, float("inf")
        if job is None:
            return
        ok, value = message
        if ok:
            job.future.set_result(value)
        else:
            job.future.set_exception(value)

    def _replace(self, worker: _Worker) -> None:
        """Kill WORKER and drop it; the next round starts a fresh one if there is work."""
        self._stop(worker)
        self._workers.remove(worker)

    def _stop(self, worker: _Worker) -> None:
        if worker.job is None and worker.ready:
            worker.conn.close()  # an idle worker sees EOF and exits by itself
            worker.process.join(timeout=1)
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join()
        if not worker.conn.closed:
            worker.conn.close()

    def _give_up(self, reason: str) -> None:
        """Workers cannot be started: fail every queued job and refuse new ones."""
        LOGGER.error("%s; the jobs waiting for it fail", reason)
        self.broken = True
        self._fail_all(BrokenProcessPool(reason))

    def _fail_all(self, error: BaseException, running: bool = False) -> None:
        """Fail the queued jobs and, with RUNNING, those on a worker (whose result is then lost)."""
        with self._lock:
            self._closing = True
            jobs = list(self._queue)
            self._queue.clear()
        for job in jobs:
            if job.future.set_running_or_notify_cancel():
                job.future.set_exception(error)
        if running:
            for worker in self._workers:
                if worker.job is not None and not worker.job.future.done():
                    worker.job.future.set_exception(error)


def _worker_main(conn: Any, parent_pid: int) -> None:
    """An extraction worker: run each (function, arguments) received and send back its outcome.

    It returns when its pipe closes: the pool shut down, or the cycle process is gone.
    """
    _exit_with_parent(parent_pid)
    try:
        conn.send("ready")
        while True:
            try:
                fn, args = conn.recv()
            except EOFError:
                return
            try:
                outcome: tuple[bool, Any] = (True, fn(*args))
            except BaseException as e:  # noqa: BLE001 - sent back to fail the job, not the worker
                outcome = (False, e)
            try:
                conn.send(outcome)
            except OSError:
                raise
            except Exception as e:  # noqa: BLE001 - e.g. a result that cannot be pickled
                conn.send((False, RuntimeError(f"the result could not be sent back: {e!r}")))
    except OSError:
        return


def _exit_with_parent(parent_pid: int, check_every_s: float = 2.0) -> None:
    """In an extraction worker: exit once the cycle process is gone.

    Workers wait on their pipe forever; if the cycle process is killed (SIGKILL, the OOM killer),
    nothing else would ever stop them and their fork server.
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
