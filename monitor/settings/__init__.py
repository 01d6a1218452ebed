"""One typed settings object, read from one TOML file and validated at start-up."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError

from monitor.errors import ConfigError
from monitor.settings.base import Section
from monitor.settings.judging import (
    MODEL_PACKAGES,
    ClaimSettings,
    LinkingSettings,
)
from monitor.settings.output import (
    AlertSettings,
    ScaleSettings,
    SearchSettings,
    SiteSettings,
)
from monitor.settings.sources import (
    ChannelConfig,
    DatabaseSettings,
    FeedConfig,
    FetchSettings,
    PollingSettings,
    StoryConfig,
)

__all__ = [
    "CONFIG_ENV_VAR",
    "DEFAULT_CONFIG_PATH",
    "MODEL_PACKAGES",
    "AlertSettings",
    "ChannelConfig",
    "ClaimSettings",
    "DatabaseSettings",
    "FeedConfig",
    "FetchSettings",
    "LinkingSettings",
    "PollingSettings",
    "ScaleSettings",
    "SearchSettings",
    "Section",
    "Settings",
    "SiteSettings",
    "StoryConfig",
    "load_settings",
    "parse_settings",
    "resolve_config_path",
]

DEFAULT_CONFIG_PATH = Path("monitor.toml")
CONFIG_ENV_VAR = "MONITOR_CONFIG"


class Settings(Section):
    """The whole config file."""

    database: DatabaseSettings = Field(
        default_factory=DatabaseSettings, description="Where the data lives."
    )
    fetch: FetchSettings = Field(
        default_factory=FetchSettings, description="HTTP limits and the network guard."
    )
    polling: PollingSettings = Field(
        default_factory=PollingSettings, description="When each feed is polled next."
    )
    linking: LinkingSettings = Field(
        default_factory=LinkingSettings, description="How articles are linked to stories."
    )
    claims: ClaimSettings = Field(
        default_factory=ClaimSettings, description="How a sentence is judged against a ledger."
    )
    alerts: AlertSettings = Field(
        default_factory=AlertSettings, description="Alert delivery, quiet hours and digest."
    )
    search: SearchSettings = Field(
        default_factory=SearchSettings, description="When full-text indexes are rebuilt."
    )
    scale: ScaleSettings = Field(
        default_factory=ScaleSettings, description="Where fetching and extraction run."
    )
    site: SiteSettings = Field(
        default_factory=SiteSettings, description="The static story site the cycle refreshes."
    )
    feeds: list[FeedConfig] = Field(default_factory=list, description="Feeds to poll.")
    stories: list[StoryConfig] = Field(default_factory=list, description="Tracked stories.")
    channels: list[ChannelConfig] = Field(default_factory=list, description="Alert destinations.")

    source: Path | None = Field(
        default=None, exclude=True, description="The file the settings were read from."
    )


def resolve_config_path(explicit: str | Path | None = None) -> Path:
    """Pick the config file: --config, then $MONITOR_CONFIG, then ./monitor.toml."""
    if explicit:
        return Path(explicit)
    if os.environ.get(CONFIG_ENV_VAR):
        return Path(os.environ[CONFIG_ENV_VAR])
    return DEFAULT_CONFIG_PATH


def parse_settings(data: dict[str, Any], source: Path | str = "<config>") -> Settings:
    """Validate a config mapping; errors name the file, the key and what was expected."""
    try:
        settings = Settings.model_validate(data)
    except ValidationError as e:
        raise ConfigError(_describe_validation_error(e, source)) from e
    settings.source = Path(source)
    return settings


def load_settings(path: str | Path | None = None) -> Settings:
    """Read and validate the TOML config file."""
    config_path = resolve_config_path(path)
    try:
        raw = config_path.read_bytes()
    except FileNotFoundError as e:
        raise ConfigError(
            f"{config_path}: config file not found (run `monitor init` to write one, "
            f"or pass --config / set {CONFIG_ENV_VAR})"
        ) from e
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ConfigError(f"{config_path}: not valid TOML: {e}") from e
    settings = parse_settings(data, config_path)
    if not settings.database.path.is_absolute():
        # Relative database paths are relative to the config file, not the working directory.
        settings.database.path = (config_path.parent / settings.database.path).resolve()
    if settings.site.dir is not None and not settings.site.dir.is_absolute():
        settings.site.dir = (config_path.parent / settings.site.dir).resolve()
    return settings


def _describe_validation_error(error: ValidationError, source: Path | str) -> str:
    lines = []
    for item in error.errors():
        key = _format_location(item["loc"])
        got = item.get("input")
        message = item["msg"]
        if message.startswith("Value error, "):
            message = "expected " + message.removeprefix("Value error, ")
        elif item["type"] == "extra_forbidden":
            message = "unknown key (check the spelling)"
        elif item["type"] == "missing":
            message = "required key is missing"
        else:
            message = message[0].lower() + message[1:]
        got_text = "" if item["type"] in ("missing", "extra_forbidden") else f", got {got!r}"
        lines.append(f"{source}: {key}: {message}{got_text}")
    return "\n".join(lines)


def _format_location(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts[-1] = f"{parts[-1]}[{part}]" if parts else f"[{part}]"
        else:
            parts.append(str(part))
    if len(parts) > 1:
        return f"[{'.'.join(parts[:-1])}] {parts[-1]}"
    return parts[0] if parts else "<root>"
