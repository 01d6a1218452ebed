"""Evaluation commands: `monitor eval claims|stories|extraction`."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from monitor.cli import common
from monitor.evals import claims, extraction, stories
from monitor.evals.reversals import REVERSAL_PAIRS


def add_eval(parser: argparse.ArgumentParser) -> None:
    """Tasks of `monitor eval`."""
    tasks = parser.add_subparsers(dest="eval_command", required=True, metavar="TASK")
    claim_pairs = common.add_command(
        tasks,
        "claims",
        claims.main,
        "score claim novelty on paraphrase pairs, STS headlines, ECB+ restatements, "
        "the project's own pairs or the seed articles",
        description="Score claim novelty (`seen` vs new) on one or more data sets; give at least "
        "one of --pairs, --sts, --restatements, --own-pairs, --seed, --reversals. See docs/claims-eval.md.",
        config=False,
    )
    claim_pairs.add_argument(
        "--pairs",
        metavar="FILE",
        help="TSV in MRPC format (Quality, #1 ID, #2 ID, #1 String, #2 String)",
    )
    claim_pairs.add_argument(
        "--folds", type=int, default=0, help="with --pairs: also report k-fold cross-validation"
    )
    claim_pairs.add_argument(
        "--sts", metavar="DIR", help="folder of SemEval STS *.tsv files (e.g. sts-headlines)"
    )
    claim_pairs.add_argument(
        "--restatements",
        metavar="DIR",
        help="ECB+ folder (docs.jsonl) to score the project's restatement pairs against",
    )
    claim_pairs.add_argument(
        "--own-pairs",
        dest="own_pairs",
        metavar="FILE",
        help="the project's labelled pairs (monitor/claims/data/train_pairs.tsv)",
    )
    claim_pairs.add_argument(
        "--seed", metavar="DIR", help="folder with the seed articles 000_*.txt and 003_*.txt"
    )
    claim_pairs.add_argument(
        "--reversals",
        metavar="FILE",
        nargs="?",
        const=str(REVERSAL_PAIRS),
        help="reversal pairs (label, kind, earlier, later); without FILE the shipped held-out set",
    )
    claim_pairs.add_argument(
        "--model", metavar="FILE", help="score this coefficients JSON instead of the shipped model"
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
