"""Hostile servers in a real cycle: each fails alone at its deadline, the good feed is stored."""

from __future__ import annotations

import time
from pathlib import Path

from monitor import db
from monitor.localserver import FixtureServer, HostileServer

pytestmark = __import__("pytest").mark.slow

DEADLINE_S = 3.0  # [fetch] total_timeout_s
PARSE_TIMEOUT_S = 1.0  # [fetch] parse_timeout_s
EXTRACT_TIMEOUT_S = 1.0  # [fetch] extract_timeout_s
# Connect and per-read timeouts far above the deadline: only the deadline can stop the servers.
SOCKET_TIMEOUT_S = 120
# A whole cycle's own work on loopback (Prefect task runs, extraction workers, linking, claims,
# search index) on a shared, loaded machine; measured at 4-12 s here.
CYCLE_WORK_MARGIN_S = 30.0

GOOD_ARTICLES = 5
GOOD_FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>Good</title>
<link>{base}/</link>{items}</channel></rss>"""
GOOD_ITEM = "<item><title>Harbour report {i}</title><link>{link}</link><guid>{guid}</guid></item>"
GOOD_PAGE = """<html><head><title>Harbour report {i}</title></head><body><article>
<h1>Harbour report {i}</h1><p>Port officials in Puerto Lindo said on Tuesday that cargo ship
number {i} had been held at the outer anchorage because the harbour wall was damaged.</p>
<p>Inspectors from the regional authority expected to finish their survey of berth {i} within
a week, the port director told reporters at a briefing.</p></article></body></html>"""


def dense_feed(items: int) -> str:
    """About 150 bytes per item of small elements: the costliest kind of feed to parse."""
    body = "".join(
        f"<item><title>t{i}</title><link>http://dense.example/{i}</link><guid>dense-{i}</guid>"
        f"<description>&lt;b&gt;{i}&lt;/b&gt;</description></item>"
        for i in range(items)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>d</title>{body}</channel></rss>'
    )


def test_hostile_feeds_and_pages_fail_alone_at_their_deadline(
    prefect_harness: None, tmp_path: Path
) -> None:
    from flows.cycle import run_cycle

    # Each hostile server on its own loopback address, so the per-host limit keeps no good
    # fetch waiting behind a stuck one.
    hostile = {
        "feed-header-drip": HostileServer("header-drip", host="127.0.0.2"),
        "feed-silent": HostileServer("silent", host="127.0.0.3"),
        "feed-connect-stall": HostileServer("connect-stall", host="127.0.0.4"),
        "page-header-drip": HostileServer("header-drip", host="127.0.0.5"),
        "page-body-drip": HostileServer("body-drip", host="127.0.0.6"),
        "page-silent": HostileServer("silent", host="127.0.0.7"),
        "page-connect-stall": HostileServer("connect-stall", host="127.0.0.8"),
    }
    for server in hostile.values():
        server.start()
    try:
        with FixtureServer() as site:
            base = site.base_url
            links = [(f"{base}/harbour/{i}.html", f"harbour-{i}") for i in range(GOOD_ARTICLES)]
            links += [
                (hostile[name].url(f"/{name}.html"), name)
                for name in hostile
                if name.startswith("page-")
            ]
            for i in range(GOOD_ARTICLES):
                site.add(f"/harbour/{i}.html", GOOD_PAGE.format(i=i))
            # Under the size cap, yet hours of trafilatura (bench/extraction_hostile.py).
            pathological = site.add(
                "/pathological.html", "<html><body>" + "<p>x</p>" * 60_000 + "</body></html>"
            )
            links.append((pathological, "pathological"))
            items = "".join(
                GOOD_ITEM.format(i=i, link=link, guid=guid) for i, (link, guid) in enumerate(links)
            )
            good = site.add(
                "/good.xml", GOOD_FEED.format(base=base, items=items), "application/rss+xml"
            )
            dense = site.add("/dense.xml", dense_feed(20_000), "application/rss+xml")  # about 3 MB
            feed_urls = [good, dense] + [
                hostile[n].url(f"/{n}.xml") for n in hostile if n.startswith("feed-")
            ]
            database = tmp_path / "m.duckdb"
            config = tmp_path / "monitor.toml"
            config.write_text(
                f'[database]\npath = "{database}"\n'
                f"[fetch]\nallow_private_networks = true\ntotal_timeout_s = {DEADLINE_S}\n"
                f"parse_timeout_s = {PARSE_TIMEOUT_S}\nread_timeout_s = {SOCKET_TIMEOUT_S}\n"
                f"extract_timeout_s = {EXTRACT_TIMEOUT_S}\n"
                f"connect_timeout_s = {SOCKET_TIMEOUT_S}\n"
                + "".join(f'[[feeds]]\nurl = "{url}"\n' for url in feed_urls)
            )
            started = time.monotonic()
            summary = run_cycle(config, poll_all_now=True)
            elapsed = time.monotonic() - started
    finally:
        for server in hostile.values():
            server.stop()

    # Feeds are fetched together, then pages: two deadlines, one parse timeout, one extraction
    # timeout, plus the work.
    bound_s = 2 * DEADLINE_S + PARSE_TIMEOUT_S + EXTRACT_TIMEOUT_S + CYCLE_WORK_MARGIN_S
    print(
        f"cycle with hostile servers: {elapsed:.1f}s (bound {bound_s:.0f}s); "
        f"stages {summary['stage_seconds']}"
    )
    assert elapsed < bound_s, (elapsed, summary["stage_seconds"])
    with db.open_db(database, read_only=True) as con:
        feeds = {url: (count, error) for url, count, error in db.query(con, "test_feed_errors")}
        entries = {row[0]: row[1:] for row in db.query(con, "test_entry_errors")}
        stored = sorted(row[0] for row in db.query(con, "test_article_urls"))
        run_rows = db.query(con, "test_runs")
    assert stored == sorted(link for link, _ in links[:GOOD_ARTICLES])
    assert feeds[good] == (0, None)
    assert feeds[dense][0] == 1 and "parse timeout" in feeds[dense][1]
    for name, server in hostile.items():
        if name.startswith("feed-"):
            count, error = feeds[server.url(f"/{name}.xml")]
            assert count == 1 and "deadline exceeded" in error and f"{DEADLINE_S:g}s" in error, (
                name,
                error,
            )
        else:
            state, attempts, next_attempt_at, error = entries[server.url(f"/{name}.html")]
            # Recorded on the entry, and due again later: retried on a later cycle.
            assert (state, attempts) == ("failed", 1), (name, state, attempts)
            assert next_attempt_at is not None and "deadline exceeded" in error, (name, error)
    state, attempts, next_attempt_at, error = entries[pathological]
    assert (state, attempts, error) == (
        "failed",
        1,
        f"extraction of {pathological} exceeded {EXTRACT_TIMEOUT_S:g} s (extract_timeout_s)",
    )
    assert next_attempt_at is not None
    assert [row[1] for row in run_rows] == ["completed"]
