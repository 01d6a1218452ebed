"""Story-linking benchmark: per-article latency of `link_articles` with 10k, 100k and 1M stored stories.

    python -m bench.stories [--quick] [--sizes 10000,100000,1000000] [--articles 300]

Stored stories are synthetic but shaped like real ones: 20 rare names/places (a pool of 5M),
30 topic words drawn Zipf-like from 20k, 6 numbers, with weights; their activity is spread at
`--stories-per-day` so the linking time window holds a realistic number of live stories.
The stories are bulk-generated inside DuckDB (INSERT ... SELECT), never row by row. The linking
run happens in a fresh process per size, so its peak RSS is the linker's own.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import random
import resource
import sys
import time
from pathlib import Path
from typing import Any

RESULTS_PATH = Path(__file__).resolve().parent / "results" / "stories.json"
END = dt.datetime(2026, 1, 1)
DIGITS = str.maketrans("0123456789", "abcdefghij")


def _name(prefix: str, k: int) -> str:
    return prefix + str(k).translate(DIGITS)


def build_database(path: str, stories: int, stories_per_day: int) -> dict[str, float]:
    """Create a monitor database holding STORIES synthetic stories with vectors and DF."""
    from monitor import db

    started = time.perf_counter()
    with db.open_db(path) as con:
        con.execute("SET preserve_insertion_order = true")
        span_s = stories / stories_per_day * 86400.0
        # Same name scheme as _name(): digits spelled as letters so they tokenise as one word.
        con.execute(
            """
            CREATE TEMP TABLE gen AS
            SELECT i AS story_id,
                   ($end::TIMESTAMP - to_seconds(($n - i) * $span / $n)) AS last_at,
                   list_concat(
                     list_transform(range(20), j -> 'e:k' || translate((hash(i * 64 + j) % 5000000)::VARCHAR, '0123456789', 'abcdefghij')),
                     list_transform(range(30), j -> 'w:w' || translate(floor(20000 * pow(((hash(i * 64 + 20 + j) % 1000000) / 1000000.0), 3))::BIGINT::VARCHAR, '0123456789', 'abcdefghij')),
                     list_transform(range(6), j -> 'n:' || (hash(i * 64 + 50 + j) % 10000)::VARCHAR)
                   ) AS terms
            FROM range(1, $n + 1) t(i)
            """,
            {"n": stories, "span": span_s, "end": END},
        )
        con.execute(
            "INSERT INTO stories (id, name, tracked, created_at, last_article_at) "
            "SELECT story_id, 'synthetic story ' || story_id, false, last_at, last_at FROM gen"
        )
        con.execute(
            "INSERT INTO story_vectors SELECT story_id, 3, last_at, terms, "
            "list_transform(terms, t -> (0.2 + (hash(t) % 1000) / 1000.0)::FLOAT), "
            "['synthetic story ' || story_id], last_at FROM gen"
        )
        con.execute(
            "INSERT INTO story_term_df SELECT t, count(*) * 3 FROM (SELECT unnest(terms) t FROM gen) GROUP BY t"
        )
        con.execute("INSERT INTO story_corpus VALUES (?)", [stories * 3])
        # The synthetic log is one row per term, as a maintained store's is after a fold.
        con.execute("DELETE FROM story_term_df_last_fold")
        con.execute(
            "INSERT INTO story_term_df_last_fold SELECT ?, count(*), count(*), 0, 1 FROM story_term_df",
            [END],
        )
        # Move the story id sequence past the bulk-inserted ids.
        con.execute("SELECT max(nextval('story_ids')) FROM range(?)", [stories])
        con.execute("DROP TABLE gen")
        con.execute("CHECKPOINT")
    return {"build_seconds": round(time.perf_counter() - started, 1)}


def _article_text(rng: random.Random, story_id: int | None) -> tuple[str, str]:
    """Text of a new article: about a stored story (its names and numbers) or a fresh event."""
    if story_id is None:
        names = [_name("K", rng.randrange(5_000_000, 9_000_000)) for _ in range(8)]
        numbers = [str(rng.randrange(10000)) for _ in range(3)]
    else:
        names = [_name("K", rng.randrange(0, 5_000_000)) for _ in range(3)]  # noise
        numbers = []
    words = [_name("w", int(20000 * rng.random() ** 3)) for _ in range(60)]
    title = " ".join(names[:3] + words[:4])
    body = []
    for i in range(12):
        chunk = words[i * 5 : (i + 1) * 5] + [names[i % len(names)]]
        if numbers:
            chunk.append(numbers[i % len(numbers)])
        body.append(" ".join(chunk).capitalize() + ".")
    return title, " ".join(body)


def measure_linking(
    path: str, stories: int, articles: int, stories_per_day: int, seed: int = 7
) -> dict[str, Any]:
    """Insert ARTICLES new articles (half about stored stories) and time link_articles on them."""
    from monitor import db
    from monitor.settings import LinkingSettings
    from monitor.stories import link_articles

    rng = random.Random(seed)
    settings = LinkingSettings()
    with db.open_db(path) as con:
        window_days = settings.time_window_hours / 24.0
        active_low = max(1, stories - int(window_days * stories_per_day * 0.8))
        for i in range(articles):
            target = rng.randrange(active_low, stories + 1) if i % 2 == 0 else None
            title, text = _article_text(rng, target)
            if target is not None:
                row = con.execute(
                    "SELECT terms FROM story_vectors WHERE story_id = ?", [target]
                ).fetchone()
                named = [
                    t[2:].capitalize() if t.startswith("e:") else t[2:]
                    for t in row[0]
                    if not t.startswith("w:")
                ]
                text = text + " " + " ".join(f"{n} said." for n in named)
                title = " ".join(named[:4]) + " " + title
            when = END + dt.timedelta(minutes=i)
            article_id = db.insert_with_id(
                con, "articles_insert", "article_ids", [f"https://bench.example/{i}", "Bench", when]
            )
            db.insert_with_id(
                con,
                "articles_insert_version",
                "version_ids",
                [article_id, 1, f"h{i}", title, None, when, "Bench", text, None, when],
            )
        report = link_articles(con, settings, END)
        active = con.execute(
            "SELECT count(*) FROM story_vectors WHERE last_article_at >= ?",
            [END - dt.timedelta(hours=settings.time_window_hours)],
        ).fetchone()[0]
    linked = max(1, report.linked)
    write_share_ms = report.write_seconds * 1000.0 / linked
    load_share_ms = report.load_seconds * 1000.0 / linked
    revise_share_ms = report.revise_seconds * 1000.0 / linked
    merge_share_ms = report.merge_seconds * 1000.0 / linked
    decide_ms = sorted(s * 1000.0 for s in report.article_seconds)
    total_ms = sorted(
        d + write_share_ms + load_share_ms + revise_share_ms + merge_share_ms for d in decide_ms
    )
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "stored_stories": stories,
        "active_stories_in_window": int(active),
        "articles_linked": report.linked,
        "new_stories": len(report.new_stories),
        "p50_ms": _percentile(total_ms, 0.5),
        "p99_ms": _percentile(total_ms, 0.99),
        "decide_p50_ms": _percentile(decide_ms, 0.5),
        "decide_p99_ms": _percentile(decide_ms, 0.99),
        "write_ms_per_article": round(write_share_ms, 3),
        "load_ms_per_article": round(load_share_ms, 3),
        "revise_ms_per_article": round(revise_share_ms, 3),
        "merge_ms_per_article": round(merge_share_ms, 3),
        "merged_stories": len(report.merged_stories),
        "batch_load_seconds": round(report.load_seconds, 3),
        "peak_rss_mb": round(peak_kb / 1024.0, 1),
    }


def measure_revise(members: int, seed: int = 7) -> dict[str, Any]:
    """Time one split re-check (`find_split`, as `revise_stories` runs it) of a story of MEMBERS articles."""
    from collections import Counter

    from monitor.settings import LinkingSettings
    from monitor.stories import extract_terms, find_split, weigh_terms

    rng = random.Random(seed)
    settings = LinkingSettings()
    counts = [extract_terms(*_article_text(rng, 1 + i % 2), settings) for i in range(members)]
    df: Counter[str] = Counter()
    for c in counts:
        df.update(c.keys())
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        find_split([weigh_terms(c, df.__getitem__, len(counts)) for c in counts], settings)
        timings.append((time.perf_counter() - started) * 1000.0)
    return {"members": members, "recheck_ms": round(min(timings), 2)}


def _percentile(sorted_values: list[float], q: float) -> float:
    return round(sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))], 3)


def _in_child(fn: Any, *args: Any) -> Any:
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(1) as pool:
        return pool.apply(fn, args)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and write bench/results/stories.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--stories-per-day", type=int, default=2000)
    parser.add_argument("--workdir", default="/tmp/story-bench")
    parser.add_argument("--output", default=str(RESULTS_PATH))
    parser.add_argument("--quick", action="store_true", help="sizes 2000,20000 and 100 articles")
    args = parser.parse_args(argv)
    sizes = [2000, 20000] if args.quick else [int(s) for s in args.sizes.split(",")]
    articles = 100 if args.quick else args.articles
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    rows = []
    for size in sizes:
        path = workdir / f"stories-{size}.duckdb"
        path.unlink(missing_ok=True)
        build = _in_child(build_database, str(path), size, args.stories_per_day)
        row = _in_child(measure_linking, str(path), size, articles, args.stories_per_day)
        row.update(build)
        rows.append(row)
        print(json.dumps(row), flush=True)
        path.unlink(missing_ok=True)
    revise = [measure_revise(n) for n in (10, 30, 60)]
    print(json.dumps({"split_recheck": revise}), flush=True)
    result: dict[str, Any] = {
        "benchmark": "story linking: link_articles on a DuckDB file; p50/p99 = own decision + equal share of the batch's candidate load, bulk writes, split re-checks and merge pass",
        "stories_per_day": args.stories_per_day,
        "articles_per_size": articles,
        "sizes": rows,
        "split_recheck": revise,
        "p50_ratio_largest_to_smallest": round(rows[-1]["p50_ms"] / rows[0]["p50_ms"], 2),
        "targets": {"p50_ms_at_1M": 5.0, "growth_ratio_max": 2.0, "peak_rss_mb_max": 1024},
    }
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k != "sizes"}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
