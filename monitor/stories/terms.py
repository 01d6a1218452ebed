"""An article's salient terms: names, name pairs, numbers and content words, weighted by place."""

from __future__ import annotations

import re
from collections import defaultdict

from monitor.settings import LinkingSettings
from monitor.stopwords import STORY_STOPWORDS

_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’&\-]*|\d[\d,.]*\d|\d")
_STOPWORDS = STORY_STOPWORDS


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
