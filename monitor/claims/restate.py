"""Restatements: reporting frames stripped, and role words unified for a feature-free coverage check."""

from __future__ import annotations

import re

from monitor.claims.normalize import content_stem

# "The Wall Street Journal reports that X", "According to the WSJ, X", "X, officials said."
# Only asserting verbs: a denial ("officials denied X") is the `attribution` change kind's business.
_REPORT_VERB = (
    r"(?:reports?|reported|says|said|claims?|claimed|writes|wrote|revealed|reveals|announced"
    r"|confirmed|confirms|noted|notes|added|adds|told [\w. ]{1,30}?|has (?:reported|learned)"
    r"|learned|understands)"
)
_LEADING_FRAME = re.compile(
    rf"^(?:(?:but|and|however|meanwhile),?\s+)?(?:[\w“”\"'’.&\-]+\s+){{1,8}}?{_REPORT_VERB}"
    r"(?:\s+on\s+\w+)?\s+that\s+",
    re.IGNORECASE,
)
_LEADING_ACCORDING = re.compile(
    r"^(?:(?:but|and),?\s+)?(?:according to|as per|per|citing)\s+[^,]{2,80},\s+", re.IGNORECASE
)
_INNER_ACCORDING = re.compile(
    r",?\s+(?:according to|as per|citing)\s+(?:the\s+)?[^,.;]{2,80}(?=[,.;]|$)", re.IGNORECASE
)
_TRAILING_FRAME = re.compile(
    r",\s*(?:(?:the|a|an|one|two|several|current|and|former|senior|other|us|u\.s\.|american"
    r"|israeli|[A-Z][\w.’'\-]*)\s+){0,6}"
    r"(?:officials?|sources?|spokesm[ae]n|spokeswom[ae]n|spokesperson|he|she|they|it|report"
    r"|[A-Z][\w.’'\-]+)\s+"
    rf"(?:{_REPORT_VERB})(?:\s+on\s+\w+)?\s*(?=[.!]?[”\"’]?$)",
    re.IGNORECASE,
)


_FRAME_HINT = re.compile(
    r"\b(?:that|according|per|citing|said|says|reported|told|claimed|added|noted|wrote)\b",
    re.IGNORECASE,
)


def strip_reporting_frame(text: str) -> str | None:
    """The sentence without its reporting frame ("X reports that", "according to Y"); None if none."""
    if _FRAME_HINT.search(text) is None:
        return None  # one scan instead of four on the many sentences with no frame
    stripped = text.strip()
    for pattern in (_LEADING_FRAME, _LEADING_ACCORDING):
        stripped = pattern.sub("", stripped, count=1)
    stripped = _INNER_ACCORDING.sub("", stripped)
    stripped = _TRAILING_FRAME.sub("", stripped, count=1)
    stripped = stripped.strip(" ,;")
    if stripped == text.strip() or len(stripped.split()) < 3:
        return None
    return stripped[0].upper() + stripped[1:]


# Role words: words that name the same thing in a news story, as content stems. Used only to find
# candidates and for the coverage check, never as model features, so the fitted model is unchanged.
_CONCEPT_GROUPS = (
    "strik mission sorti raid bomb airraid airstrik operation oper attack",
    "review prescreen vet screen examin inspect check",
    "approv clear authoriz sanction greenlight endors permit allow",
    "reject deni veto refus",
    "urg press call push",
    "paus halt suspend stop freez",
    "kill slay",
    "injur wound hurt harm",
    "die dead death fatal",
    "arrest detain apprehend",
    "charg indict prosecut",
    "plan intend aim",
    "announc unveil",
    "warn caution",
    "say stat claim told tell accord report",
    "countri nation state",
    "troop soldier forc",
    "militant fighter insurgent rebel",
    "compan firm",
    "govern administr authority",
    "presid leader",
    "car vehicl",
    "win won victory",
    "award prize honor",
    "best top",
)
_CONCEPT = {word: group.split()[0] for group in _CONCEPT_GROUPS for word in group.split()}
# Light verbs and reporting residue: they carry no claim of their own ("launched raids" = "raids").
LIGHT_CONCEPTS = frozenset(
    [
        "launch",
        "carri",
        "conduct",
        "mak",
        "made",
        "tak",
        "took",
        "hold",
        "held",
        "begin",
        "behind",
        "scen",
        "say",
        "official",
        "sourc",
        "report",
        "time",
        "least",
        "order",
    ]
)


def concept(stemmed: str) -> str:
    """The role word of a content stem ("raid" and "mission" are both "strik")."""
    return _CONCEPT.get(stemmed, stemmed)


def concepts(content: frozenset[str]) -> frozenset[str]:
    """The role words of a sentence's content stems."""
    return frozenset(_CONCEPT.get(w, w) for w in content)


def claim_concepts(content: frozenset[str]) -> frozenset[str]:
    """The role words a restatement must cover: light words dropped."""
    return frozenset(c for w in content if (c := _CONCEPT.get(w, w)) not in LIGHT_CONCEPTS)


def concept_of_word(word: str) -> str:
    """The role word of a normalised word."""
    return concept(content_stem(word))
