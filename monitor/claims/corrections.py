"""Editors' corrections of verdicts, and refitting the judge on them (`monitor claims retrain`)."""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import numpy as np

from monitor import db
from monitor.claims.cache import ClaimCaches
from monitor.claims.features import DEFAULT_MODEL, ParaphraseModel, pair_features
from monitor.claims.judge_model import save_model
from monitor.claims.prepare import prepare
from monitor.errors import ParseError, StoreError

# L2 strength of the refit as scikit-learn's C, the value the shipped fit uses.
RETRAIN_REGULARISATION_C = 10.0
# How much one correction weighs against one base pair: a newsroom's few corrections must move
# a fit of thousands of pairs, yet not undo it.
CORRECTION_WEIGHT = 5.0


@dataclass(frozen=True, slots=True)
class Correction:
    """One stored correction."""

    id: int
    claim_id: int
    story_id: int
    verdict: str  # seen | new
    seen_as: int | None
    nearest_id: int | None
    previous_kind: str
    by: str
    at: datetime


def correct(
    con: duckdb.DuckDBPyConnection,
    claim_id: int,
    *,
    seen_as: int | None = None,
    by: str,
    now: datetime,
    caches: ClaimCaches | None = None,
) -> Correction:
    """Mark a claim as a restatement of SEEN_AS, or (seen_as None) as new; effective at once.

    Other processes' cached ledgers reload on their own: the story's claim fingerprint counts
    `seen_as`. CACHES, when this process holds the cycle's, drops the story's ledger now.
    """
    rows = db.query(con, "claims_correction_target", {"claim_id": claim_id})
    if not rows:
        raise StoreError(f"claim {claim_id}: no such claim")
    _, story_id, kind, _, nearest, _, changed_from = rows[0]
    if seen_as is not None:
        other = db.query(con, "claims_correction_target", {"claim_id": seen_as})
        if not other or other[0][1] != story_id:
            raise StoreError(f"claim {seen_as}: not a claim of story {story_id}")
        if seen_as == claim_id or other[0][5] == claim_id:
            raise StoreError(f"claim {claim_id} cannot restate itself")
        seen_as = int(other[0][5] or seen_as)  # a claim itself corrected stands for its target
    with db.transaction(con):
        if seen_as is not None:
            params = {"claim_id": claim_id, "seen_as": seen_as}
            db.execute(con, "claims_correct_seen", params)
            db.execute(con, "claims_correct_seen_mentions", params)
            db.execute(con, "claims_correct_drop_alerts", params)
        else:
            db.execute(con, "claims_correct_new", {"claim_id": claim_id})
            db.execute(con, "claims_correct_new_mentions", {"claim_id": claim_id})
        nearest_id = None if seen_as is not None else (nearest or changed_from)
        record = {
            "claim_id": claim_id,
            "story_id": story_id,
            "verdict": "seen" if seen_as is not None else "new",
            "seen_as": seen_as,
            "nearest_id": nearest_id,
            "previous_kind": kind,
            "by": by,
            "at": now,
        }
        correction_id = int(db.query(con, "claims_record_correction", record)[0][0])
    if caches is not None:
        caches.ledgers.pop(int(story_id))
    return Correction(
        correction_id,
        claim_id,
        int(story_id),
        str(record["verdict"]),
        seen_as,
        nearest_id,
        str(kind),
        by,
        now,
    )


@dataclass(frozen=True, slots=True)
class LabelledPair:
    """A sentence pair: label 1 when LATER says what EARLIER did."""

    label: int
    earlier: str
    later: str


def correction_pairs(con: duckdb.DuckDBPyConnection) -> list[LabelledPair]:
    """The latest correction of each claim as a labelled pair."""
    return [
        LabelledPair(int(label), str(earlier), str(later))
        for _, label, earlier, later in db.query(con, "claims_correction_pairs")
    ]


def read_base_pairs(path: str | Path) -> list[LabelledPair]:
    """Base training pairs from a TSV in MRPC layout (label, id, id, earlier, later; one header)."""
    pairs: list[LabelledPair] = []
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            rows = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
            next(rows, None)
            for line_no, row in enumerate(rows, start=2):
                if not row:
                    continue
                if len(row) != 5 or row[0] not in ("0", "1"):
                    raise ParseError(f"{path}:{line_no}: expected 5 tab-separated columns")
                pairs.append(LabelledPair(int(row[0]), row[3], row[4]))
    except OSError as e:
        raise ParseError(f"{path}: cannot read pairs: {e.strerror or e}") from e
    return pairs


def _features(pairs: list[LabelledPair]) -> np.ndarray:
    return np.array([pair_features(prepare(p.earlier), prepare(p.later)) for p in pairs], float)


def fit(
    features: np.ndarray,
    labels: np.ndarray,
    weights: np.ndarray | None = None,
    c: float = RETRAIN_REGULARISATION_C,
) -> ParaphraseModel:
    """Weighted L2 logistic regression by Newton's method."""
    rows, width = features.shape
    w_rows = np.ones(rows) if weights is None else weights
    x = np.hstack([np.ones((rows, 1)), features])
    w = np.zeros(width + 1)
    penalty = np.full(width + 1, 1.0 / c)
    penalty[0] = 1e-6  # a hair on the intercept keeps one-class or tiny fits solvable
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ w, -40, 40)))
        gradient = x.T @ (w_rows * (p - labels)) + penalty * w
        hessian = (x * (w_rows * p * (1 - p))[:, None]).T @ x + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return ParaphraseModel(tuple(round(float(v), 4) for v in w[1:]), round(float(w[0]), 4))


@dataclass(frozen=True, slots=True)
class RetrainReport:
    """What a refit did: pair counts and accuracy on corrections held out by fold."""

    base_pairs: int
    corrections: int
    folds: int
    before_accuracy: float | None  # the model in use, on the held-out corrections
    after_accuracy: float | None  # refit without each fold, on that fold
    model: ParaphraseModel
    path: Path


def _accuracy(model: ParaphraseModel, x: np.ndarray, y: np.ndarray) -> float:
    predicted = np.array([model.probability(row) >= 0.5 for row in x], dtype=float)
    return float(np.mean(predicted == y)) if len(y) else 0.0


def retrain(
    con: duckdb.DuckDBPyConnection,
    base: list[LabelledPair],
    path: Path,
    folds: int = 5,
    current: ParaphraseModel = DEFAULT_MODEL,
    seed: int = 0,
) -> RetrainReport:
    """Refit on BASE plus the corrections, write the model to PATH; score held-out corrections."""
    corrections = correction_pairs(con)
    if not base and not corrections:
        raise StoreError("nothing to fit: no base pairs and no corrections")
    xb, yb = _features(base), np.array([p.label for p in base], float)
    xc, yc = _features(corrections), np.array([p.label for p in corrections], float)
    width = len(DEFAULT_MODEL.coefficients)
    xb, xc = xb.reshape(-1, width), xc.reshape(-1, width)
    before = after = None
    k = min(folds, len(corrections))
    if k >= 2:
        order = list(range(len(corrections)))
        random.Random(seed).shuffle(order)
        right_before = right_after = 0
        for fold in range(k):
            held = [i for n, i in enumerate(order) if n % k == fold]
            kept = [i for n, i in enumerate(order) if n % k != fold]
            model = _fit_all(xb, yb, xc[kept], yc[kept])
            right_after += round(_accuracy(model, xc[held], yc[held]) * len(held))
            right_before += round(_accuracy(current, xc[held], yc[held]) * len(held))
        before, after = right_before / len(corrections), right_after / len(corrections)
    model = _fit_all(xb, yb, xc, yc)
    save_model(
        path,
        model,
        {"base_pairs": len(base), "corrections": len(corrections), "weight": CORRECTION_WEIGHT},
    )
    return RetrainReport(len(base), len(corrections), k, before, after, model, path)


def _fit_all(xb: np.ndarray, yb: np.ndarray, xc: np.ndarray, yc: np.ndarray) -> ParaphraseModel:
    x = np.vstack([xb, xc])
    y = np.concatenate([yb, yc])
    weights = np.concatenate([np.ones(len(yb)), np.full(len(yc), CORRECTION_WEIGHT)])
    return fit(x, y, weights)
