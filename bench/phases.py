"""Benchmark phases, each run in a fresh process: `python -m bench.phases SPEC.json OUT.json`.

A fresh process per phase keeps peak memory and Prefect start-up apart from one phase to the next.
"""

from __future__ import annotations

import concurrent.futures
import functools
import json
import os
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

from bench.common import IntervalUnion, TreeMemorySampler, own_peak_rss_mb, stopwatch


def extract_text(page: str, url: str) -> int:
    """Run trafilatura exactly as the pipeline calls it; return the length of the text it found."""
    try:
        from monitor.articles import extract_document
    except ImportError:  # the articles stage is not there yet: trafilatura with the same options
        import trafilatura

        document = trafilatura.bare_extraction(
            page, url=url, with_metadata=True, include_comments=False, include_tables=True
        )
    else:
        document = extract_document(page, url)
    if document is None or isinstance(document, dict):
        return 0
    return len(document.text or "")


def _cpu_seconds() -> dict[str, float]:
    """CPU time used so far by this process and, separately, by its live children."""
    import psutil

    me = psutil.Process()
    own = me.cpu_times()
    children = 0.0
    for child in me.children(recursive=True):
        try:
            times = child.cpu_times()
            children += times.user + times.system
        except psutil.Error:
            pass
    return {"self": own.user + own.system, "children": children}


def _cpu_delta(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {key: round(after[key] - before[key], 3) for key in before}


# ---------------------------------------------------------------- floor


def run_floor(spec: dict[str, Any]) -> dict[str, Any]:
    """Fetch every page and extract it, with the pipeline's fetch limits; nothing else."""
    from monitor import http
    from monitor.settings import FetchSettings

    settings = FetchSettings(**spec["fetch"])
    urls: list[str] = spec["page_urls"]
    processes = int(spec.get("processes") or 0)
    pool = concurrent.futures.ProcessPoolExecutor(processes) if processes else None
    if pool is not None:
        # Start the workers before timing, as a pipeline with a standing pool would have them.
        list(
            pool.map(
                extract_text,
                ["<html><body><p>warm up</p></body></html>"] * processes,
                ["http://127.0.0.1/"] * processes,
            )
        )
    client = http.make_client(settings)

    def work(url: str) -> int:
        response = http.fetch_url(url, settings, max_bytes=settings.max_page_bytes, client=client)
        page = http.decode_html(response.body, response.headers)
        if pool is not None:
            return pool.submit(extract_text, page, url).result()
        return extract_text(page, url)

    cpu_before = _cpu_seconds()
    with TreeMemorySampler() as memory, stopwatch() as wall:
        results = http.fetch_concurrently(urls, lambda u: u, work, settings)
    cpu = _cpu_delta(cpu_before, _cpu_seconds())
    client.close()
    if pool is not None:
        pool.shutdown()
    failed = [str(r) for r in results if not isinstance(r, int)]
    return {
        "seconds": round(wall["s"], 3),
        "pages": len(urls),
        "failed": len(failed),
        "first_failure": failed[0] if failed else None,
        "text_chars": sum(r for r in results if isinstance(r, int)),
        "extraction_processes": processes,
        "cpu_s": cpu,
        "peak_rss_mb": round(memory.peak_mb, 1),
        "pss_readings": memory.pss_readings,
    }


# ---------------------------------------------------------------- cycle


class TaskTimer:
    """Wraps the body of every Prefect task of flows.cycle to time the plain stage code inside it."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        # Tasks overlap (the next batch extracts while the last is judged), so the time covered by
        # stage code is the union of their intervals, not the sum of their durations.
        self.covered = IntervalUnion()

    def wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                ended = time.perf_counter()
                self.covered.add(started, ended)
                self.seconds[name] = self.seconds.get(name, 0.0) + ended - started
                self.calls[name] = self.calls.get(name, 0) + 1

        return timed

    def install(self, module: Any) -> list[str]:
        """Time each task's function, and the plain helpers the flow calls for run bookkeeping."""
        from prefect import Task

        names = []
        for name, value in list(vars(module).items()):
            if isinstance(value, Task):
                value.fn = self.wrap(name, value.fn)
                names.append(name)
            elif name in ("_start_run", "_finish_run") and callable(value):
                setattr(module, name, self.wrap(name, value))
                names.append(name)
        return names

    def reset(self) -> None:
        self.seconds.clear()
        self.calls.clear()
        self.covered.clear()


def _warm_up_prefect() -> float:
    """Start Prefect (its temporary API server) with an empty flow; return the seconds it took."""
    from prefect import flow

    @flow(name="bench-warm-up")
    def warm_up() -> int:
        return 1

    with stopwatch() as t:
        warm_up()
    return t["s"]


def _one_cycle(
    config_path: str, timer: TaskTimer, profile_to: Path | None = None
) -> dict[str, Any]:
    from flows.cycle import run_cycle

    timer.reset()
    profiler = None
    if profile_to is not None:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.005)
        profiler.start()
    cpu_before = _cpu_seconds()
    with TreeMemorySampler() as memory, stopwatch() as wall:
        summary = run_cycle(config_path, poll_all_now=True)
    cpu = _cpu_delta(cpu_before, _cpu_seconds())
    if profiler is not None and profile_to is not None:
        profiler.stop()
        profile_to.write_text(profiler.output_text(unicode=True, show_all=False), encoding="utf-8")
        profile_to.with_suffix(".html").write_text(profiler.output_html(), encoding="utf-8")
        if profiler.last_session is not None:  # `pyinstrument --load FILE --show-all` digs deeper
            profiler.last_session.save(str(profile_to.with_suffix(".pyisession")))
    inside = timer.covered.covered_s()
    return {
        "seconds": round(wall["s"], 3),
        "inside_stage_code_s": round(inside, 3),
        "task_seconds_sum": round(sum(timer.seconds.values()), 3),
        "prefect_overhead_s": round(max(0.0, wall["s"] - inside), 3),
        "prefect_share": round(max(0.0, wall["s"] - inside) / wall["s"], 4) if wall["s"] else None,
        "task_seconds": {k: round(v, 3) for k, v in sorted(timer.seconds.items())},
        "task_calls": dict(sorted(timer.calls.items())),
        "stage_seconds": {
            k: round(float(v), 3) for k, v in (summary.get("stage_seconds") or {}).items()
        },
        "summary": _compact(summary),
        "cpu_s": cpu,
        "peak_rss_tree_mb": round(memory.peak_mb, 1),
        "peak_pss_tree_mb": round(memory.peak_pss_mb, 1),
        "pss_at_peak_mb": memory.peak_breakdown,
        "pss_readings": memory.pss_readings,
        "peak_rss_self_mb": round(own_peak_rss_mb(), 1),
    }


def _compact(value: Any) -> Any:
    """The cycle summary with id lists replaced by their lengths, to keep the JSON readable."""
    if isinstance(value, dict):
        return {k: (len(v) if isinstance(v, list) else _compact(v)) for k, v in value.items()}
    return value


def run_cycles(spec: dict[str, Any]) -> dict[str, Any]:
    """Cold cycle into an empty database, then steady-state cycles where nothing is new."""
    import flows.cycle

    timer = TaskTimer()
    timed_names = timer.install(flows.cycle)
    startup_s = _warm_up_prefect()
    profile = Path(spec["profile_dir"]) if spec.get("profile_dir") else None
    cold = _one_cycle(
        spec["config_path"], timer, profile / "profile-cold-cycle.txt" if profile else None
    )
    runs = int(spec.get("steady_runs", 2))
    steady = [
        _one_cycle(
            spec["config_path"],
            timer,
            profile / "profile-steady-cycle.txt" if profile and i == runs - 1 else None,
        )
        for i in range(runs)
    ]
    return {
        "prefect_startup_s": round(startup_s, 3),
        "timed_functions": timed_names,
        "cold": cold,
        "steady": steady,
    }


# ---------------------------------------------------------------- growth


def history_cache_key(size: int) -> str:
    """A name for a cached history database: size plus a hash of the schema and the loader."""
    import hashlib

    from bench.common import REPO_DIR

    digest = hashlib.sha256()
    paths = sorted((REPO_DIR / "sql" / "schema").glob("*.sql"))
    paths += sorted((REPO_DIR / "bench" / "sql").glob("bench_history_*.sql"))
    paths += [REPO_DIR / "bench" / "history.py"]
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return f"history-{size}-{digest.hexdigest()[:12]}.duckdb"


def build_history(size: int, path: Path) -> dict[str, Any]:
    """Create a database holding `size` history articles (from feeds no longer configured)."""
    from bench.common import use_bench_sql
    from bench.history import load_history
    from monitor import db, feeds
    from monitor.settings import FeedConfig, PollingSettings

    use_bench_sql()

    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    with stopwatch() as wall, db.open_db(partial) as con:
        history_feeds = [FeedConfig(url=f"http://history-{i}.invalid/feed.xml") for i in range(100)]
        feeds.sync_feeds(con, history_feeds, PollingSettings(), db.utcnow())
        feed_ids = [int(row[0]) for row in db.query(con, "bench_feed_ids")]
        steps = load_history(con, size, feed_ids)
    partial.rename(path)
    return {
        "seconds": round(wall["s"], 2),
        "steps_s": {k: round(v, 2) for k, v in steps.items()},
        "bytes": path.stat().st_size,
    }


def run_growth(spec: dict[str, Any]) -> dict[str, Any]:
    """One cycle over fresh articles with `size` history articles already stored."""
    import flows.cycle

    size = int(spec["size"])
    cache = Path(spec["cache_dir"]) / history_cache_key(size)
    built = None
    if not cache.exists():
        built = build_history(size, cache)
    database = Path(spec["database_path"])
    with stopwatch() as copy:
        shutil.copyfile(cache, database)
    from bench.common import use_bench_sql
    from monitor import db

    use_bench_sql()
    with db.open_db(database) as con:
        index_builds = {
            row[0]: round(float(row[4]), 2) for row in db.query(con, "search_index_state")
        }
        db.execute(con, "bench_growth_index_fresh", {"now": db.utcnow()})
    timer = TaskTimer()
    timer.install(flows.cycle)
    startup_s = _warm_up_prefect()
    profile = Path(spec["profile_dir"]) if spec.get("profile_dir") else None
    cycle = _one_cycle(
        spec["config_path"], timer, profile / f"profile-growth-{size}.txt" if profile else None
    )
    stored = int((cycle["summary"].get("articles") or {}).get("stored_new_articles") or 0)
    return {
        "size": size,
        "history_built": built,
        "history_copy_s": round(copy["s"], 2),
        "search_index_build_s": index_builds,
        "prefect_startup_s": round(startup_s, 3),
        "cycle": cycle,
        "new_articles": stored,
        "seconds_per_article": round(cycle["seconds"] / stored, 5) if stored else None,
    }


PHASES = {"floor": run_floor, "cycles": run_cycles, "growth": run_growth}


def main(argv: list[str]) -> int:
    spec = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    result = PHASES[spec["phase"]](spec)
    result["process_peak_rss_mb"] = round(own_peak_rss_mb(), 1)
    Path(argv[1]).write_text(json.dumps(result, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
