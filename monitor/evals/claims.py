"""`monitor eval claims`: score the seen/new judgement on MRPC, STS headlines, ECB+ restatements,
the project's own pairs and the seed pair."""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import time
import zlib
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
    segment,
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


# --- STS headlines: graded similarity cut into same claim / different claim -----------------------

# SemEval STS scores run 0 (unrelated) to 5 (same meaning); the middle band is left out.
STS_SEEN_MIN_SCORE = 4.0
STS_NEW_MAX_SCORE = 2.0


def balanced_accuracy(labels: list[int], statuses: list[str]) -> float:
    """Mean of the recall of `seen` on label 1 and of not-`seen` on label 0."""
    positives = [s == "seen" for label, s in zip(labels, statuses) if label == 1]
    negatives = [s != "seen" for label, s in zip(labels, statuses) if label == 0]
    rates = [sum(side) / len(side) for side in (positives, negatives) if side]
    return sum(rates) / len(rates) if rates else 0.0


def read_sts(path: str | Path) -> list[Pair]:
    """STS pairs (score, text1, text2; no header) with score >= 4 as seen, <= 2 as new."""
    pairs: list[Pair] = []
    try:
        with open(path, encoding="utf-8") as handle:
            for line_no, line in enumerate(handle, start=1):
                row = line.rstrip("\n").split("\t")
                if row == [""]:
                    continue
                try:
                    if len(row) != 3:
                        raise ValueError
                    value = float(row[0])
                except ValueError:
                    raise ParseError(
                        f"{path}:{line_no}: expected score, text1, text2 separated by tabs"
                    ) from None
                if value >= STS_SEEN_MIN_SCORE:
                    pairs.append(Pair(1, row[1].strip(), row[2].strip()))
                elif value <= STS_NEW_MAX_SCORE:
                    pairs.append(Pair(0, row[1].strip(), row[2].strip()))
    except OSError as e:
        raise ParseError(f"{path}: cannot read STS pairs: {e.strerror or e}") from e
    return pairs


def scored_set(
    pairs: list[Pair], settings: ClaimSettings, model: ParaphraseModel
) -> dict[str, object]:
    """The judge's binary scores and balanced accuracy on one set of pairs."""
    statuses, seconds, cpu_seconds = judge_pairs(pairs, settings, model)
    out = {k: v for k, v in asdict(score(pairs, statuses, seconds, cpu_seconds)).items()}
    out["balanced_accuracy"] = balanced_accuracy([p.label for p in pairs], statuses)
    out["seen_share"] = sum(p.label for p in pairs) / len(pairs) if pairs else 0.0
    return out


def eval_sts(
    folder: str | Path, settings: ClaimSettings, model: ParaphraseModel
) -> dict[str, object]:
    """Scores per STS file and over all of them."""
    files = sorted(Path(folder).glob("*.tsv"))
    if not files:
        raise ParseError(f"{folder}: no *.tsv files of STS pairs (score, text1, text2)")
    per_file: dict[str, object] = {}
    everything: list[Pair] = []
    for path in files:
        pairs = read_sts(path)
        everything += pairs
        per_file[path.name] = scored_set(pairs, settings, model)
    return {"files": per_file, "overall": scored_set(everything, settings, model)}


# --- documents judged against documents: the seed pair and ECB+ -----------------------------------


def document_ledger(text: str, settings: ClaimSettings, model: ParaphraseModel) -> Ledger:
    """A ledger of every claim sentence of one document, as the pipeline would build it."""
    ledger = Ledger(settings, model)
    for seg in segment(text, settings):
        if seg.skip_reason is None:
            ledger.add(prepare(seg.text), 0)
    return ledger


# The seed pair: 003 re-writes the Wall Street Journal report that 000 carried. This sentence of
# 003 is in no form in 000, so a judge that calls it seen hides real news.
SEED_MUST_BE_NEW = "urged “Israel” to pause its strikes at least twice"


def eval_seed(
    folder: str | Path, settings: ClaimSettings, model: ParaphraseModel
) -> dict[str, object]:
    """Every sentence of the seed's 003 judged against 000; verdicts, counts and the must-be-new check."""
    root = Path(folder)
    earlier_files = sorted(root.glob("000_*.txt"))
    later_files = sorted(root.glob("003_*.txt"))
    if not earlier_files or not later_files:
        raise ParseError(f"{folder}: expected the seed pair 000_*.txt and 003_*.txt")
    try:
        earlier = earlier_files[0].read_text(encoding="utf-8")
        later = later_files[0].read_text(encoding="utf-8")
    except OSError as e:
        raise ParseError(f"{folder}: cannot read the seed pair: {e.strerror or e}") from e
    ledger = document_ledger(earlier, settings, model)
    verdicts: list[dict[str, object]] = []
    for seg in segment(later, settings):
        if seg.skip_reason is not None:
            verdicts.append({"sentence": seg.text, "status": "skipped", "reason": seg.skip_reason})
            continue
        verdict = ledger.judge(prepare(seg.text))
        row: dict[str, object] = {"sentence": seg.text, "status": verdict.status}
        if verdict.entry_index is not None:
            row["match"] = ledger.entries[verdict.entry_index].text
            row["score"] = round(verdict.score, 3)
        if verdict.change:
            row["change"] = verdict.change
        verdicts.append(row)
    counts = {
        k: sum(v["status"] == k for v in verdicts) for k in ("new", "seen", "changed", "skipped")
    }
    must = [v for v in verdicts if SEED_MUST_BE_NEW in str(v["sentence"])]
    return {
        "earlier": earlier_files[0].name,
        "later": later_files[0].name,
        "counts": counts,
        "pause_sentence_is_new": bool(must) and all(v["status"] == "new" for v in must),
        "verdicts": verdicts,
    }


# The project's labels for ECB+ sentence pairs: references into ../shared only, never the text.
RESTATEMENT_LABELS = Path(__file__).parent / "data" / "ecbplus_restatements.tsv"
RESTATEMENT_COLUMNS = (
    "earlier_doc",
    "earlier_start",
    "earlier_end",
    "later_doc",
    "later_start",
    "later_end",
    "crc32",
    "label",
    "note",
)


@dataclass
class Restatement:
    """One labelled ECB+ pair: does the later span's claim appear in the earlier document?"""

    earlier_doc: str
    earlier_span: tuple[int, int]
    later_doc: str
    later_span: tuple[int, int]
    crc32: str
    label: int  # 1 restated, 0 adds or changes a fact
    note: str


def ecb_document_text(record: dict[str, object]) -> str:
    """The text an ECB+ document's spans point into: title, a space, then the rest."""
    return f"{record.get('title') or ''} {record.get('text') or ''}"


def span_checksum(earlier: str, later: str) -> str:
    """CRC-32 of the two spans, so a changed copy of the corpus fails loudly instead of silently."""
    return f"{zlib.crc32((earlier + chr(10) + later).encode('utf-8')):08x}"


def read_restatements(path: str | Path = RESTATEMENT_LABELS) -> list[Restatement]:
    """The labelled ECB+ references, in file order."""
    rows: list[Restatement] = []
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
            if tuple(reader.fieldnames or ()) != RESTATEMENT_COLUMNS:
                raise ParseError(f"{path}: expected the columns {', '.join(RESTATEMENT_COLUMNS)}")
            for line_no, row in enumerate(reader, start=2):
                if row["label"] not in ("restated", "new"):
                    raise ParseError(f"{path}:{line_no}: label must be restated or new")
                rows.append(
                    Restatement(
                        row["earlier_doc"],
                        (int(row["earlier_start"]), int(row["earlier_end"])),
                        row["later_doc"],
                        (int(row["later_start"]), int(row["later_end"])),
                        row["crc32"],
                        int(row["label"] == "restated"),
                        row["note"],
                    )
                )
    except OSError as e:
        raise ParseError(f"{path}: cannot read restatement labels: {e.strerror or e}") from e
    except ValueError as e:
        raise ParseError(f"{path}: bad span offset: {e}") from e
    return rows


def read_ecb_documents(folder: str | Path) -> dict[str, str]:
    """ECB+ documents by doc_id from FOLDER/docs.jsonl (the project keeps none of their text)."""
    path = Path(folder) / "docs.jsonl"
    if not path.is_file():
        raise ParseError(
            f"{path}: not found; the ECB+ restatement set reads its text from the shared data "
            "folder at run time (../shared/data/ecbplus-traindev), which is not part of the project"
        )
    documents: dict[str, str] = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                record = json.loads(line)
                documents[str(record["doc_id"])] = ecb_document_text(record)
    return documents


def restatement_pairs(
    folder: str | Path, labels: str | Path = RESTATEMENT_LABELS
) -> tuple[list[Restatement], list[Pair], list[str]]:
    """The labelled references resolved to text: pairs (earlier sentence, later) and earlier documents."""
    documents = read_ecb_documents(folder)
    rows = read_restatements(labels)
    pairs: list[Pair] = []
    earlier_docs: list[str] = []
    for row in rows:
        for doc in (row.earlier_doc, row.later_doc):
            if doc not in documents:
                raise ParseError(f"{folder}: ECB+ document {doc} is missing from docs.jsonl")
        earlier = documents[row.earlier_doc][row.earlier_span[0] : row.earlier_span[1]]
        later = documents[row.later_doc][row.later_span[0] : row.later_span[1]]
        if span_checksum(earlier, later) != row.crc32:
            raise ParseError(
                f"{labels}: spans of {row.earlier_doc} / {row.later_doc} no longer match their "
                "checksum: this docs.jsonl is not the copy the labels were made on"
            )
        pairs.append(Pair(row.label, earlier, later))
        earlier_docs.append(documents[row.earlier_doc])
    return rows, pairs, earlier_docs


def eval_restatements(
    folder: str | Path,
    settings: ClaimSettings,
    model: ParaphraseModel,
    labels: str | Path = RESTATEMENT_LABELS,
) -> dict[str, object]:
    """The later sentence judged against the whole earlier document, and against its sentence alone."""
    rows, pairs, earlier_docs = restatement_pairs(folder, labels)
    started, started_cpu = time.perf_counter(), time.process_time()
    ledgers: dict[str, Ledger] = {}
    statuses = []
    for row, pair, text in zip(rows, pairs, earlier_docs):
        ledger = ledgers.get(row.earlier_doc)
        if ledger is None:
            ledger = ledgers[row.earlier_doc] = document_ledger(text, settings, model)
        statuses.append(ledger.judge(prepare(pair.later)).status)
    doc_scores = asdict(
        score(pairs, statuses, time.perf_counter() - started, time.process_time() - started_cpu)
    )
    doc_scores["balanced_accuracy"] = balanced_accuracy([p.label for p in pairs], statuses)
    restated = [s for p, s in zip(pairs, statuses) if p.label == 1]
    doc_scores["restated_judged_new_share"] = (
        sum(s == "new" for s in restated) / len(restated) if restated else 0.0
    )
    return {
        "labels": Path(labels).name,
        "pairs": len(pairs),
        "restated_share": sum(p.label for p in pairs) / len(pairs) if pairs else 0.0,
        "against_document": doc_scores,
        "against_sentence": scored_set(pairs, settings, model),
    }


# --- the project's own labelled pairs (the shipped model's training data) --------------------------


def eval_own_pairs(
    path: str | Path, settings: ClaimSettings, model: ParaphraseModel
) -> dict[str, object]:
    """Three-way verdicts on the project's pairs: share right per kind, and seen-vs-rest scores."""
    from monitor.evals.train_claims import read_train_pairs

    rows = read_train_pairs(path)
    statuses = []
    for row in rows:
        ledger = document_ledger(row.earlier, settings, model)
        statuses.append(ledger.judge(prepare(row.later)).status)
    pairs = [Pair(int(r.label == "seen"), r.earlier, r.later) for r in rows]
    by_kind: dict[str, list[bool]] = {}
    for row, status in zip(rows, statuses):
        by_kind.setdefault(f"{row.label}/{row.kind}", []).append(status == row.label)
    out = {k: v for k, v in asdict(score(pairs, statuses, 0.0)).items() if "per_s" not in k}
    out["balanced_accuracy"] = balanced_accuracy([p.label for p in pairs], statuses)
    out["three_way_accuracy"] = sum(s == r.label for r, s in zip(rows, statuses)) / len(rows)
    out["right_share_by_kind"] = {k: sum(v) / len(v) for k, v in sorted(by_kind.items())}
    out["count_by_kind"] = {k: len(v) for k, v in sorted(by_kind.items())}
    return out


def main(args: argparse.Namespace) -> int:
    """Run the evaluations asked for and print the figures."""
    settings = ClaimSettings()
    model = DEFAULT_MODEL
    model_file = getattr(args, "model", None)
    if model_file:
        from monitor.evals.train_claims import read_model_file

        model = read_model_file(model_file)
    out: dict[str, object] = {}
    if model_file:
        out["model_file"] = str(model_file)
    pairs_file = getattr(args, "pairs", None)
    if pairs_file:
        out.update(_mrpc(args, settings, model))
    for option, key, run in (
        ("sts", "sts", eval_sts),
        ("restatements", "ecbplus_restatements", eval_restatements),
        ("own_pairs", "own_pairs", eval_own_pairs),
        ("seed", "seed_pair", eval_seed),
        ("reversals", "reversals", _eval_reversals),
    ):
        value = getattr(args, option, None)
        if value:
            out[key] = run(value, settings, model)
    if not out or list(out) == ["model_file"]:
        raise ParseError(
            "eval claims: nothing to score; give --pairs, --sts, --restatements, --own-pairs or "
            "--seed (or --reversals)"
        )
    if getattr(args, "format", "table") == "json":
        json.dump(out, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    if model_file:
        print(f"model: {model_file} (instead of the shipped coefficients)")
    if pairs_file:
        _print_mrpc(out, "model from --model" if model_file else None)
    if "sts" in out:
        _print_sts(out["sts"])
    if "ecbplus_restatements" in out:
        _print_restatements(out["ecbplus_restatements"])
    if "own_pairs" in out:
        _print_own_pairs(out["own_pairs"])
    if "seed_pair" in out:
        _print_seed(out["seed_pair"])
    if "reversals" in out:
        from monitor.evals.reversals import print_reversals

        print_reversals(out["reversals"])
    return 0


def _eval_reversals(
    path: str | Path, settings: ClaimSettings, model: ParaphraseModel
) -> dict[str, object]:
    from monitor.evals.reversals import eval_reversals  # it imports this module

    return eval_reversals(path, settings, model)


def _mrpc(
    args: argparse.Namespace, settings: ClaimSettings, model: ParaphraseModel
) -> dict[str, object]:
    pairs = read_pairs(args.pairs)
    if not pairs:
        raise ParseError(f"{args.pairs}: no pairs")
    positives = sum(p.label for p in pairs)
    statuses, seconds, cpu_seconds = judge_pairs(pairs, settings, model)
    shipped = score(pairs, statuses, seconds, cpu_seconds)
    out: dict[str, object] = {
        "pairs_file": str(args.pairs),
        "pairs": len(pairs),
        "positive_share": positives / len(pairs),
        "shipped_model": asdict(shipped),
    }
    folds = getattr(args, "folds", 0)
    if folds and folds >= 2:
        if len(pairs) < folds:
            raise ParseError(f"{args.pairs}: {len(pairs)} pairs cannot make {folds} folds")
        pooled, per_fold, model_alone = cross_validate(pairs, folds, settings)
        accuracies = [f.accuracy for f in per_fold]
        refit = fit_model(feature_matrix(pairs), np.array([p.label for p in pairs], dtype=float))
        out["cross_validation"] = {
            "folds": folds,
            "pooled": asdict(pooled),
            "accuracy_per_fold": accuracies,
            "accuracy_std": float(np.std(accuracies)),
            "model_alone": {k: v for k, v in asdict(model_alone).items() if "per_s" not in k},
        }
        out["refit_on_all_pairs"] = {
            "intercept": refit.intercept,
            "coefficients": dict(zip(FEATURE_NAMES, refit.coefficients)),
        }
    return out


def _print_mrpc(out: dict[str, object], title: str | None = None) -> None:
    pairs = out["pairs"]
    share = out["positive_share"]
    assert isinstance(pairs, int) and isinstance(share, float)
    print(f"pairs: {pairs} ({share:.1%} paraphrases; always 'seen' scores that accuracy)")
    shipped = out["shipped_model"]
    assert isinstance(shipped, dict)
    _print_scores(
        title or "shipped model (fitted on the project's own pairs: held out here)",
        Scores(**shipped),
    )
    cv = out.get("cross_validation")
    if isinstance(cv, dict):
        pooled = Scores(**cv["pooled"])
        model_alone = cv["model_alone"]
        refit = out["refit_on_all_pairs"]
        assert isinstance(refit, dict)
        _print_scores(
            f"{cv['folds']}-fold cross-validation (refit per fold, held-out scored)", pooled
        )
        print(
            f"  accuracy per fold: {', '.join(f'{a:.3f}' for a in cv['accuracy_per_fold'])}"
            f" (std {cv['accuracy_std']:.3f})"
        )
        print(
            f"  paraphrase model alone, same folds (no containment/clause/changed rules): accuracy "
            f"{model_alone['accuracy']:.3f}  precision {model_alone['precision']:.3f}  recall "
            f"{model_alone['recall']:.3f}  F1 {model_alone['f1']:.3f}"
        )
        print(
            f"  refit on all pairs: intercept {refit['intercept']}, "
            f"coefficients {list(refit['coefficients'].values())}"
        )


def _binary_line(s: dict[str, object]) -> str:
    return (
        f"accuracy {s['accuracy']:.3f}  balanced {s['balanced_accuracy']:.3f}  precision "
        f"{s['precision']:.3f}  recall {s['recall']:.3f}  F1 {s['f1']:.3f}  ({s['pairs']} pairs)"
    )


def _print_sts(sts: object) -> None:
    assert isinstance(sts, dict)
    print(
        f"STS headlines (score >= {STS_SEEN_MIN_SCORE:g} seen, <= {STS_NEW_MAX_SCORE:g} new, "
        "between left out):"
    )
    for name, s in sts["files"].items():
        print(f"  {name}: {_binary_line(s)}, {s['seen_share']:.1%} seen")
    overall = sts["overall"]
    print(f"  overall: {_binary_line(overall)}, {overall['seen_share']:.1%} seen")


def _print_restatements(r: object) -> None:
    assert isinstance(r, dict)
    doc = r["against_document"]
    print(
        f"ECB+ restatements ({r['labels']}: {r['pairs']} pairs, {r['restated_share']:.1%} restated):"
    )
    print(f"  against the earlier document: {_binary_line(doc)}")
    print(f"    restated sentences judged new: {doc['restated_judged_new_share']:.1%}")
    print(f"  against the earlier sentence alone: {_binary_line(r['against_sentence'])}")


def _print_own_pairs(r: object) -> None:
    assert isinstance(r, dict)
    print(f"project pairs (seen vs rest): {_binary_line(r)}")
    print(f"  three-way accuracy (new/seen/changed): {r['three_way_accuracy']:.3f}")
    for kind, share in r["right_share_by_kind"].items():
        print(f"    {kind}: {share:.2f} of {r['count_by_kind'][kind]}")


def _print_seed(seed: object) -> None:
    assert isinstance(seed, dict)
    print(f"seed pair: {seed['later']} judged against {seed['earlier']}")
    for v in seed["verdicts"]:
        if v["status"] == "skipped":
            continue
        detail = f" {v['change']}" if v.get("change") else ""
        score_text = f" {v['score']:.2f}" if "score" in v else ""
        print(f"  {v['status']}{detail}{score_text}: {v['sentence']}")
    counts = seed["counts"]
    print(
        f"  {counts['new']} new, {counts['seen']} seen, {counts['changed']} changed, "
        f"{counts['skipped']} skipped"
    )
    print(
        "  'urged Israel to pause its strikes at least twice' is new: "
        + ("yes" if seed["pause_sentence_is_new"] else "NO")
    )


def _print_scores(title: str, s: Scores) -> None:
    print(f"{title}:")
    print(
        f"  accuracy {s.accuracy:.3f}  precision {s.precision:.3f}  recall {s.recall:.3f}  "
        f"F1 {s.f1:.3f}  ({s.pairs} pairs, {s.pairs_per_s:,.0f} pairs/s wall, "
        f"{s.cpu_pairs_per_s:,.0f} pairs/s CPU, {s.predicted_changed} judged changed)"
    )
