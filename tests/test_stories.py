"""Story linking: the online clusterer, the DuckDB stage, and merge/split from the CLI."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest

from monitor import alerts, db, maintenance
from monitor.cli import main
from monitor.settings import LinkingSettings, StoryConfig
from monitor.stories import (
    Doc,
    StoryCaches,
    StoryLinker,
    cluster_documents,
    compact_term_df,
    extract_terms,
    find_split,
    link_articles,
    merge_small_stories,
    revise_stories,
    split_checkpoint_crossed,
    split_story,
    sync_tracked_stories,
    weigh_terms,
)

T0 = dt.datetime(2024, 3, 4, 8, 0)

# Two different earthquakes (same kind of event, different place, magnitude and date), and a
# third unrelated event. Written for this test.
QUAKE_A = [
    (
        "Magnitude 6.1 earthquake strikes Sumbawa, Indonesia",
        (
            "A magnitude 6.1 earthquake struck the island of Sumbawa in Indonesia on Monday, the "
            "Indonesian agency BMKG said. Officials in Bima reported 12 people injured and damaged houses "
            "in Dompu. The quake hit at a depth of 10 km, 40 km north of Bima."
        ),
    ),
    (
        "Sumbawa quake: Bima hospitals treat injured as aftershocks continue",
        (
            "Hospitals in Bima treated 12 injured after Monday's 6.1 magnitude earthquake on Sumbawa. "
            "BMKG recorded 30 aftershocks. Dompu district declared an emergency for 14 days."
        ),
    ),
    (
        "Indonesia sends aid to Sumbawa after 6.1 quake",
        (
            "Indonesia's disaster agency BNPB sent tents and food to Bima and Dompu on Sumbawa island, "
            "where the magnitude 6.1 earthquake damaged 300 houses. BMKG warned of more aftershocks."
        ),
    ),
]
QUAKE_B = [
    (
        "Magnitude 5.4 earthquake hits Kahramanmaras province in Turkey",
        (
            "A magnitude 5.4 earthquake shook Kahramanmaras province in southern Turkey on Thursday, "
            "AFAD said. The quake was centred near Elbistan at a depth of 7 km; 3 buildings collapsed "
            "and 9 people were hurt."
        ),
    ),
    (
        "Elbistan residents sleep outside after 5.4 quake",
        (
            "Residents of Elbistan in Kahramanmaras spent the night in tents after Thursday's magnitude "
            "5.4 earthquake. AFAD said 9 people were hurt and 3 buildings collapsed."
        ),
    ),
    (
        "AFAD: 5.4 Kahramanmaras quake followed by 45 aftershocks",
        (
            "Turkey's AFAD counted 45 aftershocks after the 5.4 magnitude earthquake near Elbistan. "
            "Governor of Kahramanmaras said 3 collapsed buildings were empty."
        ),
    ),
]
BUDGET = [
    (
        "Portugal parliament approves 2024 budget",
        (
            "Portugal's parliament in Lisbon approved the 2024 budget on Friday, with the Socialist "
            "party of Antonio Costa voting in favour. Finance minister Fernando Medina said the deficit "
            "would fall to 0.8 percent."
        ),
    ),
    (
        "Medina defends Portugal budget after Lisbon vote",
        (
            "Finance minister Fernando Medina defended the budget the Lisbon parliament approved, saying "
            "Portugal would post a 0.8 percent deficit. Antonio Costa's Socialists voted in favour."
        ),
    ),
]


def _docs() -> list[tuple[str, Doc]]:
    items = []
    for label, group, start in (("A", QUAKE_A, 0), ("B", QUAKE_B, 3), ("C", BUDGET, 5)):
        for i, (title, text) in enumerate(group):
            items.append(
                (
                    label,
                    Doc(
                        id=f"{label}{i}",
                        title=title,
                        text=text,
                        published=T0 + dt.timedelta(days=start, hours=i),
                    ),
                )
            )
    # Interleave so stories develop in parallel, as they do in a feed.
    order = [0, 3, 6, 1, 4, 7, 2, 5]
    return [items[i] for i in order]


def test_hard_negatives_stay_apart_and_same_event_joins() -> None:
    linker = StoryLinker(LinkingSettings())
    by_label: dict[str, set[int]] = {}
    for label, doc in _docs():
        by_label.setdefault(label, set()).add(linker.link(doc).story_id)
    assert all(len(ids) == 1 for ids in by_label.values()), by_label
    assert len(set().union(*by_label.values())) == 3


def _quake_docs() -> list[tuple[str, Doc]]:
    return [(label, doc) for label, doc in _docs() if label in "AB"]


def test_find_split_separates_two_events_and_keeps_one_event_whole() -> None:
    settings = LinkingSettings()
    counts = [extract_terms(t, x, settings) for t, x in QUAKE_A + QUAKE_B]
    df: dict[str, int] = {}
    for c in counts:
        for term in c:
            df[term] = df.get(term, 0) + 1
    vectors = [weigh_terms(c, lambda t: df.get(t, 0), len(counts)) for c in counts]
    assert find_split(vectors, settings) == [3, 4, 5]  # the group without the oldest member moves
    assert find_split(vectors[:3], settings) is None  # too few for two groups of two
    assert find_split(vectors[:4], settings) is None  # one event plus one stray: group too small
    assert (
        find_split(vectors, settings.model_copy(update={"split_cross_within_ratio": 0.0})) is None
    )


def test_merged_hard_negatives_are_split_again() -> None:
    # A threshold this low joins the second earthquake to the first; the re-check splits it off.
    loose = LinkingSettings(link_threshold_score=0.02)
    docs = _quake_docs()
    no_revision = cluster_documents(
        [d for _, d in docs], loose.model_copy(update={"split_cross_within_ratio": 0.0})
    )
    assert len({d.story_id for d in no_revision}) == 1
    revised = cluster_documents([d for _, d in docs], loose)
    by_label: dict[str, set[int]] = {}
    for (label, _), decision in zip(docs, revised, strict=True):
        by_label.setdefault(label, set()).add(decision.story_id)
    assert by_label["A"] != by_label["B"] and all(len(ids) == 1 for ids in by_label.values()), (
        by_label
    )


def test_story_outside_time_window_is_not_a_candidate() -> None:
    settings = LinkingSettings(time_window_hours=48)
    linker = StoryLinker(settings)
    title, text = QUAKE_A[0]
    first = linker.link(Doc(1, title, text, T0))
    later = linker.link(Doc(2, QUAKE_A[1][0], QUAKE_A[1][1], T0 + dt.timedelta(days=20)))
    assert later.new_story and later.story_id != first.story_id


# --- DuckDB stage ------------------------------------------------------------------------------


def _add_article(
    con: duckdb.DuckDBPyConnection, key: str, title: str, text: str, when: dt.datetime
) -> int:
    article_id = db.insert_with_id(
        con, "articles_insert", "article_ids", [f"https://news.example/{key}", "Example", when]
    )
    db.insert_with_id(
        con,
        "articles_insert_version",
        "version_ids",
        [article_id, 1, f"hash-{key}", title, None, when, "Example", text, None, when],
    )
    return article_id


def test_pipeline_tracked_new_stories_and_state_survives_reopen(db_path: Path) -> None:
    settings = LinkingSettings()
    tracked = [
        StoryConfig(name="Turkey earthquake", keywords=["Kahramanmaras", "Elbistan", "AFAD"])
    ]
    docs = _docs()
    ids: dict[str, int] = {}
    with db.open_db(db_path) as con:
        sync_tracked_stories(con, tracked, T0)
        sync_tracked_stories(con, tracked, T0)  # idempotent by name
        rows = con.execute("SELECT id, tracked FROM stories").fetchall()
        assert len(rows) == 1 and rows[0][1] is True
        tracked_id = rows[0][0]
        for label, doc in docs[:4]:
            ids[str(doc.id)] = _add_article(con, str(doc.id), doc.title, doc.text, doc.published)
        report = link_articles(con, settings, T0)
        assert report.linked == 4
        assert report.tracked_hits == 1  # B0 names the tracked story's keywords
        assert len(report.new_stories) == 2  # the Sumbawa quake and the Portugal budget
        assert link_articles(con, settings, T0).linked == 0  # nothing left to link
    # Reopen: the index and document frequencies live in DuckDB, not in the process.
    with db.open_db(db_path) as con:
        for label, doc in docs[4:]:
            ids[str(doc.id)] = _add_article(con, str(doc.id), doc.title, doc.text, doc.published)
        report = link_articles(con, settings, T0)
        assert report.linked == 4 and report.new_stories == []
        story_of = dict(con.execute("SELECT id, story_id FROM articles").fetchall())
        for label in "ABC":
            members = {story_of[ids[key]] for key in ids if key.startswith(label)}
            assert len(members) == 1, (label, members)
        assert story_of[ids["B0"]] == tracked_id
        reasons = con.execute(
            "SELECT reason, count(*) FROM story_links WHERE is_current GROUP BY reason"
        ).fetchall()
        assert dict(reasons) == {"tracked": 3, "new_story": 2, "linked": 3}
        assert con.execute(
            "SELECT count(*) FROM article_versions WHERE linked_at IS NULL"
        ).fetchone() == (0,)
        # A new version of an already linked article keeps its story and adds no link.
        links_before = con.execute("SELECT count(*) FROM story_links").fetchone()
        db.insert_with_id(
            con,
            "articles_insert_version",
            "version_ids",
            [
                ids["A0"],
                2,
                "hash-A0-v2",
                QUAKE_A[0][0],
                None,
                T0,
                "Example",
                QUAKE_A[0][1] + " Updated.",
                None,
                T0,
            ],
        )
        report = link_articles(con, settings, T0)
        assert (report.linked, report.already_assigned) == (0, 1)
        assert con.execute("SELECT count(*) FROM story_links").fetchone() == links_before
        assert con.execute(
            "SELECT count(*) FROM article_versions WHERE linked_at IS NULL"
        ).fetchone() == (0,)
        # A keyword change updates the tracked story instead of adding one.
        sync_tracked_stories(con, [StoryConfig(name="Turkey earthquake", keywords=["AFAD"])], T0)
        assert con.execute(
            "SELECT keywords FROM stories WHERE id = ?", [tracked_id]
        ).fetchone() == (["AFAD"],)


def test_pipeline_splits_a_story_that_holds_two_events(db_path: Path) -> None:
    loose = LinkingSettings(link_threshold_score=0.02)
    with db.open_db(db_path) as con:
        ids = {
            str(doc.id): _add_article(con, str(doc.id), doc.title, doc.text, doc.published)
            for _, doc in _quake_docs()
        }
        report = link_articles(con, loose, T0)
        assert report.linked == 6 and len(report.new_stories) == 1  # linked as one story ...
        assert len(report.split_stories) == 1  # ... then split
        story_of = dict(con.execute("SELECT id, story_id FROM articles").fetchall())
        a_story = {story_of[ids[k]] for k in ids if k.startswith("A")}
        b_story = {story_of[ids[k]] for k in ids if k.startswith("B")}
        assert a_story == set(report.new_stories) and b_story == set(report.split_stories)
        # History: the Turkish quake's articles were linked to the first story, then split.
        reasons = con.execute(
            "SELECT reason, is_current, count(*) FROM story_links WHERE article_id IN (SELECT unnest(?))"
            " GROUP BY ALL ORDER BY ALL",
            [[ids[k] for k in ids if k.startswith("B")]],
        ).fetchall()
        assert reasons == [("linked", False, 3), ("split", True, 3)]
        # The split-off story is announced as "new story detected", like a story linking started.
        hook = alerts.Channel(
            key="hook",
            label="hook",
            service="JSON",
            mode="immediate",
            format="text",
            max_chars=4000,
        )
        alerts.queue_alerts(con, [hook], T0)
        announced = con.execute(
            "SELECT story_id FROM alerts WHERE kind = 'new_story' ORDER BY story_id"
        ).fetchall()
        assert announced == sorted((s,) for s in report.new_stories + report.split_stories)
        # A later article of the second quake finds the split-off story; nothing splits again.
        _add_article(
            con,
            "b9",
            "Kahramanmaras quake: AFAD ends search in Elbistan",
            "AFAD ended the search in Elbistan after the magnitude 5.4 Kahramanmaras earthquake.",
            T0 + dt.timedelta(days=4),
        )
        report = link_articles(con, LinkingSettings(), T0)
        assert report.split_stories == []
        assert con.execute("SELECT story_id FROM articles WHERE url LIKE '%b9'").fetchone() == (
            b_story.pop(),
        )


def _split_state(con: duckdb.DuckDBPyConnection) -> tuple[object, ...]:
    return (
        _vectors(con),
        con.execute("SELECT id, name, last_article_at FROM stories ORDER BY id").fetchall(),
        con.execute(
            "SELECT article_id, story_id, reason, is_current FROM story_links ORDER BY id"
        ).fetchall(),
    )


def test_split_found_by_the_recheck_stores_what_a_split_by_hand_stores(tmp_path: Path) -> None:
    # The re-check hands its members, DF and vectors to the split; `split_story` reads them again.
    loose = LinkingSettings(link_threshold_score=0.02)
    with db.open_db(tmp_path / "recheck.duckdb") as con:
        for _, doc in _quake_docs():
            _add_article(con, str(doc.id), doc.title, doc.text, doc.published)
        (split_off,) = link_articles(con, loose, T0).split_stories
        moved = [
            r[0]
            for r in con.execute(
                "SELECT id FROM articles WHERE story_id = ?", [split_off]
            ).fetchall()
        ]
        rechecked = _split_state(con)
    with db.open_db(tmp_path / "by_hand.duckdb") as con:
        for _, doc in _quake_docs():
            _add_article(con, str(doc.id), doc.title, doc.text, doc.published)
        (story_id,) = link_articles(
            con, loose.model_copy(update={"split_cross_within_ratio": 0.0}), T0
        ).new_stories
        assert split_story(con, story_id, moved, T0, loose) == split_off
        assert _split_state(con) == rechecked


def test_split_recheck_points_grow_geometrically() -> None:
    settings = LinkingSettings(
        split_recheck_growth_frac=0.25, split_group_articles_min=2, split_check_articles_max=60
    )
    points = [n for n in range(1, 80) if split_checkpoint_crossed(n - 1, n, settings)]
    assert points == [4, 5, 7, 9, 12, 15, 19, 24, 30, 38, 48, 60]
    assert split_checkpoint_crossed(5, 8, settings) and not split_checkpoint_crossed(
        60, 70, settings
    )
    every = settings.model_copy(update={"split_recheck_growth_frac": 0.0})
    assert [n for n in range(1, 10) if split_checkpoint_crossed(n - 1, n, every)] == [
        4,
        5,
        6,
        7,
        8,
        9,
    ]


def test_pipeline_rechecks_a_story_only_when_its_growth_crosses_a_point(db_path: Path) -> None:
    loose = LinkingSettings(
        link_threshold_score=0.02, split_group_articles_min=2, split_recheck_growth_frac=0.25
    )
    with db.open_db(db_path) as con:
        for _, doc in _quake_docs():
            _add_article(con, str(doc.id), doc.title, doc.text, doc.published)
        report = link_articles(con, loose.model_copy(update={"split_cross_within_ratio": 0.0}), T0)
        (story_id,) = report.new_stories  # both quakes in one story of 6 articles
        # 5 -> 6 articles crosses no re-check point (4, 5, 7, ...): the mixed story is not read.
        assert revise_stories(con, [story_id], loose, T0, gained={story_id: 1}) == []
        assert con.execute("SELECT count(DISTINCT story_id) FROM articles").fetchone() == (1,)
        # 4 -> 6 crosses 5: re-checked and split.
        assert len(revise_stories(con, [story_id], loose, T0, gained={story_id: 2})) == 1
        assert con.execute("SELECT count(DISTINCT story_id) FROM articles").fetchone() == (2,)


def test_small_stories_of_one_event_merge_and_hard_negatives_stay_apart() -> None:
    # A threshold no article reaches starts a story per article; the merge pass regroups them.
    strict = LinkingSettings(link_threshold_score=0.9)
    docs = _docs()
    unmerged = cluster_documents(
        [d for _, d in docs], strict.model_copy(update={"merge_small_articles_max": 0})
    )
    assert len({d.story_id for d in unmerged}) == len(docs)
    merged = cluster_documents([d for _, d in docs], strict)
    by_label: dict[str, set[int]] = {}
    for (label, _), decision in zip(docs, merged, strict=True):
        by_label.setdefault(label, set()).add(decision.story_id)
    assert all(len(ids) == 1 for ids in by_label.values()), by_label
    assert len({next(iter(ids)) for ids in by_label.values()}) == 3  # the two quakes stay apart


def test_pipeline_merges_a_small_story_into_its_closest_and_moves_its_claims(db_path: Path) -> None:
    strict = LinkingSettings(link_threshold_score=0.9, merge_small_articles_max=0)
    with db.open_db(db_path) as con:
        a = [
            _add_article(con, f"a{i}", t, x, T0 + dt.timedelta(hours=i))
            for i, (t, x) in enumerate(QUAKE_A[:2])
        ]
        b = _add_article(con, "b0", *QUAKE_B[0], T0 + dt.timedelta(hours=3))
        link_articles(con, strict, T0)
        story_of = dict(con.execute("SELECT id, story_id FROM articles").fetchall())
        first, second = story_of[a[0]], story_of[a[1]]
        assert len({first, second, story_of[b]}) == 3  # nothing reached the threshold
        _seed_claims(con, first, a[0], ["Twelve people were injured."], T0)
        (claim,) = _seed_claims(
            con, second, a[1], ["BMKG recorded 30 aftershocks."], T0 + dt.timedelta(hours=1)
        )
        # The merge pass, as link_articles runs it on the stories a batch touched.
        assert merge_small_stories(con, [second, story_of[b]], LinkingSettings(), T0) == [
            (first, second)
        ]
        assert con.execute("SELECT merged_into FROM stories WHERE id = ?", [second]).fetchone() == (
            first,
        )
        assert con.execute("SELECT story_id FROM articles WHERE id = ?", [b]).fetchone() == (
            story_of[b],
        )
        # History: the moved article's first link stays, no longer current; claims follow it.
        assert con.execute(
            "SELECT reason, is_current, story_id FROM story_links WHERE article_id = ? ORDER BY id",
            [a[1]],
        ).fetchall() == [("new_story", False, second), ("auto_merge", True, first)]
        assert con.execute("SELECT story_id FROM claims WHERE id = ?", [claim]).fetchone() == (
            first,
        )
        assert con.execute("SELECT DISTINCT story_id FROM claim_mentions").fetchall() == [(first,)]
        assert con.execute("SELECT DISTINCT story_id FROM alerts").fetchall() == [(first,)]
        # An automatic merge leaves the story open to a later split (a merge by hand does not).
        (size,) = db.query(con, "stories_revisable_sizes", [str(first), 1, 60])
        assert size == (first, 2)
        # link_articles runs the pass after each batch: a third Sumbawa article starts a story
        # (threshold not reached) that merges into the larger one at once.
        _add_article(con, "a2", *QUAKE_A[2], T0 + dt.timedelta(hours=4))
        report = link_articles(con, LinkingSettings(link_threshold_score=0.9), T0)
        assert len(report.new_stories) == 1 and report.merged_stories == report.new_stories
        assert con.execute("SELECT story_id FROM articles WHERE url LIKE '%a2'").fetchone() == (
            first,
        )


def test_split_off_story_is_new_in_cluster_output() -> None:
    # In memory too: the first article of a story a split created is marked as a new story.
    decisions = cluster_documents(
        [d for _, d in _quake_docs()], LinkingSettings(link_threshold_score=0.02)
    )
    assert len({d.story_id for d in decisions}) == 2
    firsts: dict[int, bool] = {}
    for decision in decisions:
        assert decision.new_story == (decision.story_id not in firsts)
        firsts.setdefault(decision.story_id, True)


def _term_df(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return dict(
        con.execute("SELECT term, sum(df)::BIGINT FROM story_term_df GROUP BY term").fetchall()
    )


def test_term_df_compaction_folds_batches_and_drops_rare_terms_only_when_large(
    db_path: Path,
) -> None:
    settings = LinkingSettings()
    with db.open_db(db_path) as con:
        for _, doc in _docs():  # one linking batch per article: one DF row per term per batch
            _add_article(con, str(doc.id), doc.title, doc.text, doc.published)
            link_articles(con, settings, T0)
        frequencies = _term_df(con)
        rows = con.execute("SELECT count(*) FROM story_term_df").fetchone()[0]
        assert rows > len(frequencies)
        report = compact_term_df(con, settings, T0)
        assert (report.rows_before, report.rows_after, report.terms_dropped) == (
            rows,
            len(frequencies),
            0,
        )
        assert _term_df(con) == frequencies  # folding is exact
        assert con.execute("SELECT count(*) FROM story_term_df").fetchone()[0] == len(frequencies)
        assert con.execute("SELECT count(*), sum(docs) FROM story_corpus").fetchone() == (
            1,
            len(_docs()),
        )
        # Past the size cap, terms seen in fewer than term_df_min_docs documents are dropped.
        small = settings.model_copy(update={"term_df_terms_max": 10, "term_df_min_docs": 2})
        report = compact_term_df(con, small, T0)
        common = {t: n for t, n in frequencies.items() if n >= 2}
        assert (
            _term_df(con) == common and report.terms_dropped == len(frequencies) - len(common) > 0
        )
        # Linking still works on the compacted tables, and maintenance folds again.
        _add_article(
            con,
            "b9",
            "Kahramanmaras quake: AFAD ends search in Elbistan",
            "AFAD ended the search in Elbistan after the magnitude 5.4 Kahramanmaras earthquake.",
            T0 + dt.timedelta(days=4),
        )
        assert link_articles(con, settings, T0).new_stories == []
        done = maintenance.run_maintenance(con, db_path, T0, 30, linking=small)
        assert done.term_df is not None and done.term_df.rows_after == len(_term_df(con))
        assert con.execute("SELECT count(*) FROM story_term_df").fetchone()[0] == len(_term_df(con))
        # Linking folds the log itself once it outgrows term_df_rows_max.
        _add_article(con, "c9", BUDGET[0][0] + " again", BUDGET[0][1], T0 + dt.timedelta(days=5))
        assert not link_articles(con, settings, T0).term_df_folded
        assert con.execute("SELECT count(*) FROM story_term_df").fetchone()[0] > len(_term_df(con))
        _add_article(con, "c10", BUDGET[1][0] + " again", BUDGET[1][1], T0 + dt.timedelta(days=5))
        tight = settings.model_copy(update={"term_df_rows_max": 1})
        assert link_articles(con, tight, T0).term_df_folded
        assert con.execute("SELECT count(*) FROM story_term_df").fetchone()[0] == len(_term_df(con))
        # The trigger is growth since the last fold, not size: a folded log is not folded again.
        _add_article(con, "c11", "Portugal", "Lisbon.", T0 + dt.timedelta(days=5))
        assert not link_articles(
            con, settings.model_copy(update={"term_df_rows_max": 5}), T0
        ).term_df_folded
        folded = con.execute("SELECT rows_after FROM story_term_df_last_fold").fetchall()
        assert folded == [(len(_term_df(con)),)]  # Portugal and Lisbon are known terms: 2 new rows
        assert con.execute("SELECT count(*) FROM story_term_df").fetchone() == (folded[0][0] + 2,)


def _vectors(con: duckdb.DuckDBPyConnection) -> list[tuple[object, ...]]:
    return con.execute(
        "SELECT story_id, doc_count, terms, weights FROM story_vectors ORDER BY story_id"
    ).fetchall()


def _link_in_two_cycles(db_path: Path, forget_between: bool) -> tuple[object, ...]:
    """Link half the articles, let another connection fold the DF and drop rare terms, link the rest."""
    settings = LinkingSettings()
    docs = _docs()
    kept = StoryCaches()  # as one process's cycles keep it
    with db.open_db(db_path) as con:
        for _, doc in docs[:4]:
            _add_article(con, str(doc.id), doc.title, doc.text, doc.published)
        link_articles(con, settings, T0, kept)
    # As `monitor maintenance` would, in its own connection: terms of one document lose their DF,
    # and another writer adds to a term this process has already read.
    with db.open_db(db_path) as other:
        compact_term_df(
            other, settings.model_copy(update={"term_df_terms_max": 1, "term_df_min_docs": 2}), T0
        )
        other.execute("INSERT INTO story_term_df VALUES ('e:bima', 40)")
    if forget_between:
        kept.df.clear()
    with db.open_db(db_path) as con:
        for _, doc in docs[4:]:
            _add_article(con, str(doc.id), doc.title, doc.text, doc.published)
        link_articles(con, settings, T0, kept)
        cached = dict(kept.df.df)
        assert cached and cached == {t: _term_df(con).get(t, 0) for t in cached}
        return _vectors(con), con.execute(
            "SELECT id, story_id FROM articles ORDER BY id"
        ).fetchall()


def test_kept_document_frequencies_follow_changes_by_another_connection(tmp_path: Path) -> None:
    # The DF read by earlier batches is kept in the process; a change it did not make must not
    # reach the next batch's vectors (compared with a run that forgets the kept DF).
    kept = _link_in_two_cycles(tmp_path / "kept.duckdb", forget_between=False)
    assert kept == _link_in_two_cycles(tmp_path / "fresh.duckdb", forget_between=True)


# --- merge and split from the CLI ----------------------------------------------------------------


def _seed_claims(
    con: duckdb.DuckDBPyConnection,
    story_id: int,
    article_id: int,
    texts: list[str],
    when: dt.datetime,
) -> list[int]:
    version_id = con.execute(
        "SELECT id FROM article_versions WHERE article_id = ?", [article_id]
    ).fetchone()[0]
    claim_ids = []
    for index, text in enumerate(texts):
        existing = con.execute(
            "SELECT id FROM claims WHERE story_id = ? AND normalized = ?", [story_id, text.lower()]
        ).fetchone()
        if existing:
            claim_id, status = existing[0], "seen"
        else:
            claim_id = con.execute(
                "INSERT INTO claims (story_id, text, normalized, kind, first_version_id, first_article_id,"
                " first_outlet, first_seen_at) VALUES (?, ?, ?, 'new', ?, ?, 'Example', ?) RETURNING id",
                [story_id, text, text.lower(), version_id, article_id, when],
            ).fetchone()[0]
            status = "new"
            con.execute(
                "INSERT INTO alerts (kind, claim_id, story_id, channel, created_at) VALUES ('new_claim', ?, ?, 'hook', ?)",
                [claim_id, story_id, when],
            )
        con.execute(
            "INSERT INTO claim_mentions (claim_id, story_id, version_id, article_id, sentence_index, sentence,"
            " status, outlet, mentioned_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'Example', ?)",
            [claim_id, story_id, version_id, article_id, index, text, status, when],
        )
        claim_ids.append(claim_id)
    return claim_ids


def _config(tmp_path: Path, db_path: Path) -> Path:
    config = tmp_path / "monitor.toml"
    config.write_text(f'[database]\npath = "{db_path.as_posix()}"\n', encoding="utf-8")
    return config


def test_merge_and_split_from_cli_keep_history_and_move_claims(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path, db_path)
    with db.open_db(db_path) as con:
        a = [
            _add_article(con, f"a{i}", t, x, T0 + dt.timedelta(hours=i))
            for i, (t, x) in enumerate(QUAKE_A)
        ]
        b = [
            _add_article(con, f"b{i}", t, x, T0 + dt.timedelta(hours=5 + i))
            for i, (t, x) in enumerate(QUAKE_B)
        ]
        link_articles(con, LinkingSettings(), T0)
        story_a = con.execute("SELECT story_id FROM articles WHERE id = ?", [a[0]]).fetchone()[0]
        story_b = con.execute("SELECT story_id FROM articles WHERE id = ?", [b[0]]).fetchone()[0]
        assert story_a != story_b
        _seed_claims(
            con, story_a, a[0], ["Twelve people were injured.", "Aftershocks continue."], T0
        )
        _seed_claims(
            con,
            story_b,
            b[0],
            ["Aftershocks continue.", "Three buildings collapsed."],
            T0 - dt.timedelta(hours=1),
        )

    assert main(["stories", "merge", str(story_a), str(story_b), "--config", str(config)]) == 0
    with db.open_db(db_path) as con:
        assert con.execute(
            "SELECT merged_into FROM stories WHERE id = ?", [story_b]
        ).fetchone() == (story_a,)
        assert {r[0] for r in con.execute("SELECT story_id FROM articles").fetchall()} == {story_a}
        merge_links = con.execute(
            "SELECT count(*) FROM story_links WHERE reason = 'merge' AND story_id = ? AND is_current",
            [story_a],
        ).fetchone()[0]
        assert merge_links == len(b)
        # History: the original links to B are kept, no longer current.
        assert con.execute(
            "SELECT count(*) FROM story_links WHERE story_id = ? AND NOT is_current", [story_b]
        ).fetchone() == (len(b),)
        claims = con.execute(
            "SELECT normalized, story_id, first_article_id FROM claims ORDER BY normalized"
        ).fetchall()
        # The shared claim survives once, with B's earlier first sighting.
        assert claims == [
            ("aftershocks continue.", story_a, b[0]),
            ("three buildings collapsed.", story_a, b[0]),
            ("twelve people were injured.", story_a, a[0]),
        ]
        assert con.execute(
            "SELECT count(*) FROM claim_mentions WHERE story_id <> ?", [story_a]
        ).fetchone() == (0,)
        assert con.execute(
            "SELECT count(*) FROM claim_mentions m LEFT JOIN claims c ON c.id = m.claim_id WHERE c.id IS NULL"
        ).fetchone() == (0,)
        assert con.execute(
            "SELECT count(*) FROM alerts WHERE story_id <> ?", [story_a]
        ).fetchone() == (0,)

    capsys.readouterr()
    assert main(["stories", "--config", str(config), "--format", "json"]) == 0
    listed = {row["id"]: row for row in json.loads(capsys.readouterr().out)}
    assert listed[story_a]["articles"] == 6 and listed[story_b]["merged_into"] == story_a

    # Split the Turkish quake back out.
    assert (
        main(
            ["stories", "split", str(story_a), "--articles", *map(str, b), "--config", str(config)]
        )
        == 0
    )
    with db.open_db(db_path) as con:
        new_id = con.execute("SELECT max(id) FROM stories").fetchone()[0]
        assert {
            r[0]
            for r in con.execute(
                "SELECT story_id FROM articles WHERE id IN (SELECT unnest(?))", [b]
            ).fetchall()
        } == {new_id}
        assert con.execute(
            "SELECT count(*) FROM story_links WHERE reason = 'split' AND story_id = ? AND is_current",
            [new_id],
        ).fetchone() == (len(b),)
        rows = con.execute(
            "SELECT normalized, story_id, first_article_id FROM claims ORDER BY normalized, story_id"
        ).fetchall()
        # Claims first seen in the moved article move; the claim both sides mention is on both.
        assert rows == [
            ("aftershocks continue.", story_a, a[0]),
            ("aftershocks continue.", new_id, b[0]),
            ("three buildings collapsed.", new_id, b[0]),
            ("twelve people were injured.", story_a, a[0]),
        ]
        mismatched = con.execute(
            "SELECT count(*) FROM claim_mentions m JOIN claims c ON c.id = m.claim_id"
            " JOIN articles a ON a.id = m.article_id WHERE m.story_id <> c.story_id OR a.story_id <> m.story_id"
        ).fetchone()
        assert mismatched == (0,)
        # A new article about the Turkish quake now finds the split-off story.
        _add_article(
            con,
            "b9",
            "Kahramanmaras quake: AFAD ends search in Elbistan",
            "AFAD ended the search in Elbistan after the magnitude 5.4 Kahramanmaras earthquake.",
            T0 + dt.timedelta(hours=12),
        )
        link_articles(con, LinkingSettings(), T0)
        assert con.execute("SELECT story_id FROM articles WHERE url LIKE '%b9'").fetchone() == (
            new_id,
        )


def test_cluster_command_output_contract(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "articles.jsonl"
    lines = []
    for label, doc in _docs():
        lines.append(
            json.dumps(
                {
                    "id": doc.id,
                    "title": doc.title,
                    "text": doc.text,
                    "published": doc.published.isoformat() + "Z",
                }
            )
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["cluster", str(path), "--format", "json"]) == 0
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [o["id"] for o in out] == [json.loads(line)["id"] for line in lines]
    assert all(set(o) == {"id", "story_id", "new_story", "score"} for o in out)
    first_seen: dict[int, str] = {}
    for o in out:
        assert o["new_story"] == (o["story_id"] not in first_seen)
        first_seen.setdefault(o["story_id"], o["id"])
    assert len(first_seen) == 3


def test_a_split_rebuilds_both_stories_as_the_in_memory_clusterer_does(db_path: Path) -> None:
    # Both sides are rebuilt from their members under the DF of all their terms; the staying side
    # once got the DF of the leaving side's terms only, so its own names weighed as unseen words.
    loose = LinkingSettings(link_threshold_score=0.02)
    linker = StoryLinker(loose)
    for _, doc in _quake_docs():
        linker.link(doc)
    expected = sorted(
        (story.doc_count, sorted((t, round(w, 6)) for t, w in story.terms.items()))
        for story in linker.stories.values()
    )
    assert len(expected) == 2  # the in-memory clusterer split the two quakes as well
    with db.open_db(db_path) as con:
        for _, doc in _quake_docs():
            _add_article(con, str(doc.id), doc.title, doc.text, doc.published)
        assert len(link_articles(con, loose, T0).split_stories) == 1
        stored = sorted(
            (count, sorted((t, round(w, 6)) for t, w in zip(terms, weights)))
            for _, count, terms, weights in _vectors(con)
        )
    assert stored == expected
