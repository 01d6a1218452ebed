"""Evaluation commands: `monitor eval claims|stories|extraction`."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from monitor.cli import common
from monitor.evals import claims, extraction, stories


def add_eval(parser: argparse.ArgumentParser) -> None:
    """Tasks of `monitor eval`."""
    tasks = parser.add_subparsers(dest="eval_command", required=True, metavar="TASK")
    claim_pairs = common.add_command(
        tasks, "claims", claims.main, "score claim novelty on MRPC-format pairs", config=False
    )
    claim_pairs.add_argument(
        "--pairs",
        required=True,
        help="TSV in MRPC format (Quality, #1 ID, #2 ID, #1 String, #2 String)",
    )
    claim_pairs.add_argument(
        "--folds", type=int, default=0, help="also report k-fold cross-validation"
    )
    common.add_format(claim_pairs)
    linking = common.add_command(
        tasks,
        "stories",
        stories.main,
        "score online story linking on ECB+-style JSONL",
        config=False,
    )
    linking.add_argument("docs", help="JSONL with doc_id, subtopic, title, text")
    linking.add_argument("--shuffles", type=int, default=5, help="shuffled orders to average over")
    linking.add_argument(
        "--baseline",
        action="store_true",
        help="also score batch TF-IDF + k-means told the true number of clusters "
        "(the issue's anchor)",
    )
    common.add_format(linking)
    pages = common.add_command(
        tasks,
        "extraction",
        extraction.main,
        "score page extraction on trafilatura's benchmark",
        config=False,
    )
    pages.add_argument("dataset", help="folder with evaldata.json and html/")
    pages.add_argument("--limit", type=int, default=0, help="score only the first N pages")
    common.add_format(pages)


COMMANDS: dict[str, Callable[[argparse.ArgumentParser], None]] = {"eval": add_eval}
