"""Lexical features of a sentence pair and the logistic regression that scores them."""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import LCSseq

from monitor.claims.prepare import Prepared

FEATURE_NAMES = (
    "ratio",
    "partial_ratio",
    "token_sort_ratio",
    "token_set_ratio",
    "word_jaccard",
    "bigram_jaccard",
    "length_ratio",
    "number_mismatch",
    "negation_mismatch",
    "entity_jaccard",
    "only_earlier_log",
    "only_later_log",
    "later_contained",
    "earlier_contained",
    "numbers_only_one_side_log",
    "word_lcs",
    "word_jaccard_squared",
)


_LATER_CONTAINED = FEATURE_NAMES.index("later_contained")


def _jaccard(a: frozenset[Any], b: frozenset[Any]) -> float:
    if not a and not b:
        return 1.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)  # the union's size, without building it


def pair_features(earlier: Prepared, later: Prepared) -> list[float]:
    """Cheap lexical features of one (earlier, later) sentence pair, in FEATURE_NAMES order."""
    a, b = earlier.normalized, later.normalized
    word_jaccard = _jaccard(earlier.content, later.content)
    shared = earlier.content & later.content
    only_a = len(earlier.content) - len(shared)
    only_b = len(later.content) - len(shared)
    la, lb = len(earlier.words), len(later.words)
    return [
        fuzz.ratio(a, b) / 100.0,
        fuzz.partial_ratio(earlier.words, later.words)
        / 100.0,  # word level: 10x cheaper on long sentences
        fuzz.token_sort_ratio(a, b) / 100.0,
        fuzz.token_set_ratio(a, b) / 100.0,
        word_jaccard,
        _jaccard(earlier.bigrams, later.bigrams),
        min(la, lb) / max(la, lb, 1),
        float(earlier.numbers != later.numbers),
        float(earlier.negated != later.negated),
        _jaccard(earlier.entities, later.entities),
        math.log1p(only_a),
        math.log1p(only_b),
        len(earlier.core & later.core) / max(len(later.core), 1),
        len(earlier.core & later.core) / max(len(earlier.core), 1),
        math.log1p(len(earlier.numbers - later.numbers))
        + math.log1p(len(later.numbers - earlier.numbers)),
        LCSseq.normalized_similarity(earlier.words, later.words),
        word_jaccard * word_jaccard,  # overlap counts more as it nears whole sentences
    ]


# Logistic regression over FEATURE_NAMES, fitted on the project's own labelled pairs
# (monitor/claims/data/train_pairs.tsv, MIT; docs/model-card.md). `python -m
# monitor.evals.train_claims --write` reproduces these numbers and `--check` verifies them. MRPC
# and the other ../shared/data sets only evaluate the model.
PARAPHRASE_INTERCEPT = -9.4673
PARAPHRASE_COEFFICIENTS = (
    -2.0052,  # ratio
    -1.0754,  # partial_ratio
    1.5647,  # token_sort_ratio
    1.181,  # token_set_ratio
    2.053,  # word_jaccard
    -5.1276,  # bigram_jaccard
    4.6485,  # length_ratio
    -2.6556,  # number_mismatch
    -2.7502,  # negation_mismatch
    0.2418,  # entity_jaccard
    1.4427,  # only_earlier_log
    -0.5349,  # only_later_log
    5.8693,  # later_contained
    4.8332,  # earlier_contained
    0.5188,  # numbers_only_one_side_log
    1.4035,  # word_lcs
    -1.5677,  # word_jaccard_squared
)


@dataclass(frozen=True, slots=True)
class ParaphraseModel:
    """A logistic regression over FEATURE_NAMES."""

    coefficients: tuple[float, ...] = PARAPHRASE_COEFFICIENTS
    intercept: float = PARAPHRASE_INTERCEPT

    def probability(self, features: Sequence[float]) -> float:
        """Probability that the pair says the same thing."""
        z = self.intercept + sum(map(operator.mul, self.coefficients, features))
        return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z))))


DEFAULT_MODEL = ParaphraseModel()
