"""How two sentences with one frame differ: in a number, a negation, the attribution or an actor."""

from __future__ import annotations

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

from monitor.claims.actors import actor_difference
from monitor.claims.features import _jaccard
from monitor.claims.figures import _figure_matcher, _stated, _trivial
from monitor.claims.negation import negations
from monitor.claims.prepare import Prepared
from monitor.claims.reversal import (
    antonym_flip,
    local_flip,
    may_flip,
    modal_negation,
    polarity_differs,
    quantifier_change,
)
from monitor.settings import ClaimSettings


def figure_change(
    earlier: Prepared, later: Prepared, settings: ClaimSettings | None = None
) -> bool:
    """Each side states an amount the other contradicts: same kind and unit, different value."""
    before = [f for f in earlier.figures if not _trivial(f)]
    after = [f for f in later.figures if not _trivial(f)]
    if not before or not after:
        return False
    same = _figure_matcher(settings)
    # Each pair once: the three questions below ask about the same pairs.
    agree = [[same(f, g) for g in after] for f in before]
    only_before = [i for i, row in enumerate(agree) if not any(row)]
    only_after = [j for j in range(len(after)) if not any(row[j] for row in agree)]
    return any(agree[i][j] is False for i in only_before for j in only_after)


def _negation_in_frame(earlier: Prepared, later: Prepared) -> bool:
    """The negation sits inside the shared frame ("did not review" / "reviewed").

    A negation inside a stretch of words only one side has ("..., where those not yet
    identified are registered") belongs to a clause of its own, not to the shared claim.
    """
    negated, other = (later, earlier) if later.negation == 2 else (earlier, later)
    spans = Indel.opcodes(negated.words, other.words)
    region: list[str] = []
    for op in (*spans, None):
        if op is None or op.tag == "equal":
            if region and negations(region) and len(region) <= _NEGATION_REGION_WORDS:
                return True
            region = []
            continue
        region.extend(negated.words[op.src_start : op.src_end])
    return False


_NEGATION_REGION_WORDS = 4
# Attribution verbs that also name an opposite predicate: "confirmed" / "denied" is an antonym.
_ANTONYM_NOT_ATTRIBUTION = frozenset(
    ["confirm", "confirms", "confirmed", "confirming", "approve", "approves", "approved"]
)


def adds_negated_clause(earlier: Prepared, later: Prepared) -> bool:
    """The later sentence adds a clause of its own that negates something (", which are not ...").

    A negated claim is a claim: the rest may repeat the earlier sentence, the clause is new.
    """
    if later.negation != 2 or earlier.negation != 0:
        return False
    spans = Indel.opcodes(later.words, earlier.words)
    added: list[str] = []
    removed = 0
    for op in (*spans, None):
        if op is None or op.tag == "equal":
            if len(added) > _NEGATION_REGION_WORDS and removed <= 2 and negations(added):
                return True
            added, removed = [], 0
            continue
        added.extend(later.words[op.src_start : op.src_end])
        removed += op.dest_end - op.dest_start
    return False


def adds_number(earlier: Prepared, later: Prepared, settings: ClaimSettings | None = None) -> bool:
    """The later sentence states a figure the earlier one does not ("…, killing three soldiers")."""
    same = _figure_matcher(settings)
    added = [g for g in _stated(later.figures) if not any(same(f, g) for f in earlier.figures)]
    if not added:
        return False
    if any(f.kind != "year" and not _trivial(f) for f in earlier.figures):
        return False  # figures on both sides: a change of figure is `changed`, more are detail
    # ... with words of its own around it; a figure swapped for a vaguer phrase is a rewording.
    new_words = {w for w in later.core - earlier.core if not w[0].isdigit()}
    return len(new_words) >= 2


def change_kind(
    earlier: Prepared, later: Prepared, settings: ClaimSettings | None = None
) -> str | None:
    """The slot in which two same-frame sentences differ: number, negation, modality, quantifier,
    antonym, attribution, actor."""
    if earlier.figures and later.figures and figure_change(earlier, later, settings):
        # "0 fatalities" / "9 fatalities": none against a count is a negation
        return "negation" if quantifier_change(earlier, later) == "negation" else "number"
    # Polarity per stretch of the claim: "can breathe without help" / "cannot breathe without
    # help" flips, "has no" / "does not have" does not, "did not win" / "lost" agrees.
    flip = local_flip(earlier, later) if may_flip(earlier, later) else None
    if flip in ("negation", "modality"):
        threshold = (settings or ClaimSettings()).changed_frame_threshold_pct
        if fuzz.ratio(earlier.frame, later.frame) < threshold:
            return (
                None  # the frame moved ("..., officials said" / "Officials said ..."): see reversal
            )
        if quantifier_change(earlier, later) == "quantifier":
            return "quantifier"  # "most banks" / "not a single bank"
        return flip
    # Only "did" vs "did not": "has no" / "does not have" and "without" / "not" say the same;
    # "not unclear" says "clear".
    if (
        flip is None
        and {earlier.negation, later.negation} == {0, 2}
        and polarity_differs(earlier, later)
        and _negation_in_frame(earlier, later)
    ):
        if quantifier_change(earlier, later) == "quantifier":
            return "quantifier"  # "most banks" / "not a single bank"
        return "modality" if modal_negation(earlier, later) else "negation"
    if earlier.attribution * later.attribution == -1:
        # "confirmed" / "denied" turns the predicate; "said" / "denied" turns who says it
        turned = antonym_flip(earlier, later)
        return "antonym" if turned and turned & _ANTONYM_NOT_ATTRIBUTION else "attribution"
    # A name swapped in an otherwise equal sentence: the rest of the words must agree first.
    if _jaccard(earlier.core - earlier.entities, later.core - later.entities) >= 0.5 and (
        actor_difference(earlier, later)
    ):
        return "actor"
    return None


# How far below the frame thresholds a pair's plain frame similarity may be and still turn out
# `changed`: masking the two names of an actor change raises the similarity.
_FRAME_BOUND_MARGIN_PCT = 30.0


def _may_share_frame(earlier: Prepared, later: Prepared, settings: ClaimSettings) -> bool:
    """A cheap bound before the slot checks: a changed claim keeps most of its frame."""
    floor = (
        min(settings.changed_frame_threshold_pct, settings.changed_actor_frame_threshold_pct)
        - _FRAME_BOUND_MARGIN_PCT
    )
    return (
        fuzz.ratio(earlier.frame, later.frame) >= floor
        # "X, officials said" / "Officials denied X": the same words in another order
        or fuzz.token_sort_ratio(earlier.frame, later.frame) >= settings.changed_frame_threshold_pct
    )
