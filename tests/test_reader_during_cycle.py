"""An analyst's plain read during a 1,000-article cycle answers at once with committed data."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

from monitor import db, query

pytestmark = pytest.mark.slow

ARTICLES = 1000
READ_WAIT_MAX_S = 2.0  # the promise: a read during a cycle never waits longer than this
READ_EVERY_S = 0.25
CYCLE_TIMEOUT_S = 900


def test_plain_reads_during_a_1000_article_cycle_never_wait_or_fail(
    prefect_harness: None, tmp_path: Path
) -> None:
    from prefect.settings import PREFECT_API_URL

    from bench.__main__ import bench_config
    from bench.site import SiteServer, SiteSpec

    env = {
        **os.environ,
        "PREFECT_API_URL": str(PREFECT_API_URL.value()),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }
    database = tmp_path / "cycle.duckdb"
    config = tmp_path / "cycle.toml"
    waits: list[float] = []
    counts: list[int] = []
    with SiteServer([SiteSpec(articles=ARTICLES, feeds=20, hosts=4, seed=3)]) as site:
        config.write_text(
            bench_config(
                database,
                site.sites[0]["feed_urls"],
                site.channel_url,
                {"per_host_limit": 4, "global_limit": 16},
            )
        )
        # To a file, not a pipe: nobody reads a pipe until the cycle ends, and a full one blocks it.
        log = (tmp_path / "cycle.log").open("w+b")
        cycle = subprocess.Popen(
            [sys.executable, "-m", "monitor.cli", "run", "--now", "--config", str(config)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + CYCLE_TIMEOUT_S
        while cycle.poll() is None and time.monotonic() < deadline:
            time.sleep(READ_EVERY_S)
            if not database.exists():
                continue
            started = time.monotonic()
            # The default read, as `monitor query` makes it: no flag, no wait.
            with query.open_for_query(database) as con:
                rows = query.run_query(con, "SELECT count(*) FROM articles").rows
            if cycle.poll() is not None:
                break  # the cycle ended during this read: it no longer counts as one during it
            waits.append(time.monotonic() - started)
            counts.append(int(rows[0][0]))
        cycle.wait(timeout=CYCLE_TIMEOUT_S)
        log.seek(0)
        output = log.read()
        log.close()
    assert cycle.returncode == 0, output.decode(errors="replace")[-3000:]
    with db.open_db(database, read_only=True) as con:
        stored = int(db.query(con, "count_articles")[0][0])
    print(
        f"{len(waits)} reads during the cycle: max {max(waits):.2f}s, median "
        f"{statistics.median(waits):.2f}s; articles seen {counts[0]} .. {counts[-1]} of {stored}"
    )
    assert stored >= ARTICLES * 0.9
    assert len(waits) >= 10, waits
    # Nine reads in ten within the promise even on a shared, loaded machine (load 14 on 2 cores
    # measured 0.5-3.2 s there; the copy's write-ahead log replay is most of a slow read), and
    # none held up for a cycle's length: the old read waited 10 s and then failed.
    assert sorted(waits)[int(len(waits) * 0.9)] < READ_WAIT_MAX_S, sorted(waits)[-5:]
    assert max(waits) < 2 * READ_WAIT_MAX_S, sorted(waits)[-5:]
    # Committed state only ever grows, and reads saw the cycle's batches land one by one.
    assert counts == sorted(counts)
    assert any(0 < n < stored for n in counts), counts
