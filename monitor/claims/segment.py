"""Segmentation: the text of an article as sentences, each a claim or skipped with a reason."""

from __future__ import annotations

import re
from dataclasses import dataclass

from monitor.claims.normalize import _DOUBLE_QUOTES, _SINGLE_QUOTES, STOPWORDS, normalize
from monitor.settings import ClaimSettings

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
    # common irregular past forms: "Israeli jets struck the airport." is a claim, not a caption;
    # with a prefix too: "upheld", "withheld", "overthrew", "undertook"
    r"|(?:up|with|over|under|out|re|fore|mis|for)(?:held|threw|took|came|went|ran|saw|sold|wrote"
    # ("withdrew" is left out: the shipped model was fitted with its train pairs skipped)
    r"|gave|bade|stood|shot|cast|set|put|cut|paid|sent|spent|made|led|hung|rode|shook)"
    r"|sank|sang|rang|swam|drove|strode|spun|dug|stuck|swung|sprang|shrank|shook|slew|bled|sped"
    r"|lent|clung|stung|forgot|drank|arose|awoke|forbade|forgave|overthrew|undertook"
    r"|struck|hit|won|lost|fled|took|made|went|came|gave|told|met|left|led|held|sent|shot|fell|rose"
    r"|began|broke|ran|saw|found|kept|sought|fought|brought|thought|bought|caught|spent|built|paid"
    r"|set|cut|put|quit|got|knew|grew|drew|threw|flew|wrote|spoke|chose|stole|froze|hid|bit|beat"
    r"|became|stood|understood|sold|felt|dealt|meant|heard|lay|laid|slid|swept|wept|woke|wore|tore|swore)\b"
)
# Verbs of plain present-tense claims that the suffix rules above miss: "Symptoms include fever."
_PLAIN_VERBS = re.compile(
    r"\b(?:include|appear|remain|become|come|go|make|take|give|know|show|seem|continue|need|want"
    r"|mean|suggest|require|involve|cause|provide|contain|hold|face|lie|live|die|run|rise|fall|win"
    r"|lose|occur|exist|happen|differ|vary|depend|belong|affect|lead|follow|help|add|cost|last"
    r"|grow|reach|stand|sit|keep|get|put|set|see|look|feel|think|believe|expect|plan|hope|agree"
    r"|allow|offer|serve|act|apply|claim|warn|urge|call|ask|tell|report|state|note|argue|insist"
    r"|deny|admit|accept|reject|refuse|fail|try|seek|use|cut|hit|kill|arrest|charge|face|pay)\b"
)
# Abbreviations nupunkt ends a sentence at. Titles stand before a name, road and section words
# before a number: "Det.-Sgt. Ann Roy", "Hwy. 401", "Rte. 9".
_TITLE_ABBREVIATIONS = frozenset(
    [
        "det",
        "sgt",
        "det.-sgt",
        "d/sgt",
        "insp",
        "supt",
        "cpl",
        "pte",
        "pvt",
        "const",
        "cst",
        "lt",
        "col",
        "capt",
        "cmdr",
        "gen",
        "maj",
        "adm",
        "brig",
        "sen",
        "rep",
        "gov",
        "atty",
        "prof",
        "dr",
        "rev",
        "fr",
        "msgr",
        "hon",
        "mr",
        "mrs",
        "ms",
        "ald",
        "coun",
        "cllr",
        "staff-sgt",
        "s/sgt",
    ]
)
_NUMBER_ABBREVIATIONS = frozenset(
    ["hwy", "hwys", "rte", "rt", "no", "nos", "art", "sec", "vol", "fwy", "pkwy", "exit"]
)
_ENDING_ABBREVIATION = re.compile(r"(?:^|[\s(])([A-Za-z][A-Za-z./\-]*)\.$")
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
        sentences = [s if isinstance(s, str) else str(s[0]) for s in sent_tokenize(line)]
        for sentence in _join_abbreviations(sentences):
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


def _join_abbreviations(sentences: list[str]) -> list[str]:
    """Sentences the tokenizer cut after a title or road abbreviation, joined again."""
    joined: list[str] = []
    for sentence in sentences:
        sentence = sentence.strip()
        if joined and sentence and _continues(joined[-1], sentence):
            joined[-1] = f"{joined[-1]} {sentence}"
        elif sentence:
            joined.append(sentence)
    return joined


def _continues(previous: str, sentence: str) -> bool:
    match = _ENDING_ABBREVIATION.search(previous)
    if match is None:
        return False
    word = match.group(1).lower()
    last = word.rsplit("-", 1)[-1] if word not in _TITLE_ABBREVIATIONS else word
    if word in _TITLE_ABBREVIATIONS or last in _TITLE_ABBREVIATIONS:
        return sentence[0].isupper()
    return word in _NUMBER_ABBREVIATIONS and sentence[0].isdigit()


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
        _CAPTION_HINT.search(line)
        or not (_VERB_HINT.search(line) or _PLAIN_VERBS.search(line.lower()))
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


_CLAUSE_SPLIT = re.compile(
    r"(?:,|;|:|\s[—–-]\s)\s+(?=(?:but|while|whereas|although|though|and|as|however|yet|which|"
    r"according|including|the|a|an|[A-Z“\"]))|;\s+|\s+(?=but\s)"
)


def clauses(sentence: str) -> list[str]:
    """The clauses of a long sentence, at commas, semicolons and conjunctions."""
    parts = [p.strip(" ,;:") for p in _CLAUSE_SPLIT.split(sentence)]
    return [p for p in parts if len([w for w in normalize(p).split() if w not in STOPWORDS]) >= 3]
