"""The claim stage's caches: story ledgers and versions prepared ahead, held in one `ClaimCaches`.

Nothing here is module-level state: a caller that wants the caches to last (the cycle's
`monitor.state.PipelineState`) keeps a `ClaimCaches` and passes it in.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import duckdb

from monitor import db
from monitor.claims.embed import MODEL_NONE, Encoder, load_encoder
from monitor.claims.embed_store import StoryMatrix, story_matrix_rows
from monitor.claims.features import DEFAULT_MODEL, ParaphraseModel
from monitor.claims.judge_model import model_file, model_for
from monitor.claims.ledger import ALIAS_MAX_SCORE, Ledger
from monitor.claims.prepare import PreparedVersion, prepare_version
from monitor.claims.semantic import DEFAULT_BAND_JUDGE, BandJudge
from monitor.settings import ClaimSettings

# Claims held in cached story ledgers, across stories (a prepared claim is a few kB).
LEDGER_CACHE_CLAIMS_MAX = 100_000


class LedgerCache:
    """Story ledgers kept between batches and runs, so a claim is prepared once, not per batch.

    A ledger is reused only while its story's claims in the database have the fingerprint it was
    loaded or last written with; a merge, split or write by another process makes it reload.
    """

    def __init__(self, max_claims: int) -> None:
        self.max_claims = max_claims
        self.database: str | None = None
        self.settings: ClaimSettings | None = None
        self.ledgers: OrderedDict[int, Ledger] = OrderedDict()
        self.signatures: dict[int, tuple[int, ...]] = {}
        self.model: ParaphraseModel = DEFAULT_MODEL
        self.model_stamp: float | None = None

    def for_run(self, con: duckdb.DuckDBPyConnection, settings: ClaimSettings) -> None:
        """Forget everything if this run is on another database or with other settings."""
        database = str(db.query(con, "db_current_file")[0][0])
        path = model_file(database, settings.model_path)
        stamp = path.stat().st_mtime if path.is_file() else None
        if database != self.database or settings != self.settings or stamp != self.model_stamp:
            self.ledgers.clear()
            self.signatures.clear()
            self.database, self.settings = database, settings
            # A retrained model (`monitor claims retrain`) is used from the next run on.
            self.model = model_for(database, settings.model_path)
            self.model_stamp = stamp

    def check(self, con: duckdb.DuckDBPyConnection, story_ids: set[int]) -> None:
        """Drop the cached ledgers of these stories whose claims changed behind our back."""
        cached = [story_id for story_id in story_ids if story_id in self.ledgers]
        if not cached:
            return
        current = {
            int(row[0]): tuple(int(v) for v in row[1:])
            for row in db.query(con, "claims_story_signatures", {"story_ids": cached})
        }
        for story_id in cached:
            if current.get(story_id, (0,)) != self.signatures.get(story_id):
                self.pop(story_id)

    def get(self, con: duckdb.DuckDBPyConnection, story_id: int, settings: ClaimSettings) -> Ledger:
        ledger = self.ledgers.get(story_id)
        if ledger is not None:
            self.ledgers.move_to_end(story_id)
            return ledger
        return self._keep(story_id, load_ledger(con, story_id, settings, self.model))

    def prefetch(
        self, con: duckdb.DuckDBPyConnection, story_ids: set[int], settings: ClaimSettings
    ) -> None:
        """Load the ledgers of these stories not cached yet, with one scan of the claims table."""
        missing = sorted(story_id for story_id in story_ids if story_id not in self.ledgers)
        if not missing:
            return
        loaded = {story_id: Ledger(settings, self.model) for story_id in missing}
        params = {"story_ids": missing, "alias_max_score": ALIAS_MAX_SCORE}
        for story_id, claim_id, text, normalized, version_id, alias in db.query(
            con, "claims_stories_ledgers", params
        ):
            loaded[int(story_id)].add_stored(text, normalized, version_id, claim_id, alias)
        for story_id, ledger in loaded.items():
            self._keep(story_id, ledger)

    def _keep(self, story_id: int, ledger: Ledger) -> Ledger:
        ids = ledger.claim_ids()
        self.ledgers[story_id] = ledger
        self.signatures[story_id] = (len(ids), min(ids), max(ids), sum(ids)) if ids else (0,)
        self._evict()
        return ledger

    def stored(self, story_id: int, claim_ids: list[int]) -> None:
        """Claims just written for a story: its fingerprint moves with them."""
        if story_id not in self.ledgers or not claim_ids:
            return
        old = self.signatures.get(story_id, (0,))
        count, low, high, total = old if len(old) == 4 else (0, min(claim_ids), max(claim_ids), 0)
        self.signatures[story_id] = (
            count + len(claim_ids),
            min(low, *claim_ids),
            max(high, *claim_ids),
            total + sum(claim_ids),
        )

    def pop(self, story_id: int, default: Any = None) -> Any:
        self.signatures.pop(story_id, None)
        return self.ledgers.pop(story_id, default)

    def clear(self) -> None:
        """Forget every ledger and the database and settings they were read for."""
        self.ledgers.clear()
        self.signatures.clear()
        self.database = self.settings = None

    def _evict(self) -> None:
        size = sum(len(ledger.entries) for ledger in self.ledgers.values())
        while size > self.max_claims and len(self.ledgers) > 1:
            _, ledger = self.ledgers.popitem(last=False)
            size -= len(ledger.entries)


def load_ledger(
    con: duckdb.DuckDBPyConnection,
    story_id: int,
    settings: ClaimSettings,
    model: ParaphraseModel = DEFAULT_MODEL,
) -> Ledger:
    """Read one story's claims into an indexed ledger."""
    ledger = Ledger(settings, model)
    params = {"story_id": story_id, "alias_max_score": ALIAS_MAX_SCORE}
    for claim_id, text, normalized, version_id, alias in db.query(
        con, "claims_story_ledger", params
    ):
        ledger.add_stored(text, normalized, version_id, claim_id, alias)
    return ledger


class PreparedVersions:
    """Versions prepared by extraction workers, waiting for this process to judge them."""

    # Segmenting and preparing is a fifth of the cycle's CPU in the flow process; the workers
    # are idle once pages are extracted, so they do it and this process only judges.

    def __init__(self, max_items: int) -> None:
        self.max_items = max_items
        self.settings: ClaimSettings | None = None
        self.items: OrderedDict[tuple[str, str], PreparedVersion] = OrderedDict()

    def remember(self, versions: Iterable[PreparedVersion], settings: ClaimSettings) -> None:
        """Keep versions prepared with SETTINGS until they are judged (the oldest go first)."""
        if settings != self.settings:
            self.items.clear()
            self.settings = settings
        for version in versions:
            self.items[(version.title or "", version.text)] = version
            if len(self.items) > self.max_items:
                self.items.popitem(last=False)

    def take(
        self, text: str, title: str | None, settings: ClaimSettings
    ) -> tuple[PreparedVersion, bool]:
        """The prepared version of this text and title, and whether the workers prepared it."""
        found = self.items.pop((title or "", text), None) if settings == self.settings else None
        return (
            (found, True) if found is not None else (prepare_version(text, title, settings), False)
        )

    def clear(self) -> None:
        """Forget every waiting version."""
        self.items.clear()
        self.settings = None


# Prepared versions waiting to be judged: a few batches of pages.
PREPARED_VERSIONS_MAX = 2_000


# Claim vectors held in memory across stories (384 float32 each: 1.5 kB; 50,000 are 77 MB).
STORY_VECTORS_MAX = 50_000


class SemanticCache:
    """The optional embedding model: its encoder, loaded once per process, and story vectors.

    A story's vectors are keyed by ledger entry and kept only with the ledger object they were
    mapped to: when the ledger cache reloads a story (merge, split, failed write), so do they.
    """

    def __init__(self, max_vectors: int = STORY_VECTORS_MAX) -> None:
        self.max_vectors = max_vectors
        self.model = MODEL_NONE
        self.encoder: Encoder | None = None
        # The uncertain band's combiner; an evaluation may set another (never shipped).
        self.judge: BandJudge = DEFAULT_BAND_JUDGE
        self.matrices: OrderedDict[int, tuple[Ledger, StoryMatrix]] = OrderedDict()

    def encoder_for(self, model: str) -> Encoder | None:
        """The encoder MODEL names, loaded on first use (ConfigError if it cannot); None for none."""
        if model == MODEL_NONE:
            return None
        if self.encoder is None or self.model != model:
            self.encoder = load_encoder(model)
            self.model = model
            self.matrices.clear()
        return self.encoder

    def matrix(
        self, con: duckdb.DuckDBPyConnection, story_id: int, ledger: Ledger, encoder: Encoder
    ) -> StoryMatrix:
        """The story's stored vectors keyed by LEDGER's entries, read once per ledger."""
        held = self.matrices.get(story_id)
        if held is not None and held[0] is ledger:
            self.matrices.move_to_end(story_id)
            return held[1]
        _, normalized, vectors = story_matrix_rows(con, encoder.name, story_id)
        matrix = StoryMatrix(encoder.dimension)
        for form, vector in zip(normalized, vectors):
            index = ledger.by_normalized.get(form)
            if index is not None:
                matrix.append(index, vector)
        self.matrices[story_id] = (ledger, matrix)
        size = sum(len(m) for _, m in self.matrices.values())
        while size > self.max_vectors and len(self.matrices) > 1:
            _, (_, dropped) = self.matrices.popitem(last=False)
            size -= len(dropped)
        return matrix

    def forget(self, story_ids: Iterable[int]) -> None:
        """Read these stories' vectors again when next asked (a backfill stored more)."""
        for story_id in story_ids:
            self.matrices.pop(story_id, None)

    def clear(self) -> None:
        """Drop the encoder and every story's vectors."""
        self.matrices.clear()
        self.encoder = None
        self.model = MODEL_NONE


@dataclass
class ClaimCaches:
    """The claim stage's state between calls: ledgers, prepared versions, the optional model."""

    ledgers: LedgerCache = field(default_factory=lambda: LedgerCache(LEDGER_CACHE_CLAIMS_MAX))
    prepared: PreparedVersions = field(
        default_factory=lambda: PreparedVersions(PREPARED_VERSIONS_MAX)
    )
    semantic: SemanticCache = field(default_factory=SemanticCache)

    def clear(self) -> None:
        """Empty every cache and drop the model."""
        self.ledgers.clear()
        self.prepared.clear()
        self.semantic.clear()


def remember_prepared_versions(
    caches: ClaimCaches, analyses: Iterable[Any], settings: ClaimSettings
) -> None:
    """Keep the PreparedVersion results of extraction workers in CACHES for `detect_claims`."""
    caches.prepared.remember((a for a in analyses if isinstance(a, PreparedVersion)), settings)
