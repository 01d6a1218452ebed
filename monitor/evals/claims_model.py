"""What the optional embedding model adds to the claim judge, measured before/after on every set.

`python -m monitor.evals.claims_model --pairs MRPC.tsv --sts DIR --restatements DIR --seed DIR`
prints the lexical judge's scores and the scores with the model's say in the uncertain band
(monitor.claims.semantic). MRPC is scored two ways: 5-fold CV with the band combiner refitted on
the training folds (what the model can add at best; those weights are never shipped), and with the
shipped combiner, fitted on the project's own pairs (`--fit` refits it and prints the constants).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

import numpy as np

from monitor.claims import DEFAULT_MODEL, Ledger, ParaphraseModel, pair_features, prepare, segment
from monitor.claims.embed import MODEL_MINILM_INT8, Encoder, load_encoder
from monitor.claims.embed_store import SEMANTIC_CANDIDATES, SEMANTIC_MIN_COSINE
from monitor.claims.semantic import (
    DEFAULT_BAND_JUDGE,
    BandJudge,
    in_band,
    logit,
    rejudge,
    semantic_verdict,
)
from monitor.evals.claims import (
    SEED_MUST_BE_NEW,
    Pair,
    balanced_accuracy,
    document_ledger,
    feature_matrix,
    fit_model,
    judge_pairs,
    read_pairs,
    read_sts,
    restatement_pairs,
    score,
)
from monitor.settings import ClaimSettings

# Regularisation of the two-feature combiner (scikit-learn's C); it barely matters at 2 features.
BAND_REGULARISATION_C = 10.0
BOOTSTRAP_SAMPLES = 2000


class CachedEncoder:
    """Encodes each distinct sentence once per run (the sets repeat sentences)."""

    def __init__(self, encoder: Encoder) -> None:
        self.encoder = encoder
        self.vectors: dict[str, np.ndarray] = {}
        self.seconds = 0.0
        self.cpu_seconds = 0.0
        self.encoded = 0

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        todo = sorted({t for t in texts if t not in self.vectors})
        if todo:
            started, started_cpu = time.perf_counter(), time.process_time()
            for text, vector in zip(todo, self.encoder.encode(todo)):
                self.vectors[text] = vector
            self.seconds += time.perf_counter() - started
            self.cpu_seconds += time.process_time() - started_cpu
            self.encoded += len(todo)
        stacked: np.ndarray = np.array([self.vectors[t] for t in texts], dtype=np.float32)
        return stacked


def pair_cosines(pairs: Sequence[Pair], encode: CachedEncoder) -> np.ndarray:
    """Cosine of each pair's two sentences."""
    earlier = encode([p.earlier for p in pairs])
    later = encode([p.later for p in pairs])
    cosines: np.ndarray = (earlier * later).sum(axis=1)
    return cosines


def fit_band(probabilities: np.ndarray, cosines: np.ndarray, labels: np.ndarray) -> BandJudge:
    """The two-feature combiner fitted on the in-band pairs given."""
    band = np.array([in_band(p) for p in probabilities], dtype=bool)
    x = np.column_stack([[logit(p) for p in probabilities[band]], cosines[band]])
    fitted = fit_model(x, labels[band], BAND_REGULARISATION_C)
    a, b = fitted.coefficients
    return BandJudge((a, b), fitted.intercept)


def pair_statuses(
    statuses: Sequence[str], probabilities: np.ndarray, cosines: np.ndarray, judge: BandJudge
) -> list[str]:
    """Product statuses with the model's say on each single-candidate pair."""
    return [
        rejudge(s, (float(p), float(c)), (), judge)
        for s, p, c in zip(statuses, probabilities, cosines)
    ]


def paired_bootstrap(
    labels: Sequence[int], before: Sequence[str], after: Sequence[str], seed: int = 0
) -> tuple[float, float, float]:
    """Accuracy gain after - before and its 95 % bootstrap interval, resampling pairs."""
    right_before = np.array([(s == "seen") == (y == 1) for y, s in zip(labels, before)], float)
    right_after = np.array([(s == "seen") == (y == 1) for y, s in zip(labels, after)], float)
    gain = right_after - right_before
    rng = np.random.default_rng(seed)
    samples = rng.integers(0, len(gain), size=(BOOTSTRAP_SAMPLES, len(gain)))
    means = gain[samples].mean(axis=1)
    return float(gain.mean()), float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def mrpc_cv(
    pairs: list[Pair], encode: CachedEncoder, settings: ClaimSettings, folds: int = 5
) -> dict[str, object]:
    """5-fold CV as `monitor eval claims` does it, with the band combiner refitted per fold too."""
    order = list(range(len(pairs)))
    random.Random(0).shuffle(order)  # the same folds as monitor.evals.claims.cross_validate
    features = feature_matrix(pairs)
    labels = np.array([p.label for p in pairs], dtype=float)
    cosines = pair_cosines(pairs, encode)
    before: list[str] = [""] * len(pairs)
    after: list[str] = [""] * len(pairs)
    band_share = []
    per_fold = []
    for fold in range(folds):
        held = order[fold::folds]
        held_set = set(held)
        train = [i for i in order if i not in held_set]
        lexical = fit_model(features[train], labels[train])
        probabilities = np.array([lexical.probability(row) for row in features])
        judge = fit_band(probabilities[train], cosines[train], labels[train])
        fold_pairs = [pairs[i] for i in held]
        statuses, _, _ = judge_pairs(fold_pairs, settings, lexical)
        refined = pair_statuses(statuses, probabilities[held], cosines[held], judge)
        for i, s, r in zip(held, statuses, refined):
            before[i], after[i] = s, r
        band_share.append(float(np.mean([in_band(p) for p in probabilities[held]])))
        per_fold.append(
            (score(fold_pairs, statuses, 0.0).accuracy, score(fold_pairs, refined, 0.0).accuracy)
        )
    gain, low, high = paired_bootstrap([p.label for p in pairs], before, after)
    return {
        "pairs": len(pairs),
        "accuracy_before": score(pairs, before, 0.0).accuracy,
        "accuracy_after": score(pairs, after, 0.0).accuracy,
        "f1_before": score(pairs, before, 0.0).f1,
        "f1_after": score(pairs, after, 0.0).f1,
        "gain": gain,
        "gain_95": [low, high],
        "per_fold_before_after": per_fold,
        "band_share": float(np.mean(band_share)),
        "cosine_alone_best_accuracy": _best_threshold_accuracy(cosines, labels),
    }


def _best_threshold_accuracy(cosines: np.ndarray, labels: np.ndarray) -> float:
    """Accuracy of `seen when cosine >= t` at the best t (an optimistic ceiling for cosine alone)."""
    best = 0.0
    for t in np.unique(np.round(cosines, 3)):
        best = max(best, float(np.mean((cosines >= t) == (labels == 1))))
    return best


def pair_set(
    pairs: list[Pair],
    encode: CachedEncoder,
    settings: ClaimSettings,
    model: ParaphraseModel,
    judge: BandJudge,
) -> dict[str, object]:
    """Before/after on a set of single pairs with the shipped lexical model and combiner."""
    statuses, _, _ = judge_pairs(pairs, settings, model)
    probabilities = np.array([model.probability(row) for row in feature_matrix(pairs)])
    refined = pair_statuses(statuses, probabilities, pair_cosines(pairs, encode), judge)
    return _before_after(pairs, statuses, refined) | {
        "band_share": float(np.mean([in_band(p) for p in probabilities])) if pairs else 0.0
    }


def _before_after(pairs: list[Pair], before: list[str], after: list[str]) -> dict[str, object]:
    labels = [p.label for p in pairs]
    gain, low, high = paired_bootstrap(labels, before, after)
    return {
        "pairs": len(pairs),
        "accuracy_before": score(pairs, before, 0.0).accuracy,
        "accuracy_after": score(pairs, after, 0.0).accuracy,
        "balanced_before": balanced_accuracy(labels, before),
        "balanced_after": balanced_accuracy(labels, after),
        "restated_judged_new_before": _new_share(pairs, before),
        "restated_judged_new_after": _new_share(pairs, after),
        "gain": gain,
        "gain_95": [low, high],
        "verdicts_changed": sum(b != a for b, a in zip(before, after)),
    }


def _new_share(pairs: list[Pair], statuses: list[str]) -> float:
    restated = [s for p, s in zip(pairs, statuses) if p.label == 1]
    return sum(s == "new" for s in restated) / len(restated) if restated else 0.0


def judge_in_document(
    ledger: Ledger,
    texts: list[str],
    vectors: np.ndarray,
    sentence: str,
    vector: np.ndarray,
    judge: BandJudge,
) -> tuple[str, str]:
    """Lexical verdict of SENTENCE against a document's ledger, and the verdict with the model.

    The model's say is `semantic_verdict`, as the claims stage applies it with `[claims] model`.
    """
    prepared = prepare(sentence)
    verdict = ledger.judge(prepared)
    cosines = vectors @ vector if len(texts) else np.zeros(0)
    position = {text: i for i, text in enumerate(texts)}
    match_cosine = None
    if verdict.entry_index is not None:
        entry_text = ledger.entries[verdict.entry_index].text
        if entry_text in position:
            match_cosine = float(cosines[position[entry_text]])
    neighbours = []
    for column in np.argsort(-cosines, kind="stable")[:SEMANTIC_CANDIDATES]:
        if cosines[column] < SEMANTIC_MIN_COSINE:
            break
        index = ledger.by_normalized.get(prepare(texts[column]).normalized)
        if index is not None:
            neighbours.append((index, float(cosines[column])))
    after = semantic_verdict(ledger, prepared, verdict, neighbours, match_cosine, judge)
    return verdict.status, after.status


def document_texts(ledger: Ledger) -> list[str]:
    """The claim texts of a ledger, in order."""
    return [entry.text for entry in ledger.entries]


def restatements(
    folder: str | Path, encode: CachedEncoder, settings: ClaimSettings, judge: BandJudge
) -> dict[str, object]:
    """ECB+ restatements against the earlier sentence alone and against the whole earlier document."""
    rows, pairs, earlier_docs = restatement_pairs(folder)
    against_sentence = pair_set(pairs, encode, settings, DEFAULT_MODEL, judge)
    before: list[str] = []
    after: list[str] = []
    restated_cosines: list[float] = []
    other_cosines: list[float] = []
    ledgers: dict[str, tuple[Ledger, list[str], np.ndarray]] = {}
    for row, pair, text in zip(rows, pairs, earlier_docs):
        if row.earlier_doc not in ledgers:
            ledger = document_ledger(text, settings, DEFAULT_MODEL)
            texts = document_texts(ledger)
            ledgers[row.earlier_doc] = (ledger, texts, encode(texts))
        ledger, texts, vectors = ledgers[row.earlier_doc]
        later = encode([pair.later])[0]
        b, a = judge_in_document(ledger, texts, vectors, pair.later, later, judge)
        before.append(b)
        after.append(a)
        labelled = float(encode([pair.earlier])[0] @ later)
        if pair.label == 1:
            restated_cosines.append(labelled)
        other_cosines += [float(c) for t, c in zip(texts, vectors @ later) if t != pair.earlier]
    return {
        "against_sentence": against_sentence,
        "against_document": _before_after(pairs, before, after),
        "cosine_restated_p5_p50": _percentiles(restated_cosines, 5, 50),
        "cosine_other_sentences_p50_p95": _percentiles(other_cosines, 50, 95),
    }


def _percentiles(values: list[float], *points: float) -> list[float]:
    return [float(np.percentile(values, q)) for q in points] if values else []


def seed(
    folder: str | Path, encode: CachedEncoder, settings: ClaimSettings, judge: BandJudge
) -> dict[str, object]:
    """The seed's 003 judged against 000: verdicts that the model changes, and the pause check."""
    root = Path(folder)
    earlier = next(root.glob("000_*.txt")).read_text(encoding="utf-8")
    later = next(root.glob("003_*.txt")).read_text(encoding="utf-8")
    ledger = document_ledger(earlier, settings, DEFAULT_MODEL)
    texts = document_texts(ledger)
    vectors = encode(texts)
    counts_before: dict[str, int] = {}
    counts_after: dict[str, int] = {}
    changed = []
    pause_new = True
    for seg in segment(later, settings):
        if seg.skip_reason is not None:
            continue
        b, a = judge_in_document(ledger, texts, vectors, seg.text, encode([seg.text])[0], judge)
        counts_before[b] = counts_before.get(b, 0) + 1
        counts_after[a] = counts_after.get(a, 0) + 1
        if a != b:
            changed.append({"sentence": seg.text, "before": b, "after": a})
        if SEED_MUST_BE_NEW in seg.text and a != "new":
            pause_new = False
    return {
        "counts_before": counts_before,
        "counts_after": counts_after,
        "changed": changed,
        "pause_sentence_is_new_after": pause_new,
    }


def own_pair_rows(
    encode: CachedEncoder, include_changed: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lexical probability, best cosine and seen label of the project's seen and new pairs.

    `changed` pairs are left out by default: the change rules decide them before the band is
    consulted, and as minimal edits (one number or word) they teach the combiner that a high
    cosine means a different claim (fitted with them, the cosine weight comes out negative).
    """
    from monitor.evals.train_claims import read_train_pairs

    probabilities, cosines, labels = [], [], []
    for pair in read_train_pairs():
        if pair.label == "changed" and not include_changed:
            continue
        later = prepare(pair.later)
        sides = [s.text for s in segment(pair.earlier) if s.skip_reason is None]
        if not sides:
            continue
        # As the ledger would: the lexical side is the one closest in words, the cosine the best.
        closest = max((prepare(s) for s in sides), key=lambda side: len(side.core & later.core))
        probabilities.append(DEFAULT_MODEL.probability(pair_features(closest, later)))
        cosines.append(float(np.max(encode(sides) @ encode([pair.later])[0])))
        labels.append(1.0 if pair.label == "seen" else 0.0)
    return np.array(probabilities), np.array(cosines), np.array(labels)


def fit_shipped(encode: CachedEncoder) -> tuple[BandJudge, dict[str, object]]:
    """The combiner fitted on the project's own pairs, with how many of them fall in the band."""
    probabilities, cosines, labels = own_pair_rows(encode)
    band = np.array([in_band(p) for p in probabilities], dtype=bool)
    judge = fit_band(probabilities, cosines, labels)
    seen_cos = cosines[labels == 1]
    other_cos = cosines[labels == 0]
    return judge, {
        "pairs": len(labels),
        "in_band": int(band.sum()),
        "in_band_seen": int(labels[band].sum()),
        "coefficients": judge.coefficients,
        "intercept": judge.intercept,
        "cosine_seen_p5_p50": [float(np.percentile(seen_cos, 5)), float(np.median(seen_cos))],
        "cosine_other_p50_p95": [float(np.median(other_cos)), float(np.percentile(other_cos, 95))],
    }


def main(argv: list[str] | None = None) -> int:
    """Run the before/after evaluations asked for and print them as JSON."""
    parser = argparse.ArgumentParser(prog="python -m monitor.evals.claims_model")
    parser.add_argument("--pairs", help="MRPC-format pairs (5-fold CV)")
    parser.add_argument("--sts", help="folder of STS headline TSVs")
    parser.add_argument("--restatements", help="ECB+ folder with docs.jsonl")
    parser.add_argument("--seed", help="folder with the seed pair 000_*.txt and 003_*.txt")
    parser.add_argument(
        "--fit", action="store_true", help="refit the shipped combiner and print it"
    )
    parser.add_argument(
        "--mrpc-judge",
        action="store_true",
        help="score STS/ECB+/seed with a combiner fitted on --pairs (evaluation only, never shipped)",
    )
    parser.add_argument("--model", default=MODEL_MINILM_INT8)
    args = parser.parse_args(argv)
    settings = ClaimSettings()
    encoder = load_encoder(args.model)
    assert encoder is not None
    encode = CachedEncoder(encoder)
    out: dict[str, object] = {"model": args.model, "load_average": os.getloadavg()}
    judge = DEFAULT_BAND_JUDGE
    if args.fit:
        judge, fitted = fit_shipped(encode)
        out["fitted_on_project_pairs"] = fitted
    out["band_judge"] = asdict(judge)
    if args.pairs:
        pairs = read_pairs(args.pairs)
        out["mrpc_cv_band_refit_per_fold"] = mrpc_cv(pairs, encode, settings)
        out["mrpc_shipped_combiner"] = pair_set(pairs, encode, settings, DEFAULT_MODEL, judge)
        if args.mrpc_judge:
            # Evaluation only: what a combiner that does learn from cosine would do on the other
            # sets. MRPC's licence forbids shipping these weights.
            probabilities = np.array([DEFAULT_MODEL.probability(r) for r in feature_matrix(pairs)])
            labels = np.array([p.label for p in pairs], dtype=float)
            judge = fit_band(probabilities, pair_cosines(pairs, encode), labels)
            out["band_judge_fitted_on_mrpc_eval_only"] = asdict(judge)
    if args.sts:
        sts = [p for path in sorted(Path(args.sts).glob("*.tsv")) for p in read_sts(path)]
        out["sts_headlines"] = pair_set(sts, encode, settings, DEFAULT_MODEL, judge)
    if args.restatements:
        out["ecbplus_restatements"] = restatements(args.restatements, encode, settings, judge)
    if args.seed:
        out["seed_pair"] = seed(args.seed, encode, settings, judge)
    out["encoding"] = {
        "sentences": encode.encoded,
        "sentences_per_s_wall": encode.encoded / encode.seconds if encode.seconds else 0.0,
        "sentences_per_s_cpu": encode.encoded / encode.cpu_seconds if encode.cpu_seconds else 0.0,
    }
    json.dump(out, sys.stdout, indent=2, default=float)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
