"""`python -m bench [--quick] [--n N] [--skip-growth]`: the pipeline against its physical floor.

Measures, in one run: the floor (fetch + trafilatura only, same fetch limits), a cold cycle into
an empty database, steady-state cycles where nothing is new, and cycles over databases that already
hold 10k..1M articles. Prints a table and writes bench/results/latest.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

from bench.common import LATEST_PATH, format_table, machine_info, stopwatch, write_json
from bench.site import SiteServer, SiteSpec

TARGETS = {
    "cycle_floor_ratio_max": 1.3,
    "prefect_share_max": 0.10,
    "steady_state_s_max": 2.0,
    "growth_ratio_max": 2.0,
    "peak_rss_mb_max": 1024.0,
}
FULL_GROWTH_SIZES = [10_000, 100_000, 1_000_000]
QUICK_GROWTH_SIZES = [10_000, 100_000]
DEFAULT_CACHE_DIR = Path(tempfile.gettempdir()) / "story-monitor-bench-cache"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="N=200 and growth at 10k/100k stored articles only"
    )
    parser.add_argument(
        "--n", type=int, help="article pages in the cycle (default 1000; 200 with --quick)"
    )
    parser.add_argument("--feeds", type=int, default=100, help="feeds listing them (default 100)")
    parser.add_argument(
        "--hosts",
        type=int,
        default=8,
        help="loopback outlet hosts 127.0.0.1..N serving them (default 8)",
    )
    parser.add_argument("--skip-growth", action="store_true", help="leave out the growth cycles")
    parser.add_argument(
        "--growth-sizes",
        type=lambda s: [int(x) for x in s.split(",")],
        help="stored-article counts for the growth cycles, e.g. 10000,100000",
    )
    parser.add_argument("--growth-n", type=int, help="new articles per growth cycle (default 100)")
    parser.add_argument(
        "--steady-runs",
        type=int,
        default=3,
        help="steady-state cycles; the target is judged on their median (default 3)",
    )
    parser.add_argument(
        "--per-host-limit", type=int, default=2, help="[fetch] per_host_limit (default 2)"
    )
    parser.add_argument(
        "--global-limit", type=int, default=16, help="[fetch] global_limit (default 16)"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="profile the cold and growth cycles with pyinstrument (pip install '.[bench]'); "
        "reports go to bench/results/profile-*.txt and .html",
    )
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=DEFAULT_CACHE_DIR,
        help="where built history databases are kept between runs",
    )
    parser.add_argument(
        "--claims-model",
        default="none",
        help='[claims] model of the cycles (default "none"; "minilm-int8" needs the [model] extra)',
    )
    parser.add_argument("--output", type=Path, default=LATEST_PATH, help="JSON result file")
    parser.add_argument(
        "--workdir", type=Path, help="keep databases and configs here (default: a temp dir)"
    )
    return parser.parse_args(argv)


def bench_config(
    database: Path,
    feed_urls: list[str],
    channel_url: str,
    fetch: dict[str, Any],
    claims_model: str = "none",
) -> str:
    """The monitor.toml the cycles run with: loopback feeds, one webhook channel, given fetch limits."""
    lines = [
        "# Written by python -m bench.",
        "[database]",
        f'path = "{database}"',
        "",
        "[fetch]",
        "allow_private_networks = true  # the bench site is on loopback",
        f"per_host_limit = {fetch['per_host_limit']}",
        f"global_limit = {fetch['global_limit']}",
        "",
        "[claims]",
        f'model = "{claims_model}"',
        "",
    ]
    for url in feed_urls:
        lines += ["[[feeds]]", f'url = "{url}"', ""]
    lines += ["[[channels]]", 'name = "bench-webhook"', f'url = "{channel_url}"', ""]
    return "\n".join(lines)


def run_phase(phase: str, spec: dict[str, Any], workdir: Path) -> dict[str, Any]:
    """Run one phase in a fresh interpreter and return its JSON result."""
    spec_path = workdir / f"{phase}-{len(list(workdir.glob(phase + '-*.spec.json')))}.spec.json"
    out_path = spec_path.with_suffix("").with_suffix(".out.json")
    spec_path.write_text(json.dumps({"phase": phase, **spec}), encoding="utf-8")
    env = {
        **os.environ,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": os.environ.get(
            "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180"
        ),
    }
    completed = subprocess.run(
        [sys.executable, "-m", "bench.phases", str(spec_path), str(out_path)],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        check=False,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    (workdir / (spec_path.stem + ".log")).write_text(completed.stdout, encoding="utf-8")
    if completed.returncode != 0:
        tail = "\n".join(completed.stdout.splitlines()[-30:])
        raise RuntimeError(f"bench phase {phase} failed (exit {completed.returncode}):\n{tail}")
    return dict(json.loads(out_path.read_text(encoding="utf-8")))


def _stored(cycle: dict[str, Any]) -> int:
    return int((cycle["summary"].get("articles") or {}).get("stored_new_articles") or 0)


def run(args: argparse.Namespace) -> dict[str, Any]:
    n = args.n or (200 if args.quick else 1000)
    growth_sizes = (
        []
        if args.skip_growth
        else (args.growth_sizes or (QUICK_GROWTH_SIZES if args.quick else FULL_GROWTH_SIZES))
    )
    growth_n = args.growth_n or min(100, n)
    fetch = {
        "per_host_limit": args.per_host_limit,
        "global_limit": args.global_limit,
        "allow_private_networks": True,
    }
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="story-monitor-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    specs = [SiteSpec(articles=n, feeds=args.feeds, hosts=args.hosts, seed=1, prefix="/c")]
    if growth_sizes:
        specs.append(
            SiteSpec(
                articles=growth_n,
                feeds=max(1, min(args.feeds, growth_n // 10)),
                hosts=args.hosts,
                seed=2,
                prefix="/g",
            )
        )
    results: dict[str, Any] = {
        "machine": machine_info(),
        "load_average_at_start": os.getloadavg(),
        "setup": {
            "articles": n,
            "feeds": args.feeds,
            "hosts": args.hosts,
            "fetch": fetch,
            "growth_sizes": growth_sizes,
            "growth_articles": growth_n,
            "workdir": str(workdir),
        },
        "targets": TARGETS,
    }
    with stopwatch() as total, SiteServer(specs) as site:
        main_site = site.sites[0]
        results["setup"]["page_kb_median"] = round(
            statistics.median(main_site["page_bytes"]) / 1024, 1
        )
        results["setup"]["page_kb_min_max"] = [
            round(min(main_site["page_bytes"]) / 1024, 1),
            round(max(main_site["page_bytes"]) / 1024, 1),
        ]
        results["setup"]["stories_in_corpus"] = main_site["stories"]
        print(
            f"site: {n} pages (median {results['setup']['page_kb_median']} KB) in "
            f"{args.feeds} feeds on {args.hosts} loopback hosts; workdir {workdir}",
            flush=True,
        )

        floor_spec = {"fetch": fetch, "page_urls": main_site["page_urls"]}
        print("floor: fetch + extract, threads ...", flush=True)
        results["floor_threads"] = run_phase("floor", {**floor_spec, "processes": 0}, workdir)
        cpus = os.cpu_count() or 1
        print(f"floor: fetch + extract, {cpus} extraction processes ...", flush=True)
        results["floor_processes"] = run_phase("floor", {**floor_spec, "processes": cpus}, workdir)

        config = workdir / "cycle.toml"
        database = workdir / "cycle.duckdb"
        database.unlink(missing_ok=True)
        config.write_text(
            bench_config(
                database, main_site["feed_urls"], site.channel_url, fetch, args.claims_model
            )
        )
        print("cycle: cold into an empty database, then steady state ...", flush=True)
        profile_dir = str(args.output.parent) if args.profile else None
        results["cycles"] = run_phase(
            "cycles",
            {
                "config_path": str(config),
                "profile_dir": profile_dir,
                "steady_runs": args.steady_runs,
            },
            workdir,
        )
        results["channel"] = site.counts()

        results["growth"] = []
        for size in growth_sizes:
            growth_db = workdir / f"growth-{size}.duckdb"
            growth_config = workdir / f"growth-{size}.toml"
            growth_config.write_text(
                bench_config(growth_db, site.sites[1]["feed_urls"], site.channel_url, fetch)
            )
            print(f"growth: {growth_n} new articles over {size:,} stored ...", flush=True)
            results["growth"].append(
                run_phase(
                    "growth",
                    {
                        "size": size,
                        "cache_dir": str(args.cache_dir),
                        "database_path": str(growth_db),
                        "config_path": str(growth_config),
                        "profile_dir": profile_dir,
                    },
                    workdir,
                )
            )
            growth_db.unlink(missing_ok=True)
    results["total_bench_s"] = round(total["s"], 1)
    results["headline"] = headline(results, n)
    return results


def headline(results: dict[str, Any], n: int) -> dict[str, Any]:
    """The numbers the targets are about, and whether each is met."""
    cold = results["cycles"]["cold"]
    stored = _stored(cold)
    floor_threads = results["floor_threads"]["seconds"]
    floor_processes = results["floor_processes"]["seconds"]
    floor = min(floor_threads, floor_processes)
    steady = [run["seconds"] for run in results["cycles"]["steady"]]
    growth = [g for g in results.get("growth", []) if g.get("seconds_per_article")]
    growth_ratio = (
        growth[-1]["seconds_per_article"] / growth[0]["seconds_per_article"]
        if len(growth) >= 2
        else None
    )

    def without_search(g: dict[str, Any]) -> float:
        seconds = g["cycle"]["seconds"] - g["cycle"]["stage_seconds"].get("search_index", 0.0)
        return seconds / g["new_articles"]

    growth_ratio_no_search = (
        without_search(growth[-1]) / without_search(growth[0]) if len(growth) >= 2 else None
    )
    runs = [cold, *results["cycles"]["steady"]]
    peak_rss = max(r["peak_rss_tree_mb"] for r in runs)
    peak = max(r.get("peak_pss_tree_mb", r["peak_rss_tree_mb"]) for r in runs)
    out = {
        "articles": n,
        "stored_new_articles": stored,
        "floor_threads_s": floor_threads,
        "floor_processes_s": floor_processes,
        "floor_s": floor,
        "cycle_s": cold["seconds"],
        "articles_per_s": round(stored / cold["seconds"], 2) if stored else None,
        "cycle_floor_ratio": round(cold["seconds"] / floor, 3),
        "cycle_floor_threads_ratio": round(cold["seconds"] / floor_threads, 3),
        "prefect_share": cold["prefect_share"],
        "steady_state_s": statistics.median(steady) if steady else None,
        "steady_state_max_s": max(steady) if steady else None,
        "growth_ratio": round(growth_ratio, 3) if growth_ratio else None,
        "growth_ratio_without_search_index": (
            round(growth_ratio_no_search, 3) if growth_ratio_no_search else None
        ),
        "peak_rss_mb": peak_rss,
        "peak_pss_mb": peak,
    }
    t = TARGETS
    out["met"] = {
        "cycle_floor_ratio": out["cycle_floor_ratio"] <= t["cycle_floor_ratio_max"],
        "prefect_share": (out["prefect_share"] or 0) <= t["prefect_share_max"],
        "steady_state_s": out["steady_state_s"] is not None
        and out["steady_state_s"] <= t["steady_state_s_max"],
        # Judged without the full-text rebuild: whether a rebuild falls into the one measured cycle
        # depends on the [search] policy and the history's age, not on the size of the history.
        "growth_ratio": (
            None
            if growth_ratio_no_search is None
            else growth_ratio_no_search <= t["growth_ratio_max"]
        ),
        "peak_memory_mb": peak <= t["peak_rss_mb_max"],
    }
    return out


def render(results: dict[str, Any]) -> str:
    """The human-readable report."""
    h = results["headline"]
    setup = results["setup"]
    met = h["met"]
    cold = results["cycles"]["cold"]

    def ok(key: str) -> str:
        value = met.get(key)
        return "-" if value is None else ("yes" if value else "NO")

    fetch = setup["fetch"]
    lines = [
        (
            f"story-monitor bench  commit {results['machine']['commit']}  {results['machine']['when_utc']}  "
            f"cpus {results['machine']['cpus']}  load avg at start {results['load_average_at_start'][0]:.1f}"
        ),
        (
            f"site: {setup['articles']} pages, median {setup['page_kb_median']} KB "
            f"({setup['page_kb_min_max'][0]}-{setup['page_kb_min_max'][1]} KB), {setup['feeds']} feeds, "
            f"{setup['hosts']} loopback hosts; fetch limits {fetch['per_host_limit']}/host, "
            f"{fetch['global_limit']} total (floor and cycle alike)"
        ),
        "",
    ]
    rows: list[list[Any]] = []
    ft, fp = results["floor_threads"], results["floor_processes"]
    rows.append(
        [
            "floor: fetch + trafilatura, threads",
            ft["seconds"],
            round(ft["pages"] / ft["seconds"], 1),
            None,
            "",
            "",
        ]
    )
    rows.append(
        [
            f"floor: same, {fp['extraction_processes']} extraction processes",
            fp["seconds"],
            round(fp["pages"] / fp["seconds"], 1),
            None,
            "",
            "",
        ]
    )
    rows.append(
        [
            "cycle, cold, empty database",
            h["cycle_s"],
            h["articles_per_s"],
            h["cycle_floor_ratio"],
            f"<= {TARGETS['cycle_floor_ratio_max']} x floor",
            ok("cycle_floor_ratio"),
        ]
    )
    rows.append(["  same, vs threaded floor", None, None, h["cycle_floor_threads_ratio"], "", ""])
    for stage, seconds in cold["stage_seconds"].items():
        rows.append(
            [f"  stage {stage}", seconds, None, round(seconds / h["cycle_s"], 3), "share", ""]
        )
    rows.append(
        [
            "  Prefect overhead (wall - stage code)",
            cold["prefect_overhead_s"],
            None,
            h["prefect_share"],
            f"<= {TARGETS['prefect_share_max']:.0%} of cycle",
            ok("prefect_share"),
        ]
    )
    rows.append(
        [
            "  Prefect start-up (not in cycle)",
            results["cycles"]["prefect_startup_s"],
            None,
            None,
            "",
            "",
        ]
    )
    for index, steady in enumerate(results["cycles"]["steady"], 1):
        rows.append(
            [
                f"steady state #{index}, {setup['feeds']} unchanged feeds",
                steady["seconds"],
                None,
                steady["prefect_share"],
                "",
                "",
            ]
        )
    rows.append(
        [
            f"steady state, median of {len(results['cycles']['steady'])}",
            h["steady_state_s"],
            None,
            None,
            f"<= {TARGETS['steady_state_s_max']} s",
            ok("steady_state_s"),
        ]
    )
    growth = results.get("growth") or []
    base = (
        growth[0]["seconds_per_article"]
        if growth and growth[0].get("seconds_per_article")
        else None
    )
    for g in growth:
        per = g.get("seconds_per_article")
        ratio = round(per / base, 3) if per and base else None
        rows.append(
            [
                f"growth: {g['new_articles']} new over {g['size']:,} stored",
                g["cycle"]["seconds"],
                round(1 / per, 2) if per else None,
                ratio,
                "",
                "",
            ]
        )
    if h.get("growth_ratio_without_search_index"):
        rows.append(
            [
                "  growth ratio leaving out the search_index stage",
                None,
                None,
                h["growth_ratio_without_search_index"],
                f"<= {TARGETS['growth_ratio_max']} x",
                ok("growth_ratio"),
            ]
        )
    rows.append(
        [
            "peak memory, MB: PSS of cycle + workers + Prefect server",
            h["peak_pss_mb"],
            None,
            None,
            f"<= {TARGETS['peak_rss_mb_max']:.0f} MB",
            ok("peak_memory_mb"),
        ]
    )
    rows.append(
        [
            "  same as a sum of RSS (shared pages counted per process)",
            h["peak_rss_mb"],
            None,
            None,
            "",
            "",
        ]
    )
    lines.append(format_table(["measure", "seconds", "articles/s", "ratio", "target", "met"], rows))
    if growth:
        lines.append("")
        lines.append(
            format_table(
                [
                    "stored",
                    "s/article",
                    "feeds",
                    "articles",
                    "stories",
                    "claims",
                    "alerts",
                    "search_index",
                    "index build s",
                ],
                [
                    [
                        g["size"],
                        g.get("seconds_per_article"),
                        *(
                            g["cycle"]["stage_seconds"].get(s)
                            for s in (
                                "feeds",
                                "articles",
                                "stories",
                                "claims",
                                "alerts",
                                "search_index",
                            )
                        ),
                        round(sum((g.get("search_index_build_s") or {}).values()), 1) or None,
                    ]
                    for g in growth
                ],
            )
        )
        lines.append(
            "(index build s: how long a full-text rebuild of that history takes; the [search] "
            "policy runs it at most once per build time / rebuild_time_share_max, so it costs "
            "at most that share of the wall time; the cycles start with the index fresh)"
        )
    lines.append("")
    lines.append(
        f"stored {h['stored_new_articles']} of {h['articles']} articles; "
        f"alerts received by the channel: {results.get('channel', {}).get('alerts_received')}; "
        f"bench took {results['total_bench_s']} s"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    results = run(args)
    report = render(results)
    results["report"] = report
    path = write_json(results, args.output)
    print()
    print(report)
    print(f"\nJSON: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
