"""mkdocs hook: fill docs/configuration.md with tables generated from monitor.settings.Settings."""

from __future__ import annotations

import sys
import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

REPO_ROOT = Path(__file__).resolve().parents[2]
MARKER = "<!-- settings-reference -->"
PAGE = "configuration.md"


def _settings_model() -> type[BaseModel]:
    # The tree being documented, not whichever copy of the package happens to be installed.
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    from monitor.settings import Settings

    return Settings


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Literal:
        return " \\| ".join(f'`"{a}"`' for a in args)
    if origin in (typing.Union, types.UnionType):
        kept = [a for a in args if a is not type(None)]
        return " \\| ".join(_type_name(a) for a in kept) + ", optional"
    if origin is list:
        return f"list of {_type_name(args[0])}"
    names = {str: "string", int: "integer", float: "number", bool: "boolean", Path: "path"}
    return names.get(annotation, getattr(annotation, "__name__", str(annotation)))


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, Path)):
        return f'"{value}"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, int) and abs(value) >= 10_000:
        return f"{value:_}"
    if isinstance(value, float) and value.is_integer():
        return f"{value:.1f}"
    return str(value)


def _default(field: FieldInfo) -> str:
    if field.is_required():
        return "required"
    if field.default_factory is not None:
        return f"`{_toml(field.default_factory())}`"  # type: ignore[call-arg]
    if field.default is None or field.default is PydanticUndefined:
        return "unset"
    return f"`{_toml(field.default)}`"


def _bounds(field: FieldInfo) -> str:
    parts = []
    for item in field.metadata:
        for attr, sign in (("ge", "≥"), ("gt", ">"), ("le", "≤"), ("lt", "<")):
            bound = getattr(item, attr, None)
            if bound is not None:
                parts.append(f"{sign} {bound}")
    return ", ".join(parts)


def _table(model: type[BaseModel]) -> list[str]:
    lines = ["| key | type | default | meaning |", "| --- | --- | --- | --- |"]
    for name, field in model.model_fields.items():
        if field.exclude:
            continue
        kind = _type_name(field.annotation)
        bounds = _bounds(field)
        if bounds:
            kind += f" ({bounds})"
        text = (field.description or "").replace("|", "\\|")
        lines.append(f"| `{name}` | {kind} | {_default(field)} | {text} |")
    return lines


def render_reference() -> str:
    """Markdown for every section and key of the settings model."""
    lines: list[str] = []
    for name, field in _settings_model().model_fields.items():
        if field.exclude:
            continue
        annotation = field.annotation
        if typing.get_origin(annotation) is list:
            model = typing.get_args(annotation)[0]
            heading = f"`[[{name}]]`"
        else:
            model = annotation
            heading = f"`[{name}]`"
        assert isinstance(model, type) and issubclass(model, BaseModel)
        lines += [f"## {heading}", "", field.description or "", ""]
        lines += _table(model) + [""]
    return "\n".join(lines)


def on_page_markdown(markdown: str, page: Any, **_: Any) -> str:
    """Replace the marker on the configuration page with the generated tables."""
    if page.file.src_uri != PAGE:
        return markdown
    if MARKER not in markdown:
        raise ValueError(f"{PAGE} lost its marker {MARKER}")
    return markdown.replace(MARKER, render_reference())
