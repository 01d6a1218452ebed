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

from monitor.claims.features import pair_features
from monitor.claims.ledger import Ledger, Verdict
from monitor.claims.prepare import Prepared

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
    return rejudge_pick(status, match, others, judge)[0]


def rejudge_pick(
    status: str,
    match: tuple[float, float] | None,
    others: Sequence[tuple[float, float]] = (),
    judge: BandJudge = DEFAULT_BAND_JUDGE,
) -> tuple[str, int | None]:
    """`rejudge`, and the pair a `new` turned `seen` by: -1 the match, i OTHERS[i], None neither.

    Among several pairs the combiner calls the same, the one it is surest of.
    """
    if status == "seen":
        if match is not None and _in_band_judged(match, True) and not judge.says_seen(*match):
            return "new", None
        return status, None
    if status != "new":
        return status, None
    pairs = [(-1, match)] if match is not None else []
    pairs += list(enumerate(others))
    best: tuple[float, int] | None = None
    for position, pair in pairs:
        if pair is not None and _in_band_judged(pair, False) and judge.says_seen(*pair):
            combined = judge.probability(*pair)
            if best is None or combined > best[0]:
                best = (combined, position)
    return ("seen", best[1]) if best is not None else (status, None)


def semantic_verdict(
    ledger: Ledger,
    prepared: Prepared,
    verdict: Verdict,
    neighbours: Sequence[tuple[int, float]],
    match_cosine: float | None,
    judge: BandJudge = DEFAULT_BAND_JUDGE,
) -> Verdict:
    """VERDICT after the model's say: semantic candidates compared, the uncertain band re-judged.

    NEIGHBOURS are (ledger entry index, cosine) of the sentence's nearest earlier claims by
    meaning; MATCH_COSINE is the cosine with the verdict's own entry (None: it has no vector).
    For a `new` verdict each neighbour other than its entry is scored by the lexical model, and
    the best-scoring becomes its nearest claim when it beats the lexical one. Then `rejudge_pick`
    decides, in the uncertain band only. A `seen` made by a rule (containment, coverage, clauses,
    a reporting frame) and every `changed` stand, and so does a verdict outside the band.
    """
    if verdict.status == "seen":
        if verdict.how != "model" or verdict.entry_index is None or match_cosine is None:
            return verdict
        status, _ = rejudge_pick("seen", (verdict.probability, match_cosine), (), judge)
        if status == "seen":
            return verdict
        p = verdict.probability
        return Verdict("new", verdict.entry_index, p, probability=p, how="semantic")
    if verdict.status != "new":
        return verdict
    others: list[tuple[int, float, float]] = []  # entry index, lexical probability, cosine
    for index, cosine in neighbours:
        if index != verdict.entry_index:
            features = pair_features(ledger.entries[index].prepared, prepared)
            others.append((index, ledger.model.probability(features), cosine))
    match = (
        (verdict.probability, match_cosine)
        if verdict.entry_index is not None and match_cosine is not None
        else None
    )
    status, picked = rejudge_pick("new", match, [(p, c) for _, p, c in others], judge)
    if status == "seen" and picked is not None:
        if picked < 0:
            assert verdict.entry_index is not None and match is not None  # how a match is made
            index, (p, cosine) = verdict.entry_index, match
        else:
            index, p, cosine = others[picked]
        return Verdict("seen", index, judge.probability(p, cosine), probability=p, how="semantic")
    closest = max(others, key=lambda other: other[1], default=None)
    if closest is not None and (verdict.entry_index is None or closest[1] > verdict.probability):
        return Verdict("new", closest[0], closest[1], probability=closest[1], how="semantic")
    return verdict


def _in_band_judged(pair: tuple[float, float], lexically_seen: bool) -> bool:
    p = pair[0]
    return in_band(p) and (p * 100 >= LEXICAL_SEEN_PCT) == lexically_seen
