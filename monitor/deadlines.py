"""Hard wall-clock deadlines for blocking calls that have none of their own (alert sends)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from monitor.errors import DeadlineError

T = TypeVar("T")

# An alert send may take this many times [alerts] send_timeout_s in all: connect, request, answer.
ALERT_SEND_DEADLINE_FACTOR = 3.0

_STUCK: dict[str, threading.Thread] = {}
_STUCK_LOCK = threading.Lock()


def alert_send_deadline_s(send_timeout_s: float) -> float:
    """The hard deadline for one alert send, from the channel's socket timeout."""
    return send_timeout_s * ALERT_SEND_DEADLINE_FACTOR


def call_with_deadline(call: Callable[[], T], deadline_s: float, key: str) -> T:
    """CALL's result if it returns within DEADLINE_S seconds; DeadlineError otherwise.

    CALL runs in a daemon thread that is left behind when the deadline passes (a blocking socket
    call cannot be interrupted from outside). While it is still stuck, calls under the same KEY
    fail at once, so one stuck channel holds at most one thread.
    """
    with _STUCK_LOCK:
        stuck = _STUCK.get(key)
        if stuck is not None and stuck.is_alive():
            raise DeadlineError(
                f"{key}: an earlier call is still stuck past its {deadline_s:g}s deadline"
            )
        _STUCK.pop(key, None)
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["result"] = call()
        except BaseException as e:  # noqa: BLE001 - handed to the caller's thread below
            outcome["error"] = e

    thread = threading.Thread(target=run, name=f"deadline-{key}", daemon=True)
    thread.start()
    thread.join(deadline_s)
    if thread.is_alive():
        with _STUCK_LOCK:
            _STUCK[key] = thread
        raise DeadlineError(f"{key}: no answer within the {deadline_s:g}s deadline")
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["result"]  # type: ignore[return-value]
