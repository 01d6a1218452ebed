"""An article's salient terms: names, name pairs, numbers and content words, weighted by place."""

from __future__ import annotations

import re
from collections import defaultdict

from monitor.settings import LinkingSettings

_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’&\-]*|\d[\d,.]*\d|\d")
# Not claims.STOPWORDS: this list also drops words every news report uses (said, told, weekdays,
# year, people, first, last), which tell nothing about which event an article is about.
_STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it its
    itself just me more most my myself no nor not now of off on once only or other our ours out
    over own same she should so some such than that the their theirs them themselves then there
    these they this those through to too under until up very was we were what when where which
    while who whom why will with would you your yours said says say told tell according one two
    new year years week monday tuesday wednesday thursday friday saturday sunday mr mrs ms may
    last first time people""".split()  # noqa: SIM905 (a word list reads best as text)
)


def extract_terms(title: str, text: str, settings: LinkingSettings) -> dict[str, float]:
    """Weighted term counts (e:name, p:name_name, n:number, w:word); title and lead terms count more."""
    counts: defaultdict[str, float] = defaultdict(float)
    pair_weight = settings.entity_pair_weight
    text = text or ""
    parts = [(title or "", settings.title_boost), (text, 1.0)]
    if settings.lead_words and settings.lead_boost != 1.0:
        ends = [m.end() for _, m in zip(range(settings.lead_words), _TOKEN.finditer(text))]
        if ends:
            parts[1:] = [(text[: ends[-1]], settings.lead_boost), (text[ends[-1] :], 1.0)]
    for part, boost in parts:
        previous_entity, previous_end = "", -1
        for match in _TOKEN.finditer(part):
            token = match.group()
            adjacent = part[previous_end : match.start()].isspace()
            previous, previous_end = previous_entity, match.end()
            previous_entity = ""
            if token[0].isdigit():
                number = token.replace(",", "").rstrip(".")
                counts["n:" + number] += boost * settings.number_weight
                continue
            low = token.lower().replace("’", "'").strip("'-").removesuffix("'s")
            if len(low) < 2 or low in _STOPWORDS:
                continue
            if token[0].isupper():
                counts["e:" + low] += boost * settings.entity_weight
                if pair_weight and previous and adjacent:
                    counts["p:" + previous + "_" + low] += boost * pair_weight
                previous_entity = low
            elif len(low) >= 3:
                stem = low[:-1] if low.endswith("s") and len(low) > 4 else low
                counts["w:" + stem] += boost * settings.word_weight
    return {t: c for t, c in counts.items() if c > 0}
