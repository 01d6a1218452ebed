"""`monitor serve`: the scheduled deployments of deploy/prefect.yaml, served from one process.

Same names, schedules, parameters, tags and concurrency limits as deploy/prefect.yaml, so a laptop
running `monitor serve` and a server running `prefect deploy --all` behave alike.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from prefect import serve
from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
from prefect.schedules import Cron, Interval

from monitor.errors import ConfigError
from monitor.settings import load_settings

CYCLE_DEPLOYMENT = "monitor-cycle"
DIGEST_DEPLOYMENT = "monitor-digest"
MAINTENANCE_DEPLOYMENT = "monitor-maintenance"
DEFAULT_CYCLE_INTERVAL_MINUTES = 15
# Sundays 03:00 in [alerts] timezone: a quiet hour for rewriting the database.
MAINTENANCE_CRON = "0 3 * * 0"
TAGS = ["story-monitor"]
# A cycle still running when the next is due: drop the new one (the next interval catches up).
CYCLE_CONCURRENCY = ConcurrencyLimitConfig(
    limit=1, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW
)
# A digest or maintenance run that is late still has to happen: queue it behind the running one.
QUEUED_CONCURRENCY = ConcurrencyLimitConfig(
    limit=1, collision_strategy=ConcurrencyLimitStrategy.ENQUEUE
)


def build_deployments(
    config_path: str, interval_minutes: int = DEFAULT_CYCLE_INTERVAL_MINUTES
) -> list[Any]:
    """The three scheduled deployments (cycle, digest, maintenance) for one config file."""
    from flows.alerting import digest_flow
    from flows.cycle import cycle_flow
    from flows.maintenance import maintenance_flow

    # Flow runs may start in another working directory: pass the config by absolute path.
    config_path = str(Path(config_path).resolve())
    settings = load_settings(config_path)
    timezone = settings.alerts.timezone
    cycle = cycle_flow.to_deployment(
        name=CYCLE_DEPLOYMENT,
        schedules=[Interval(timedelta(minutes=interval_minutes), timezone=timezone)],
        parameters={"config_path": config_path, "poll_all_now": False, "lock_wait_seconds": 0.0},
        tags=[*TAGS, "cycle"],
        concurrency_limit=CYCLE_CONCURRENCY,
        description="Poll due feeds, fetch and extract articles, link stories, flag new claims, alert.",
    )
    digest = digest_flow.to_deployment(
        name=DIGEST_DEPLOYMENT,
        schedules=[Cron(settings.alerts.digest_cron, timezone=timezone)],
        parameters={"config_path": config_path},
        tags=[*TAGS, "alerts"],
        concurrency_limit=QUEUED_CONCURRENCY,
        description="Send digest-mode channels one summary of what is new since their last digest.",
    )
    maintenance = maintenance_flow.to_deployment(
        name=MAINTENANCE_DEPLOYMENT,
        schedules=[Cron(MAINTENANCE_CRON, timezone=timezone)],
        parameters={"config_path": config_path},
        tags=[*TAGS, "maintenance"],
        concurrency_limit=QUEUED_CONCURRENCY,
        description="Prune old raw HTML, CHECKPOINT/VACUUM the database, report feed health.",
    )
    return [cycle, digest, maintenance]


def require_prefect_server() -> str:
    """The configured PREFECT_API_URL; without one, serve() would use an API that never schedules."""
    from prefect.settings import PREFECT_API_URL

    api_url = PREFECT_API_URL.value()
    if not api_url:
        raise ConfigError(
            "monitor serve needs a running Prefect server: scheduled runs never start on the "
            "temporary API Prefect uses when PREFECT_API_URL is unset. Start one with "
            "`prefect server start --host 127.0.0.1 --port 4200` and set "
            "PREFECT_API_URL=http://127.0.0.1:4200/api"
        )
    return str(api_url)


def serve_deployments(
    config_path: str, interval_minutes: int = DEFAULT_CYCLE_INTERVAL_MINUTES
) -> None:
    """Serve the cycle, the daily digest and the weekly maintenance until interrupted."""
    require_prefect_server()
    serve(*build_deployments(config_path, interval_minutes))
