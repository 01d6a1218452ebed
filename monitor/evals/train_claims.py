"""Fit the shipped paraphrase model on the project's own labelled pairs (MIT, no MRPC).

`python -m monitor.evals.train_claims [--pairs FILE] [--out FILE]` refits the logistic regression
over FEATURE_NAMES on `train_pairs.tsv` and writes its coefficients as JSON.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from monitor.claims import FEATURE_NAMES, ParaphraseModel, pair_features, prepare, segment
from monitor.errors import ParseError

DATA = Path(__file__).parent / "data"
TRAIN_PAIRS = DATA / "train_pairs.tsv"
MODEL_FILE = DATA / "paraphrase_model.json"
TRAIN_COLUMNS = ("label", "kind", "earlier", "later")
LABELS = ("seen", "new", "changed")


@dataclass(frozen=True)
class TrainPair:
    """One project-written pair: the earlier side may hold two sentences, the later one claim."""

    label: str  # seen | new | changed
    kind: str  # how the later sentence relates: reworded, frame, quantifier, number, ...
    earlier: str
    later: str


def read_train_pairs(path: str | Path = TRAIN_PAIRS) -> list[TrainPair]:
    """The labelled pairs of a TSV with the header label, kind, earlier, later."""
    rows: list[TrainPair] = []
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
            if tuple(next(reader, ())) != TRAIN_COLUMNS:
                raise ParseError(f"{path}: expected the header {', '.join(TRAIN_COLUMNS)}")
            for line_no, row in enumerate(reader, start=2):
                if not row or row[0].startswith("#"):
                    continue
                if len(row) != 4 or row[0] not in LABELS or not row[2].strip() or not row[3].strip():
                    raise ParseError(
                        f"{path}:{line_no}: expected label (seen/new/changed), kind, earlier, later"
                    )
                rows.append(TrainPair(row[0], row[1], row[2].strip(), row[3].strip()))
    except OSError as e:
        raise ParseError(f"{path}: cannot read training pairs: {e.strerror or e}") from e
    return rows


# Pairs of these kinds are fitted: the paraphrase score must separate restatements from added or
# other claims. Reversals of a word the features cannot see (rose/fell, most/few, will/will not,
# another name) are the change rules' job; fitting them as "not seen" only teaches the model to
# distrust near-identical wording, which costs it restatements.
FITTED_CHANGE_KINDS = frozenset({"number", "negation"})
# Frames put around an earlier sentence to make a restatement of it, one per sentence in turn.
FRAMES = (
    "{sentence}, officials said.",
    "According to local media, {lower}.",
    "The agency reports that {lower}.",
    "{sentence}, a spokesman confirmed.",
)
# Which unrelated earlier sentence a sentence is paired with: this many groups further on.
UNRELATED_OFFSET = 7


def augment(pairs: list[TrainPair]) -> list[TrainPair]:
    """Rule-made pairs from the written ones: reversed restatements, frames, unrelated sentences."""
    made: list[TrainPair] = []
    for pair in pairs:
        single = len([s for s in segment(pair.earlier) if s.skip_reason is None]) == 1
        if pair.label == "seen" and pair.kind in ("reworded", "reordered") and single:
            made.append(TrainPair("seen", f"{pair.kind}+reversed", pair.later, pair.earlier))
        elif pair.label == "new" and pair.kind == "added_detail" and single:
            # The shorter sentence is covered by the longer one that adds a detail to it.
            made.append(TrainPair("seen", "shortened+reversed", pair.later, pair.earlier))
    earliers = list(dict.fromkeys(p.earlier for p in pairs))
    for i, earlier in enumerate(earliers):
        body = earlier.rstrip(".")
        if len([s for s in segment(earlier) if s.skip_reason is None]) == 1:
            frame = FRAMES[i % len(FRAMES)]
            later = frame.format(sentence=body, lower=body[0].lower() + body[1:])
            made.append(TrainPair("seen", "frame+made", earlier, later))
        other = earliers[(i + UNRELATED_OFFSET) % len(earliers)]
        made.append(TrainPair("new", "unrelated+made", earlier, other))
    return made


def fitted_pairs(pairs: list[TrainPair], with_augmentations: bool = True) -> list[TrainPair]:
    """The written pairs the regression is fitted on, plus the rule-made ones."""
    kept = [p for p in pairs if p.label != "changed" or p.kind in FITTED_CHANGE_KINDS]
    return kept + (augment(pairs) if with_augmentations else [])


def training_rows(pairs: list[TrainPair]) -> tuple[np.ndarray, np.ndarray]:
    """Features and labels (seen = 1) for the regression.

    A two-sentence earlier side is fitted against the earlier sentence closest in words, the
    candidate the ledger would score first.
    """
    features: list[list[float]] = []
    labels: list[float] = []
    for pair in pairs:
        later = prepare(pair.later)
        sides = [prepare(s.text) for s in segment(pair.earlier) if s.skip_reason is None]
        if not sides:
            continue
        earlier = max(sides, key=lambda side: len(side.core & later.core))
        features.append(pair_features(earlier, later))
        labels.append(1.0 if pair.label == "seen" else 0.0)
    return np.array(features, dtype=float), np.array(labels, dtype=float)


def fit(
    pairs: list[TrainPair], c: float | None = None, with_augmentations: bool = True
) -> ParaphraseModel:
    """The logistic regression fitted on these pairs (and their augmentations), rounded as shipped."""
    from monitor.evals.claims import REGULARISATION_C, fit_model

    features, labels = training_rows(fitted_pairs(pairs, with_augmentations))
    return fit_model(features, labels, REGULARISATION_C if c is None else c)


def file_digest(path: str | Path) -> str:
    """SHA-256 of a file, recorded beside the coefficients fitted on it."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def write_model_file(model: ParaphraseModel, path: str | Path, source: str | Path, pairs: int) -> None:
    """Coefficients by feature name, with the training file's name, digest and size."""
    body = {
        "model": "logistic regression over monitor.claims FEATURE_NAMES",
        "licence": "MIT (project-owned training data)",
        "training_data": Path(source).name,
        "training_sha256": file_digest(source),
        "training_pairs": pairs,
        "intercept": model.intercept,
        "coefficients": dict(zip(FEATURE_NAMES, model.coefficients)),
    }
    Path(path).write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8")


def read_model_file(path: str | Path) -> ParaphraseModel:
    """A ParaphraseModel from a coefficients JSON; every feature must be named, no other."""
    try:
        body = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as e:
        raise ParseError(f"{path}: cannot read model file: {e.strerror or e}") from e
    except json.JSONDecodeError as e:
        raise ParseError(f"{path}: model file is not JSON: {e}") from e
    coefficients = body.get("coefficients") if isinstance(body, dict) else None
    if not isinstance(coefficients, dict) or set(coefficients) != set(FEATURE_NAMES):
        raise ParseError(f"{path}: coefficients must name exactly the features {FEATURE_NAMES}")
    return ParaphraseModel(
        tuple(float(coefficients[name]) for name in FEATURE_NAMES), float(body["intercept"])
    )


def main(argv: list[str] | None = None) -> int:
    """Fit on the training pairs, write the coefficients file and print them."""
    parser = argparse.ArgumentParser(prog="python -m monitor.evals.train_claims", description=__doc__)
    parser.add_argument("--pairs", default=str(TRAIN_PAIRS), help="training TSV (label, kind, earlier, later)")
    parser.add_argument("--out", default=str(MODEL_FILE), help="coefficients JSON to write")
    args = parser.parse_args(argv)
    pairs = read_train_pairs(args.pairs)
    if not pairs:
        raise ParseError(f"{args.pairs}: no pairs")
    model = fit(pairs)
    write_model_file(model, args.out, args.pairs, len(pairs))
    seen = sum(p.label == "seen" for p in pairs)
    print(f"fitted on {len(pairs)} pairs ({seen} seen) from {args.pairs}; wrote {args.out}")
    print(f"intercept {model.intercept}")
    for name, value in zip(FEATURE_NAMES, model.coefficients):
        print(f"  {name:28} {value:+.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
