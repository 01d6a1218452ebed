"""Weekly maintenance as a Prefect flow: prune raw HTML, compact the store, feed-health artifact."""

from __future__ import annotations

from typing import Any

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact

from monitor import db, maintenance
from monitor.settings import load_settings

FEED_HEALTH_ARTIFACT_KEY = "monitor-feed-health"
# Maintenance rewrites the store, so it waits for a running cycle rather than racing it.
MAINTENANCE_LOCK_WAIT_S = 1800.0


@flow(name="monitor-maintenance", log_prints=False)
def maintenance_flow(
    config_path: str | None = None, raw_html_retention_days: int | None = None
) -> dict[str, Any]:
    """Prune raw HTML past retention, CHECKPOINT/VACUUM the database, report feed health."""
    logger = get_run_logger()
    settings = load_settings(config_path)
    retention = (
        settings.database.raw_html_retention_days
        if raw_html_retention_days is None
        else raw_html_retention_days
    )
    database_file = settings.database.path if settings.database.backend == "duckdb" else None
    with (
        db.cycle_lock(settings.database.path, wait_s=MAINTENANCE_LOCK_WAIT_S),
        db.open_db(settings.database) as con,
    ):
        report = maintenance.run_maintenance(
            con, database_file, db.utcnow(), retention, linking=settings.linking
        )
    create_markdown_artifact(
        key=FEED_HEALTH_ARTIFACT_KEY,
        markdown=report.report_markdown,
        description="Weekly feed health and store maintenance",
    )
    logger.info("maintenance done: %s", report.as_dict())
    return report.as_dict()
