"""Deployments and scale-out against a real local Prefect server (started once for this module).

- deploy/prefect.yaml parses, its entrypoints import, and `prefect deploy --all` registers them
  into a process work pool;
- `monitor serve` creates the same three scheduled deployments;
- a cycle with [scale] dask_address fans fetch/extract out to a Dask LocalCluster of 2 workers.
Ephemeral mode would start a Prefect server per Dask worker, so everything here talks to the
server this module starts.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
PREFECT_YAML = REPO_ROOT / "deploy" / "prefect.yaml"
VENV_BIN = Path(sys.executable).parent
DEPLOYMENTS = {"monitor-cycle", "monitor-digest", "monitor-maintenance"}

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """`prefect server start` on 127.0.0.1; yields the environment that points at it."""
    home = tmp_path_factory.mktemp("prefect-home")
    port = _free_port()
    env = {
        **os.environ,
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
        "PREFECT_LOGGING_LEVEL": "WARNING",
        # The scheduler service turns deployment schedules into Scheduled flow runs.
        "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "2",
    }
    log = (home / "server.log").open("w")
    server_env = {k: v for k, v in env.items() if k != "PREFECT_API_URL"}
    process = subprocess.Popen(
        [str(VENV_BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=server_env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 120
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(
                f"prefect server did not start: {(home / 'server.log').read_text()[-2000:]}"
            )
        time.sleep(0.5)
    try:
        yield env
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _read_deployments(env: dict[str, str]) -> dict[str, Any]:
    code = (
        "import asyncio, json\n"
        "from prefect.client.orchestration import get_client\n"
        "async def main():\n"
        "    async with get_client() as c:\n"
        "        out = {}\n"
        "        runs = [r for r in await c.read_flow_runs(limit=200) if r.state_name == 'Scheduled']\n"
        "        for d in await c.read_deployments():\n"
        "            gcl = d.global_concurrency_limit\n"
        "            out[d.name] = {'tags': d.tags, 'parameters': d.parameters,\n"
        "                'entrypoint': d.entrypoint, 'work_pool': d.work_pool_name,\n"
        "                'limit': gcl.limit if gcl else None,\n"
        "                'collision': str(d.concurrency_options.collision_strategy.value)\n"
        "                             if d.concurrency_options else None,\n"
        "                'schedules': [json.loads(s.schedule.model_dump_json()) | {'active': s.active}\n"
        "                              for s in d.schedules],\n"
        "                'scheduled': sorted(r.expected_start_time.isoformat() for r in runs\n"
        "                                    if r.deployment_id == d.id)}\n"
        "        print(json.dumps(out))\n"
        "asyncio.run(main())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _config(tmp_path: Path, extra: str = "") -> Path:
    config = tmp_path / "monitor.toml"
    config.write_text(f'[database]\npath = "{tmp_path / "monitor.duckdb"}"\n{extra}')
    return config


def test_prefect_yaml_matches_serve_and_entrypoints_import(tmp_path: Path) -> None:
    from prefect import Flow
    from prefect.utilities.importtools import import_object

    from flows.serve import build_deployments

    spec = yaml.safe_load(PREFECT_YAML.read_text())
    declared = {d["name"]: d for d in spec["deployments"]}
    assert set(declared) == DEPLOYMENTS
    for deployment in declared.values():
        assert isinstance(import_object(str(REPO_ROOT / deployment["entrypoint"])), Flow)
        assert deployment["work_pool"]["name"] == "story-monitor"
        assert deployment["concurrency_limit"]["limit"] == 1
    served = {d.name: d for d in build_deployments(str(_config(tmp_path)))}
    assert set(served) == DEPLOYMENTS
    for name, deployment in declared.items():
        runner = served[name]
        assert runner.entrypoint.split(":")[-1] == deployment["entrypoint"].split(":")[-1]
        assert runner.tags == deployment["tags"]
        assert set(runner.parameters) == set(deployment["parameters"])
        assert (
            runner.concurrency_options.collision_strategy.value
            == (deployment["concurrency_limit"]["collision_strategy"])
        )
        [yaml_schedule] = deployment["schedules"]
        [schedule] = runner.schedules
        if "interval" in yaml_schedule:
            assert schedule.schedule.interval.total_seconds() == yaml_schedule["interval"]
        else:
            assert schedule.schedule.cron == yaml_schedule["cron"]


def test_committed_prefect_yaml_is_the_rendered_one() -> None:
    """deploy/prefect.yaml cannot drift from flows/deployments.py: it is their rendering."""
    from flows.deployments import render_prefect_yaml
    from monitor.settings import Settings

    assert PREFECT_YAML.read_text() == render_prefect_yaml(Settings()), (
        "deploy/prefect.yaml is stale: run `monitor deploy --out deploy/prefect.yaml`"
    )


def test_digest_schedule_comes_from_the_config_in_both_paths(tmp_path: Path) -> None:
    from flows.deployments import render_prefect_yaml
    from flows.serve import build_deployments
    from monitor.settings import load_settings

    config = _config(
        tmp_path, '[alerts]\ndigest_cron = "30 17 * * 1-5"\ntimezone = "Europe/Berlin"\n'
    )
    rendered = yaml.safe_load(render_prefect_yaml(load_settings(str(config))))
    digest = {d["name"]: d for d in rendered["deployments"]}["monitor-digest"]
    assert digest["schedules"] == [{"cron": "30 17 * * 1-5", "timezone": "Europe/Berlin"}]
    served = {d.name: d for d in build_deployments(str(config))}
    [schedule] = served["monitor-digest"].schedules
    assert schedule.schedule.cron == "30 17 * * 1-5"
    assert schedule.schedule.timezone == "Europe/Berlin"


def test_prefect_deploy_all_registers_into_a_process_pool(prefect_server: dict[str, str]) -> None:
    env = {**prefect_server, "STORY_MONITOR_HOME": str(REPO_ROOT)}
    prefect = str(VENV_BIN / "prefect")
    subprocess.run(
        [prefect, "work-pool", "create", "story-monitor", "--type", "process"],
        env=env,
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
        timeout=120,
    )
    done = subprocess.run(
        [prefect, "--no-prompt", "deploy", "--all", "--prefect-file", str(PREFECT_YAML)],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    found = _read_deployments(prefect_server)
    assert DEPLOYMENTS <= set(found)
    cycle = found["monitor-cycle"]
    assert cycle["work_pool"] == "story-monitor"
    assert cycle["entrypoint"] == "flows/cycle.py:cycle_flow"
    assert (cycle["limit"], cycle["collision"]) == (1, "CANCEL_NEW")
    assert cycle["schedules"][0]["interval"] == 900.0
    assert found["monitor-maintenance"]["schedules"][0]["cron"] == "0 3 * * 0"
    assert found["monitor-digest"]["collision"] == "ENQUEUE"


def test_monitor_serve_creates_the_scheduled_deployments(
    prefect_server: dict[str, str], tmp_path: Path
) -> None:
    config = _config(
        tmp_path, '[alerts]\ntimezone = "Europe/Berlin"\ndigest_cron = "30 7 * * 1-5"\n'
    )
    serve = subprocess.Popen(
        [str(VENV_BIN / "monitor"), "serve", "--config", str(config), "--interval-minutes", "20"],
        env=prefect_server,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            found = _read_deployments(prefect_server)
            served = {
                n: d for n, d in found.items() if d["parameters"].get("config_path") == str(config)
            }
            scheduled = all(d["scheduled"] for d in served.values())
            if (
                (set(served) == DEPLOYMENTS and scheduled)
                or serve.poll() is not None
                or time.monotonic() > deadline
            ):
                break
            time.sleep(1)
        assert set(served) == DEPLOYMENTS, (
            serve.stdout.read1().decode()
            if serve.poll() is not None
            else f"found only {sorted(served)}"
        )
        assert scheduled, {n: d["scheduled"] for n, d in served.items()}
    finally:
        serve.terminate()
        serve.wait(timeout=30)
    cycle, digest = served["monitor-cycle"], served["monitor-digest"]
    assert cycle["schedules"][0]["interval"] == 1200.0 and cycle["schedules"][0]["active"]
    assert (cycle["limit"], cycle["collision"]) == (1, "CANCEL_NEW")
    assert "cycle" in cycle["tags"] and "story-monitor" in cycle["tags"]
    assert digest["schedules"][0]["cron"] == "30 7 * * 1-5"
    assert digest["schedules"][0]["timezone"] == "Europe/Berlin"
    assert served["monitor-maintenance"]["schedules"][0]["cron"] == "0 3 * * 0"
    assert served["monitor-maintenance"]["collision"] == "ENQUEUE"
    # The server scheduled real runs from those schedules: cycles 20 minutes apart, the digest at
    # 07:30 Berlin time on a weekday, maintenance on Sundays at 03:00 in the config's time zone.
    from datetime import datetime, timedelta
    from itertools import pairwise
    from zoneinfo import ZoneInfo

    cycles = [datetime.fromisoformat(t) for t in cycle["scheduled"]]
    assert len(cycles) >= 3
    assert {b - a for a, b in pairwise(cycles)} == {timedelta(minutes=20)}
    berlin = ZoneInfo("Europe/Berlin")
    for at in map(datetime.fromisoformat, digest["scheduled"]):
        local = at.astimezone(berlin)
        assert (local.hour, local.minute) == (7, 30) and local.weekday() < 5
    for at in map(datetime.fromisoformat, served["monitor-maintenance"]["scheduled"]):
        local = at.astimezone(berlin)
        assert (local.weekday(), local.hour, local.minute) == (6, 3, 0)


DASK_RUN = """
import json, sys
from pathlib import Path
from distributed import Client, LocalCluster, get_task_stream
from flows.cycle import run_cycle

config = Path(sys.argv[1])
with LocalCluster(n_workers=2, threads_per_worker=2, processes=True, dashboard_address=None) as cluster:
    config.write_text(config.read_text()
                      + f'\\n[scale]\\ndask_address = "{cluster.scheduler_address}"\\nfeed_shards = 4\\n')
    with Client(cluster) as client, get_task_stream(client) as stream:
        summary = run_cycle(config, poll_all_now=True)
        workers = sorted(cluster.workers[name].worker_address for name in cluster.workers)
    ran = [{"key": str(t["key"]), "worker": t["worker"]} for t in stream.data]

import asyncio
from prefect.client.orchestration import get_client

async def recorded():
    async with get_client() as c:
        tasks = [(r.name, r.state_name) for r in await c.read_task_runs()]
        names = {f.id: f.name for f in await c.read_flows()}
        flow_names = [names[r.flow_id] for r in await c.read_flow_runs()]
        return tasks, flow_names

api_tasks, api_flows = asyncio.run(recorded())
print(json.dumps({"summary": summary, "tasks": ran, "workers": workers,
                  "api_tasks": api_tasks, "api_flows": api_flows}, default=str))
"""


def test_cycle_fans_fetch_and_extract_out_to_a_dask_cluster(
    prefect_server: dict[str, str], tmp_path: Path
) -> None:
    from monitor import db
    from monitor.demo import EARLIER, LATER, render_feed, start_demo_site
    from monitor.localserver import FixtureServer

    site = start_demo_site(tmp_path)
    # A second outlet on another loopback address: two hosts give two shards.
    other = FixtureServer(host="127.0.0.2").start()
    try:
        other.add(LATER.path, _page(site, LATER))
        other_base = f"http://127.0.0.2:{other.port}"  # base_url always names 127.0.0.1
        other.add(
            "/feeds/second.xml",
            render_feed(other_base, [LATER]),
            "application/rss+xml; charset=utf-8",
        )
        site.publish([EARLIER])
        config = site.config_path
        config.write_text(
            config.read_text().replace(
                "[[stories]]", f'[[feeds]]\nurl = "{other_base}/feeds/second.xml"\n\n[[stories]]', 1
            )
        )
        done = subprocess.run(
            [sys.executable, "-c", DASK_RUN, str(config)],
            env=prefect_server,
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-4000:]
        result = json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        other.stop()
        site.server.stop()
        site.receiver.stop()
    summary = result["summary"]
    assert summary["skipped"] is None
    assert {"feeds", "articles", "stories", "claims"} <= set(summary["stage_seconds"])
    # The same batch loop as on one machine: the batch is stored, linked and judged in the flow.
    assert summary["articles"]["batches"] == 1 and summary["stories"]["linked"] == 2
    page_tasks = [t for t in result["tasks"] if "fetch_and_extract_pages" in t["key"]]
    feed_tasks = [t for t in result["tasks"] if t["key"].startswith("fetch_feeds")]
    assert len(page_tasks) == 2 and len(feed_tasks) == 2, result["tasks"]
    assert {t["worker"] for t in result["tasks"]} <= set(result["workers"])
    assert len(result["workers"]) == 2
    # The real server recorded the worker-side task runs and the fan-out subflow.
    api_pages = [
        state for name, state in result["api_tasks"] if name.startswith("fetch_and_extract_pages")
    ]
    assert api_pages == ["Completed", "Completed"], result["api_tasks"]
    assert {"monitor-cycle", "monitor-fetch-extract"} <= set(result["api_flows"])
    with db.open_db(site.database_path, read_only=True) as con:
        assert db.query(con, "count_articles") == [(2,)]
        assert db.query(con, "count_feeds") == [(2,)]


def _page(site: Any, article: Any) -> str:
    return httpx.get(site.server.url(article.path), timeout=10).text


def test_monitor_serve_without_a_prefect_server_says_how_to_start_one(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env["PREFECT_HOME"] = str(tmp_path / "prefect-home")  # no profile that names a server
    done = subprocess.run(
        [str(VENV_BIN / "monitor"), "serve", "--config", str(_config(tmp_path))],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode != 0
    assert "monitor serve needs a running Prefect server" in done.stderr
    assert "PREFECT_API_URL=http://127.0.0.1:4200/api" in done.stderr
