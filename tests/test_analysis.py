"""Work done in the extraction workers ahead of linking and judging reaches both stages intact."""

from __future__ import annotations

import pickle

from monitor import claims, stories
from monitor.analysis import ArticleAnalysis, analyze_article, remember_analyses
from monitor.articles import ExtractedArticle
from monitor.settings import ClaimSettings, LinkingSettings
from monitor.state import PipelineState

ARTICLE = ExtractedArticle(
    text=(
        "The ministry said 40 people were killed in the flooding in Lagos on Tuesday.\n\n"
        "Rescue teams reached the northern villages by boat, officials said."
    ),
    title="Floods kill 40 in Lagos",
)


def test_an_analysed_article_is_what_each_stage_would_compute_and_survives_pickling() -> None:
    linking, claim_settings = LinkingSettings(), ClaimSettings()

    result = pickle.loads(pickle.dumps(analyze_article(linking, claim_settings, ARTICLE)))

    assert result.terms == stories.extract_terms(ARTICLE.title or "", ARTICLE.text, linking)
    assert result.prepared == claims.prepare_version(ARTICLE.text, ARTICLE.title, claim_settings)
    assert {"e:lagos", "n:40"} <= set(result.terms)


def test_remembered_analyses_are_used_by_linking_and_judging_in_this_process() -> None:
    linking, claim_settings = LinkingSettings(), ClaimSettings()
    result = analyze_article(linking, claim_settings, ARTICLE)

    state, other = PipelineState(), PipelineState()

    remember_analyses([result, None, "not an analysis"], linking, claim_settings, state)

    assert state.stories.terms.terms(result.title, result.text, linking) is result.terms
    assert state.claims.prepared.take(ARTICLE.text, ARTICLE.title, claim_settings) == (
        result.prepared,
        True,
    )
    assert isinstance(result, ArticleAnalysis)
    # Another state holds none of it: the text is prepared again, not taken from the workers.
    assert other.claims.prepared.take(ARTICLE.text, ARTICLE.title, claim_settings) == (
        result.prepared,
        False,
    )
    assert other.stories.terms.items == {}
