"""Alerts: queue new claims and stories in the outbox, compose one message per story, deliver with apprise.

Delivery contract (see README "Alerts"): a row is marked ``sending`` and committed just before its
message goes out and ``sent`` right after the channel accepted it. A crash between the two leaves
the row in ``sending``; the next run resends it (at-least-once) or parks it as ``unknown``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import hashlib
import io
import logging
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import parse_qsl, unquote, urlsplit
from zoneinfo import ZoneInfo

import apprise
import duckdb

from monitor import db
from monitor.alerts_render import (  # noqa: F401 - composing lives there; these names stay importable here
    SUMMARY_ARTIFACT_CHARS_MAX,
    ClaimItem,
    Message,
    MessageFormat,
    StoryDigest,
    compose_digest_messages,
    compose_story_messages,
    load_story_digests,
    render_summary_markdown,
    see_more,
    story_url,
)
from monitor.deadlines import alert_send_deadline_s, call_with_deadline
from monitor.errors import ConfigError
from monitor.settings import AlertSettings, ChannelConfig, Settings

LOGGER = logging.getLogger(__name__)

SEVERITY_RANK = {"new_claim": 1, "changed_claim": 2, "new_story": 3}
# Chat services that render Markdown (apprise converts it to HTML for Telegram); native webhook
# URLs (https://hooks.slack.com/..., https://discord.com/api/webhooks/...) map to the same plugins.
MARKDOWN_SERVICES = {
    "NotifySlack",
    "NotifyDiscord",
    "NotifyWorkflows",
    "NotifyMatrix",
    "NotifyTelegram",
    "NotifyMattermost",
    "NotifyRocketChat",
    "NotifyGoogleChat",
    "NotifyZulip",
}
# `${VAR}` reads the environment; `${prefect-secret:NAME}` is filled in by flows.alerting.
PLACEHOLDER = re.compile(r"\$\{(?:(prefect-secret):)?([A-Za-z0-9_.-]+)\}")
REDACTED = "***"
_MIN_SECRET_CHARS = 6
_ELLIPSIS = "…"


# --- channels ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Channel:
    """A configured destination, ready to send: its key, limits, filters and (hidden) URL."""

    key: str
    label: str  # privacy-safe description for logs and the CLI
    service: str  # apprise's service name: "Slack", "Discord", "E-Mail", "JSON", ...
    mode: Literal["immediate", "digest"]
    format: MessageFormat
    max_chars: int
    min_severity: str = "new_claim"
    stories: tuple[str, ...] = ()  # lower-cased names; empty = every story
    tracked_only: bool = False
    quiet_hours: bool = True
    policy: AlertSettings = field(default_factory=AlertSettings, repr=False)
    url: str = field(default="", repr=False)  # expanded: never log, store or print it
    secrets: tuple[str, ...] = field(default=(), repr=False)  # strings to redact from errors
    error: str | None = None  # why the channel cannot send (missing variable, bad URL, ...)

    def redact(self, text: str) -> str:
        """Text with every secret fragment of this channel's URL replaced by ***."""
        return redact(text, self.secrets)


def channel_key(config: ChannelConfig) -> str:
    """The stable key of a channel: its name, else a short hash of the un-expanded URL template."""
    if config.name:
        return config.name
    template = config.url if config.url is not None else f"block:{config.block}"
    return "ch-" + hashlib.sha256(template.encode("utf-8")).hexdigest()[:10]


def block_reference(config: ChannelConfig) -> str | None:
    """The key under which a resolved Prefect block URL is looked up for this channel."""
    return f"block:{config.block}" if config.block else None


def secret_references(config: ChannelConfig) -> list[str]:
    """The Prefect Secret block names the channel's URL template refers to."""
    if config.url is None:
        return []
    return [name for source, name in PLACEHOLDER.findall(config.url) if source]


def expand_url(
    template: str, environ: Mapping[str, str], resolved: Mapping[str, str]
) -> tuple[str, list[str]]:
    """Fill `${VAR}` and `${prefect-secret:NAME}` in a URL template; return it and the values used."""
    used: list[str] = []

    def substitute(match: re.Match[str]) -> str:
        source, name = match.group(1), match.group(2)
        if source:
            value = resolved.get(f"prefect-secret:{name}")
            if value is None:
                raise ConfigError(f"Prefect Secret block {name!r} could not be read")
        else:
            value = environ.get(name)
            if value is None:
                raise ConfigError(f"environment variable {name} is not set")
        used.append(value)
        return value

    return PLACEHOLDER.sub(substitute, template), used


def build_channels(
    settings: Settings, resolved_block_urls: dict[str, str] | None = None
) -> list[Channel]:
    """Turn [[channels]] into sendable channels; a channel that cannot be built carries `error`."""
    resolved = resolved_block_urls or {}
    channels = []
    keys: set[str] = set()
    for config in settings.channels:
        key = channel_key(config)
        if key in keys:
            raise ConfigError(f"two [[channels]] share the key {key!r}: give one a distinct name")
        keys.add(key)
        channels.append(_build_channel(config, key, settings.alerts, resolved))
    return channels


def _build_channel(
    config: ChannelConfig, key: str, policy: AlertSettings, resolved: Mapping[str, str]
) -> Channel:
    common: dict[str, Any] = {
        "key": key,
        "mode": config.mode,
        "min_severity": config.min_severity,
        "stories": tuple(name.lower() for name in config.stories),
        "tracked_only": config.tracked_only,
        "quiet_hours": config.quiet_hours,
        "policy": policy,
    }
    fallback_format: MessageFormat = "markdown" if config.format == "auto" else config.format
    secrets: tuple[str, ...] = ()
    try:
        if config.block:
            url = resolved.get(block_reference(config) or "")
            if not url:
                raise ConfigError(f"Prefect block {config.block!r} could not be resolved to a URL")
            used = [url]
        else:
            url, used = expand_url(config.url or "", os.environ, resolved)
        secrets = _secret_fragments(url, used, literal=config.url if config.url else "")
        server = _instantiate(url)
        if server is None:
            raise ConfigError("not a URL apprise understands (check the scheme and the fields)")
    except ConfigError as e:
        return Channel(
            label=f"{key} (unusable)",
            service="unknown",
            format=fallback_format,
            max_chars=config.max_message_chars or 2000,
            error=redact(str(e), secrets),
            **common,
        )
    fmt: MessageFormat
    if config.format != "auto":
        fmt = config.format
    else:
        fmt = auto_format(server)
    service_limit = int(getattr(server, "body_maxlen", 0) or 0) or 4000
    label = f"{key} ({server.service_name})"
    return Channel(
        label=label,
        service=str(server.service_name),
        format=fmt,
        max_chars=config.max_message_chars or service_limit,
        url=url,
        secrets=secrets,
        **common,
    )


def auto_format(server: Any) -> MessageFormat:
    """The message format an apprise server renders: by plugin, else by its notify_format."""
    name = type(server).__name__
    if name == "NotifySlack":
        return "slack"
    if name in MARKDOWN_SERVICES or server.notify_format == apprise.NotifyFormat.MARKDOWN:
        return "markdown"
    if server.notify_format == apprise.NotifyFormat.HTML:
        return "html"  # e-mail (mailto://, mailtos://, SES, SendGrid, ...)
    return "text"  # ntfy, generic JSON/form webhooks, SMS, ...


# The apprise input format of each message format: apprise converts it to what the service takes
# (HTML to text for a text-only service); Slack's plugin passes mrkdwn given as MARKDOWN unchanged.
BODY_FORMATS = {
    "text": apprise.NotifyFormat.TEXT,
    "html": apprise.NotifyFormat.HTML,
    "markdown": apprise.NotifyFormat.MARKDOWN,
    "slack": apprise.NotifyFormat.MARKDOWN,
}


def _secret_fragments(url: str, used: Sequence[str], literal: str) -> tuple[str, ...]:
    """Every piece of the URL that could carry a credential: values substituted, password, tokens."""
    pieces = {value for value in used if value}
    pieces.add(url)
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = None
    if parts is not None:
        if parts.password:
            pieces.update({parts.password, unquote(parts.password)})
        if parts.username:
            pieces.update({parts.username, unquote(parts.username)})
        host = (parts.hostname or "").lower()
        for segment in re.split(r"[/:@?&=#,]", url.split("://", 1)[-1]):
            if segment and segment.lower() != host:
                pieces.add(segment)
        for _, value in parse_qsl(parts.query):
            pieces.add(value)
    public = (
        set(re.split(r"[/:@?&=#,]", PLACEHOLDER.sub("", literal))) if "${" in literal else set()
    )
    kept = {p for p in pieces if len(p) >= _MIN_SECRET_CHARS and p not in public}
    return tuple(sorted(kept, key=len, reverse=True))


def redact(text: str, secrets: Sequence[str]) -> str:
    """Replace each secret (longest first) in text with ***."""
    for secret in sorted(secrets, key=len, reverse=True):
        if secret:
            text = text.replace(secret, REDACTED)
    return text


# --- queueing ----------------------------------------------------------------------------------


def queue_alerts(con: duckdb.DuckDBPyConnection, channels: list[Channel], now: dt.datetime) -> int:
    """Add pending outbox rows for new/changed claims and new untracked stories; return rows added.

    Rows a channel's filters exclude are not created (changing a filter later picks up claims
    still inside [alerts] max_backlog_hours). Safe to run twice: existing rows are kept as they are
    (an anti-join, backed by the table's UNIQUE key on DuckDB, so it also runs on DuckLake).
    """
    added = 0
    with db.transaction(con):
        for channel in channels:
            since = now - dt.timedelta(hours=channel.policy.max_backlog_hours)
            params = {
                "channel": channel.key,
                "now": now,
                "since": since,
                "stories": list(channel.stories),
            }
            added += _count(
                db.query(
                    con,
                    "alerts_queue_claims",
                    {
                        **params,
                        "min_rank": SEVERITY_RANK[channel.min_severity],
                        "tracked_only": channel.tracked_only,
                    },
                )
            )
            # claims judge: claims an editor corrected to new (`monitor claims correct --new`)
            added += _count(
                db.query(
                    con,
                    "alerts_queue_corrected_claims",
                    {
                        **params,
                        "min_rank": SEVERITY_RANK[channel.min_severity],
                        "tracked_only": channel.tracked_only,
                    },
                )
            )
            if not channel.tracked_only:
                added += _count(db.query(con, "alerts_queue_new_stories", params))
        if channels:
            since = now - dt.timedelta(hours=max(c.policy.max_backlog_hours for c in channels))
            db.execute(con, "alerts_mark_stories_announced", {"now": now, "since": since})
    if added:
        LOGGER.info("queued %s alert deliveries", added)
    return added


def _count(rows: list[tuple[Any, ...]]) -> int:
    return int(rows[0][0]) if rows else 0


# --- delivery ----------------------------------------------------------------------------------


@dataclass
class DeliveryReport:
    """What one delivery pass did."""

    sent_messages: int = 0
    sent_alerts: int = 0
    failed_channels: list[str] = field(default_factory=list)
    pending: int = 0  # rows still waiting (quiet hours, backoff, failures)
    interrupted: int = 0  # rows found in "sending" from a crashed run
    held_channels: list[str] = field(default_factory=list)  # quiet hours or digest not yet due
    errors: dict[str, str] = field(default_factory=dict)  # channel key → redacted error

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for JSON and the run summary."""
        return dataclasses.asdict(self)

    def merge(self, other: DeliveryReport) -> None:
        """Add another report's counts to this one."""
        self.sent_messages += other.sent_messages
        self.sent_alerts += other.sent_alerts
        self.failed_channels += other.failed_channels
        self.pending += other.pending
        self.interrupted += other.interrupted
        self.held_channels += other.held_channels
        self.errors.update(other.errors)


def in_quiet_hours(now: dt.datetime, policy: AlertSettings) -> bool:
    """Whether naive-UTC `now` falls inside the configured quiet hours (which may span midnight)."""
    if not policy.quiet_hours_start or not policy.quiet_hours_end:
        return False
    local = now.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(policy.timezone)).time()
    start = dt.time.fromisoformat(policy.quiet_hours_start)
    end = dt.time.fromisoformat(policy.quiet_hours_end)
    if start <= end:
        return start <= local < end
    return local >= start or local < end


def recover_interrupted(
    con: duckdb.DuckDBPyConnection, channels: Sequence[Channel], now: dt.datetime
) -> int:
    """Settle rows a crashed run left in "sending": resend them or park them as "unknown"."""
    policy = channels[0].policy if channels else AlertSettings()
    stale_before = now - dt.timedelta(seconds=policy.sending_stale_after_s)
    if policy.interrupted_send == "hold":
        status, error = "unknown", "interrupted while sending; may have been delivered (held)"
    else:
        status, error = "failed", "interrupted while sending; may have been delivered (resending)"
    with db.transaction(con):
        count = _count(db.query(con, "alerts_count_interrupted", {"stale_before": stale_before}))
        if count:
            db.execute(
                con,
                "alerts_recover_interrupted",
                {"status": status, "error": error, "now": now, "stale_before": stale_before},
            )
    if count:
        LOGGER.warning(
            "%s alert rows were left in 'sending' by an interrupted run: %s", count, error
        )
    return count


def deliver_alerts(
    con: duckdb.DuckDBPyConnection,
    channels: list[Channel],
    now: dt.datetime,
    mode: str = "immediate",
    *,
    respect_quiet_hours: bool = True,
) -> DeliveryReport:
    """Send every due outbox row: one message per story per channel; never raises for a channel."""
    if mode == "digest":
        period = channels[0].policy.digest_period_hours if channels else 24.0
        return deliver_digest(con, channels, now, period)
    report = DeliveryReport(interrupted=recover_interrupted(con, channels, now))
    for channel in channels:
        if channel.mode != mode:
            continue
        if respect_quiet_hours and channel.quiet_hours and in_quiet_hours(now, channel.policy):
            report.held_channels.append(channel.key)
        else:
            report.merge(_deliver_channel(con, channel, now))
        report.pending += _pending(con, channel)
    return report


def deliver_digest(
    con: duckdb.DuckDBPyConnection,
    channels: list[Channel],
    now: dt.datetime,
    period_hours: float,
    *,
    force: bool = False,
) -> DeliveryReport:
    """Send one summary of everything due to each digest-mode channel, at most once per period."""
    report = DeliveryReport(interrupted=recover_interrupted(con, channels, now))
    # A scheduled run can start a little early; 10% of the period (at most an hour) is forgiven.
    slack = dt.timedelta(hours=min(period_hours * 0.1, 1.0))
    for channel in channels:
        if channel.mode != "digest":
            continue
        last = db.query(con, "alerts_last_digest", {"channel": channel.key})[0][0]
        if not force and last is not None and last > now - dt.timedelta(hours=period_hours) + slack:
            report.held_channels.append(channel.key)
        else:
            report.merge(
                _deliver_channel(
                    con, channel, now, digest_since=last or (now - dt.timedelta(hours=period_hours))
                )
            )
        report.pending += _pending(con, channel)
    return report


def _pending(con: duckdb.DuckDBPyConnection, channel: Channel) -> int:
    return _count(db.query(con, "alerts_pending_count", {"channel": channel.key}))


def _deliver_channel(
    con: duckdb.DuckDBPyConnection,
    channel: Channel,
    now: dt.datetime,
    digest_since: dt.datetime | None = None,
) -> DeliveryReport:
    report = DeliveryReport()
    policy = channel.policy
    rows = db.query(
        con, "alerts_due", {"channel": channel.key, "now": now, "max_attempts": policy.max_attempts}
    )
    if not rows:
        return report
    all_ids = [row[0] for row in rows]
    if channel.error:
        _mark_failed(con, all_ids, channel.error, now, policy)
        report.failed_channels.append(channel.key)
        report.errors[channel.key] = channel.error
        LOGGER.warning("alert channel %s cannot send: %s", channel.label, channel.error)
        return report
    try:
        stories = load_story_digests(con, rows)
        if digest_since is not None:
            messages = compose_digest_messages(stories, channel, digest_since, now)
        else:
            messages = [m for story in stories for m in compose_story_messages(story, channel)]
    except Exception as e:  # noqa: BLE001 - one channel's bad data must not stop the others
        error = channel.redact(f"composing the message failed: {type(e).__name__}: {e}")
        _mark_failed(con, all_ids, error, now, policy)
        report.failed_channels.append(channel.key)
        report.errors[channel.key] = error
        LOGGER.warning("alert channel %s: %s", channel.label, error)
        return report
    settled: set[int] = set()
    for message in messages:
        ids = [i for i in dict.fromkeys(message.alert_ids) if i not in settled]
        if not ids:
            continue
        with db.transaction(con):
            db.execute(con, "alerts_mark_sending", {"ids": ids, "now": now})
        ok, error = send_message(channel, message)
        if ok:
            with db.transaction(con):
                db.execute(con, "alerts_mark_sent", {"ids": ids, "now": now})
            settled.update(ids)
            report.sent_messages += 1
            report.sent_alerts += len(ids)
            continue
        # The channel is down or refusing: the rest of its rows back off together.
        unsent = [i for i in all_ids if i not in settled]
        _mark_failed(con, unsent, error, now, policy)
        report.failed_channels.append(channel.key)
        report.errors[channel.key] = error
        LOGGER.warning("alert channel %s failed: %s", channel.label, error)
        break
    else:
        if digest_since is not None and settled:
            db.execute(
                con,
                "alerts_record_digest",
                {
                    "channel": channel.key,
                    "now": now,
                    "stories": len(stories),
                    "alerts": len(settled),
                    "messages": report.sent_messages,
                },
            )
    return report


def _mark_failed(
    con: duckdb.DuckDBPyConnection,
    ids: list[int],
    error: str,
    now: dt.datetime,
    policy: AlertSettings,
) -> None:
    if not ids:
        return
    with db.transaction(con):
        db.execute(
            con,
            "alerts_mark_failed",
            {
                "ids": ids,
                "now": now,
                "error": error[:1000],
                "min_s": policy.retry_backoff_min_s,
                "max_s": policy.retry_backoff_max_s,
            },
        )


# Loggers that write channel URLs (with their tokens) at debug level while apprise sends.
_URL_LOGGERS = ("apprise", "urllib3", "requests")


@contextlib.contextmanager
def _captured_apprise_log() -> Iterator[io.StringIO]:
    """Capture apprise's warnings for last_error; keep URL-bearing records from reaching any log."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("%(message)s"))
    apprise_logger = logging.getLogger("apprise")
    saved = {name: logging.getLogger(name).propagate for name in _URL_LOGGERS}
    saved_level = apprise_logger.level
    apprise_logger.addHandler(handler)
    if apprise_logger.level == logging.NOTSET or apprise_logger.level > logging.WARNING:
        apprise_logger.setLevel(logging.WARNING)
    for name in _URL_LOGGERS:
        logging.getLogger(name).propagate = False
    try:
        yield buffer
    finally:
        apprise_logger.removeHandler(handler)
        apprise_logger.setLevel(saved_level)
        for name, propagate in saved.items():
            logging.getLogger(name).propagate = propagate


def _instantiate(url: str) -> Any:
    with _captured_apprise_log():
        return apprise.Apprise.instantiate(url, suppress_exceptions=True)


def send_message(channel: Channel, message: Message) -> tuple[bool, str]:
    """Send one message through apprise; return (accepted, redacted reason when not)."""
    try:
        body_format = BODY_FORMATS[channel.format]
        with _captured_apprise_log() as log:
            server = apprise.Apprise.instantiate(channel.url, suppress_exceptions=True)
            if server is None:
                return False, f"{channel.key}: apprise cannot use this URL"
            query = urlsplit(channel.url).query
            if "rto=" not in query:
                server.socket_read_timeout = channel.policy.send_timeout_s
            if "cto=" not in query:
                server.socket_connect_timeout = channel.policy.send_timeout_s
            notifier = apprise.Apprise()
            notifier.add(server)
            # A hard deadline: apprise's socket timeouts apply per read, not to the whole send.
            accepted = bool(
                call_with_deadline(
                    functools.partial(
                        notifier.notify,
                        title=message.title,
                        body=message.body,
                        body_format=body_format,
                    ),
                    alert_send_deadline_s(channel.policy.send_timeout_s),
                    channel.key,
                )
            )
        if accepted:
            LOGGER.info("alert sent to %s: %s", channel.label, message.title)
            return True, ""
        lines = [line.strip() for line in log.getvalue().splitlines() if line.strip()]
        reason = " | ".join(lines[-3:]) or "the channel did not accept the message"
        return False, channel.redact(f"{channel.key}: {reason}")
    except Exception as e:  # noqa: BLE001 - a plugin bug must not stop the other channels
        return False, channel.redact(f"{channel.key}: {type(e).__name__}: {e}")


# --- CLI helpers -------------------------------------------------------------------------------


ALERT_LIST_COLUMNS = (
    "id",
    "status",
    "kind",
    "channel",
    "story_id",
    "story",
    "claim",
    "attempts",
    "last_error",
    "created_at",
    "next_attempt_at",
    "sent_at",
)


def list_alerts(
    con: duckdb.DuckDBPyConnection,
    status: str | None = None,
    channel: str | None = None,
    limit: int = 50,
) -> list[dict[str, Any]]:
    """Recent and pending deliveries, unfinished first."""
    rows = db.query(con, "alerts_list", {"status": status, "channel": channel, "limit": limit})
    return [dict(zip(ALERT_LIST_COLUMNS, row)) for row in rows]


def describe_channels(channels: Sequence[Channel]) -> list[dict[str, Any]]:
    """The channels as the CLI shows them: key, service, mode, format, limit, filters, error."""
    return [
        {
            "key": c.key,
            "service": c.service,
            "mode": c.mode,
            "format": c.format,
            "max_chars": c.max_chars,
            "min_severity": c.min_severity,
            "stories": list(c.stories),
            "tracked_only": c.tracked_only,
            "quiet_hours": c.quiet_hours,
            "error": c.error,
        }
        for c in channels
    ]


def make_due(con: duckdb.DuckDBPyConnection, channel: str | None = None) -> dict[str, int]:
    """Turn failed and held rows back into pending rows due now; return rows per channel."""
    with db.transaction(con):
        counts = {
            key: int(n) for key, n in db.query(con, "alerts_retry_candidates", {"channel": channel})
        }
        db.execute(con, "alerts_make_due", {"channel": channel})
    return counts
