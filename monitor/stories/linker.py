"""The online story clusterer, pure and in memory: `monitor cluster`, the eval and each linking batch use it.

Each article becomes a TF-IDF vector over its salient terms. It joins the story whose summed
vector is closest by cosine, mixed with rapidfuzz title similarity and scaled down by the time
gap, when the score reaches ``link_threshold_score``; otherwise it starts a new story. Candidate
stories come from an inverted index of each story's strongest terms, capped to the most recently
active stories per term; tracked stories are always candidates. A linker that keeps its members
revises its own decisions: it splits a story whose members form two groups (``find_split``) and
merges a small story into a close one (``closest_story``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import heapq
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from operator import itemgetter

from rapidfuzz import fuzz

from monitor.settings import LinkingSettings
from monitor.stories.model import TITLES_KEPT, Doc, LinkDecision, StoryState
from monitor.stories.terms import extract_terms
from monitor.stories.vectors import (
    _truncate,
    find_split,
    query_terms,
    split_checkpoint_crossed,
    unit_vector,
    weigh_terms,
)


def keyword_hits(text_lower: str, story: StoryState) -> int:
    """How many of a tracked story's keywords occur in the text, as whole words or phrases."""
    return sum(1 for pattern in story._keyword_patterns if pattern.search(text_lower))


def _time_factor(
    doc_time: dt.datetime | None, story_time: dt.datetime | None, settings: LinkingSettings
) -> float | None:
    """Score multiplier for the time gap; None when the story is outside the time window."""
    if doc_time is None or story_time is None:
        return 1.0
    gap_hours = abs((doc_time - story_time).total_seconds()) / 3600.0
    if gap_hours > settings.time_window_hours:
        return None
    return 1.0 - settings.time_penalty_max_frac * gap_hours / settings.time_window_hours


class StoryLinker:
    """Online story clusterer: `link(doc)` assigns each document, in arrival order, to a story."""

    def __init__(
        self,
        settings: LinkingSettings | None = None,
        new_story_id: Callable[[Doc], int] | None = None,
        df: dict[str, int] | None = None,
        n_docs: int = 0,
        keep_members: bool = True,
    ) -> None:
        self.settings = settings or LinkingSettings()
        self.df: dict[str, int] = df if df is not None else {}
        self.n_docs = n_docs
        self.stories: dict[int, StoryState] = {}
        self.postings: dict[str, dict[int, None]] = {}
        self._tracked: dict[int, StoryState] = {}
        self._next_id = 1
        self._new_story_id = new_story_id or self._counter_id
        # Members (document and term counts) per story, kept when this linker revises its own
        # decisions in memory (`monitor cluster`, the eval); the pipeline's per-batch linkers do
        # not, and `revise_stories` splits in DuckDB after each batch instead.
        self.keep_members = keep_members
        self.members: dict[int, list[tuple[Doc, dict[str, float]]]] = {}
        self.assignment: dict[str | int, int] = {}

    def _counter_id(self, doc: Doc) -> int:
        while self._next_id in self.stories:
            self._next_id += 1
        self._next_id += 1  # never reissue the id of a story merged away
        return self._next_id - 1

    def add_story(self, story: StoryState, index_terms: Iterable[str] | None = None) -> None:
        """Register (or re-register) a story and index its strongest terms (or just INDEX_TERMS)."""
        story.refresh()
        self.stories[story.id] = story
        if story.tracked:
            self._tracked[story.id] = story
        for term in story.terms if index_terms is None else index_terms:
            self._post(term, story.id)

    def _post(self, term: str, story_id: int) -> None:
        posting = self.postings.get(term)
        if posting is None:
            self.postings[term] = {story_id: None}
            return
        if story_id in posting:
            del posting[story_id]
        posting[story_id] = None  # most recently active last
        if len(posting) > self.settings.postings_per_term_max:
            oldest = next(iter(posting))
            if oldest not in self._tracked:
                del posting[oldest]

    def observe(self, counts: Mapping[str, float]) -> None:
        """Count a document into the document frequencies."""
        self.n_docs += 1
        for term in counts:
            self.df[term] = self.df.get(term, 0) + 1

    def vectorize(self, counts: Mapping[str, float]) -> dict[str, float]:
        """TF-IDF vector of a document under the current document frequencies."""
        return weigh_terms(counts, self.df, self.n_docs)

    def candidates(self, vector: dict[str, float]) -> set[int]:
        """Stories sharing the document's strongest terms (blocking), best first, plus tracked."""
        shared: dict[int, float] = {}
        for term in query_terms(vector, self.settings):
            weight = vector[term]
            for story_id in self.postings.get(term, ()):
                if story_id in self.stories:  # a story merged away stays in stale postings
                    shared[story_id] = shared.get(story_id, 0.0) + weight
        best = heapq.nlargest(self.settings.candidates_max, shared.items(), key=itemgetter(1))
        found = {story_id for story_id, _ in best}
        found.update(self._tracked)
        return found

    def score(self, doc: Doc, vector: dict[str, float], story: StoryState) -> float | None:
        """Combined score of a document against a story; None when outside the time window."""
        factor = _time_factor(doc.published, story.last_at, self.settings)
        if factor is None and story.tracked:
            factor = 1.0 - self.settings.time_penalty_max_frac  # tracked stories never expire
        if factor is None or story._norm == 0.0:
            return None
        cosine = 0.0
        for term, weight in story.terms.items():
            cosine += weight * vector.get(term, 0.0)
        cosine /= story._norm
        weight = self.settings.title_fuzz_weight_frac
        if weight and doc.title and story.titles:
            title_sim = max(fuzz.token_set_ratio(doc.title, t) for t in story.titles) / 100.0
            cosine = (1.0 - weight) * cosine + weight * title_sim
        return cosine * factor

    def decide(self, doc: Doc, vector: dict[str, float]) -> tuple[int | None, float, str]:
        """Best story for a document (None for a new one), its score and the reason."""
        if self._tracked:
            text_lower = f"{doc.title} {doc.text}".lower()
            best_tracked, best_hits = None, 0
            for story in self._tracked.values():
                hits = keyword_hits(text_lower, story)
                needed = min(self.settings.tracked_keyword_hits_min, len(story._keyword_patterns))
                if needed and hits >= needed and hits > best_hits:
                    best_tracked, best_hits = story, hits
            if best_tracked is not None:
                return best_tracked.id, best_hits / len(best_tracked._keyword_patterns), "tracked"
        best_id, best_score = None, 0.0
        for story_id in self.candidates(vector):
            value = self.score(doc, vector, self.stories[story_id])
            if value is not None and value > best_score:
                best_id, best_score = story_id, value
        if best_id is not None and best_score >= self.settings.link_threshold_score:
            reason = "tracked" if self.stories[best_id].tracked else "linked"
            return best_id, best_score, reason
        return None, best_score, "new_story"

    def absorb(self, story: StoryState, doc: Doc, vector: dict[str, float]) -> None:
        """Add a document's vector to a story and re-index it."""
        add_document(story, doc, vector, self.settings)
        self.add_story(story)

    def link(self, doc: Doc) -> LinkDecision:
        """Assign one document to a story, creating one when nothing is close enough."""
        counts = extract_terms(doc.title, doc.text, self.settings)
        self.observe(counts)
        vector = self.vectorize(counts)
        story_id, score, reason = self.decide(doc, vector)
        new_story = story_id is None
        if story_id is None:
            story_id = self._new_story_id(doc)
            self.stories[story_id] = StoryState(id=story_id)
        self.absorb(self.stories[story_id], doc, vector)
        if self.keep_members:
            self.members.setdefault(story_id, []).append((doc, counts))
            self.assignment[doc.id] = story_id
            if self.revise(story_id) is not None:
                story_id = self.assignment[doc.id]
            merged = self.merge_small(story_id)
            if merged is not None:
                story_id = merged
        return LinkDecision(
            story_id=story_id, new_story=new_story, score=round(score, 4), reason=reason
        )

    def revise(self, story_id: int) -> int | None:
        """Split an untracked story whose members form two groups (`find_split`); the new story's id."""
        story = self.stories[story_id]
        members = self.members.get(story_id, [])
        if story.tracked or not split_checkpoint_crossed(
            len(members) - 1, len(members), self.settings
        ):
            return None
        vectors = [self.vectorize(counts) for _, counts in members]
        moving = find_split(vectors, self.settings)
        if moving is None:
            return None
        new_id = self._new_story_id(members[moving[0]][0])
        self.stories[new_id] = StoryState(id=new_id)
        moved = set(moving)
        groups: dict[int, list[int]] = {story_id: [], new_id: []}
        for index in range(len(members)):
            groups[new_id if index in moved else story_id].append(index)
        for target, indexes in groups.items():
            rebuilt = StoryState(id=target)
            self.stories[target] = rebuilt
            self.members[target] = [members[i] for i in indexes]
            for i in indexes:
                self.absorb(rebuilt, members[i][0], vectors[i])
                self.assignment[members[i][0].id] = target
        return new_id

    def merge_small(self, story_id: int) -> int | None:
        """Merge a small untracked story with its closest story (`closest_story`); the kept story's id."""
        story = self.stories[story_id]
        if story.tracked or not 0 < story.doc_count <= self.settings.merge_small_articles_max:
            return None
        vector = unit_vector(story.terms)
        target = closest_story(
            story, (self.stories[i] for i in self.candidates(vector)), self.settings
        )
        if target is None:
            return None
        keep, gone = merge_roles(story, target)
        merged = merged_state(keep, gone, self.settings)
        del self.stories[gone.id]
        self.add_story(merged)
        self.members[keep.id] = self.members.get(keep.id, []) + self.members.pop(gone.id, [])
        for doc, _ in self.members[keep.id]:
            self.assignment[doc.id] = keep.id
        return keep.id


def add_document(
    story: StoryState, doc: Doc, vector: dict[str, float], settings: LinkingSettings
) -> None:
    """Add a document's vector, time and title to a story's representation (no index involved)."""
    merged = dict(story.terms)
    for term, weight in vector.items():
        merged[term] = merged.get(term, 0.0) + weight
    story.terms = _truncate(merged, settings.story_terms_max)
    story.doc_count += 1
    if doc.published is not None and (story.last_at is None or doc.published > story.last_at):
        story.last_at = doc.published
    if doc.title:
        story.titles = (story.titles + [doc.title])[-TITLES_KEPT:]


def closest_story(
    story: StoryState, candidates: Iterable[StoryState], settings: LinkingSettings
) -> StoryState | None:
    """The untracked candidate whose vector is closest to STORY's, if it reaches merge_story_score_min.

    The score is the cosine of the two stories' vectors times the time factor of their last
    articles (None outside the time window), as for an article against a story.
    """
    vector = unit_vector(story.terms)
    best, best_score = None, settings.merge_story_score_min
    for other in candidates:
        if other.id == story.id or other.tracked or not other.terms:
            continue
        factor = _time_factor(story.last_at, other.last_at, settings)
        if factor is None:
            continue
        other_norm = other._norm or math.sqrt(sum(w * w for w in other.terms.values()))
        cosine = sum(w * other.terms.get(t, 0.0) for t, w in vector.items()) / other_norm
        if cosine * factor >= best_score:
            best, best_score = other, cosine * factor
    return best


def merge_roles(a: StoryState, b: StoryState) -> tuple[StoryState, StoryState]:
    """(kept, merged away): the story with more articles stays; on a tie, the older id."""
    return (a, b) if (a.doc_count, -a.id) >= (b.doc_count, -b.id) else (b, a)


def merged_state(keep: StoryState, gone: StoryState, settings: LinkingSettings) -> StoryState:
    """KEEP's representation after GONE merges into it: summed vectors, counts, latest time."""
    terms = dict(keep.terms)
    for term, weight in gone.terms.items():
        terms[term] = terms.get(term, 0.0) + weight
    times = [t for t in (keep.last_at, gone.last_at) if t is not None]
    return StoryState(
        id=keep.id,
        terms=_truncate(terms, settings.story_terms_max),
        doc_count=keep.doc_count + gone.doc_count,
        last_at=max(times) if times else None,
        titles=(keep.titles + gone.titles)[-TITLES_KEPT:],
        tracked=keep.tracked,
        keywords=keep.keywords,
        name=keep.name,
    )


def cluster_documents(
    docs: Iterable[Doc], settings: LinkingSettings | None = None
) -> list[LinkDecision]:
    """Run the online clusterer over documents in the given order; story ids are the final ones.

    A later split can move an earlier document, so each decision carries the story the
    document is in after the last document, and `new_story` marks the first document of each
    final story, including one a split created (the score is the document's on arrival).
    """
    linker = StoryLinker(settings)
    docs = list(docs)
    decisions = [linker.link(doc) for doc in docs]
    started: set[int] = set()
    final = []
    for doc, decision in zip(docs, decisions, strict=True):
        story_id = linker.assignment[doc.id]
        final.append(
            dataclasses.replace(decision, story_id=story_id, new_story=story_id not in started)
        )
        started.add(story_id)
    return final


def tracked_story_state(story_id: int, name: str, keywords: Sequence[str]) -> StoryState:
    """A tracked story's starting representation: its name and keywords as salient terms."""
    counts: dict[str, float] = {}
    settings = LinkingSettings()
    for phrase in [name, *keywords]:
        for term, count in extract_terms(phrase, "", settings).items():
            counts[term] = counts.get(term, 0.0) + count
    vector = weigh_terms(counts, lambda t: 0, 1)
    story = StoryState(id=story_id, terms=vector, tracked=True, keywords=tuple(keywords), name=name)
    story.refresh()
    return story
