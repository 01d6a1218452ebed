"""End to end: real loopback feeds and pages, a real DuckDB file, real Prefect, a real webhook."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor import db
from monitor.demo import DemoResult
from monitor.localserver import FixtureServer, Response

PAUSE_CLAIM = "The US urged “Israel” to pause its strikes at least twice"
PARAPHRASE = "The vast majority of those Israeli airstrikes were authorized by the United States"

pytestmark = pytest.mark.slow


def _claims_from_later_article(result: DemoResult) -> list[tuple[str, str]]:
    return [(row[1], row[2]) for row in result.claims if row[5] == "later"]


def test_demo_flags_the_pause_claim_as_new(demo_run: DemoResult) -> None:
    later = _claims_from_later_article(demo_run)
    assert any(kind == "new" and PAUSE_CLAIM in text for kind, text in later), later


def test_demo_paraphrases_are_seen_not_new(demo_run: DemoResult) -> None:
    with db.open_db(demo_run.database_path, read_only=True) as con:
        rows = db.query(con, "test_mentions_like", [f"%{PARAPHRASE}%"])
    assert rows, "the paraphrase sentence was not judged at all"
    assert {status for status, _sentence in rows} == {"seen"}, rows


def test_demo_never_flags_boilerplate(demo_run: DemoResult) -> None:
    texts = [text for _kind, text in _claims_from_later_article(demo_run)]
    for boilerplate in (
        "Read next",
        "By Al Mayadeen English",
        "What was the US role in Syria?",
        "US direct intervention",
        "Source: Wall Street Journal",
        "16 Jun 2022",
        "Posted on by",
    ):
        assert not any(text.startswith(boilerplate) for text in texts), boilerplate


def test_demo_links_both_articles_to_the_tracked_story(demo_run: DemoResult) -> None:
    with db.open_db(demo_run.database_path, read_only=True) as con:
        rows = db.query(con, "test_articles_with_story")
    assert len(rows) == 2
    assert {row[1] for row in rows} == {"US review of Israeli strikes in Syria"}
    assert all(row[2] for row in rows), "the demo story is configured, so it must be tracked"


def test_demo_alert_delivered_with_the_pause_claim(demo_run: DemoResult) -> None:
    bodies = [m.get("title", "") + "\n" + m.get("message", "") for m in demo_run.messages]
    pause_alerts = [body for body in bodies if "pause its strikes" in body]
    assert len(pause_alerts) == 1, bodies
    assert "US review of Israeli strikes in Syria" in pause_alerts[0]
    with db.open_db(demo_run.database_path, read_only=True) as con:
        statuses = {row[0] for row in db.query(con, "test_alert_statuses")}
    assert statuses <= {"sent", "filtered"}, statuses


def test_third_cycle_with_nothing_new_sends_nothing_and_adds_no_rows(demo_run: DemoResult) -> None:
    assert len(demo_run.row_counts) == 3
    after_second, after_third = demo_run.row_counts[1], demo_run.row_counts[2]
    assert after_third == after_second
    assert demo_run.cycles[2]["alerts"].get("sent_messages", 0) == 0
    assert demo_run.cycles[2]["claims"].get("new", 0) == 0


def test_demo_prints_story_claim_and_alert(demo_run: DemoResult) -> None:
    output = "\n".join(demo_run.output)
    assert "[NEW]" in output and "pause its strikes" in output
    assert "Alerts received by the channel: " in output


def _write_config(tmp_path: Path, feed_urls: list[str]) -> Path:
    feeds = "\n".join(f'[[feeds]]\nurl = "{url}"\n' for url in feed_urls)
    config = tmp_path / "monitor.toml"
    config.write_text(
        f'[database]\npath = "{tmp_path / "m.duckdb"}"\n'
        "[fetch]\nallow_private_networks = true\nread_timeout_s = 5\n" + feeds
    )
    return config


GOOD_FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>Good</title>
<link>{base}/</link><item><title>Quake hits coastal town</title><link>{base}/quake.html</link>
<guid>quake-1</guid></item></channel></rss>"""

QUAKE_PAGE = """<html><head><title>Quake hits coastal town</title></head><body><article>
<h1>Quake hits coastal town</h1><p>A magnitude 6.1 earthquake struck the coastal town of Puerto
Lindo on Tuesday morning, officials said, damaging dozens of homes and the harbour wall.</p>
<p>Rescue teams from three provinces were sent to the area, and the regional governor said
no deaths had been confirmed by the evening.</p></article></body></html>"""


def test_broken_feeds_are_recorded_and_do_not_stop_the_others(
    prefect_harness: None, tmp_path: Path
) -> None:
    from flows.cycle import run_cycle

    with FixtureServer() as server:
        base = server.base_url
        good = server.add("/good.xml", GOOD_FEED.format(base=base), "application/rss+xml")
        server.add("/quake.html", QUAKE_PAGE)
        failing = server.route("/fail.xml", lambda r: Response(500, b"boom", {}))
        malformed = server.add(
            "/bad.xml",
            '<?xml version="1.0"?><rss version="2.0"><channel><title>Broken & </tit',
            "application/rss+xml",
        )
        config = _write_config(tmp_path, [failing, malformed, good])
        summary = run_cycle(config, poll_all_now=True)

    assert summary["feeds"]["failed"] == 2
    with db.open_db(tmp_path / "m.duckdb", read_only=True) as con:
        feeds = {row[0]: row[1:] for row in db.query(con, "test_feed_errors")}
        stored = db.query(con, "test_article_urls")
    assert feeds[failing][0] == 1 and "500" in feeds[failing][1]
    assert feeds[malformed][0] == 1 and feeds[malformed][1]
    assert feeds[good][0] == 0 and feeds[good][1] is None
    assert [row[0] for row in stored] == [f"{base}/quake.html"]


def test_second_cycle_started_together_is_skipped_with_a_clear_message(tmp_path: Path) -> None:
    from monitor.db import CycleLockedError, cycle_lock

    database = tmp_path / "m.duckdb"
    with (
        cycle_lock(database),
        pytest.raises(CycleLockedError, match="another cycle is running"),
        cycle_lock(database, wait_s=0.3),
    ):
        pass
    with cycle_lock(database, wait_s=0):
        pass


STORY_FEED_ITEM = (
    "<item><title>{title}</title><link>{base}/s/{i}.html</link><guid>s-{i}</guid></item>"
)
STORY_SENTENCES = [
    "A magnitude 6.1 earthquake struck the coastal town of Puerto Lindo on Tuesday morning.",
    "Officials said the quake damaged dozens of homes and the harbour wall of Puerto Lindo.",
    "Rescue teams from three provinces were sent to Puerto Lindo after the earthquake.",
    "The regional governor said no deaths had been confirmed by Tuesday evening.",
    "A second tremor of magnitude 4.2 was felt in Puerto Lindo on Wednesday.",
    "Engineers found cracks in the Puerto Lindo harbour wall after the second tremor.",
    "The government promised 40 million pesos for rebuilding in Puerto Lindo.",
]


def _run_story_cycle(tmp_path: Path, name: str, batch_size: int) -> tuple[dict, list[tuple]]:
    from flows.cycle import run_cycle

    with FixtureServer() as server:
        base = server.base_url
        items = []
        for i in range(5):
            title = f"Puerto Lindo earthquake update {i}"
            body = "".join(
                f"<p>{s} Report {i} adds detail.</p>" if j == i else f"<p>{s}</p>"
                for j, s in enumerate(STORY_SENTENCES[: 3 + i])
            )
            server.add(
                f"/s/{i}.html",
                f"<html><head><title>{title}</title></head><body><article>"
                f"<h1>{title}</h1>{body}</article></body></html>",
            )
            items.append(STORY_FEED_ITEM.format(title=title, base=base, i=i))
        feed = server.add(
            "/story.xml",
            '<?xml version="1.0"?><rss version="2.0"><channel><title>S</title>'
            + "".join(items)
            + "</channel></rss>",
            "application/rss+xml",
        )
        workdir = tmp_path / name
        workdir.mkdir()
        config = _write_config(workdir, [feed])
        config.write_text(config.read_text() + f"[scale]\npage_batch_size = {batch_size}\n")
        summary = run_cycle(config, poll_all_now=True)
    with db.open_db(workdir / "m.duckdb", read_only=True) as con:
        claims = sorted((row[1], row[2]) for row in db.query(con, "test_claim_kinds"))
    return summary, claims


def test_a_cycle_in_small_batches_stores_and_judges_what_one_batch_does(
    prefect_harness: None, tmp_path: Path
) -> None:
    from flows.cycle import PROCESS_STATE

    whole, whole_claims = _run_story_cycle(tmp_path, "one-batch", 200)
    # The cycle handed its process state to the stages; the next cycle starts from a reset one,
    # so the comparison below is also warm caches against cold ones.
    assert PROCESS_STATE.claims.ledgers.ledgers and PROCESS_STATE.stories.terms.items
    PROCESS_STATE.reset()
    assert not (PROCESS_STATE.claims.ledgers.ledgers or PROCESS_STATE.stories.terms.items)
    batched, batched_claims = _run_story_cycle(tmp_path, "batches-of-2", 2)

    assert (
        whole["articles"]["stored_new_articles"] == batched["articles"]["stored_new_articles"] == 5
    )
    assert (whole["articles"]["batches"], batched["articles"]["batches"]) == (1, 3)
    assert batched["claims"]["versions"] == 5 and batched["stories"]["linked"] == 5
    for key in ("new", "seen", "changed", "skipped"):
        assert batched["claims"][key] == whole["claims"][key], key
    assert batched_claims == whole_claims and len(whole_claims) >= 7


def test_cycle_log_summary_counts_lists_instead_of_printing_them() -> None:
    from flows.cycle import CycleSummary

    summary = CycleSummary(
        run_id=7,
        claims={"new": 3, "new_claim_ids": [4, 5, 6], "errors": {}},
        stories={"article_seconds": [0.1, 0.2]},
    )
    counts = summary.as_counts()
    assert counts["claims"] == {"new": 3, "new_claim_ids": 3, "errors": {}}
    assert counts["stories"]["article_seconds"] == 2 and counts["run_id"] == 7
    assert summary.as_dict()["claims"]["new_claim_ids"] == [
        4,
        5,
        6,
    ]  # the stored summary keeps them


def test_demo_alert_counts_possibly_restated_claims_apart_beside_their_closest_claim(
    demo_run: DemoResult,
) -> None:
    with db.open_db(demo_run.database_path, read_only=True) as con:
        restated = db.query(con, "test_possibly_restated_claims")
    assert restated, "the demo's later article has a claim in the uncertain band"
    body = next(m["message"] for m in demo_run.messages if "pause its strikes" in m["message"])
    summary = body.split("\n", 1)[0]
    assert summary.endswith(f" and {len(restated)} possibly restated from 1 article"), summary
    for text, nearest in restated:
        assert f"Possibly restated: “{text}”" in body
        assert f"closest earlier: “{nearest}”" in body
