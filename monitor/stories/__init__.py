"""Story linking: an online clusterer (pure, in memory) and its DuckDB-backed pipeline stage.

Each article becomes a TF-IDF vector over its salient terms and joins the closest story, or
starts a new one; stories that turn out to hold two events are split, and small stories of one
event are merged. One subject per module:

- `model`: the dataclasses (a document, a story's representation, run reports);
- `terms`: an article's salient terms; `vectors`: TF-IDF weighting and the two-group test;
- `linker`: the online clusterer (`monitor cluster`, the eval, each linking batch);
- `caches`: the term and document-frequency caches (`StoryCaches`, passed in by the caller);
- `store`: story vectors and document frequencies in DuckDB;
- `stage`: the pipeline stage (`link_articles`, tracked stories, automatic split and merge);
- `edit`: merge and split, by hand from the CLI or by the stage.
"""

from monitor.stories.caches import (
    DF_CACHE_TERMS,
    TERM_CACHE_ITEMS,
    DfCache,
    StoryCaches,
    TermCache,
    remember_terms,
)
from monitor.stories.edit import list_stories, merge_stories, split_story
from monitor.stories.linker import (
    StoryLinker,
    add_document,
    closest_story,
    cluster_documents,
    keyword_hits,
    merge_roles,
    merged_state,
    tracked_story_state,
)
from monitor.stories.model import (
    TITLES_KEPT,
    Doc,
    LinkDecision,
    LinkReport,
    StoryState,
    TermDfCompaction,
)
from monitor.stories.stage import (
    BATCH_ARTICLES_MAX,
    link_articles,
    merge_small_stories,
    revise_stories,
    sync_tracked_stories,
)
from monitor.stories.store import compact_term_df
from monitor.stories.terms import extract_terms
from monitor.stories.vectors import (
    find_split,
    query_terms,
    similarity_matrix,
    split_checkpoint_crossed,
    unit_vector,
    weigh_terms,
)

__all__ = [
    "BATCH_ARTICLES_MAX",
    "DF_CACHE_TERMS",
    "TERM_CACHE_ITEMS",
    "TITLES_KEPT",
    "DfCache",
    "Doc",
    "LinkDecision",
    "LinkReport",
    "StoryCaches",
    "StoryLinker",
    "StoryState",
    "TermCache",
    "TermDfCompaction",
    "add_document",
    "closest_story",
    "cluster_documents",
    "compact_term_df",
    "extract_terms",
    "find_split",
    "keyword_hits",
    "link_articles",
    "list_stories",
    "merge_roles",
    "merge_small_stories",
    "merge_stories",
    "merged_state",
    "query_terms",
    "remember_terms",
    "revise_stories",
    "similarity_matrix",
    "split_checkpoint_crossed",
    "split_story",
    "sync_tracked_stories",
    "tracked_story_state",
    "unit_vector",
    "weigh_terms",
]
