"""The judge model in use: the shipped coefficients, or a file written by `monitor claims retrain`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from monitor.claims.features import DEFAULT_MODEL, FEATURE_NAMES, ParaphraseModel
from monitor.errors import ConfigError

MODEL_FILE_SUFFIX = ".claims-model.json"


def model_file(database: str | Path, configured: str | None = None) -> Path:
    """Where the retrained model of a database lives: [claims] model_path, else next to the file."""
    return Path(configured) if configured else Path(f"{database}{MODEL_FILE_SUFFIX}")


def load_model(path: Path) -> ParaphraseModel:
    """Read a model file; ConfigError if it is not one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        coefficients = tuple(float(v) for v in data["coefficients"])
        intercept = float(data["intercept"])
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise ConfigError(f"{path}: not a claims judge model file: {e}") from e
    if list(data.get("features", [])) != list(FEATURE_NAMES):
        raise ConfigError(
            f"{path}: fitted on other features than {len(FEATURE_NAMES)} of this version"
        )
    return ParaphraseModel(coefficients, intercept)


def save_model(path: Path, model: ParaphraseModel, about: dict[str, Any]) -> None:
    """Write a model file with what it was fitted on."""
    data = {
        "features": list(FEATURE_NAMES),
        "intercept": model.intercept,
        "coefficients": list(model.coefficients),
        **about,
    }
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def model_for(database: str | Path | None, configured: str | None = None) -> ParaphraseModel:
    """The retrained model for this database when its file exists, else the shipped one."""
    if database is None and configured is None:
        return DEFAULT_MODEL
    path = model_file(database or "", configured)
    return load_model(path) if path.is_file() else DEFAULT_MODEL
