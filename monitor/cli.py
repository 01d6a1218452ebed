"""The `monitor` command: the one entry point for people."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from monitor import __version__
from monitor.errors import MonitorError

Handler = Callable[[argparse.Namespace], int]


def _config_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config", metavar="PATH",
        help="config file (default: $MONITOR_CONFIG, then ./monitor.toml)",
    )


def _command(
    sub: Any, name: str, handler: Handler, help_text: str, config: bool = True
) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(name, help=help_text, description=help_text)
    if config:
        _config_option(parser)
    parser.set_defaults(handler=handler)
    return parser


# --- core commands: init, run, serve, demo, query, migrate -------------------------------------


def _add_core_commands(sub: Any) -> None:
    pass


# --- claims commands (issue 3) ------------------------------------------------------------------


def _add_claims_commands(sub: Any) -> None:
    pass


# --- stories commands (issue 4) -----------------------------------------------------------------


def _add_stories_commands(sub: Any) -> None:
    pass


# --- feeds commands (issue 5) -------------------------------------------------------------------


def _add_feeds_commands(sub: Any) -> None:
    pass


# --- alerts commands (issue 6) ------------------------------------------------------------------


def _add_alerts_commands(sub: Any) -> None:
    pass


# --- analyst commands: export, report (issue 9) -------------------------------------------------


def _add_analyst_commands(sub: Any) -> None:
    pass


# --- eval commands: `monitor eval claims|stories|extraction` -----------------------------------


def _add_eval_commands(sub: Any) -> None:
    parser = sub.add_parser("eval", help="score claim detection, story linking or extraction")
    evals = parser.add_subparsers(dest="eval_command", required=True, metavar="TASK")
    claims = _command(evals, "claims", _cmd_eval_claims, "score claim novelty on MRPC-format pairs", False)
    claims.add_argument("--pairs", required=True, help="TSV in MRPC format (Quality, #1 ID, #2 ID, #1 String, #2 String)")
    claims.add_argument("--folds", type=int, default=0, help="also report k-fold cross-validation")
    claims.add_argument("--format", choices=["table", "json"], default="table")
    stories = _command(evals, "stories", _cmd_eval_stories, "score online story linking on ECB+-style JSONL", False)
    stories.add_argument("docs", help="JSONL with doc_id, subtopic, title, text")
    stories.add_argument("--shuffles", type=int, default=5, help="shuffled orders to average over")
    stories.add_argument("--format", choices=["table", "json"], default="table")
    extraction = _command(evals, "extraction", _cmd_eval_extraction, "score page extraction on trafilatura's benchmark", False)
    extraction.add_argument("dataset", help="folder with evaldata.json and html/")
    extraction.add_argument("--limit", type=int, default=0, help="score only the first N pages")
    extraction.add_argument("--format", choices=["table", "json"], default="table")


def _cmd_eval_claims(args: argparse.Namespace) -> int:
    from monitor.evals import claims

    return claims.main(args)


def _cmd_eval_stories(args: argparse.Namespace) -> int:
    from monitor.evals import stories

    return stories.main(args)


def _cmd_eval_extraction(args: argparse.Namespace) -> int:
    from monitor.evals import extraction

    return extraction.main(args)


# --- wiring -------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every command."""
    parser = argparse.ArgumentParser(
        prog="monitor",
        description="Watch news feeds for developing stories and flag the new claims.",
    )
    parser.add_argument("--version", action="version", version=f"story-monitor {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_core_commands(sub)
    _add_claims_commands(sub)
    _add_stories_commands(sub)
    _add_feeds_commands(sub)
    _add_alerts_commands(sub)
    _add_analyst_commands(sub)
    _add_eval_commands(sub)
    return parser


def print_json(value: Any) -> None:
    """Write a value as indented JSON to stdout."""
    json.dump(value, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        return int(args.handler(args))
    except MonitorError as e:
        print(f"monitor: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())


__all__ = ["main", "build_parser", "print_json", "Path"]
