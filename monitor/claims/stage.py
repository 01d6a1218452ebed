"""The claim stage: judge new article versions against the ledger of their story and store the verdicts."""

from __future__ import annotations

import logging
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import duckdb
import numpy as np

from monitor import db
from monitor.claims.cache import ClaimCaches, LedgerCache, PreparedVersions
from monitor.claims.embed import Encoder, Vectors
from monitor.claims.ledger import ALIAS_MAX_SCORE, Ledger
from monitor.claims.model_pass import (
    Encoding,
    EncodingProgress,
    SemanticBatch,
    encode_batch,
    store_claim_vectors,
)
from monitor.claims.prepare import Prepared, PreparedVersion
from monitor.errors import StoreError
from monitor.settings import ClaimSettings

LOGGER = logging.getLogger(__name__)

PENDING_BATCH_SIZE = 500
# Claim ids are drawn a block at a time; each draw of a run doubles the block up to the largest,
# so a cold batch of thousands of new claims makes a few round trips, a quiet run one small one.
CLAIM_ID_BLOCK = 256
CLAIM_ID_BLOCK_MAX = 4096


@dataclass
class ClaimReport:
    """What one pass of claim detection did."""

    versions: int = 0
    sentences: int = 0
    new: int = 0
    changed: int = 0
    seen: int = 0
    skipped: int = 0
    failed: int = 0
    new_claim_ids: list[int] = field(default_factory=list)
    changed_claim_ids: list[int] = field(default_factory=list)
    # Versions after the first of an article that added claims: "updated article adds: ...".
    updated_versions: dict[int, list[int]] = field(default_factory=dict)
    # Versions whose sentences an extraction worker had already segmented and prepared.
    prepared_ahead: int = 0


@dataclass(slots=True)
class _PendingVersion:
    id: int
    article_id: int
    version: int
    title: str | None
    text: str
    published_at: Any
    fetched_at: Any
    story_id: int
    outlet: str


@dataclass(frozen=True, slots=True)
class _Judgement:
    """How sure a verdict was and the nearest earlier claim it was compared with."""

    confidence: float
    nearest_claim_id: int | None
    nearest_score: float | None
    uncertain: bool
    change_kind: str | None


@dataclass(slots=True)
class _JudgedVersion:
    """One version's verdicts, held in memory until its batch is written."""

    version: _PendingVersion
    seen_at: Any
    new_claims: list[tuple[int, Prepared, str, int | None, _Judgement]] = field(
        default_factory=list
    )
    mentions: list[tuple[int, int, str, str, float, _Judgement, str]] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    new_ids: list[int] = field(default_factory=list)
    changed_ids: list[int] = field(default_factory=list)
    prepared_ahead: bool = False
    # With a model: (drawn claim id, vector) of each new claim, stored once the claim is.
    vectors: list[tuple[int, Vectors]] = field(default_factory=list)


class _ClaimIds:
    """Claim ids drawn from their sequence a block at a time, so judging writes nothing."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.free: deque[int] = deque()
        self.block = CLAIM_ID_BLOCK

    def take(self) -> int:
        if not self.free:
            rows = db.query(self.con, "claims_reserve_ids", {"count": self.block})
            self.free.extend(int(row[0]) for row in rows)
            self.block = min(self.block * 2, CLAIM_ID_BLOCK_MAX)
        return self.free.popleft()


def detect_claims(
    con: duckdb.DuckDBPyConnection,
    settings: ClaimSettings,
    now: datetime,
    caches: ClaimCaches | None = None,
    progress: Callable[[EncodingProgress], None] | None = None,
) -> ClaimReport:
    """Judge every linked, unjudged article version against its story's claim ledger.

    Versions are judged in memory and written a batch at a time, because each DuckDB statement
    costs milliseconds: a batch's claims, mentions and stage markers take one statement each.
    CACHES (ledgers, versions prepared by the workers, the loaded model) only save work: without
    them this call starts from empty ones and the verdicts are the same. With `[claims] model`
    set, each batch's sentences are encoded at once and PROGRESS hears how far the encoding is
    (default: a `flows.progress` line every PROGRESS_INTERVAL_S seconds).
    """
    caches = ClaimCaches() if caches is None else caches
    report = ClaimReport()
    ledgers = caches.ledgers
    ledgers.for_run(con, settings)
    encoder = caches.semantic.encoder_for(settings.model)
    encoding = Encoding(encoder, progress) if encoder is not None else None
    failed_ids: list[int] = []
    claim_ids = _ClaimIds(con)
    while True:
        params = {"limit": PENDING_BATCH_SIZE, "skip_ids": failed_ids}
        rows = [_PendingVersion(*row) for row in db.query(con, "claims_pending_versions", params)]
        if not rows:
            break
        with db.gc_paused():
            ledgers.check(con, {version.story_id for version in rows})
            try:
                ledgers.prefetch(con, {version.story_id for version in rows}, settings)
            except (StoreError, duckdb.Error, ValueError) as e:
                LOGGER.warning(
                    "loading the claim ledgers of a batch at once failed (%s); one by one", e
                )
            semantic: SemanticBatch | None = None
            taken: dict[int, tuple[PreparedVersion, bool]] = {}
            if encoding is not None:
                semantic, taken = encode_batch(con, rows, caches, settings, encoding)
            judged: list[_JudgedVersion] = []
            for version in rows:
                try:
                    ledger = ledgers.get(con, version.story_id, settings)
                except (StoreError, duckdb.Error, ValueError) as e:
                    LOGGER.error(
                        "claims of version %s: loading story %s failed: %s",
                        version.id,
                        version.story_id,
                        e,
                    )
                    report.failed += 1
                    failed_ids.append(version.id)
                    continue
                try:
                    judged.append(
                        _judge_version(
                            version,
                            ledger,
                            caches.prepared,
                            settings,
                            now,
                            claim_ids,
                            semantic,
                            taken.get(version.id),
                        )
                    )
                except (StoreError, duckdb.Error, ValueError) as e:
                    # One bad version never fails the run; it stays pending and is retried next run.
                    LOGGER.error(
                        "claims of version %s (article %s) failed: %s",
                        version.id,
                        version.article_id,
                        e,
                    )
                    report.failed += 1
                    failed_ids.append(version.id)
                    # Its half-judged claims are in the ledger: write what came before, then reload.
                    _save_judged(con, judged, ledgers, now, report, failed_ids, encoder)
                    judged = []
                    ledgers.pop(version.story_id, None)
                    if semantic is not None:
                        semantic.forget(version.story_id)
            _save_judged(con, judged, ledgers, now, report, failed_ids, encoder)
        if len(rows) < PENDING_BATCH_SIZE:
            break  # that was all of them; the pending query reads the whole version table
    if encoding is not None:
        encoding.finish()
    return report


def _judge_version(
    version: _PendingVersion,
    ledger: Ledger,
    prepared_ahead: PreparedVersions,
    settings: ClaimSettings,
    now: Any,
    claim_ids: _ClaimIds,
    semantic: SemanticBatch | None = None,
    taken: tuple[PreparedVersion, bool] | None = None,
) -> _JudgedVersion:
    """Judge each sentence of a version against the ledger, adding its new claims to the ledger.

    With SEMANTIC (the model on), a sentence is also compared with its nearest claims by meaning
    and the uncertain band is re-judged (monitor.claims.semantic); TAKEN is the version already
    taken from PREPARED_AHEAD.
    """
    judged = _JudgedVersion(version, version.published_at or version.fetched_at or now)
    prepared_version, judged.prepared_ahead = (
        taken if taken is not None else prepared_ahead.take(version.text, version.title, settings)
    )
    matrix = semantic.matrix(version.story_id, ledger) if semantic is not None else None
    for index, (seg, prepared) in enumerate(prepared_version.sentences):
        if seg.skip_reason is not None or prepared is None:
            judged.counts["skipped"] += 1
            continue
        verdict = ledger.judge(prepared)
        vector = semantic.vectors.get(prepared.text) if semantic is not None else None
        if semantic is not None and matrix is not None and vector is not None:
            verdict = semantic.second_look(matrix, ledger, prepared, verdict, vector, settings)
        nearest = (
            ledger.entries[verdict.entry_index].claim_id
            if verdict.entry_index is not None
            else None
        )
        judgement = _Judgement(
            round(verdict.confidence, 4),
            nearest,
            round(verdict.probability, 4) if nearest is not None else None,
            verdict.uncertain(settings),
            verdict.change,
        )
        if verdict.status == "seen" and verdict.entry_index is not None:
            seen_id = ledger.entries[verdict.entry_index].claim_id
            if seen_id is None:  # every claim of a stage ledger was stored or drawn with an id
                raise ValueError(
                    f"ledger entry {verdict.entry_index} of story {version.story_id} has no claim id"
                )
            claim_id = seen_id
            if round(verdict.score, 4) < ALIAS_MAX_SCORE:
                ledger.add_alias(prepared, version.id, claim_id)
        else:
            changed_from = (
                ledger.entries[verdict.entry_index].claim_id
                if verdict.status == "changed" and verdict.entry_index is not None
                else None
            )
            claim_id = claim_ids.take()
            judged.new_claims.append((claim_id, prepared, verdict.status, changed_from, judgement))
            entry_index = ledger.add(prepared, version.id, claim_id)
            if matrix is not None and vector is not None:
                matrix.append(entry_index, vector)  # later sentences of the batch compare with it
                judged.vectors.append((claim_id, vector))
            (judged.changed_ids if verdict.status == "changed" else judged.new_ids).append(claim_id)
        judged.counts[verdict.status] += 1
        judged.mentions.append(
            (
                claim_id,
                index,
                seg.text,
                verdict.status,
                round(verdict.score, 4),
                judgement,
                prepared.normalized,
            )
        )
    return judged


def _save_judged(
    con: duckdb.DuckDBPyConnection,
    judged: list[_JudgedVersion],
    ledgers: LedgerCache,
    now: Any,
    report: ClaimReport,
    failed_ids: list[int],
    encoder: Encoder | None = None,
) -> None:
    """Write judged versions in one transaction; if that fails, one version at a time.

    With ENCODER, the vectors of the claims inserted follow, under their stored ids.
    """
    if not judged:
        return
    try:
        with db.transaction(con):
            renamed, inserted = _write_judged(con, judged, now)
    except (StoreError, duckdb.Error) as e:
        LOGGER.warning(
            "writing the claims of %d versions at once failed (%s); one by one", len(judged), e
        )
    else:
        _book(judged, renamed, inserted, ledgers, report)
        store_claim_vectors(con, _new_vectors(judged), inserted, encoder)
        return
    broken_stories: set[int] = set()
    for item in judged:
        version = item.version
        try:
            if version.story_id in broken_stories:
                raise StoreError(
                    "an earlier version of its story failed in this batch; judged again next run"
                )
            with db.transaction(con):
                renamed, inserted = _write_judged(con, [item], now)
        except (StoreError, duckdb.Error) as e:
            LOGGER.error(
                "claims of version %s (article %s) failed: %s", version.id, version.article_id, e
            )
            report.failed += 1
            failed_ids.append(version.id)
            # Later versions of the story were judged against claims that are not stored.
            broken_stories.add(version.story_id)
            ledgers.pop(version.story_id, None)
            continue
        _book([item], renamed, inserted, ledgers, report)
        store_claim_vectors(con, _new_vectors([item]), inserted, encoder)


def _new_vectors(judged: list[_JudgedVersion]) -> list[tuple[int, Vectors]]:
    return [pair for item in judged for pair in item.vectors]


def _write_judged(
    con: duckdb.DuckDBPyConnection, judged: list[_JudgedVersion], now: Any
) -> tuple[dict[int, int], dict[int, list[int]]]:
    """Insert claims and mentions and mark the versions done.

    Returns drawn id -> stored id for claims already held, and the ids inserted, by story.
    """
    renamed: dict[int, int] = {}
    inserted: dict[int, list[int]] = {}
    first_by_key: dict[tuple[int, str], int] = {}
    new_rows: list[tuple[_JudgedVersion, tuple[int, Prepared, str, int | None, _Judgement]]] = []
    for item in judged:
        for claim in item.new_claims:
            key = (item.version.story_id, claim[1].normalized)
            if key in first_by_key:  # one claim arriving twice in a batch is stored once
                renamed[claim[0]] = first_by_key[key]
                continue
            first_by_key[key] = claim[0]
            new_rows.append((item, claim))
    if new_rows:
        written = db.query_rows(
            con,
            "claims_insert_many",
            {
                "id": [claim[0] for _, claim in new_rows],
                "story_id": [item.version.story_id for item, _ in new_rows],
                "text": [claim[1].text for _, claim in new_rows],
                "normalized": [claim[1].normalized for _, claim in new_rows],
                "kind": ["changed" if claim[2] == "changed" else "new" for _, claim in new_rows],
                "changed_from": [claim[3] for _, claim in new_rows],
                "version_id": [item.version.id for item, _ in new_rows],
                "article_id": [item.version.article_id for item, _ in new_rows],
                "outlet": [item.version.outlet for item, _ in new_rows],
                "seen_at": [item.seen_at for item, _ in new_rows],
                "confidence": [claim[4].confidence for _, claim in new_rows],
                "nearest_claim_id": [claim[4].nearest_claim_id for _, claim in new_rows],
                "nearest_score": [claim[4].nearest_score for _, claim in new_rows],
                "uncertain": [claim[4].uncertain for _, claim in new_rows],
                "change_kind": [claim[4].change_kind for _, claim in new_rows],
            },
        )
        if _row_count(written) == len(new_rows):
            # Every claim went in (the insert skips only claims the story holds): all keep their ids.
            stored = first_by_key
        else:
            stored = _stored_claim_ids(con, list(first_by_key))
        # Claims the story already held under the same normalised form keep their ids.
        for key, drawn in first_by_key.items():
            if stored[key] != drawn:
                renamed[drawn] = stored[key]
            else:
                inserted.setdefault(key[0], []).append(drawn)
        for drawn, first in list(renamed.items()):
            renamed[drawn] = renamed.get(first, first)
    mentions = [(item, m) for item in judged for m in item.mentions]
    if mentions:
        db.query_rows(
            con,
            "claims_insert_mentions_many",
            {
                "claim_id": [renamed.get(m[0], m[0]) for _, m in mentions],
                "story_id": [item.version.story_id for item, _ in mentions],
                "version_id": [item.version.id for item, _ in mentions],
                "article_id": [item.version.article_id for item, _ in mentions],
                "sentence_index": [m[1] for _, m in mentions],
                "sentence": [m[2] for _, m in mentions],
                "status": [m[3] for _, m in mentions],
                "score": [m[4] for _, m in mentions],
                "outlet": [item.version.outlet for item, _ in mentions],
                "seen_at": [item.seen_at for item, _ in mentions],
                "confidence": [m[5].confidence for _, m in mentions],
                "nearest_claim_id": [
                    renamed.get(n, n) if (n := m[5].nearest_claim_id) is not None else None
                    for _, m in mentions
                ],
                "uncertain": [m[5].uncertain for _, m in mentions],
                "normalized": [m[6] for _, m in mentions],
            },
        )
    db.execute(
        con,
        "claims_mark_done_many",
        {"now": now, "version_ids": [item.version.id for item in judged]},
    )
    return renamed, inserted


def _row_count(result: list[tuple[Any, ...]]) -> int | None:
    """The row count an INSERT reports, if it reports one."""
    if len(result) == 1 and len(result[0]) == 1 and isinstance(result[0][0], (int, np.integer)):
        return int(result[0][0])
    return None


def _stored_claim_ids(
    con: duckdb.DuckDBPyConnection, keys: list[tuple[int, str]]
) -> dict[tuple[int, str], int]:
    """The ids under which stories hold these (story id, normalised claim) pairs."""
    rows = db.query_rows(
        con,
        "claims_ids_by_story_normalized",
        {
            "story_id": [key[0] for key in keys],
            "normalized": [key[1] for key in keys],
        },
    )
    return {(int(story_id), normalized): int(claim_id) for claim_id, story_id, normalized in rows}


def _book(
    judged: list[_JudgedVersion],
    renamed: dict[int, int],
    inserted: dict[int, list[int]],
    ledgers: LedgerCache,
    report: ClaimReport,
) -> None:
    """Count written versions in the report and give ledger entries their stored claim ids."""
    for story_id, claim_ids in inserted.items():
        ledgers.stored(story_id, claim_ids)
    for story_id in {item.version.story_id for item in judged} if renamed else ():
        ledger = ledgers.ledgers.get(story_id)
        for entry in ledger.entries if ledger is not None else []:
            if entry.claim_id in renamed:
                entry.claim_id = renamed[entry.claim_id]
    for item in judged:
        new_ids = list(dict.fromkeys(renamed.get(i, i) for i in item.new_ids))
        changed_ids = list(dict.fromkeys(renamed.get(i, i) for i in item.changed_ids))
        report.versions += 1
        report.prepared_ahead += item.prepared_ahead
        report.sentences += sum(item.counts.values())
        report.new += item.counts["new"]
        report.changed += item.counts["changed"]
        report.seen += item.counts["seen"]
        report.skipped += item.counts["skipped"]
        report.new_claim_ids.extend(new_ids)
        report.changed_claim_ids.extend(changed_ids)
        if item.version.version > 1 and (new_ids or changed_ids):
            report.updated_versions[item.version.id] = new_ids + changed_ids
