"""Named entities of a sentence: capitalised words, normalised and stemmed."""

from __future__ import annotations

import re
from functools import lru_cache

from monitor.claims.normalize import _DOUBLE_QUOTES, _US_FORMS, STOPWORDS, content_stem, normalize

_CAPITALISED = re.compile(r"(?<![.!?:]\s)(?<!^)\b([A-Z][\w\-']*(?:\s+[A-Z][\w\-']*)*)")
# "Mr. Ortega", "Ana M. Diaz": the dot of a short capitalised abbreviation ends no sentence.
_ABBREVIATION_DOT = re.compile(r"\b([A-Z][a-z]{0,3})\.(?=\s+[A-Z])")


def _entities_clean(text: str) -> frozenset[str]:
    if "U" in text or "America" in text:
        text = _US_FORMS.sub(" USA ", text)
    if ". " in text:
        text = _ABBREVIATION_DOT.sub(r"\1", text)
    found: set[str] = set()
    for match in _CAPITALISED.finditer(text.strip(" " + _DOUBLE_QUOTES)):
        found.update(_entity_words(match.group(1)))
    return frozenset(found)


@lru_cache(maxsize=65536)
def _entity_words(name: str) -> tuple[str, ...]:
    # "Boston-based" names Boston; "al-Jazeera" names Jazeera.
    name = " ".join(p for p in name.replace("-", " ").split() if p[:1].isupper())
    words = [_NAME_ABBREVIATIONS.get(w, w) for w in normalize(name).split()]
    return tuple(content_stem(w) for w in words if w not in STOPWORDS and not w.isdigit())


# AP-style abbreviations of titles and US states: "Sen. Ann Ross (R-Kan.)" names a senator of
# Kansas.
_NAME_ABBREVIATIONS = {
    "sen": "senator",
    "gov": "governor",
    "rep": "representative",
    "gen": "general",
    "lt": "lieutenant",
    "col": "colonel",
    "sgt": "sergeant",
    "capt": "captain",
    "prof": "professor",
    "rev": "reverend",
    "st": "saint",
    "ft": "fort",
    "mt": "mount",
    **{
        short: full
        for pair in [
            "ala:alabama",
            "ariz:arizona",
            "ark:arkansas",
            "calif:california",
            "colo:colorado",
            "conn:connecticut",
            "fla:florida",
            "ga:georgia",
            "ill:illinois",
            "ind:indiana",
            "kan:kansas",
            "ky:kentucky",
            "md:maryland",
            "mass:massachusetts",
            "mich:michigan",
            "minn:minnesota",
            "mo:missouri",
            "mont:montana",
            "neb:nebraska",
            "nev:nevada",
            "okla:oklahoma",
            "ore:oregon",
            "pa:pennsylvania",
            "tenn:tennessee",
            "vt:vermont",
            "va:virginia",
            "wash:washington",
            "wis:wisconsin",
            "wyo:wyoming",
        ]
        for short, full in [pair.split(":")]
    },
}
