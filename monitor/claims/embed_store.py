"""Claim embeddings in DuckDB: store one vector per claim and model, find a story's nearest claims.

Vectors go in and out as one row per component (claim, position, value), the layout
`db.query_rows` scans from NumPy at memory speed; SQL turns them into FLOAT[] lists.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np

from monitor import db
from monitor.claims.embed import Encoder, Vectors
from monitor.errors import StoreError

# Nearest earlier claims returned per sentence, and the cosine below which a claim is no
# candidate. Measured with minilm-int8 on the ECB+ restatement set: a restated sentence and the
# sentence it restates score 0.48 at the 5th percentile (median 0.80); the later sentence and the
# other sentences of the earlier document score 0.27 at the median, 0.58 at the 95th percentile.
SEMANTIC_CANDIDATES = 5
SEMANTIC_MIN_COSINE = 0.40
# Claims encoded per onnxruntime call when backfilling a story (bounds the texts held in memory).
BACKFILL_BATCH = 512


@dataclass(frozen=True, slots=True)
class Neighbour:
    """An earlier claim near a sentence by meaning."""

    claim_id: int
    cosine: float


def _component_rows(
    key: str, keys: Sequence[int], vectors: Vectors, story_ids: Sequence[int] | None = None
) -> dict[str, Sequence[Any]]:
    count, width = vectors.shape
    if len(keys) != count or (story_ids is not None and len(story_ids) != count):
        raise ValueError(f"{count} vectors for {len(keys)} keys")
    # NumPy columns, not lists: query_rows scans them in place (they are Sequence enough for it).
    columns: dict[str, Any] = {
        key: np.repeat(np.asarray(keys, dtype=np.int64), width),
        "pos": np.tile(np.arange(width, dtype=np.int64), count),
        "value": np.ascontiguousarray(vectors, dtype=np.float32).ravel(),
    }
    if story_ids is not None:
        columns["story_id"] = np.repeat(np.asarray(story_ids, dtype=np.int64), width)
    return columns


def store_vectors(
    con: duckdb.DuckDBPyConnection, model: str, claim_ids: Sequence[int], vectors: Vectors
) -> None:
    """Store each claim's vector under MODEL; a claim that already has one keeps it."""
    if not len(claim_ids):
        return
    db.query_rows(
        con,
        "claims_embeddings_insert_many",
        _component_rows("claim_id", claim_ids, vectors),
        {"model": model, "created_at": db.utcnow()},
    )


def embed_missing(
    con: duckdb.DuckDBPyConnection,
    encoder: Encoder,
    story_ids: Sequence[int],
    limit: int | None = None,
    on_encoded: Callable[[int], None] | None = None,
) -> int:
    """Encode and store the claims of STORY_IDS that have no vector for ENCODER yet; return how many.

    At most LIMIT claims, oldest first (None: all). ON_ENCODED hears each block's count.
    """
    if not story_ids or limit == 0:
        return 0
    rows = db.query_rows(
        con,
        "claims_embeddings_missing",
        {"story_id": sorted(set(story_ids))},
        {"model": encoder.name, "limit": limit},
    )
    for start in range(0, len(rows), BACKFILL_BATCH):
        block = rows[start : start + BACKFILL_BATCH]
        vectors = encoder.encode([text for _, _, text in block])
        store_vectors(con, encoder.name, [r[0] for r in block], vectors)
        if on_encoded is not None:
            on_encoded(len(block))
    return len(rows)


def nearest_claims(
    con: duckdb.DuckDBPyConnection,
    model: str,
    story_ids: Sequence[int],
    vectors: Vectors,
    per_query: int = SEMANTIC_CANDIDATES,
    min_cosine: float = SEMANTIC_MIN_COSINE,
) -> list[list[Neighbour]]:
    """For each vector (a sentence of story story_ids[i]), its story's nearest stored claims."""
    found: list[list[Neighbour]] = [[] for _ in range(len(story_ids))]
    if not len(story_ids):
        return found
    rows = db.query_rows(
        con,
        "claims_embeddings_nearest_many",
        _component_rows("query_no", range(len(story_ids)), vectors, story_ids),
        {"model": model, "min_cosine": min_cosine, "per_query": per_query},
    )
    for query_no, claim_id, cosine in rows:
        found[query_no].append(Neighbour(int(claim_id), float(cosine)))
    return found


def story_vectors(
    con: duckdb.DuckDBPyConnection, model: str, story_id: int
) -> tuple[list[int], Vectors]:
    """A story's claim ids and their MODEL vectors, one row each, by claim id."""
    try:
        # fetchnumpy hands over each FLOAT[] as a float32 array: 0.2 s for 10,000 claims, against
        # 0.9 s for the same rows as Python lists.
        columns = con.execute(
            db.load_sql("claims_embeddings_story_vectors"), {"story_id": story_id, "model": model}
        ).fetchnumpy()
    except duckdb.Error as e:
        raise StoreError(f"query claims_embeddings_story_vectors failed: {e}") from e
    if not len(columns["claim_id"]):
        return [], np.zeros((0, 0), dtype=np.float32)
    rows: list[Vectors] = list(columns["vector"])
    return [int(i) for i in columns["claim_id"]], np.vstack(rows).astype(np.float32)


def nearest_in_memory(
    vectors: Vectors,
    claim_ids: Sequence[int],
    claim_vectors: Vectors,
    per_query: int = SEMANTIC_CANDIDATES,
    min_cosine: float = SEMANTIC_MIN_COSINE,
) -> list[list[Neighbour]]:
    """`nearest_claims` against vectors already loaded (story_vectors): one matrix product."""
    found: list[list[Neighbour]] = [[] for _ in range(len(vectors))]
    if not len(claim_ids) or not len(vectors):
        return found
    cosines = np.asarray(vectors, dtype=np.float32) @ claim_vectors.T
    # Stable sort on the negated score keeps the earliest claim first among equal cosines.
    order = np.argsort(-cosines, axis=1, kind="stable")[:, :per_query]
    for row, columns in enumerate(order):
        for column in columns:
            cosine = float(cosines[row, column])
            if cosine >= min_cosine:
                found[row].append(Neighbour(int(claim_ids[column]), cosine))
    return found


def story_matrix_rows(
    con: duckdb.DuckDBPyConnection, model: str, story_id: int
) -> tuple[list[int], list[str], Vectors]:
    """A story's claim ids, their normalised forms and their MODEL vectors, by claim id."""
    try:
        columns = con.execute(
            db.load_sql("claims_embeddings_story_matrix"), {"story_id": story_id, "model": model}
        ).fetchnumpy()
    except duckdb.Error as e:
        raise StoreError(f"query claims_embeddings_story_matrix failed: {e}") from e
    if not len(columns["claim_id"]):
        return [], [], np.zeros((0, 0), dtype=np.float32)
    rows: list[Vectors] = list(columns["vector"])
    return (
        [int(i) for i in columns["claim_id"]],
        [str(n) for n in columns["normalized"]],
        np.vstack(rows).astype(np.float32),
    )


# Rows a StoryMatrix makes room for at once; it doubles when full.
_MATRIX_MIN_ROWS = 64


class StoryMatrix:
    """A story's claim vectors in memory, one row per key (the stage keys them by ledger entry).

    Rows can be appended (claims judged new in this batch) without copying the matrix each time:
    the buffer doubles when full. A key appears at most once.
    """

    def __init__(self, dimension: int) -> None:
        self.dimension = dimension
        self._buffer: Vectors = np.zeros((_MATRIX_MIN_ROWS, dimension), dtype=np.float32)
        self._keys: list[int] = []
        self.row_of: dict[int, int] = {}

    def __len__(self) -> int:
        return len(self._keys)

    def append(self, key: int, vector: Vectors) -> None:
        """Add KEY's vector; a key already held keeps its first vector."""
        if key in self.row_of:
            return
        if len(self._keys) == len(self._buffer):
            grown = np.zeros((2 * len(self._buffer), self.dimension), dtype=np.float32)
            grown[: len(self._keys)] = self._buffer
            self._buffer = grown
        self.row_of[key] = len(self._keys)
        self._buffer[len(self._keys)] = vector
        self._keys.append(key)

    def extend(self, keys: Sequence[int], vectors: Vectors) -> None:
        """Add several rows."""
        for key, vector in zip(keys, vectors):
            self.append(key, vector)

    def vector(self, key: int) -> Vectors | None:
        """KEY's vector, or None when it has none."""
        row = self.row_of.get(key)
        return None if row is None else self._buffer[row]

    def nearest(
        self,
        vector: Vectors,
        per_query: int = SEMANTIC_CANDIDATES,
        min_cosine: float = SEMANTIC_MIN_COSINE,
    ) -> list[tuple[int, float]]:
        """(key, cosine) of the rows nearest VECTOR, best first, as `nearest_in_memory` ranks them."""
        count = len(self._keys)
        if not count or per_query < 1:
            return []
        # One matrix-vector product over contiguous rows, then only the best PER_QUERY sorted:
        # a tenth of a full argsort's cost at 10,000 claims.
        cosines = self._buffer[:count] @ np.asarray(vector, dtype=np.float32)
        top = np.flatnonzero(cosines >= min_cosine)
        if len(top) > per_query:
            top = top[np.argpartition(-cosines[top], per_query - 1)[:per_query]]
        ranked = sorted(top.tolist(), key=lambda row: (-cosines[row], row))
        return [(self._keys[row], float(cosines[row])) for row in ranked]
