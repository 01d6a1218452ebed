"""The pipeline's process state: one object holds every cache, one reset empties it, none is hidden."""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import duckdb

import monitor
from monitor import analysis, db
from monitor.articles import ExtractedArticle, ExtractionPool
from monitor.claims import ClaimCaches, LedgerCache, PreparedVersions, detect_claims
from monitor.settings import ClaimSettings, LinkingSettings
from monitor.state import PipelineState
from monitor.stories import DfCache, StoryCaches, TermCache, link_articles

T0 = dt.datetime(2024, 3, 4, 8, 0)
# Written for these tests: two reports of one event, and an unrelated one.
ARTICLES = [
    (
        "Ferry sinks off Lombok, 14 rescued",
        (
            "A passenger ferry sank off the coast of Lombok on Monday, the Indonesian coast guard said. "
            "Rescuers pulled 14 people from the water near Lembar harbour.\n\n"
            "The ferry carried 40 passengers when it left Padangbai on Sunday night."
        ),
    ),
    (
        "Lombok ferry: coast guard searches for missing passengers",
        (
            "The Indonesian coast guard searched the sea off Lombok for passengers missing after a "
            "ferry sank near Lembar harbour on Monday. 14 people were rescued, officials said."
        ),
    ),
    (
        "Lisbon council approves new tram line",
        (
            "Lisbon's city council approved a new tram line to Alcantara on Friday. The line will cost "
            "90 million euros and open in 2027, the mayor said."
        ),
    ),
]
REPEATED = "Rescuers pulled 14 people from the water near Lembar harbour."


def _add_article(
    con: duckdb.DuckDBPyConnection, key: str, title: str, text: str, hours: int
) -> None:
    when = T0 + dt.timedelta(hours=hours)
    article_id = db.insert_with_id(
        con, "articles_insert", "article_ids", [f"https://news.example/{key}", "Example", when]
    )
    db.insert_with_id(
        con,
        "articles_insert_version",
        "version_ids",
        [article_id, 1, f"hash-{key}", title, None, when, "Example", text, None, when],
    )


def _run_stages(con: duckdb.DuckDBPyConnection, state: PipelineState | None) -> tuple[Any, Any]:
    """Link and judge whatever is pending, with the caches of STATE or with none."""
    linked = link_articles(con, LinkingSettings(), T0, state.stories if state else None)
    judged = detect_claims(con, ClaimSettings(), T0, state.claims if state else None)
    return linked, judged


def test_reset_empties_every_cache_and_stops_the_workers(tmp_path: Path) -> None:
    state = PipelineState()
    linking, claim_settings = LinkingSettings(), ClaimSettings()
    with db.open_db(tmp_path / "monitor.duckdb") as con:
        for i, (title, text) in enumerate(ARTICLES):
            _add_article(con, str(i), title, text, hours=i)
        linked, judged = _run_stages(con, state)
    assert linked.linked == 3 and judged.new > 0
    waiting = ExtractedArticle(
        text="The mayor said the tram line would open in 2027.", title="Tram"
    )
    analysis.remember_analyses(
        [analysis.analyze_article(linking, claim_settings, waiting)], linking, claim_settings, state
    )
    assert state.extraction.executor(2) is not None
    parts: dict[str, Callable[[], object]] = {
        "claim ledgers": lambda: state.claims.ledgers.ledgers,
        "ledger fingerprints": lambda: state.claims.ledgers.signatures,
        "ledger database": lambda: state.claims.ledgers.database,
        "prepared versions": lambda: state.claims.prepared.items,
        "story terms": lambda: state.stories.terms.items,
        "document frequencies": lambda: state.stories.df.df,
        "DF log state": lambda: state.stories.df.state,
        "extraction workers": lambda: state.extraction.started,
        "migrated files": lambda: db._MIGRATED,
    }
    assert [name for name, part in parts.items() if not part()] == []  # every part was warm

    state.reset()

    assert [name for name, part in parts.items() if part()] == []
    assert db._LAKE_INSTANCES == {}


def _judge_after_the_ledger_goes_stale(path: Path, state: PipelineState | None) -> tuple[int, int]:
    """Judge, rewrite the story's claims behind any cache's back (same ids), judge a repeat: (new, seen)."""
    with db.open_db(path) as con:
        for i, (title, text) in enumerate(ARTICLES[:1]):
            _add_article(con, str(i), title, text, hours=i)
        _run_stages(con, state)
        # Same claim ids, so a kept ledger's fingerprint still matches: only a fresh read sees this.
        con.execute(
            "UPDATE claims SET text = 'The harbour was closed ' || id || ' times.', "
            "normalized = 'harbour closed ' || id"
        )
        _add_article(con, "repeat", "Lombok ferry", REPEATED, hours=5)
        _, judged = _run_stages(con, state)
    return judged.new, judged.seen


def test_two_calls_without_a_state_share_nothing(tmp_path: Path) -> None:
    kept = _judge_after_the_ledger_goes_stale(tmp_path / "kept.duckdb", PipelineState())
    alone = _judge_after_the_ledger_goes_stale(tmp_path / "alone.duckdb", None)

    # The kept ledger still holds the first article's claims, so the repeated sentence is seen;
    # a call without a state reads the rewritten claims, so the same sentence is new.
    assert kept == (0, 1)
    assert alone == (1, 0)


def test_results_are_the_same_with_warm_and_cold_caches(tmp_path: Path) -> None:
    def cycles(path: Path, state: PipelineState | None) -> list[Any]:
        with db.open_db(path) as con:
            for i, (title, text) in enumerate(ARTICLES):
                _add_article(con, str(i), title, text, hours=i)
                _run_stages(con, state)  # one article per run, as successive cycles see them
            return [
                con.execute("SELECT id, story_id FROM articles ORDER BY id").fetchall(),
                con.execute("SELECT story_id, text, kind FROM claims ORDER BY id").fetchall(),
                con.execute(
                    "SELECT claim_id, status, score FROM claim_mentions ORDER BY id"
                ).fetchall(),
            ]

    assert cycles(tmp_path / "warm.duckdb", PipelineState()) == cycles(
        tmp_path / "cold.duckdb", None
    )


def test_no_module_of_monitor_holds_a_cache_of_its_own() -> None:
    kinds = (
        PipelineState,
        ClaimCaches,
        StoryCaches,
        LedgerCache,
        PreparedVersions,
        TermCache,
        DfCache,
        ExtractionPool,
        ProcessPoolExecutor,
    )
    found = []
    for module_info in pkgutil.walk_packages(monitor.__path__, "monitor."):
        if module_info.name.endswith("__main__"):
            continue  # runs the CLI when imported
        module = importlib.import_module(module_info.name)
        found += [
            f"{module_info.name}.{name}"
            for name, value in vars(module).items()
            if isinstance(value, kinds)
        ]
    assert found == []


def test_the_state_stays_in_its_process_and_prefect_records_only_its_name() -> None:
    import pickle

    from flows.cycle import fetch_extract_flow

    state = PipelineState()
    state.stories.terms.items[("title", "text")] = {"w:text": 1.0}

    assert fetch_extract_flow.serialize_parameters({"state": state}) == {"state": "<PipelineState>"}
    # What Prefect pickles for a Dask task (the subflow's parameters) carries no cache across.
    copy = pickle.loads(pickle.dumps(state))
    assert isinstance(copy, PipelineState) and copy is not state
    assert copy.stories.terms.items == {} and len(pickle.dumps(state)) < 200
