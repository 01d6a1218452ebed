"""What every command shares: --config and --format, loading the settings, table and JSON output."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from monitor.errors import MonitorError
from monitor.settings import Settings, load_settings, resolve_config_path

Handler = Callable[[argparse.Namespace], int]
if TYPE_CHECKING:
    Actions: TypeAlias = argparse._SubParsersAction[argparse.ArgumentParser]


class UsageError(MonitorError):
    """A command-line argument names a path or value that cannot work (exit 2)."""


CONFIG_HELP = "config file (default: $MONITOR_CONFIG, then ./monitor.toml)"


def add_config(
    parser: argparse.ArgumentParser, *, inherited: bool = False, help_text: str = CONFIG_HELP
) -> None:
    """--config; `inherited` keeps a value given before an action (`monitor feeds --config X reset`)."""
    parser.add_argument(
        "--config", metavar="PATH", default=argparse.SUPPRESS if inherited else None, help=help_text
    )


def add_format(
    parser: argparse.ArgumentParser,
    choices: Sequence[str] = ("table", "json"),
    *,
    inherited: bool = False,
    help_text: str | None = None,
) -> None:
    """--format with the first choice as the default; `inherited` as for add_config."""
    parser.add_argument(
        "--format",
        choices=list(choices),
        default=argparse.SUPPRESS if inherited else choices[0],
        help=help_text,
    )


def add_command(
    actions: Actions,
    name: str,
    handler: Handler,
    help_text: str,
    *,
    description: str | None = None,
    config: bool = True,
) -> argparse.ArgumentParser:
    """One sub-command that runs `handler`, with --config unless `config` is False."""
    parser = actions.add_parser(name, help=help_text, description=description or help_text)
    if config:
        add_config(parser)
    parser.set_defaults(handler=handler)
    return parser


def settings(args: argparse.Namespace) -> Settings:
    """The validated config the command was given (--config, $MONITOR_CONFIG, ./monitor.toml)."""
    return load_settings(getattr(args, "config", None))


def optional_settings(args: argparse.Namespace) -> Settings:
    """As settings(), but the defaults when no --config is given and no config file is found."""
    if getattr(args, "config", None) or resolve_config_path(None).exists():
        return settings(args)
    return Settings()


def wants_json(args: argparse.Namespace) -> bool:
    """True when the command was asked for --format json."""
    return getattr(args, "format", None) == "json"


def print_json(value: Any) -> None:
    """Write a value as indented JSON to stdout."""
    json.dump(value, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")


def print_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Left-aligned columns two spaces apart, as wide as their widest cell."""
    lines = [list(header), *(list(row) for row in rows)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    for line in lines:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        )


def print_error(message: str) -> None:
    """One `monitor: error: ...` line on stderr."""
    print(f"monitor: error: {message}", file=sys.stderr)


def when(value: dt.datetime | None) -> str:
    """A timestamp to the minute, or '-'."""
    return value.strftime("%Y-%m-%d %H:%M") if value is not None else "-"


def clip(text: str, width: int) -> str:
    """Whitespace collapsed, cut to `width` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def require_parent_folder(path: Path, option: str) -> None:
    """Raise UsageError unless PATH's parent is an existing, writable folder."""
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.exists():
        raise UsageError(f"{option} {path}: folder {parent} does not exist; create it first")
    if not parent.is_dir():
        raise UsageError(f"{option} {path}: {parent} is a file, not a folder; choose another path")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise UsageError(f"{option} {path}: folder {parent} is not writable; choose another path")
