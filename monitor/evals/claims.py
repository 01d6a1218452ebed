"""`monitor eval claims`: score the seen/not-seen judgement on MRPC-format sentence pairs."""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from monitor.claims import (
    DEFAULT_MODEL,
    FEATURE_NAMES,
    Ledger,
    ParaphraseModel,
    pair_features,
    prepare,
)
from monitor.errors import ParseError
from monitor.settings import ClaimSettings

# L2 strength of the refit, as scikit-learn's C (inverse regularisation). 10 was the best of
# 1/3/10/30/100 in 5-fold CV on MRPC-train over three shuffles (1.0 scored 0.3-0.4 points less).
REGULARISATION_C = 10.0


@dataclass
class Pair:
    """One labelled sentence pair: label 1 means the later sentence says what the earlier one did."""

    label: int
    earlier: str
    later: str


@dataclass
class Scores:
    """Binary scores with `seen` as the positive class."""

    pairs: int
    accuracy: float
    precision: float
    recall: float
    f1: float
    pairs_per_s: float  # wall clock
    cpu_pairs_per_s: float = 0.0  # CPU time of this process: fair when the machine is shared
    predicted_changed: int = 0


def read_pairs(path: str | Path) -> list[Pair]:
    """Read a TSV in MRPC format: header, then Quality, #1 ID, #2 ID, #1 String, #2 String."""
    pairs: list[Pair] = []
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
            header = next(reader, None)
            if header is None:
                raise ParseError(f"{path}: empty file, expected an MRPC-format header")
            for line_no, row in enumerate(reader, start=2):
                if not row:
                    continue
                if len(row) != 5 or row[0] not in ("0", "1"):
                    raise ParseError(
                        f"{path}:{line_no}: expected 5 tab-separated columns with label 0 or 1"
                    )
                pairs.append(Pair(int(row[0]), row[3], row[4]))
    except OSError as e:
        raise ParseError(f"{path}: cannot read pairs: {e.strerror or e}") from e
    return pairs


def judge_pairs(
    pairs: list[Pair], settings: ClaimSettings, model: ParaphraseModel = DEFAULT_MODEL
) -> tuple[list[str], float, float]:
    """The product's verdict (new/seen/changed) for each pair; wall and CPU seconds it took."""
    started, started_cpu = time.perf_counter(), time.process_time()
    statuses = []
    for pair in pairs:
        ledger = Ledger(settings, model)
        ledger.add(prepare(pair.earlier), 0)
        statuses.append(ledger.judge(prepare(pair.later)).status)
    return statuses, time.perf_counter() - started, time.process_time() - started_cpu


def model_only_statuses(
    pairs: list[Pair], features: np.ndarray, model: ParaphraseModel, threshold_pct: float
) -> list[str]:
    """Seen when the paraphrase model alone says so: no containment, clause or change rules."""
    return ["seen" if model.probability(row) * 100 >= threshold_pct else "new" for row in features]


def score(
    pairs: list[Pair], statuses: list[str], seconds: float, cpu_seconds: float = 0.0
) -> Scores:
    """Accuracy, precision, recall and F1 of `seen` against label 1."""
    tp = sum(p.label == 1 and s == "seen" for p, s in zip(pairs, statuses))
    fp = sum(p.label == 0 and s == "seen" for p, s in zip(pairs, statuses))
    fn = sum(p.label == 1 and s != "seen" for p, s in zip(pairs, statuses))
    tn = len(pairs) - tp - fp - fn
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(
        pairs=len(pairs),
        accuracy=(tp + tn) / len(pairs) if pairs else 0.0,
        precision=precision,
        recall=recall,
        f1=f1,
        pairs_per_s=len(pairs) / seconds if seconds > 0 else 0.0,
        cpu_pairs_per_s=len(pairs) / cpu_seconds if cpu_seconds > 0 else 0.0,
        predicted_changed=sum(s == "changed" for s in statuses),
    )


def feature_matrix(pairs: list[Pair]) -> np.ndarray:
    """FEATURE_NAMES for every pair."""
    return np.array(
        [pair_features(prepare(p.earlier), prepare(p.later)) for p in pairs], dtype=float
    )


def fit_model(
    features: np.ndarray, labels: np.ndarray, c: float = REGULARISATION_C
) -> ParaphraseModel:
    """L2-regularised logistic regression by Newton's method (what the shipped numbers come from)."""
    rows, width = features.shape
    x = np.hstack([np.ones((rows, 1)), features])
    w = np.zeros(width + 1)
    penalty = np.full(width + 1, 1.0 / c)
    penalty[0] = 0.0  # the intercept is not shrunk
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ w, -40, 40)))
        gradient = x.T @ (p - labels) + penalty * w
        hessian = (x * (p * (1 - p))[:, None]).T @ x + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return ParaphraseModel(tuple(round(float(v), 4) for v in w[1:]), round(float(w[0]), 4))


def cross_validate(
    pairs: list[Pair], folds: int, settings: ClaimSettings, seed: int = 0
) -> tuple[Scores, list[Scores], Scores]:
    """Fit on k-1 folds, judge the held-out fold with the full product judgement; pool the folds.

    Also returns the pooled held-out score of the paraphrase model alone, for comparison.
    """
    order = list(range(len(pairs)))
    random.Random(seed).shuffle(order)
    features = feature_matrix(pairs)
    labels = np.array([p.label for p in pairs], dtype=float)
    statuses: list[str] = [""] * len(pairs)
    model_statuses: list[str] = [""] * len(pairs)
    per_fold: list[Scores] = []
    seconds = cpu_seconds = 0.0
    for fold in range(folds):
        held = order[fold::folds]
        held_set = set(held)
        train = [i for i in order if i not in held_set]
        model = fit_model(features[train], labels[train])
        fold_pairs = [pairs[i] for i in held]
        fold_statuses, fold_seconds, fold_cpu = judge_pairs(fold_pairs, settings, model)
        seconds += fold_seconds
        cpu_seconds += fold_cpu
        per_fold.append(score(fold_pairs, fold_statuses, fold_seconds, fold_cpu))
        alone = model_only_statuses(fold_pairs, features[held], model, settings.seen_threshold_pct)
        for i, status, status_alone in zip(held, fold_statuses, alone):
            statuses[i] = status
            model_statuses[i] = status_alone
    return score(pairs, statuses, seconds, cpu_seconds), per_fold, score(pairs, model_statuses, 0.0)


def main(args: argparse.Namespace) -> int:
    """Run the evaluation and print the figures."""
    settings = ClaimSettings()
    pairs = read_pairs(args.pairs)
    if not pairs:
        raise ParseError(f"{args.pairs}: no pairs")
    positives = sum(p.label for p in pairs)
    statuses, seconds, cpu_seconds = judge_pairs(pairs, settings)
    shipped = score(pairs, statuses, seconds, cpu_seconds)
    out: dict[str, object] = {
        "pairs_file": str(args.pairs),
        "pairs": len(pairs),
        "positive_share": positives / len(pairs),
        "shipped_model": asdict(shipped),
    }
    if args.folds and args.folds >= 2:
        if len(pairs) < args.folds:
            raise ParseError(f"{args.pairs}: {len(pairs)} pairs cannot make {args.folds} folds")
        pooled, per_fold, model_alone = cross_validate(pairs, args.folds, settings)
        accuracies = [f.accuracy for f in per_fold]
        refit = fit_model(feature_matrix(pairs), np.array([p.label for p in pairs], dtype=float))
        out["cross_validation"] = {
            "folds": args.folds,
            "pooled": asdict(pooled),
            "accuracy_per_fold": accuracies,
            "accuracy_std": float(np.std(accuracies)),
            "model_alone": {k: v for k, v in asdict(model_alone).items() if "per_s" not in k},
        }
        out["refit_on_all_pairs"] = {
            "intercept": refit.intercept,
            "coefficients": dict(zip(FEATURE_NAMES, refit.coefficients)),
        }
    if args.format == "json":
        json.dump(out, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    print(
        f"pairs: {len(pairs)} ({positives / len(pairs):.1%} paraphrases; always 'seen' scores that accuracy)"
    )
    _print_scores("shipped model (fitted on MRPC-train: in-sample there)", shipped)
    if "cross_validation" in out:
        cv = out["cross_validation"]
        assert isinstance(cv, dict)
        _print_scores(
            f"{cv['folds']}-fold cross-validation (refit per fold, held-out scored)", pooled
        )
        print(
            f"  accuracy per fold: {', '.join(f'{a:.3f}' for a in cv['accuracy_per_fold'])}"
            f" (std {cv['accuracy_std']:.3f})"
        )
        print(
            f"  paraphrase model alone, same folds (no containment/clause/changed rules): accuracy "
            f"{model_alone.accuracy:.3f}  precision {model_alone.precision:.3f}  recall "
            f"{model_alone.recall:.3f}  F1 {model_alone.f1:.3f}"
        )
        print(
            f"  refit on all pairs: intercept {refit.intercept}, coefficients {list(refit.coefficients)}"
        )
    return 0


def _print_scores(title: str, s: Scores) -> None:
    print(f"{title}:")
    print(
        f"  accuracy {s.accuracy:.3f}  precision {s.precision:.3f}  recall {s.recall:.3f}  "
        f"F1 {s.f1:.3f}  ({s.pairs} pairs, {s.pairs_per_s:,.0f} pairs/s wall, "
        f"{s.cpu_pairs_per_s:,.0f} pairs/s CPU, {s.predicted_changed} judged changed)"
    )
