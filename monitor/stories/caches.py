"""The caches of story linking: terms of recent article texts, and document frequencies.

Both are read and fed by linking, the split re-check, `split_story` and the extraction workers'
results. They live in one `StoryCaches` that the caller passes in (the cycle keeps one in
`monitor.state.PipelineState`); nothing here is module-level state.
"""

from __future__ import annotations

from collections import Counter, OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import duckdb

from monitor import db
from monitor.settings import LinkingSettings
from monitor.stories.store import _UNIT, _pack
from monitor.stories.terms import extract_terms


class TermCache:
    """Terms of recently seen article texts, most recently used kept."""

    # The split re-check reads every member of a touched story again after each batch; extracting
    # their terms again was most of its cost (5 of 9 s in a 1,000-article cycle).

    def __init__(self, max_items: int) -> None:
        self.max_items = max_items
        self.settings: LinkingSettings | None = None
        self.items: OrderedDict[tuple[str, str], dict[str, float]] = OrderedDict()

    def terms(self, title: str, text: str, settings: LinkingSettings) -> dict[str, float]:
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

    def remember(
        self, items: Iterable[tuple[str, str, dict[str, float]]], settings: LinkingSettings
    ) -> None:
        """Keep terms extracted elsewhere with SETTINGS, by (title, text)."""
        if settings != self.settings:
            self.items.clear()
            self.settings = settings
        for title, text, counts in items:
            self.items[(title, text)] = counts
            if len(self.items) > self.max_items:
                self.items.popitem(last=False)

    def clear(self) -> None:
        """Forget every text's terms."""
        self.items.clear()
        self.settings = None


# Article texts whose terms are kept (a few kB each).
TERM_CACHE_ITEMS = 20_000


class DfCache:
    """Document frequencies read in this process, kept while the DF tables are as it last saw them."""

    # Each batch looked up the DF of its terms, and each split re-check that of its members' terms,
    # by summing the DF log: a third of the stage's database time in a 1,000-article cycle. Only
    # linking appends to the log and only a fold rewrites it, so a state (`stories_term_df_state`)
    # equal to the one this process read or wrote proves the kept values current.

    def __init__(self, max_terms: int) -> None:
        self.max_terms = max_terms
        self.state: tuple[Any, ...] | None = None
        self.df: dict[str, int] = {}  # every term looked up, 0 when the log has no row for it

    def lookup(
        self, con: duckdb.DuckDBPyConnection, terms: Iterable[str]
    ) -> tuple[dict[str, int], int]:
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
        expected = (
            *before[:2],
            before[2] + len(delta),
            before[3] + sum(delta.values()),
            before[4] + docs,
        )
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

    def clear(self) -> None:
        """Forget every kept DF and the log state they were read at."""
        self.df.clear()
        self.state = None


# Terms whose DF is kept (a forgotten term is read again when needed).
DF_CACHE_TERMS = 200_000


@dataclass
class StoryCaches:
    """Story linking's state between calls: terms of recent texts, and the DF read so far."""

    terms: TermCache = field(default_factory=lambda: TermCache(TERM_CACHE_ITEMS))
    df: DfCache = field(default_factory=lambda: DfCache(DF_CACHE_TERMS))

    def clear(self) -> None:
        """Empty both caches."""
        self.terms.clear()
        self.df.clear()


def remember_terms(
    caches: StoryCaches,
    items: Iterable[tuple[str, str, dict[str, float]]],
    settings: LinkingSettings,
) -> None:
    """Keep (title, text, terms) that extraction workers computed in CACHES, for linking."""
    caches.terms.remember(items, settings)
