"""`python -m bench.claims_calibration PAIRS.tsv`: reliability of the judge's probability in k-fold CV.

Each fold is scored by a model refitted on the other folds (the shipped features); pairs are
binned by probability and each bin shows the share that are paraphrases, so `confidence`
(docs/claims.md) can be read as a frequency.
"""

from __future__ import annotations

import argparse
import random
from itertools import pairwise

import numpy as np

from monitor.evals.claims import feature_matrix, fit_model, read_pairs

BIN_EDGES = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)


def main() -> None:
    """Print the reliability table as Markdown."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("pairs")
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    pairs = read_pairs(args.pairs)
    x = feature_matrix(pairs)
    y = np.array([p.label for p in pairs], dtype=float)
    order = list(range(len(pairs)))
    random.Random(0).shuffle(order)
    p = np.zeros(len(pairs))
    for fold in range(args.folds):
        held = np.array([i for n, i in enumerate(order) if n % args.folds == fold])
        kept = np.array([i for n, i in enumerate(order) if n % args.folds != fold])
        model = fit_model(x[kept], y[kept])
        p[held] = [model.probability(row) for row in x[held]]
    print("| p bin | pairs | mean p | share paraphrase |")
    print("|---|---|---|---|")
    for low, high in pairwise(BIN_EDGES):
        inside = (p >= low) & ((p < high) if high < 1.0 else (p <= high))
        if inside.any():
            print(
                f"| {low:.1f}–{high:.1f} | {int(inside.sum())} | {p[inside].mean():.2f} "
                f"| {y[inside].mean():.2f} |"
            )
    brier = float(np.mean((p - y) ** 2))
    band = float(np.mean((p >= 0.3) & (p < 0.7)))
    print(f"\nBrier score {brier:.3f}; share of pairs in the default band [0.3, 0.7): {band:.2f}")


if __name__ == "__main__":
    main()
