"""Claim novelty: split articles into sentences and judge each as new, seen, changed or skipped.

One subject per module, each importing only those above it:
normalize, entities, figures, negation, segment -> prepare -> features, actors -> change -> ledger
-> cache (the process-lifetime caches) -> stage (the pipeline stage).
"""

from monitor.claims.actors import actor_difference
from monitor.claims.cache import (
    LEDGER_CACHE_CLAIMS_MAX,
    PREPARED_VERSIONS_MAX,
    ClaimCaches,
    LedgerCache,
    PreparedVersions,
    load_ledger,
    remember_prepared_versions,
)
from monitor.claims.change import adds_negated_clause, adds_number, change_kind, figure_change
from monitor.claims.features import (
    DEFAULT_MODEL,
    FEATURE_NAMES,
    PARAPHRASE_COEFFICIENTS,
    PARAPHRASE_INTERCEPT,
    ParaphraseModel,
    pair_features,
)
from monitor.claims.figures import Figure, figures, same_figure
from monitor.claims.ledger import (
    ClaimResult,
    Ledger,
    Match,
    Verdict,
    content_of_normalized,
    diff_claims,
)
from monitor.claims.negation import negations
from monitor.claims.normalize import (
    ASSERT_VERBS,
    DENY_VERBS,
    NEGATIONS,
    STOPWORDS,
    content_stem,
    fold_accents,
    normalize,
    stem,
)
from monitor.claims.prepare import (
    Prepared,
    PreparedVersion,
    prepare,
    prepare_version,
    version_segments,
)
from monitor.claims.segment import Segment, clauses, fix_glued_text, segment
from monitor.claims.stage import (
    CLAIM_ID_BLOCK,
    CLAIM_ID_BLOCK_MAX,
    PENDING_BATCH_SIZE,
    ClaimReport,
    detect_claims,
)

__all__ = [
    "ASSERT_VERBS",
    "CLAIM_ID_BLOCK",
    "CLAIM_ID_BLOCK_MAX",
    "DEFAULT_MODEL",
    "DENY_VERBS",
    "FEATURE_NAMES",
    "LEDGER_CACHE_CLAIMS_MAX",
    "NEGATIONS",
    "PARAPHRASE_COEFFICIENTS",
    "PARAPHRASE_INTERCEPT",
    "PENDING_BATCH_SIZE",
    "PREPARED_VERSIONS_MAX",
    "STOPWORDS",
    "ClaimCaches",
    "ClaimReport",
    "ClaimResult",
    "Figure",
    "Ledger",
    "LedgerCache",
    "Match",
    "ParaphraseModel",
    "Prepared",
    "PreparedVersion",
    "PreparedVersions",
    "Segment",
    "Verdict",
    "actor_difference",
    "adds_negated_clause",
    "adds_number",
    "change_kind",
    "clauses",
    "content_of_normalized",
    "content_stem",
    "detect_claims",
    "diff_claims",
    "figure_change",
    "figures",
    "fix_glued_text",
    "fold_accents",
    "load_ledger",
    "negations",
    "normalize",
    "pair_features",
    "prepare",
    "prepare_version",
    "remember_prepared_versions",
    "same_figure",
    "segment",
    "stem",
    "version_segments",
]
