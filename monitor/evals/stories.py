"""`monitor eval stories`: score the online story linker on ECB+-style JSONL (gold = subtopic).

Each document is `title + " " + text`. Dates are not passed: in ECB+ only the ecbplus half has a
(free-text) date, so a date's mere presence would leak the gold split.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import random
import re
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Hashable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from monitor.errors import ConfigError
from monitor.settings import LinkingSettings
from monitor.stories import Doc, cluster_documents
from monitor.stories.terms import _STOPWORDS

METRICS = ("pairwise_p", "pairwise_r", "pairwise_f1", "bcubed_p", "bcubed_r", "bcubed_f1")


def load_documents(path: str | Path) -> list[dict[str, Any]]:
    """Read the JSONL documents (doc_id, subtopic, title, text, optional split)."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise ConfigError(f"{path}: cannot read documents: {e}") from e
    return [json.loads(line) for line in lines if line.strip()]


def _pairs(labels: Sequence[Hashable]) -> set[tuple[int, int]]:
    groups: dict[Hashable, list[int]] = defaultdict(list)
    for index, label in enumerate(labels):
        groups[label].append(index)
    return {pair for members in groups.values() for pair in itertools.combinations(members, 2)}


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def score_clustering(gold: Sequence[Hashable], predicted: Sequence[Hashable]) -> dict[str, float]:
    """Pairwise and B-cubed precision, recall and F1 of a clustering against gold labels."""
    gold_pairs, predicted_pairs = _pairs(gold), _pairs(predicted)
    hits = len(gold_pairs & predicted_pairs)
    pair_p = hits / len(predicted_pairs) if predicted_pairs else 1.0
    pair_r = hits / len(gold_pairs) if gold_pairs else 1.0
    gold_members: dict[Hashable, set[int]] = defaultdict(set)
    predicted_members: dict[Hashable, set[int]] = defaultdict(set)
    for index, (g, p) in enumerate(zip(gold, predicted, strict=True)):
        gold_members[g].add(index)
        predicted_members[p].add(index)
    b_p = b_r = 0.0
    for index, (g, p) in enumerate(zip(gold, predicted, strict=True)):
        common = len(gold_members[g] & predicted_members[p])
        b_p += common / len(predicted_members[p])
        b_r += common / len(gold_members[g])
    n = len(gold) or 1
    b_p, b_r = b_p / n, b_r / n
    return {
        "pairwise_p": pair_p,
        "pairwise_r": pair_r,
        "pairwise_f1": _f1(pair_p, pair_r),
        "bcubed_p": b_p,
        "bcubed_r": b_r,
        "bcubed_f1": _f1(b_p, b_r),
    }


def run_order(
    records: Sequence[dict[str, Any]], order: Sequence[int], settings: LinkingSettings
) -> dict[str, float]:
    """Cluster the records in the given order and score against their subtopics."""
    docs = [
        Doc(
            id=records[i]["doc_id"],
            title=records[i].get("title") or "",
            text=records[i].get("text") or "",
        )
        for i in order
    ]
    decisions = cluster_documents(docs, settings)
    predicted = [0] * len(records)
    for i, decision in zip(order, decisions, strict=True):
        predicted[i] = decision.story_id
    scores = score_clustering([r["subtopic"] for r in records], predicted)
    scores["clusters"] = float(len(set(predicted)))
    return scores


def evaluate(
    records: Sequence[dict[str, Any]], shuffles: int, settings: LinkingSettings
) -> dict[str, Any]:
    """Scores in corpus order and mean/sd over seeded shuffled orders."""
    started = time.perf_counter()
    corpus = run_order(records, list(range(len(records))), settings)
    runs = [
        run_order(records, random.Random(seed).sample(range(len(records)), len(records)), settings)
        for seed in range(shuffles)
    ]
    result: dict[str, Any] = {
        "documents": len(records),
        "gold_clusters": len({r["subtopic"] for r in records}),
        "corpus_order": {k: round(v, 4) for k, v in corpus.items()},
        "shuffles": shuffles,
        "seconds": round(time.perf_counter() - started, 2),
    }
    if runs:
        result["shuffled_mean"] = {
            k: round(statistics.mean(r[k] for r in runs), 4) for k in runs[0]
        }
        result["shuffled_sd"] = {
            k: round(statistics.pstdev(r[k] for r in runs), 4) for k in runs[0]
        }
    return result


# --- the anchor: batch TF-IDF + k-means that is told the number of clusters ----------------------

_WORD = re.compile(r"[a-z0-9]+")
BASELINE_SEEDS = 5  # k-means runs per split, each the best of BASELINE_RESTARTS starts
BASELINE_RESTARTS = 10
BASELINE_ITERATIONS_MAX = 100


def tfidf_matrix(texts: Sequence[str]) -> np.ndarray:
    """Unit-length TF-IDF rows (sublinear term frequency, smoothed IDF, stop words left out)."""
    rows: list[dict[int, float]] = []
    vocabulary: dict[str, int] = {}
    for text in texts:
        counts: dict[int, float] = defaultdict(float)
        for word in _WORD.findall(text.lower()):
            if word not in _STOPWORDS and len(word) > 1:
                counts[vocabulary.setdefault(word, len(vocabulary))] += 1.0
        rows.append(counts)
    df = np.zeros(len(vocabulary))
    for counts in rows:
        df[list(counts)] += 1
    weights = np.log((1 + len(texts)) / (1 + df)) + 1.0
    matrix = np.zeros((len(texts), max(1, len(vocabulary))), dtype=np.float32)
    for row, counts in enumerate(rows):
        if counts:
            columns = np.fromiter(counts, dtype=np.int64)
            tf = np.fromiter(counts.values(), dtype=np.float64)
            matrix[row, columns] = (1.0 + np.log(tf)) * weights[columns]
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1.0, norms)


def kmeans(
    matrix: np.ndarray, k: int, rng: np.random.Generator, restarts: int = BASELINE_RESTARTS
) -> np.ndarray:
    """Cluster labels of the rows: Lloyd's k-means from greedy k-means++ starts, lowest inertia kept."""
    n = matrix.shape[0]
    k = min(k, n)
    squared = (matrix.astype(np.float64) ** 2).sum(axis=1)
    tries = 2 + int(math.log(k))  # candidates per greedy k-means++ step, as scikit-learn does

    def distances_to(rows: np.ndarray) -> np.ndarray:
        gram = squared[:, None] - 2.0 * (matrix @ rows.T)
        result: np.ndarray = np.maximum(gram + (rows.astype(np.float64) ** 2).sum(axis=1), 0.0)
        return result

    best_labels, best_inertia = np.zeros(n, dtype=np.int64), math.inf
    for _ in range(restarts):
        picks = [int(rng.integers(n))]
        nearest = distances_to(matrix[picks])[:, 0]
        for _ in range(1, k):
            total = nearest.sum()
            candidates = (
                rng.choice(n, size=tries, p=nearest / total)
                if total > 0
                else rng.integers(n, size=tries)
            )
            options = np.minimum(nearest[:, None], distances_to(matrix[candidates]))
            choice = int(options.sum(axis=0).argmin())
            picks.append(int(candidates[choice]))
            nearest = options[:, choice]
        centers = matrix[picks].astype(np.float64)
        labels = np.full(n, -1)
        for _ in range(BASELINE_ITERATIONS_MAX):
            distances = distances_to(centers)
            new_labels = distances.argmin(axis=1)
            if np.array_equal(new_labels, labels):
                break
            labels = new_labels
            for j in range(k):
                members = labels == j
                if members.any():
                    centers[j] = matrix[members].mean(axis=0)
        inertia = float(distances[np.arange(n), labels].sum())
        if inertia < best_inertia:
            best_labels, best_inertia = labels, inertia
    return best_labels


def kmeans_baseline(
    records: Sequence[dict[str, Any]], seeds: int = BASELINE_SEEDS
) -> dict[str, Any]:
    """Pairwise and B-cubed scores of the anchor, told k: over all documents, and k=2 within each gold topic."""
    matrix = tfidf_matrix([f"{r.get('title') or ''} {r.get('text') or ''}" for r in records])
    gold = [r["subtopic"] for r in records]
    topics: dict[Hashable, list[int]] = defaultdict(list)
    for index, record in enumerate(records):
        topics[record.get("topic", record["subtopic"])].append(index)
    told_k, per_topic = [], []
    for seed in range(seeds):
        rng = np.random.default_rng(seed)
        told_k.append(score_clustering(gold, kmeans(matrix, len(set(gold)), rng).tolist()))
        predicted: list[Hashable] = [None] * len(records)
        for topic, members in topics.items():
            k = len({gold[i] for i in members})
            for i, label in zip(members, kmeans(matrix[members], k, rng).tolist(), strict=True):
                predicted[i] = (topic, label)
        per_topic.append(score_clustering(gold, predicted))

    def summary(runs: list[dict[str, float]]) -> dict[str, Any]:
        return {
            "mean": {k: round(statistics.mean(r[k] for r in runs), 4) for k in runs[0]},
            "sd": {k: round(statistics.pstdev(r[k] for r in runs), 4) for k in runs[0]},
        }

    return {"seeds": seeds, "told_k": summary(told_k), "told_topic_and_k": summary(per_topic)}


def evaluate_file(
    path: str | Path, shuffles: int, settings: LinkingSettings, baseline: bool = False
) -> dict[str, Any]:
    """Evaluate each split on its own, then all documents together (and the anchor when BASELINE)."""
    records = load_documents(path)
    splits: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        splits[str(record.get("split_cybulska_vossen") or record.get("split") or "all")].append(
            record
        )
    report: dict[str, Any] = {"settings": settings.model_dump(), "splits": {}}
    if len(splits) > 1:
        for name in sorted(splits, key=lambda s: (s != "train", s)):
            report["splits"][name] = evaluate(splits[name], shuffles, settings)
    report["splits"]["overall"] = evaluate(records, shuffles, settings)
    if baseline:
        for name, result in report["splits"].items():
            result["baseline"] = kmeans_baseline(splits.get(name, records))
    return report


def format_table(report: dict[str, Any]) -> str:
    """Plain-text table of a report."""
    lines = [
        (
            f"{'split':8} {'order':9} {'pair P':>7} {'pair R':>7} {'pair F1':>8} "
            f"{'B3 P':>7} {'B3 R':>7} {'B3 F1':>7} {'clusters':>9}"
        )
    ]
    for name, result in report["splits"].items():
        rows = [("corpus", result["corpus_order"], None)]
        if "shuffled_mean" in result:
            rows.append(
                (f"shuf×{result['shuffles']}", result["shuffled_mean"], result["shuffled_sd"])
            )
        for key, label in (("told_k", "kmeans k"), ("told_topic_and_k", "km topic")):
            if "baseline" in result:
                told = result["baseline"][key]
                rows.append(
                    (label, {**told["mean"], "clusters": result["gold_clusters"]}, told["sd"])
                )
        for label, values, sd in rows:
            cells = []
            for key in (*METRICS, "clusters"):
                text = f"{values[key]:.3f}" if key != "clusters" else f"{values[key]:.1f}"
                if sd is not None and key in ("pairwise_f1", "bcubed_f1"):
                    text += f"±{sd[key]:.3f}"
                cells.append(text)
            lines.append(
                f"{name:8} {label:9} {cells[0]:>7} {cells[1]:>7} {cells[2]:>8} {cells[3]:>7} "
                f"{cells[4]:>7} {cells[5]:>7} {cells[6]:>9}"
            )
        lines.append(
            f"{'':8} ({result['documents']} documents, {result['gold_clusters']} gold clusters)"
        )
    if any("baseline" in result for result in report["splits"].values()):
        lines.append(
            "kmeans k: batch TF-IDF + k-means told the gold number of clusters; km topic: also told each"
            f" gold topic, k-means within it (mean of {BASELINE_SEEDS} seeds, best of {BASELINE_RESTARTS} starts each)"
        )
    return "\n".join(lines)


def main(args: argparse.Namespace) -> int:
    """Entry point of `monitor eval stories`."""
    overrides = dict(item.split("=", 1) for item in getattr(args, "set", None) or [])
    settings = LinkingSettings.model_validate(overrides) if overrides else LinkingSettings()
    report = evaluate_file(
        args.docs, args.shuffles, settings, baseline=getattr(args, "baseline", False)
    )
    if args.format == "json":
        json.dump(report, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print(format_table(report))
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description="score online story linking (with setting overrides)"
    )
    parser.add_argument("docs")
    parser.add_argument("--shuffles", type=int, default=5)
    parser.add_argument("--format", choices=["table", "json"], default="table")
    parser.add_argument(
        "--baseline", action="store_true", help="also score the k-means anchor told k"
    )
    parser.add_argument(
        "--set", action="append", metavar="KEY=VALUE", help="override a [linking] setting"
    )
    sys.exit(main(parser.parse_args()))
