"""The benchmark runs end to end at a tiny size and writes a complete result file (no timing asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO_DIR = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_bench_writes_complete_json(tmp_path: Path) -> None:
    output = tmp_path / "latest.json"
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "--n",
            "20",
            "--feeds",
            "5",
            "--hosts",
            "2",
            "--growth-sizes",
            "100,300",
            "--growth-n",
            "10",
            "--steady-runs",
            "1",
            "--cache-dir",
            str(tmp_path / "cache"),
            "--workdir",
            str(tmp_path / "work"),
            "--output",
            str(output),
        ],
        cwd=REPO_DIR,
        capture_output=True,
        text=True,
        timeout=280,
        check=False,
        env={**__import__("os").environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"},
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    results = json.loads(output.read_text())

    assert results["floor_threads"]["pages"] == 20
    assert results["floor_threads"]["failed"] == 0
    assert results["floor_processes"]["failed"] == 0
    cold = results["cycles"]["cold"]
    assert cold["summary"]["articles"]["stored_new_articles"] == 20
    assert set(cold["stage_seconds"]) >= {"feeds", "articles", "stories", "claims", "alerts"}
    assert cold["task_calls"], "no Prefect task body was timed"
    assert len(results["cycles"]["steady"]) == 1
    assert results["cycles"]["steady"][0]["summary"]["articles"].get("stored_new_articles", 0) == 0
    assert [g["size"] for g in results["growth"]] == [100, 300]
    assert all(g["new_articles"] == 10 for g in results["growth"])
    headline = results["headline"]
    for key in (
        "floor_s",
        "cycle_s",
        "cycle_floor_ratio",
        "prefect_share",
        "steady_state_s",
        "growth_ratio",
        "peak_rss_mb",
        "peak_pss_mb",
    ):
        assert headline[key] is not None, key
    assert set(headline["met"]) == {
        "cycle_floor_ratio",
        "prefect_share",
        "steady_state_s",
        "growth_ratio",
        "peak_memory_mb",
    }
    assert 0 < headline["peak_pss_mb"] <= headline["peak_rss_mb"]
    assert 0 < cold["inside_stage_code_s"] <= min(cold["seconds"], cold["task_seconds_sum"])
    assert "floor: fetch + trafilatura" in results["report"]
    assert "growth:" in completed.stdout


def test_memory_sampler_counts_a_child_and_reads_pss_only_when_rss_grows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A child that fills 120 MB shows in the tree's peak PSS; a flat tree is not re-read every tick."""
    monkeypatch.syspath_prepend(str(REPO_DIR))
    from bench.common import TreeMemorySampler

    fill = "import time; block = b'x' * (120 * 2**20); time.sleep(1.0)"
    with TreeMemorySampler(interval_s=0.02, pss_interval_s=60.0, pss_rss_step_mb=16.0) as memory:
        baseline_pss_mb = memory.peak_pss_mb
        subprocess.run([sys.executable, "-c", fill], check=True)
    assert memory.peak_pss_mb >= baseline_pss_mb + 100
    assert memory.peak_mb >= memory.peak_pss_mb - 1
    # About 50 ticks ran; PSS is read at entry, at exit and on each 16 MB step of RSS growth only.
    assert 3 <= memory.pss_readings <= 20
