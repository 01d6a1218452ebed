"""Settings of what is read: the database, HTTP fetching, feed polling, feeds, tracked stories and alert channels."""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    Field,
    field_validator,
    model_validator,
)

from monitor import __version__
from monitor.settings.base import Section


class DatabaseSettings(Section):
    """Where the data lives: a DuckDB file, or a DuckLake catalog plus data files."""

    path: Path = Field(
        default=Path("data/monitor.duckdb"),
        description="DuckDB file; relative to the config file. With DuckLake it still names the "
        "cycle lock file and anchors relative DuckLake paths.",
    )
    backend: Literal["duckdb", "ducklake"] = Field(
        default="duckdb",
        description="Storage backend: one DuckDB file, or DuckLake for many writers.",
    )
    ducklake_catalog: str | None = Field(
        default=None,
        description='DuckLake only: catalog connection, e.g. "sqlite:catalog.sqlite" or '
        '"postgres:dbname=monitor host=127.0.0.1".',
    )
    ducklake_data_path: Path | None = Field(
        default=None, description="DuckLake only: folder or s3:// URL for the Parquet data files."
    )
    raw_html_retention_days: int = Field(
        default=30,
        ge=0,
        description="Days to keep each version's raw HTML; maintenance prunes older.",
    )


class FetchSettings(Section):
    """HTTP limits and the network guard for feeds and pages."""

    allow_private_networks: bool = Field(
        default=False,
        description="Fetch loopback, private, link-local and other non-public addresses (guard off).",
    )
    allowed_networks: list[str] = Field(
        default_factory=list,
        description='CIDR networks exempt from the guard, e.g. ["10.20.0.0/16"] for an intranet feed.',
    )
    connect_timeout_s: float = Field(
        default=10.0, gt=0, description="Seconds to wait for a connection, per attempt."
    )
    read_timeout_s: float = Field(default=30.0, gt=0, description="Seconds to wait for each read.")
    total_timeout_s: float = Field(
        default=120.0,
        gt=0,
        description="Hard deadline in seconds for a whole exchange: DNS, connect, TLS, headers, "
        "redirects and body; stops servers that drip bytes or never answer.",
    )
    parse_timeout_s: float = Field(
        default=30.0,
        gt=0,
        description="Seconds a feed larger than 64 KB may take to parse (in a worker process, "
        "stopped after this); the feed is recorded as a parse timeout and retried later.",
    )
    extract_timeout_s: float = Field(
        default=30.0,
        gt=0,
        description="Seconds one page's text extraction may take on an extraction worker process, "
        "which is killed and replaced after this; the page is recorded as failed and retried "
        "later. With [scale] extraction_processes = 1, only pages of over 8,000 tags go to a "
        "worker; the rest are extracted in the cycle's process without a deadline.",
    )
    max_feed_bytes: int = Field(
        default=10_000_000,
        gt=0,
        description="Largest feed body in bytes, counted after decompression.",
    )
    max_page_bytes: int = Field(
        default=5_000_000,
        gt=0,
        description="Largest article page in bytes, counted after decompression.",
    )
    max_redirects: int = Field(default=5, ge=0, description="Redirects followed per request.")
    per_host_limit: int = Field(default=2, ge=1, description="Requests at once to one host name.")
    global_limit: int = Field(default=16, ge=1, description="Requests at once overall.")
    user_agent: str = Field(
        default=f"story-monitor/{__version__} (+https://github.com/story-monitor/story-monitor)",
        description="User-Agent header sent on every request.",
    )
    max_page_attempts: int = Field(
        default=5,
        ge=1,
        description="Attempts at a failing page, spread over later cycles, before it is parked.",
    )

    @field_validator("allowed_networks")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for network in value:
            try:
                ipaddress.ip_network(network, strict=False)
            except ValueError as e:
                raise ValueError(f"IP networks in CIDR form like '10.0.0.0/8' ({e})") from e
        return value


class PollingSettings(Section):
    """When each feed is polled next."""

    default_interval_minutes: int = Field(
        default=15, ge=1, description="Minutes between polls of a feed that sets no interval."
    )
    min_interval_minutes: int = Field(
        default=5, ge=0, description="Lower clamp, in minutes, on the computed next check."
    )
    max_interval_minutes: int = Field(
        default=24 * 60, ge=1, description="Upper clamp, in minutes, on the computed next check."
    )
    error_limit: int = Field(
        default=10, ge=1, description="Consecutive failures after which a feed is parked."
    )
    backoff_base_minutes: float = Field(
        default=5.0,
        gt=0,
        description="Minutes of back-off after the first failure; doubles with each further one.",
    )


class FeedConfig(Section):
    """One `[[feeds]]` entry."""

    url: str = Field(description="The feed's http:// or https:// URL.")
    interval_minutes: int | None = Field(
        default=None, ge=1, description="Minutes between polls; default: [polling] default."
    )
    name: str | None = Field(default=None, description="Display name; default: the feed's title.")

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("an http:// or https:// URL")
        return value


class StoryConfig(Section):
    """One `[[stories]]` entry: a tracked story that exists before any article."""

    name: str = Field(
        min_length=1, description="The story's name; its identity across config edits."
    )
    keywords: list[str] = Field(
        default_factory=list,
        description="Words or phrases; an article naming enough of them joins the story.",
    )

    @model_validator(mode="before")
    @classmethod
    def _no_seed_urls(cls, data: Any) -> Any:
        if isinstance(data, dict) and "seed_urls" in data:
            raise ValueError(
                "seed_urls was removed (nothing ever read it): delete it; an article joins a "
                "tracked story through its keywords or by linking"
            )
        return data


class ChannelConfig(Section):
    """One alert destination: an Apprise URL or a Prefect notification block, with its filters."""

    url: str | None = Field(
        default=None,
        description='Apprise URL template. "${VAR}" comes from the environment and '
        '"${prefect-secret:NAME}" from a Prefect Secret block, both at send time; the expanded '
        "URL is never stored or logged.",
    )
    block: str | None = Field(
        default=None, description='Prefect notification block, "block-type-slug/block-name".'
    )
    name: str | None = Field(
        default=None,
        description="Channel key in the alerts table and the CLI; default: a hash of the URL "
        "template.",
    )
    stories: list[str] = Field(
        default_factory=list,
        description="Story names this channel wants (case-insensitive); empty means all.",
    )
    tracked_only: bool = Field(
        default=False, description="Only stories configured under [[stories]]."
    )
    min_severity: Literal["new_claim", "changed_claim", "new_story"] = Field(
        default="new_claim",
        description="Lowest kind queued; severity rises new_claim < changed_claim < new_story.",
    )
    mode: Literal["immediate", "digest"] = Field(
        default="immediate",
        description="immediate: sent by each cycle; digest: one summary per digest period.",
    )
    format: Literal["auto", "slack", "markdown", "html", "text"] = Field(
        default="auto",
        description="Message markup; auto picks by service (Slack mrkdwn, chat Markdown, "
        "e-mail HTML, webhooks text).",
    )
    max_message_chars: int | None = Field(
        default=None,
        ge=200,
        description="Characters per message, title included; default: the service's limit.",
    )
    quiet_hours: bool = Field(
        default=True, description="Hold immediate alerts during [alerts] quiet hours."
    )

    @field_validator("name")
    @classmethod
    def _key_like(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}", value):
            raise ValueError("letters, digits, '_', '.', ':' or '-' (at most 64)")
        return value

    @field_validator("block")
    @classmethod
    def _block_ref(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[a-z0-9-]+/[A-Za-z0-9_-]+", value):
            raise ValueError('"block-type-slug/block-name", e.g. "slack-webhook/newsroom"')
        return value

    @model_validator(mode="after")
    def _one_destination(self) -> ChannelConfig:
        if (self.url is None) == (self.block is None):
            raise ValueError("exactly one of url or block")
        return self
