"""`monitor serve`: the scheduled deployments in one process, for a laptop."""

from __future__ import annotations

from prefect import serve

from flows.cycle import cycle_flow


def serve_deployments(config_path: str, interval_minutes: int = 15) -> None:
    """Serve the polling cycle on an interval until interrupted."""
    cycle = cycle_flow.to_deployment(
        name="monitor-cycle",
        interval=interval_minutes * 60,
        parameters={"config_path": config_path},
        tags=["story-monitor", "cycle"],
    )
    serve(cycle)
