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
from monitor.deadlines import alert_send_deadline_s, call_with_deadline
from monitor.errors import ConfigError
from monitor.settings import AlertSettings, ChannelConfig, Settings

LOGGER = logging.getLogger(__name__)

# "slack" is Slack's own mrkdwn dialect: *bold* and <url|text> links.
MessageFormat = Literal["markdown", "slack", "text"]
SEVERITY_RANK = {"new_claim": 1, "changed_claim": 2, "new_story": 3}
# Chat services that render Markdown (apprise converts it to HTML for Telegram); native webhook
# URLs (https://hooks.slack.com/..., https://discord.com/api/webhooks/...) map to the same plugins.
MARKDOWN_SERVICES = {
    "NotifySlack", "NotifyDiscord", "NotifyWorkflows", "NotifyMatrix", "NotifyTelegram",
    "NotifyMattermost", "NotifyRocketChat", "NotifyGoogleChat", "NotifyZulip",
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
        "key": key, "mode": config.mode, "min_severity": config.min_severity,
        "stories": tuple(name.lower() for name in config.stories),
        "tracked_only": config.tracked_only, "quiet_hours": config.quiet_hours, "policy": policy,
    }
    fallback_format: MessageFormat = "text" if config.format == "text" else "markdown"
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
            label=f"{key} (unusable)", service="unknown", format=fallback_format,
            max_chars=config.max_message_chars or 2000,
            error=redact(str(e), secrets), **common,
        )
    fmt: MessageFormat
    if config.format != "auto":
        fmt = config.format
    elif type(server).__name__ == "NotifySlack":
        fmt = "slack"
    elif type(server).__name__ in MARKDOWN_SERVICES or str(server.notify_format) == "markdown":
        fmt = "markdown"
    else:
        fmt = "text"  # e-mail, ntfy, generic JSON/form webhooks, SMS, ...
    service_limit = int(getattr(server, "body_maxlen", 0) or 0) or 4000
    label = f"{key} ({server.service_name})"
    return Channel(
        label=label, service=str(server.service_name), format=fmt, max_chars=config.max_message_chars or service_limit,
        url=url, secrets=secrets, **common,
    )


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
    public = set(re.split(r"[/:@?&=#,]", PLACEHOLDER.sub("", literal))) if "${" in literal else set()
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
                "channel": channel.key, "now": now, "since": since,
                "stories": list(channel.stories),
            }
            added += _count(db.query(con, "alerts_queue_claims", {
                **params, "min_rank": SEVERITY_RANK[channel.min_severity],
                "tracked_only": channel.tracked_only,
            }))
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


# --- composing ---------------------------------------------------------------------------------


@dataclass
class ClaimItem:
    """One claim as a message shows it."""

    claim_id: int
    kind: str  # new | changed
    text: str
    before: str | None
    outlet: str
    url: str | None
    version: int
    outlets: int  # corroboration: distinct outlets carrying the claim


@dataclass
class StoryDigest:
    """What one story contributes to a message, and the outbox rows that message settles."""

    story_id: int
    name: str
    tracked: bool = False
    is_new: bool = False
    articles: int = 0
    outlets: int = 0
    first_url: str | None = None
    first_outlet: str | None = None
    first_title: str | None = None
    claims: list[ClaimItem] = field(default_factory=list)
    alert_ids_by_claim: dict[int, list[int]] = field(default_factory=dict)
    story_alert_ids: list[int] = field(default_factory=list)


@dataclass
class Message:
    """A message ready to send and the outbox rows it carries."""

    title: str
    body: str
    alert_ids: list[int]


@dataclass
class _Item:
    section: str
    text: str
    alert_ids: list[int]


def load_story_digests(
    con: duckdb.DuckDBPyConnection, rows: Sequence[tuple[int, str, int, int]]
) -> list[StoryDigest]:
    """Group outbox rows (id, kind, story_id, claim_id) by story, with claim and story details."""
    story_ids = sorted({row[2] for row in rows})
    claim_ids = sorted({row[3] for row in rows if row[1] != "new_story"})
    stories: dict[int, StoryDigest] = {}
    for sid, name, tracked, articles, outlets, url, outlet, title in db.query(
        con, "alerts_story_details", {"ids": story_ids}
    ):
        stories[sid] = StoryDigest(sid, name, bool(tracked), False, int(articles), int(outlets),
                                   url, outlet, title)
    claims: dict[int, ClaimItem] = {}
    for cid, _sid, kind, text, before, outlet, url, version, n_outlets in db.query(
        con, "alerts_claim_details", {"ids": claim_ids}
    ):
        claims[cid] = ClaimItem(cid, kind, text, before, outlet, url, int(version), int(n_outlets))
    for alert_id, kind, story_id, claim_id in rows:
        story = stories.setdefault(story_id, StoryDigest(story_id, f"story {story_id}"))
        if kind == "new_story":
            story.is_new = True
            story.story_alert_ids.append(alert_id)
            continue
        if claim_id not in story.alert_ids_by_claim and claim_id in claims:
            story.claims.append(claims[claim_id])
        story.alert_ids_by_claim.setdefault(claim_id, []).append(alert_id)
    return [stories[sid] for sid in story_ids if sid in stories]


def see_more(story: StoryDigest, policy: AlertSettings) -> str:
    """Where to read the whole story: a report URL when configured, else the CLI command."""
    if policy.report_base_url:
        return f"{policy.report_base_url.rstrip('/')}/stories/{story.story_id}"
    return f'monitor report "{story.name}"'


def _link(text: str, url: str | None, fmt: MessageFormat) -> str:
    if not url:
        return text
    if fmt == "slack":
        return f"<{url}|{text.replace('|', '/').replace('>', ')')}>"
    return f"[{text}]({url})" if fmt == "markdown" else f"{text} <{url}>"


def _quote(text: str, fmt: MessageFormat) -> str:
    return "  " + text if fmt == "text" else "> " + text


def _outlets_phrase(count: int) -> str:
    return f"carried by {count} outlet{'s' if count != 1 else ''}"


def _render_claim(claim: ClaimItem, fmt: MessageFormat) -> str:
    source = f"— {_link(claim.outlet, claim.url, fmt)} · {_outlets_phrase(claim.outlets)}"
    if claim.kind == "changed" and claim.before:
        lines = [_quote(f"before: “{claim.before}”", fmt), _quote(f"after:  “{claim.text}”", fmt)]
        if fmt != "text":
            lines = [_quote(f"“{claim.before}”", fmt), _quote(f"→ “{claim.text}”", fmt)]
    else:
        lines = [_quote(f"“{claim.text}”", fmt)]
    return "\n".join([*lines, _quote(source, fmt)])


def _section_of(claim: ClaimItem, fmt: MessageFormat) -> str:
    if claim.version > 1:
        where = _link(f"{claim.outlet}, version {claim.version}", claim.url, fmt)
        return f"Updated article adds ({where}):"
    return "Changed claims (before → after):" if claim.kind == "changed" else "New claims:"


def _bold(text: str, fmt: MessageFormat) -> str:
    if fmt == "slack":
        return f"*{text}*"
    return f"**{text}**" if fmt == "markdown" else text


def _story_header(story: StoryDigest, fmt: MessageFormat) -> str:
    new = sum(1 for c in story.claims if c.kind == "new")
    changed = len(story.claims) - new
    counts = [f"{new} new claim{'s' if new != 1 else ''}"] if new else []
    if changed:
        counts.append(f"{changed} changed")
    lines = [_bold(story.name, fmt) + (f" — {', '.join(counts)}" if counts else "")]
    if story.is_new:
        first = story.first_title or story.first_url or "its first article"
        by = f" by {story.first_outlet}" if story.first_outlet else ""
        lines.append(f"New story detected, first reported{by}: {_link(first, story.first_url, fmt)}")
    return "\n".join(lines)


def _claim_items(story: StoryDigest, fmt: MessageFormat) -> list[_Item]:
    # Changed figures first: they are the higher severity and must survive "and N more".
    order = {"Changed claims (before → after):": 0, "New claims:": 1}
    claims = sorted(story.claims, key=lambda c: (order.get(_section_of(c, fmt), 2), c.version))
    return [
        _Item(_section_of(c, fmt), _render_claim(c, fmt), list(story.alert_ids_by_claim[c.claim_id]))
        for c in claims
    ]


def compose_story_messages(story: StoryDigest, channel: Channel) -> list[Message]:
    """One message for one story (split into parts only when it exceeds the channel's limit)."""
    fmt = channel.format
    items = _claim_items(story, fmt)
    footer = f"See more: {see_more(story, channel.policy)}"
    return _pack(
        title=f"{story.name}" if not story.is_new else f"New story: {story.name}",
        header=_story_header(story, fmt), items=items, footer=footer,
        base_alert_ids=list(story.story_alert_ids), channel=channel,
        max_items=channel.policy.max_claims_per_story,
    )


def compose_digest_messages(
    stories: list[StoryDigest], channel: Channel, since: dt.datetime | None, now: dt.datetime
) -> list[Message]:
    """One digest for a channel: every story with its claims, split only when too long."""
    fmt = channel.format
    items: list[_Item] = []
    base_ids: list[int] = []
    cap = channel.policy.max_claims_per_story
    for story in stories:
        section = _story_header(story, fmt) + f"\nSee more: {see_more(story, channel.policy)}"
        claim_items = _claim_items(story, fmt)
        shown, hidden = claim_items[:cap], claim_items[cap:]
        if not shown:
            items.append(_Item(section, "", list(story.story_alert_ids)))
        for index, item in enumerate(shown):
            ids = item.alert_ids + (list(story.story_alert_ids) if index == 0 else [])
            if index == len(shown) - 1 and hidden:
                item.text += f"\n…and {len(hidden)} more claims of this story"
                ids += [i for h in hidden for i in h.alert_ids]
            items.append(_Item(section, item.text, ids))
    n_claims = sum(len(s.claims) for s in stories)
    period = f"since {since:%Y-%m-%d %H:%M} UTC" if since else f"until {now:%Y-%m-%d %H:%M} UTC"
    header = (f"{len(stories)} stor{'ies' if len(stories) != 1 else 'y'}, "
              f"{n_claims} new or changed claim{'s' if n_claims != 1 else ''} {period}")
    return _pack(
        title="story-monitor digest", header=header, items=items, footer="",
        base_alert_ids=base_ids, channel=channel, max_items=len(items) or 1,
    )


def _pack(
    title: str, header: str, items: list[_Item], footer: str, base_alert_ids: list[int],
    channel: Channel, max_items: int,
) -> list[Message]:
    """Fit header, items and footer into parts of at most the channel's size; sum up the rest."""
    title = _truncate(title, 200)
    # Some services (Telegram) merge the title into the body, so it counts against the limit too.
    budget = max(channel.max_chars - len(title) - len(" (9/9)") - 2, 160)
    shown, hidden = items[:max_items], items[max_items:]
    parts: list[tuple[list[str], list[int]]] = []
    lines: list[str] = [_truncate(header, budget // 2)] if header else []
    ids: list[int] = list(base_alert_ids)
    section: str | None = None
    has_items = False

    def size(chunk: list[str]) -> int:
        return len("\n\n".join(chunk))

    def tail(count: int) -> str:
        return f"…and {count} more" + (f". {footer}" if footer else "")

    index = 0
    while index < len(shown):
        item = shown[index]
        heading = [item.section] if item.section and item.section != section else []
        block = "\n".join(heading + ([item.text] if item.text else []))
        left_after = len(shown) - index - 1 + len(hidden)
        reserve = len(tail(left_after) if left_after else footer) + 2
        if block and size(lines + [block]) + reserve > budget:
            if has_items and len(parts) + 1 < channel.policy.max_parts_per_message:
                parts.append((lines, ids))
                first_line = header.split("\n")[0] if header else title
                lines, ids, section, has_items = [first_line + " (continued)"], [], None, False
                continue
            if has_items:
                break
            block = _truncate(block, max(budget - size(lines) - reserve - 2, 40))
        if block:
            lines.append(block)
        ids += item.alert_ids
        section, has_items = item.section, True
        index += 1
    left = shown[index:] + hidden
    if left:
        lines.append(tail(len(left)))
        # Rows summed up as "and N more" count as delivered: the message points to the rest.
        ids += [i for item in left for i in item.alert_ids]
    elif footer:
        lines.append(footer)
    parts.append((lines, ids))
    total = len(parts)
    return [
        Message(
            title=title + (f" ({n}/{total})" if total > 1 else ""),
            body=_truncate("\n\n".join(body_lines), budget),
            alert_ids=part_ids,
        )
        for n, (body_lines, part_ids) in enumerate(parts, 1)
    ]


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(limit - 1, 0)].rstrip() + _ELLIPSIS


# Prefect drops the event of an artifact over PREFECT_EVENTS_MAXIMUM_SIZE_BYTES (1.5 MB by
# default), and a page that long is no summary: a cold cycle over 1,000 articles wrote 2.4 MB.
SUMMARY_ARTIFACT_CHARS_MAX = 100_000


def render_summary_markdown(
    con: duckdb.DuckDBPyConnection,
    run_started_at: dt.datetime,
    policy: AlertSettings | None = None,
    chars_max: int = SUMMARY_ARTIFACT_CHARS_MAX,
) -> str:
    """Markdown of the run's new and changed claims per story (the Prefect artifact), kept short.

    Each story shows at most `max_claims_per_story` claims, and stories stop once the page
    reaches CHARS_MAX characters; what is left out is counted, with where to read it.
    """
    rows = db.query(con, "alerts_run_items", {"since": run_started_at})
    if not rows:
        return ""
    fake_rows = [
        (-(index + 1), "new_story" if what == "story" else "new_claim", story_id,
         0 if what == "story" else item_id)
        for index, (what, item_id, story_id) in enumerate(rows)
    ]
    stories = load_story_digests(con, fake_rows)
    policy = policy or AlertSettings()
    total = sum(len(s.claims) for s in stories)
    lines = [f"# story-monitor: {total} new or changed claims in {len(stories)} stories", ""]
    size = len(lines[0])
    for shown, story in enumerate(stories):
        block = ["## " + story.name]
        block.append(_story_header(story, "markdown").split("\n", 1)[-1] if story.is_new else "")
        section = None
        items = _claim_items(story, "markdown")
        for item in items[: policy.max_claims_per_story]:
            if item.section != section:
                block += ["", "**" + item.section + "**", ""]
                section = item.section
            block += [item.text, ""]
        if len(items) > policy.max_claims_per_story:
            block += [f"…and {len(items) - policy.max_claims_per_story} more claims of this story", ""]
        block += [f"See more: `{see_more(story, policy)}`", ""]
        block_size = sum(len(line) + 1 for line in block)
        if shown and size + block_size > chars_max:
            left = stories[shown:]
            claims_left = sum(len(s.claims) for s in left)
            lines.append(
                f"…and {len(left)} more stor{'ies' if len(left) != 1 else 'y'} with {claims_left}"
                f" claim{'s' if claims_left != 1 else ''}: `monitor stories` lists them,"
                " `monitor report STORY` shows one."
            )
            break
        lines += block
        size += block_size
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


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
            db.execute(con, "alerts_recover_interrupted",
                       {"status": status, "error": error, "now": now, "stale_before": stale_before})
    if count:
        LOGGER.warning("%s alert rows were left in 'sending' by an interrupted run: %s", count, error)
    return count


def deliver_alerts(
    con: duckdb.DuckDBPyConnection, channels: list[Channel], now: dt.datetime,
    mode: str = "immediate", *, respect_quiet_hours: bool = True,
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
    con: duckdb.DuckDBPyConnection, channels: list[Channel], now: dt.datetime,
    period_hours: float, *, force: bool = False,
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
            report.merge(_deliver_channel(con, channel, now, digest_since=last or (
                now - dt.timedelta(hours=period_hours))))
        report.pending += _pending(con, channel)
    return report


def _pending(con: duckdb.DuckDBPyConnection, channel: Channel) -> int:
    return _count(db.query(con, "alerts_pending_count", {"channel": channel.key}))


def _deliver_channel(
    con: duckdb.DuckDBPyConnection, channel: Channel, now: dt.datetime,
    digest_since: dt.datetime | None = None,
) -> DeliveryReport:
    report = DeliveryReport()
    policy = channel.policy
    rows = db.query(con, "alerts_due", {"channel": channel.key, "now": now,
                                        "max_attempts": policy.max_attempts})
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
            db.execute(con, "alerts_record_digest", {
                "channel": channel.key, "now": now, "stories": len(stories),
                "alerts": len(settled), "messages": report.sent_messages})
    return report


def _mark_failed(
    con: duckdb.DuckDBPyConnection, ids: list[int], error: str, now: dt.datetime,
    policy: AlertSettings,
) -> None:
    if not ids:
        return
    with db.transaction(con):
        db.execute(con, "alerts_mark_failed", {
            "ids": ids, "now": now, "error": error[:1000],
            "min_s": policy.retry_backoff_min_s, "max_s": policy.retry_backoff_max_s,
        })


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
        body_format = (apprise.NotifyFormat.TEXT if channel.format == "text"
                       else apprise.NotifyFormat.MARKDOWN)
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
            accepted = bool(call_with_deadline(
                functools.partial(notifier.notify, title=message.title, body=message.body,
                                  body_format=body_format),
                alert_send_deadline_s(channel.policy.send_timeout_s), channel.key))
        if accepted:
            LOGGER.info("alert sent to %s: %s", channel.label, message.title)
            return True, ""
        lines = [line.strip() for line in log.getvalue().splitlines() if line.strip()]
        reason = " | ".join(lines[-3:]) or "the channel did not accept the message"
        return False, channel.redact(f"{channel.key}: {reason}")
    except Exception as e:  # noqa: BLE001 - a plugin bug must not stop the other channels
        return False, channel.redact(f"{channel.key}: {type(e).__name__}: {e}")


# --- CLI helpers -------------------------------------------------------------------------------


ALERT_LIST_COLUMNS = ("id", "status", "kind", "channel", "story_id", "story", "claim", "attempts",
                      "last_error", "created_at", "next_attempt_at", "sent_at")


def list_alerts(
    con: duckdb.DuckDBPyConnection, status: str | None = None, channel: str | None = None,
    limit: int = 50,
) -> list[dict[str, Any]]:
    """Recent and pending deliveries, unfinished first."""
    rows = db.query(con, "alerts_list", {"status": status, "channel": channel, "limit": limit})
    return [dict(zip(ALERT_LIST_COLUMNS, row)) for row in rows]


def describe_channels(channels: Sequence[Channel]) -> list[dict[str, Any]]:
    """The channels as the CLI shows them: key, service, mode, format, limit, filters, error."""
    return [
        {"key": c.key, "service": c.service, "mode": c.mode, "format": c.format,
         "max_chars": c.max_chars, "min_severity": c.min_severity, "stories": list(c.stories),
         "tracked_only": c.tracked_only, "quiet_hours": c.quiet_hours, "error": c.error}
        for c in channels
    ]


def make_due(con: duckdb.DuckDBPyConnection, channel: str | None = None) -> dict[str, int]:
    """Turn failed and held rows back into pending rows due now; return rows per channel."""
    with db.transaction(con):
        counts = {key: int(n) for key, n in db.query(con, "alerts_retry_candidates", {"channel": channel})}
        db.execute(con, "alerts_make_due", {"channel": channel})
    return counts
