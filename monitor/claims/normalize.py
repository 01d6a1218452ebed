"""Sentence normalisation: quotes, US forms, contractions, numbers and stems in one form."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from monitor.stopwords import CLAIM_STOPWORDS

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
    **dict.fromkeys(["undisclosed", "unreported", "unannounced", "unrevealed"], "known"),
    "unidentified": "named",
    "anonymous": "named",
    "uncertain": "sure",
    "unharmed": "hurt",
    "uninjured": "hurt",
}
# Words allowed between "not" and the word it negates: "has not yet been publicly disclosed".
_NEGATION_GAP = frozenset(
    [
        "be",
        "been",
        "being",
        "yet",
        "previously",
        "publicly",
        "officially",
        "immediately",
        "formally",
        "widely",
        "fully",
        "so",
        "very",
        "made",
    ]
)
_COMPOUND_HEADS = frozenset(k.split()[0] for k in _COMPOUNDS)
_NON_WORD = re.compile(r"[^\w%.]+")
_DIGIT = re.compile(r"\d")
_NUMBER_SUFFIX = re.compile(r"(?:st|nd|rd|th|s|[a-z])$")  # 11th = 11, 1990s = 1990, 11m = 11
_NUMBER_UNIT = re.compile(r"(?<=\d)(?=[a-z]{2,})(?!st\b|nd\b|rd\b|th\b|s\b)")
_NUMBER_COMMA = re.compile(r"(?<=\d),(?=\d{3}\b)")
_STRAY_DOT = re.compile(r"(?<!\d)\.|\.(?!\d)")
_NON_WORD_OR_STRAY_DOT = re.compile(r"[^\w%.]+|(?<!\d)\.|\.(?!\d)")  # one pass of both

STOPWORDS = CLAIM_STOPWORDS
NEGATIONS = frozenset(
    {"not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "without"}
)
ASSERT_VERBS = frozenset(
    [
        "say",
        "says",
        "said",
        "saying",
        "claim",
        "claims",
        "claimed",
        "claiming",
        "state",
        "states",
        "stated",
        "told",
        "tell",
        "tells",
        "according",
        "report",
        "reports",
        "reported",
        "add",
        "adds",
        "added",
        "note",
        "notes",
        "noted",
        "confirm",
        "confirms",
        "confirmed",
        "announce",
        "announces",
        "announced",
        "insist",
        "insists",
        "insisted",
        "allege",
        "alleges",
        "alleged",
        "assert",
        "asserts",
        "asserted",
        "argue",
        "argues",
        "argued",
        "acknowledge",
        "acknowledged",
        "admit",
        "admitted",
    ]
)
DENY_VERBS = frozenset(
    [
        "deny",
        "denies",
        "denied",
        "denying",
        "reject",
        "rejects",
        "rejected",
        "disputed",
        "disputing",
        "refute",
        "refutes",
        "refuted",
        "dismiss",
        "dismisses",
        "dismissed",
        "contradict",
        "contradicts",
        "contradicted",
    ]
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
