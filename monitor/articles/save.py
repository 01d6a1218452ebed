"""Saving a batch: articles keyed on canonical URL, versions on text hash, failures with a retry."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging

import duckdb

from monitor import db
from monitor.articles.dates import choose_published
from monitor.articles.extract import content_hash
from monitor.articles.model import ArticleReport, PageResult
from monitor.articles.outlets import outlet_host, outlet_name
from monitor.errors import HTTPStatusError, MonitorError, StoreError
from monitor.settings import FetchSettings

LOGGER = logging.getLogger(__name__)


# A failed page is retried after 10, 20, 40, ... minutes, never later than a day.
PAGE_RETRY_BASE_MINUTES = 10.0
PAGE_RETRY_MAX_MINUTES = 24 * 60.0
MAX_ERROR_CHARS = 500


def save_articles(
    con: duckdb.DuckDBPyConnection,
    results: list[PageResult],
    settings: FetchSettings,
    now: dt.datetime,
) -> ArticleReport:
    """Store a batch's articles and versions, marking their entries in the same transaction.

    The batch is written with a handful of statements; if that fails, each page is written on its
    own, so one bad row is recorded on its entry and the rest are stored.
    """
    report = ArticleReport()
    extracted = [result for result in results if result.article is not None]
    try:
        with db.transaction(con):
            _save_article_batch(con, extracted, now, report)
    except (StoreError, duckdb.Error) as e:
        LOGGER.warning(
            "storing %d articles at once failed (%s); storing them one by one", len(extracted), e
        )
        report = ArticleReport()
        for result in extracted:
            one = ArticleReport()
            try:
                with db.transaction(con):
                    _save_article_batch(con, [result], now, one)
                report.merge(one)
            except (StoreError, duckdb.Error) as one_error:
                report.failed += 1
                error = StoreError(
                    f"storing article {result.url} (entry {result.entry.entry_id}) failed: {one_error}"
                )
                _record_failure(
                    con, dataclasses.replace(result, article=None, error=error), settings, now
                )
    for result in results:
        if result.article is not None:
            continue
        if result.skip_reason is not None:
            report.fetched += 1
            report.skipped += 1
            db.execute(
                con,
                "articles_entries_mark_skipped",
                [_truncate(result.skip_reason), now, result.entry.entry_id],
            )
        else:
            report.failed += 1
            _record_failure(con, result, settings, now)
    LOGGER.info(
        "articles saved: %s", {k: v for k, v in report.as_dict().items() if k != "new_version_ids"}
    )
    return report


def _save_article_batch(
    con: duckdb.DuckDBPyConnection,
    results: list[PageResult],
    now: dt.datetime,
    report: ArticleReport,
) -> None:
    """Write the articles and versions of RESULTS (inside the caller's transaction)."""
    if not results:
        return
    urls = list(dict.fromkeys(result.url for result in results))
    article_ids = {
        url: int(article_id)
        for url, article_id in db.query(con, "articles_ids_by_url", {"urls": urls})
    }
    known_hashes: set[tuple[int, str]] = set()
    last_version: dict[int, int] = {}
    if article_ids:
        for article_id, digest, version in db.query(
            con, "articles_versions_of", {"article_ids": list(article_ids.values())}
        ):
            known_hashes.add((int(article_id), digest))
            last_version[int(article_id)] = max(last_version.get(int(article_id), 0), int(version))
    new_urls = [url for url in urls if url not in article_ids]
    repeated = _repeated_title_suffixes(results)
    new_outlets = {}
    for result in results:
        if result.url in article_ids or result.url in new_outlets:
            continue
        new_outlets[result.url] = outlet_name(
            result.article,
            result.url,
            result.entry.feed_title,
            repeated.get(outlet_host(result.url), frozenset()),
        )
    if new_urls:
        ids = _reserve(con, "articles_reserve_ids", len(new_urls))
        article_ids.update(zip(new_urls, ids, strict=True))
        db.execute(
            con,
            "articles_insert_batch",
            {
                "ids": ids,
                "urls": new_urls,
                "outlets": [new_outlets[url] for url in new_urls],
                "now": now,
            },
        )
    versions: list[tuple[int, int, str, PageResult]] = []
    for result in results:
        article = result.article
        assert article is not None
        report.fetched += 1
        article_id = article_ids[result.url]
        digest = content_hash(article.text)
        if (article_id, digest) in known_hashes:
            report.unchanged += 1
            continue
        known_hashes.add((article_id, digest))
        version = last_version[article_id] = last_version.get(article_id, 0) + 1
        versions.append((article_id, version, digest, result))
    if versions:
        version_ids = _reserve(con, "articles_reserve_version_ids", len(versions))
        published = [choose_published(v[3].entry.published_at, v[3].article) for v in versions]
        db.execute(
            con,
            "articles_insert_version_batch",
            {
                "ids": version_ids,
                "article_ids": [v[0] for v in versions],
                "versions": [v[1] for v in versions],
                "hashes": [v[2] for v in versions],
                "titles": [v[3].article.title or v[3].entry.title for v in versions],  # type: ignore[union-attr]
                "authors": [v[3].article.author for v in versions],  # type: ignore[union-attr]
                "published": [chosen[0] for chosen in published],
                "published_sources": [chosen[1] for chosen in published],
                "site_names": [v[3].article.site_name for v in versions],  # type: ignore[union-attr]
                "texts": [v[3].article.text for v in versions],  # type: ignore[union-attr]
                "raw_html": [v[3].raw_html for v in versions],
                "now": now,
            },
        )
        for version_id, (article_id, version, _digest, result) in zip(
            version_ids, versions, strict=True
        ):
            report.new_version_ids.append(version_id)
            if version == 1:
                report.stored_new_articles += 1
            else:
                report.new_versions += 1
            LOGGER.info(
                "entry %s: stored %s as article %s version %s",
                result.entry.entry_id,
                result.url,
                article_id,
                version,
            )
    db.execute(
        con,
        "articles_entries_mark_stored_batch",
        {
            "entry_ids": [result.entry.entry_id for result in results],
            "article_ids": [article_ids[result.url] for result in results],
            "now": now,
        },
    )


def _repeated_title_suffixes(results: list[PageResult]) -> dict[str, frozenset[str]]:
    """Per host, the <title> suffixes that two or more different pages of the batch share."""
    titles: dict[tuple[str, str], set[str]] = {}
    for result in results:
        article = result.article
        if article is not None and article.title_suffix:
            titles.setdefault((outlet_host(result.url), article.title_suffix), set()).add(
                result.url
            )
    repeated: dict[str, set[str]] = {}
    for (host, suffix), urls in titles.items():
        if len(urls) >= 2:
            repeated.setdefault(host, set()).add(suffix)
    return {host: frozenset(suffixes) for host, suffixes in repeated.items()}


def _reserve(con: duckdb.DuckDBPyConnection, statement: str, count: int) -> list[int]:
    return [int(row[0]) for row in db.query(con, statement, {"count": count})]


def _record_failure(
    con: duckdb.DuckDBPyConnection, result: PageResult, settings: FetchSettings, now: dt.datetime
) -> None:
    entry = result.entry
    attempts = entry.attempts + 1
    message = describe_error(result.error, entry.url)
    if result.retryable and attempts < settings.max_page_attempts:
        next_attempt_at: dt.datetime | None = now + page_retry_delay(attempts, result.error)
    else:
        next_attempt_at = None  # parked: a later attempt cannot help or the budget is spent
        message = f"{message} (gave up after {attempts} attempt{'s' if attempts > 1 else ''})"
    LOGGER.warning("entry %s: %s", entry.entry_id, message)
    db.execute(
        con,
        "articles_entries_mark_failed",
        [attempts, _truncate(message), next_attempt_at, entry.entry_id],
    )


def page_retry_delay(attempts: int, error: MonitorError | None = None) -> dt.timedelta:
    """Exponential backoff after the Nth failed attempt, at least the server's Retry-After."""
    minutes = min(PAGE_RETRY_BASE_MINUTES * 2 ** (attempts - 1), PAGE_RETRY_MAX_MINUTES)
    if isinstance(error, HTTPStatusError) and error.retry_after_s:
        minutes = min(max(minutes, error.retry_after_s / 60), PAGE_RETRY_MAX_MINUTES)
    return dt.timedelta(minutes=minutes)


def describe_error(error: MonitorError | None, url: str) -> str:
    """An error message that names the URL once."""
    text = str(error) if error is not None else "unknown error"
    return text if url in text else f"{url}: {text}"


def _truncate(text: str) -> str:
    return text if len(text) <= MAX_ERROR_CHARS else text[: MAX_ERROR_CHARS - 1] + "…"
