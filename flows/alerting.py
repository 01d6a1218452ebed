"""Prefect side of alerts: notification and Secret blocks as channel URLs, the summary artifact, the digest flow.

Channel URLs may name Prefect blocks in two ways (both read at send time, never stored):
  block = "slack-webhook/newsroom"              a notification block, "block-type-slug/name"
  url = "discord://${prefect-secret:discord-hook}"   a Secret block's value inside a URL template
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any, cast
from uuid import UUID

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact
from prefect.blocks.core import Block
from prefect.blocks.system import Secret

from monitor import alerts, alerts_render, db
from monitor.settings import Settings, load_settings

LOGGER = logging.getLogger(__name__)
SUMMARY_ARTIFACT_KEY = "monitor-alerts-summary"
DIGEST_ARTIFACT_KEY = "monitor-alerts-digest"
DIGEST_LOCK_WAIT_S = 600.0


def block_url(block: Block) -> str:
    """The Apprise URL a Prefect notification block sends to (its SecretStr `url`, or its client)."""
    client = getattr(block, "_apprise_client", None)
    if client is not None and len(client) > 0:
        # Blocks that build their own URL (Teams workflows, Discord, PagerDuty, ...) keep the
        # finished Apprise server in a private client; its url() is the complete, private URL.
        return str(client[0].url(privacy=False))
    secret = getattr(block, "url", None)
    if secret is not None and hasattr(secret, "get_secret_value"):
        return str(secret.get_secret_value())
    if isinstance(secret, str):
        return secret
    raise ValueError(f"{type(block).__name__} has no Apprise URL")


def resolve_block_urls(settings: Settings) -> dict[str, str]:
    """Load every notification block and Secret block the channels name; unreadable ones are left out."""
    resolved: dict[str, str] = {}
    for config in settings.channels:
        reference = alerts.block_reference(config)
        if config.block and reference and reference not in resolved:
            try:
                resolved[reference] = block_url(cast(Block, Block.load(config.block)))
            except Exception as e:  # noqa: BLE001 - the channel records the failure on its rows
                LOGGER.warning(
                    "Prefect block %r could not be loaded: %s", config.block, type(e).__name__
                )
        for name in alerts.secret_references(config):
            key = f"prefect-secret:{name}"
            if key in resolved:
                continue
            try:
                resolved[key] = str(cast(Secret[str], Secret.load(name)).get())
            except Exception as e:  # noqa: BLE001 - the channel records the failure on its rows
                LOGGER.warning(
                    "Prefect Secret block %r could not be loaded: %s", name, type(e).__name__
                )
    return resolved


def channels_for(settings: Settings) -> list[alerts.Channel]:
    """The configured channels with Prefect blocks and secrets resolved, ready to send."""
    needs_prefect = any(c.block or alerts.secret_references(c) for c in settings.channels)
    return alerts.build_channels(settings, resolve_block_urls(settings) if needs_prefect else None)


def publish_summary_artifact(
    markdown: str,
    key: str = SUMMARY_ARTIFACT_KEY,
    description: str = "New and changed claims this run",
) -> UUID:
    """Create the Prefect markdown artifact that shows the alert summary in the UI."""
    body = markdown or "No new or changed claims in this run."
    return cast(UUID, create_markdown_artifact(markdown=body, key=key, description=description))


@flow(name="monitor-alerts-digest", log_prints=False)
def digest_flow(
    config_path: str | None = None, period_hours: float | None = None, force: bool = False
) -> dict[str, Any]:
    """Send each digest-mode channel one summary of what is new since its last digest."""
    logger = get_run_logger()
    settings = load_settings(config_path)
    period = period_hours or settings.alerts.digest_period_hours
    channels = channels_for(settings)
    if not any(c.mode == "digest" for c in channels):
        logger.info('no [[channels]] with mode = "digest"; nothing to send')
        return alerts.DeliveryReport().as_dict()
    with db.cycle_lock(settings.database.path, wait_s=DIGEST_LOCK_WAIT_S):
        now = db.utcnow()
        with db.open_db(settings.database) as con:
            alerts.queue_alerts(con, channels, now)
            summary = alerts_render.render_summary_markdown(
                con, now - dt.timedelta(hours=period), settings.alerts
            )
            report = alerts.deliver_digest(con, channels, now, period, force=force)
    publish_summary_artifact(
        summary,
        key=DIGEST_ARTIFACT_KEY,
        description=f"New and changed claims of the last {period:g} hours",
    )
    logger.info("digest: %s", report.as_dict())
    return report.as_dict()
