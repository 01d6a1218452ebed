"""Reversals: the same claim with its quantifier, polarity, predicate or modality turned around."""

from __future__ import annotations

from functools import lru_cache

from monitor.claims.normalize import STOPWORDS, content_stem
from monitor.claims.prepare import Prepared
from monitor.claims.restate import LIGHT_CONCEPTS, concept

# Quantifier scale: 4 all, 3 most, 2 many, 1 some/few, 0 none. Multi-word phrases first.
_QUANTIFIER_PHRASES: tuple[tuple[tuple[str, ...], int], ...] = (
    (("vast", "majority"), 3),
    (("overwhelming", "majority"), 3),
    (("great", "majority"), 3),
    (("nearly", "all"), 3),
    (("almost", "all"), 3),
    (("small", "minority"), 1),
    (("tiny", "minority"), 1),
    (("handful",), 1),
    (("majority",), 3),
    (("most",), 3),
    (("bulk",), 3),
    (("all",), 4),
    (("every",), 4),
    (("many",), 2),
    (("numerous",), 2),
    (("minority",), 1),
    (("few",), 1),
    (("some",), 1),
    (("none",), 0),
    (("no",), 0),
)
_QUANTIFIER_STEMS = frozenset(
    content_stem(w) for phrase, _ in _QUANTIFIER_PHRASES for w in phrase
) | {"onli"}
_QUANTIFIER_FIRST = frozenset(phrase[0] for phrase, _ in _QUANTIFIER_PHRASES)
# Skipped between a quantifier and the noun it counts: "most of those Israeli airstrikes".
_QUANTIFIER_GAP = frozenset(
    ["of", "the", "those", "these", "a", "an", "its", "their", "his", "her", "our"]
)

# Predicates that say the opposite, as content stems (synonyms already merged by content_stem).
_ANTONYM_PAIRS = (
    ("approv", "reject"),
    ("approv", "deni"),
    ("approv", "veto"),
    ("accept", "reject"),
    ("ros", "fell"),
    ("ris", "fall"),
    ("ros", "fall"),
    ("ris", "fell"),
    ("rais", "cut"),
    ("rais", "decreas"),
    ("rais", "drop"),
    ("won", "lost"),
    ("win", "los"),
    ("won", "los"),
    ("win", "lost"),
    ("allow", "ban"),
    ("allow", "forbid"),
    ("allow", "forbidden"),
    ("gain", "loss"),
    ("gain", "los"),
    ("higher", "lower"),
    ("open", "clos"),
    ("support", "oppos"),
    ("agre", "disagre"),
    ("pass", "fail"),
    ("convict", "acquit"),
    ("guilty", "innocent"),
    ("confirm", "deni"),
    ("increas", "decreas"),
    ("expand", "shrank"),
    ("expand", "shrink"),
    ("success", "failur"),
)
_ANTONYMS: dict[str, frozenset[str]] = {}
for _a, _b in _ANTONYM_PAIRS:
    _ANTONYMS[_a] = _ANTONYMS.get(_a, frozenset()) | {_b}
    _ANTONYMS[_b] = _ANTONYMS.get(_b, frozenset()) | {_a}
_MODALS = frozenset(["will", "would", "can", "could", "shall", "should", "may", "might", "must"])
_NEGATORS = frozenset({"not", "never"})

# Share (%) of the later sentence's other role words the earlier one must carry: a reversal keeps
# the rest of the claim.
REVERSAL_FRAME_MIN_PCT = 80.0


@lru_cache(maxsize=16384)
def _quantifiers(words: tuple[str, ...]) -> tuple[tuple[int, str], ...]:
    """(scale, counted noun's role word) for each quantifier or count in a sentence."""
    found: list[tuple[int, str]] = []
    i, n = 0, len(words)
    while i < n:
        scale, width = _quantifier_at(words, i)
        if scale is None:
            i += 1
            continue
        j = i + width
        while j < n and (words[j] in _QUANTIFIER_GAP or _is_modifier(words[j])):
            j += 1
        if j < n and words[j] not in STOPWORDS and not words[j][0].isdigit():
            found.append((scale, concept(content_stem(words[j]))))
        i = j
    return tuple(found)


def _is_modifier(word: str) -> bool:
    # "those Israeli airstrikes": a demonstrative then adjectives; nationality words end -i/-ian.
    return word.endswith(("i", "ian", "ish")) and len(word) > 4


def _quantifier_at(words: tuple[str, ...], i: int) -> tuple[int | None, int]:
    word = words[i]
    if word not in _QUANTIFIER_FIRST and not word[0].isdigit():
        return None, 1
    if word[0].isdigit():
        value = word.rstrip("%")
        try:
            amount = float(value)
        except ValueError:
            return None, 1
        # A count of something; "0 deaths" is none. Years and percentages are not counts.
        return (0 if amount == 0 else -1) if "%" not in word and amount < 1800 else None, 1
    for phrase, scale in _QUANTIFIER_PHRASES:
        if words[i : i + len(phrase)] == phrase:
            if phrase == ("no",) and i + 1 < len(words) and words[i + 1] in ("longer", "doubt"):
                return None, 1
            return scale, len(phrase)
    return None, 1


def _flipped(a: int, b: int) -> bool:
    low, high = min(a, b), max(a, b)
    return (high >= 3 and 0 <= low <= 1) or (high == 2 and low == 0)


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


def reversal_kind(earlier: Prepared, later: Prepared) -> str | None:
    """How the later sentence turns the earlier claim around: quantifier, negation, antonym, modality."""
    before, after = _quantifiers(earlier.words), _quantifiers(later.words)
    if before and after:
        for scale_a, noun_a in before:
            for scale_b, noun_b in after:
                if noun_a != noun_b or scale_a == scale_b:
                    continue
                masked = _QUANTIFIER_STEMS | {noun_a}
                if -1 in (scale_a, scale_b):
                    # "no Americans were injured" -> "three Americans were injured"
                    if 0 in (scale_a, scale_b) and _rest_agrees(earlier, later, masked):
                        return "negation"
                    continue
                if _flipped(scale_a, scale_b) and _rest_agrees(earlier, later, masked):
                    return "quantifier"
    flips = [
        (a, b)
        for a in earlier.content - later.content
        for b in _ANTONYMS.get(a, ())
        if b in later.content and b not in earlier.content
    ]
    if flips and earlier.negated == later.negated:
        masked = frozenset(concept(w) for pair in flips for w in pair)
        if _rest_agrees(earlier, later, masked):
            return "antonym"
    return None


def modal_negation(earlier: Prepared, later: Prepared) -> bool:
    """A negation flip that sits on a modal verb: "will" / "will not", "can" / "cannot"."""
    negated = later if later.negation == 2 else earlier
    words = negated.words
    return any(w in _NEGATORS and i > 0 and words[i - 1] in _MODALS for i, w in enumerate(words))


def may_be_reversed(normalized: str, content: frozenset[str]) -> bool:
    """Whether a stored claim has a quantifier or antonym a later sentence could turn around."""
    return not content.isdisjoint(_ANTONYMS) or not _QUANTIFIER_FIRST.isdisjoint(normalized.split())


def may_reverse(prepared: Prepared) -> bool:
    """Whether a sentence has any word a reversal turns on (a cheap screen before the checks)."""
    return bool(_quantifiers(prepared.words) or not prepared.content.isdisjoint(_ANTONYMS))
