"""The story-linking stage: link new article versions in DuckDB, then split and merge the stories they touched.

Articles are linked in batches, one transaction each, by a `StoryLinker` loaded with the
batch's candidate stories (blocking in SQL, among stories active within ``time_window_hours``;
tracked stories always). After each batch, ``revise_stories`` splits a touched story that grew
past a check point into two groups, and ``merge_small_stories`` merges a small one into a close
story. Document frequencies are an append-only log that ``compact_term_df`` folds once it grows
large.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import Counter
from collections.abc import Sequence
from typing import Any

import duckdb

from monitor import db
from monitor.settings import LinkingSettings, StoryConfig
from monitor.stories.caches import DfCache, StoryCaches
from monitor.stories.edit import _Member, _Split, _write_splits, merge_stories
from monitor.stories.linker import (
    StoryLinker,
    closest_story,
    merge_roles,
    merged_state,
    tracked_story_state,
)
from monitor.stories.model import Doc, LinkReport, StoryState
from monitor.stories.store import (
    _UNIT,
    _candidate_stories,
    _pack,
    _save_vector,
    _save_vectors,
    compact_term_df,
)
from monitor.stories.vectors import find_split, split_checkpoint_crossed, unit_vector

LOGGER = logging.getLogger(__name__)


def sync_tracked_stories(
    con: duckdb.DuckDBPyConnection, stories: list[StoryConfig], now: dt.datetime
) -> None:
    """Make every configured story a tracked `stories` row (idempotent by name; keywords update)."""
    with db.transaction(con):
        for config in stories:
            keywords = list(config.keywords)
            rows = db.query(con, "stories_tracked_by_name", [config.name])
            if rows:
                story_id, old_keywords = rows[0][0], list(rows[0][1] or [])
                if old_keywords == keywords:
                    continue
                db.execute(con, "stories_update_keywords", [keywords, story_id])
            else:
                story_id = db.insert_with_id(
                    con, "stories_insert_tracked", "story_ids", [config.name, keywords, now]
                )
            state = tracked_story_state(story_id, config.name, keywords)
            _save_vector(con, state, now, keep_counts=True)


BATCH_ARTICLES_MAX = 500


def link_articles(
    con: duckdb.DuckDBPyConnection,
    settings: LinkingSettings,
    now: dt.datetime,
    caches: StoryCaches | None = None,
) -> LinkReport:
    """Link every article version not yet linked, in publication order, one transaction per batch.

    CACHES (terms, DF) only save work: without them this call starts from empty ones and links
    the same way.
    """
    caches = StoryCaches() if caches is None else caches
    pending = db.query(con, "stories_pending_versions")
    report = LinkReport()
    for start in range(0, len(pending), BATCH_ARTICLES_MAX):
        with db.gc_paused():
            gained, linker = _link_batch(
                con, settings, now, pending[start : start + BATCH_ARTICLES_MAX], report, caches
            )
            started = time.perf_counter()
            split_off = revise_stories(con, sorted(gained), settings, now, gained, caches)
            report.split_stories.extend(split_off)
            report.revise_seconds += time.perf_counter() - started
            started = time.perf_counter()
            # The batch's linker already holds the candidates; the stories a split changed are reloaded.
            merges = merge_small_stories(
                con,
                sorted(gained),
                settings,
                now,
                linker,
                changed=sorted(gained) + split_off if split_off else (),
            )
            report.merged_stories.extend(gone for _, gone in merges)
            report.merge_seconds += time.perf_counter() - started
    if report.linked:
        rows, rows_after_last_fold = (int(v) for v in db.query(con, "stories_term_df_rows")[0])
        if rows - rows_after_last_fold > settings.term_df_rows_max:
            # Between maintenance runs too: each batch reads the DF by summing this log.
            compact_term_df(con, settings, now)
            report.term_df_folded = True
    if report.linked or report.already_assigned:
        LOGGER.info(
            "stories: linked %s article(s), %s new stories, %s tracked hits, %s split off",
            report.linked,
            len(report.new_stories),
            report.tracked_hits,
            len(report.split_stories),
        )
    return report


def _link_batch(
    con: duckdb.DuckDBPyConnection,
    settings: LinkingSettings,
    now: dt.datetime,
    pending: Sequence[tuple[Any, ...]],
    report: LinkReport,
    caches: StoryCaches,
) -> tuple[Counter[int], StoryLinker]:
    """Link one batch in one transaction; return how many articles each story gained, and its linker."""
    docs = []
    for version_id, article_id, title, text, published_at, fetched_at, story_id in pending:
        doc = Doc(
            id=article_id, title=title or "", text=text or "", published=published_at or fetched_at
        )
        docs.append((version_id, story_id, doc, caches.terms.terms(doc.title, doc.text, settings)))
    earliest = min(d.published for _, _, d, _ in docs if d.published is not None)
    since = earliest - dt.timedelta(hours=settings.time_window_hours)
    started = time.perf_counter()
    linker, vectors = _load_linker(
        con, settings, since, [c for _, story, _, c in docs if story is None], caches.df
    )
    report.load_seconds += time.perf_counter() - started

    new_ids: list[int] = []
    new_names: list[str] = []
    new_times: list[dt.datetime | None] = []
    links: list[tuple[int, int, float, str]] = []
    touched: dict[int, dt.datetime | None] = {}
    df_delta: Counter[str] = Counter()
    linked_docs = 0
    tracked_hits = 0
    decisions_started = time.perf_counter()
    timings: list[float] = []
    with db.transaction(con):
        for version_id, current_story, doc, counts in docs:
            started = time.perf_counter()
            if current_story is not None:
                touched.setdefault(current_story, doc.published)
                continue
            df_delta.update(counts.keys())
            vector = vectors[linked_docs]  # taken as the document was counted into the DF
            story_id, score, reason = linker.decide(doc, vector)
            if story_id is None:
                story_id = -1 - len(new_ids)  # real ids are drawn in one go before writing
                linker.stories[story_id] = StoryState(id=story_id)
                new_ids.append(story_id)
                new_names.append((doc.title or doc.text[:80]).strip()[:200] or f"article {doc.id}")
                new_times.append(doc.published)
            story = linker.stories[story_id]
            linker.absorb(story, doc, vector)
            links.append((int(doc.id), story_id, round(score, 4), reason))
            touched[story_id] = max(
                filter(None, [touched.get(story_id), doc.published]), default=None
            )
            linked_docs += 1
            tracked_hits += reason == "tracked"
            timings.append(time.perf_counter() - started)
        decide_seconds = time.perf_counter() - decisions_started
        write_started = time.perf_counter()
        if new_ids:
            real = [int(r[0]) for r in db.query(con, "stories_next_story_ids", [len(new_ids)])]
            mapping = dict(zip(new_ids, real, strict=True))
            new_ids = real
            links = [(a, mapping.get(s, s), x, r) for a, s, x, r in links]
            touched = {mapping.get(s, s): t for s, t in touched.items()}
            for temp_id, real_id in mapping.items():
                story = linker.stories.pop(temp_id)
                story.id = real_id
                linker.add_story(story)  # indexed under its real id for the merge pass
            db.execute(
                con,
                "stories_insert_new_batch",
                {
                    "ids": _pack(new_ids),
                    "names": _pack(new_names, _UNIT),
                    "now": now,
                    "times": _pack(new_times),
                },
            )
        if links:
            articles = _pack(a for a, _, _, _ in links)
            stories = [s for _, s, _, _ in links]
            db.execute(con, "stories_clear_current_links_batch", [articles])
            db.execute(
                con,
                "stories_insert_links_batch",
                {
                    "articles": articles,
                    "stories": _pack(stories),
                    "scores": _pack(x for _, _, x, _ in links),
                    "reasons": _pack(r for _, _, _, r in links),
                    "now": now,
                },
            )
            db.execute(
                con,
                "stories_set_article_story_batch",
                {"articles": articles, "stories": _pack(stories)},
            )
            _save_vectors(con, [linker.stories[s] for s in sorted(set(stories))], now)
            db.execute(
                con, "stories_add_term_df", [_pack(df_delta, _UNIT), _pack(df_delta.values())]
            )
            db.execute(con, "stories_add_corpus_docs", [linked_docs])
            caches.df.appended(con, df_delta, linked_docs)
        if touched:
            db.execute(
                con,
                "stories_touch_batch",
                {"stories": _pack(touched), "times": _pack(touched.values())},
            )
        db.execute(
            con,
            "stories_mark_versions_linked",
            {"now": now, "ids": _pack(v for v, _, _, _ in docs)},
        )
        write_seconds = time.perf_counter() - write_started
    report.article_seconds.extend(timings)
    report.decide_seconds += decide_seconds
    report.write_seconds += write_seconds
    report.linked += linked_docs
    report.already_assigned += len(docs) - linked_docs
    report.new_stories.extend(new_ids)
    report.tracked_hits += tracked_hits
    return Counter(story for _, story, _, _ in links), linker


def _load_linker(
    con: duckdb.DuckDBPyConnection,
    settings: LinkingSettings,
    since: dt.datetime,
    counts: Sequence[dict[str, float]],
    df_cache: DfCache,
) -> tuple[StoryLinker, list[dict[str, float]]]:
    """A linker holding the candidate stories of documents with COUNTS (blocking in SQL), and their vectors.

    The documents count into the DF in order, each before its vector is taken, as when each is
    linked: the linker's DF and document count are those after the last one.
    """
    df, n_docs = df_cache.lookup(con, set().union(*counts) if counts else ())
    counter = StoryLinker(settings, df=df, n_docs=n_docs, keep_members=False)
    vectors: list[dict[str, float]] = []
    for doc_counts in counts:
        counter.observe(doc_counts)
        vectors.append(counter.vectorize(doc_counts))
    linker = StoryLinker(settings, df=counter.df, n_docs=counter.n_docs, keep_members=False)
    # Only the postings the batch can hit are built: the terms each story was found by.
    for story, index_terms in _candidate_stories(con, settings, since, vectors):
        linker.add_story(story, index_terms=index_terms)
    return linker, vectors


def revise_stories(
    con: duckdb.DuckDBPyConnection,
    story_ids: Sequence[int],
    settings: LinkingSettings,
    now: dt.datetime,
    gained: dict[int, int] | None = None,
    caches: StoryCaches | None = None,
) -> list[int]:
    """Split each given untracked story whose members form two groups (`find_split`); the new ids.

    With GAINED (articles each story just gained), only stories whose growth crossed a re-check
    point (`split_checkpoint_crossed`) are read and checked; without it, every given story is.
    The moved groups are written as `split_story` writes one (all of them in one transaction), so
    each split is recorded in `story_links` (reason `split`) and claims are re-attributed as for a
    split from the CLI. CACHES only save work (None: empty ones for this call).
    """
    if not story_ids or not settings.split_cross_within_ratio:
        return []
    caches = StoryCaches() if caches is None else caches
    if gained is not None:
        sizes = db.query(
            con,
            "stories_revisable_sizes",
            [
                _pack(story_ids),
                2 * settings.split_group_articles_min,
                settings.split_check_articles_max,
            ],
        )
        story_ids = [
            story_id
            for story_id, size in sizes
            if split_checkpoint_crossed(size - gained.get(story_id, 0), size, settings)
        ]
        if not story_ids:
            return []
    rows = db.query(
        con,
        "stories_member_versions",
        [
            _pack(story_ids),
            2 * settings.split_group_articles_min,
            settings.split_check_articles_max,
        ],
    )
    members: dict[int, list[_Member]] = {}
    for story_id, article_id, title, text, at, version_id in rows:
        members.setdefault(story_id, []).append(
            _Member(
                article_id,
                title or "",
                caches.terms.terms(title or "", text or "", settings),
                at,
                version_id,
            )
        )
    if not members:
        return []
    df, n_docs = caches.df.lookup(
        con, set().union(*(m.counts for group in members.values() for m in group))
    )
    linker = StoryLinker(settings, df=df, n_docs=n_docs, keep_members=False)
    splits: list[_Split] = []
    for story_id, group in members.items():
        vectors = [linker.vectorize(m.counts) for m in group]
        moving = find_split(vectors, settings)
        if moving is not None:
            # The members, their DF and their vectors are at hand: the split reads none of them again.
            moved = set(moving)
            splits.append(
                _Split(
                    story_id,
                    None,
                    [(group[i], vectors[i]) for i in moving],
                    [(group[i], vectors[i]) for i in range(len(group)) if i not in moved],
                )
            )
    if not splits:
        return []
    with db.transaction(con):
        new_ids = _write_splits(con, splits, df, n_docs, now, settings)
    for split, new_id in zip(splits, new_ids, strict=True):
        LOGGER.info(
            "stories: split %s article(s) of story %s into story %s",
            len(split.leaving),
            split.story_id,
            new_id,
        )
    return new_ids


def merge_small_stories(
    con: duckdb.DuckDBPyConnection,
    story_ids: Sequence[int],
    settings: LinkingSettings,
    now: dt.datetime,
    linker: StoryLinker | None = None,
    changed: Sequence[int] = (),
) -> list[tuple[int, int]]:
    """Merge each given small untracked story with its closest story (`closest_story`); (kept, gone) pairs.

    The candidates come from the same blocking as linking: LINKER, the batch's own linker (its
    candidate stories and the stories it created; CHANGED lists stories split since, reloaded), or
    else `stories_candidate_vectors`, looked up by each story's strongest terms. The merge goes
    through `merge_stories` with reason `auto_merge`, so claims are re-attributed as for a merge
    from the CLI and the kept story can still be split later.
    """
    if not story_ids or not settings.merge_small_articles_max:
        return []
    small = [
        s
        for s, _ in db.query(
            con,
            "stories_revisable_sizes",
            [
                _pack(story_ids),
                1,
                settings.merge_small_articles_max,
            ],
        )
    ]
    if not small:
        return []
    loaded = {
        i: StoryState(
            id=i,
            terms=dict(zip(names, weights, strict=True)),
            doc_count=count,
            last_at=last_at,
            titles=list(titles or []),
        )
        for i, count, last_at, names, weights, titles in db.query(
            con, "stories_vectors_by_ids", [sorted(set(small) | set(changed))]
        )
    }
    states = [loaded[i] for i in small if i in loaded and loaded[i].terms]
    if not states:
        return []
    if linker is None:
        linker = _candidate_linker(con, settings, states)
    for story in loaded.values():
        if story.id in linker.stories:
            story.tracked = linker.stories[story.id].tracked
    for story in loaded.values():
        if story.terms:
            linker.add_story(story)  # (re)indexed: the small stories and those a split changed
    merges: list[tuple[int, int]] = []
    gone_ids: set[int] = set()
    for story in states:
        if story.id in gone_ids:
            continue
        story = linker.stories[story.id]
        target = closest_story(
            story,
            (linker.stories[i] for i in linker.candidates(unit_vector(story.terms))),
            settings,
        )
        if target is None:
            continue
        keep, gone = merge_roles(story, target)
        merge_stories(con, keep.id, gone.id, now, settings, reason="auto_merge")
        del linker.stories[gone.id]
        gone_ids.add(gone.id)
        linker.add_story(merged_state(keep, gone, settings))
        merges.append((keep.id, gone.id))
        LOGGER.info(
            "stories: merged story %s (%s articles) into story %s", gone.id, gone.doc_count, keep.id
        )
    return merges


def _candidate_linker(
    con: duckdb.DuckDBPyConnection, settings: LinkingSettings, states: Sequence[StoryState]
) -> StoryLinker:
    """A linker holding the candidate stories of STATES, looked up by their strongest terms."""
    times = [s.last_at for s in states if s.last_at is not None]
    since = (
        min(times) - dt.timedelta(hours=settings.time_window_hours) if times else dt.datetime.min
    )
    linker = StoryLinker(settings, keep_members=False)
    vectors = [unit_vector(story.terms) for story in states]
    for story, index_terms in _candidate_stories(con, settings, since, vectors):
        linker.add_story(story, index_terms=index_terms)
    return linker
