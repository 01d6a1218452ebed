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


# Logistic regression over FEATURE_NAMES, fitted with 5-fold cross-validation on the training part
# of the Microsoft Research Paraphrase Corpus (`monitor eval claims --folds 5` reproduces the fit).
# Only these numbers are kept; none of the corpus is.
PARAPHRASE_INTERCEPT = -4.3781
PARAPHRASE_COEFFICIENTS = (
    4.0667,
    -5.0077,
    4.0446,
    -0.8811,
    -3.2059,
    -4.6568,
    0.6577,
    0.1517,
    -1.275,
    -0.2018,
    -0.188,
    -0.295,
    1.458,
    1.6989,
    -0.5591,
    6.5302,
    4.7303,
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
