"""The README is a front page and the docs site builds strict, offline, from this tree."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import pytest
from pydantic import BaseModel

from monitor.settings import AlertSettings, ClaimSettings, Settings, parse_settings

REPO_ROOT = Path(__file__).resolve().parent.parent
README = REPO_ROOT / "README.md"
README_MAX_LINES = 200
MARKDOWN_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
STAGE_PAGES = ["feeds", "articles", "stories", "claims", "alerts"]


def _toml_block(path: Path, section: str) -> str:
    text = path.read_text(encoding="utf-8")
    block = re.search(rf"```toml\n(\[{re.escape(section)}\]\n.*?)```", text, re.DOTALL)
    assert block is not None, f"{path.name} has no ```toml block starting with [{section}]"
    return block.group(1)


def _config_reference() -> ModuleType:
    path = REPO_ROOT / "docs" / "hooks" / "config_reference.py"
    spec = importlib.util.spec_from_file_location("config_reference_hook", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _models(model: type[BaseModel]) -> list[type[BaseModel]]:
    found = [model]
    for field in model.model_fields.values():
        inner = field.annotation
        args = getattr(inner, "__args__", ())
        for candidate in (inner, *args):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                found += _models(candidate)
    return found


def test_readme_is_a_front_page() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= README_MAX_LINES, f"README has {len(lines)} lines"


def test_every_relative_link_in_the_readme_resolves() -> None:
    targets = MARKDOWN_LINK.findall(README.read_text(encoding="utf-8"))
    relative = [t.split("#")[0] for t in targets if not re.match(r"[a-z]+:|#", t)]
    assert any(t.startswith("docs/") for t in relative), "README links into docs/"
    assert [t for t in relative if not (REPO_ROOT / t).exists()] == []
    for page in STAGE_PAGES:
        assert f"docs/{page}.md" in relative, f"README links to the {page} page"


def test_readme_config_sketch_is_a_valid_config() -> None:
    block = _toml_block(README, "database")
    settings = parse_settings(tomllib.loads(block), "README.md")
    assert settings.feeds and settings.stories and settings.channels


def test_every_setting_has_a_description() -> None:
    missing = [
        f"{model.__name__}.{name}"
        for model in _models(Settings)
        for name, field in model.model_fields.items()
        if not (field.description or "").strip()
    ]
    assert missing == []


def test_configuration_reference_lists_every_key_with_its_description() -> None:
    reference = _config_reference().render_reference()
    for model in _models(Settings):
        for name, field in model.model_fields.items():
            if field.exclude:
                continue
            keys = (f"`{name}`", f"`[{name}]`", f"`[[{name}]]`")
            assert any(key in reference for key in keys), name
            assert (field.description or "").replace("|", "\\|") in reference, name
    assert "| `seen_threshold_pct` | number (≥ 0, ≤ 100) | `50.0` |" in reference


def test_claims_tuning_block_shows_the_defaults() -> None:
    documented = tomllib.loads(_toml_block(REPO_ROOT / "docs" / "claims.md", "claims"))
    assert documented["claims"] == ClaimSettings().model_dump()


def test_alerts_example_block_is_valid() -> None:
    documented = tomllib.loads(_toml_block(REPO_ROOT / "docs" / "alerts.md", "alerts"))
    AlertSettings.model_validate(documented["alerts"])


def test_docs_build_strict_offline(tmp_path: Path) -> None:
    for package in ("mkdocs", "material"):
        if importlib.util.find_spec(package) is None:
            pytest.skip(f"{package} is not installed: pip install -e '.[docs]'")
    site = tmp_path / "site"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO_ROOT), os.environ.get("PYTHONPATH", "")]),
        "NO_MKDOCS_2_WARNING": "1",
    }
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)]
    result = subprocess.run(
        command, check=False, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=240
    )
    assert result.returncode == 0, result.stderr[-4000:]
    pages = {p.parent.relative_to(site).as_posix() for p in site.rglob("index.html")}
    expected = {"configuration", "getting-started", "analyst", "production", "evaluation"}
    assert expected | set(STAGE_PAGES) | {"results/cycle"} <= pages
    reference = (site / "configuration" / "index.html").read_text(encoding="utf-8")
    assert "settings-reference" not in reference
    assert "seen_threshold_pct" in reference and "page_batch_size" in reference
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "monitor.claims" in home, "the stage map is included from the README"
