"""Articles stage: extraction and cleaning, then fetch → extract → save on a loopback server and DuckDB."""

from __future__ import annotations

import datetime as dt
import operator
import os
from pathlib import Path
from typing import Any

import duckdb
import pytest

from monitor import db
from monitor.articles import (
    ArticleReport,
    ExtractionPool,
    PendingEntry,
    article_from_document,
    content_hash,
    extract_article,
    extract_document,
    extract_pages,
    fetch_and_extract_pages,
    fetch_pages,
    is_boilerplate_line,
    requeue_failed_entries,
    save_articles,
    select_pending_entries,
)
from monitor.articles.pool import _collect
from monitor.errors import StoreError
from monitor.localserver import FixtureServer, Request, Response
from monitor.settings import FetchSettings

DATA = Path(__file__).parent / "data"
HARBOUR_PAGE = DATA / "articles" / "harbour-fire.html"
SEED_LATER = next((DATA / "seeds").glob("003_*.txt"))
NOW = dt.datetime(2026, 11, 21, 12, 0, 0)
PAUSE_SENTENCE = "The US urged “Israel” to pause its strikes at least twice"

BOILERPLATE_IN_HARBOUR_PAGE = [
    "Photo: Daniel Mertens/Harbour Gazette",
    "Read next: Port Ellis expansion plan approved",
    "Related: Dock workers vote to strike",
    "Image credit: Port Ellis Authority",
    "Share this article",
    "Share on Facebook | Share on Twitter | Email",
    "Read more: How Port Ellis became",
]


def paragraphs_page(title: str, paragraphs: list[str], extra_head: str = "") -> str:
    """A news page with site chrome around the given paragraphs."""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">{extra_head}
<title>{title} | Test Courier</title><meta property="og:site_name" content="Test Courier"></head>
<body><header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/about">About</a></nav></header>
<main><article><h1>{title}</h1>{body}</article></main>
<footer><a href="/privacy">Privacy</a> © Test Courier</footer></body></html>"""


LONG_PARAGRAPHS = [
    (
        "The city council approved the new harbour budget on Monday after a four-hour debate "
        "that ran late into the evening and drew a large crowd of residents."
    ),
    (
        "Councillors voted 23 to 14 in favour of the plan, which sets aside money for dredging, "
        "new mooring posts and a repaired sea wall along the eastern promenade."
    ),
    (
        "Opponents said the plan ignored the fishing fleet, whose berths will move further out "
        "under the proposal, and promised to raise the issue again in the spring."
    ),
]


# --- extraction and cleaning (pure) -------------------------------------------------------------


def test_realistic_page_loses_its_boilerplate_lines_and_keeps_the_story() -> None:
    html = HARBOUR_PAGE.read_text(encoding="utf-8")
    url = "https://harbourgazette.example/news/2024/03/05/port-ellis-grain-fire"
    raw = article_from_document(extract_document(html, url), html, clean=False)
    article = extract_article(html, url)
    assert raw is not None and article is not None
    for line in BOILERPLATE_IN_HARBOUR_PAGE:
        assert line in raw.text  # trafilatura alone keeps it ...
        assert line not in article.text  # ... the cleaner drops it
    assert "Sign up for our newsletter" not in article.text
    assert "(Getty Images)" not in article.text
    assert "seadog1961" not in article.text  # comments excluded
    assert "Helen Varga, the authority’s operations director" in article.text
    assert "Investigators from the fire service are expected" in article.text
    assert "\n\nNo injuries were reported" in article.text  # paragraphs separated by blank lines
    assert article.title == "Fire at Port Ellis grain terminal forces evacuation of dock workers"
    assert article.author == "Maria Okafor"
    assert article.site_name == "The Harbour Gazette"
    assert article.language == "en-gb"
    assert article.published_at == dt.datetime(2024, 3, 5, 7, 15)  # 08:15 CET as naive UTC


def test_seed_article_page_keeps_the_pause_claim_and_drops_read_next() -> None:
    paragraphs = [
        p.strip() for p in SEED_LATER.read_text(encoding="utf-8").split("\n\n") if p.strip()
    ]
    html = paragraphs_page("US pre-screens Israeli raids on Syria, WSJ reports", paragraphs)
    raw = article_from_document(extract_document(html, None), html, clean=False)
    article = extract_article(html.encode("utf-8"), "https://mayadeen.example/news/us-review")
    assert raw is not None and article is not None
    assert "Read next: The US, a bandit in Syria" in raw.text
    assert PAUSE_SENTENCE in article.text
    assert "Read next" not in article.text
    assert "The vast majority of those Israeli airstrikes were authorized" in article.text


@pytest.mark.parametrize(
    "line",
    [
        "Read next: The US, a bandit in Syria",
        "READ MORE: Markets slide as rates rise",
        "Read more",
        "Related: Dock workers vote to strike",
        "Related stories",
        "Also read | Ten things to know",
        "See also: Earlier coverage",
        "Share this article",
        "Share on Facebook",
        "Facebook Twitter LinkedIn Email",
        "Tweet | Share | Copy link",
        "Sign up for our newsletter",
        "Subscribe to our daily newsletter for the latest headlines",
        "By signing up, you agree to our privacy policy.",
        "Photo: Daniel Mertens/Reuters",
        "Photograph: AP",
        "Foto: dpa",
        "Image credit: NASA",
        "(Getty Images)",
        "Rescue workers search the rubble in Aleppo. (AFP via Getty Images)",
        "Advertisement",
        "Story continues below advertisement",
    ],
)
def test_boilerplate_lines_are_recognised(line: str) -> None:
    assert is_boilerplate_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "Related-party transactions rose by 12 per cent last year, the filing shows.",
        "Photographers were kept behind a barrier as the convoy arrived.",
        "Share prices fell 3% on Monday after the announcement.",
        "Read the full statement, the minister told reporters, and judge for yourself.",
        "More than 100 people were evacuated from the building.",
        "Images from the scene showed smoke rising over the port.",
        "The newsletter, which has 40,000 subscribers, first reported the leak.",
        PAUSE_SENTENCE + " in order to avoid complicating the battle space.",
        "Related: " + "a long paragraph that happens to start with the word related " * 5,
    ],
)
def test_ordinary_sentences_are_kept(line: str) -> None:
    assert not is_boilerplate_line(line)


def test_nothing_usable_gives_none() -> None:
    assert extract_article("") is None
    assert extract_article("<html><body><nav><a href='/'>Home</a></nav></body></html>") is None


def test_content_hash_ignores_layout_whitespace_only() -> None:
    assert content_hash("One claim.\n\nTwo claims.") == content_hash("One  claim. Two\tclaims. ")
    assert content_hash("One claim.") != content_hash("One claim!")
    assert len(content_hash("x")) == 64


# --- the pipeline on a loopback server and a real DuckDB file ---------------------------------


@pytest.fixture()
def fetch_settings() -> FetchSettings:
    return FetchSettings(allow_private_networks=True, max_page_attempts=3)


def add_entries(
    con: duckdb.DuckDBPyConnection, urls: list[str], feed_url: str = "https://f.example/rss"
) -> list[int]:
    feed_id = db.insert_with_id(con, "articles_test_add_feed", "feed_ids", [feed_url, NOW, NOW])
    return [
        db.insert_with_id(
            con,
            "articles_test_add_entry",
            "entry_ids",
            [feed_id, f"{feed_url}#{i}", url, f"Entry {i}", NOW, NOW],
        )
        for i, url in enumerate(urls)
    ]


def run_stage(
    con: duckdb.DuckDBPyConnection, settings: FetchSettings, now: dt.datetime = NOW
) -> ArticleReport:
    pending = select_pending_entries(con, now, 100)
    return save_articles(con, extract_pages(fetch_pages(pending, settings)), settings, now)


def entries(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    keys = [
        "id",
        "state",
        "attempts",
        "next_attempt_at",
        "last_error",
        "article_id",
        "processed_at",
    ]
    return [dict(zip(keys, row, strict=True)) for row in db.query(con, "articles_test_entries")]


def versions(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    keys = [
        "article_id",
        "url",
        "outlet",
        "version_id",
        "version",
        "content_hash",
        "title",
        "author",
        "published_at",
        "text",
        "raw_html",
    ]
    return [dict(zip(keys, row, strict=True)) for row in db.query(con, "articles_test_versions")]


def test_two_entries_with_one_canonical_url_make_one_article(
    server: FixtureServer, con: duckdb.DuckDBPyConnection, fetch_settings: FetchSettings
) -> None:
    server.add("/world/harbour-budget", paragraphs_page("Harbour budget approved", LONG_PARAGRAPHS))
    base = server.url("/world/harbour-budget")
    first = add_entries(con, [base + "?utm_source=rss&utm_medium=feed"], "https://a.example/rss")
    second = add_entries(con, [base + "#comments"], "https://b.example/rss")

    report = run_stage(con, fetch_settings)

    assert (report.stored_new_articles, report.unchanged, report.failed) == (1, 1, 0)
    stored = versions(con)
    assert len(stored) == 1 and stored[0]["url"] == base and stored[0]["version"] == 1
    assert stored[0]["outlet"] == "Test Courier"
    assert "<article>" in stored[0]["raw_html"]
    assert [(e["id"], e["state"], e["article_id"]) for e in entries(con)] == [
        (first[0], "stored", stored[0]["article_id"]),
        (second[0], "stored", stored[0]["article_id"]),
    ]
    assert report.new_version_ids == [stored[0]["version_id"]]
    assert server.hits("/world/harbour-budget") == 1  # one fetch for both entries


def test_changed_content_adds_a_version_and_unchanged_content_adds_nothing(
    server: FixtureServer, con: duckdb.DuckDBPyConnection, fetch_settings: FetchSettings
) -> None:
    url = server.add("/story", paragraphs_page("Harbour budget approved", LONG_PARAGRAPHS))
    [entry_id] = add_entries(con, [url])
    assert run_stage(con, fetch_settings).stored_new_articles == 1

    update = (
        "Correction: the vote was 22 to 15, not 23 to 14 as first reported by the council office."
    )
    server.add("/story", paragraphs_page("Harbour budget approved", LONG_PARAGRAPHS + [update]))
    db.execute(con, "articles_test_requeue", [entry_id])
    report = run_stage(con, fetch_settings)
    assert (report.stored_new_articles, report.new_versions, report.unchanged) == (0, 1, 0)
    stored = versions(con)
    assert [v["version"] for v in stored] == [1, 2]
    assert stored[0]["article_id"] == stored[1]["article_id"]
    assert update not in stored[0]["text"] and update in stored[1]["text"]  # v1 never overwritten
    assert report.new_version_ids == [stored[1]["version_id"]]

    db.execute(con, "articles_test_requeue", [entry_id])
    report = run_stage(con, fetch_settings)
    assert (report.new_versions, report.unchanged, report.new_version_ids) == (0, 1, [])
    assert len(versions(con)) == 2
    assert entries(con)[0]["state"] == "stored"


def test_saving_the_same_results_twice_adds_nothing(
    server: FixtureServer, con: duckdb.DuckDBPyConnection, fetch_settings: FetchSettings
) -> None:
    url = server.add("/story", paragraphs_page("Harbour budget approved", LONG_PARAGRAPHS))
    add_entries(con, [url, server.url("/missing")])
    results = extract_pages(fetch_pages(select_pending_entries(con, NOW, 10), fetch_settings))
    save_articles(con, results, fetch_settings, NOW)
    before = (versions(con), entries(con))

    again = save_articles(con, results, fetch_settings, NOW)

    assert again.new_version_ids == [] and again.stored_new_articles == 0 and again.unchanged == 1
    assert (versions(con), entries(con)) == before


def test_pdf_and_image_pages_are_skipped_with_a_reason(
    server: FixtureServer, con: duckdb.DuckDBPyConnection, fetch_settings: FetchSettings
) -> None:
    pdf = server.add("/report.pdf", b"%PDF-1.7\n1 0 obj <<>> endobj\n", "application/pdf")
    image = server.add("/photo.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 64, "image/jpeg")
    disguised = server.add("/download", b"%PDF-1.4\n...", "text/html")
    add_entries(con, [pdf, image, disguised])

    report = run_stage(con, fetch_settings)

    assert (report.skipped, report.failed, report.stored_new_articles) == (3, 0, 0)
    rows = entries(con)
    assert [r["state"] for r in rows] == ["skipped"] * 3
    assert "PDF document" in rows[0]["last_error"] and pdf in rows[0]["last_error"]
    assert "image" in rows[1]["last_error"]
    assert "PDF document" in rows[2]["last_error"]
    assert select_pending_entries(con, NOW + dt.timedelta(days=30), 10) == []


def test_failing_page_is_retried_with_backoff_and_stored_after_recovery(
    server: FixtureServer, con: duckdb.DuckDBPyConnection, fetch_settings: FetchSettings
) -> None:
    healthy = {"ok": False}
    page = paragraphs_page("Harbour budget approved", LONG_PARAGRAPHS).encode()

    def flaky(request: Request) -> Response:
        if healthy["ok"]:
            return Response(200, page, {"Content-Type": "text/html; charset=utf-8"})
        return Response(500, b"upstream exploded", {"Content-Type": "text/plain"})

    url = server.route("/flaky", flaky)
    add_entries(con, [url])

    report = run_stage(con, fetch_settings)
    assert report.failed == 1
    [row] = entries(con)
    assert row["state"] == "failed" and row["attempts"] == 1 and row["article_id"] is None
    assert url in row["last_error"] and "500" in row["last_error"]
    assert row["next_attempt_at"] == NOW + dt.timedelta(minutes=10)
    assert select_pending_entries(con, NOW + dt.timedelta(minutes=5), 10) == []  # not due yet

    later = NOW + dt.timedelta(minutes=11)
    run_stage(con, fetch_settings, later)
    assert entries(con)[0]["next_attempt_at"] == later + dt.timedelta(minutes=20)  # doubled

    healthy["ok"] = True
    last = later + dt.timedelta(minutes=21)
    report = run_stage(con, fetch_settings, last)
    assert report.stored_new_articles == 1
    [row] = entries(con)
    assert (row["state"], row["last_error"], row["next_attempt_at"]) == ("stored", None, None)
    assert row["article_id"] == versions(con)[0]["article_id"]


def test_page_is_parked_after_max_attempts(
    server: FixtureServer, con: duckdb.DuckDBPyConnection, fetch_settings: FetchSettings
) -> None:
    url = server.add("/gone", b"not here", "text/plain", status=404)
    add_entries(con, [url])
    now = NOW
    for _ in range(fetch_settings.max_page_attempts):
        run_stage(con, fetch_settings, now)
        now += dt.timedelta(days=2)
    [row] = entries(con)
    assert row["state"] == "failed" and row["attempts"] == 3 and row["next_attempt_at"] is None
    assert "gave up after 3 attempts" in row["last_error"]
    assert select_pending_entries(con, now + dt.timedelta(days=365), 10) == []


def test_oversized_page_is_refused_and_recorded(
    server: FixtureServer, con: duckdb.DuckDBPyConnection
) -> None:
    settings = FetchSettings(allow_private_networks=True, max_page_bytes=2_000)
    url = server.add("/huge", paragraphs_page("Huge", LONG_PARAGRAPHS * 40))
    add_entries(con, [url])

    report = run_stage(con, settings)

    assert report.failed == 1 and report.stored_new_articles == 0
    [row] = entries(con)
    assert row["state"] == "failed" and row["next_attempt_at"] is None  # retrying cannot help
    assert url in row["last_error"] and "2000" in row["last_error"].replace(",", "").replace(
        "_", ""
    )
    assert versions(con) == []


CP1252_TEXT = (
    "Café owners in Zürich said the “naïve” plan would cost €2m, a council spokesperson said."
)


@pytest.mark.parametrize("how", ["header", "meta", "undeclared"])
def test_windows_1252_pages_decode(
    how: str, server: FixtureServer, con: duckdb.DuckDBPyConnection, fetch_settings: FetchSettings
) -> None:
    extra_head = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
    html = paragraphs_page(
        "Café plan", [CP1252_TEXT] + LONG_PARAGRAPHS, extra_head if how == "meta" else ""
    )
    html = html.replace('<meta charset="utf-8">', "")
    content_type = "text/html; charset=windows-1252" if how == "header" else "text/html"
    url = server.add(f"/cp1252-{how}", html.encode("cp1252"), content_type)
    add_entries(con, [url])

    report = run_stage(con, fetch_settings)

    assert report.stored_new_articles == 1
    assert CP1252_TEXT in versions(con)[0]["text"]


def test_pending_entry_fields(con: duckdb.DuckDBPyConnection) -> None:
    [entry_id] = add_entries(con, ["https://example.org/a"])
    assert select_pending_entries(con, NOW, 10) == [
        PendingEntry(entry_id, 1, "https://example.org/a", "Entry 0", NOW, 0)
    ]


def test_gone_page_is_parked_at_once_and_retry_after_is_honoured(
    server: FixtureServer, con: duckdb.DuckDBPyConnection, fetch_settings: FetchSettings
) -> None:
    gone = server.add("/gone", b"removed", "text/plain", status=410)
    busy = server.add(
        "/busy", b"slow down", "text/plain", status=429, headers={"Retry-After": "3600"}
    )
    add_entries(con, [gone, busy])

    run_stage(con, fetch_settings)

    gone_row, busy_row = entries(con)
    assert gone_row["state"] == "failed" and gone_row["next_attempt_at"] is None
    assert "410" in gone_row["last_error"] and "gave up after 1 attempt" in gone_row["last_error"]
    assert busy_row["next_attempt_at"] == NOW + dt.timedelta(hours=1)  # not the 10-minute backoff


def test_parked_entries_can_be_requeued(
    server: FixtureServer, con: duckdb.DuckDBPyConnection, fetch_settings: FetchSettings
) -> None:
    gone = server.add("/gone", b"removed", "text/plain", status=410)
    ok = server.add("/ok", paragraphs_page("Harbour budget approved", LONG_PARAGRAPHS))
    gone_id, ok_id = add_entries(con, [gone, ok])
    run_stage(con, fetch_settings)
    assert requeue_failed_entries(con, [ok_id]) == []  # stored entries are left alone

    assert requeue_failed_entries(con) == [gone_id]

    assert [e.entry_id for e in select_pending_entries(con, NOW, 10)] == [gone_id]
    row = entries(con)[0]
    assert (row["state"], row["attempts"], row["last_error"]) == ("pending", 0, None)


# --- extraction in worker processes, batched saving ---------------------------------------------


def test_pages_extracted_in_worker_processes_match_in_process_extraction(
    server: FixtureServer, fetch_settings: FetchSettings
) -> None:
    urls = [
        server.add(
            f"/story-{i}",
            paragraphs_page(f"Harbour story {i}", LONG_PARAGRAPHS[i % 3 :] + LONG_PARAGRAPHS),
        )
        for i in range(6)
    ]
    urls.append(server.url("/missing"))
    urls.append(server.add("/photo.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 64, "image/jpeg"))
    pending = [PendingEntry(i, 1, url, None, None, 0) for i, url in enumerate(urls)]

    in_process = extract_pages(fetch_pages(pending, fetch_settings))
    in_workers = fetch_and_extract_pages(pending, fetch_settings, processes=2)

    def outcome(result: Any) -> tuple[Any, ...]:
        article = result.article
        return (
            result.entry.entry_id,
            result.url,
            article and (article.title, article.text),
            result.skip_reason,
            type(result.error).__name__ if result.error else None,
        )

    assert [outcome(r) for r in in_workers] == [outcome(r) for r in in_process]
    assert sum(r.article is not None for r in in_workers) == 6
    assert in_workers[6].error is not None and in_workers[7].skip_reason is not None


def test_the_analyze_hook_runs_on_the_workers_and_a_failing_one_loses_no_page(
    server: FixtureServer, fetch_settings: FetchSettings
) -> None:
    urls = [
        server.add(f"/analysed-{i}", paragraphs_page(f"Ferry story {i}", LONG_PARAGRAPHS))
        for i in range(3)
    ]
    pending = [PendingEntry(i, 1, url, None, None, 0) for i, url in enumerate(urls)]

    titled = fetch_and_extract_pages(
        pending, fetch_settings, processes=2, analyze=operator.attrgetter("title")
    )
    broken = fetch_and_extract_pages(
        pending, fetch_settings, processes=2, analyze=operator.attrgetter("no_such")
    )

    assert (
        [r.analysis for r in titled]
        == [r.article.title for r in titled if r.article]
        == [f"Ferry story {i}" for i in range(3)]
    )
    assert [r.analysis for r in broken] == [None] * 3
    assert all(r.article is not None for r in broken)
    # In-process extraction (one process, or a Dask worker) runs the hook too.
    in_process = fetch_and_extract_pages(
        pending, fetch_settings, processes=1, analyze=operator.attrgetter("title")
    )
    assert [r.analysis for r in in_process] == [r.analysis for r in titled]


def test_a_dead_extraction_worker_is_a_retryable_page_error_and_is_replaced() -> None:
    pool = ExtractionPool()
    try:
        workers = pool.executor(2)
        assert workers is not None and pool.executor(2) is workers  # kept between batches
        future = workers.submit(os._exit, 3)  # what a page that crashes lxml would do to the worker

        extracted = _collect(future, "https://example.test/crashing-page")

        assert extracted.article is None and "worker process died" in (extracted.error or "")
        # The dead worker was replaced; the pool goes on with the next jobs.
        assert pool.executor(2) is workers
        assert [workers.submit(sum, [1, i]).result(timeout=60) for i in range(4)] == [1, 2, 3, 4]
    finally:
        pool.shutdown(wait=True)
    assert not pool.started


def test_a_call_without_a_pool_leaves_no_worker_running(
    server: FixtureServer, fetch_settings: FetchSettings
) -> None:
    import multiprocessing

    url = server.add("/alone", paragraphs_page("Harbour story alone", LONG_PARAGRAPHS))
    before = set(multiprocessing.active_children())

    results = fetch_and_extract_pages(
        [PendingEntry(1, 1, url, None, None, 0)], fetch_settings, processes=2
    )

    assert results[0].article is not None
    assert set(multiprocessing.active_children()) <= before


def test_a_batch_that_cannot_be_written_is_saved_page_by_page(
    server: FixtureServer,
    con: duckdb.DuckDBPyConnection,
    fetch_settings: FetchSettings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    good = [
        server.add(f"/good-{i}", paragraphs_page(f"Budget story {i}", LONG_PARAGRAPHS))
        for i in range(2)
    ]
    bad = server.add("/bad", paragraphs_page("Poisoned story", LONG_PARAGRAPHS[:2]))
    add_entries(con, [good[0], bad, good[1]])
    real_execute = db.execute

    def fail_on_the_bad_page(connection: Any, name: str, params: Any = None) -> None:
        if name == "articles_insert_version_batch" and any(
            "Poisoned" in (t or "") for t in params["titles"]
        ):
            raise StoreError("simulated write failure for one row")
        real_execute(connection, name, params)

    monkeypatch.setattr(db, "execute", fail_on_the_bad_page)
    report = run_stage(con, fetch_settings)
    monkeypatch.setattr(db, "execute", real_execute)

    assert (report.stored_new_articles, report.failed) == (2, 1)
    states = {row["id"]: row for row in entries(con)}
    bad_entry = sorted(states)[1]
    assert (
        states[bad_entry]["state"] == "failed"
        and "simulated write failure" in states[bad_entry]["last_error"]
    )
    assert states[bad_entry]["next_attempt_at"] is not None  # retried later
    assert [row["state"] for i, row in states.items() if i != bad_entry] == ["stored", "stored"]
    assert len(versions(con)) == 2

    retry = run_stage(con, fetch_settings, NOW + dt.timedelta(days=1))
    assert retry.stored_new_articles == 1 and {r["state"] for r in entries(con)} == {"stored"}


def test_extraction_workers_exit_when_the_cycle_process_is_killed(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys
    import time

    script = tmp_path / "pool_owner.py"
    script.write_text(
        "import os, sys, time\n"
        "from monitor.articles import ExtractionPool\n"
        "if __name__ == '__main__':\n"
        "    pool = ExtractionPool().executor(2)\n"
        "    pids = [pool.submit(os.getpid).result(timeout=60) for _ in range(8)]\n"
        "    print(' '.join(str(p) for p in sorted(set(pids))), flush=True)\n"
        "    time.sleep(600)\n"
    )
    owner = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        worker_pids = [int(p) for p in owner.stdout.readline().split()]  # type: ignore[union-attr]
        assert worker_pids, "the pool started no worker"
        owner.send_signal(signal.SIGKILL)
        owner.wait(timeout=30)

        def alive(pid: int) -> bool:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return False
            # A zombie still answers kill(0); it has exited all the same.
            with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
                return stat.read().split(") ", 1)[1][0] != "Z"

        deadline = time.monotonic() + 30
        while any(alive(pid) for pid in worker_pids) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not any(alive(pid) for pid in worker_pids), (
            "orphaned extraction workers kept running"
        )
    finally:
        if owner.poll() is None:
            owner.kill()
