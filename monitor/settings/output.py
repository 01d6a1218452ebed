"""Settings of what the pipeline puts out and where it runs: alerts, scale-out, search indexes, the story site."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    Field,
    field_validator,
    model_validator,
)

from monitor.settings.base import Section


def _clock_time(value: str | None) -> str | None:
    if value is not None and not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value):
        raise ValueError('a time of day "HH:MM"')
    return value


class AlertSettings(Section):
    """Alert delivery and digest settings; see docs/alerts.md."""

    report_base_url: str | None = Field(
        default=None,
        description='Base of "see more" links (<base>/stories/<id>); unset: a CLI command.',
    )
    timezone: str = Field(
        default="UTC", description="IANA time zone for quiet hours and the digest schedule."
    )
    quiet_hours_start: str | None = Field(
        default=None, description='"HH:MM"; immediate alerts wait from here to quiet_hours_end.'
    )
    quiet_hours_end: str | None = Field(
        default=None, description='"HH:MM"; held alerts go out, one message per story.'
    )
    digest_cron: str = Field(
        default="0 8 * * *", description="Cron schedule of the digest deployment, in timezone."
    )
    digest_period_hours: float = Field(
        default=24.0, gt=0, description="Hours per digest period; one digest per channel each."
    )
    max_claims_per_story: int = Field(
        default=15, ge=1, description='Claims listed per story; more become "and N more".'
    )
    max_parts_per_message: int = Field(
        default=3, ge=1, description="Parts a long story message may be split into."
    )
    send_timeout_s: float = Field(
        default=10.0,
        gt=0,
        description="Seconds to connect and to read per send, unless the URL sets cto/rto.",
    )
    retry_backoff_min_s: float = Field(
        default=60.0, gt=0, description="Seconds before the first retry; doubles per failure."
    )
    retry_backoff_max_s: float = Field(
        default=6 * 3600.0, gt=0, description="Longest retry delay in seconds."
    )
    max_attempts: int = Field(
        default=20,
        ge=1,
        description="Send attempts; after that only `monitor alerts retry` tries again.",
    )
    max_backlog_hours: float = Field(
        default=48.0, gt=0, description="Claims older than this many hours are never queued."
    )
    interrupted_send: Literal["resend", "hold"] = Field(
        default="resend",
        description='A row a crash left in "sending": resend it (at least once) or hold it as '
        '"unknown" for a human (at most once).',
    )
    sending_stale_after_s: float = Field(
        default=300.0,
        gt=0,
        description='Seconds after which a "sending" row counts as interrupted.',
    )

    @field_validator("quiet_hours_start", "quiet_hours_end")
    @classmethod
    def _clock(cls, value: str | None) -> str | None:
        return _clock_time(value)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as e:
            raise ValueError('an IANA time zone such as "Europe/Berlin" or "UTC"') from e
        return value

    @model_validator(mode="after")
    def _paired_quiet_hours(self) -> AlertSettings:
        if (self.quiet_hours_start is None) != (self.quiet_hours_end is None):
            raise ValueError("quiet_hours_start and quiet_hours_end go together")
        if self.retry_backoff_max_s < self.retry_backoff_min_s:
            raise ValueError("retry_backoff_max_s at least retry_backoff_min_s")
        return self


class ScaleSettings(Section):
    """Scale-out: where fetching and extracting run; see docs/scaling.md."""

    dask_address: str | None = Field(
        default=None,
        description='Dask scheduler, e.g. "tcp://10.0.0.5:8786"; unset: all in the flow process.',
    )
    feed_shards: int = Field(
        default=4, ge=1, description="Shards, split by host, of due feeds and pending pages."
    )
    extraction_processes: int = Field(
        default=0,
        ge=0,
        description="Extraction worker processes; 0 is one per CPU, 1 extracts in-process.",
    )
    page_batch_size: int = Field(
        default=200,
        ge=1,
        description="Pages per batch; the next batch downloads while one is linked and judged.",
    )


class SearchSettings(Section):
    """When the cycle rebuilds the full-text indexes (a rebuild re-reads the whole table)."""

    rebuild_min_interval_minutes: float = Field(
        default=0.0, ge=0, description="Minutes that must pass between rebuilds."
    )
    rebuild_time_share_max: float = Field(
        default=0.05,
        ge=0,
        le=1,
        description="A rebuild that took T seconds waits T / this share before the next, so "
        "rebuilds cost at most this share of wall time; 0 turns the rule off.",
    )
    rebuild_always_below_s: float = Field(
        default=2.0, ge=0, description="Rebuilds that take fewer seconds run every cycle."
    )


class SiteSettings(Section):
    """The static story site (`monitor site`); see docs/site.md."""

    dir: Path | None = Field(
        default=None,
        description="Folder the cycle rebuilds the static site in after each run (index.html, "
        "stories/<id>.html, feeds.html); relative to the config file. Unset: no site.",
    )
    stories_max: int = Field(
        default=1000,
        ge=1,
        description="Untracked stories on the site (count), most recently active first; tracked "
        "stories are always on it.",
    )
    chart_days: int = Field(
        default=30,
        ge=2,
        le=366,
        description="Days covered by each story's activity chart on the index, ending today (UTC).",
    )
