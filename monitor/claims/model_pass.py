"""The claims model's pass over a batch: encode its sentences, hold story vectors, store new ones.

Used by the claims stage only when `[claims] model` is set (docs/claims-model.md).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import duckdb
import numpy as np

from monitor.claims.cache import ClaimCaches, SemanticCache
from monitor.claims.embed import Encoder, Vectors
from monitor.claims.embed_store import StoryMatrix, embed_missing, store_vectors
from monitor.claims.ledger import Ledger, Verdict
from monitor.claims.prepare import Prepared, PreparedVersion
from monitor.claims.semantic import in_band, semantic_verdict
from monitor.errors import StoreError
from monitor.settings import ClaimSettings

LOGGER = logging.getLogger(__name__)
# The cycle's progress lines (flows.cycle.PROGRESS, printed by `monitor run` and `monitor serve`),
# named here because monitor/ imports no flows.
PROGRESS = logging.getLogger("flows.progress")

# With a model: sentences per encoder call (progress is reported between calls), the least time
# between two progress lines, and the stored claims without a vector encoded per batch (a model
# turned on over a full database catches up over several batches, about 8 s of CPU each).
ENCODE_CHUNK_SENTENCES = 256
PROGRESS_INTERVAL_S = 10.0
BACKFILL_CLAIMS_PER_BATCH = 1_000


@dataclass(frozen=True, slots=True)
class EncodingProgress:
    """How far the model's encoding of a run has come."""

    encoded: int
    total: int  # grows batch by batch: the run's pending versions are read a batch at a time
    seconds: float

    @property
    def per_second(self) -> float:
        """Sentences encoded per wall second so far."""
        return self.encoded / self.seconds if self.seconds > 0 else 0.0


def log_encoding_progress(progress: EncodingProgress) -> None:
    """One progress line of the cycle for the model's encoding."""
    PROGRESS.info(
        "claims model: %d of %d sentences encoded, %.0f per s",
        progress.encoded,
        progress.total,
        progress.per_second,
    )


class Encoding:
    """Encodes a run's sentences a chunk at a time and reports progress now and then."""

    def __init__(self, encoder: Encoder, report: Callable[[EncodingProgress], None] | None) -> None:
        self.encoder = encoder
        self.report = report or log_encoding_progress
        self.encoded = 0
        self.total = 0
        self.started = time.perf_counter()
        self.last_report = self.started
        self.reported = False

    def expect(self, count: int) -> None:
        self.total += count

    def done(self, count: int) -> None:
        self.encoded += count
        now = time.perf_counter()
        if now - self.last_report >= PROGRESS_INTERVAL_S:
            self.last_report = now
            self.reported = True
            self.report(EncodingProgress(self.encoded, self.total, now - self.started))

    def encode(self, texts: list[str]) -> Vectors:
        """TEXTS' vectors, encoded ENCODE_CHUNK_SENTENCES at a time."""
        chunks = []
        for start in range(0, len(texts), ENCODE_CHUNK_SENTENCES):
            chunks.append(self.encoder.encode(texts[start : start + ENCODE_CHUNK_SENTENCES]))
            self.done(len(chunks[-1]))
        if not chunks:
            return self.encoder.encode([])
        stacked: Vectors = np.vstack(chunks)
        return stacked

    def finish(self) -> None:
        """A closing line, when any progress line was printed."""
        if self.reported and self.encoded:
            seconds = time.perf_counter() - self.started
            self.report(EncodingProgress(self.encoded, self.encoded, seconds))


@dataclass
class SemanticBatch:
    """A batch's sentence vectors and the story vectors its judging reads and grows."""

    con: duckdb.DuckDBPyConnection
    cache: SemanticCache
    encoder: Encoder
    vectors: dict[str, Vectors]
    matrices: dict[int, StoryMatrix] = field(default_factory=dict)

    def matrix(self, story_id: int, ledger: Ledger) -> StoryMatrix:
        # Held for the whole batch: the cache may drop it, but this batch's new rows live here.
        held = self.matrices.get(story_id)
        if held is None:
            held = self.matrices[story_id] = self.cache.matrix(
                self.con, story_id, ledger, self.encoder
            )
        return held

    def second_look(
        self,
        matrix: StoryMatrix,
        ledger: Ledger,
        prepared: Prepared,
        verdict: Verdict,
        vector: Vectors,
        settings: ClaimSettings,
    ) -> Verdict:
        """VERDICT after the model's look: for a `new` one, or a `seen` the lexical probability
        made inside the uncertain band, its nearest claims by meaning are compared too."""
        lexical_seen_in_band = (
            verdict.status == "seen" and verdict.how == "model" and in_band(verdict.probability)
        )
        if verdict.status != "new" and not lexical_seen_in_band:
            return verdict
        neighbours = matrix.nearest(
            vector, settings.semantic_candidates, settings.semantic_min_cosine
        )
        own = matrix.vector(verdict.entry_index) if verdict.entry_index is not None else None
        match_cosine = float(own @ vector) if own is not None else None
        return semantic_verdict(
            ledger, prepared, verdict, neighbours, match_cosine, self.cache.judge
        )

    def forget(self, story_id: int) -> None:
        self.matrices.pop(story_id, None)


class BatchVersion(Protocol):
    """What the model pass reads of a pending article version."""

    id: int
    story_id: int
    title: str | None
    text: str


def encode_batch(
    con: duckdb.DuckDBPyConnection,
    rows: Sequence[BatchVersion],
    caches: ClaimCaches,
    settings: ClaimSettings,
    encoding: Encoding,
) -> tuple[SemanticBatch, dict[int, tuple[PreparedVersion, bool]]]:
    """Backfill the batch's stories' missing vectors, then encode its judged sentences at once."""
    stories = sorted({version.story_id for version in rows})
    try:
        backfilled = embed_missing(
            con, encoding.encoder, stories, BACKFILL_CLAIMS_PER_BATCH, encoding.done
        )
    except (StoreError, duckdb.Error) as e:
        LOGGER.warning("storing the vectors of earlier claims failed (%s); next batch", e)
        backfilled = 0
    if backfilled:
        encoding.total += backfilled
        caches.semantic.forget(stories)
    taken = {
        version.id: caches.prepared.take(version.text, version.title, settings) for version in rows
    }
    texts: dict[str, None] = {}
    for version in rows:
        held = caches.ledgers.ledgers.get(version.story_id)
        known = held.by_normalized if held is not None else {}
        for seg, prepared in taken[version.id][0].sentences:
            # A sentence its story holds word for word is `seen` without a look at meaning.
            if (
                seg.skip_reason is None
                and prepared is not None
                and prepared.normalized not in known
            ):
                texts[prepared.text] = None
    ordered = list(texts)
    encoding.expect(len(ordered))
    vectors = encoding.encode(ordered)
    return (
        SemanticBatch(con, caches.semantic, encoding.encoder, dict(zip(ordered, vectors))),
        taken,
    )


def store_claim_vectors(
    con: duckdb.DuckDBPyConnection,
    new_vectors: Iterable[tuple[int, Vectors]],
    inserted: dict[int, list[int]],
    encoder: Encoder | None,
) -> None:
    """Store the vectors of the claims just inserted; a failure is healed by the next backfill."""
    if encoder is None:
        return
    kept = {claim_id for ids in inserted.values() for claim_id in ids}
    rows = [(claim_id, vector) for claim_id, vector in new_vectors if claim_id in kept]
    if not rows:
        return
    try:
        store_vectors(con, encoder.name, [r[0] for r in rows], np.vstack([r[1] for r in rows]))
    except (StoreError, duckdb.Error) as e:
        LOGGER.warning(
            "storing the vectors of %d new claims failed (%s); the next run encodes them again",
            len(rows),
            e,
        )
