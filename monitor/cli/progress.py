"""Printing a cycle's progress: stage lines as they finish, a page bar on a terminal, the summary."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
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


# Where the monitor's own code lives: the run loggers' records from here are the project's lines.
_PROJECT_DIRS = tuple(
    str(path)
    for path in (Path(__file__).resolve().parents[1], Path(__file__).resolve().parents[2] / "flows")
)
RUN_LOGGERS = ("prefect.flow_runs", "prefect.task_runs")


class ProjectRecords(logging.Filter):
    """Keeps warnings, and INFO lines logged by the monitor's own code; drops Prefect's own INFO."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING or record.pathname.startswith(_PROJECT_DIRS)


def show_run_logs() -> None:
    """`-v`: print what the flows log through Prefect's run logger, without Prefect's own lines.

    Call it after Prefect is imported: Prefect's logging setup resets these loggers' levels.
    """
    for name in RUN_LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(logging.INFO)
        if not any(isinstance(f, ProjectRecords) for f in logger.filters):
            logger.addFilter(ProjectRecords())
