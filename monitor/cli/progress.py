"""Printing a cycle's progress: stage lines as they finish, a page bar on a terminal, the summary."""

from __future__ import annotations

import logging
import sys
from typing import TextIO

# flows.cycle.PROGRESS and PROGRESS_ENV, named here so that commands without Prefect import no flows.
PROGRESS_LOGGER = "flows.progress"
PROGRESS_ENV = "MONITOR_PROGRESS"
BAR_WIDTH = 30  # characters of the page progress bar


class ProgressPrinter(logging.Handler):
    """Writes progress records as plain lines; page progress as one redrawn bar on a terminal."""

    def __init__(self, stream: TextIO | None = None) -> None:
        super().__init__(logging.INFO)
        self.stream = stream or sys.stdout
        self.bar_open = False

    def emit(self, record: logging.LogRecord) -> None:
        progress = getattr(record, "progress", None)
        try:
            if progress is not None and self.stream.isatty():
                done, total = progress
                filled = BAR_WIDTH * done // max(total, 1)
                self.stream.write(
                    f"\rarticles [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total} pages"
                )
                self.bar_open = done < total
                if not self.bar_open:
                    self.stream.write("\n")
            else:
                if self.bar_open:
                    self.stream.write("\n")
                    self.bar_open = False
                self.stream.write(record.getMessage() + "\n")
            self.stream.flush()
        except (BrokenPipeError, ValueError):
            pass  # the reader went away (`| head`): the cycle itself carries on


def print_progress(stream: TextIO | None = None) -> ProgressPrinter:
    """Send the cycle's progress lines to STREAM (default stdout) from now on."""
    logger = logging.getLogger(PROGRESS_LOGGER)
    for old in [h for h in logger.handlers if isinstance(h, ProgressPrinter)]:
        logger.removeHandler(old)
    handler = ProgressPrinter(stream)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return handler
