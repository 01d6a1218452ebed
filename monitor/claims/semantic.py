"""The optional model's say on uncertain verdicts: lexical probability and embedding cosine combined.

Only pairs whose lexical probability falls in the uncertain band are re-judged; outside it the
lexical verdict stands. The combiner is a two-feature logistic regression (logit of the lexical
probability, cosine), fitted by `python -m monitor.evals.claims_model --fit` on the project's
own pairs (monitor/claims/data/train_pairs.tsv, MIT), never on MRPC, STS or ECB+.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

# The uncertain band of the lexical paraphrase probability, in percent: the third of MRPC pairs
# where the word-overlap judge is least sure (../shared/FINDINGS.md, "Semantic models").
UNCERTAIN_LOW_PCT = 30.0
UNCERTAIN_HIGH_PCT = 70.0
# Where the lexical probability alone says `seen` (ClaimSettings.seen_threshold_pct's default).
LEXICAL_SEEN_PCT = 50.0
# The combined probability, in percent, at or above which an uncertain pair is `seen`.
BAND_SEEN_THRESHOLD_PCT = 50.0
# Lexical probabilities are clipped this far from 0 and 1 before the logit.
_PROBABILITY_EPSILON = 1e-4

# logit(lexical probability), cosine. `python -m monitor.evals.claims_model --fit` fits them on
# the project's seen and new pairs with minilm-int8, and that fit weighs cosine NEGATIVELY (0.96,
# -2.05, intercept 0.81): the project's in-band `new` pairs add a detail to the same sentence, so
# their cosine is as high as a restatement's. It lowered every evaluation set (docs/model-card.md).
# Until the project has pairs that teach the cosine, the shipped combiner is the identity: the
# lexical probability alone, so turning the model on changes no verdict.
BAND_COEFFICIENTS = (1.0, 0.0)
BAND_INTERCEPT = 0.0


def logit(probability: float) -> float:
    """log(p / (1 - p)), with p kept away from 0 and 1."""
    p = min(1.0 - _PROBABILITY_EPSILON, max(_PROBABILITY_EPSILON, probability))
    return math.log(p / (1.0 - p))


def in_band(probability: float) -> bool:
    """True when the lexical judge is unsure of this pair."""
    return UNCERTAIN_LOW_PCT <= probability * 100 <= UNCERTAIN_HIGH_PCT


@dataclass(frozen=True)
class BandJudge:
    """Logistic regression over (logit of the lexical probability, cosine of the two embeddings)."""

    coefficients: tuple[float, float] = BAND_COEFFICIENTS
    intercept: float = BAND_INTERCEPT

    def probability(self, lexical_probability: float, cosine: float) -> float:
        """Probability that the pair says the same thing."""
        z = (
            self.intercept
            + self.coefficients[0] * logit(lexical_probability)
            + self.coefficients[1] * cosine
        )
        return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z))))

    def says_seen(self, lexical_probability: float, cosine: float) -> bool:
        """The combined verdict on one pair."""
        return self.probability(lexical_probability, cosine) * 100 >= BAND_SEEN_THRESHOLD_PCT


DEFAULT_BAND_JUDGE = BandJudge()


def rejudge(
    status: str,
    match: tuple[float, float] | None,
    others: Sequence[tuple[float, float]] = (),
    judge: BandJudge = DEFAULT_BAND_JUDGE,
) -> str:
    """The status after the model's say; `changed` and out-of-band pairs keep the lexical verdict.

    MATCH is (lexical probability, cosine) of the verdict's own earlier claim; OTHERS are the same
    for the semantic candidates the lexical blocking did not compare. Only a verdict the lexical
    probability made can turn: a `seen` it gave (p >= 50 %) turns `new` when the combiner
    disagrees, a `new` (p < 50 %) turns `seen` when any in-band pair is judged the same. Verdicts
    of the rules (containment, an added number or negated clause) stand.
    """
    if status == "seen":
        if match is not None and _in_band_judged(match, True) and not judge.says_seen(*match):
            return "new"
        return status
    if status != "new":
        return status
    pairs = ([match] if match is not None else []) + list(others)
    if any(_in_band_judged(pair, False) and judge.says_seen(*pair) for pair in pairs):
        return "seen"
    return status


def _in_band_judged(pair: tuple[float, float], lexically_seen: bool) -> bool:
    p = pair[0]
    return in_band(p) and (p * 100 >= LEXICAL_SEEN_PCT) == lexically_seen
