"""A sentence in every form the matcher needs, and an article version prepared ahead of judging."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from monitor.claims.entities import _entities_clean
from monitor.claims.figures import Figure, figures
from monitor.claims.negation import _denies, negations
from monitor.claims.normalize import (
    _ATTRIBUTION_STEMS,
    _NUMBER_SUFFIX,
    ASSERT_VERBS,
    DENY_VERBS,
    NEGATIONS,
    STOPWORDS,
    _clean_text,
    _normalize_clean,
    content_stem,
)
from monitor.claims.segment import Segment, _sentence_skip_reason, segment
from monitor.settings import ClaimSettings


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
    return PreparedVersion(
        title,
        text,
        tuple((seg, prepare(seg.text) if seg.skip_reason is None else None) for seg in segments),
    )
