"""The claims stage on a real DuckDB file: ledger rows, mentions, versions, batches, crash safety."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
import pytest

from monitor import claims, db
from monitor.claims import ClaimCaches, ClaimReport, detect_claims, stage
from monitor.errors import StoreError
from monitor.settings import ClaimSettings

SEEDS = Path(__file__).parent / "data" / "seeds"
EARLIER = (SEEDS / "000_d6164f0e30076554.txt").read_text(encoding="utf-8")
LATER = (SEEDS / "003_430f1404d43e94c3.txt").read_text(encoding="utf-8")
T0 = dt.datetime(2022, 6, 16, 8, 0)
PAUSE = "The US urged “Israel” to pause its strikes at least twice"
MAJORITY = "The vast majority of those Israeli airstrikes were authorized by the United States"


def _story(con: duckdb.DuckDBPyConnection, name: str = "US review of Israeli strikes") -> int:
    return db.insert_with_id(con, "claims_test_add_story", "story_ids", {"name": name, "now": T0})


def _article(con: duckdb.DuckDBPyConnection, story_id: int, url: str, outlet: str) -> int:
    return db.insert_with_id(
        con,
        "claims_test_add_article",
        "article_ids",
        {"url": url, "outlet": outlet, "now": T0, "story_id": story_id},
    )


def _version(
    con: duckdb.DuckDBPyConnection,
    article_id: int,
    text: str,
    hours: int,
    version: int = 1,
    title: str | None = None,
) -> int:
    params = {
        "article_id": article_id,
        "version": version,
        "title": title,
        "text": text,
        "published_at": T0 + dt.timedelta(hours=hours),
        "now": T0 + dt.timedelta(hours=hours),
    }
    return db.insert_with_id(con, "claims_test_add_version", "version_ids", params)


def _mentions(con: duckdb.DuckDBPyConnection, story_id: int) -> list[dict[str, Any]]:
    keys = (
        "version_id",
        "sentence_index",
        "sentence",
        "status",
        "score",
        "claim_id",
        "kind",
        "changed_from",
        "first_outlet",
    )
    return [
        dict(zip(keys, row))
        for row in db.query(con, "claims_test_mentions", {"story_id": story_id})
    ]


def _counts(con: duckdb.DuckDBPyConnection) -> tuple[int, int, int]:
    claims_n, mentions_n, pending = db.query(con, "claims_test_counts")[0]
    return int(claims_n), int(mentions_n), int(pending)


def test_seed_story_two_articles(con: duckdb.DuckDBPyConnection) -> None:
    story = _story(con)
    blog = _article(con, story, "https://blog.example/wsj-review", "worldpeacewithjustice")
    mayadeen = _article(con, story, "https://english.example/us-prescreens", "Al Mayadeen English")
    # Inserted later-first: the stage must still judge the older article first.
    later_version = _version(
        con, mayadeen, LATER, hours=5, title="WSJ: US pre-screens Israeli raids in Syria"
    )
    _version(con, blog, EARLIER, hours=1)

    report = detect_claims(con, ClaimSettings(), T0 + dt.timedelta(days=1))

    assert isinstance(report, ClaimReport)
    assert report.versions == 2 and report.failed == 0
    assert report.sentences == report.new + report.seen + report.changed + report.skipped
    mentions = _mentions(con, story)
    pause = [m for m in mentions if m["sentence"].startswith(PAUSE)]
    assert len(pause) == 1
    assert pause[0]["status"] == "new" and pause[0]["version_id"] == later_version
    assert pause[0]["first_outlet"] == "Al Mayadeen English"
    assert pause[0]["claim_id"] in report.new_claim_ids
    majority = next(m for m in mentions if m["sentence"].startswith(MAJORITY))
    assert majority["status"] == "seen" and majority["first_outlet"] == "worldpeacewithjustice"
    assert not any(
        "Read next" in m["sentence"] or m["sentence"].startswith("By Al Mayadeen") for m in mentions
    )
    # Every claim row has its first-seen fields and the mention that introduced it.
    claims_n, mentions_n, pending = _counts(con)
    assert pending == 0
    assert (
        claims_n
        == report.new + report.changed
        == len(report.new_claim_ids) + len(report.changed_claim_ids)
    )
    assert mentions_n == report.new + report.seen + report.changed

    # Nothing new: a second pass does nothing and adds no rows.
    again = detect_claims(con, ClaimSettings(), T0 + dt.timedelta(days=2))
    assert (again.versions, again.new, again.new_claim_ids) == (0, 0, [])
    assert _counts(con) == (claims_n, mentions_n, 0)


FORMAL = "This means that the formal coordination was previously unknown"


def _earlier_seed_article(con: duckdb.DuckDBPyConnection, story: int) -> None:
    article = _article(con, story, "https://blog.example/wsj", "worldpeacewithjustice")
    _version(con, article, EARLIER, hours=1)


def _seed_statuses(con: duckdb.DuckDBPyConnection, fresh_caches: bool) -> dict[str, str]:
    """Judge the seed pair one article per run; FRESH_CACHES reloads the ledger from the file."""
    story = _story(con)
    _earlier_seed_article(con, story)
    caches = ClaimCaches()
    detect_claims(con, ClaimSettings(), T0, caches)
    if fresh_caches:
        caches = ClaimCaches()
    later = _version(
        con, _article(con, story, "https://mayadeen.example/wsj", "Al Mayadeen"), LATER, hours=5
    )
    detect_claims(con, ClaimSettings(), T0, caches)
    return {m["sentence"]: m["status"] for m in _mentions(con, story) if m["version_id"] == later}


def test_a_sentence_judged_seen_stays_in_the_ledger_as_another_wording(
    tmp_path: Path,
) -> None:
    # The earlier article says "Official coordination has not been reported before ..." next to
    # a claim it is judged to restate; the later article repeats that sentence's wording. Judged
    # against the earlier document as a whole (`monitor claims diff`), the repeat is `seen`; the
    # stage must agree, from its cached ledger and from one loaded from the file.
    verdicts = []
    for fresh in (False, True):
        with db.open_db(tmp_path / f"fresh-{fresh}.duckdb") as con:
            verdicts.append(_seed_statuses(con, fresh))
    cached, loaded = verdicts
    assert cached == loaded
    formal = next(s for s in cached if s.startswith(FORMAL))
    assert cached[formal] == "seen"
    assert next(v for s, v in cached.items() if s.startswith(PAUSE)) == "new"
    diff = {r.sentence: r.status for r in claims.diff_claims([EARLIER], LATER)}
    assert diff[formal] == "seen"


def test_wordings_stored_before_their_normalised_form_are_normalised_on_load(
    con: duckdb.DuckDBPyConnection,
) -> None:
    story = _story(con)
    _earlier_seed_article(con, story)
    detect_claims(con, ClaimSettings(), T0)
    db.execute(con, "claims_test_forget_mention_wordings")
    ledger = claims.load_ledger(con, story, ClaimSettings())
    wordings = [e for e in ledger.entries if e.alias]
    assert any(e.text.startswith("Official coordination has not been reported") for e in wordings)
    assert all(e.normalized == claims.normalize(e.text) for e in wordings)
    assert len(ledger.claim_ids()) == _counts(con)[0]


def test_corroboration_counts_distinct_outlets(con: duckdb.DuckDBPyConnection) -> None:
    story = _story(con)
    claim = "The US urged Israel to pause its strikes at least twice during sensitive operations, officials said."
    for n, outlet in enumerate(["Outlet A", "Outlet B", "Outlet B", "Outlet C"]):
        article = _article(con, story, f"https://news.example/{n}", outlet)
        _version(
            con,
            article,
            f"{claim}\n\nStory number {n} adds that the review covered eastern Syria in {2000 + n}.",
            hours=n,
        )

    report = detect_claims(con, ClaimSettings(), T0)

    assert report.versions == 4
    rows = db.query(con, "claims_story_claims", {"story_id": story})
    by_text = {row[2]: row for row in rows}
    assert by_text[claim][6] == 3  # corroboration: three distinct outlets
    assert by_text[claim][7] == 4  # four mentions
    assert by_text[claim][4] == "Outlet A"


def test_same_claim_twice_in_one_cycle_is_stored_once(con: duckdb.DuckDBPyConnection) -> None:
    story = _story(con)
    text = "Israeli jets struck the Damascus airport early on Friday, the ministry said."
    first = _article(con, story, "https://a.example/1", "A")
    second = _article(con, story, "https://b.example/1", "B")
    _version(con, first, text, hours=1)
    _version(
        con,
        second,
        text.replace("Israeli jets", "Israeli  jets").replace("ministry", "Ministry"),
        hours=2,
    )

    report = detect_claims(con, ClaimSettings(), T0)

    statuses = [m["status"] for m in _mentions(con, story)]
    assert statuses == ["new", "seen"]
    assert len(report.new_claim_ids) == 1 and _counts(con)[0] == 1


def test_updated_version_is_diffed_against_earlier_versions(con: duckdb.DuckDBPyConnection) -> None:
    story = _story(con)
    article = _article(con, story, "https://news.example/review", "Wire")
    base = (
        "The US military reviews Israeli strikes near the al-Tanf base in Syria.\n\n"
        "Officials said the review process began several years ago."
    )
    _version(con, article, base, hours=1)
    detect_claims(con, ClaimSettings(), T0)
    update = base + "\n\nThe US urged Israel to pause its strikes at least twice, officials said."
    v2 = _version(con, article, update, hours=3, version=2)

    report = detect_claims(con, ClaimSettings(), T0 + dt.timedelta(hours=4))

    assert (report.versions, report.new, report.seen) == (1, 1, 2)
    assert list(report.updated_versions) == [v2]
    added = report.updated_versions[v2]
    assert added == report.new_claim_ids
    new_mention = next(
        m for m in _mentions(con, story) if m["status"] == "new" and m["version_id"] == v2
    )
    assert new_mention["sentence"].startswith("The US urged Israel to pause")


def test_changed_claim_links_to_the_claim_it_changes(con: duckdb.DuckDBPyConnection) -> None:
    story = _story(con)
    a = _article(con, story, "https://a.example/x", "A")
    b = _article(con, story, "https://b.example/x", "B")
    _version(
        con, a, "The US urged Israel to pause its strikes at least twice, officials said.", hours=1
    )
    _version(
        con, b, "The US urged Israel to pause its strikes three times, officials said.", hours=2
    )

    report = detect_claims(con, ClaimSettings(), T0)

    mentions = _mentions(con, story)
    assert [m["status"] for m in mentions] == ["new", "changed"]
    assert (
        mentions[1]["kind"] == "changed" and mentions[1]["changed_from"] == mentions[0]["claim_id"]
    )
    assert report.changed_claim_ids == [mentions[1]["claim_id"]]


def test_unlinked_versions_wait(con: duckdb.DuckDBPyConnection) -> None:
    story = _story(con)
    article = _article(con, story, "https://a.example/y", "A")
    version = _version(
        con,
        article,
        "The US urged Israel to pause its strikes at least twice, officials said.",
        hours=1,
    )
    con.execute(db.load_sql("claims_test_unlink_version"), {"version_id": version})

    assert detect_claims(con, ClaimSettings(), T0).versions == 0
    assert _counts(con) == (0, 0, 1)


def test_failed_version_rolls_back_and_is_retried(
    con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    story = _story(con)
    a = _article(con, story, "https://a.example/z", "A")
    b = _article(con, story, "https://b.example/z", "B")
    _version(con, a, EARLIER, hours=1)
    b_version = _version(con, b, LATER, hours=2)
    real_execute = db.execute

    def failing_second_mark(connection: Any, name: str, params: Any = None) -> None:
        # The batch write fails, then B's own write: A is stored, B rolls back and stays pending.
        if name == "claims_mark_done_many" and b_version in params["version_ids"]:
            raise StoreError("disk full while marking the version")
        real_execute(connection, name, params)

    monkeypatch.setattr(db, "execute", failing_second_mark)
    kept = ClaimCaches()  # the retry runs with the ledgers the failed run left behind
    first = detect_claims(con, ClaimSettings(), T0, kept)
    assert (first.versions, first.failed) == (1, 1)
    after_failure = _counts(con)
    assert after_failure[2] == 1  # the failed version is still pending
    monkeypatch.setattr(db, "execute", real_execute)

    second = detect_claims(con, ClaimSettings(), T0, kept)

    assert (second.versions, second.failed) == (1, 0)
    claims_n, mentions_n, pending = _counts(con)
    assert pending == 0
    # Exactly the rows a clean run gives: nothing from the rolled-back attempt survived.
    assert mentions_n == after_failure[1] + second.new + second.seen + second.changed
    assert claims_n == after_failure[0] + second.new + second.changed
    assert any(
        m["sentence"].startswith(PAUSE) and m["status"] == "new" for m in _mentions(con, story)
    )


def test_title_is_judged_only_when_configured(con: duckdb.DuckDBPyConnection) -> None:
    story = _story(con)
    article = _article(con, story, "https://a.example/t", "A")
    _version(
        con,
        article,
        "The US military reviews Israeli strikes near the al-Tanf base in Syria.",
        hours=1,
        title="Pentagon vets Israeli raids on Syrian targets before launch",
    )
    report = detect_claims(con, ClaimSettings(), T0)
    assert (report.skipped, report.new) == (1, 1)

    segments = claims.version_segments(
        "Body sentence here is long enough to count.",
        "Pentagon vets Israeli raids on Syrian targets",
        ClaimSettings(judge_titles=True),
    )
    assert (
        segments[0].text == "Pentagon vets Israeli raids on Syrian targets"
        and segments[0].skip_reason is None
    )


def test_ledgers_are_kept_between_runs_and_reloaded_when_a_merge_moves_claims(
    con: duckdb.DuckDBPyConnection,
) -> None:
    from monitor.stories import merge_stories

    kept, merged = _story(con, "kept"), _story(con, "merged")
    _version(con, _article(con, kept, "https://a.example/1", "A"), EARLIER, hours=1)
    _version(con, _article(con, merged, "https://b.example/1", "B"), LATER, hours=2)
    caches = ClaimCaches()
    detect_claims(con, ClaimSettings(), T0, caches)
    first_ledger = caches.ledgers.ledgers[kept]

    # A new version of the kept story: its cached ledger is still current, so it is reused.
    _version(
        con,
        _article(con, kept, "https://a.example/2", "A2"),
        "An unrelated sentence about the harbour wall of Puerto Lindo.",
        hours=3,
    )
    detect_claims(con, ClaimSettings(), T0, caches)
    assert caches.ledgers.ledgers[kept] is first_ledger

    # The merge moves the later article's claims into the kept story behind the cache's back.
    merge_stories(con, kept, merged, T0)
    pause_sentence = next(line for line in LATER.splitlines() if line.startswith(PAUSE))
    _version(con, _article(con, kept, "https://c.example/1", "C"), pause_sentence, hours=4)
    report = detect_claims(con, ClaimSettings(), T0, caches)

    assert caches.ledgers.ledgers[kept] is not first_ledger
    assert report.new == 0, "the pause claim came with the merge, so repeating it is not new"


def test_claim_stored_meanwhile_keeps_its_stored_id(con: duckdb.DuckDBPyConnection) -> None:
    story = _story(con)
    held = "Israeli jets struck the Damascus airport early on Friday, the ministry said."
    fresh = "Rescue crews searched the rubble of the terminal for survivors through the night."
    _version(con, _article(con, story, "https://a.example/held", "A"), held, hours=1)
    detect_claims(con, ClaimSettings(), T0)
    held_id = _mentions(con, story)[0]["claim_id"]
    _version(
        con, _article(con, story, "https://b.example/held", "B"), f"{held}\n\n{fresh}", hours=2
    )
    params = {"limit": 10, "skip_ids": []}
    pending = [
        stage._PendingVersion(*row) for row in db.query(con, "claims_pending_versions", params)
    ]
    # Judged against an empty ledger, as if the held claim was written after the ledger was read:
    # the insert skips it, so its drawn id must give way to the stored one.
    empty = claims.Ledger(ClaimSettings())
    judged = stage._judge_version(
        pending[0], empty, ClaimCaches().prepared, ClaimSettings(), T0, stage._ClaimIds(con)
    )
    (held_drawn, *_), (fresh_drawn, *_) = judged.new_claims

    with db.transaction(con):
        renamed, inserted = stage._write_judged(con, [judged], T0)

    assert renamed == {held_drawn: held_id} and inserted == {story: [fresh_drawn]}
    later = [m for m in _mentions(con, story) if m["version_id"] == pending[0].id]
    assert [m["claim_id"] for m in later] == [held_id, fresh_drawn]
    assert _counts(con)[:2] == (2, 3)


def test_garbage_collector_is_left_as_it_was(
    con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    story = _story(con)
    _version(con, _article(con, story, "https://a.example/gc1", "A"), EARLIER, hours=1)
    assert gc.isenabled()
    detect_claims(con, ClaimSettings(), T0)
    assert gc.isenabled()

    _version(con, _article(con, story, "https://b.example/gc2", "B"), LATER, hours=2)
    gc.disable()
    try:
        detect_claims(con, ClaimSettings(), T0)
        assert not gc.isenabled()  # a caller that turned it off keeps it off
    finally:
        gc.enable()

    def crash(*args: Any) -> Any:
        raise RuntimeError("judging crashed")

    _version(con, _article(con, story, "https://c.example/gc3", "C"), PAUSE + ".", hours=3)
    monkeypatch.setattr(stage, "_judge_version", crash)
    with pytest.raises(RuntimeError):
        detect_claims(con, ClaimSettings(), T0)
    assert gc.isenabled()
