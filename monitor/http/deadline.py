"""One wall-clock deadline per fetch: each DNS lookup, connect and socket read is cut to fit it."""

from __future__ import annotations

import concurrent.futures
import contextvars
import time

from monitor.errors import DeadlineError
from monitor.http.guard import Resolver
from monitor.settings import FetchSettings

# The wall-clock moment (time.monotonic()) the fetch running in this thread must end by; every
# DNS lookup, connect, TLS handshake and socket read of monitor.http is cut short to fit before it.
FETCH_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "fetch_deadline", default=None
)


def time_left() -> float | None:
    """Seconds until this thread's fetch deadline, or None outside fetch_url."""
    deadline = FETCH_DEADLINE.get()
    return None if deadline is None else deadline - time.monotonic()


def past_deadline() -> bool:
    """True inside fetch_url once its deadline has passed."""
    left = time_left()
    return left is not None and left <= 0


def within_deadline(timeout: float | None, expired: type[Exception]) -> float | None:
    """TIMEOUT shortened to the time left before the deadline; EXPIRED raised once none is left."""
    left = time_left()
    if left is None:
        return timeout
    if left <= 0:
        raise expired("the fetch deadline has passed")
    return left if timeout is None else min(timeout, left)


# DNS lookups run here so a deadline can stop waiting for one; getaddrinfo has no timeout of its
# own, but the system resolver gives up after its own retries, so no lookup thread runs forever.
_RESOLVER_POOL = concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="resolve")


def resolver_within_deadline(resolve: Resolver) -> Resolver:
    """RESOLVE, given up on (as a failed lookup) when the fetch deadline passes first."""

    def bounded(host: str, port: int) -> list[str]:
        left = time_left()
        if left is None:
            return resolve(host, port)
        if left <= 0:
            raise OSError("the fetch deadline passed before the host name was looked up")
        future = _RESOLVER_POOL.submit(resolve, host, port)
        try:
            return future.result(timeout=left)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise OSError(f"no DNS answer within the fetch deadline ({left:.1f}s left)") from None

    return bounded


def deadline_error(url: str, settings: FetchSettings) -> DeadlineError:
    """The error a fetch of URL raises when it ran past settings.total_timeout_s."""
    return DeadlineError(
        f"{url}: deadline exceeded: the exchange took longer than {settings.total_timeout_s:g}s "
        "(total_timeout_s); the server was too slow or stopped sending",
        url,
    )
