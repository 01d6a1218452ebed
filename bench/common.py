"""Benchmark plumbing: timing, peak memory of a process tree, tables and the JSON result file."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Self

try:
    import psutil
except ImportError:  # optional: without it only this process's own peak is known
    psutil = None

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
SQL_DIR = BENCH_DIR / "sql"  # the bench's own named queries (bench_*), not shipped in the wheel
LATEST_PATH = RESULTS_DIR / "latest.json"


def use_bench_sql() -> None:
    """Let db.query and db.execute find the bench's named queries in bench/sql as well."""
    from monitor import db  # not at import: the memory sampler imports this module and stays small

    db.add_query_dir(SQL_DIR)


@contextlib.contextmanager
def stopwatch() -> Iterator[dict[str, float]]:
    """Measure the wall time of a block: `with stopwatch() as t: ...; t["s"]`."""
    timing = {"s": 0.0}
    started = time.perf_counter()
    try:
        yield timing
    finally:
        timing["s"] = time.perf_counter() - started


def own_peak_rss_mb() -> float:
    """Peak resident memory of this process so far (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class TreeMemorySampler:
    """Samples the memory of this process and its children; keeps the peaks.

    Two sums: RSS, which counts a page shared by several processes once per process (the
    extraction workers share most of theirs with the fork server that started them), and PSS,
    which splits each shared page between its sharers and so adds up to the memory actually used.
    """

    def __init__(
        self, interval_s: float = 0.1, pss_interval_s: float = 1.0, pss_rss_step_mb: float = 16.0
    ) -> None:
        self.interval_s = interval_s
        # PSS comes from /proc/PID/smaps_rollup, which walks every page table: about 5 ms per
        # 500 MB process, 10 times a second for 6 processes, was a third of a core taken from the
        # run being measured. RSS is nearly free, so PSS is re-read only when the RSS sum has grown
        # by pss_rss_step_mb since the last reading, or pss_interval_s has passed.
        self.pss_interval_s = pss_interval_s
        self.pss_rss_step_mb = pss_rss_step_mb
        self.peak_mb = 0.0
        self.peak_pss_mb = 0.0
        self.peak_breakdown: dict[str, float] = {}
        self.pss_readings = 0
        self._rss_at_pss_mb = 0.0
        self._pss_read_at = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="rss-sampler")

    def _tree(self) -> tuple[Any, list[Any]]:
        """This process and all its descendants."""
        root = psutil.Process(os.getpid())
        return root, [root, *root.children(recursive=True)]

    def _sample_rss(self) -> float:
        """RSS sum of the tree in MB; keeps its peak."""
        rss = 0
        for process in self._tree()[1]:
            with contextlib.suppress(psutil.Error):
                rss += process.memory_info().rss
        self.peak_mb = max(self.peak_mb, rss / 2**20)
        return rss / 2**20

    def _sample(self) -> None:
        """PSS (and RSS) sum of the tree; keeps the peaks and the breakdown at the PSS peak."""
        if psutil is None:
            self.peak_mb = self.peak_pss_mb = max(self.peak_mb, own_peak_rss_mb())
            return
        root, processes = self._tree()
        rss = pss = 0
        breakdown: dict[str, float] = {}
        for process in processes:
            with contextlib.suppress(psutil.Error):
                info = process.memory_full_info()
                rss += info.rss
                pss += getattr(info, "pss", info.rss)
                name = _process_label(process, root)
                breakdown[name] = breakdown.get(name, 0.0) + round(
                    getattr(info, "pss", info.rss) / 2**20, 1
                )
        self.pss_readings += 1
        self._rss_at_pss_mb = rss / 2**20
        self._pss_read_at = time.perf_counter()
        self.peak_mb = max(self.peak_mb, rss / 2**20)
        if pss / 2**20 > self.peak_pss_mb:
            self.peak_pss_mb = pss / 2**20
            self.peak_breakdown = breakdown

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            if psutil is None:
                self._sample()
                continue
            grown = self._sample_rss() - self._rss_at_pss_mb >= self.pss_rss_step_mb
            if grown or time.perf_counter() - self._pss_read_at >= self.pss_interval_s:
                self._sample()

    def __enter__(self) -> Self:
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()


def _process_label(process: Any, root: Any) -> str:
    """A short name for a process in the memory breakdown."""
    if process.pid == root.pid:
        return "cycle process"
    command = " ".join(process.cmdline())
    if "forkserver" in command:
        return "extraction fork server and workers"
    if "resource_tracker" in command:
        return "multiprocessing resource tracker"
    if "prefect" in command or "uvicorn" in command:
        return "Prefect server"
    return "other children"


class IntervalUnion:
    """Total time covered by possibly overlapping intervals, e.g. tasks running in two threads."""

    def __init__(self) -> None:
        self.intervals: list[tuple[float, float]] = []
        self._lock = threading.Lock()

    def add(self, start: float, end: float) -> None:
        with self._lock:
            self.intervals.append((start, end))

    def covered_s(self) -> float:
        total, reach = 0.0, float("-inf")
        for start, end in sorted(self.intervals):
            if end <= reach:
                continue
            total += end - max(start, reach)
            reach = end
        return total

    def clear(self) -> None:
        with self._lock:
            self.intervals.clear()


def machine_info() -> dict[str, Any]:
    """Where and on what code the numbers were taken."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO_DIR,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        dirty = bool(
            subprocess.run(
                ["git", "status", "--porcelain", "--untracked-files=no"],
                cwd=REPO_DIR,
                capture_output=True,
                text=True,
                check=False,
            ).stdout.strip()
        )
    except OSError:
        commit, dirty = "", False
    return {
        "commit": commit + ("+dirty" if dirty else ""),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "argv": sys.argv[1:],
        "when_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def write_json(results: dict[str, Any], path: Path = LATEST_PATH) -> Path:
    """Write the results; also keep a copy named by time so runs can be compared."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(results, indent=2, sort_keys=False, default=str)
    path.write_text(text + "\n", encoding="utf-8")
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    (path.parent / f"run-{stamp}.json").write_text(text + "\n", encoding="utf-8")
    return path


def format_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain-text table with right-aligned numbers."""
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [
        max(len(str(h)), *(len(r[i]) for r in cells)) if cells else len(str(h))
        for i, h in enumerate(headers)
    ]
    numeric = [
        all(_is_number(row[i]) for row in rows) if rows else False for i in range(len(headers))
    ]

    def line(values: Sequence[str]) -> str:
        return "  ".join(
            v.rjust(w) if numeric[i] else v.ljust(w) for i, (v, w) in enumerate(zip(values, widths))
        ).rstrip()

    out = [line([str(h) for h in headers]), line(["-" * w for w in widths])]
    out.extend(line(row) for row in cells)
    return "\n".join(out)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if abs(value) >= 100:
            return f"{value:,.0f}"
        if abs(value) >= 10:
            return f"{value:.1f}"
        return f"{value:.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
