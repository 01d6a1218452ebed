"""Term vectors: TF-IDF weighting, similarities, and the test for a story that holds two groups."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from monitor.settings import LinkingSettings


def weigh_terms(
    counts: Mapping[str, float], df: Callable[[str], int] | dict[str, int], n_docs: int
) -> dict[str, float]:
    """Unit-length TF-IDF vector with sublinear term frequency (DF as a function or a dict)."""
    # Smoothed IDF, log((1 + n) / (1 + df)) + 1, written inline with the dict read directly: this
    # runs for every member of every re-checked story, and function calls were most of its cost.
    log, top = math.log, 1 + n_docs
    if isinstance(df, dict):
        get = df.get
        vector = {
            term: (1.0 + log(count) if count >= 1 else count)
            * (log(top / (1 + get(term, 0))) + 1.0)
            for term, count in counts.items()
        }
    else:
        vector = {
            term: (1.0 + log(count) if count >= 1 else count) * (log(top / (1 + df(term))) + 1.0)
            for term, count in counts.items()
        }
    norm = math.sqrt(sum(w * w for w in vector.values())) or 1.0
    return {t: w / norm for t, w in vector.items()}


def unit_vector(terms: dict[str, float]) -> dict[str, float]:
    """TERMS scaled to unit length."""
    norm = math.sqrt(sum(w * w for w in terms.values())) or 1.0
    return {t: w / norm for t, w in terms.items()}


def _truncate(terms: dict[str, float], keep: int) -> dict[str, float]:
    if len(terms) <= keep:
        return terms
    return dict(sorted(terms.items(), key=lambda item: item[1], reverse=True)[:keep])


def query_terms(vector: dict[str, float], settings: LinkingSettings) -> list[str]:
    """A document's strongest terms: the keys it is looked up by in the inverted index."""
    return sorted(vector, key=vector.__getitem__, reverse=True)[: settings.query_terms_max]


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
    similarity: np.ndarray = np.einsum("ik,jk->ij", dense, dense)
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
        checkpoint = max(
            checkpoint + 1, math.ceil(checkpoint * (1 + settings.split_recheck_growth_frac) - 1e-9)
        )
    return False
