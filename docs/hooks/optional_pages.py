"""mkdocs hook: add pages other branches contribute to the nav once their files exist."""

from __future__ import annotations

from pathlib import Path
from typing import Any

# Integrator: a page listed here appears in its nav section when the file is present; missing
# ones are left out so `mkdocs build --strict` still passes. Move an entry into mkdocs.yml once
# the page has landed for good.
OPTIONAL_PAGES: dict[str, list[str]] = {
    "Stages": ["alerts-format.md", "claims-model.md"],
    "Evaluation": ["claims-eval.md", "model-card.md"],
    "Analyst guide": ["site.md"],
    "Production": ["deadlines.md", "cli.md"],
    "Development": ["sql.md"],
}


def on_config(config: Any) -> Any:
    """Append the optional pages that exist to their nav sections."""
    docs_dir = Path(config["docs_dir"])
    for entry in config["nav"]:
        if not isinstance(entry, dict):
            continue
        for section, pages in entry.items():
            wanted = OPTIONAL_PAGES.get(section, [])
            if isinstance(pages, list):
                pages.extend(name for name in wanted if (docs_dir / name).is_file())
    return config
