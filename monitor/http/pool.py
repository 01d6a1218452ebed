"""Bounded concurrency: a global thread limit and a per-host limit, results in input order."""

from __future__ import annotations

import concurrent.futures
from collections import defaultdict, deque
from collections.abc import Callable, Sequence
from typing import TypeVar

from monitor.errors import MonitorError
from monitor.http.urls import host_key
from monitor.settings import FetchSettings

T = TypeVar("T")
R = TypeVar("R")


def fetch_concurrently(
    items: Sequence[T],
    url_of: Callable[[T], str],
    work: Callable[[T], R],
    settings: FetchSettings,
) -> list[R | MonitorError]:
    """Run work(item) on a pool of global_limit threads, at most per_host_limit per host, in order."""
    results: list[R | MonitorError | None] = [None] * len(items)
    waiting: dict[str, deque[int]] = defaultdict(deque)
    host_order: list[str] = []
    for index, item in enumerate(items):
        host = host_key(url_of(item))
        if host not in waiting:
            host_order.append(host)
        waiting[host].append(index)
    running: dict[str, int] = defaultdict(int)
    futures: dict[concurrent.futures.Future[R], tuple[int, str]] = {}

    def run(index: int) -> R:
        return work(items[index])

    with concurrent.futures.ThreadPoolExecutor(
        max_workers=max(1, min(settings.global_limit, len(items))), thread_name_prefix="fetch"
    ) as pool:
        while waiting or futures:
            # Fill free slots host by host, so one slow host never starves the others.
            progressed = True
            while progressed and len(futures) < settings.global_limit:
                progressed = False
                for host in list(host_order):
                    queue = waiting.get(host)
                    if not queue or running[host] >= settings.per_host_limit:
                        continue
                    if len(futures) >= settings.global_limit:
                        break
                    index = queue.popleft()
                    if not queue:
                        del waiting[host]
                        host_order.remove(host)
                    running[host] += 1
                    futures[pool.submit(run, index)] = (index, host)
                    progressed = True
            done, _ = concurrent.futures.wait(
                list(futures), return_when=concurrent.futures.FIRST_COMPLETED
            )
            for future in done:
                index, host = futures.pop(future)
                running[host] -= 1
                error = future.exception()
                if error is None:
                    results[index] = future.result()
                elif isinstance(error, MonitorError):
                    results[index] = error
                else:
                    raise error
    return results  # type: ignore[return-value]
