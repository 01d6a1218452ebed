"""Fit the shipped paraphrase model on the project's own labelled pairs (MIT, no MRPC).

`python -m monitor.evals.train_claims [--write | --check]` refits the logistic regression over
FEATURE_NAMES on monitor/claims/data/train_pairs.tsv; --write puts the coefficients into
monitor/claims/features.py, --check fails when the shipped ones are not this fit.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from monitor.claims import (
    DEFAULT_MODEL,
    FEATURE_NAMES,
    ParaphraseModel,
    pair_features,
    prepare,
    segment,
)
from monitor.errors import ParseError

TRAIN_PAIRS = Path(__file__).parent.parent / "claims" / "data" / "train_pairs.tsv"
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
                if (
                    len(row) != 4
                    or row[0] not in LABELS
                    or not row[2].strip()
                    or not row[3].strip()
                ):
                    raise ParseError(
                        f"{path}:{line_no}: expected label (seen/new/changed), kind, earlier, later"
                    )
                rows.append(TrainPair(row[0], row[1], row[2].strip(), row[3].strip()))
    except OSError as e:
        raise ParseError(f"{path}: cannot read training pairs: {e.strerror or e}") from e
    return rows


# Changed pairs fitted as "not seen": only negation flips, which the negation_mismatch feature
# sees. Number edits are left to the figure rules (fitted as "not seen" they taught the model to
# reject rewritten figures, "2.2 million" / "2,200,000"); reversals no feature can see (rose/fell,
# most/few, will/will not, another name) are left to the change rules, since fitting them only
# teaches the model to distrust near-identical wording.
FITTED_CHANGE_KINDS: frozenset[str] = frozenset({"negation"})
# Pairs written as two outlets would report one event (docs/model-card.md, "Independent
# reports"): held out of the fit. Refitted with them (--fit-held-out --c 100), the model judged
# ECB+ restatements better but lost MRPC accuracy (0.714 to 0.699) and STS balanced accuracy
# (0.817 to 0.808), so the shipped fit leaves them out; `--own-pairs` evaluations score them.
HELD_OUT_KINDS: frozenset[str] = frozenset({"independent", "independent_extra", "same_event"})
# Restatements that stay restatements read the other way round (a frame or a shortened sentence
# does not: the longer side says more).
REVERSIBLE_KINDS = frozenset({"reworded", "reordered", "name_form", "figure_format", "independent"})
# Frames put around an earlier sentence to make a restatement of it, one per sentence in turn.
FRAMES = (
    "{sentence}, officials said.",
    "According to local media, {lower}.",
    "The agency reports that {lower}.",
    "{sentence}, a spokesman confirmed.",
)
# L2 strength of the fit on these pairs, as scikit-learn's C: 3 rather than the MRPC fit's 10,
# since 500 pairs carry less evidence than 4,000 (chosen over 1 and 10 on STS, ECB+ and the tests).
TRAIN_REGULARISATION_C = 3.0
# Which unrelated earlier sentence a sentence is paired with: this many groups further on.
UNRELATED_OFFSET = 7


def augment(pairs: list[TrainPair]) -> list[TrainPair]:
    """Rule-made pairs from the written ones: reversed restatements, frames, unrelated sentences.

    Not made: an added-detail pair reversed as `seen` (the shorter side is covered). It taught
    the model that words only on the earlier side mean `seen`, and cost 2 points of precision.
    """
    made: list[TrainPair] = []
    for pair in pairs:
        single = len([s for s in segment(pair.earlier) if s.skip_reason is None]) == 1
        if pair.label == "seen" and pair.kind in REVERSIBLE_KINDS and single:
            made.append(TrainPair("seen", f"{pair.kind}+reversed", pair.later, pair.earlier))
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


def fitted_pairs(
    pairs: list[TrainPair],
    with_augmentations: bool = True,
    held_out: frozenset[str] = HELD_OUT_KINDS,
) -> list[TrainPair]:
    """The written pairs the regression is fitted on, plus the rule-made ones."""
    written = [p for p in pairs if p.kind not in held_out]
    kept = [p for p in written if p.label != "changed" or p.kind in FITTED_CHANGE_KINDS]
    return kept + (augment(written) if with_augmentations else [])


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
    pairs: list[TrainPair],
    c: float | None = None,
    with_augmentations: bool = True,
    held_out: frozenset[str] = HELD_OUT_KINDS,
) -> ParaphraseModel:
    """The logistic regression fitted on these pairs (and their augmentations), rounded as shipped."""
    from monitor.evals.claims import fit_model

    features, labels = training_rows(fitted_pairs(pairs, with_augmentations, held_out))
    return fit_model(features, labels, TRAIN_REGULARISATION_C if c is None else c)


def file_digest(path: str | Path) -> str:
    """SHA-256 of a file, recorded beside the coefficients fitted on it."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def write_model_file(
    model: ParaphraseModel, path: str | Path, source: str | Path, pairs: int
) -> None:
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


MODEL_MODULE = Path(__file__).parent.parent / "claims" / "features.py"
_CONSTANTS = re.compile(
    r"^PARAPHRASE_INTERCEPT = [^\n]*\nPARAPHRASE_COEFFICIENTS = \(\n(?:    [^\n]*\n)+?\)\n",
    re.MULTILINE,
)


def constants_source(model: ParaphraseModel) -> str:
    """The Python lines of the shipped constants for this model."""
    lines = [f"PARAPHRASE_INTERCEPT = {model.intercept}", "PARAPHRASE_COEFFICIENTS = ("]
    lines += [f"    {value},  # {name}" for name, value in zip(FEATURE_NAMES, model.coefficients)]
    return "\n".join([*lines, ")"]) + "\n"


def write_module(model: ParaphraseModel, path: str | Path = MODEL_MODULE) -> None:
    """Replace the shipped constants in the model module with this model's."""
    source = Path(path).read_text(encoding="utf-8")
    if len(_CONSTANTS.findall(source)) != 1:
        raise ParseError(f"{path}: cannot find one PARAPHRASE_INTERCEPT/COEFFICIENTS block")
    Path(path).write_text(
        _CONSTANTS.sub(lambda _: constants_source(model), source), encoding="utf-8"
    )


def main(argv: list[str] | None = None) -> int:
    """Fit on the training pairs; print, check or write the shipped coefficients."""
    parser = argparse.ArgumentParser(
        prog="python -m monitor.evals.train_claims", description=__doc__
    )
    parser.add_argument(
        "--pairs", default=str(TRAIN_PAIRS), help="training TSV (label, kind, earlier, later)"
    )
    parser.add_argument(
        "--out", help="also write the coefficients as JSON here (for `monitor eval claims --model`)"
    )
    parser.add_argument(
        "--fit-held-out",
        action="store_true",
        help="also fit the held-out kinds (an experiment: use with --out, not --write/--check)",
    )
    parser.add_argument(
        "--c",
        type=float,
        help=f"L2 strength as scikit-learn's C (default {TRAIN_REGULARISATION_C})",
    )
    action = parser.add_mutually_exclusive_group()
    action.add_argument(
        "--write", action="store_true", help=f"rewrite the shipped constants in {MODEL_MODULE.name}"
    )
    action.add_argument(
        "--check", action="store_true", help="exit 1 unless the shipped constants are this fit"
    )
    args = parser.parse_args(argv)
    experiment = args.fit_held_out or args.c is not None
    if experiment and (args.write or args.check):
        parser.error(
            "--fit-held-out and --c make an experimental fit: use --out, not --write/--check"
        )
    held_out = frozenset() if args.fit_held_out else HELD_OUT_KINDS
    pairs = read_train_pairs(args.pairs)
    if not pairs:
        raise ParseError(f"{args.pairs}: no pairs")
    model = fit(pairs, args.c, held_out=held_out)
    fitted = fitted_pairs(pairs, held_out=held_out)
    seen = sum(p.label == "seen" for p in fitted)
    made = sum("+" in p.kind for p in fitted)
    print(
        f"fitted on {len(fitted)} pairs ({seen} seen): {len(fitted) - made} of the {len(pairs)} "
        f"written in {args.pairs}, {made} rule-made"
    )
    print(constants_source(model), end="")
    if args.out:
        write_model_file(model, args.out, args.pairs, len(fitted))
        print(f"wrote {args.out}")
    if args.write:
        write_module(model)
        print(f"wrote the constants into {MODEL_MODULE}")
    if args.check and model != DEFAULT_MODEL:
        print(
            f"{MODEL_MODULE.name}: the shipped constants are not this fit; run with --write",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
