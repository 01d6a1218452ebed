"""Per-article work the extraction workers do ahead of story linking and claim judging.

Extracting story terms and segmenting and preparing claim sentences is pure and per article, but
it was a third of the flow process's CPU in a cold cycle. The extraction workers sit idle once a
batch is extracted, so they do it right after trafilatura and send the results back with the page.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from monitor import claims, stories
from monitor.articles import ExtractedArticle
from monitor.settings import ClaimSettings, LinkingSettings

if TYPE_CHECKING:
    from monitor.state import PipelineState


@dataclass(frozen=True)
class ArticleAnalysis:
    """One article's story terms and prepared claim sentences, keyed by its title and text."""

    terms: dict[str, float]
    prepared: claims.PreparedVersion

    @property
    def title(self) -> str:
        return self.prepared.title or ""

    @property
    def text(self) -> str:
        return self.prepared.text


def analyze_article(
    linking: LinkingSettings, claim_settings: ClaimSettings, article: ExtractedArticle
) -> ArticleAnalysis:
    """Story terms and prepared claim sentences of one extracted article (pure)."""
    return ArticleAnalysis(
        terms=stories.extract_terms(article.title or "", article.text, linking),
        prepared=claims.prepare_version(article.text, article.title, claim_settings),
    )


def remember_analyses(
    analyses: Iterable[Any],
    linking: LinkingSettings,
    claim_settings: ClaimSettings,
    state: PipelineState,
) -> None:
    """Hand the workers' results to the linking and judging caches of STATE."""
    done = [a for a in analyses if isinstance(a, ArticleAnalysis)]
    stories.remember_terms(state.stories, ((a.title, a.text, a.terms) for a in done), linking)
    claims.remember_prepared_versions(state.claims, (a.prepared for a in done), claim_settings)
