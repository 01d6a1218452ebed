"""Actors: the named people, places and bodies two sentences put in place of each other."""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz.distance import Indel, Levenshtein

from monitor.claims.entities import _entity_words
from monitor.claims.figures import _MONTH_WORDS
from monitor.claims.normalize import content_stem, stem
from monitor.claims.prepare import Prepared

_NOT_ACTORS = frozenset(
    stem(w)
    for w in [
        *sorted(_MONTH_WORDS),
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "today",
        "yesterday",
        "tomorrow",
        "inc",
        "corp",
        "ltd",
        "plc",
        "llc",
        "mr",
        "mrs",
        "ms",
        "dr",
    ]
)
# A name that an acronym may stand for: "Federal Reserve board" (FRB), "Centers for Disease
# Control" (CDC).
_NAME_RUN = re.compile(
    r"\b[A-Z][\w']*(?:(?:,|\s+(?:of|and|for|the|on|with|&))?\s+[A-Z][\w']*)+(?:\s+[a-z]+)?"
)
_ACRONYM = re.compile(r"\b[A-Z]{3,6}\b")


def _actors(entities: frozenset[str]) -> set[str]:
    return {e for e in entities if len(e) > 2 and e not in _NOT_ACTORS}


def _same_name(name: str, other: str) -> bool:
    # "O'Neill"/"ONeill", "Inuit"/"Inuits", "Gaddafi"/"Qaddafi", "Zelensky"/"Zelenskiy".
    if len(other) < 4 or len(name) < 4:
        return name == other
    return (
        name.startswith(other)
        or other.startswith(name)
        or Levenshtein.normalized_similarity(name, other) >= 0.8
    )


def _is_subsequence(letters: str, initials: str) -> bool:
    remaining = iter(initials)
    return all(letter in remaining for letter in letters)


def _spelled_out(side: Prepared, other: Prepared) -> set[str]:
    """Names of `side` that are an acronym of the other's, or spelled out there ("ATF")."""
    matched: set[str] = set()
    for text_a, text_b in ((side.text, other.text), (other.text, side.text)):
        acronyms = _acronyms(text_a)
        if not acronyms:
            continue
        for run, initials in _name_runs(text_b):
            for acronym in acronyms:
                if len(initials) >= len(acronym) and _is_subsequence(acronym, initials):
                    matched.add(acronym)
                    matched.update(_entity_words(run))
    return matched


@lru_cache(maxsize=4096)
def _acronyms(text: str) -> tuple[str, ...]:
    return tuple(a.lower() for a in _ACRONYM.findall(text))


@lru_cache(maxsize=4096)
def _name_runs(text: str) -> tuple[tuple[str, str], ...]:
    """Multi-word capitalised names with their initials ("Centers for Disease Control", "cfdc")."""
    runs = []
    for match in _NAME_RUN.finditer(text):
        run = match.group(0)
        runs.append((run, "".join(w[0].lower() for w in run.replace(",", " ").split())))
    return tuple(runs)


def _unmatched_actors(side: Prepared, other: Prepared) -> set[str]:
    """Named actors of `side` that the other sentence does not name in any form."""
    # Against all the other's words: a name opening a sentence is not capitalised mid-sentence.
    other_words = other.content | other.entities
    found = {
        e
        for e in _actors(side.entities - other_words)
        if not any(_same_name(e, o) for o in other_words)
    }
    if found:
        found -= _spelled_out(side, other)
    return found


def actor_difference(earlier: Prepared, later: Prepared) -> set[str]:
    """Named actors put in place of others: each side names one the other lacks, in one spot."""
    only_later = _unmatched_actors(later, earlier)
    if not only_later:
        return set()
    only_earlier = _unmatched_actors(earlier, later)
    if not only_earlier:
        return set()
    # A name added or dropped beside the same actor ("Diaz" / "Governor Ana M. Diaz") is
    # detail; a change replaces one name with another in the same stretch of the sentence.
    spans = Indel.opcodes(earlier.words, later.words)
    region_before: set[str] = set()
    region_after: set[str] = set()
    for op in (*spans, None):
        if op is None or op.tag == "equal":
            if region_before & only_earlier and region_after & only_later:
                return only_later | only_earlier
            region_before, region_after = set(), set()
            continue
        region_before.update(content_stem(w) for w in earlier.words[op.src_start : op.src_end])
        region_after.update(content_stem(w) for w in later.words[op.dest_start : op.dest_end])
    return set()


def _masked_frame(frame: str, actors: set[str]) -> str:
    return " ".join("@" if content_stem(w) in actors else w for w in frame.split())
