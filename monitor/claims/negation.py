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
# "has yet to sign" = "has not signed": "yet to" after these is a negation.
_YET_TO_BEFORE = frozenset(
    {"has", "have", "had", "is", "are", "was", "were", "remains", "remain", "remained"}
)
# Verbs that negate the thing they name: "withheld approval" = "did not approve".
_WITHHOLDING_VERBS = frozenset(["withhold", "withholds", "withheld", "withholding"])
# "was denied bail", "were refused entry": a passive denial is a thing not given.
_PASSIVE_DENIALS = frozenset(["denied", "refused"])
_PASSIVE_BE = frozenset({"was", "were", "is", "are", "been", "being", "be", "got", "get"})
# "dropped plans to list", "abandoned its plan": a plan given up is a plan no more.
_ABANDONING_VERBS = frozenset(
    ["drop", "dropped", "drops", "abandon", "abandoned", "abandons", "scrap", "scrapped", "scraps"]
    + ["shelve", "shelved", "shelves", "ditch", "ditched", "ditches"]
)
_PLAN_NOUNS = frozenset({"plan", "plans", "bid", "bids", "intention", "intentions"})
# "not only", "not surprisingly", "no doubt", "whether or not" negate nothing.
_NOT_NEGATING_NEXT = {
    "not": frozenset({"only", "just", "merely", "surprisingly", "least"}),
    "no": frozenset({"doubt", "matter"}),
    "nothing": frozenset({"but"}),  # "nothing but praise" is only praise
}


def negations(words: Sequence[str]) -> list[str]:
    """The negating words of a normalised sentence; implicit ones ("failed to") count as "not"."""
    return [word for _, word in negation_positions(words, implied=False)]


def negation_positions(words: Sequence[str], implied: bool = True) -> list[tuple[int, str]]:
    """(index, word) of each negating word; implicit ones ("failed to") count as "not".

    `implied` adds the phrases only the reversal check reads ("withheld approval", "was denied
    bail", "dropped plans to", "declined comment"); `negations` leaves them out because the
    fitted model's negation feature was computed without them.
    """
    found: list[tuple[int, str]] = []
    if (_ANY_NEGATION if implied else _PLAIN_NEGATION).isdisjoint(words):
        return found
    n = len(words)
    for i, word in enumerate(words):
        following = words[i + 1] if i + 1 < n else ""
        if word in NEGATIONS:
            ignored = following in _NOT_NEGATING_NEXT.get(word, ()) or (
                word == "not" and i and words[i - 1] == "or"
            )
            # the model's feature counts "nothing but"; only the reversal check reads it as none
            if not ignored or (word == "nothing" and not implied):
                found.append((i, word))
        elif word == "yet" and _yet_to(words, i):
            # at "to": "has not yet" / "has yet to" then differ by one negation each way
            found.append((i + 1, "not"))
        elif (
            word in _NEGATIVE_WORDS
            or (word in _NEGATING_VERBS and _negates_verb(words, i, implied))
            or (
                implied
                and (
                    word in _WITHHOLDING_VERBS
                    or passive_denial(words, i)
                    or (word in _ABANDONING_VERBS and _names_plan(words, i))
                )
            )
        ):
            found.append((i, "not"))
    return found


_PLAIN_NEGATION = NEGATIONS | _NEGATIVE_WORDS | _NEGATING_VERBS | {"yet"}
_ANY_NEGATION = (
    NEGATIONS
    | {"yet"}
    | _NEGATIVE_WORDS
    | _NEGATING_VERBS
    | _WITHHOLDING_VERBS
    | _ABANDONING_VERBS
    | _PASSIVE_DENIALS
)
# Every word that can start a negation, stated or implied (for the reversal check's screen).
TURNING_WORDS = _ANY_NEGATION | _PLAN_NOUNS | DENY_VERBS


# After these a passive denial names who denied, not the thing denied: "was refused by the board".
_NOT_AN_OBJECT = frozenset(
    ["by", "in", "on", "at", "for", "after", "before", "because", "when", "as", "and", "but"]
    + ["over", "during", "from", "with", "since", "until", "last", "this", "yesterday", "today"]
)


def passive_denial(words: Sequence[str], i: int) -> bool:
    """ "was denied bail", "were refused entry": a thing not given, which negates like "not"."""
    return (
        words[i] in _PASSIVE_DENIALS
        and i > 0
        and words[i - 1] in _PASSIVE_BE
        and i + 1 < len(words)
        and words[i + 1] not in _NOT_AN_OBJECT
        and not words[i + 1][0].isdigit()
    )


def _yet_to(words: Sequence[str], i: int) -> bool:
    """ "has yet to sign", "is yet to be named": not done so far ("has not yet" is "not" already)."""
    return (
        0 < i < len(words) - 2
        and words[i + 1] == "to"
        and words[i - 1] in _YET_TO_BEFORE
        and not words[i + 2][0].isdigit()
    )


def _names_plan(words: Sequence[str], i: int) -> bool:
    # "scrapped plans", "dropped its bid": the plan noun within two words
    return any(w in _PLAN_NOUNS for w in words[i + 1 : i + 3])


def _negates_verb(words: Sequence[str], i: int, implied: bool = False) -> bool:
    # "refused, through a lawyer, to testify"; "shares declined 5 % to 10 dollars" fell.
    if implied and i + 1 < len(words) and words[i + 1] in ("comment", "comments"):
        return True  # "declined comment"
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
