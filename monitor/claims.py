"""Claim novelty: split articles into sentences and judge each as new, seen, changed or skipped."""

from __future__ import annotations

import heapq
import logging
import math
import operator
import re
import unicodedata
from collections import Counter, OrderedDict, deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from itertools import chain, pairwise
from typing import Any

import duckdb
import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.distance import Indel, LCSseq, Levenshtein

from monitor import db
from monitor.errors import ParseError, StoreError
from monitor.settings import ClaimSettings

LOGGER = logging.getLogger(__name__)

# --- normalisation -------------------------------------------------------------------------------

_DOUBLE_QUOTES = '"“”„‟«»″〝〞＂'
_SINGLE_QUOTES = "‘’‚‛′`´"
_DASHES = "‐‑‒–—―−"
_QUOTE_TABLE = str.maketrans(
    {
        **{c: " " for c in _DOUBLE_QUOTES},
        **{c: "'" for c in _SINGLE_QUOTES},
        **{c: "-" for c in _DASHES},
    }
)
_US_FORMS = re.compile(
    r"\b(?:U\.\s?S\.\s?A\.?|U\.\s?S\.(?=[\s,;:'\-]|$)|U\.S(?=\W|$)|USA\b|US\b|United\s+States(?:\s+of\s+America)?\b"
    r"|America\b(?!n)|Americans?\b)"
)
# "Washington" the government, not the Post, the state, the Nationals or George Washington.
_WASHINGTON = re.compile(r"\bWashington\b(?!\s+(?:[A-Z]|D\.?C\b))")
_PREVIOUS_WORD = re.compile(r"(\S+)\s+$")


def _washington(match: re.Match[str]) -> str:
    previous = _PREVIOUS_WORD.search(match.string, 0, match.start())
    word = previous.group(1).strip(_DOUBLE_QUOTES + "'(") if previous else ""
    if word[:1].isupper() and word.lower() not in STOPWORDS:
        return match.group(0)  # George Washington, Booker T. Washington: a person
    return " USA "


_CONTRACTION_FORMS = {
    "won't": "will not",
    "can't": "can not",
    "cannot": "can not",
    "shan't": "shall not",
    "n't": " not",
    "'re": " are",
    "'ve": " have",
    "'ll": " will",
    "'d": " would",
    "'m": " am",
    "'s": "",
    "s'": "s",
}
_BARE_NT = re.compile(
    r"\b(do|does|did|is|are|was|were|has|have|had|could|would|should|wo|ca|ai)nt\b"
)
_CONTRACTIONS = re.compile(
    r"\b(?:won't|can't|cannot|shan't)\b|n't\b|'(?:re|ve|ll|d|m|s)\b|(?<=s)'(?=\s|$)"
)
_SMALL_NUMBERS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "dozen": 12,
    "hundred": 100,
}
_TIMES_WORDS = {"twice": "2 times", "thrice": "3 times"}
_ORDINALS = {
    "first": "1st",
    "second": "2nd",
    "third": "3rd",
    "fourth": "4th",
    "fifth": "5th",
    "sixth": "6th",
    "seventh": "7th",
    "eighth": "8th",
    "ninth": "9th",
    "tenth": "10th",
}
_NUMBER_WORDS = frozenset(_SMALL_NUMBERS) | frozenset(_TIMES_WORDS) | frozenset(_ORDINALS)
_COMPOUNDS = {
    "air strike": "airstrike",
    "air strikes": "airstrikes",
    "air raid": "airraid",
    "air raids": "airraids",
    "air base": "airbase",
    "cease fire": "ceasefire",
    "web site": "website",
    "e mail": "email",
    "health care": "healthcare",
    "per cent": "%",
    "percent": "%",
    "pre screen": "prescreen",
    "pre screens": "prescreens",
}
_COMPOUND_RE = re.compile(
    r"\b(" + "|".join(re.escape(k) for k in sorted(_COMPOUNDS, key=len, reverse=True)) + r")\b"
)
_VULGAR_FRACTIONS = {"½": ".5", "¼": ".25", "¾": ".75", "⅓": ".33", "⅔": ".67"}
_VULGAR_FRACTION = re.compile(r"(\d?)\s?([½¼¾⅓⅔])")
_MIXED_FRACTION = re.compile(r"\b(\d+)[ -]([13])/([24])\b")  # "2 1/2" = 2.5
# "$1.2 billion" = "1.2 billion dollars"; "C$4.20" = "4.20 Canadian dollars".
_CURRENCY = re.compile(
    r"(?:\b(US|C|A|NZ|HK|S)\s?)?([$£€¥])\s?(?:US)?(\d[\d,]*(?:\.\d+)?)"
    r"(?:[\s-]?(thousand|million|billion|trillion|bn|mn|m|k)\b)?"
)
_CURRENCY_NAMES = {"$": "dollars", "£": "pounds", "€": "euros", "¥": "yen"}
_CURRENCY_PREFIXES = {
    "C": "canadian ",
    "A": "australian ",
    "NZ": "new zealand ",
    "HK": "hong kong ",
}
_SCALE_ABBREVIATIONS = {"bn": "billion", "mn": "million", "m": "million", "k": "thousand"}
# Clock times in one form, "9:15 p.m." = "2115 GMT" = "2115h": 24-hour digits with an h.
_CLOCK_12H = re.compile(r"\b(\d{1,2})(?:[:.]([0-5]\d))?\s?(?:([AaPp])\.[Mm]\.?|([AaPp])[Mm]\b)")
_CLOCK_24H = re.compile(r"\b([01]?\d|2[0-3]):([0-5]\d)\b")
_TIME_ZONES = "GMT|UTC|EDT|EST|CDT|CST|MDT|MST|PDT|PST|BST|CET|CEST|AEST|AEDT|JST|IST|ET|PT"
_ZONE_NAMES = tuple(_TIME_ZONES.split("|"))
_CLOCK_ZONE = re.compile(rf"\b([01]\d|2[0-3])([0-5]\d)(?=\s*\(?(?:{_TIME_ZONES})\b)")
_DECIMAL_COMMA = re.compile(
    r"\b(\d{1,3}),(\d{1,2})(?=\s*(?:(?:million|billion|trillion|percent|per cent)\b|%))"
)
# "This means that X" asserts X: the opening frames the claim like "officials said".
_DISCOURSE_OPENING = re.compile(
    r"^\s*(?:this|that|which|it) (?:means|shows|suggests|indicates|implies) (?:that )?"
)
_ANONYMITY = re.compile(
    r"\b(?:on (?:the )?condition (?:of not being|(?:that )?(?:(?:he|she|they|it) )?(?:would )?not be)"
    r"|(?:asked|requested|wished|declined|refused) (?:not )?to be)"
    r" (?:identified|named)(?: by name)?\b"
    r"|\banonymously\b"
)
# Words that say the same once negated, first word first: "not reported before" = "previously
# unknown" = "not known before". Each un- word reads as "not" and its group's first word.
_NEGATED_SYNONYMS = (
    "known reported disclosed revealed announced public publicized",
    "named identified",
    "clear",
    "likely",
    "able",
    "aware",
    "sure certain",
    "confirmed",
    "successful",
    "willing",
    "hurt harmed injured wounded",
    "armed",
)
_NEGATED_FORMS = {w: group.split()[0] for group in _NEGATED_SYNONYMS for w in group.split()}
_UN_WORDS = {
    **{"un" + group.split()[0]: group.split()[0] for group in _NEGATED_SYNONYMS},
    **dict.fromkeys("undisclosed unreported unannounced unrevealed".split(), "known"),
    "unidentified": "named",
    "anonymous": "named",
    "uncertain": "sure",
    "unharmed": "hurt",
    "uninjured": "hurt",
}
# Words allowed between "not" and the word it negates: "has not yet been publicly disclosed".
_NEGATION_GAP = frozenset(
    "be been being yet previously publicly officially immediately formally widely fully so very "
    "made".split()
)
_COMPOUND_HEADS = frozenset(k.split()[0] for k in _COMPOUNDS)
_NON_WORD = re.compile(r"[^\w%.]+")
_DIGIT = re.compile(r"\d")
_NUMBER_SUFFIX = re.compile(r"(?:st|nd|rd|th|s|[a-z])$")  # 11th = 11, 1990s = 1990, 11m = 11
_NUMBER_UNIT = re.compile(r"(?<=\d)(?=[a-z]{2,})(?!st\b|nd\b|rd\b|th\b|s\b)")
_NUMBER_COMMA = re.compile(r"(?<=\d),(?=\d{3}\b)")
_STRAY_DOT = re.compile(r"(?<!\d)\.|\.(?!\d)")
_NON_WORD_OR_STRAY_DOT = re.compile(r"[^\w%.]+|(?<!\d)\.|\.(?!\d)")  # one pass of both

STOPWORDS = frozenset(
    """a an the and or but if then so of to in on at by for with from as into onto over under about
    than that this these those there here it its it's is are was were be been being am do does did
    has have had having will would shall should can could may might must he she they them their his
    her him we our you your i me my who whom whose which what when where why how also just very
    not no all any some such own same other more most much many each both few only too
    while after before during since until up down out off again further once because through
    between against above below s t previously formerly""".split()
)
NEGATIONS = frozenset(
    {"not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "without"}
)
ASSERT_VERBS = frozenset(
    """say says said saying claim claims claimed claiming state states stated told tell tells
    according report reports reported add adds added note notes noted confirm confirms confirmed
    announce announces announced insist insists insisted allege alleges alleged assert asserts
    asserted argue argues argued acknowledge acknowledged admit admitted""".split()
)
DENY_VERBS = frozenset(
    """deny denies denied denying reject rejects rejected disputed disputing refute refutes
    refuted dismiss dismisses dismissed contradict contradicts contradicted""".split()
)


@lru_cache(maxsize=8192)
def _clean_text(text: str) -> str:
    if not text.isascii():
        text = fold_accents(text)
    return unicodedata.normalize("NFKC", text).translate(_QUOTE_TABLE)


def normalize(text: str) -> str:
    """The form a sentence is matched in: quotes, US forms, case, hyphens, numbers, spacing unified."""
    return _normalize_clean(_clean_text(text))


@lru_cache(maxsize=8192)  # segment() and prepare() both normalise each sentence
def _normalize_clean(text: str) -> str:
    if _DIGIT.search(text):
        text = _figure_forms(text)
    if "U" in text or "America" in text:
        text = _US_FORMS.sub(" USA ", text)
    if "Washington" in text:
        text = _WASHINGTON.sub(_washington, text)
    text = text.lower()
    if "'" in text or "cannot" in text:
        text = _CONTRACTIONS.sub(lambda m: _CONTRACTION_FORMS.get(m.group(0), ""), text)
    if "nt " in text or text.endswith("nt"):
        text = _BARE_NT.sub(
            lambda m: {"wo": "will", "ca": "can", "ai": "is"}.get(m.group(1), m.group(1)) + " not",
            text,
        )
    if "," in text:
        text = _NUMBER_COMMA.sub("", text)
    text = text.replace("-", " ").replace("'", " ")
    text = _NON_WORD_OR_STRAY_DOT.sub(" ", text)
    if _DIGIT.search(text):
        text = _NUMBER_UNIT.sub(" ", text).replace("%", " %")
    if _DISCOURSE_OPENING.match(text):
        text = _DISCOURSE_OPENING.sub("", text, count=1)
    if "anonym" in text or "identified" in text or "named" in text:
        text = _ANONYMITY.sub(" on condition of anonymity ", text)
    words = _negated_synonyms(_numbers_to_digits(text.split()))
    joined = " ".join(words)
    if _COMPOUND_HEADS.isdisjoint(words):
        return joined
    return _COMPOUND_RE.sub(lambda m: _COMPOUNDS[m.group(1)], joined)


def fold_accents(text: str) -> str:
    """Vulgar fractions as decimals ("1 ½" = 1.5) and letters without accents ("Núñez")."""
    if any(c in text for c in _VULGAR_FRACTIONS):
        text = _VULGAR_FRACTION.sub(
            lambda m: (m.group(1) or "0") + _VULGAR_FRACTIONS[m.group(2)], text
        )
    decomposed = unicodedata.normalize("NFKD", text)
    if len(decomposed) == len(text):
        return text  # nothing was decomposed into letter + accent (curly quotes, dashes)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _figure_forms(text: str) -> str:
    """Figures written one way: currency signs as words, clock times as 24-hour digits."""
    if "$" in text or "£" in text or "€" in text or "¥" in text:
        text = _CURRENCY.sub(_currency_words, text)
    if "/" in text:
        text = _MIXED_FRACTION.sub(
            lambda m: f"{int(m.group(1)) + int(m.group(2)) / int(m.group(3)):g}", text
        )
    if "m" in text or "M" in text:
        text = _CLOCK_12H.sub(_clock_12h, text)
    if ":" in text:
        text = _CLOCK_24H.sub(lambda m: f"{int(m.group(1)):02d}{m.group(2)}h", text)
    if any(zone in text for zone in _ZONE_NAMES):
        text = _CLOCK_ZONE.sub(r"\1\2h", text)
    if "," in text:
        text = _DECIMAL_COMMA.sub(r"\1.\2", text)
    return text


def _currency_words(match: re.Match[str]) -> str:
    prefix, sign, amount, scale = match.groups()
    scale = _SCALE_ABBREVIATIONS.get(scale.lower(), scale) if scale else ""
    name = _CURRENCY_PREFIXES.get(prefix or "", "") + _CURRENCY_NAMES[sign]
    return f"{amount} {scale} {name}".replace("  ", " ")


def _clock_12h(match: re.Match[str]) -> str:
    hour, minute = int(match.group(1)) % 12, match.group(2) or "00"
    if (match.group(3) or match.group(4)).lower() == "p":
        hour += 12
    return f"{hour:02d}{minute}h"


def _negated_synonyms(words: list[str]) -> list[str]:
    """ "not (yet) reported" = "unknown" = "not known": one form for negated words and un- words."""
    if "not" not in words and _UN_WORDS.keys().isdisjoint(words):
        return words
    out: list[str] = []
    skip_until = -1
    for i, word in enumerate(words):
        if i < skip_until:
            continue
        if word == "not":
            j = i + 1
            while j < len(words) and j < i + 4 and words[j] in _NEGATION_GAP:
                j += 1
            if j < len(words) and words[j] in _NEGATED_FORMS:
                out.extend(words[i:j])
                out.append(_NEGATED_FORMS[words[j]])
                skip_until = j + 1
                continue
        if word in _UN_WORDS:
            out.extend(("not", _UN_WORDS[word]))
        else:
            out.append(word)
    return out


def _numbers_to_digits(words: list[str]) -> list[str]:
    if _NUMBER_WORDS.isdisjoint(words):
        return words
    out: list[str] = []
    pending: int | None = None
    for word in words:
        if word in _TIMES_WORDS:
            if pending is not None:
                out.append(str(pending))
                pending = None
            out.extend(_TIMES_WORDS[word].split())
            continue
        value = _SMALL_NUMBERS.get(word)
        if value is not None and not (word == "one" and pending is None and _is_pronoun_one(out)):
            if pending is not None and word == "hundred":
                pending *= 100
            elif pending is not None and pending >= 20 and pending % 10 == 0 and value < 10:
                pending += value
            else:
                if pending is not None:
                    out.append(str(pending))
                pending = value
            continue
        if pending is not None:
            out.append(str(pending))
            pending = None
        out.append(_ORDINALS.get(word, word))
    if pending is not None:
        out.append(str(pending))
    return out


def _is_pronoun_one(previous: list[str]) -> bool:
    # "no one", "the one", "each one" are not the number 1.
    return bool(previous) and previous[-1] in {
        "no",
        "the",
        "each",
        "any",
        "every",
        "some",
        "this",
        "that",
        "which",
    }


# Groups of words news writers swap freely; each maps to its group's first word (after stemming).
_SYNONYM_GROUPS = (
    "help assist aid",
    "approv authoriz endors sanction",
    "review vet screen prescreen examin",
    "strik airstrik raid bomb",
    "target goal objectiv",
    "select choos pick determin",
    "attack assault",
    "kill slay",
    "die dead death",
    "injur wound hurt",
    "big larg major",
    "rais increas boost hik",
    "cut reduc lower",
    "begin start launch commenc",
    "end finish conclud",
    "buy purchas acquir",
    "sell sold",
    "show demonstrat reveal",
    "seek sought",
    "tri attempt",
    "ban prohibit",
    "allow permit",
    "need requir",
    "plan intend",
    "onli sole solely merely",
    "near vicinity close",
    "secur ensur guarante",
    "presid president",
    "official formal",
    "minist minister",
    "compan firm",
    "car vehicl",
    "stat say said says claim told tell accord report add confirm announc",
)
_SYNONYMS = {word: group.split()[0] for group in _SYNONYM_GROUPS for word in group.split()}
# Attribution words frame a claim without being part of it ("officials said", "according to").
_ATTRIBUTION_STEMS = frozenset(
    {"stat", "say", "official", "sourc", "spokesm", "spokeswom", "spokesperson"}
)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A crude suffix stripper: 'strikes'/'strike', 'Israelis'/'Israel', 'Syrian'/'Syria' agree."""
    if len(word) <= 3 or word[0].isdigit():
        return word
    for suffix in (
        "ations",
        "ation",
        "ings",
        "ing",
        "edly",
        "ies",
        "ied",
        "ern",
        "ians",
        "ian",
        "ia",
        "ed",
        "es",
        "ly",
        "is",
        "s",
        "i",
        "e",
    ):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith("ss"):
                return word
            base = word[: -len(suffix)]
            return base + "y" if suffix in ("ies", "ied") else base
    return word


@lru_cache(maxsize=65536)
def content_stem(word: str) -> str:
    """Stem a content word and map it to its synonym group."""
    stemmed = stem(word)
    return _SYNONYMS.get(stemmed, _SYNONYMS.get(word, stemmed))


_CAPITALISED = re.compile(r"(?<![.!?:]\s)(?<!^)\b([A-Z][\w\-']*(?:\s+[A-Z][\w\-']*)*)")
# "Mr. Ortega", "Ana M. Diaz": the dot of a short capitalised abbreviation ends no sentence.
_ABBREVIATION_DOT = re.compile(r"\b([A-Z][a-z]{0,3})\.(?=\s+[A-Z])")


def named_entities(text: str) -> frozenset[str]:
    """Capitalised words not opening the sentence, normalised and stemmed (names, places, bodies)."""
    return _entities_clean(_clean_text(text))


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
        for pair in (
            "ala:alabama ariz:arizona ark:arkansas calif:california colo:colorado "
            "conn:connecticut fla:florida ga:georgia ill:illinois ind:indiana "
            "kan:kansas ky:kentucky md:maryland mass:massachusetts mich:michigan "
            "minn:minnesota mo:missouri mont:montana neb:nebraska nev:nevada "
            "okla:oklahoma ore:oregon pa:pennsylvania tenn:tennessee vt:vermont va:virginia "
            "wash:washington wis:wisconsin wyo:wyoming"
        ).split()
        for short, full in [pair.split(":")]
    },
}


# --- figures: each number with what it counts or measures ----------------------------------------


@dataclass(frozen=True, slots=True)
class Figure:
    """One number of a sentence: its value, what it counts or measures, how exactly it is put."""

    value: float  # scale words applied: "6.3 billion" = 6.3e9
    kind: str  # count, times, percent, point, year, date, clock, age, ordinal, measure, currency
    unit: str  # the unit within the kind ("1609.34" for miles); "" when none
    factor: float  # value * factor is in the kind's base unit; 0.0 when units do not convert
    step: float  # the precision written: 0.1e9 for "6.3 billion", 1 for "23"
    hedged: bool  # "about", "nearly", "more than", "at least" before it


_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_UNIT_GROUPS: tuple[tuple[str, str, float], ...] = (
    ("%", "percent", 1.0),
    ("point points", "point", 1.0),
    ("times", "times", 1.0),
    ("dollar dollars", "dollar", 1.0),
    ("cent cents", "dollar", 0.01),
    ("euro euros", "euro", 1.0),
    ("yen", "yen", 1.0),
    ("yuan", "yuan", 1.0),
    ("pence penny", "pence", 1.0),
    ("km kms kilometre kilometres kilometer kilometers", "length", 1000.0),
    ("mile miles", "length", 1609.344),
    ("metre metres meter meters", "length", 1.0),
    ("foot feet ft", "length", 0.3048),
    ("yard yards", "length", 0.9144),
    ("inch inches", "length", 0.0254),
    ("cm centimetre centimetres centimeter centimeters", "length", 0.01),
    ("kg kgs kilogram kilograms kilo kilos", "mass", 1.0),
    ("pound pounds lb lbs", "mass", 0.4536),  # "£40,000" reads "40000 pounds": no dollar match
    ("ton tons tonne tonnes", "mass", 1000.0),
    ("ounce ounces oz", "mass", 0.02835),
    ("gram grams", "mass", 0.001),
    ("mph", "speed", 1.609),
    ("kph kmh", "speed", 1.0),
    ("knot knots", "speed", 1.852),
    ("acre acres", "area", 0.4047),
    ("hectare hectares", "area", 1.0),
    ("barrel barrels", "volume", 159.0),
    ("gallon gallons", "volume", 3.785),
    ("litre litres liter liters", "volume", 1.0),
    ("seconds", "duration", 1.0),
    ("minute minutes", "duration", 60.0),
    ("hour hours", "duration", 3600.0),
    ("day days", "duration", 86400.0),
    ("week weeks", "duration", 604800.0),
    ("month months", "duration", 2629800.0),
    ("year years", "duration", 31557600.0),
    ("decade decades", "duration", 315576000.0),
    ("kw kilowatt kilowatts", "power", 1e3),
    ("mw megawatt megawatts", "power", 1e6),
)
_UNITS = {word: (kind, factor) for words, kind, factor in _UNIT_GROUPS for word in words.split()}
# Words between a figure and its unit: "40 Canadian cents", "5 metric tons".
_UNIT_QUALIFIERS = frozenset("canadian australian usa new zealand hong kong metric short".split())
_ZONES = frozenset(_TIME_ZONES.lower().split("|"))
_MONTH_WORDS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
_HEDGES = frozenset(
    "about around approximately approx roughly some nearly almost estimated".split()
    + "over least than under".split()  # "more than", "at least", "just under"
)
_NUMBER_WORD = re.compile(r"^(\d+(?:\.\d+)?)([a-z]*)$")
_RANGE_WORDS = frozenset({"and", "to", "or"})  # "between 10 and 20 pounds": both in pounds
_AGE_APPOSITION = re.compile(r"\b[A-Z][a-z]+,\s(\d{1,3}),")  # "Ruiz, 52, said"
_GROUPED_THOUSANDS = re.compile(r"\b\d{1,3}(?:,\d{3})+\b")
_NAME_NUMBER = re.compile(r"[A-Z][A-Za-z]*[\s-]?(\d+(?:\.\d+)?)\b(?![,.]\d)")
_DEFINITE = frozenset({"the", "its", "their", "these", "those", "both"})
# Figures that date, name or describe a claim rather than state one ("in 2003", "Ruiz, 52,").
_DETAIL_KINDS = frozenset({"year", "date", "clock", "age", "ordinal", "name", "group"})


def figures(words: Sequence[str], text: str = "") -> tuple[Figure, ...]:
    """The figures of a normalised sentence, each with its kind, unit, precision and hedging."""
    has_comma = "," in text
    ages = {float(a) for a in _AGE_APPOSITION.findall(text)} if has_comma else set()
    grouped: set[float] = set()
    if has_comma:
        grouped = {float(g.replace(",", "")) for g in _GROUPED_THOUSANDS.findall(text)}
    names: set[float] | None = None
    found: list[Figure] = []
    n = len(words)
    for i, word in enumerate(words):
        if not word[0].isdigit():
            continue
        match = _NUMBER_WORD.match(word)
        if match is None:
            continue
        digits, suffix = match.groups()
        value = float(digits)
        step = 10.0 ** -len(digits.partition(".")[2])
        j = i + 1
        if j < n and words[j] in _SCALES:
            value *= _SCALES[words[j]]
            step *= _SCALES[words[j]]
            j += 1
        following = words[j] if j < n else ""
        if following in _UNIT_QUALIFIERS and j + 1 < n and words[j + 1] in _UNITS:
            following = words[j + 1]
        elif following in _RANGE_WORDS and j + 2 < n and words[j + 1][0].isdigit():
            following = words[j + 2] if words[j + 2] in _UNITS else following
        previous = words[i - 1] if i else ""
        hedged = not _HEDGES.isdisjoint(words[max(0, i - 2) : i])
        kind, unit, factor = "count", "", 1.0
        if suffix == "h" and len(digits) == 4:
            kind, unit, factor = "clock", following if following in _ZONES else "", 0.0
        elif (following in ("year", "years") and j + 1 < n and words[j + 1] == "old") or (
            value in ages and step == 1
        ):
            kind = "age"
        elif following in _UNITS:
            kind, factor = _UNITS[following]
            unit = f"{factor:g}"
        elif (
            step == 1
            and len(digits) == 4
            and 1800 <= value <= 2099
            and not suffix
            and not hedged
            and value not in grouped  # "more than 1,500 workers" is no year
        ):
            kind = "year"
        elif suffix in ("st", "nd", "rd", "th"):
            kind = "date" if previous in _MONTH_WORDS or following in _MONTH_WORDS else "ordinal"
        elif previous in _MONTH_WORDS or (following in _MONTH_WORDS and value <= 31):
            kind = "date"
        elif step == 1 and len(digits) == 4 and 1800 <= value <= 2099 and suffix == "s":
            kind = "year"  # "the 1990s"
        elif value in (names := _name_numbers(text) if names is None else names):
            kind = "name"  # "Article 5", "Windows 11", "Route 66": part of a name
        elif previous in _DEFINITE:
            kind = "group"  # "the three nurses": counts people already spoken of
        found.append(Figure(value, kind, unit, factor, step, hedged))
    return tuple(found)


def _name_numbers(text: str) -> set[float]:
    # A capitalised word, not the sentence's first, right before the number: "Article 5".
    found = set()
    for match in _NAME_NUMBER.finditer(text):
        start = match.start()
        before = text[:start].rstrip(" " + _DOUBLE_QUOTES)
        if before and before[-1] not in ".!?" and not text[start - 1].isalnum():
            found.add(float(match.group(1)))
    return found


def same_figure(
    a: Figure, b: Figure, hedged_tolerance_pct: float = 6.0, conversion_tolerance_pct: float = 10.0
) -> bool | None:
    """Whether two figures state the same amount; None when they count or measure other things."""
    if a.kind != b.kind and not {a.kind, b.kind} <= _COUNTS:  # "Ruiz, also 52," is an age
        return None
    if a.unit != b.unit:
        if not (a.factor and b.factor):
            return None  # different time zones or currencies: not comparable here
        x, y = a.value * a.factor, b.value * b.factor
        return abs(x - y) <= conversion_tolerance_pct / 100 * max(abs(x), abs(y))
    step = max(a.step, b.step)  # "$12.6 billion" rounds to "$13 billion"
    if round(a.value / step) == round(b.value / step):
        return True
    # "some 80" and "about 84" agree; "at least 40" and "at least 45" do not.
    return (a.hedged or b.hedged) and abs(a.value - b.value) <= hedged_tolerance_pct / 100 * max(
        abs(a.value), abs(b.value)
    )


_COUNTS = frozenset({"count", "age", "group"})


def _trivial(figure: Figure) -> bool:
    return figure.kind == "count" and figure.value == 1  # "a day" and "one day" say the same


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


def _figure_matcher(settings: ClaimSettings | None) -> Callable[[Figure, Figure], bool | None]:
    if settings is None:
        return same_figure
    hedged, converted = settings.hedged_figure_tolerance_pct, settings.unit_conversion_tolerance_pct
    return lambda a, b: same_figure(a, b, hedged, converted)


# --- negation ------------------------------------------------------------------------------------

# Verbs that negate the verb after them: "failed to pay" = "did not pay".
_NEGATING_VERBS = frozenset(
    "fail fails failed failing refuse refuses refused refusing".split()
    + "decline declines declined declining".split()
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


def _denies(words: Sequence[str]) -> bool:
    # "neither admitted nor denied", "did not dispute": a denial negated is no denial.
    return any(
        word in DENY_VERBS and NEGATIONS.isdisjoint(words[max(0, i - 3) : i])
        for i, word in enumerate(words)
    )


@dataclass(frozen=True, slots=True)
class Prepared:
    """A sentence in every form the matcher needs, computed once."""

    text: str
    normalized: str
    words: tuple[str, ...]
    content: frozenset[str]  # stemmed content words, synonyms unified
    core: frozenset[str]  # content without attribution words ("officials said")
    numbers: frozenset[str]
    negated: bool
    negation: int  # 0 no negation word, 1 only weak ones ("no", "without"), 2 "not"/"never"
    attribution: int  # 1 asserted, -1 denied, 0 none
    entities: frozenset[str]
    frame: str  # normalised text with numbers, negations and attribution verbs masked
    bigrams: frozenset[tuple[str, str]]
    figures: tuple[Figure, ...] = ()


def prepare(text: str) -> Prepared:
    """Compute the matching forms of one sentence."""
    clean = _clean_text(text)
    normalized = _normalize_clean(clean)
    words = tuple(normalized.split())
    content_list = [content_stem(w) for w in words if w not in STOPWORDS]
    content = frozenset(content_list)
    numbers = frozenset(_NUMBER_SUFFIX.sub("", w) for w in words if w[0].isdigit())
    negating = negations(words)
    denies = not DENY_VERBS.isdisjoint(words) and _denies(words)
    asserts = not ASSERT_VERBS.isdisjoint(words)
    frame_words = [
        "#" if w[0].isdigit() else ("say" if w in ASSERT_VERBS or w in DENY_VERBS else w)
        for w in words
        if w not in NEGATIONS
    ]
    return Prepared(
        text=text,
        normalized=normalized,
        words=words,
        content=content,
        core=(content - _ATTRIBUTION_STEMS) or content,
        numbers=numbers,
        negated=len(negating) % 2 == 1,
        negation=2 if ("not" in negating or "never" in negating) else (1 if negating else 0),
        attribution=-1 if denies else (1 if asserts else 0),
        entities=_entities_clean(clean),
        frame=" ".join(frame_words),
        bigrams=frozenset(pairwise(content_list)),
        figures=figures(words, text) if numbers else (),
    )


# --- pair features and the learned paraphrase model -----------------------------------------------

FEATURE_NAMES = (
    "ratio",
    "partial_ratio",
    "token_sort_ratio",
    "token_set_ratio",
    "word_jaccard",
    "bigram_jaccard",
    "length_ratio",
    "number_mismatch",
    "negation_mismatch",
    "entity_jaccard",
    "only_earlier_log",
    "only_later_log",
    "later_contained",
    "earlier_contained",
    "numbers_only_one_side_log",
    "word_lcs",
    "word_jaccard_squared",
)


_LATER_CONTAINED = FEATURE_NAMES.index("later_contained")


def _jaccard(a: frozenset[Any], b: frozenset[Any]) -> float:
    if not a and not b:
        return 1.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)  # the union's size, without building it


def pair_features(earlier: Prepared, later: Prepared) -> list[float]:
    """Cheap lexical features of one (earlier, later) sentence pair, in FEATURE_NAMES order."""
    a, b = earlier.normalized, later.normalized
    word_jaccard = _jaccard(earlier.content, later.content)
    shared = earlier.content & later.content
    only_a = len(earlier.content) - len(shared)
    only_b = len(later.content) - len(shared)
    la, lb = len(earlier.words), len(later.words)
    return [
        fuzz.ratio(a, b) / 100.0,
        fuzz.partial_ratio(earlier.words, later.words)
        / 100.0,  # word level: 10x cheaper on long sentences
        fuzz.token_sort_ratio(a, b) / 100.0,
        fuzz.token_set_ratio(a, b) / 100.0,
        word_jaccard,
        _jaccard(earlier.bigrams, later.bigrams),
        min(la, lb) / max(la, lb, 1),
        float(earlier.numbers != later.numbers),
        float(earlier.negated != later.negated),
        _jaccard(earlier.entities, later.entities),
        math.log1p(only_a),
        math.log1p(only_b),
        len(earlier.core & later.core) / max(len(later.core), 1),
        len(earlier.core & later.core) / max(len(earlier.core), 1),
        math.log1p(len(earlier.numbers - later.numbers))
        + math.log1p(len(later.numbers - earlier.numbers)),
        LCSseq.normalized_similarity(earlier.words, later.words),
        word_jaccard * word_jaccard,  # overlap counts more as it nears whole sentences
    ]


# --- segmentation --------------------------------------------------------------------------------

_WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_MONTHS = (
    "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|January|February|March|April|June|July"
    "|August|September|October|November|December"
)
# Paragraphs glued without a space: "ruled.The court", "WednesdayAttorney General".
_GLUED_PERIOD = re.compile(r"(?<=[a-z\d)\]”\"'’])([.!?][”\"’]?)(?=[A-Z“\"][a-z])")
_GLUED_WORD = re.compile(rf"\b((?:{_WEEKDAYS}|[a-z]{{3,}}))(?=[A-Z][a-z]{{2,}}\b)")
_CAMEL_OK = re.compile(r"^(?:Mc|Mac|De|Di|La|Le|Van|Von|O)$")
# "..., the agency said Wednesday Attorney General Merrick Garland said ...": two attributions.
_GLUED_ATTRIBUTION = re.compile(
    rf"\b(?:said|says|told reporters|announced)\s+(?:on\s+)?(?:{_WEEKDAYS}|today|yesterday)\s+(?=[A-Z][a-z])"
)
_LATER_ATTRIBUTION = re.compile(r"\b(?:said|says|told|announced|added)\b")

_BYLINE = re.compile(
    r"^(?:by|written by|reporting by|words by|story by)\s+[\w“\"'’.\- ]{2,60}$", re.IGNORECASE
)
_POSTED_ON = re.compile(
    r"^\W*(?:(?:date|[\d\-/.:,]+|[A-Z]\w*)\s+){0,3}(?:[Pp]osted|[Pp]ublished|[Uu]pdated|[Ll]ast updated)\s+(?:on|at|by)\b"
)
_DATE_TOKEN = (
    rf"(?:\d{{4}}-\d{{1,2}}-\d{{1,2}}|\d{{1,2}}/\d{{1,2}}/\d{{2,4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})\.?,?\s+\d{{4}}"
    rf"|(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}:\d{{2}}(?:\s*[ap]\.?m\.?)?|(?:{_WEEKDAYS}),?"
    r"|\b(?:GMT|UTC|EST|EDT|CET|BST|ET|PT)\b|\bdate\b|\bupdated\b|\bpublished\b|[|,·•\-–—:])"
)
_DATE_LINE = re.compile(rf"^(?:\s*{_DATE_TOKEN}\s*)+$", re.IGNORECASE)
_DATELINE = re.compile(r"^[A-Z][A-Z .,'\-]{2,40}(?:\([^)]{1,30}\))?\s*[—–-]+\s*$")
# "WASHINGTON (Reuters) - The US ...": a wire dateline glued to the first sentence.
_DATELINE_PREFIX = re.compile(
    r"^((?:[A-Z][A-Z.'\-]+(?:\s+[A-Z][A-Z.'\-]+){0,3})(?:,\s+[A-Z][\w.]+(?:\s+[A-Z][\w.]+)?)?"
    r"(?:\s*\([A-Za-z .&]{2,30}\))?\s*[—–-]{1,2})\s+(?=[A-Z“\"])"
)
_READ_NEXT = re.compile(
    r"^(?:read next|read more|read also|also read|see also|related|recommended|more on this|watch|listen)\b\s*[:\-–—]?",
    re.IGNORECASE,
)
_SOURCE = re.compile(
    r"^(?:(?:source|sources|via|credit|credits|photo|image|picture|file photo|video)\s*[:\-–—]"
    r"|image (?:source|caption),|media caption,|photo(?:graph)?: )",
    re.IGNORECASE,
)
_CAPTION_HINT = re.compile(
    r"(?:\((?:AFP|AP|Reuters|Getty Images?|EPA|file)[^)]*\)|\b(?:Photo|Image|Picture):)",
    re.IGNORECASE,
)
_BOILERPLATE = re.compile(
    r"^(?:subscribe|sign up|follow us|click here|share this|advertisement|all rights reserved|copyright|©|"
    r"join our|download our|this article (?:was|is) )",
    re.IGNORECASE,
)
_VERB_HINT = re.compile(
    r"\b(?:is|are|was|were|be|been|being|am|has|have|had|do|does|did|will|would|shall|should|can|could"
    r"|may|might|must|say|says|said|[a-z]{2,}(?:ed|ing)|[a-z]{3,}(?:es|ts|ds|ns|ks|ps|rs|ls|ms|ys)"
    # common irregular past forms: "Israeli jets struck the airport." is a claim, not a caption
    r"|struck|hit|won|lost|fled|took|made|went|came|gave|told|met|left|led|held|sent|shot|fell|rose"
    r"|began|broke|ran|saw|found|kept|sought|fought|brought|thought|bought|caught|spent|built|paid"
    r"|set|cut|put|quit|got|knew|grew|drew|threw|flew|wrote|spoke|chose|stole|froze|hid|bit|beat"
    r"|became|stood|understood|sold|felt|dealt|meant|heard|lay|laid|slid|swept|wept|woke|wore|tore|swore)\b"
)
_TERMINAL = ".!?…:;"
_QUOTE_ENDINGS = ("”", '"', "''", "’")
_CLOSERS = "”\"’')]»"


@dataclass(frozen=True, slots=True)
class Segment:
    """One sentence of a document, with the reason it is not a claim (None when it is one)."""

    text: str
    skip_reason: str | None = None


def fix_glued_text(text: str) -> str:
    """Put back the spaces trafilatura drops between paragraphs ("ruled.The court")."""
    text = _GLUED_PERIOD.sub(r"\1 ", text)

    def _split_camel(match: re.Match[str]) -> str:
        left = match.group(1)
        return left if _CAMEL_OK.match(left) else left + " "

    return _GLUED_WORD.sub(_split_camel, text)


def _split_glued_attribution(sentence: str) -> list[str]:
    for match in _GLUED_ATTRIBUTION.finditer(sentence):
        rest = sentence[match.end() :]
        if _LATER_ATTRIBUTION.search(rest) and len(rest.split()) >= 4:
            head = sentence[: match.end()].rstrip() + "."
            return [head, *_split_glued_attribution(rest)]
    return [sentence]


def segment(text: str, settings: ClaimSettings | None = None) -> list[Segment]:
    """Split an article's text into sentences, each marked as a claim or skipped with a reason."""
    from nupunkt import sent_tokenize

    settings = settings or ClaimSettings()
    segments: list[Segment] = []
    for line in fix_glued_text(text).splitlines():
        line = " ".join(line.split())
        if not line:
            continue
        line_reason = _line_skip_reason(line, settings)
        if line_reason:
            segments.append(Segment(line, line_reason))
            continue
        line_start = len(segments)
        dateline = _DATELINE_PREFIX.match(line)
        if dateline and len(dateline.group(1)) < len(line) // 2:
            segments.append(Segment(dateline.group(1), "dateline"))
            line = line[dateline.end() :]
            line_start = len(segments)
        for sentence in sent_tokenize(line):
            if not isinstance(sentence, str):  # nupunkt's typing allows (text, span) tuples
                sentence = str(sentence[0])
            for part in _split_glued_attribution(sentence.strip()):
                if not part:
                    continue
                reason = _sentence_skip_reason(part, settings)
                previous = segments[-1].text if len(segments) > line_start else ""
                if reason == "fragment" and previous.rstrip().endswith(_QUOTE_ENDINGS):
                    # `“We will go on.” she said.` was cut after the quote: one sentence.
                    merged = f"{previous} {part}"
                    segments[-1] = Segment(merged, _sentence_skip_reason(merged, settings))
                    continue
                segments.append(Segment(part, reason))
    return segments


def _line_skip_reason(line: str, settings: ClaimSettings) -> str | None:
    """Reasons that apply to a whole paragraph line: furniture around the article body."""
    if _POSTED_ON.search(line) and len(line.split()) <= 12:
        return "posted_on"
    if _DATE_LINE.match(line):
        return "date"
    if _DATELINE.match(line):
        return "dateline"
    if _BYLINE.match(line.rstrip(".")):
        return "byline"
    if _READ_NEXT.match(line):
        return "read_next"
    if _SOURCE.match(line):
        return "source"
    if _BOILERPLATE.match(line):
        return "boilerplate"
    words = line.split()
    bare = line.rstrip(_CLOSERS)
    if bare.endswith("?") and len(words) <= settings.max_heading_words:
        return "question"
    if bare and bare[-1] not in _TERMINAL and len(words) <= settings.max_heading_words:
        return "heading"
    if len(words) <= settings.max_caption_words and (
        _CAPTION_HINT.search(line) or not _VERB_HINT.search(line)
    ):
        return "caption"
    return None


def _sentence_skip_reason(sentence: str, settings: ClaimSettings) -> str | None:
    """Reasons that apply to one sentence inside a paragraph."""
    stripped = sentence.lstrip(" " + _DOUBLE_QUOTES + _SINGLE_QUOTES + "(")
    if not stripped:
        return "too_short"
    reason = _line_skip_reason(sentence, settings)
    if reason in ("posted_on", "date", "byline", "read_next", "source", "boilerplate", "question"):
        return reason
    if sentence.rstrip(_CLOSERS).endswith("?"):
        return "question"
    content = [w for w in normalize(sentence).split() if w not in STOPWORDS]
    if len(content) < settings.min_claim_content_words:
        return "too_short"
    if stripped[0] in ",;:.-–—)" or (
        stripped[0].islower()
        and not stripped.startswith(("al-", "el-", "de ", "van ", "e.g.", "iP", "eB"))
    ):
        return "fragment"  # the tail of a sentence cut by extraction, not a claim of its own
    return None


# Logistic regression over FEATURE_NAMES, fitted with 5-fold cross-validation on the training part
# of the Microsoft Research Paraphrase Corpus (`monitor eval claims --folds 5` reproduces the fit).
# Only these numbers are kept; none of the corpus is.
PARAPHRASE_INTERCEPT = -4.3781
PARAPHRASE_COEFFICIENTS = (
    4.0667,
    -5.0077,
    4.0446,
    -0.8811,
    -3.2059,
    -4.6568,
    0.6577,
    0.1517,
    -1.275,
    -0.2018,
    -0.188,
    -0.295,
    1.458,
    1.6989,
    -0.5591,
    6.5302,
    4.7303,
)


@dataclass(frozen=True, slots=True)
class ParaphraseModel:
    """A logistic regression over FEATURE_NAMES."""

    coefficients: tuple[float, ...] = PARAPHRASE_COEFFICIENTS
    intercept: float = PARAPHRASE_INTERCEPT

    def probability(self, features: Sequence[float]) -> float:
        """Probability that the pair says the same thing."""
        z = self.intercept + sum(map(operator.mul, self.coefficients, features))
        return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z))))


DEFAULT_MODEL = ParaphraseModel()


def paraphrase_probability(
    features: Sequence[float], model: ParaphraseModel = DEFAULT_MODEL
) -> float:
    """Probability that the pair says the same thing, from the fitted logistic regression."""
    return model.probability(features)


# --- judging one sentence against a ledger -------------------------------------------------------


@dataclass(slots=True)
class Match:
    """The earlier claim a sentence was matched to."""

    sentence: str
    document: int | str
    score: float
    claim_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON shape: sentence, document, score."""
        return {"sentence": self.sentence, "document": self.document, "score": round(self.score, 3)}


@dataclass(slots=True)
class ClaimResult:
    """The verdict on one sentence of a later document."""

    sentence: str
    status: str  # new | seen | changed | skipped
    reason: str | None = None  # why skipped
    match: Match | None = None
    change: str | None = None  # for changed: number | negation | attribution | actor

    def to_dict(self) -> dict[str, Any]:
        """JSON shape of `monitor claims diff`: reason only when skipped, match only when matched."""
        out: dict[str, Any] = {"sentence": self.sentence, "status": self.status}
        if self.status == "skipped":
            out["reason"] = self.reason
        if self.status in ("seen", "changed") and self.match is not None:
            out["match"] = self.match.to_dict()
        return out


class _Entry:
    """A known claim: its blocking forms at once, its full matching forms when first compared."""

    # A ledger loaded from the database builds entries for every claim of a story, but compares a
    # new sentence with a few of them; preparing only those keeps a cold start cheap at 1M articles.
    __slots__ = ("text", "normalized", "content", "core", "document", "claim_id", "_prepared")

    def __init__(
        self,
        text: str,
        normalized: str,
        content: frozenset[str],
        document: int | str,
        claim_id: int | None,
        prepared: Prepared | None = None,
    ) -> None:
        self.text = text
        self.normalized = normalized
        self.content = content
        self.core = (content - _ATTRIBUTION_STEMS) or content
        self.document = document
        self.claim_id = claim_id
        self._prepared = prepared

    @classmethod
    def of(cls, prepared: Prepared, document: int | str, claim_id: int | None) -> _Entry:
        """An entry for a sentence prepared in full already."""
        return cls(prepared.text, prepared.normalized, prepared.content, document, claim_id, prepared)

    @property
    def prepared(self) -> Prepared:
        if self._prepared is None:
            self._prepared = prepare(self.text)
        return self._prepared


def content_of_normalized(normalized: str) -> frozenset[str]:
    """The stemmed content words of a sentence already normalised (as stored in claims.normalized)."""
    return frozenset(content_stem(w) for w in normalized.split() if w not in STOPWORDS)


@dataclass(slots=True)
class Verdict:
    """What the ledger says about one prepared sentence."""

    status: str  # new | seen | changed
    entry_index: int | None = None
    score: float = 0.0
    change: str | None = None


_NOT_ACTORS = frozenset(
    stem(w)
    for w in (
        "monday tuesday wednesday thursday friday saturday sunday "
        "january february march april may june july august september october november december "
        "jan feb mar apr jun jul aug sep sept oct nov dec today yesterday tomorrow "
        "inc corp ltd plc llc mr mrs ms dr"
    ).split()
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


def _stated(figures_: Sequence[Figure]) -> list[Figure]:
    return [f for f in figures_ if f.kind not in _DETAIL_KINDS and not _trivial(f)]


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
    """The slot in which two same-frame sentences differ: number, negation, attribution, actor."""
    if earlier.figures and later.figures and figure_change(earlier, later, settings):
        return "number"
    # Only "did" vs "did not": "has no" / "does not have" and "without" / "not" say the same.
    if {earlier.negation, later.negation} == {0, 2} and _negation_in_frame(earlier, later):
        return "negation"
    if earlier.attribution * later.attribution == -1:
        return "attribution"
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


_CLAUSE_SPLIT = re.compile(
    r"(?:,|;|:|\s[—–-]\s)\s+(?=(?:but|while|whereas|although|though|and|as|however|yet|which|"
    r"according|including|the|a|an|[A-Z“\"]))|;\s+|\s+(?=but\s)"
)


def clauses(sentence: str) -> list[str]:
    """The clauses of a long sentence, at commas, semicolons and conjunctions."""
    parts = [p.strip(" ,;:") for p in _CLAUSE_SPLIT.split(sentence)]
    return [p for p in parts if len([w for w in normalize(p).split() if w not in STOPWORDS]) >= 3]


# Up to this many posting ids, a block is counted in Python rather than with NumPy (measured
# on ledgers of 100 to 10,000 claims: the crossover is near 150 ids).
SMALL_BLOCK_IDS = 150


class Ledger:
    """The known claims of one story, indexed on rare words so thousands stay fast to check."""

    def __init__(
        self, settings: ClaimSettings | None = None, model: ParaphraseModel = DEFAULT_MODEL
    ) -> None:
        self.settings = settings or ClaimSettings()
        self.model = model
        self.entries: list[_Entry] = []
        self.by_normalized: dict[str, int] = {}
        self.postings: dict[str, list[int]] = {}
        self._arrays: dict[str, np.ndarray[Any, np.dtype[np.int64]]] = {}

    def __len__(self) -> int:
        return len(self.entries)

    def add(self, prepared: Prepared, document: int | str, claim_id: int | None = None) -> int:
        """Add a claim; return its index (the existing one when the same text is known)."""
        return self._add(_Entry.of(prepared, document, claim_id))

    def add_stored(self, text: str, normalized: str, document: int | str, claim_id: int | None) -> int:
        """Add a stored claim by its text and normalised form; it is prepared in full only if compared."""
        return self._add(_Entry(text, normalized, content_of_normalized(normalized), document, claim_id))

    def _add(self, entry: _Entry) -> int:
        known = self.by_normalized.get(entry.normalized)
        if known is not None:
            return known
        index = len(self.entries)
        self.entries.append(entry)
        self.by_normalized[entry.normalized] = index
        for word in entry.content:
            self.postings.setdefault(word, []).append(index)
        return index

    def candidates(self, prepared: Prepared) -> list[int]:
        """Earlier claims sharing the most rare content words with the sentence (the block)."""
        limit = max(50, int(len(self.entries) * self.settings.common_word_max_share_pct / 100))
        postings = self.postings
        sized = sorted([(len(ids), w) for w in prepared.content if (ids := postings.get(w)) is not None])
        if not sized:
            return []
        rare_sized = [(n, w) for n, w in sized if n <= limit][: self.settings.blocking_words]
        rare_sized = rare_sized or sized[:2]
        rare = [w for _, w in rare_sized]
        wanted = self.settings.candidate_limit
        needed = 1 if len(rare) <= 2 else 2
        if sum(n for n, _ in rare_sized) <= SMALL_BLOCK_IDS:
            # Counting a few hundred ids in Python beats building and binning arrays; a growing
            # ledger would also rebuild each word's array whenever its posting list grew.
            shared = Counter(chain.from_iterable([postings[w] for w in rare]))
            small = sorted([i for i, n in shared.items() if n >= needed])
            if len(small) > wanted:
                small = sorted(heapq.nlargest(wanted, small, key=lambda i: (shared[i], -i)))
            return small
        ids = np.concatenate([self._posting_array(w) for w in rare])
        counts = np.bincount(ids)
        found = np.flatnonzero(counts >= needed)
        if len(found) > wanted:
            # The most shared words first, the earliest claim first among equals (as above).
            found = np.sort(found[np.lexsort((found, -counts[found]))[:wanted]])
        return [int(i) for i in found]

    def _posting_array(self, word: str) -> np.ndarray[Any, np.dtype[np.int64]]:
        cached = self._arrays.get(word)
        postings = self.postings[word]
        if cached is None or len(cached) != len(postings):
            cached = self._arrays[word] = np.array(postings, dtype=np.int64)
        return cached

    def judge(self, prepared: Prepared, clause_split: bool = True) -> Verdict:
        """Seen, changed or new, against every claim in the ledger."""
        settings = self.settings
        exact = self.by_normalized.get(prepared.normalized)
        if exact is not None:
            return Verdict("seen", exact, 1.0)
        candidate_ids = self.candidates(prepared)
        if not candidate_ids:
            return Verdict("new")
        # Cheap pre-score on word sets; only the few best overlapping candidates meet rapidfuzz.
        core = prepared.core
        min_overlap = settings.candidate_min_overlap_pct / 100 * len(core)
        entries = self.entries
        shared_counts = [(len(core & entries[i].core), i) for i in candidate_ids]
        overlaps = [
            (shared / (len(core) + len(entries[i].core) - shared), i)
            for shared, i in shared_counts
            if shared >= min_overlap
        ]
        overlaps.sort(reverse=True)
        pre = [i for _, i in overlaps[: settings.scored_candidate_limit]]
        # A clean paraphrase of any claim wins: once "3 killed" changed to "5 killed", a third
        # "5 killed" repeats the second claim rather than changing the first again.
        seen: Verdict | None = None
        changed: Verdict | None = None
        near = Verdict("new")
        for index in pre:
            earlier = entries[index].prepared
            features = pair_features(earlier, prepared)
            probability = self.model.probability(features)
            contained = features[_LATER_CONTAINED]
            kind = (
                change_kind(earlier, prepared, settings)
                if _may_share_frame(earlier, prepared, settings)
                else None
            )
            if kind is not None:
                if kind == "actor":  # same sentence around a different name: "Ohio" -> "Texas"
                    actors = actor_difference(earlier, prepared)
                    frame = fuzz.ratio(
                        _masked_frame(earlier.frame, actors), _masked_frame(prepared.frame, actors)
                    )
                else:
                    frame = fuzz.ratio(earlier.frame, prepared.frame)
                if kind == "attribution":  # "X, officials said" / "Officials denied X"
                    frame = max(frame, fuzz.token_sort_ratio(earlier.frame, prepared.frame))
                needed = (
                    settings.changed_actor_frame_threshold_pct
                    if kind == "actor"
                    else settings.changed_frame_threshold_pct
                )
                if frame >= needed:
                    if changed is None or frame / 100.0 > changed.score:
                        changed = Verdict("changed", index, frame / 100.0, kind)
                    continue
            if (
                probability * 100 >= settings.seen_threshold_pct
                or (
                    contained * 100 >= settings.contained_threshold_pct
                    and len(prepared.content) >= 4
                )
            ) and not (
                (settings.new_number_is_new and adds_number(earlier, prepared, settings))
                or (settings.new_negated_clause_is_new and adds_negated_clause(earlier, prepared))
            ):
                score = max(probability, contained)
                if seen is None or score > seen.score:
                    seen = Verdict("seen", index, score)
            elif probability > near.score:
                near = Verdict("new", index, probability)
        best = seen or changed or near
        if best.status == "new" and pre and clause_split and settings.split_clauses:
            # Splitting can only end in `seen` when earlier claims together cover the sentence.
            covered = set().union(*(entries[i].core for _, i in overlaps)) & core
            if len(covered) * 100 >= settings.clause_split_min_coverage_pct * len(core):
                best = self._judge_clauses(prepared) or best
        return best

    def _judge_clauses(self, prepared: Prepared) -> Verdict | None:
        parts = clauses(prepared.text)
        if len(parts) < 2:
            return None
        verdicts = []
        for part in parts:
            verdict = self.judge(prepare(part), clause_split=False)
            if verdict.status != "seen":
                return None  # every clause must be seen, so the rest need not be judged
            verdicts.append(verdict)
        weakest = min(verdicts, key=lambda v: v.score)
        return Verdict("seen", weakest.entry_index, weakest.score)


def diff_claims(
    earlier: list[str],
    later: str,
    settings: ClaimSettings | None = None,
    labels: Sequence[int | str] | None = None,
) -> list[ClaimResult]:
    """Judge each sentence of `later` against the claims of the `earlier` documents."""
    settings = settings or ClaimSettings()
    ledger = Ledger(settings)
    for position, text in enumerate(earlier):
        label = labels[position] if labels is not None else position
        for seg in segment(text, settings):
            if seg.skip_reason is None:
                ledger.add(prepare(seg.text), label)
    results: list[ClaimResult] = []
    for seg in segment(later, settings):
        if seg.skip_reason is not None:
            results.append(ClaimResult(seg.text, "skipped", seg.skip_reason))
            continue
        verdict = ledger.judge(prepare(seg.text))
        results.append(_result(seg.text, verdict, ledger))
    return results


def _result(sentence: str, verdict: Verdict, ledger: Ledger) -> ClaimResult:
    if verdict.status == "new" or verdict.entry_index is None:
        return ClaimResult(sentence, "new")
    entry = ledger.entries[verdict.entry_index]
    match = Match(entry.text, entry.document, verdict.score, entry.claim_id)
    return ClaimResult(sentence, verdict.status, None, match, verdict.change)


# --- pipeline stage: judge new article versions against their story's ledger ----------------------

PENDING_BATCH_SIZE = 500
# Claim ids are drawn a block at a time; each draw of a run doubles the block up to the largest,
# so a cold batch of thousands of new claims makes a few round trips, a quiet run one small one.
CLAIM_ID_BLOCK = 256
CLAIM_ID_BLOCK_MAX = 4096
# Claims held in cached story ledgers, across stories (a prepared claim is a few kB).
LEDGER_CACHE_CLAIMS_MAX = 100_000


@dataclass
class ClaimReport:
    """What one pass of claim detection did."""

    versions: int = 0
    sentences: int = 0
    new: int = 0
    changed: int = 0
    seen: int = 0
    skipped: int = 0
    failed: int = 0
    new_claim_ids: list[int] = field(default_factory=list)
    changed_claim_ids: list[int] = field(default_factory=list)
    # Versions after the first of an article that added claims: "updated article adds: ...".
    updated_versions: dict[int, list[int]] = field(default_factory=dict)
    # Versions whose sentences an extraction worker had already segmented and prepared.
    prepared_ahead: int = 0


@dataclass(slots=True)
class _PendingVersion:
    id: int
    article_id: int
    version: int
    title: str | None
    text: str
    published_at: Any
    fetched_at: Any
    story_id: int
    outlet: str


@dataclass(slots=True)
class _JudgedVersion:
    """One version's verdicts, held in memory until its batch is written."""

    version: _PendingVersion
    seen_at: Any
    new_claims: list[tuple[int, Prepared, str, int | None]] = field(default_factory=list)
    mentions: list[tuple[int, int, str, str, float]] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    new_ids: list[int] = field(default_factory=list)
    changed_ids: list[int] = field(default_factory=list)
    prepared_ahead: bool = False


class _ClaimIds:
    """Claim ids drawn from their sequence a block at a time, so judging writes nothing."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.free: deque[int] = deque()
        self.block = CLAIM_ID_BLOCK

    def take(self) -> int:
        if not self.free:
            rows = db.query(self.con, "claims_reserve_ids", {"count": self.block})
            self.free.extend(int(row[0]) for row in rows)
            self.block = min(self.block * 2, CLAIM_ID_BLOCK_MAX)
        return self.free.popleft()


class _LedgerCache:
    """Story ledgers kept between runs in one process, so a claim is prepared once, not per batch.

    A ledger is reused only while its story's claims in the database have the fingerprint it was
    loaded or last written with; a merge, split or write by another process makes it reload.
    """

    def __init__(self, max_claims: int) -> None:
        self.max_claims = max_claims
        self.database: str | None = None
        self.settings: ClaimSettings | None = None
        self.ledgers: OrderedDict[int, Ledger] = OrderedDict()
        self.signatures: dict[int, tuple[int, ...]] = {}

    def for_run(self, con: duckdb.DuckDBPyConnection, settings: ClaimSettings) -> None:
        """Forget everything if this run is on another database or with other settings."""
        database = str(db.query(con, "db_current_file")[0][0])
        if database != self.database or settings != self.settings:
            self.ledgers.clear()
            self.signatures.clear()
            self.database, self.settings = database, settings

    def check(self, con: duckdb.DuckDBPyConnection, story_ids: set[int]) -> None:
        """Drop the cached ledgers of these stories whose claims changed behind our back."""
        cached = [story_id for story_id in story_ids if story_id in self.ledgers]
        if not cached:
            return
        current = {
            int(row[0]): tuple(int(v) for v in row[1:])
            for row in db.query(con, "claims_story_signatures", {"story_ids": cached})
        }
        for story_id in cached:
            if current.get(story_id, (0,)) != self.signatures.get(story_id):
                self.pop(story_id)

    def get(self, con: duckdb.DuckDBPyConnection, story_id: int, settings: ClaimSettings) -> Ledger:
        ledger = self.ledgers.get(story_id)
        if ledger is not None:
            self.ledgers.move_to_end(story_id)
            return ledger
        return self._keep(story_id, load_ledger(con, story_id, settings))

    def prefetch(self, con: duckdb.DuckDBPyConnection, story_ids: set[int], settings: ClaimSettings) -> None:
        """Load the ledgers of these stories not cached yet, with one scan of the claims table."""
        missing = sorted(story_id for story_id in story_ids if story_id not in self.ledgers)
        if not missing:
            return
        loaded = {story_id: Ledger(settings) for story_id in missing}
        for story_id, claim_id, text, normalized, version_id in db.query(
            con, "claims_stories_ledgers", {"story_ids": missing}
        ):
            loaded[int(story_id)].add_stored(text, normalized, version_id, claim_id)
        for story_id, ledger in loaded.items():
            self._keep(story_id, ledger)

    def _keep(self, story_id: int, ledger: Ledger) -> Ledger:
        ids = [entry.claim_id for entry in ledger.entries if entry.claim_id is not None]
        self.ledgers[story_id] = ledger
        self.signatures[story_id] = (len(ids), min(ids), max(ids), sum(ids)) if ids else (0,)
        self._evict()
        return ledger

    def stored(self, story_id: int, claim_ids: list[int]) -> None:
        """Claims just written for a story: its fingerprint moves with them."""
        if story_id not in self.ledgers or not claim_ids:
            return
        old = self.signatures.get(story_id, (0,))
        count, low, high, total = old if len(old) == 4 else (0, min(claim_ids), max(claim_ids), 0)
        self.signatures[story_id] = (
            count + len(claim_ids), min(low, *claim_ids), max(high, *claim_ids), total + sum(claim_ids)
        )

    def pop(self, story_id: int, default: Any = None) -> Any:
        self.signatures.pop(story_id, None)
        return self.ledgers.pop(story_id, default)

    def _evict(self) -> None:
        size = sum(len(ledger.entries) for ledger in self.ledgers.values())
        while size > self.max_claims and len(self.ledgers) > 1:
            _, ledger = self.ledgers.popitem(last=False)
            size -= len(ledger.entries)


_LEDGERS = _LedgerCache(max_claims=LEDGER_CACHE_CLAIMS_MAX)


def detect_claims(
    con: duckdb.DuckDBPyConnection, settings: ClaimSettings, now: datetime
) -> ClaimReport:
    """Judge every linked, unjudged article version against its story's claim ledger.

    Versions are judged in memory and written a batch at a time, because each DuckDB statement
    costs milliseconds: a batch's claims, mentions and stage markers take one statement each.
    """
    report = ClaimReport()
    ledgers = _LEDGERS
    ledgers.for_run(con, settings)
    failed_ids: list[int] = []
    claim_ids = _ClaimIds(con)
    while True:
        params = {"limit": PENDING_BATCH_SIZE, "skip_ids": failed_ids}
        rows = [_PendingVersion(*row) for row in db.query(con, "claims_pending_versions", params)]
        if not rows:
            break
        with db.gc_paused():
            ledgers.check(con, {version.story_id for version in rows})
            try:
                ledgers.prefetch(con, {version.story_id for version in rows}, settings)
            except (StoreError, duckdb.Error, ValueError) as e:
                LOGGER.warning("loading the claim ledgers of a batch at once failed (%s); one by one", e)
            judged: list[_JudgedVersion] = []
            for version in rows:
                try:
                    ledger = ledgers.get(con, version.story_id, settings)
                except (StoreError, duckdb.Error, ValueError) as e:
                    LOGGER.error("claims of version %s: loading story %s failed: %s", version.id, version.story_id, e)
                    report.failed += 1
                    failed_ids.append(version.id)
                    continue
                try:
                    judged.append(_judge_version(version, ledger, settings, now, claim_ids))
                except (StoreError, duckdb.Error, ValueError) as e:
                    # One bad version never fails the run; it stays pending and is retried next run.
                    LOGGER.error("claims of version %s (article %s) failed: %s", version.id, version.article_id, e)
                    report.failed += 1
                    failed_ids.append(version.id)
                    # Its half-judged claims are in the ledger: write what came before, then reload.
                    _save_judged(con, judged, ledgers, now, report, failed_ids)
                    judged = []
                    ledgers.pop(version.story_id, None)
            _save_judged(con, judged, ledgers, now, report, failed_ids)
        if len(rows) < PENDING_BATCH_SIZE:
            break  # that was all of them; the pending query reads the whole version table
    return report


def load_ledger(con: duckdb.DuckDBPyConnection, story_id: int, settings: ClaimSettings) -> Ledger:
    """Read one story's claims into an indexed ledger."""
    ledger = Ledger(settings)
    for claim_id, text, normalized, version_id in db.query(con, "claims_story_ledger", {"story_id": story_id}):
        ledger.add_stored(text, normalized, version_id, claim_id)
    return ledger


def version_segments(text: str, title: str | None, settings: ClaimSettings) -> list[Segment]:
    """The sentences of one article version; the title leads them when titles are judged."""
    segments = segment(text, settings)
    if settings.judge_titles and title and title.strip():
        segments.insert(0, Segment(title.strip(), _sentence_skip_reason(title.strip(), settings)))
    elif title and title.strip():
        segments.insert(0, Segment(title.strip(), "heading"))
    return segments


@dataclass(frozen=True)
class PreparedVersion:
    """A version's sentences, segmented and prepared ahead of judging (in an extraction worker)."""

    title: str | None
    text: str
    sentences: tuple[tuple[Segment, Prepared | None], ...]  # None for a skipped segment


def prepare_version(text: str, title: str | None, settings: ClaimSettings) -> PreparedVersion:
    """Segment a version and prepare each of its claim sentences; pure, so it can run anywhere."""
    segments = version_segments(text, title, settings)
    return PreparedVersion(title, text, tuple(
        (seg, prepare(seg.text) if seg.skip_reason is None else None) for seg in segments
    ))


class _PreparedVersions:
    """Versions prepared by extraction workers, waiting for this process to judge them."""

    # Segmenting and preparing is a fifth of the cycle's CPU in the flow process; the workers
    # are idle once pages are extracted, so they do it and this process only judges.

    def __init__(self, max_items: int) -> None:
        self.max_items = max_items
        self.settings: ClaimSettings | None = None
        self.items: OrderedDict[tuple[str, str], PreparedVersion] = OrderedDict()

    def remember(self, versions: Iterable[PreparedVersion], settings: ClaimSettings) -> None:
        """Keep versions prepared with SETTINGS until they are judged (the oldest go first)."""
        if settings != self.settings:
            self.items.clear()
            self.settings = settings
        for version in versions:
            self.items[(version.title or "", version.text)] = version
            if len(self.items) > self.max_items:
                self.items.popitem(last=False)

    def take(self, text: str, title: str | None, settings: ClaimSettings) -> tuple[PreparedVersion, bool]:
        """The prepared version of this text and title, and whether the workers prepared it."""
        found = self.items.pop((title or "", text), None) if settings == self.settings else None
        return (found, True) if found is not None else (prepare_version(text, title, settings), False)


# Prepared versions waiting to be judged: a few batches of pages.
PREPARED_VERSIONS_MAX = 2_000
_PREPARED = _PreparedVersions(PREPARED_VERSIONS_MAX)


def remember_prepared_versions(analyses: Iterable[Any], settings: ClaimSettings) -> None:
    """Keep the PreparedVersion results of extraction workers for `detect_claims` in this process."""
    _PREPARED.remember((a for a in analyses if isinstance(a, PreparedVersion)), settings)


def _judge_version(
    version: _PendingVersion, ledger: Ledger, settings: ClaimSettings, now: Any, claim_ids: _ClaimIds
) -> _JudgedVersion:
    """Judge each sentence of a version against the ledger, adding its new claims to the ledger."""
    judged = _JudgedVersion(version, version.published_at or version.fetched_at or now)
    prepared_version, judged.prepared_ahead = _PREPARED.take(version.text, version.title, settings)
    for index, (seg, prepared) in enumerate(prepared_version.sentences):
        if seg.skip_reason is not None or prepared is None:
            judged.counts["skipped"] += 1
            continue
        verdict = ledger.judge(prepared)
        if verdict.status == "seen" and verdict.entry_index is not None:
            claim_id = ledger.entries[verdict.entry_index].claim_id
        else:
            changed_from = (
                ledger.entries[verdict.entry_index].claim_id
                if verdict.status == "changed" and verdict.entry_index is not None
                else None
            )
            claim_id = claim_ids.take()
            judged.new_claims.append((claim_id, prepared, verdict.status, changed_from))
            ledger.add(prepared, version.id, claim_id)
            (judged.changed_ids if verdict.status == "changed" else judged.new_ids).append(claim_id)
        judged.counts[verdict.status] += 1
        judged.mentions.append((claim_id, index, seg.text, verdict.status, round(verdict.score, 4)))
    return judged


def _save_judged(
    con: duckdb.DuckDBPyConnection,
    judged: list[_JudgedVersion],
    ledgers: _LedgerCache,
    now: Any,
    report: ClaimReport,
    failed_ids: list[int],
) -> None:
    """Write judged versions in one transaction; if that fails, one version at a time."""
    if not judged:
        return
    try:
        with db.transaction(con):
            renamed, inserted = _write_judged(con, judged, now)
    except (StoreError, duckdb.Error) as e:
        LOGGER.warning("writing the claims of %d versions at once failed (%s); one by one", len(judged), e)
    else:
        _book(judged, renamed, inserted, ledgers, report)
        return
    broken_stories: set[int] = set()
    for item in judged:
        version = item.version
        try:
            if version.story_id in broken_stories:
                raise StoreError("an earlier version of its story failed in this batch; judged again next run")
            with db.transaction(con):
                renamed, inserted = _write_judged(con, [item], now)
        except (StoreError, duckdb.Error) as e:
            LOGGER.error("claims of version %s (article %s) failed: %s", version.id, version.article_id, e)
            report.failed += 1
            failed_ids.append(version.id)
            # Later versions of the story were judged against claims that are not stored.
            broken_stories.add(version.story_id)
            ledgers.pop(version.story_id, None)
            continue
        _book([item], renamed, inserted, ledgers, report)


def _write_judged(
    con: duckdb.DuckDBPyConnection, judged: list[_JudgedVersion], now: Any
) -> tuple[dict[int, int], dict[int, list[int]]]:
    """Insert claims and mentions and mark the versions done.

    Returns drawn id -> stored id for claims already held, and the ids inserted, by story.
    """
    renamed: dict[int, int] = {}
    inserted: dict[int, list[int]] = {}
    first_by_key: dict[tuple[int, str], int] = {}
    new_rows: list[tuple[_JudgedVersion, tuple[int, Prepared, str, int | None]]] = []
    for item in judged:
        for claim in item.new_claims:
            key = (item.version.story_id, claim[1].normalized)
            if key in first_by_key:  # one claim arriving twice in a batch is stored once
                renamed[claim[0]] = first_by_key[key]
                continue
            first_by_key[key] = claim[0]
            new_rows.append((item, claim))
    if new_rows:
        written = db.query_rows(con, "claims_insert_many", {
            "id": [claim[0] for _, claim in new_rows],
            "story_id": [item.version.story_id for item, _ in new_rows],
            "text": [claim[1].text for _, claim in new_rows],
            "normalized": [claim[1].normalized for _, claim in new_rows],
            "kind": ["changed" if claim[2] == "changed" else "new" for _, claim in new_rows],
            "changed_from": [claim[3] for _, claim in new_rows],
            "version_id": [item.version.id for item, _ in new_rows],
            "article_id": [item.version.article_id for item, _ in new_rows],
            "outlet": [item.version.outlet for item, _ in new_rows],
            "seen_at": [item.seen_at for item, _ in new_rows],
        })
        if _row_count(written) == len(new_rows):
            # Every claim went in (the insert skips only claims the story holds): all keep their ids.
            stored = first_by_key
        else:
            stored = _stored_claim_ids(con, list(first_by_key))
        # Claims the story already held under the same normalised form keep their ids.
        for key, drawn in first_by_key.items():
            if stored[key] != drawn:
                renamed[drawn] = stored[key]
            else:
                inserted.setdefault(key[0], []).append(drawn)
        for drawn, first in list(renamed.items()):
            renamed[drawn] = renamed.get(first, first)
    mentions = [(item, m) for item in judged for m in item.mentions]
    if mentions:
        db.query_rows(con, "claims_insert_mentions_many", {
            "claim_id": [renamed.get(m[0], m[0]) for _, m in mentions],
            "story_id": [item.version.story_id for item, _ in mentions],
            "version_id": [item.version.id for item, _ in mentions],
            "article_id": [item.version.article_id for item, _ in mentions],
            "sentence_index": [m[1] for _, m in mentions],
            "sentence": [m[2] for _, m in mentions],
            "status": [m[3] for _, m in mentions],
            "score": [m[4] for _, m in mentions],
            "outlet": [item.version.outlet for item, _ in mentions],
            "seen_at": [item.seen_at for item, _ in mentions],
        })
    db.execute(con, "claims_mark_done_many", {"now": now, "version_ids": [item.version.id for item in judged]})
    return renamed, inserted


def _row_count(result: list[tuple[Any, ...]]) -> int | None:
    """The row count an INSERT reports, if it reports one."""
    if len(result) == 1 and len(result[0]) == 1 and isinstance(result[0][0], (int, np.integer)):
        return int(result[0][0])
    return None


def _stored_claim_ids(
    con: duckdb.DuckDBPyConnection, keys: list[tuple[int, str]]
) -> dict[tuple[int, str], int]:
    """The ids under which stories hold these (story id, normalised claim) pairs."""
    rows = db.query_rows(con, "claims_ids_by_story_normalized", {
        "story_id": [key[0] for key in keys],
        "normalized": [key[1] for key in keys],
    })
    return {(int(story_id), normalized): int(claim_id) for claim_id, story_id, normalized in rows}


def _book(
    judged: list[_JudgedVersion],
    renamed: dict[int, int],
    inserted: dict[int, list[int]],
    ledgers: _LedgerCache,
    report: ClaimReport,
) -> None:
    """Count written versions in the report and give ledger entries their stored claim ids."""
    for story_id, claim_ids in inserted.items():
        ledgers.stored(story_id, claim_ids)
    for story_id in {item.version.story_id for item in judged} if renamed else ():
        ledger = ledgers.ledgers.get(story_id)
        for entry in ledger.entries if ledger is not None else []:
            if entry.claim_id in renamed:
                entry.claim_id = renamed[entry.claim_id]
    for item in judged:
        new_ids = list(dict.fromkeys(renamed.get(i, i) for i in item.new_ids))
        changed_ids = list(dict.fromkeys(renamed.get(i, i) for i in item.changed_ids))
        report.versions += 1
        report.prepared_ahead += item.prepared_ahead
        report.sentences += sum(item.counts.values())
        report.new += item.counts["new"]
        report.changed += item.counts["changed"]
        report.seen += item.counts["seen"]
        report.skipped += item.counts["skipped"]
        report.new_claim_ids.extend(new_ids)
        report.changed_claim_ids.extend(changed_ids)
        if item.version.version > 1 and (new_ids or changed_ids):
            report.updated_versions[item.version.id] = new_ids + changed_ids


# --- documents for `monitor claims diff` ---------------------------------------------------------


def extract_text(html: str, url: str | None = None) -> str:
    """The article text of an HTML page (monitor.articles, else trafilatura)."""
    try:
        from monitor.articles import extract_article
    except ImportError:
        import trafilatura

        return trafilatura.extract(html, url=url) or ""
    article = extract_article(html, url=url)
    return article.text if article is not None else ""


def read_document(source: str, settings: Any) -> str:
    """The text of a .txt/.html path or an http(s) URL (fetched through monitor.http's guard)."""
    from pathlib import Path

    if source.startswith(("http://", "https://")):
        from monitor.http import decode_html, fetch_url

        response = fetch_url(source, settings.fetch, max_bytes=settings.fetch.max_page_bytes)
        body = decode_html(response.body, response.headers)
        if "html" in (response.headers.get("content-type") or "text/html"):
            return extract_text(body, url=response.url)
        return body
    path = Path(source)
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise ParseError(f"{source}: cannot read document: {e.strerror or e}") from e
    text = raw.decode("utf-8", errors="replace")
    if path.suffix.lower() in (".html", ".htm", ".xhtml"):
        text = extract_text(text)
        if not text:
            raise ParseError(f"{source}: no article text could be extracted from the page")
    return text
