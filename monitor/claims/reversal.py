"""Reversals: the same claim with its quantifier, polarity, predicate or modality turned around."""

from __future__ import annotations

from functools import lru_cache

from rapidfuzz.distance import Indel

from monitor.claims.negation import TURNING_WORDS, negation_positions, negations, passive_denial
from monitor.claims.normalize import STOPWORDS, content_stem, normalize
from monitor.claims.prepare import Prepared
from monitor.claims.restate import LIGHT_CONCEPTS, concept, strip_reporting_frame
from monitor.claims.reversal_words import (
    ALL_PREFIXES,
    AUXILIARY,
    BE,
    CLOSE_BEFORE,
    DENOMINATORS,
    EXTENT_WORDS,
    HAVE,
    MODAL_CONTEXT,
    MODAL_GAP,
    MODAL_WORDS,
    MODALS,
    NEGATING_BEFORE_TO,
    NEGATING_PREFIXES,
    NEGATORS,
    ONE,
    PERCENT_WORDS,
    PERSON,
    PERSON_NOUNS,
    PERSON_PHRASES,
    PHRASE_FIRST,
    PHRASES,
    PREFIX_MIN_BASE,
    PREFIX_WORD_MIN,
    QUANTIFIER_FIRST,
    QUANTIFIER_GAP,
    QUANTIFIER_PHRASES,
    QUANTIFIER_STEMS,
    TURN_WORDS,
    WORD_SIDES,
)

# Share (%) of the later sentence's other role words the earlier one must carry: a reversal keeps
# the rest of the claim.
REVERSAL_FRAME_MIN_PCT = 80.0

_Quantity = tuple[int, frozenset[str], str]  # scale, nouns it counts, the noun's content stem


@lru_cache(maxsize=16384)
def _quantifiers(words: tuple[str, ...]) -> tuple[_Quantity, ...]:
    """(scale, nouns, noun stem) for each quantifier, share or count in a sentence."""
    found: list[_Quantity] = []
    i, n = 0, len(words)
    while i < n:
        scale, width, phrase = _quantifier_at(words, i)
        if scale is None:
            i += 1
            continue
        j = i + width
        if phrase in PERSON_PHRASES:
            found.append((scale, frozenset({PERSON}), "one"))
            i = j
            continue
        while j < n and (
            words[j] in QUANTIFIER_GAP or _is_modifier(words[j]) or words[j][0].isdigit()
        ):
            j += 1
        if j < n and words[j] not in STOPWORDS:
            stem = content_stem(words[j])
            nouns = {concept(stem)} | ({PERSON} if stem in PERSON_NOUNS else set())
            found.append((scale, frozenset(nouns), stem))
        i = j
    return tuple(found)


def _is_modifier(word: str) -> bool:
    # "those Israeli airstrikes": a demonstrative then adjectives; nationality words end -i/-ian.
    return word.endswith(("i", "ian", "ish")) and len(word) > 4


def _share_scale(share: float) -> int:
    """A share (0 to 1) on the quantifier scale; exactly half is neither side."""
    return 5 if share >= 1 else 4 if share > 0.5 else 1 if share > 0 else 0


def _fraction_at(words: tuple[str, ...], i: int) -> int | None:
    """The scale of "2 thirds of", "a quarter of" starting at words[i], or None."""
    denominator = DENOMINATORS.get(words[i + 1]) if i + 2 < len(words) else None
    if denominator is None or words[i + 2] != "of":
        return None
    word = words[i]
    if word in ONE:
        return _share_scale(1 / denominator)
    if word.isdigit() and 0 < int(word) <= denominator:
        share = int(word) / denominator
        return None if share == 0.5 else _share_scale(share)
    return None


def _quantifier_at(words: tuple[str, ...], i: int) -> tuple[int | None, int, tuple[str, ...]]:
    word = words[i]
    if word in ONE or word[0].isdigit():
        fraction = _fraction_at(words, i)
        if fraction is not None:
            return fraction, 2, ()
    if word[0].isdigit():
        return _amount_at(words, i)
    if word not in QUANTIFIER_FIRST:
        return None, 1, ()
    for phrase, scale in QUANTIFIER_PHRASES:
        if words[i : i + len(phrase)] == phrase:
            if phrase == ("no",) and i + 1 < len(words) and words[i + 1] in ("longer", "doubt"):
                return None, 1, ()
            if phrase == ("each",) and i + 1 < len(words) and words[i + 1] == "other":
                return None, 1, ()
            return scale, len(phrase), phrase
    return None, 1, ()


def _amount_at(words: tuple[str, ...], i: int) -> tuple[int | None, int, tuple[str, ...]]:
    try:
        amount = float(words[i].rstrip("%"))
    except ValueError:
        return None, 1, ()
    following = words[i + 1] if i + 1 < len(words) else ""
    if following in PERCENT_WORDS or words[i].endswith("%"):
        width = 1 if words[i].endswith("%") else 2
        if words[i + width : i + width + 1] != ("of",) or amount == 50:
            return None, 1, ()  # "rose 5 %" is a change, not a share; half is neither side
        return _share_scale(amount / 100), width, ()
    # A count of something; "0 deaths" is none. Years are not counts.
    return (0 if amount == 0 else -1) if amount < 1800 else None, 1, ()


def _flipped(a: int, b: int) -> bool:
    """Two shares on opposite sides: all/most against some/few/none, many against few/none."""
    low, high = min(a, b), max(a, b)
    if low < 0:
        return False
    return (high >= 4 and low <= 2) or (high == 3 and low <= 1) or (low == 0 and high >= 2)


def _rest_agrees(earlier: Prepared, later: Prepared, masked: frozenset[str]) -> bool:
    """The other role words of the later sentence are carried by the earlier one."""
    rest = {concept(w) for w in later.core} - masked - LIGHT_CONCEPTS
    rest = {w for w in rest if not w[0].isdigit()}
    if len(rest) < 2:
        return False
    theirs = {concept(w) for w in earlier.core}
    return len(rest & theirs) * 100 >= REVERSAL_FRAME_MIN_PCT * len(rest)


def agreement(earlier: Prepared, later: Prepared) -> float:
    """Share of the later sentence's role words the earlier one carries (a reversal's score)."""
    mine = {concept(w) for w in later.core}
    return len(mine & {concept(w) for w in earlier.core}) / max(len(mine), 1)


def quantifier_change(earlier: Prepared, later: Prepared) -> str | None:
    """A share turned around ("most" / "few"), or none against a count ("no one" / "four people")."""
    before, after = _quantifiers(earlier.words), _quantifiers(later.words)
    if not before or not after:
        return None
    for scale_a, nouns_a, stem_a in before:
        for scale_b, nouns_b, stem_b in after:
            if nouns_a.isdisjoint(nouns_b) or scale_a == scale_b:
                continue
            masked = QUANTIFIER_STEMS | nouns_a | nouns_b | {concept(stem_a), concept(stem_b)}
            if -1 in (scale_a, scale_b):
                if 0 in (scale_a, scale_b) and _rest_agrees(earlier, later, masked):
                    return "negation"  # "no Americans were injured" / "three Americans were"
                continue
            if _flipped(scale_a, scale_b) and _rest_agrees(earlier, later, masked):
                return "quantifier"
    return None


def _none_against_some(earlier: Prepared, later: Prepared) -> bool:
    """ "found no evidence" / "found evidence": none of a noun the other side simply names."""
    if earlier.negated == later.negated:
        return False
    for this, other in ((earlier, later), (later, earlier)):
        theirs = {concept(w) for w in other.core}
        counted = {n for _, nouns, _ in _quantifiers(other.words) for n in nouns}
        for scale, nouns, stem in _quantifiers(this.words):
            if scale != 0 or not (nouns & theirs) or nouns & counted:
                continue
            masked = QUANTIFIER_STEMS | nouns | {stem}
            if _rest_agrees(earlier, later, masked) and _rest_agrees(later, earlier, masked):
                return True
    return False


@lru_cache(maxsize=16384)
def _sides(words: tuple[str, ...]) -> dict[tuple[str, int], frozenset[str]]:
    """(axis, side) of each opposite-predicate word or phrase, with the words that carry it."""
    found: dict[tuple[str, int], set[str]] = {}
    n = len(words)
    skip = -1
    for i, word in enumerate(words):
        if i <= skip:
            continue
        following = words[i + 1] if i + 1 < n else ""
        if word in PHRASE_FIRST:
            phrase = next(
                (p for p in PHRASES if word in p[0] and following == p[1]),
                None,
            )
            if phrase is not None:
                found.setdefault((phrase[2], phrase[3]), set()).update((word, following))
                skip = i + 1
                continue
        if word == "close" and (i == 0 or words[i - 1] not in CLOSE_BEFORE):
            continue
        sides = WORD_SIDES.get(word, ())
        if word == "close":
            sides = (("open", 1),)
        if not sides:
            continue
        if (word in NEGATING_BEFORE_TO and following == "to") or passive_denial(words, i):
            continue  # "declined to comment", "was denied bail": negation.py counts it as "not"
        if word in ("defeated", "beaten") and i and words[i - 1] in BE:
            # "was defeated in the vote" lost it; "the bill was defeated" did not pass
            sides = (("outcome", 1), ("success", 1))
        for side in sides:
            found.setdefault(side, set()).add(word)
    return {k: frozenset(v) for k, v in found.items()}


def antonym_flip(earlier: Prepared, later: Prepared) -> frozenset[str] | None:
    """The words of a predicate one sentence has and the other turns to its opposite, or None."""
    before, after = _sides(earlier.words), _sides(later.words)
    if not before or not after:
        return None
    words: set[str] = set()
    for (axis, side), carried in before.items():
        other = (axis, 1 - side)
        if other in after and other not in before and (axis, side) not in after:
            words |= carried | after[other]
    if words:
        return frozenset(words)
    # Both sides keep a word of the axis ("upheld the veto" / "overturned the veto"): compare
    # only the words that differ.
    removed, added = set(), set()
    for a_start, a_end, b_start, b_end in _regions(earlier.words, later.words):
        removed |= set(earlier.words[a_start:a_end])
        added |= set(later.words[b_start:b_end])
    for (axis, side), carried in before.items():
        other = (axis, 1 - side)
        gone, come = carried & removed, after.get(other, frozenset()) & added
        if gone and come and not (before.get(other, frozenset()) & removed):
            words |= gone | come
    return frozenset(words) if words else None


def _diff_key(word: str) -> str:
    return AUXILIARY.get(word) or content_stem(word)


@lru_cache(maxsize=16384)
def _diff_keys(words: tuple[str, ...]) -> tuple[str, ...]:
    # A ledger claim meets many sentences: its keys are computed once.
    return tuple(_diff_key(w) for w in words)


def _regions(a: tuple[str, ...], b: tuple[str, ...]) -> list[tuple[int, int, int, int]]:
    """(a start, a end, b start, b end) of each stretch where two sentences' words differ.

    Words are compared by stem: "countries" / "country" is no difference.
    """
    regions: list[tuple[int, int, int, int]] = []
    current: list[int] | None = None
    for op in Indel.opcodes(_diff_keys(a), _diff_keys(b)):
        if op.tag == "equal":
            if current is not None:
                regions.append((current[0], current[1], current[2], current[3]))
                current = None
            continue
        if current is None:
            current = [op.src_start, op.src_end, op.dest_start, op.dest_end]
        else:
            current[1], current[3] = op.src_end, op.dest_end
    if current is not None:
        regions.append((current[0], current[1], current[2], current[3]))
    return regions


@lru_cache(maxsize=16384)
def _claim_words(text: str, words: tuple[str, ...]) -> tuple[str, ...]:
    """A sentence's words without its reporting frame ("X said", "according to Y")."""
    stripped = strip_reporting_frame(text)
    return words if stripped is None else tuple(normalize(stripped).split())


# A flip is local: at most this many words on a side differ around the negation ...
LOCAL_FLIP_MAX_WORDS = 5
# ... and a negation put in or taken out with no word in its place ("no longer", "has dropped")
# has at most this many words: more is a clause of its own.
LOCAL_FLIP_INSERT_MAX_WORDS = 3
# ... and the words both share, frame aside, are at least this share (%) of the shorter one.
LOCAL_FLIP_SHARED_MIN_PCT = 70.0


def _prefix_negated(region: tuple[str, ...], other: tuple[str, ...]) -> int:
    """How many words of `region` negate by a prefix a word of `other` states.

    "unlikely" / "likely", "unpenalised" / "penalty" (the same first letters); a prefix split
    off as a word ("non operative") counts as well.
    """
    count = 0
    for word in region:
        if word == "non":
            count += 1
            continue
        if not word.startswith(NEGATING_PREFIXES):
            continue
        for prefix in NEGATING_PREFIXES:
            base = word[len(prefix) :]
            if (
                word.startswith(prefix)
                and len(base) >= PREFIX_MIN_BASE
                and (
                    base in MODAL_WORDS  # "impossible" / "not able" are both negative
                    or any(w == base or w[:_PREFIX_STEM] == base[:_PREFIX_STEM] for w in other)
                )
            ):
                count += 1
                break
    return count


_PREFIX_STEM = 5


def _is_modal_at(words: tuple[str, ...], i: int) -> bool:
    word = words[i] if 0 <= i < len(words) else ""
    following = words[i + 1] if i + 1 < len(words) else ""
    return word in MODAL_CONTEXT or (word in HAVE and following == "to")


def _modal_beside(words: tuple[str, ...], start: int, end: int) -> bool:
    """A modal in words[start:end] or next to it, past adverbs ("will probably | not")."""
    if any(_is_modal_at(words, i) for i in range(start, end)):
        return True
    for step, i in ((-1, start - 1), (1, end)):
        while 0 <= i < len(words):
            if _is_modal_at(words, i):
                return True
            if words[i] not in MODAL_GAP:
                break
            i += step
    return False


# The last pair `local_flip` judged and its answer: the ledger asks `change_kind` and then
# `reversal_kind` about one pair, and both start from the same per-stretch comparison.
_last_flip: tuple[Prepared | None, Prepared | None, str | None] = (None, None, None)


def local_flip(earlier: Prepared, later: Prepared) -> str | None:
    """`_local_flip`, remembered for the pair asked last."""
    global _last_flip
    last = _last_flip
    if last[0] is earlier and last[1] is later:
        return last[2]
    answer = _local_flip(earlier, later)
    _last_flip = (earlier, later, answer)
    return answer


@lru_cache(maxsize=16384)
def _negation_indices(words: tuple[str, ...]) -> tuple[int, ...]:
    return tuple(i for i, _ in negation_positions(words))


def _local_flip(earlier: Prepared, later: Prepared) -> str | None:
    """ "negation" or "modality" when one stretch of the claim turns polarity, "agree" when it is
    negated against its antonym ("did not approve" / "withheld approval"), "same" when no stretch
    turns ("impossible" / "not able"), None when the two do not align well enough to tell.

    Polarity is compared stretch by stretch, with the reporting frame set aside, so another
    negating word both sides keep ("breathe without help") does not hide the flip.
    """
    a = _claim_words(earlier.text, earlier.words)
    b = _claim_words(later.text, later.words)
    if not a or not b:
        return None
    regions = _regions(a, b)
    shared = len(a) - sum(end - start for start, end, _, _ in regions)
    if shared * 100 < LOCAL_FLIP_SHARED_MIN_PCT * min(len(a), len(b)):
        return None
    neg_a = _negation_indices(a)
    neg_b = _negation_indices(b)
    flips = []
    for a_start, a_end, b_start, b_end in regions:
        part_a, part_b = a[a_start:a_end], b[b_start:b_end]
        count_a = sum(a_start <= i < a_end for i in neg_a) + _prefix_negated(part_a, b)
        count_b = sum(b_start <= i < b_end for i in neg_b) + _prefix_negated(part_b, a)
        if (count_a - count_b) % 2:
            flips.append((a_start, a_end, b_start, b_end))
    if not flips:
        return "same"
    if len(flips) != 1:
        return None
    a_start, a_end, b_start, b_end = flips[0]
    if a_end - a_start > LOCAL_FLIP_MAX_WORDS or b_end - b_start > LOCAL_FLIP_MAX_WORDS:
        return None
    if min(a_end - a_start, b_end - b_start) == 0 and (
        max(a_end - a_start, b_end - b_start) > LOCAL_FLIP_INSERT_MAX_WORDS
        or (a_start == len(a) and b_start == len(b))
        or (a_end == len(a) and b_end == len(b))
    ):
        return None  # a clause added or dropped at the end (", none seriously"), not a flip
    if not QUANTIFIER_FIRST.isdisjoint(a[a_start:a_end]) and not QUANTIFIER_FIRST.isdisjoint(
        b[b_start:b_end]
    ):
        return None  # "hardly any" / "almost no": a share on both sides, for quantifier_change
    # "did not win" / "lost": the negation and the antonym cancel, wherever the antonym moved
    removed = tuple(w for start, end, _, _ in regions for w in a[start:end])
    added = tuple(w for _, _, start, end in regions for w in b[start:end])
    sides_a, sides_b = _sides(removed), _sides(added)
    if any((axis, 1 - side) in sides_b and (axis, side) not in sides_b for axis, side in sides_a):
        return "agree"
    # The rest of the claim is the same: "the bridge was closed" / "the tunnel was not closed"
    # turns nothing around.
    turned = a[a_start:a_end] + b[b_start:b_end]
    masked = frozenset(concept(content_stem(w)) for w in turned) | QUANTIFIER_STEMS
    if not (_rest_agrees(earlier, later, masked) and _rest_agrees(later, earlier, masked)):
        return None
    if _modal_beside(a, a_start, a_end) or _modal_beside(b, b_start, b_end):
        return "modality"
    return "negation"


def _prefix_flips(this: Prepared, other: Prepared) -> list[tuple[str, str]]:
    """(word, base) for each word `this` negates by a prefix that `other` states plainly."""
    return list(_prefix_flips_of(this.words, other.words))


def _prefix_flips_of(
    these: tuple[str, ...], others: tuple[str, ...]
) -> tuple[tuple[str, str], ...]:
    theirs = set(others)
    flips = []
    for word in set(these) - theirs:
        if not word.startswith(ALL_PREFIXES):
            continue
        for prefix in ALL_PREFIXES:
            base = word[len(prefix) :]
            if word.startswith(prefix) and len(base) >= PREFIX_MIN_BASE and base in theirs:
                if base not in these and not _split_prefix(others, base):
                    flips.append((word, base))
                break
    return tuple(flips)


def _split_prefix(words: tuple[str, ...], base: str) -> bool:
    # "non- operative" / "inoperative", "non binding" / "nonbinding": the prefix as a word
    return any(
        w == base and i and words[i - 1] in (*NEGATING_PREFIXES, "dis") for i, w in enumerate(words)
    )


def polarity_differs(earlier: Prepared, later: Prepared) -> bool:
    """Whether the two sentences differ in polarity, counting "not" and "un-"/"im-" words alike.

    "It is not impossible" says what "It is possible" does; "not unsafe" is "safe".
    """
    first = earlier.negated ^ (len(_prefix_flips(earlier, later)) % 2 == 1)
    second = later.negated ^ (len(_prefix_flips(later, earlier)) % 2 == 1)
    return first != second


def _prefix_kind(earlier: Prepared, later: Prepared) -> str | None:
    """ "probable"/"improbable" is modality, "safe"/"unsafe" negation, "allow"/"disallow" antonym."""
    if earlier.negated != later.negated or not polarity_differs(earlier, later):
        return None
    flips = _prefix_flips(earlier, later) + _prefix_flips(later, earlier)
    masked = frozenset(concept(content_stem(w)) for pair in flips for w in pair)
    if not _rest_agrees(earlier, later, masked):
        return None
    if any(base in MODAL_WORDS for _, base in flips):
        return "modality"
    return "antonym" if any(word.startswith("dis") for word, _ in flips) else "negation"


def _modal_flip(earlier: Prepared, later: Prepared) -> bool:
    """ "will" / "will no longer", which negation's strong-word rule leaves out."""
    if earlier.negated == later.negated:
        return False
    negated = later if later.negated else earlier
    if not modal_negation(earlier, later, negated):
        return False
    masked = frozenset({"longer", "not", "never", "no"})
    return _rest_agrees(earlier, later, masked) and _rest_agrees(later, earlier, masked)


def reversal_kind(earlier: Prepared, later: Prepared) -> str | None:
    """How the later sentence turns the earlier claim around: quantifier, negation, antonym, modality."""
    kind = quantifier_change(earlier, later)
    if kind is not None:
        return kind
    if _none_against_some(earlier, later):
        return "negation"
    flip = antonym_flip(earlier, later)
    if flip and not polarity_differs(earlier, later):
        masked = frozenset(concept(content_stem(w)) for w in flip)
        if _rest_agrees(earlier, later, masked):
            return "quantifier" if flip <= EXTENT_WORDS else "antonym"
    local = local_flip(earlier, later) if may_flip(earlier, later) else None
    if local in ("negation", "modality"):
        return local
    kind = _prefix_kind(earlier, later)
    if local is not None:
        # the stretches agree in polarity; "allowed" / "disallowed" still turns the predicate
        return "antonym" if kind == "antonym" else None
    if kind is not None:
        return kind
    if _modal_flip(earlier, later):
        return "modality"
    return None


def modal_negation(earlier: Prepared, later: Prepared, negated: Prepared | None = None) -> bool:
    """A negation flip that sits on a modal: "will" / "will not", "likely" / "not likely"."""
    if negated is None:
        negated = later if later.negation == 2 else earlier
    words = negated.words
    for i, word in enumerate(words):
        if word in NEGATORS or (word == "no" and words[i + 1 : i + 2] == ("longer",)):
            if i > 0 and words[i - 1] in MODALS:
                return True
            after = words[i + 1 : i + 4]
            if word == "no":
                after = after[1:]
            nxt = next((w for w in after if w not in ("be", "been", "yet", "very")), "")
            if nxt in MODAL_WORDS:
                return True
    return False


def may_be_reversed(normalized: str, content: frozenset[str]) -> bool:
    """Whether a stored claim has a word a later sentence could turn around (a cheap screen)."""
    words = normalized.split()
    return not QUANTIFIER_FIRST.isdisjoint(words) or not WORD_SIDES.keys().isdisjoint(words)


def may_reverse(prepared: Prepared) -> bool:
    """Whether a sentence has any word a reversal turns on (a cheap screen before the checks)."""
    return _may_reverse_words(prepared.words)


@lru_cache(maxsize=16384)
def _may_reverse_words(words: tuple[str, ...]) -> bool:
    # The ledger asks this of a stored claim each time a sentence is compared with it.
    return bool(
        _quantifiers(words)
        or _sides(words)
        or negations(words)
        or any(w.startswith(ALL_PREFIXES) and len(w) >= PREFIX_WORD_MIN for w in words)
    )


def may_turn(earlier: Prepared, later: Prepared) -> bool:
    """Whether the words the two sentences do not share could carry a reversal (a cheap screen).

    A reversal changes a negation, a quantity, a modal or an opposite word; when the words one
    sentence has and the other lacks include none of them, `reversal_kind` finds nothing.
    """
    differing = set(earlier.words).symmetric_difference(later.words)
    return any(
        w in TURN_WORDS
        or w[:1].isdigit()
        or (w.startswith(ALL_PREFIXES) and len(w) >= PREFIX_WORD_MIN)
        for w in differing
    )


@lru_cache(maxsize=16384)
def _has_polarity_word(words: tuple[str, ...]) -> bool:
    return any(w in TURNING_WORDS or w.startswith(ALL_PREFIXES) for w in words)


def may_flip(earlier: Prepared, later: Prepared) -> bool:
    """Whether either sentence has a word that can turn polarity: a screen before `local_flip`.

    Without a negating word or a negating prefix on either side no stretch can flip, and the
    callers reach the same verdict as with `local_flip`'s answer.
    """
    return _has_polarity_word(earlier.words) or _has_polarity_word(later.words)
