"""mkdocs hook: publish bench/results/*.md under results/ and point links at them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

RESULTS_DIR = Path(__file__).resolve().parents[2] / "bench" / "results"
# Source links are written to work on a plain checkout; the site serves the files elsewhere.
DOCS_TO_RESULTS = re.compile(r"\]\(\.\./bench/results/")
RESULTS_TO_DOCS = re.compile(r"\]\(\.\./\.\./docs/")


def on_files(files: Files, config: Any) -> Files:
    """Add each result file as a generated page."""
    for path in sorted(RESULTS_DIR.glob("*.md")):
        files.append(File.generated(config, f"results/{path.name}", abs_src_path=str(path)))
    return files


def on_page_markdown(markdown: str, page: Any, **_: Any) -> str:
    """Rewrite checkout-relative links to site-relative ones."""
    if page.file.src_uri.startswith("results/"):
        return RESULTS_TO_DOCS.sub("](../", markdown)
    return DOCS_TO_RESULTS.sub("](results/", markdown)
