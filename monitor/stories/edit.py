"""Changing stories after the fact: merge two, split one (by hand or by the stage), list them.

A split moves articles to a new story, rebuilds both stories' vectors from their members, and
makes claims, mentions and alerts follow their articles; a merge moves everything into the kept
story. Both record the move in `story_links`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import duckdb

from monitor import db
from monitor.errors import StoreError
from monitor.settings import LinkingSettings
from monitor.stories.caches import StoryCaches, TermCache
from monitor.stories.linker import add_document, tracked_story_state
from monitor.stories.model import TITLES_KEPT, Doc, StoryState
from monitor.stories.store import _insert_vector, _pack, _save_vector
from monitor.stories.vectors import _truncate, weigh_terms


def list_stories(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Every story with its article count, tracked flag and merge target."""
    columns = ["id", "name", "tracked", "articles", "created_at", "last_article_at", "merged_into"]
    return [dict(zip(columns, row, strict=True)) for row in db.query(con, "stories_list")]


def _story_row(con: duckdb.DuckDBPyConnection, story_id: int) -> tuple[Any, ...]:
    rows = db.query(con, "stories_by_id", [story_id])
    if not rows:
        raise StoreError(f"story {story_id} does not exist")
    return rows[0]


def merge_stories(
    con: duckdb.DuckDBPyConnection,
    keep_id: int,
    merge_id: int,
    now: dt.datetime,
    settings: LinkingSettings | None = None,
    reason: str = "merge",
) -> int:
    """Merge story MERGE_ID into KEEP_ID; return how many articles moved.

    REASON goes on the moved articles' links: `merge` (by hand: the story is never split
    automatically afterwards) or `auto_merge` (by `merge_small_stories`).
    """
    if keep_id == merge_id:
        raise StoreError(f"cannot merge story {keep_id} into itself")
    for story_id in (keep_id, merge_id):
        if _story_row(con, story_id)[3] is not None:
            raise StoreError(
                f"story {story_id} was already merged into story {_story_row(con, story_id)[3]}"
            )
    with db.transaction(con):
        moved = [row[0] for row in db.query(con, "stories_article_ids", [merge_id])]
        if moved:
            articles = _pack(moved)
            db.execute(con, "stories_clear_current_links_batch", [articles])
            db.execute(
                con,
                "stories_insert_moved_links_batch",
                {"articles": articles, "story": keep_id, "reason": reason, "now": now},
            )
        db.execute(con, "stories_move_articles", [keep_id, merge_id])
        # A claim both stories hold (same normalised text) survives once, in KEEP_ID, with the
        # earlier first sighting; mentions and alerts of the duplicate point at the survivor.
        db.execute(con, "stories_merge_claim_first_seen", [keep_id, merge_id])
        db.execute(con, "stories_merge_repoint_mentions", [keep_id, merge_id])
        db.execute(con, "stories_merge_repoint_alerts", [keep_id, merge_id])
        db.execute(con, "stories_merge_drop_duplicate_alerts", [keep_id, merge_id])
        db.execute(con, "stories_merge_drop_duplicate_claims", [keep_id, merge_id])
        db.execute(con, "stories_move_claims", [keep_id, merge_id])
        db.execute(con, "stories_move_mentions", [keep_id, merge_id])
        db.execute(con, "stories_move_alerts", [keep_id, merge_id])
        db.execute(con, "stories_mark_merged", [keep_id, merge_id])
        db.execute(con, "stories_merge_into_keep", [keep_id, merge_id])
        vectors = {
            row[0]: row for row in db.query(con, "stories_vectors_by_ids", [[keep_id, merge_id]])
        }
        merged = StoryState(id=keep_id)
        for story_id in (keep_id, merge_id):
            if story_id in vectors:
                _, count, last_at, names, weights, titles = vectors[story_id]
                merged.doc_count += count
                merged.titles = (merged.titles + list(titles or []))[-TITLES_KEPT:]
                if last_at is not None and (merged.last_at is None or last_at > merged.last_at):
                    merged.last_at = last_at
                for term, weight in zip(names, weights, strict=True):
                    merged.terms[term] = merged.terms.get(term, 0.0) + weight
        merged.terms = _truncate(merged.terms, (settings or LinkingSettings()).story_terms_max)
        _save_vector(con, merged, now)
        db.execute(con, "stories_delete_vector", [merge_id])
    return len(moved)


def split_story(
    con: duckdb.DuckDBPyConnection,
    story_id: int,
    article_ids: Sequence[int],
    now: dt.datetime,
    settings: LinkingSettings | None = None,
    caches: StoryCaches | None = None,
) -> int:
    """Move articles of a story into a new story; return the new story's id.

    Claims first seen in a moved article move with it. A claim that articles on both sides
    mention is kept on both: the side without its first sighting gets its own copy, first seen at
    that side's earliest mention, and that side's mentions point at the copy. CACHES (terms, DF)
    only save work (None: empty ones for this call).
    """
    settings = settings or LinkingSettings()
    caches = StoryCaches() if caches is None else caches
    row = _story_row(con, story_id)
    if row[3] is not None:
        raise StoreError(f"story {story_id} was merged; split its target instead")
    members = {row[0] for row in db.query(con, "stories_article_ids", [story_id])}
    moving = sorted(set(article_ids))
    strangers = [a for a in moving if a not in members]
    if strangers:
        raise StoreError(f"articles {strangers} are not in story {story_id}")
    if len(moving) == len(members):
        raise StoreError(f"splitting every article out of story {story_id} would leave it empty")
    with db.transaction(con):
        leaving: list[tuple[_Member, dict[str, float] | None]] = [
            (m, None)
            for m in _members_of(
                db.query(con, "stories_latest_versions", [moving]), settings, caches.terms
            )
        ]
        staying: list[tuple[_Member, dict[str, float] | None]] = [
            (m, None)
            for m in _members_of(
                db.query(con, "stories_latest_versions", [sorted(members - set(moving))]),
                settings,
                caches.terms,
            )
        ]
        df, n_docs = caches.df.lookup(con, set().union(*(m.counts for m, _ in leaving + staying)))
        return _write_splits(
            con, [_Split(story_id, row, leaving, staying)], df, n_docs, now, settings
        )[0]


@dataclass(frozen=True)
class _Member:
    """An article of a story as a split sees it: its latest version's title, terms and time."""

    article_id: int
    title: str
    counts: dict[str, float]
    at: dt.datetime | None
    version_id: int


def _members_of(
    rows: Sequence[tuple[Any, ...]], settings: LinkingSettings, terms: TermCache
) -> list[_Member]:
    """`stories_latest_versions` rows as members (the version id is not needed: rows come in order)."""
    return [
        _Member(article_id, title or "", terms.terms(title or "", text or "", settings), at, index)
        for index, (article_id, title, text, at) in enumerate(rows)
    ]


@dataclass
class _Split:
    """A split to write: the story, its row (None: untracked), and its members leaving and staying.

    Each member may come with its vector under the DF the split is given.
    """

    story_id: int
    story_row: tuple[Any, ...] | None
    leaving: list[tuple[_Member, dict[str, float] | None]]
    staying: list[tuple[_Member, dict[str, float] | None]]


def _write_splits(
    con: duckdb.DuckDBPyConnection,
    splits: Sequence[_Split],
    df: dict[str, int],
    n_docs: int,
    now: dt.datetime,
    settings: LinkingSettings,
) -> list[int]:
    """Move each split's leaving members to a new story (in the caller's transaction); the new ids.

    DF covers every member's terms. Both stories' vectors are rebuilt from their members, in time
    order, under that DF, as the in-memory clusterer's `StoryLinker.revise` does. Each kind of
    row is written for all splits in one statement: a split touches only its own story's rows.
    """

    def in_order(members: Sequence[tuple[_Member, Any]]) -> list[tuple[_Member, Any]]:
        return sorted(
            members,
            key=lambda item: (
                item[0].at is None,
                item[0].at or dt.datetime.min,
                item[0].version_id,
            ),
        )

    new_ids = sorted(int(row[0]) for row in db.query(con, "stories_next_story_ids", [len(splits)]))
    names: list[str] = []
    moves: list[tuple[int, int]] = []  # (article, new story)
    rebuilt: list[StoryState] = []
    for split, new_id in zip(splits, new_ids, strict=True):
        leaving, staying = in_order(split.leaving), in_order(split.staying)
        names.append(
            next((m.title for m, _ in leaving if m.title), f"split of story {split.story_id}")[:200]
        )
        moves += [(article_id, new_id) for article_id in sorted(m.article_id for m, _ in leaving)]
        rebuilt.append(_rebuilt_vector(new_id, None, leaving, df, n_docs, settings))
        rebuilt.append(
            _rebuilt_vector(split.story_id, split.story_row, staying, df, n_docs, settings)
        )
    db.query_rows(con, "stories_insert_split_stories", {"id": new_ids, "name": names}, {"now": now})
    articles, stories = _pack(a for a, _ in moves), _pack(s for _, s in moves)
    db.execute(con, "stories_clear_current_links_batch", [articles])
    db.execute(
        con,
        "stories_insert_split_links",
        {"articles": articles, "stories": stories, "reason": "split", "now": now},
    )
    db.execute(con, "stories_move_articles_to", {"articles": articles, "stories": stories})
    _split_claims(
        con,
        [
            (split.story_id, new_id, {m.article_id for m, _ in split.leaving})
            for split, new_id in zip(splits, new_ids, strict=True)
        ],
    )
    db.execute(con, "stories_delete_vectors", [_pack(story.id for story in rebuilt)])
    for story in rebuilt:
        _insert_vector(con, story, now)
    db.execute(
        con,
        "stories_refresh_last_article_batch",
        {"stories": _pack([*new_ids, *(split.story_id for split in splits)])},
    )
    return new_ids


def _rebuilt_vector(
    story_id: int,
    story_row: tuple[Any, ...] | None,
    members: Sequence[tuple[_Member, dict[str, float] | None]],
    df: dict[str, int],
    n_docs: int,
    settings: LinkingSettings,
) -> StoryState:
    tracked = story_row is not None and bool(story_row[2])
    story = StoryState(id=story_id, tracked=tracked)
    for member, vector in members:
        doc = Doc(id=0, title=member.title, text="", published=member.at)
        # Only the representation is wanted: no linker index is built for a rebuilt story.
        add_document(
            story,
            doc,
            vector if vector is not None else weigh_terms(member.counts, df, n_docs),
            settings,
        )
    if story_row is not None and tracked:
        seed = tracked_story_state(story_id, story_row[1], list(story_row[4] or []))
        for term, weight in seed.terms.items():
            story.terms[term] = max(story.terms.get(term, 0.0), weight)
    return story


def _claims_of(
    con: duckdb.DuckDBPyConnection, story_ids: Sequence[int]
) -> dict[int, tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]]:
    """Per story: its claim mentions (id, claim, article, version, outlet, time; earliest first) and claims."""
    found: dict[int, tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]] = {}
    stories = _pack(story_ids)
    for story_id, *mention in db.query(
        con, "stories_claim_mentions_of_stories", {"stories": stories}
    ):
        found.setdefault(story_id, ([], []))[0].append(tuple(mention))
    for claim in db.query(con, "stories_claims_of_stories", {"stories": stories}):
        found.setdefault(claim[1], ([], []))[1].append(claim)
    return found


def _split_claims(
    con: duckdb.DuckDBPyConnection, splits: Sequence[tuple[int, int, set[int]]]
) -> None:
    """Claims, mentions and alerts of each split (old story, new story, articles moving) follow them."""
    found = _claims_of(con, [old_id for old_id, _, _ in splits])
    moved_claims: list[tuple[int, int]] = []  # (claim, new story)
    # (claim, story of the copy, its mentions)
    copies: list[tuple[int, int, list[tuple[Any, ...]]]] = []
    repoint: list[tuple[int, int, int]] = []  # (mention, claim, story)
    for old_id, new_id, moving in splits:
        mentions, claim_rows = found.get(old_id, ([], []))
        by_claim: dict[int, list[tuple[Any, ...]]] = {}
        for row in mentions:
            by_claim.setdefault(row[1], []).append(row)
        for claim_id, _, first_article in claim_rows:
            rows = by_claim.get(claim_id, [])
            moved_rows = [r for r in rows if r[2] in moving]
            stay_rows = [r for r in rows if r[2] not in moving]
            if first_article in moving:
                moved_claims.append((claim_id, new_id))
                repoint += [(r[0], claim_id, new_id) for r in moved_rows]
                if stay_rows:
                    copies.append((claim_id, old_id, stay_rows))
            elif moved_rows:
                copies.append((claim_id, new_id, moved_rows))
    if moved_claims:
        # Before the copies: a copy left in the old story would clash with the moving original.
        params = {
            "claims": _pack(c for c, _ in moved_claims),
            "stories": _pack(s for _, s in moved_claims),
        }
        db.execute(con, "stories_set_claims_stories_batch", params)
        db.execute(con, "stories_alerts_follow_claims_stories", params)
    if copies:
        copy_ids = sorted(
            int(r[0]) for r in db.query(con, "stories_next_claim_ids", {"count": len(copies)})
        )
        # rows[0] = (mention id, claim id, article id, version id, outlet, mentioned_at), earliest first
        db.query_rows(
            con,
            "stories_copy_claims_batch",
            {
                "id": copy_ids,
                "story": [story_id for _, story_id, _ in copies],
                "version": [rows[0][3] for _, _, rows in copies],
                "article": [rows[0][2] for _, _, rows in copies],
                "outlet": [rows[0][4] for _, _, rows in copies],
                "seen_at": [rows[0][5] for _, _, rows in copies],
                "source": [claim_id for claim_id, _, _ in copies],
            },
        )
        for copy_id, (_, story_id, rows) in zip(copy_ids, copies, strict=True):
            repoint += [(r[0], copy_id, story_id) for r in rows]
    if repoint:
        db.execute(
            con,
            "stories_set_mentions_batch",
            {
                "mentions": _pack(m for m, _, _ in repoint),
                "claims": _pack(c for _, c, _ in repoint),
                "stories": _pack(s for _, _, s in repoint),
            },
        )
