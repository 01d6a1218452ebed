"""A cycle killed with SIGKILL at random points, then re-run, loses nothing and repeats nothing."""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from monitor import db
from monitor.localserver import FixtureServer, Request, Response, WebhookReceiver

pytestmark = pytest.mark.slow

SEED_DIR = Path(__file__).resolve().parent / "data" / "seeds"
ARTICLE_COUNT = 16
KILL_ATTEMPTS = 4


SPEAKERS = [
    "Amira Haddad",
    "Boris Kell",
    "Chen Wei",
    "Dana Osei",
    "Elif Kaya",
    "Farid Nasser",
    "Greta Lund",
    "Hugo Marchetti",
    "Ines Duarte",
    "Jonas Berg",
    "Kofi Mensah",
    "Lena Sokolova",
    "Marco Ruiz",
    "Nadia Karim",
    "Omar Tahir",
    "Petra Novak",
]
EVENTS = [
    "a grain silo near Homs burned overnight",
    "the Latakia ferry service was suspended",
    "two bridges over the Orontes were closed",
    "a hospital generator in Aleppo failed",
    "the Daraa crossing reopened for trucks",
    "a fuel depot outside Hama was evacuated",
    "schools in Tartus shut for a week",
    "a drone fell into a field near Idlib",
    "the Palmyra road was mined again",
    "water pumping in Deir ez-Zor stopped",
    "a radar site on Mount Qasioun went dark",
    "the Qamishli airport cancelled flights",
    "power lines near Raqqa were cut",
    "a bakery cooperative in Douma ran out of flour",
    "three ambulances were hit in Maarat",
    "the Jableh port banned night shipping",
]


def unique_claim(index: int) -> str:
    """A sentence that only article INDEX carries, unlike every other article's sentence."""
    return f"{SPEAKERS[index]} told reporters that {EVENTS[index]}."


def _article_page(index: int, paragraphs: list[str]) -> str:
    rng = random.Random(index)
    chosen = rng.sample(paragraphs, k=min(5, len(paragraphs)))
    body = "".join(f"<p>{p}</p>" for p in [*chosen, unique_claim(index)])
    return (
        f"<html><head><title>Syria strikes report {index}</title>"
        f'<meta property="og:site_name" content="Outlet {index % 4}"></head><body><article>'
        f"<h1>Syria strikes report {index}</h1>{body}</article></body></html>"
    )


def _feed(base: str) -> str:
    items = "".join(
        f"<item><title>Syria strikes report {i}</title><link>{base}/a/{i}.html</link>"
        f"<guid>crash-{i}</guid><pubDate>Thu, 16 Jun 2022 {8 + i // 4:02d}:{(i * 7) % 60:02d}:00 GMT</pubDate></item>"
        for i in range(ARTICLE_COUNT)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Crash feed</title>{items}</channel></rss>'


def _serve_slow_articles(site: FixtureServer, paragraphs: list[str], delay_s: float) -> str:
    """Serve ARTICLE_COUNT article pages that each take DELAY_S, and their feed; the feed's URL."""

    def slow_page(request: Request) -> Response:
        index = int(request.path.rsplit("/", 1)[1].split(".")[0])
        time.sleep(delay_s)
        return Response(
            200, _article_page(index, paragraphs).encode(), {"Content-Type": "text/html"}
        )

    for i in range(ARTICLE_COUNT):
        site.route(f"/a/{i}.html", slow_page)
    return site.add("/feed.xml", _feed(site.base_url), "application/rss+xml")


def _run_cycle_process(config: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "monitor.cli",
            "run",
            "--now",
            "--wait",
            "30",
            "--config",
            str(config),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def test_sigkill_at_random_points_then_rerun(prefect_harness: None, tmp_path: Path) -> None:
    from prefect.settings import PREFECT_API_URL

    paragraphs = [
        p.strip()
        for seed in sorted(SEED_DIR.glob("*.txt"))
        for p in seed.read_text(encoding="utf-8").split("\n\n")
        if len(p.split()) > 12
    ]
    env = {
        **os.environ,
        "PREFECT_API_URL": str(PREFECT_API_URL.value()),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }
    rng = random.Random(20221616)
    with FixtureServer() as site, WebhookReceiver() as receiver:
        # Slow pages stretch the article stage so kills land inside it.
        feed_url = _serve_slow_articles(site, paragraphs, delay_s=0.4)
        database = tmp_path / "crash.duckdb"
        config = tmp_path / "monitor.toml"
        config.write_text(
            f'[database]\npath = "{database}"\n[fetch]\nallow_private_networks = true\n'
            "[alerts]\nsending_stale_after_s = 0.01\nmax_claims_per_story = 1000\nmax_parts_per_message = 100\n"
            f'[[feeds]]\nurl = "{feed_url}"\n'
            '[[stories]]\nname = "Syria strikes"\nkeywords = ["Israel", "Syria", "strikes"]\n'
            f'[[channels]]\nname = "hook"\nurl = "{receiver.apprise_url()}"\n'
        )
        kills = 0
        for attempt in range(KILL_ATTEMPTS):
            process = _run_cycle_process(config, env)
            if attempt == 0:
                # A cycle is quick now; the first kill waits for the first page request, so at
                # least one run dies inside the pipeline rather than after it.
                deadline = time.monotonic() + 60
                while (
                    process.poll() is None
                    and time.monotonic() < deadline
                    and not any(site.hits(f"/a/{i}.html") for i in range(ARTICLE_COUNT))
                ):
                    time.sleep(0.05)
                time.sleep(rng.uniform(0.0, 1.5))
            else:
                time.sleep(rng.uniform(2.0, 9.0))
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                kills += 1
            process.wait(timeout=60)
        final = _run_cycle_process(config, env)
        output, _ = final.communicate(timeout=240)
        assert final.returncode == 0, output.decode(errors="replace")
        messages = list(receiver.messages)

    assert kills >= 1, "no run was killed; the test did not test anything"
    with db.open_db(database) as con:  # opens cleanly, read-write, and migrates
        urls = [row[0] for row in db.query(con, "test_article_urls")]
        counts = {
            name: int(db.query(con, f"count_{name}")[0][0])
            for name in ("entries", "article_versions")
        }
        entry_states = Counter(row[0] for row in db.query(con, "test_entry_states"))
    assert sorted(urls) == sorted(
        f"{feed_url.rsplit('/', 1)[0]}/a/{i}.html" for i in range(ARTICLE_COUNT)
    )
    assert counts == {"entries": ARTICLE_COUNT, "article_versions": ARTICLE_COUNT}
    assert entry_states == {"stored": ARTICLE_COUNT}
    bodies = "\n".join(m.get("message", "") for m in messages)
    deliveries = [bodies.count(EVENTS[i]) for i in range(ARTICLE_COUNT)]
    # Every article's unique claim reaches the channel. A repeat is possible only for a message
    # whose process was killed in the documented window between the channel's answer and the
    # commit of `sent`: at most one repeat per kill.
    assert min(deliveries) >= 1, deliveries
    assert sum(count - 1 for count in deliveries) <= kills, deliveries


def test_a_killed_run_is_marked_crashed_by_the_next_cycle_and_not_while_alive(
    prefect_harness: None, tmp_path: Path
) -> None:
    from prefect.settings import PREFECT_API_URL

    from flows.cycle import run_cycle
    from monitor import query

    env = {
        **os.environ,
        "PREFECT_API_URL": str(PREFECT_API_URL.value()),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }
    paragraphs = [
        f"Paragraph {i} of the report on the harbour wall and the cargo ships held."
        for i in range(8)
    ]
    with FixtureServer() as site:
        # Slow pages keep the cycle inside its article stage while the test looks.
        feed_url = _serve_slow_articles(site, paragraphs, delay_s=1.0)
        database = tmp_path / "crash.duckdb"
        config = tmp_path / "monitor.toml"
        config.write_text(
            f'[database]\npath = "{database}"\n[fetch]\nallow_private_networks = true\n'
            f'[[feeds]]\nurl = "{feed_url}"\n'
        )
        process = _run_cycle_process(config, env)
        deadline = time.monotonic() + 120
        while (
            process.poll() is None
            and time.monotonic() < deadline
            and not any(site.hits(f"/a/{i}.html") for i in range(ARTICLE_COUNT))
        ):
            time.sleep(0.05)
        assert process.poll() is None, "the cycle ended before it could be killed"
        # While it lives: a second cycle is skipped by the cycle lock and marks nothing.
        assert run_cycle(config, poll_all_now=True)["skipped"]
        with query.open_for_query(database) as con:
            live = db.query(con, "test_runs")
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        killed_at = db.utcnow()
        summary = run_cycle(config, poll_all_now=True)

    assert [(status, pid) for _, status, pid, _ in live] == [("running", process.pid)]
    assert summary["skipped"] is None
    with db.open_db(database, read_only=True) as con:
        after = db.query(con, "test_runs")
        history = [row[:2] for row in db.query(con, "runs_history", {"limit": 10})]
    (first_id, first_status, first_pid, found_at), (second_id, second_status, _, second_found) = (
        after
    )
    assert (first_status, first_pid, second_status, second_found) == (
        "crashed",
        process.pid,
        "completed",
        None,
    )
    assert found_at is not None and found_at >= killed_at - dt.timedelta(seconds=1)
    assert history == [(second_id, "completed"), (first_id, "crashed")]
