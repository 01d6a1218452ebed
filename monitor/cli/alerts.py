"""Alert commands: `monitor alerts` (the outbox), `alerts retry` and `alerts channels`."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from monitor import alerts, db
from monitor.cli import common
from monitor.settings import Settings

STATUSES = ["pending", "sending", "sent", "failed", "filtered", "unknown"]


def add_alerts(parser: argparse.ArgumentParser) -> None:
    """Options and actions of `monitor alerts`."""
    common.add_config(parser)
    parser.add_argument("--status", choices=STATUSES, help="only rows with this status")
    parser.add_argument("--channel", metavar="KEY", help="only rows of this channel key")
    parser.add_argument(
        "--limit", type=int, default=50, metavar="N", help="at most N rows (default 50)"
    )
    common.add_format(parser)
    parser.set_defaults(handler=cmd_list)
    actions = parser.add_subparsers(dest="alerts_command", metavar="ACTION")
    retry = common.add_command(
        actions,
        "retry",
        cmd_retry,
        "make failed and held deliveries due now and deliver them",
        description="Make failed and held deliveries due now and deliver them "
        "(ignores quiet hours).",
        config=False,
    )
    retry.add_argument(
        "--channel", metavar="KEY", default=argparse.SUPPRESS, help="only this channel key"
    )
    common.add_config(retry, inherited=True)
    common.add_format(retry, inherited=True)
    listing = common.add_command(
        actions,
        "channels",
        cmd_channels,
        "list configured channels: key, service, mode, format, size limit, filters",
        description="List configured channels (secrets are never shown) and why one cannot send.",
        config=False,
    )
    common.add_config(listing, inherited=True)
    common.add_format(listing, inherited=True)


def cmd_list(args: argparse.Namespace) -> int:
    """Recent and pending deliveries."""
    settings = common.settings(args)
    with db.open_db(settings.database) as con:
        rows = alerts.list_alerts(con, args.status, args.channel, args.limit)
    if common.wants_json(args):
        common.print_json(rows)
        return 0
    if not rows:
        print("no alert deliveries yet")
        return 0
    header = ["id", "status", "kind", "channel", "story", "claim", "tries", "when", "last error"]
    common.print_table(
        header,
        [
            [
                str(r["id"]),
                r["status"],
                r["kind"],
                r["channel"],
                common.clip(r["story"] or "", 28),
                common.clip(r["claim"] or "", 40),
                str(r["attempts"]),
                common.when(r["sent_at"] or r["next_attempt_at"] or r["created_at"]),
                common.clip(r["last_error"] or "", 50),
            ]
            for r in rows
        ],
    )
    return 0


def cmd_retry(args: argparse.Namespace) -> int:
    """Make failed and held deliveries due and send them now; exit 1 if a channel failed."""
    settings = common.settings(args)
    channel_key = getattr(args, "channel", None)
    channels = configured_channels(settings)
    if channel_key is not None:
        channels = [c for c in channels if c.key == channel_key]
        if not channels:
            common.print_error(f"no configured channel with key {channel_key!r}")
            return 1
    now = db.utcnow()
    with db.open_db(settings.database) as con:
        made_due = alerts.make_due(con, channel_key)
        report = alerts.deliver_alerts(con, channels, now, respect_quiet_hours=False)
        digests = [c for c in channels if c.mode == "digest" and made_due.get(c.key)]
        if digests:
            report.merge(
                alerts.deliver_digest(
                    con, digests, now, settings.alerts.digest_period_hours, force=True
                )
            )
    if common.wants_json(args):
        common.print_json({"made_due": made_due, **report.as_dict()})
    else:
        print(
            f"{sum(made_due.values())} deliveries made due; sent {report.sent_messages} "
            f"message(s) carrying {report.sent_alerts} alert(s); {report.pending} still pending"
        )
        for key, error in report.errors.items():
            print(f"  {key}: failed: {error}")
    return 1 if report.failed_channels else 0


def cmd_channels(args: argparse.Namespace) -> int:
    """The configured channels; exit 1 if one cannot send."""
    described = alerts.describe_channels(configured_channels(common.settings(args)))
    if common.wants_json(args):
        common.print_json(described)
        return 0
    if not described:
        print("no [[channels]] configured")
        return 0
    header = ["key", "service", "mode", "format", "max chars", "filters", "problem"]
    common.print_table(
        header,
        [
            [
                c["key"],
                c["service"],
                c["mode"],
                c["format"],
                str(c["max_chars"]),
                ", ".join(
                    filter(
                        None,
                        [
                            f"min {c['min_severity']}",
                            "tracked only" if c["tracked_only"] else "",
                            ("stories: " + "; ".join(c["stories"])) if c["stories"] else "",
                        ],
                    )
                ),
                c["error"] or "",
            ]
            for c in described
        ],
    )
    return 1 if any(c["error"] for c in described) else 0


def configured_channels(settings: Settings) -> list[alerts.Channel]:
    """The channels ready to send, reading Prefect blocks and secrets only when one needs them."""
    if any(c.block or alerts.secret_references(c) for c in settings.channels):
        # Blocks and secrets are read through the Prefect API, which is slow to import.
        from flows.alerting import channels_for

        return channels_for(settings)
    return alerts.build_channels(settings)


COMMANDS: dict[str, Callable[[argparse.ArgumentParser], None]] = {"alerts": add_alerts}
