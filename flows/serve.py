"""`monitor serve`: the scheduled deployments of flows/deployments.py, served from one process.

deploy/prefect.yaml is rendered from the same specs, so a laptop running `monitor serve` and a
server running `prefect deploy --all` behave alike.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from prefect import Flow, serve
from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
from prefect.schedules import Cron, Interval, Schedule

from flows.deployments import (
    CYCLE_DEPLOYMENT,
    DEFAULT_CYCLE_INTERVAL_MINUTES,
    DIGEST_DEPLOYMENT,
    MAINTENANCE_DEPLOYMENT,
    DeploymentSpec,
    deployment_specs,
)
from monitor.errors import ConfigError
from monitor.settings import load_settings

__all__ = [
    "CYCLE_DEPLOYMENT",
    "DIGEST_DEPLOYMENT",
    "MAINTENANCE_DEPLOYMENT",
    "build_deployments",
    "require_prefect_server",
    "serve_deployments",
]


def _flows() -> dict[str, Flow[Any, Any]]:
    from flows.alerting import digest_flow
    from flows.cycle import cycle_flow
    from flows.maintenance import maintenance_flow

    return {
        "cycle_flow": cycle_flow,
        "digest_flow": digest_flow,
        "maintenance_flow": maintenance_flow,
    }


def _schedule(spec: DeploymentSpec) -> Schedule:
    if spec.interval_s is not None:
        return Interval(timedelta(seconds=spec.interval_s), timezone=spec.timezone)
    assert spec.cron is not None
    return Cron(spec.cron, timezone=spec.timezone)


def build_deployments(
    config_path: str, interval_minutes: int = DEFAULT_CYCLE_INTERVAL_MINUTES
) -> list[Any]:
    """The three scheduled deployments (cycle, digest, maintenance) for one config file."""
    # Flow runs may start in another working directory: pass the config by absolute path.
    config_path = str(Path(config_path).resolve())
    settings = load_settings(config_path)
    flows = _flows()
    return [
        flows[spec.flow_name].to_deployment(
            name=spec.name,
            schedules=[_schedule(spec)],
            parameters=spec.parameters,
            tags=spec.tags,
            concurrency_limit=ConcurrencyLimitConfig(
                limit=spec.concurrency_limit,
                collision_strategy=ConcurrencyLimitStrategy(spec.collision_strategy),
            ),
            description=spec.description,
        )
        for spec in deployment_specs(settings, config_path, interval_minutes)
    ]


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
