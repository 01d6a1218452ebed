"""Figures: each number of a sentence with what it counts or measures, and whether two agree."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from monitor.claims.normalize import _DOUBLE_QUOTES, _TIME_ZONES
from monitor.settings import ClaimSettings


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
_UNIT_QUALIFIERS = frozenset(
    ["canadian", "australian", "usa", "new", "zealand", "hong", "kong", "metric", "short"]
)
_ZONES = frozenset(_TIME_ZONES.lower().split("|"))
_MONTH_WORDS = frozenset(
    [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
    ]
)
_HEDGES = frozenset(
    [
        "about",
        "around",
        "approximately",
        "approx",
        "roughly",
        "some",
        "nearly",
        "almost",
        "estimated",
    ]
    + ["over", "least", "than", "under"]  # "more than", "at least", "just under"
)
_NUMBER_WORD = re.compile(r"^(\d+(?:\.\d+)?)([a-z]*)$")
_RANGE_WORDS = frozenset({"and", "to", "or"})  # "between 10 and 20 pounds": both in pounds
_AGE_APPOSITION = re.compile(r"\b[A-Z][a-z]+,\s(\d{1,3}),")  # "Ruiz, 52, said"
_GROUPED_THOUSANDS = re.compile(r"\b\d{1,3}(?:,\d{3})+\b")
_NAME_NUMBER = re.compile(r"[A-Z][A-Za-z]*[\s-]?(\d+(?:\.\d+)?)\b(?![,.]\d)")
# A score or tally written with a dash ("won 3-1", "a 5-4 vote"): one figure, read only near a
# word of contest, so ranges ("10-12 people") stay two counts.
_SCORE = re.compile(r"(?<![\d.,])(\d{1,2}) ?[-\u2013] ?(\d{1,2})(?![\d.,%])")
_SCORE_WORDS = frozenset(
    ["won", "win", "wins", "beat", "beats", "lost", "lose", "loses", "defeat", "defeated"]
    + ["victory", "draw", "drew", "score", "scored", "scoreline", "final", "lead", "led"]
    + ["vote", "voted", "verdict", "ruling", "match", "game", "tie", "result"]
)
_SCORE_BASE = 100.0
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
    scores = _scores(words, text)
    skip = -1
    for i, word in enumerate(words):
        if i <= skip or not word[0].isdigit():
            continue
        if scores and i + 1 < n and (word, words[i + 1]) in scores:
            value = float(word) * _SCORE_BASE + float(words[i + 1])
            found.append(Figure(value, "score", "", 0.0, 1.0, False))
            skip = i + 1
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


def _scores(words: Sequence[str], text: str) -> set[tuple[str, str]]:
    """The (first, second) digits of each dashed score in a sentence about a contest."""
    if "-" not in text and "\u2013" not in text or _SCORE_WORDS.isdisjoint(words):
        return set()
    return set(_SCORE.findall(text))


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


def _figure_matcher(settings: ClaimSettings | None) -> Callable[[Figure, Figure], bool | None]:
    if settings is None:
        return same_figure
    hedged, converted = settings.hedged_figure_tolerance_pct, settings.unit_conversion_tolerance_pct
    return lambda a, b: same_figure(a, b, hedged, converted)


def _stated(figures_: Sequence[Figure]) -> list[Figure]:
    return [f for f in figures_ if f.kind not in _DETAIL_KINDS and not _trivial(f)]
