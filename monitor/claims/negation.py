"""Negation: the negating words of a sentence, stated ("not") or implied ("failed to")."""

from __future__ import annotations

from collections.abc import Sequence

from monitor.claims.normalize import DENY_VERBS, NEGATIONS

# Verbs that negate the verb after them: "failed to pay" = "did not pay".
_NEGATING_VERBS = frozenset(
    ["fail", "fails", "failed", "failing", "refuse", "refuses", "refused", "refusing"]
    + ["decline", "declines", "declined", "declining"]
)
_NEGATIVE_WORDS = frozenset({"lack", "lacks", "lacked", "lacking"})
# "not only", "not surprisingly", "no doubt", "whether or not" negate nothing.
_NOT_NEGATING_NEXT = {
    "not": frozenset({"only", "just", "merely", "surprisingly", "least"}),
    "no": frozenset({"doubt", "matter"}),
}


def negations(words: Sequence[str]) -> list[str]:
    """The negating words of a normalised sentence; implicit ones ("failed to") count as "not"."""
    found: list[str] = []
    if _ANY_NEGATION.isdisjoint(words):
        return found
    n = len(words)
    for i, word in enumerate(words):
        following = words[i + 1] if i + 1 < n else ""
        if word in NEGATIONS:
            if following in _NOT_NEGATING_NEXT.get(word, ()) or (
                word == "not" and i and words[i - 1] == "or"
            ):
                continue
            found.append(word)
        elif word in _NEGATIVE_WORDS or (word in _NEGATING_VERBS and _negates_verb(words, i)):
            found.append("not")
    return found


_ANY_NEGATION = NEGATIONS | _NEGATIVE_WORDS | _NEGATING_VERBS


def _negates_verb(words: Sequence[str], i: int) -> bool:
    # "refused, through a lawyer, to testify"; "shares declined 5 % to 10 dollars" fell.
    for j in range(i + 1, min(i + 6, len(words) - 1)):
        if words[j] == "to":
            return not words[j + 1][0].isdigit()
        if words[j][0].isdigit():
            return False
    return False


def _denies(words: Sequence[str]) -> bool:
    # "neither admitted nor denied", "did not dispute": a denial negated is no denial.
    return any(
        word in DENY_VERBS and NEGATIONS.isdisjoint(words[max(0, i - 3) : i])
        for i, word in enumerate(words)
    )
