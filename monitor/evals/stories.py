"""`monitor eval stories`: score the online story linker on ECB+-style JSONL (gold = subtopic).

Each document is `title + " " + text`. Dates are not passed: in ECB+ only the ecbplus half has a
(free-text) date, so a date's mere presence would leak the gold split.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Hashable, Sequence
from pathlib import Path
from typing import Any

from monitor.errors import ConfigError
from monitor.settings import LinkingSettings
from monitor.stories import Doc, cluster_documents

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
        "pairwise_p": pair_p, "pairwise_r": pair_r, "pairwise_f1": _f1(pair_p, pair_r),
        "bcubed_p": b_p, "bcubed_r": b_r, "bcubed_f1": _f1(b_p, b_r),
    }


def run_order(records: Sequence[dict[str, Any]], order: Sequence[int], settings: LinkingSettings) -> dict[str, float]:
    """Cluster the records in the given order and score against their subtopics."""
    docs = [
        Doc(id=records[i]["doc_id"], title=records[i].get("title") or "", text=records[i].get("text") or "")
        for i in order
    ]
    decisions = cluster_documents(docs, settings)
    predicted = [0] * len(records)
    for i, decision in zip(order, decisions, strict=True):
        predicted[i] = decision.story_id
    scores = score_clustering([r["subtopic"] for r in records], predicted)
    scores["clusters"] = float(len(set(predicted)))
    return scores


def evaluate(records: Sequence[dict[str, Any]], shuffles: int, settings: LinkingSettings) -> dict[str, Any]:
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
        result["shuffled_mean"] = {k: round(statistics.mean(r[k] for r in runs), 4) for k in runs[0]}
        result["shuffled_sd"] = {
            k: round(statistics.pstdev(r[k] for r in runs), 4) for k in runs[0]
        }
    return result


def evaluate_file(path: str | Path, shuffles: int, settings: LinkingSettings) -> dict[str, Any]:
    """Evaluate each split on its own, then all documents together."""
    records = load_documents(path)
    splits: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        splits[str(record.get("split_cybulska_vossen") or record.get("split") or "all")].append(record)
    report: dict[str, Any] = {"settings": settings.model_dump(), "splits": {}}
    if len(splits) > 1:
        for name in sorted(splits, key=lambda s: (s != "train", s)):
            report["splits"][name] = evaluate(splits[name], shuffles, settings)
    report["splits"]["overall"] = evaluate(records, shuffles, settings)
    return report


def format_table(report: dict[str, Any]) -> str:
    """Plain-text table of a report."""
    lines = [
        f"{'split':8} {'order':9} {'pair P':>7} {'pair R':>7} {'pair F1':>8} "
        f"{'B3 P':>7} {'B3 R':>7} {'B3 F1':>7} {'clusters':>9}"
    ]
    for name, result in report["splits"].items():
        rows = [("corpus", result["corpus_order"], None)]
        if "shuffled_mean" in result:
            rows.append((f"shuf×{result['shuffles']}", result["shuffled_mean"], result["shuffled_sd"]))
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
        lines.append(f"{'':8} ({result['documents']} documents, {result['gold_clusters']} gold clusters)")
    return "\n".join(lines)


def main(args: argparse.Namespace) -> int:
    """Entry point of `monitor eval stories`."""
    overrides = dict(item.split("=", 1) for item in getattr(args, "set", None) or [])
    settings = LinkingSettings.model_validate(overrides) if overrides else LinkingSettings()
    report = evaluate_file(args.docs, args.shuffles, settings)
    if args.format == "json":
        json.dump(report, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print(format_table(report))
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="score online story linking (with setting overrides)")
    parser.add_argument("docs")
    parser.add_argument("--shuffles", type=int, default=5)
    parser.add_argument("--format", choices=["table", "json"], default="table")
    parser.add_argument("--set", action="append", metavar="KEY=VALUE", help="override a [linking] setting")
    sys.exit(main(parser.parse_args()))
