"""`monitor eval extraction`: score page extraction on trafilatura's own 990-page benchmark.

The metric follows the dataset's SOURCE.md (upstream tests/eval_common.py): whitespace-normalised
substring matching of the `with` / `without` segments, micro-averaged; a crash scores as an empty
extraction. Three rows come out of one run over the same pages:

- trafilatura's defaults as upstream evaluates them (`extract`, tables in, comments and formatting
  out, trafilatura's own byte decoding);
- the pipeline's `extract_article` path (our byte decoding, metadata, boilerplate cleaner);
- the same path with the boilerplate cleaner off, to show what the cleaner alone does.
"""

from __future__ import annotations

import argparse
import gzip
import json
import multiprocessing
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import trafilatura

from monitor.errors import ParseError

EVAL_PROCESSES = 2
ROW_DEFAULTS = "trafilatura_defaults"
ROW_PIPELINE = "pipeline"
ROW_NO_CLEANER = "pipeline_without_cleaner"
ROW_LABELS = {
    ROW_DEFAULTS: f"trafilatura {trafilatura.__version__} defaults (upstream eval)",
    ROW_PIPELINE: "pipeline extract_article",
    ROW_NO_CLEANER: "pipeline, boilerplate cleaner off",
}
_WHITESPACE = re.compile(r"\s+")


@dataclass
class Page:
    """One annotated benchmark page."""

    url: str
    path: Path
    with_segments: list[str]
    without_segments: list[str]


@dataclass
class Counts:
    """Micro-averaged confusion counts of one extractor, with crash count and time spent."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    crashes: int = 0
    seconds: float = 0.0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.tn += other.tn
        self.crashes += other.crashes
        self.seconds += other.seconds

    def scores(self) -> dict[str, float]:
        """Precision, recall, accuracy and F1 (0.0 when a denominator is empty)."""
        total = self.tp + self.fp + self.fn + self.tn
        return {
            "precision": self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0,
            "recall": self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0,
            "accuracy": (self.tp + self.tn) / total if total else 0.0,
            "f1": 2 * self.tp / (2 * self.tp + self.fp + self.fn)
            if self.tp + self.fp + self.fn
            else 0.0,
        }


@dataclass
class PageOutcome:
    """Counts per row for one page, plus how many lines the cleaner dropped there."""

    counts: dict[str, Counts] = field(default_factory=dict)
    lines_removed: int = 0


def normalize(text: str) -> str:
    """Collapse every whitespace run to one space."""
    return _WHITESPACE.sub(" ", text).strip()


def count_page(page: Page, extracted: str | None) -> Counts:
    """TP/FN over the page's `with` segments and FP/TN over its `without` segments."""
    text = normalize(extracted) if extracted else ""
    tp = sum(1 for s in page.with_segments if extracted and normalize(s) in text)
    fp = sum(1 for s in page.without_segments if extracted and normalize(s) in text)
    return Counts(tp, fp, len(page.with_segments) - tp, len(page.without_segments) - fp)


def load_pages(dataset: str | Path, limit: int = 0) -> list[Page]:
    """The benchmark pages in evaldata.json order; HTML from html/cache first, then html/eval."""
    root = Path(dataset)
    index = root / "evaldata.json"
    try:
        data = json.loads(index.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise ParseError(f"{index}: not found (expected trafilatura's evaldata.json)") from e
    except json.JSONDecodeError as e:
        raise ParseError(f"{index}: not valid JSON: {e}") from e
    pages = []
    for url, item in data.items():
        path = _resolve(root, item["file"])
        if path is None:
            raise ParseError(
                f"{root}: no html/cache or html/eval file for {item['file']!r} ({url})"
            )
        pages.append(Page(url, path, list(item["with"]), list(item["without"])))
        if limit and len(pages) >= limit:
            break
    return pages


def _resolve(root: Path, name: str) -> Path | None:
    for folder in ("cache", "eval"):
        for candidate in (root / "html" / folder / f"{name}.gz", root / "html" / folder / name):
            if candidate.is_file():
                return candidate
    return None


def _read(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def score_page(page: Page) -> PageOutcome:
    """Run every row's extractor on one page and count its segments."""
    from monitor.articles import TRAFILATURA_OPTIONS, article_from_document, extract_document
    from monitor.http import decode_html

    body = _read(page.path)
    outcome = PageOutcome()

    started = time.perf_counter()
    try:
        baseline: str | None = trafilatura.extract(body, **TRAFILATURA_OPTIONS)
        crashed = 0
    except Exception:  # noqa: BLE001 - upstream counts a crash as an empty extraction
        baseline, crashed = None, 1
    counts = count_page(page, baseline)
    counts.crashes, counts.seconds = crashed, time.perf_counter() - started
    outcome.counts[ROW_DEFAULTS] = counts

    # The pipeline row is extract_article(body, url) step by step, so the cleaner-off row can
    # reuse the same trafilatura document instead of extracting the page a third time.
    started = time.perf_counter()
    try:
        html = decode_html(body, {})
        document = extract_document(html, page.url)
        cleaned = article_from_document(document, html)
        raw = article_from_document(document, html, clean=False)
        crashed = 0
    except Exception:  # noqa: BLE001
        cleaned = raw = None
        crashed = 1
    elapsed = time.perf_counter() - started
    counts = count_page(page, cleaned.text if cleaned else None)
    counts.crashes, counts.seconds = crashed, elapsed
    outcome.counts[ROW_PIPELINE] = counts
    counts = count_page(page, raw.text if raw else None)
    counts.crashes = crashed
    outcome.counts[ROW_NO_CLEANER] = counts
    if raw is not None:
        outcome.lines_removed = len(raw.text.split("\n\n")) - (
            len(cleaned.text.split("\n\n")) if cleaned else 0
        )
    return outcome


def run(pages: list[Page], processes: int = EVAL_PROCESSES) -> dict[str, Any]:
    """Score all pages (in worker processes when there are enough pages) and total the rows."""
    started = time.perf_counter()
    if processes > 1 and len(pages) > 10:
        context = multiprocessing.get_context("spawn" if sys.platform == "darwin" else "fork")
        with context.Pool(processes) as pool:
            outcomes = pool.map(score_page, pages, chunksize=4)
    else:
        outcomes = [score_page(page) for page in pages]
    totals = {row: Counts() for row in ROW_LABELS}
    lines_removed = pages_touched = 0
    for outcome in outcomes:
        for row, counts in outcome.counts.items():
            totals[row].add(counts)
        lines_removed += outcome.lines_removed
        pages_touched += 1 if outcome.lines_removed else 0
    rows: list[dict[str, Any]] = []
    for row, counts in totals.items():
        rows.append(
            {
                "name": row,
                "label": ROW_LABELS[row],
                "tp": counts.tp,
                "fp": counts.fp,
                "fn": counts.fn,
                "tn": counts.tn,
                **{k: round(v, 4) for k, v in counts.scores().items()},
                "crashes": counts.crashes,
                "seconds": round(counts.seconds, 1),
            }
        )
    by_name = {r["name"]: r for r in rows}
    delta = {
        metric: round(by_name[ROW_PIPELINE][metric] - by_name[ROW_DEFAULTS][metric], 4)
        for metric in ("precision", "recall", "accuracy", "f1")
    }
    return {
        "pages": len(pages),
        "with_segments": sum(len(p.with_segments) for p in pages),
        "without_segments": sum(len(p.without_segments) for p in pages),
        "rows": rows,
        "delta_pipeline_minus_defaults": delta,
        "cleaner": {"lines_removed": lines_removed, "pages_touched": pages_touched},
        "wall_seconds": round(time.perf_counter() - started, 1),
        "pipeline_not_below_defaults": by_name[ROW_PIPELINE]["f1"] >= by_name[ROW_DEFAULTS]["f1"],
    }


def format_table(result: dict[str, Any], dataset: str) -> str:
    """The human-readable report."""
    lines = [
        (
            f"extraction benchmark: {result['pages']} pages ({result['with_segments']} with / "
            f"{result['without_segments']} without segments) from {dataset}"
        ),
        (
            f"{'extractor':<46}{'precision':>10}{'recall':>8}{'accuracy':>10}{'f1':>8}"
            f"{'crashes':>9}{'page s':>8}"
        ),
    ]
    for row in result["rows"]:
        lines.append(
            f"{row['label']:<46}{row['precision']:>10.4f}{row['recall']:>8.4f}"
            f"{row['accuracy']:>10.4f}{row['f1']:>8.4f}{row['crashes']:>9}{row['seconds']:>8.1f}"
        )
    delta = result["delta_pipeline_minus_defaults"]
    lines.append(
        "delta pipeline - defaults: "
        + ", ".join(f"{metric} {value:+.4f}" for metric, value in delta.items())
    )
    cleaner = result["cleaner"]
    lines.append(
        f"boilerplate cleaner removed {cleaner['lines_removed']} lines on "
        f"{cleaner['pages_touched']} pages; wall time {result['wall_seconds']} s"
    )
    if not result["pipeline_not_below_defaults"]:
        lines.append("FAIL: the pipeline's F1 is below trafilatura's defaults")
    return "\n".join(lines)


def main(args: argparse.Namespace) -> int:
    """Entry point of `monitor eval extraction`; exit 1 when the pipeline scores below defaults."""
    pages = load_pages(args.dataset, args.limit)
    if not pages:
        raise ParseError(f"{args.dataset}: no benchmark pages found")
    result = run(pages)
    if args.format == "json":
        json.dump(result, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print(format_table(result, args.dataset))
    return 0 if result["pipeline_not_below_defaults"] else 1
