"""The cycle's last step: rebuild the static story site at [site] dir."""

from __future__ import annotations

from typing import Any

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from monitor import db, site
from monitor.errors import MonitorError
from monitor.settings import Settings


@task(cache_policy=NO_CACHE)
def refresh_site(settings: Settings) -> dict[str, Any] | None:
    """Rebuild the site; a failure is logged, not raised, since the cycle's data is already stored."""
    logger = get_run_logger()
    if settings.site.dir is None:
        return None
    try:
        with db.open_db(settings.database, read_only=True) as con:
            summary = site.build_site(con, settings.site.dir, settings)
    except (MonitorError, OSError) as e:
        logger.error("site at %s not refreshed: %s", settings.site.dir, e)
        return None
    logger.info("%s", summary.describe())
    return summary.as_dict()
