"""What story linking works with: a document, a story's representation, and what a run did."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field

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
    merged_stories: list[int] = field(default_factory=list)  # small stories merged into others
    merge_seconds: float = 0.0  # looking for and doing those merges
    term_df_folded: bool = False  # the DF log grew by over term_df_rows_max rows and was folded


@dataclass
class TermDfCompaction:
    """What `compact_term_df` did to the document-frequency tables."""

    rows_before: int
    rows_after: int
    terms_dropped: int
    min_docs: int  # the floor applied (1: every term kept)
