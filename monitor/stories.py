"""Story linking: an online clusterer (pure, in memory) and its DuckDB-backed pipeline stage.

Each article becomes a TF-IDF vector over its salient terms (capitalised names and places,
numbers, and other content words at a lower weight; title and lead terms count more). It joins
the story whose summed vector is closest by cosine, mixed with rapidfuzz title similarity and
scaled down by the time gap, when the score reaches ``link_threshold_score``; otherwise it starts
a new story. Candidate stories come from an inverted index of each story's strongest terms, capped
to the most recently active stories per term, among stories active within ``time_window_hours``;
tracked stories are always candidates.
Decisions can be revised: a story whose members fall into two groups that are much less alike
across than within (``find_split``, checked as the story grows past check points) is split, and
a small story close enough to another (``closest_story``) merges into it; in memory by the
linker itself, in DuckDB by ``revise_stories`` and ``merge_small_stories`` after each linking
batch. Document frequencies are an append-only log that
``compact_term_df`` folds (from maintenance, and from linking once the log is large).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import dataclasses

import duckdb
import numpy as np
from rapidfuzz import fuzz

from monitor import db
from monitor.errors import StoreError
from monitor.settings import LinkingSettings, StoryConfig

LOGGER = logging.getLogger(__name__)

_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’&\-]*|\d[\d,.]*\d|\d")
_STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it its
    itself just me more most my myself no nor not now of off on once only or other our ours out
    over own same she should so some such than that the their theirs them themselves then there
    these they this those through to too under until up very was we were what when where which
    while who whom why will with would you your yours said says say told tell according one two
    new year years week monday tuesday wednesday thursday friday saturday sunday mr mrs ms may
    last first time people""".split()
)
TITLES_KEPT = 5


@dataclass(frozen=True)
class Doc:
    """One article as the clusterer sees it."""

    id: str | int
    title: str
    text: str
    published: dt.datetime | None = None


@dataclass(frozen=True)
class LinkDecision:
    """Where an article went: its story, whether that story is new, the score and why."""

    story_id: int
    new_story: bool
    score: float
    reason: str  # linked | new_story | tracked


@dataclass
class StoryState:
    """A story's representation: summed article vectors (strongest terms only) and metadata."""

    id: int
    terms: dict[str, float] = field(default_factory=dict)
    doc_count: int = 0
    last_at: dt.datetime | None = None
    titles: list[str] = field(default_factory=list)
    tracked: bool = False
    keywords: tuple[str, ...] = ()
    name: str = ""
    _norm: float = 0.0
    _keyword_patterns: list[re.Pattern[str]] = field(default_factory=list)

    def refresh(self) -> None:
        """Recompute cached norm and keyword patterns after a change."""
        self._norm = math.sqrt(sum(w * w for w in self.terms.values()))
        self._keyword_patterns = [
            re.compile(r"(?<!\w)" + re.escape(k.lower()) + r"(?!\w)") for k in self.keywords if k
        ]


@dataclass
class LinkReport:
    """What one `link_articles` call did."""

    linked: int = 0
    new_stories: list[int] = field(default_factory=list)
    tracked_hits: int = 0
    already_assigned: int = 0
    load_seconds: float = 0.0  # loading candidate stories and document frequencies
    decide_seconds: float = 0.0  # in-memory decisions
    write_seconds: float = 0.0  # bulk writes of links, stories, vectors and DF
    article_seconds: list[float] = field(default_factory=list)  # each linked article's decision
    split_stories: list[int] = field(default_factory=list)  # stories split off after linking
    revise_seconds: float = 0.0  # re-checking touched stories for two groups
    merged_stories: list[int] = field(default_factory=list)  # small stories merged into a closer one
    merge_seconds: float = 0.0  # looking for and doing those merges
    term_df_folded: bool = False  # the DF log grew by over term_df_rows_max rows and was folded


# --- pure parts: terms, vectors, scores --------------------------------------------------------


def extract_terms(title: str, text: str, settings: LinkingSettings) -> Counter[str]:
    """Weighted term counts (e:name, p:name_name, n:number, w:word); title and lead terms count more."""
    counts: Counter[str] = Counter()
    pair_weight = settings.entity_pair_weight
    text = text or ""
    parts = [(title or "", settings.title_boost), (text, 1.0)]
    if settings.lead_words and settings.lead_boost != 1.0:
        ends = [m.end() for _, m in zip(range(settings.lead_words), _TOKEN.finditer(text))]
        if ends:
            parts[1:] = [(text[: ends[-1]], settings.lead_boost), (text[ends[-1]:], 1.0)]
    for part, boost in parts:
        previous_entity, previous_end = "", -1
        for match in _TOKEN.finditer(part):
            token = match.group()
            adjacent = part[previous_end:match.start()].isspace()
            previous, previous_end = previous_entity, match.end()
            previous_entity = ""
            if token[0].isdigit():
                number = token.replace(",", "").rstrip(".")
                counts["n:" + number] += boost * settings.number_weight
                continue
            low = token.lower().replace("’", "'").strip("'-")
            if low.endswith("'s"):
                low = low[:-2]
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
    return Counter({t: c for t, c in counts.items() if c > 0})


class _TermCache:
    """Terms of recently seen article texts, most recently used kept."""

    # The split re-check reads every member of a touched story again after each batch; extracting
    # their terms again was most of its cost (5 of 9 s in a 1,000-article cycle).

    def __init__(self, max_items: int) -> None:
        self.max_items = max_items
        self.settings: LinkingSettings | None = None
        self.items: OrderedDict[tuple[str, str], Counter[str]] = OrderedDict()

    def terms(self, title: str, text: str, settings: LinkingSettings) -> Counter[str]:
        """extract_terms(title, text, settings), from the cache when seen; do not modify it."""
        if settings != self.settings:
            self.items.clear()
            self.settings = settings
        key = (title, text)
        counts = self.items.get(key)
        if counts is None:
            counts = self.items[key] = extract_terms(title, text, settings)
            if len(self.items) > self.max_items:
                self.items.popitem(last=False)
        else:
            self.items.move_to_end(key)
        return counts


    def remember(self, items: Iterable[tuple[str, str, Counter[str]]], settings: LinkingSettings) -> None:
        """Keep terms extracted elsewhere with SETTINGS, by (title, text)."""
        if settings != self.settings:
            self.items.clear()
            self.settings = settings
        for title, text, counts in items:
            self.items[(title, text)] = counts
            if len(self.items) > self.max_items:
                self.items.popitem(last=False)


# Article texts whose terms are kept (a few kB each).
TERM_CACHE_ITEMS = 20_000
_TERMS = _TermCache(TERM_CACHE_ITEMS)


def remember_terms(items: Iterable[tuple[str, str, Counter[str]]], settings: LinkingSettings) -> None:
    """Keep (title, text, terms) that extraction workers computed, for linking in this process."""
    _TERMS.remember(items, settings)


class _DfCache:
    """Document frequencies read in this process, kept while the DF tables are as it last saw them."""

    # Each batch looked up the DF of its terms, and each split re-check that of its members' terms,
    # by summing the DF log: a third of the stage's database time in a 1,000-article cycle. Only
    # linking appends to the log and only a fold rewrites it, so a state (`stories_term_df_state`)
    # equal to the one this process read or wrote proves the kept values current.

    def __init__(self, max_terms: int) -> None:
        self.max_terms = max_terms
        self.state: tuple[Any, ...] | None = None
        self.df: dict[str, int] = {}  # every term looked up, 0 when the log has no row for it

    def lookup(self, con: duckdb.DuckDBPyConnection, terms: Iterable[str]) -> tuple[dict[str, int], int]:
        """(DF of those TERMS counted in any document, documents counted), reading only unknown terms."""
        state = self._read_state(con)
        if state != self.state:
            self.df.clear()
            self.state = state
        terms = list(terms)
        missing = sorted({t for t in terms if t not in self.df})
        if missing:
            if len(self.df) + len(missing) > self.max_terms:
                self.df.clear()
                missing = sorted(set(terms))
            found = dict(db.query(con, "stories_term_df", [_pack(missing, _UNIT)]))
            for term in missing:
                self.df[term] = int(found.get(term, 0))
        df = self.df
        return {t: df[t] for t in terms if df[t]}, int(state[4])

    def appended(self, con: duckdb.DuckDBPyConnection, delta: Counter[str], docs: int) -> None:
        """This connection just added DELTA and DOCS to the log (its transaction sees them)."""
        before, self.state = self.state, None
        if before is None:
            return
        state = self._read_state(con)
        expected = (*before[:2], before[2] + len(delta), before[3] + sum(delta.values()), before[4] + docs)
        if state != expected:  # someone else changed the log since we read it
            self.df.clear()
            return
        df = self.df
        for term, count in delta.items():
            if term in df:
                df[term] += count
        self.state = state

    def _read_state(self, con: duckdb.DuckDBPyConnection) -> tuple[Any, ...]:
        return tuple(db.query(con, "stories_term_df_state")[0])


# Terms whose DF is kept (a forgotten term is read again when needed).
DF_CACHE_TERMS = 200_000
_DF = _DfCache(DF_CACHE_TERMS)


def weigh_terms(
    counts: Counter[str], df: Callable[[str], int] | dict[str, int], n_docs: int
) -> dict[str, float]:
    """Unit-length TF-IDF vector with sublinear term frequency (DF as a function or a dict)."""
    # Smoothed IDF, log((1 + n) / (1 + df)) + 1, written inline with the dict read directly: this
    # runs for every member of every re-checked story, and function calls were most of its cost.
    log, top = math.log, 1 + n_docs
    if isinstance(df, dict):
        get = df.get
        vector = {
            term: (1.0 + log(count) if count >= 1 else count) * (log(top / (1 + get(term, 0))) + 1.0)
            for term, count in counts.items()
        }
    else:
        vector = {
            term: (1.0 + log(count) if count >= 1 else count) * (log(top / (1 + df(term))) + 1.0)
            for term, count in counts.items()
        }
    norm = math.sqrt(sum(w * w for w in vector.values())) or 1.0
    return {t: w / norm for t, w in vector.items()}


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


def similarity_matrix(vectors: Sequence[dict[str, float]]) -> np.ndarray:
    """Pairwise cosine similarities of unit-length sparse vectors (1 on the diagonal)."""
    # Only terms two vectors share add to a similarity, and they are few: keeping the dense
    # matrix narrow keeps the product small.
    seen: Counter[str] = Counter()
    for vector in vectors:
        seen.update(vector.keys())
    vocabulary = {term: index for index, term in enumerate(t for t, n in seen.items() if n > 1)}
    dense = np.zeros((len(vectors), max(1, len(vocabulary))))
    for row, vector in enumerate(vectors):
        for term, weight in vector.items():
            column = vocabulary.get(term)
            if column is not None:
                dense[row, column] = weight
    # einsum rather than a BLAS product: BLAS threads spin and stall on a busy machine.
    similarity = np.einsum("ik,jk->ij", dense, dense)
    np.fill_diagonal(similarity, 1.0)
    return similarity


def find_split(vectors: Sequence[dict[str, float]], settings: LinkingSettings) -> list[int] | None:
    """Members (by index) to move out of a story whose members form two groups; None keeps it whole.

    The members are joined by average linkage until two groups remain. The story splits when the
    mean similarity across the groups is below `split_cross_within_ratio` times the mean
    similarity within the looser group. The group holding member 0 (the oldest) stays.
    """
    count = len(vectors)
    group_min = settings.split_group_articles_min
    if not settings.split_cross_within_ratio or count < 2 * group_min:
        return None
    if count > settings.split_check_articles_max:
        return None
    similarity = similarity_matrix(vectors)
    groups = [[i] for i in range(count)]
    sums = similarity.copy()  # summed similarity between groups
    sizes = np.ones(count)
    alive = np.ones(count, dtype=bool)
    for _ in range(count - 2):
        average = sums / np.outer(sizes, sizes)
        average[~alive, :] = -np.inf
        average[:, ~alive] = -np.inf
        np.fill_diagonal(average, -np.inf)
        a, b = divmod(int(np.argmax(average)), count)
        a, b = min(a, b), max(a, b)
        groups[a] += groups[b]
        groups[b] = []
        sums[a, :] += sums[b, :]
        sums[:, a] += sums[:, b]
        sizes[a] += sizes[b]
        alive[b] = False
    first, second = (groups[i] for i in np.flatnonzero(alive))
    if min(len(first), len(second)) < group_min:
        return None

    def within(members: list[int]) -> float:
        block = similarity[np.ix_(members, members)]
        return float((block.sum() - np.trace(block)) / (len(members) * (len(members) - 1)))

    cross = float(similarity[np.ix_(first, second)].mean())
    if cross >= settings.split_cross_within_ratio * min(within(first), within(second)):
        return None
    return sorted(second if 0 in first else first)


def split_checkpoint_crossed(before: int, after: int, settings: LinkingSettings) -> bool:
    """Whether a story that grew from BEFORE to AFTER articles is due a split re-check."""
    checkpoint = 2 * settings.split_group_articles_min
    while checkpoint <= min(after, settings.split_check_articles_max):
        if checkpoint > before:
            return True
        checkpoint = max(checkpoint + 1, math.ceil(checkpoint * (1 + settings.split_recheck_growth_frac) - 1e-9))
    return False


def _truncate(terms: dict[str, float], keep: int) -> dict[str, float]:
    if len(terms) <= keep:
        return terms
    return dict(sorted(terms.items(), key=lambda item: item[1], reverse=True)[:keep])


# --- the online clusterer ----------------------------------------------------------------------


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
        self.members: dict[int, list[tuple[Doc, Counter[str]]]] = {}
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

    def observe(self, counts: Counter[str]) -> None:
        """Count a document into the document frequencies."""
        self.n_docs += 1
        for term in counts:
            self.df[term] = self.df.get(term, 0) + 1

    def vectorize(self, counts: Counter[str]) -> dict[str, float]:
        """TF-IDF vector of a document under the current document frequencies."""
        return weigh_terms(counts, self.df, self.n_docs)

    def candidates(self, vector: dict[str, float]) -> set[int]:
        """Stories sharing the document's strongest terms (blocking), best first, plus tracked."""
        shared: Counter[int] = Counter()
        for term in query_terms(vector, self.settings):
            weight = vector[term]
            for story_id in self.postings.get(term, ()):
                if story_id in self.stories:  # a story merged away stays in stale postings
                    shared[story_id] += weight
        found = {story_id for story_id, _ in shared.most_common(self.settings.candidates_max)}
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
        return LinkDecision(story_id=story_id, new_story=new_story, score=round(score, 4), reason=reason)

    def revise(self, story_id: int) -> int | None:
        """Split an untracked story whose members form two groups (`find_split`); the new story's id."""
        story = self.stories[story_id]
        members = self.members.get(story_id, [])
        if story.tracked or not split_checkpoint_crossed(len(members) - 1, len(members), self.settings):
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
        target = closest_story(story, (self.stories[i] for i in self.candidates(vector)), self.settings)
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


def add_document(story: StoryState, doc: Doc, vector: dict[str, float], settings: LinkingSettings) -> None:
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


def unit_vector(terms: dict[str, float]) -> dict[str, float]:
    """TERMS scaled to unit length."""
    norm = math.sqrt(sum(w * w for w in terms.values())) or 1.0
    return {t: w / norm for t, w in terms.items()}


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
        id=keep.id, terms=_truncate(terms, settings.story_terms_max),
        doc_count=keep.doc_count + gone.doc_count, last_at=max(times) if times else None,
        titles=(keep.titles + gone.titles)[-TITLES_KEPT:], tracked=keep.tracked,
        keywords=keep.keywords, name=keep.name,
    )


def cluster_documents(docs: Iterable[Doc], settings: LinkingSettings | None = None) -> list[LinkDecision]:
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
        final.append(dataclasses.replace(decision, story_id=story_id, new_story=story_id not in started))
        started.add(story_id)
    return final


def tracked_story_state(story_id: int, name: str, keywords: Sequence[str]) -> StoryState:
    """A tracked story's starting representation: its name and keywords as salient terms."""
    counts: Counter[str] = Counter()
    settings = LinkingSettings()
    for phrase in [name, *keywords]:
        counts.update(extract_terms(phrase, "", settings))
    vector = weigh_terms(counts, lambda t: 0, 1)
    story = StoryState(id=story_id, terms=vector, tracked=True, keywords=tuple(keywords), name=name)
    story.refresh()
    return story


# --- DuckDB-backed stage -----------------------------------------------------------------------


def sync_tracked_stories(
    con: duckdb.DuckDBPyConnection, stories: list[StoryConfig], now: dt.datetime
) -> None:
    """Make every configured story a tracked `stories` row (idempotent by name; keywords update)."""
    with db.transaction(con):
        for config in stories:
            keywords = list(config.keywords)
            rows = db.query(con, "stories_tracked_by_name", [config.name])
            if rows:
                story_id, old_keywords = rows[0][0], list(rows[0][1] or [])
                if old_keywords == keywords:
                    continue
                db.execute(con, "stories_update_keywords", [keywords, story_id])
            else:
                story_id = db.insert_with_id(con, "stories_insert_tracked", "story_ids", [config.name, keywords, now])
            state = tracked_story_state(story_id, config.name, keywords)
            _save_vector(con, state, now, keep_counts=True)


def _save_vector(
    con: duckdb.DuckDBPyConnection, story: StoryState, now: dt.datetime, keep_counts: bool = False
) -> None:
    existing = db.query(con, "stories_vector_by_id", [story.id]) if keep_counts else []
    if existing:
        # Keyword change on a tracked story: keep what its articles taught it, add the new seed.
        terms = dict(zip(existing[0][1], existing[0][2], strict=True))
        for term, weight in story.terms.items():
            terms[term] = max(terms.get(term, 0.0), weight)
        story.terms = terms
        story.doc_count, story.last_at, story.titles = existing[0][0], existing[0][3], list(existing[0][4])
    db.execute(con, "stories_delete_vector", [story.id])
    _insert_vector(con, story, now)


def _insert_vector(con: duckdb.DuckDBPyConnection, story: StoryState, now: dt.datetime) -> None:
    db.execute(
        con,
        "stories_insert_vector",
        [story.id, story.doc_count, story.last_at, list(story.terms), list(story.terms.values()),
         story.titles, now],
    )


BATCH_ARTICLES_MAX = 500
_UNIT, _RECORD = "\x1f", "\x1e"


def _pack(values: Iterable[Any], sep: str = ",") -> str:
    """Join values for a `string_split` parameter: DuckDB binds one string far faster than a list."""
    return sep.join("" if v is None else str(v).replace(_UNIT, " ").replace(_RECORD, " ") for v in values)



def query_terms(vector: dict[str, float], settings: LinkingSettings) -> list[str]:
    """A document's strongest terms: the keys it is looked up by in the inverted index."""
    return sorted(vector, key=vector.__getitem__, reverse=True)[: settings.query_terms_max]


def _load_linker(
    con: duckdb.DuckDBPyConnection,
    settings: LinkingSettings,
    since: dt.datetime,
    counts: Sequence[Counter[str]],
) -> tuple[StoryLinker, list[dict[str, float]]]:
    """A linker holding the candidate stories of documents with COUNTS (blocking in SQL), and their vectors.

    The documents count into the DF in order, each before its vector is taken, as when each is
    linked: the linker's DF and document count are those after the last one.
    """
    df, n_docs = _DF.lookup(con, set().union(*counts) if counts else ())
    counter = StoryLinker(settings, df=df, n_docs=n_docs, keep_members=False)
    vectors: list[dict[str, float]] = []
    lookup_docs: list[int] = []
    lookup_terms: list[str] = []
    lookup_weights: list[float] = []
    for index, doc_counts in enumerate(counts):
        counter.observe(doc_counts)
        vector = counter.vectorize(doc_counts)
        vectors.append(vector)
        for term in query_terms(vector, settings):
            lookup_docs.append(index)
            lookup_terms.append(term)
            lookup_weights.append(round(vector[term], 5))
    linker = StoryLinker(settings, df=counter.df, n_docs=counter.n_docs, keep_members=False)
    if not lookup_terms:
        return linker, vectors  # nothing to look up: every article of the batch is already assigned
    rows = db.query(con, "stories_candidate_vectors", {
        "since": since, "docs": _pack(lookup_docs), "terms": _pack(lookup_terms, _UNIT),
        "weights": _pack(lookup_weights), "per_term": settings.postings_per_term_max,
        "per_doc": settings.candidates_max,
    })
    for story_id, doc_count, last_at, names, weights, titles, tracked, keywords, name, matched in rows:
        # Only the postings the batch can hit are built: the terms the story was found by.
        linker.add_story(
            StoryState(
                id=story_id, terms=dict(zip(names, weights, strict=True)), doc_count=doc_count,
                last_at=last_at, titles=list(titles or []), tracked=bool(tracked),
                keywords=tuple(keywords or ()), name=name,
            ),
            index_terms=matched if not tracked else None,
        )
    return linker, vectors


def link_articles(
    con: duckdb.DuckDBPyConnection, settings: LinkingSettings, now: dt.datetime
) -> LinkReport:
    """Link every article version not yet linked, in publication order, one transaction per batch."""
    pending = db.query(con, "stories_pending_versions")
    report = LinkReport()
    for start in range(0, len(pending), BATCH_ARTICLES_MAX):
        with db.gc_paused():
            gained, linker = _link_batch(con, settings, now, pending[start : start + BATCH_ARTICLES_MAX], report)
            started = time.perf_counter()
            split_off = revise_stories(con, sorted(gained), settings, now, gained)
            report.split_stories.extend(split_off)
            report.revise_seconds += time.perf_counter() - started
            started = time.perf_counter()
            # The batch's linker already holds the candidates; the stories a split changed are reloaded.
            merges = merge_small_stories(con, sorted(gained), settings, now, linker,
                                         changed=sorted(gained) + split_off if split_off else ())
            report.merged_stories.extend(gone for _, gone in merges)
            report.merge_seconds += time.perf_counter() - started
    if report.linked:
        rows, rows_after_last_fold = (int(v) for v in db.query(con, "stories_term_df_rows")[0])
        if rows - rows_after_last_fold > settings.term_df_rows_max:
            # Between maintenance runs too: each batch reads the DF by summing this log.
            compact_term_df(con, settings, now)
            report.term_df_folded = True
    if report.linked or report.already_assigned:
        LOGGER.info(
            "stories: linked %s article(s), %s new stories, %s tracked hits, %s split off",
            report.linked, len(report.new_stories), report.tracked_hits, len(report.split_stories),
        )
    return report


def revise_stories(
    con: duckdb.DuckDBPyConnection,
    story_ids: Sequence[int],
    settings: LinkingSettings,
    now: dt.datetime,
    gained: dict[int, int] | None = None,
) -> list[int]:
    """Split each given untracked story whose members form two groups (`find_split`); the new ids.

    With GAINED (articles each story just gained), only stories whose growth crossed a re-check
    point (`split_checkpoint_crossed`) are read and checked; without it, every given story is.
    The moved groups are written as `split_story` writes one (all of them in one transaction), so
    each split is recorded in `story_links` (reason `split`) and claims are re-attributed as for a
    split from the CLI.
    """
    if not story_ids or not settings.split_cross_within_ratio:
        return []
    if gained is not None:
        sizes = db.query(con, "stories_revisable_sizes", [
            _pack(story_ids), 2 * settings.split_group_articles_min, settings.split_check_articles_max,
        ])
        story_ids = [
            story_id for story_id, size in sizes
            if split_checkpoint_crossed(size - gained.get(story_id, 0), size, settings)
        ]
        if not story_ids:
            return []
    rows = db.query(con, "stories_member_versions", [
        _pack(story_ids), 2 * settings.split_group_articles_min, settings.split_check_articles_max,
    ])
    members: dict[int, list[_Member]] = {}
    for story_id, article_id, title, text, at, version_id in rows:
        members.setdefault(story_id, []).append(
            _Member(article_id, title or "", _TERMS.terms(title or "", text or "", settings), at, version_id)
        )
    if not members:
        return []
    df, n_docs = _DF.lookup(con, set().union(*(m.counts for group in members.values() for m in group)))
    linker = StoryLinker(settings, df=df, n_docs=n_docs, keep_members=False)
    splits: list[_Split] = []
    for story_id, group in members.items():
        vectors = [linker.vectorize(m.counts) for m in group]
        moving = find_split(vectors, settings)
        if moving is not None:
            # The members, their DF and their vectors are at hand: the split reads none of them again.
            moved = set(moving)
            splits.append(_Split(
                story_id, None, [(group[i], vectors[i]) for i in moving],
                [(group[i], vectors[i]) for i in range(len(group)) if i not in moved],
            ))
    if not splits:
        return []
    with db.transaction(con):
        new_ids = _write_splits(con, splits, df, n_docs, now, settings)
    for split, new_id in zip(splits, new_ids, strict=True):
        LOGGER.info("stories: split %s article(s) of story %s into story %s",
                    len(split.leaving), split.story_id, new_id)
    return new_ids


def merge_small_stories(
    con: duckdb.DuckDBPyConnection,
    story_ids: Sequence[int],
    settings: LinkingSettings,
    now: dt.datetime,
    linker: StoryLinker | None = None,
    changed: Sequence[int] = (),
) -> list[tuple[int, int]]:
    """Merge each given small untracked story with its closest story (`closest_story`); (kept, gone) pairs.

    The candidates come from the same blocking as linking: LINKER, the batch's own linker (its
    candidate stories and the stories it created; CHANGED lists stories split since, reloaded), or
    else `stories_candidate_vectors`, looked up by each story's strongest terms. The merge goes
    through `merge_stories` with reason `auto_merge`, so claims are re-attributed as for a merge
    from the CLI and the kept story can still be split later.
    """
    if not story_ids or not settings.merge_small_articles_max:
        return []
    small = [s for s, _ in db.query(con, "stories_revisable_sizes", [
        _pack(story_ids), 1, settings.merge_small_articles_max,
    ])]
    if not small:
        return []
    loaded = {
        i: StoryState(id=i, terms=dict(zip(names, weights, strict=True)), doc_count=count, last_at=last_at,
                      titles=list(titles or []))
        for i, count, last_at, names, weights, titles in db.query(
            con, "stories_vectors_by_ids", [sorted(set(small) | set(changed))]
        )
    }
    states = [loaded[i] for i in small if i in loaded and loaded[i].terms]
    if not states:
        return []
    if linker is None:
        linker = _candidate_linker(con, settings, states)
    for story in loaded.values():
        if story.id in linker.stories:
            story.tracked = linker.stories[story.id].tracked
    for story in loaded.values():
        if story.terms:
            linker.add_story(story)  # (re)indexed: the small stories and those a split changed
    merges: list[tuple[int, int]] = []
    gone_ids: set[int] = set()
    for story in states:
        if story.id in gone_ids:
            continue
        story = linker.stories[story.id]
        target = closest_story(story, (linker.stories[i] for i in linker.candidates(unit_vector(story.terms))),
                               settings)
        if target is None:
            continue
        keep, gone = merge_roles(story, target)
        merge_stories(con, keep.id, gone.id, now, settings, reason="auto_merge")
        del linker.stories[gone.id]
        gone_ids.add(gone.id)
        linker.add_story(merged_state(keep, gone, settings))
        merges.append((keep.id, gone.id))
        LOGGER.info("stories: merged story %s (%s articles) into story %s", gone.id, gone.doc_count, keep.id)
    return merges


def _candidate_linker(
    con: duckdb.DuckDBPyConnection, settings: LinkingSettings, states: Sequence[StoryState]
) -> StoryLinker:
    """A linker holding the candidate stories of STATES, looked up by their strongest terms."""
    lookup_docs, lookup_terms, lookup_weights = [], [], []
    for index, story in enumerate(states):
        vector = unit_vector(story.terms)
        for term in query_terms(vector, settings):
            lookup_docs.append(index)
            lookup_terms.append(term)
            lookup_weights.append(round(vector[term], 5))
    times = [s.last_at for s in states if s.last_at is not None]
    since = min(times) - dt.timedelta(hours=settings.time_window_hours) if times else dt.datetime.min
    linker = StoryLinker(settings, keep_members=False)
    for story_id, doc_count, last_at, names, weights, titles, tracked, keywords, name, matched in db.query(
        con, "stories_candidate_vectors", {
            "since": since, "docs": _pack(lookup_docs), "terms": _pack(lookup_terms, _UNIT),
            "weights": _pack(lookup_weights), "per_term": settings.postings_per_term_max,
            "per_doc": settings.candidates_max,
        }
    ):
        linker.add_story(
            StoryState(id=story_id, terms=dict(zip(names, weights, strict=True)), doc_count=doc_count,
                       last_at=last_at, titles=list(titles or []), tracked=bool(tracked),
                       keywords=tuple(keywords or ()), name=name),
            index_terms=matched if not tracked else None,
        )
    return linker


def _link_batch(
    con: duckdb.DuckDBPyConnection,
    settings: LinkingSettings,
    now: dt.datetime,
    pending: Sequence[tuple[Any, ...]],
    report: LinkReport,
) -> tuple[Counter[int], StoryLinker]:
    """Link one batch in one transaction; return how many articles each story gained, and its linker."""
    docs = []
    for version_id, article_id, title, text, published_at, fetched_at, story_id in pending:
        doc = Doc(id=article_id, title=title or "", text=text or "", published=published_at or fetched_at)
        docs.append((version_id, story_id, doc, _TERMS.terms(doc.title, doc.text, settings)))
    earliest = min(d.published for _, _, d, _ in docs if d.published is not None)
    since = earliest - dt.timedelta(hours=settings.time_window_hours)
    started = time.perf_counter()
    linker, vectors = _load_linker(con, settings, since, [c for _, story, _, c in docs if story is None])
    report.load_seconds += time.perf_counter() - started

    new_ids: list[int] = []
    new_names: list[str] = []
    new_times: list[dt.datetime | None] = []
    links: list[tuple[int, int, float, str]] = []
    touched: dict[int, dt.datetime | None] = {}
    df_delta: Counter[str] = Counter()
    linked_docs = 0
    tracked_hits = 0
    decisions_started = time.perf_counter()
    timings: list[float] = []
    with db.transaction(con):
        for version_id, current_story, doc, counts in docs:
            started = time.perf_counter()
            if current_story is not None:
                touched.setdefault(current_story, doc.published)
                continue
            df_delta.update(counts.keys())
            vector = vectors[linked_docs]  # taken as the document was counted into the DF
            story_id, score, reason = linker.decide(doc, vector)
            if story_id is None:
                story_id = -1 - len(new_ids)  # real ids are drawn in one go before writing
                linker.stories[story_id] = StoryState(id=story_id)
                new_ids.append(story_id)
                new_names.append((doc.title or doc.text[:80]).strip()[:200] or f"article {doc.id}")
                new_times.append(doc.published)
            story = linker.stories[story_id]
            linker.absorb(story, doc, vector)
            links.append((int(doc.id), story_id, round(score, 4), reason))
            touched[story_id] = max(filter(None, [touched.get(story_id), doc.published]), default=None)
            linked_docs += 1
            tracked_hits += reason == "tracked"
            timings.append(time.perf_counter() - started)
        decide_seconds = time.perf_counter() - decisions_started
        write_started = time.perf_counter()
        if new_ids:
            real = [int(r[0]) for r in db.query(con, "stories_next_story_ids", [len(new_ids)])]
            mapping = dict(zip(new_ids, real, strict=True))
            new_ids = real
            links = [(a, mapping.get(s, s), x, r) for a, s, x, r in links]
            touched = {mapping.get(s, s): t for s, t in touched.items()}
            for temp_id, real_id in mapping.items():
                story = linker.stories.pop(temp_id)
                story.id = real_id
                linker.add_story(story)  # indexed under its real id for the merge pass
            db.execute(con, "stories_insert_new_batch", {
                "ids": _pack(new_ids), "names": _pack(new_names, _UNIT), "now": now,
                "times": _pack(new_times),
            })
        if links:
            articles = _pack(a for a, _, _, _ in links)
            stories = [s for _, s, _, _ in links]
            db.execute(con, "stories_clear_current_links_batch", [articles])
            db.execute(con, "stories_insert_links_batch", {
                "articles": articles, "stories": _pack(stories),
                "scores": _pack(x for _, _, x, _ in links), "reasons": _pack(r for _, _, _, r in links),
                "now": now,
            })
            db.execute(con, "stories_set_article_story_batch", {"articles": articles, "stories": _pack(stories)})
            _save_vectors(con, [linker.stories[s] for s in sorted(set(stories))], now)
            db.execute(con, "stories_add_term_df", [_pack(df_delta, _UNIT), _pack(df_delta.values())])
            db.execute(con, "stories_add_corpus_docs", [linked_docs])
            _DF.appended(con, df_delta, linked_docs)
        if touched:
            db.execute(con, "stories_touch_batch",
                       {"stories": _pack(touched), "times": _pack(touched.values())})
        db.execute(con, "stories_mark_versions_linked", {"now": now, "ids": _pack(v for v, _, _, _ in docs)})
        write_seconds = time.perf_counter() - write_started
    report.article_seconds.extend(timings)
    report.decide_seconds += decide_seconds
    report.write_seconds += write_seconds
    report.linked += linked_docs
    report.already_assigned += len(docs) - linked_docs
    report.new_stories.extend(new_ids)
    report.tracked_hits += tracked_hits
    return Counter(story for _, story, _, _ in links), linker


def _save_vectors(con: duckdb.DuckDBPyConnection, stories: Sequence[StoryState], now: dt.datetime) -> None:
    if not stories:
        return
    db.execute(con, "stories_delete_vectors", [_pack(s.id for s in stories)])
    db.execute(con, "stories_insert_vectors_batch", {
        "ids": _pack(s.id for s in stories), "counts": _pack(s.doc_count for s in stories),
        "times": _pack(s.last_at for s in stories),
        # Inner lists are packed (and cleaned) first; the record separator joins them as they are.
        "terms": _RECORD.join(_pack(s.terms, _UNIT) for s in stories),
        "weights": _RECORD.join(_pack(s.terms.values()) for s in stories),
        "titles": _RECORD.join(_pack(s.titles, _UNIT) for s in stories),
        "now": now,
    })


@dataclass
class TermDfCompaction:
    """What `compact_term_df` did to the document-frequency tables."""

    rows_before: int
    rows_after: int
    terms_dropped: int
    min_docs: int  # the floor applied (1: every term kept)


def compact_term_df(
    con: duckdb.DuckDBPyConnection, settings: LinkingSettings, now: dt.datetime
) -> TermDfCompaction:
    """Fold story_term_df to one row per term (and story_corpus to one row); drop rare terms when large.

    Linking appends one row per term per batch, so the table grows with every cycle even when no
    new term appears. Folding keeps every frequency exact; terms below `term_df_min_docs` are
    dropped only once more than `term_df_terms_max` distinct terms are kept. The fold is recorded
    in story_term_df_last_fold.
    """
    with db.transaction(con):
        rows_before, terms = (int(v) for v in db.query(con, "stories_term_df_stats")[0])
        min_docs = settings.term_df_min_docs if terms > settings.term_df_terms_max else 1
        db.execute(con, "stories_term_df_fold", {"min_docs": min_docs})
        db.execute(con, "stories_term_df_clear")
        db.execute(con, "stories_term_df_refill")
        db.execute(con, "stories_term_df_drop_folded")
        rows_after = int(db.query(con, "stories_term_df_stats")[0][0])
        corpus_docs = int(db.query(con, "stories_corpus_docs")[0][0])
        db.execute(con, "stories_corpus_clear")
        db.execute(con, "stories_add_corpus_docs", [corpus_docs])
        db.execute(con, "stories_term_df_clear_fold")
        db.execute(con, "stories_term_df_record_fold", {
            "now": now, "rows_before": rows_before, "rows_after": rows_after,
            "terms_dropped": terms - rows_after, "min_docs": min_docs,
        })
    LOGGER.info("stories: document frequencies folded from %s to %s rows (%s rare terms dropped)",
                rows_before, rows_after, terms - rows_after)
    return TermDfCompaction(rows_before, rows_after, terms - rows_after, min_docs)


# --- merge and split -----------------------------------------------------------------------------


def list_stories(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Every story with its article count, tracked flag and merge target."""
    columns = ["id", "name", "tracked", "articles", "created_at", "last_article_at", "merged_into"]
    return [dict(zip(columns, row, strict=True)) for row in db.query(con, "stories_list")]


def _story_row(con: duckdb.DuckDBPyConnection, story_id: int) -> tuple[Any, ...]:
    rows = db.query(con, "stories_by_id", [story_id])
    if not rows:
        raise StoreError(f"story {story_id} does not exist")
    return rows[0]


def merge_stories(
    con: duckdb.DuckDBPyConnection,
    keep_id: int,
    merge_id: int,
    now: dt.datetime,
    settings: LinkingSettings | None = None,
    reason: str = "merge",
) -> int:
    """Merge story MERGE_ID into KEEP_ID; return how many articles moved.

    REASON goes on the moved articles' links: `merge` (by hand: the story is never split
    automatically afterwards) or `auto_merge` (by `merge_small_stories`).
    """
    if keep_id == merge_id:
        raise StoreError(f"cannot merge story {keep_id} into itself")
    for story_id in (keep_id, merge_id):
        if _story_row(con, story_id)[3] is not None:
            raise StoreError(f"story {story_id} was already merged into story {_story_row(con, story_id)[3]}")
    with db.transaction(con):
        moved = [row[0] for row in db.query(con, "stories_article_ids", [merge_id])]
        if moved:
            articles = _pack(moved)
            db.execute(con, "stories_clear_current_links_batch", [articles])
            db.execute(con, "stories_insert_moved_links_batch",
                       {"articles": articles, "story": keep_id, "reason": reason, "now": now})
        db.execute(con, "stories_move_articles", [keep_id, merge_id])
        # A claim both stories hold (same normalised text) survives once, in KEEP_ID, with the
        # earlier first sighting; mentions and alerts of the duplicate point at the survivor.
        db.execute(con, "stories_merge_claim_first_seen", [keep_id, merge_id])
        db.execute(con, "stories_merge_repoint_mentions", [keep_id, merge_id])
        db.execute(con, "stories_merge_repoint_alerts", [keep_id, merge_id])
        db.execute(con, "stories_merge_drop_duplicate_alerts", [keep_id, merge_id])
        db.execute(con, "stories_merge_drop_duplicate_claims", [keep_id, merge_id])
        db.execute(con, "stories_move_claims", [keep_id, merge_id])
        db.execute(con, "stories_move_mentions", [keep_id, merge_id])
        db.execute(con, "stories_move_alerts", [keep_id, merge_id])
        db.execute(con, "stories_mark_merged", [keep_id, merge_id])
        db.execute(con, "stories_merge_into_keep", [keep_id, merge_id])
        vectors = {row[0]: row for row in db.query(con, "stories_vectors_by_ids", [[keep_id, merge_id]])}
        merged = StoryState(id=keep_id)
        for story_id in (keep_id, merge_id):
            if story_id in vectors:
                _, count, last_at, names, weights, titles = vectors[story_id]
                merged.doc_count += count
                merged.titles = (merged.titles + list(titles or []))[-TITLES_KEPT:]
                if last_at is not None and (merged.last_at is None or last_at > merged.last_at):
                    merged.last_at = last_at
                for term, weight in zip(names, weights, strict=True):
                    merged.terms[term] = merged.terms.get(term, 0.0) + weight
        merged.terms = _truncate(merged.terms, (settings or LinkingSettings()).story_terms_max)
        _save_vector(con, merged, now)
        db.execute(con, "stories_delete_vector", [merge_id])
    return len(moved)


def split_story(
    con: duckdb.DuckDBPyConnection,
    story_id: int,
    article_ids: Sequence[int],
    now: dt.datetime,
    settings: LinkingSettings | None = None,
) -> int:
    """Move articles of a story into a new story; return the new story's id.

    Claims first seen in a moved article move with it. A claim that articles on both sides
    mention is kept on both: the side without its first sighting gets its own copy, first seen at
    that side's earliest mention, and that side's mentions point at the copy.
    """
    settings = settings or LinkingSettings()
    row = _story_row(con, story_id)
    if row[3] is not None:
        raise StoreError(f"story {story_id} was merged; split its target instead")
    members = {row[0] for row in db.query(con, "stories_article_ids", [story_id])}
    moving = sorted(set(article_ids))
    strangers = [a for a in moving if a not in members]
    if strangers:
        raise StoreError(f"articles {strangers} are not in story {story_id}")
    if len(moving) == len(members):
        raise StoreError(f"splitting every article out of story {story_id} would leave it empty")
    with db.transaction(con):
        leaving = [(m, None) for m in _members_of(db.query(con, "stories_latest_versions", [moving]), settings)]
        staying = [(m, None) for m in _members_of(
            db.query(con, "stories_latest_versions", [sorted(members - set(moving))]), settings)]
        df, n_docs = _DF.lookup(con, set().union(*(m.counts for m, _ in leaving + staying)))
        return _write_splits(con, [_Split(story_id, row, leaving, staying)], df, n_docs, now, settings)[0]


@dataclass(frozen=True)
class _Member:
    """An article of a story as a split sees it: its latest version's title, terms and time."""

    article_id: int
    title: str
    counts: Counter[str]
    at: dt.datetime | None
    version_id: int


def _members_of(rows: Sequence[tuple[Any, ...]], settings: LinkingSettings) -> list[_Member]:
    """`stories_latest_versions` rows as members (the version id is not needed: rows come in order)."""
    return [
        _Member(article_id, title or "", _TERMS.terms(title or "", text or "", settings), at, index)
        for index, (article_id, title, text, at) in enumerate(rows)
    ]


@dataclass
class _Split:
    """A split to write: the story, its row (None: untracked), and its members leaving and staying.

    Each member may come with its vector under the DF the split is given.
    """

    story_id: int
    story_row: tuple[Any, ...] | None
    leaving: list[tuple[_Member, dict[str, float] | None]]
    staying: list[tuple[_Member, dict[str, float] | None]]


def _write_splits(
    con: duckdb.DuckDBPyConnection,
    splits: Sequence[_Split],
    df: dict[str, int],
    n_docs: int,
    now: dt.datetime,
    settings: LinkingSettings,
) -> list[int]:
    """Move each split's leaving members to a new story (in the caller's transaction); the new ids.

    DF covers every member's terms. Both stories' vectors are rebuilt from their members, in time
    order, under that DF, as the in-memory clusterer's `StoryLinker.revise` does. Each kind of
    row is written for all splits in one statement: a split touches only its own story's rows.
    """
    def in_order(members: Sequence[tuple[_Member, Any]]) -> list[tuple[_Member, Any]]:
        return sorted(members, key=lambda item: (item[0].at is None, item[0].at or dt.datetime.min,
                                                 item[0].version_id))

    new_ids = sorted(int(row[0]) for row in db.query(con, "stories_next_story_ids", [len(splits)]))
    names: list[str] = []
    moves: list[tuple[int, int]] = []  # (article, new story)
    rebuilt: list[StoryState] = []
    for split, new_id in zip(splits, new_ids, strict=True):
        leaving, staying = in_order(split.leaving), in_order(split.staying)
        names.append(next((m.title for m, _ in leaving if m.title), f"split of story {split.story_id}")[:200])
        moves += [(article_id, new_id) for article_id in sorted(m.article_id for m, _ in leaving)]
        rebuilt.append(_rebuilt_vector(new_id, None, leaving, df, n_docs, settings))
        rebuilt.append(_rebuilt_vector(split.story_id, split.story_row, staying, df, n_docs, settings))
    db.query_rows(con, "stories_insert_split_stories", {"id": new_ids, "name": names}, {"now": now})
    articles, stories = _pack(a for a, _ in moves), _pack(s for _, s in moves)
    db.execute(con, "stories_clear_current_links_batch", [articles])
    db.execute(con, "stories_insert_split_links",
               {"articles": articles, "stories": stories, "reason": "split", "now": now})
    db.execute(con, "stories_move_articles_to", {"articles": articles, "stories": stories})
    _split_claims(con, [
        (split.story_id, new_id, {m.article_id for m, _ in split.leaving})
        for split, new_id in zip(splits, new_ids, strict=True)
    ])
    db.execute(con, "stories_delete_vectors", [_pack(story.id for story in rebuilt)])
    for story in rebuilt:
        _insert_vector(con, story, now)
    db.execute(con, "stories_refresh_last_article_batch",
               {"stories": _pack([*new_ids, *(split.story_id for split in splits)])})
    return new_ids


def _rebuilt_vector(
    story_id: int,
    story_row: tuple[Any, ...] | None,
    members: Sequence[tuple[_Member, dict[str, float] | None]],
    df: dict[str, int],
    n_docs: int,
    settings: LinkingSettings,
) -> StoryState:
    tracked = story_row is not None and bool(story_row[2])
    story = StoryState(id=story_id, tracked=tracked)
    for member, vector in members:
        doc = Doc(id=0, title=member.title, text="", published=member.at)
        # Only the representation is wanted: no linker index is built for a rebuilt story.
        add_document(story, doc, vector if vector is not None else weigh_terms(member.counts, df, n_docs), settings)
    if story_row is not None and tracked:
        seed = tracked_story_state(story_id, story_row[1], list(story_row[4] or []))
        for term, weight in seed.terms.items():
            story.terms[term] = max(story.terms.get(term, 0.0), weight)
    return story


def _claims_of(
    con: duckdb.DuckDBPyConnection, story_ids: Sequence[int]
) -> dict[int, tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]]:
    """Per story: its claim mentions (id, claim, article, version, outlet, time; earliest first) and claims."""
    found: dict[int, tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]] = {}
    stories = _pack(story_ids)
    for story_id, *mention in db.query(con, "stories_claim_mentions_of_stories", {"stories": stories}):
        found.setdefault(story_id, ([], []))[0].append(tuple(mention))
    for claim in db.query(con, "stories_claims_of_stories", {"stories": stories}):
        found.setdefault(claim[1], ([], []))[1].append(claim)
    return found


def _split_claims(con: duckdb.DuckDBPyConnection, splits: Sequence[tuple[int, int, set[int]]]) -> None:
    """Claims, mentions and alerts of each split (old story, new story, articles moving) follow them."""
    found = _claims_of(con, [old_id for old_id, _, _ in splits])
    moved_claims: list[tuple[int, int]] = []  # (claim, new story)
    copies: list[tuple[int, int, list[tuple[Any, ...]]]] = []  # (claim, story of the copy, its mentions)
    repoint: list[tuple[int, int, int]] = []  # (mention, claim, story)
    for old_id, new_id, moving in splits:
        mentions, claim_rows = found.get(old_id, ([], []))
        by_claim: dict[int, list[tuple[Any, ...]]] = {}
        for row in mentions:
            by_claim.setdefault(row[1], []).append(row)
        for claim_id, _, first_article in claim_rows:
            rows = by_claim.get(claim_id, [])
            moved_rows = [r for r in rows if r[2] in moving]
            stay_rows = [r for r in rows if r[2] not in moving]
            if first_article in moving:
                moved_claims.append((claim_id, new_id))
                repoint += [(r[0], claim_id, new_id) for r in moved_rows]
                if stay_rows:
                    copies.append((claim_id, old_id, stay_rows))
            elif moved_rows:
                copies.append((claim_id, new_id, moved_rows))
    if moved_claims:
        # Before the copies: a copy left in the old story would clash with the moving original.
        params = {"claims": _pack(c for c, _ in moved_claims), "stories": _pack(s for _, s in moved_claims)}
        db.execute(con, "stories_set_claims_stories_batch", params)
        db.execute(con, "stories_alerts_follow_claims_stories", params)
    if copies:
        copy_ids = sorted(int(r[0]) for r in db.query(con, "stories_next_claim_ids", {"count": len(copies)}))
        # rows[0] = (mention id, claim id, article id, version id, outlet, mentioned_at), earliest first
        db.query_rows(con, "stories_copy_claims_batch", {
            "id": copy_ids, "story": [story_id for _, story_id, _ in copies],
            "version": [rows[0][3] for _, _, rows in copies], "article": [rows[0][2] for _, _, rows in copies],
            "outlet": [rows[0][4] for _, _, rows in copies], "seen_at": [rows[0][5] for _, _, rows in copies],
            "source": [claim_id for claim_id, _, _ in copies],
        })
        for copy_id, (_, story_id, rows) in zip(copy_ids, copies, strict=True):
            repoint += [(r[0], copy_id, story_id) for r in rows]
    if repoint:
        db.execute(con, "stories_set_mentions_batch", {
            "mentions": _pack(m for m, _, _ in repoint), "claims": _pack(c for _, c, _ in repoint),
            "stories": _pack(s for _, _, s in repoint),
        })
