"""The `monitor` command: the one entry point for people."""

from __future__ import annotations

import argparse
import errno
import importlib
import logging
import os
import sys
from collections.abc import Callable, Collection, Sequence

from monitor import __version__
from monitor.errors import MonitorError

# Every top-level command: the monitor.cli module that declares its options and runs it, and its
# one-line help. main() imports only the chosen command's module, so a command loads just the
# libraries it uses and `monitor --help` loads none of them.
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("core", "write a starter config and create the database"),
    "run": ("core", "run one polling cycle now, as a Prefect flow"),
    "serve": ("core", "run the cycle on a schedule with Prefect (one process)"),
    "demo": ("core", "offline demo: fixture feeds on loopback, two cycles, one alert"),
    "migrate": ("core", "apply pending schema migrations and recreate the views"),
    "maintenance": ("core", "prune old raw HTML, compact the database, print feed health"),
    "articles": ("core", "the page queue: retry failed or parked pages"),
    "claims": ("claims", "judge claims: diff documents, show a story's ledger"),
    "cluster": (
        "stories",
        "cluster articles from JSONL into stories with the pipeline's online linker",
    ),
    "stories": ("stories", "list, merge or split stories"),
    "feeds": ("feeds", "list feeds with their polling health (errors, parked, next check)"),
    "alerts": ("alerts", "list recent and pending alert deliveries (the outbox)"),
    "query": ("analyst", "run read-only SQL on the database and print the rows"),
    "search": ("analyst", "full-text search over claims and articles"),
    "export": ("analyst", "write every analyst view as a Parquet file"),
    "report": ("analyst", "write a story's timeline as one self-contained HTML page"),
    "site": ("analyst", "write the static story site: index, story pages, feed health"),
    "runs": ("ops", "list recent cycles: completed, failed, crashed or running"),
    "deploy": ("ops", "write deploy/prefect.yaml for `prefect deploy --all`"),
    "eval": ("evals", "score claim detection, story linking or extraction"),
}

START_HERE = """start here:
  monitor init                 write ./monitor.toml and create the database; edit its [[feeds]]
  monitor run                  one cycle: poll feeds, store articles, link stories, judge claims
  monitor report STORY         one story's page, or `monitor site --out DIR` for every story
  monitor demo                 all of it offline, on fixture feeds

exit codes and every command: docs/cli.md"""

# Prefect reads these at import; they are defaults a user's own environment overrides.
PREFECT_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    # The ephemeral API server can take longer than Prefect's 20 s default on a busy 2-core machine.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
}


def build_parser(filled: Collection[str] | None = None) -> argparse.ArgumentParser:
    """The argument parser with every command, and the options of those in `filled` (default all)."""
    parser = argparse.ArgumentParser(
        prog="monitor",
        description="Watch news feeds for developing stories and flag the new claims.",
        epilog=START_HERE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"story-monitor {__version__}")
    parser.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0,
        help="-v: also the monitor's own INFO log lines; -vv: every library's DEBUG lines",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (module, help_text) in COMMANDS.items():
        command = sub.add_parser(name, help=help_text, description=help_text)
        if filled is None or name in filled:
            _declare(module, name)(command)
    return parser


def _declare(module: str, name: str) -> Callable[[argparse.ArgumentParser], None]:
    declarations: dict[str, Callable[[argparse.ArgumentParser], None]] = importlib.import_module(
        f"monitor.cli.{module}"
    ).COMMANDS
    return declarations[name]


def _chosen_command(argv: Sequence[str]) -> list[str]:
    # The global options take no value, so the first word that is not an option is the command.
    return [word for word in argv if not word.startswith("-")][:1]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (docs/cli.md has the table)."""
    words = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(_chosen_command(words)).parse_args(words)
    for name, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(name, value)
    _configure_logging(args.verbose)
    try:
        code = int(args.handler(args))
        sys.stdout.flush()  # here, so that a closed pipe is reported below and not at exit
        return code
    except MonitorError as e:
        print(f"monitor: error: {with_fix(str(e))}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader of our output left (`monitor alerts | head`): stop quietly, and keep Python
        # from reporting the failed flush of stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as e:
        print(f"monitor: error: {describe_os_error(e)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _configure_logging(verbosity: int) -> None:
    """Warnings only; -v adds the monitor's own INFO lines; -vv DEBUG from every library."""
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "DEBUG" if verbosity >= 2 else "WARNING")
    logging.basicConfig(
        level=logging.DEBUG if verbosity >= 2 else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if verbosity == 1:
        for name in PROJECT_LOGGERS:
            logging.getLogger(name).setLevel(logging.INFO)


PROJECT_LOGGERS = ("monitor", "flows")

_OS_ERROR_FIXES = {
    errno.ENOENT: "the folder does not exist: create it first or choose another path",
    errno.ENOTDIR: "part of the path is a file, not a folder: choose another path",
    errno.EEXIST: "part of the path is a file, not a folder: choose another path",
    errno.EACCES: "no permission to write there: choose a writable folder",
    errno.EPERM: "no permission to write there: choose a writable folder",
    errno.EROFS: "the file system is read-only: choose a writable folder",
    errno.ENOSPC: "the disk is full: free space or choose another folder",
}


# Library messages that name the path but not the fix (DuckDB's own wording, passed through).
_MESSAGE_FIXES = {
    "Permission denied": "no permission to write there: choose a writable folder",
    "Read-only file system": "the file system is read-only: choose a writable folder",
    "Not a directory": "part of the path is a file, not a folder: choose another path",
}


def with_fix(message: str) -> str:
    """MESSAGE, with the fix for a known file-system failure appended."""
    for cause, fix in _MESSAGE_FIXES.items():
        if cause in message and fix not in message:
            return f"{message}; {fix}"
    return message


def describe_os_error(e: OSError) -> str:
    """One line: the path, what went wrong, and the fix."""
    where = e.filename if e.filename is not None else "a file"
    fix = _OS_ERROR_FIXES.get(e.errno or 0, "check the path and its permissions")
    return f"{where}: {e.strerror or e}; {fix}"


__all__ = ["COMMANDS", "build_parser", "main"]
