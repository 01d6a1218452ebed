"""The claims stage with `[claims] model`: a real DuckDB file and, when the [model] extra is
installed, the real encoder (vectors stored with the claims, semantic candidates, the backfill)."""

from __future__ import annotations

import contextlib
import datetime as dt
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pytest
from test_claims_pipeline import EARLIER, LATER, T0, _article, _mentions, _story, _version

from monitor import db
from monitor.claims import ClaimCaches, Ledger, detect_claims, model_pass, prepare, segment
from monitor.claims.embed import MODEL_MINILM_INT8, MODELS, extra_missing, load_encoder, normalise
from monitor.claims.embed_store import StoryMatrix, embed_missing, nearest_in_memory, story_vectors
from monitor.claims.semantic import BandJudge
from monitor.errors import ConfigError, StoreError
from monitor.evals.claims_model import document_texts, judge_in_document
from monitor.settings import MODEL_PACKAGES, ClaimSettings, parse_settings

MISSING = extra_missing(MODEL_MINILM_INT8)
needs_model = pytest.mark.skipif(
    MISSING is not None, reason=f"the [model] extra is not installed here: {MISSING}"
)
BUDGET = "The city council approved a new budget of 4.2 billion dollars on Tuesday."
# No content word in common with BUDGET, so the lexical blocking never compares them; the model
# puts them at a cosine of 0.49.
BUDGET_IN_OTHER_WORDS = "Councillors voted through the annual spending blueprint."
UNRELATED = [
    "Flooding closed the river road for three days.",
    "Police arrested two men after a robbery at the harbour.",
]


@pytest.fixture(scope="module")
def caches() -> ClaimCaches:
    """One set of caches for the module, so the encoder is loaded once (as a cycle process does)."""
    if MISSING is not None:
        pytest.skip(f"the [model] extra is not installed here: {MISSING}")
    return ClaimCaches()


def _on() -> ClaimSettings:
    return ClaimSettings(model=MODEL_MINILM_INT8)


def _vector_counts(con: duckdb.DuckDBPyConnection) -> tuple[int, int, int]:
    """Claims, vector rows, and claims without a vector."""
    rows = db.query(con, "claims_model_test_vector_counts", {"model": MODEL_MINILM_INT8})
    return int(rows[0][0]), int(rows[0][1]), int(rows[0][2])


def _statuses(con: duckdb.DuckDBPyConnection, story: int) -> list[tuple[Any, ...]]:
    return [(m["version_id"], m["sentence_index"], m["status"]) for m in _mentions(con, story)]


def test_unknown_model_or_missing_extra_is_a_config_error_at_start_up() -> None:
    with pytest.raises(ConfigError, match=r"\[claims\] model: input should be 'none' or"):
        parse_settings({"claims": {"model": "bert"}})
    assert extra_missing("none") is None
    assert "one of: none, minilm-int8" in (extra_missing("bert") or "")
    # The start-up check looks for the packages the encoder loads its files from.
    for name, spec in MODELS.items():
        assert {spec.onnx_package, spec.tokenizer_package} <= set(MODEL_PACKAGES[name])
    assert set(MODEL_PACKAGES) == set(MODELS)


def test_model_none_imports_no_onnxruntime_and_stores_no_vectors(tmp_path: Path) -> None:
    # A fresh interpreter: another test of this session may have loaded the model already.
    script = textwrap.dedent(
        f"""
        import sys, datetime as dt
        from monitor import cli, db
        from monitor.claims import detect_claims
        from monitor.settings import ClaimSettings
        with db.open_db({str(tmp_path / "none.duckdb")!r}) as con:
            detect_claims(con, ClaimSettings(), dt.datetime(2026, 1, 1))
            rows = con.execute("SELECT count(*) FROM claim_embeddings").fetchone()[0]
        print(rows, "onnxruntime" in sys.modules, "tokenizers" in sys.modules)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.split() == ["0", "False", "False"]


def test_model_none_stores_no_vectors_and_judges_as_the_model_with_the_shipped_combiner(
    con: duckdb.DuckDBPyConnection, caches: ClaimCaches, tmp_path: Path
) -> None:
    story = _story(con)
    _version(con, _article(con, story, "https://a.example/1", "A"), EARLIER, hours=1)
    _version(con, _article(con, story, "https://b.example/1", "B"), LATER, hours=2)
    off = detect_claims(con, ClaimSettings(), T0)
    assert _vector_counts(con)[1] == 0

    with db.open_db(tmp_path / "on.duckdb") as other:
        story_on = _story(other)
        _version(other, _article(other, story_on, "https://a.example/1", "A"), EARLIER, hours=1)
        _version(other, _article(other, story_on, "https://b.example/1", "B"), LATER, hours=2)
        on = detect_claims(other, _on(), T0, caches)
        # The shipped combiner is the identity: the model changes no verdict, only finds more.
        assert _statuses(other, story_on) == _statuses(con, story)
        assert (on.new, on.seen, on.changed) == (off.new, off.seen, off.changed)
        claims_n, vectors_n, without = _vector_counts(other)
        assert claims_n == on.new + on.changed and vectors_n == claims_n and without == 0


@needs_model
def test_vectors_are_stored_once_per_claim_under_its_stored_id(
    con: duckdb.DuckDBPyConnection, caches: ClaimCaches
) -> None:
    story = _story(con)
    _version(con, _article(con, story, "https://a.example/1", "A"), EARLIER, hours=1)
    report = detect_claims(con, _on(), T0, caches)
    assert report.new > 5 and report.failed == 0
    claims_n, vectors_n, without = _vector_counts(con)
    assert (vectors_n, without) == (claims_n, 0)
    # Each stored vector is the encoding of its claim's stored text.
    ids, vectors = story_vectors(con, MODEL_MINILM_INT8, story)
    texts = dict(db.query(con, "claims_model_test_claim_texts", {"story_id": story}))
    encoder = caches.semantic.encoder
    assert encoder is not None
    assert np.allclose(vectors, encoder.encode([texts[i] for i in ids]), atol=1e-5)

    # The same text again (another outlet) and a re-run: no claim and no vector is added.
    _version(con, _article(con, story, "https://c.example/1", "C"), EARLIER, hours=3)
    again = detect_claims(con, _on(), T0, caches)
    assert again.new == 0 and again.versions == 1
    assert detect_claims(con, _on(), T0, caches).versions == 0
    assert _vector_counts(con) == (claims_n, claims_n, 0)
    assert embed_missing(con, encoder, [story]) == 0


@needs_model
def test_a_restatement_in_other_words_meets_its_claim_as_a_semantic_candidate(
    con: duckdb.DuckDBPyConnection, caches: ClaimCaches, tmp_path: Path
) -> None:
    for settings, database in ((ClaimSettings(), con), (_on(), None)):
        with db.open_db(tmp_path / "on.duckdb") if database is None else _same(con) as target:
            story = _story(target)
            earlier = " ".join([BUDGET, *UNRELATED])
            _version(target, _article(target, story, "https://a.example/1", "A"), earlier, 1)
            _version(
                target,
                _article(target, story, "https://b.example/1", "B"),
                BUDGET_IN_OTHER_WORDS,
                2,
            )
            detect_claims(target, settings, T0, caches)
            budget_id = db.query(target, "claims_model_test_judgement", {"sentence": BUDGET})[0][0]
            ((claim_id, status, nearest, score),) = db.query(
                target, "claims_model_test_judgement", {"sentence": BUDGET_IN_OTHER_WORDS}
            )
            assert status == "new" and claim_id != budget_id
            if settings.model == "none":
                assert nearest is None, "no shared word: the lexical judge compares nothing"
            else:
                assert nearest == budget_id and score is not None


@contextlib.contextmanager
def _same(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    yield con


@needs_model
def test_claims_of_one_batch_see_each_other_by_meaning(
    con: duckdb.DuckDBPyConnection, caches: ClaimCaches
) -> None:
    story = _story(con)
    # Both versions are judged in one batch: the first's claim has no stored vector yet.
    _version(con, _article(con, story, "https://a.example/1", "A"), BUDGET, hours=1)
    _version(con, _article(con, story, "https://b.example/1", "B"), BUDGET_IN_OTHER_WORDS, 2)
    detect_claims(con, _on(), T0, caches)
    budget_id = db.query(con, "claims_model_test_judgement", {"sentence": BUDGET})[0][0]
    later = db.query(con, "claims_model_test_judgement", {"sentence": BUDGET_IN_OTHER_WORDS})
    assert later[0][2] == budget_id


@needs_model
def test_a_merge_keeps_the_moved_claims_vectors_usable(
    con: duckdb.DuckDBPyConnection, caches: ClaimCaches
) -> None:
    from monitor.stories import merge_stories

    kept, merged = _story(con, "kept"), _story(con, "merged")
    _version(con, _article(con, kept, "https://a.example/1", "A"), " ".join(UNRELATED), 1)
    _version(con, _article(con, merged, "https://b.example/1", "B"), BUDGET, hours=2)
    detect_claims(con, _on(), T0, caches)
    budget_id = db.query(con, "claims_model_test_judgement", {"sentence": BUDGET})[0][0]

    merge_stories(con, kept, merged, T0)
    _version(con, _article(con, kept, "https://c.example/1", "C"), BUDGET_IN_OTHER_WORDS, 3)
    detect_claims(con, _on(), T0, caches)

    later = db.query(con, "claims_model_test_judgement", {"sentence": BUDGET_IN_OTHER_WORDS})
    assert later[0][2] == budget_id, "the moved claim's vector is found in its new story"
    claims_n, vectors_n, without = _vector_counts(con)
    assert (vectors_n, without) == (claims_n, 0)


@needs_model
def test_claims_written_without_their_vectors_are_backfilled(
    con: duckdb.DuckDBPyConnection, caches: ClaimCaches, monkeypatch: pytest.MonkeyPatch
) -> None:
    story = _story(con)
    _version(con, _article(con, story, "https://a.example/1", "A"), EARLIER, hours=1)

    def crash(*args: Any, **kwargs: Any) -> None:
        raise StoreError("the process died between the claim write and the vector write")

    monkeypatch.setattr(model_pass, "store_vectors", crash)
    first = detect_claims(con, _on(), T0, caches)
    monkeypatch.undo()
    claims_n, vectors_n, _ = _vector_counts(con)
    assert first.new > 5 and first.failed == 0 and claims_n == first.new + first.changed
    assert vectors_n == 0, "the verdicts stand; only the vectors are missing"

    # The model turned on over claims judged without it is the same case.
    _version(con, _article(con, story, "https://b.example/1", "B"), LATER, hours=2)
    second = detect_claims(con, _on(), T0, caches)
    claims_n, vectors_n, without = _vector_counts(con)
    assert second.failed == 0 and (vectors_n, without) == (claims_n, 0)


@needs_model
def test_backfill_is_bounded_per_batch(
    con: duckdb.DuckDBPyConnection, caches: ClaimCaches, monkeypatch: pytest.MonkeyPatch
) -> None:
    story = _story(con)
    _version(con, _article(con, story, "https://a.example/1", "A"), EARLIER, hours=1)
    detect_claims(con, ClaimSettings(), T0)  # judged without the model: no vectors
    claims_n = _vector_counts(con)[0]
    monkeypatch.setattr(model_pass, "BACKFILL_CLAIMS_PER_BATCH", 3)
    _version(con, _article(con, story, "https://b.example/1", "B"), UNRELATED[0], hours=2)
    detect_claims(con, _on(), T0, caches)
    # Three old claims caught up, plus the new claim's own vector.
    assert _vector_counts(con) == (claims_n + 1, 4, claims_n - 3)


@needs_model
def test_encoding_progress_is_reported_to_the_callback(
    con: duckdb.DuckDBPyConnection, caches: ClaimCaches, monkeypatch: pytest.MonkeyPatch
) -> None:
    story = _story(con)
    _version(con, _article(con, story, "https://a.example/1", "A"), EARLIER, hours=1)
    _version(con, _article(con, story, "https://b.example/1", "B"), LATER, hours=2)
    monkeypatch.setattr(model_pass, "PROGRESS_INTERVAL_S", 0.0)
    monkeypatch.setattr(model_pass, "ENCODE_CHUNK_SENTENCES", 8)
    heard: list[model_pass.EncodingProgress] = []
    detect_claims(con, _on(), T0, caches, progress=heard.append)
    assert len(heard) >= 3
    encoded = [p.encoded for p in heard]
    assert encoded == sorted(encoded) and heard[-1].encoded == heard[-1].total > 16
    assert all(p.per_second > 0 for p in heard)


@needs_model
def test_the_stage_and_the_evaluation_apply_the_model_alike(
    tmp_path: Path, caches: ClaimCaches
) -> None:
    # A combiner that trusts the cosine (more than one fitted on MRPC does), so the model turns
    # verdicts: the stage (vectors through DuckDB) and `python -m monitor.evals.claims_model`
    # (vectors in memory) must turn the same ones.
    trusting = BandJudge((1.0, 10.0), -6.0)
    settings = _on()
    later = [s.text for s in segment(LATER, settings) if s.skip_reason is None]
    encoder = load_encoder(MODEL_MINILM_INT8)
    assert encoder is not None
    # The evaluation's ledger holds the claims the stage keeps of the earlier article (a
    # sentence repeating an earlier one of the article is no claim of its own).
    with db.open_db(tmp_path / "earlier.duckdb") as con:
        story = _story(con)
        _version(con, _article(con, story, "https://a.example/0", "A"), EARLIER, 1)
        detect_claims(con, ClaimSettings(), T0)
        stored = db.query(con, "claims_model_test_claim_texts", {"story_id": story})
    ledger = Ledger(settings)
    for claim_id, text in stored:
        ledger.add(prepare(text), 0, int(claim_id))
    texts = document_texts(ledger)
    assert len(texts) == len(stored)
    vectors = encoder.encode(texts)
    expected = [
        judge_in_document(ledger, texts, vectors, s, encoder.encode([s])[0], trusting)
        for s in later
    ]
    caches.semantic.judge = trusting
    try:
        found = {
            model: _judge_one_by_one(tmp_path / f"{model}.duckdb", later, model, caches)
            for model in ("none", MODEL_MINILM_INT8)
        }
    finally:
        caches.semantic.judge = BandJudge()
    # A sentence alone in a version may segment otherwise (a line without a full stop is a
    # heading): compare the sentences the stage judged whole, with the same lexical verdict.
    compared = [
        (on[0], after)
        for off, on, (before, after) in zip(found["none"], found[MODEL_MINILM_INT8], expected)
        if len(off) == 1 and off[0] == before
    ]
    assert len(compared) >= len(later) - 2
    assert [stage_status for stage_status, _ in compared] == [after for _, after in compared]
    turned = [
        after for off, (before, after) in zip(found["none"], expected) if off == [before] != [after]
    ]
    assert turned, "the combiner turned a verdict"


def _judge_one_by_one(
    path: Path, sentences: list[str], model: str, caches: ClaimCaches
) -> list[list[str]]:
    """The stage's statuses of each sentence, alone in a story with the earlier seed article."""
    with db.open_db(path) as con:
        stories = [_story(con, f"story {number}") for number in range(len(sentences))]
        for number, story in enumerate(stories):
            _version(con, _article(con, story, f"https://a.example/{number}", "A"), EARLIER, 1)
        # The earlier article judged without the model, as the evaluation's ledger holds it; its
        # claims get their vectors from the backfill.
        detect_claims(con, ClaimSettings(), T0, caches)
        versions = []
        for number, (story, sentence) in enumerate(zip(stories, sentences)):
            article = _article(con, story, f"https://b.example/{number}", "B")
            versions.append((story, _version(con, article, sentence, 2)))
        detect_claims(con, ClaimSettings(model=model), T0 + dt.timedelta(days=1), caches)
        return [
            [m["status"] for m in _mentions(con, story) if m["version_id"] == version]
            for story, version in versions
        ]


def test_story_matrix_ranks_as_the_lookup_over_stored_vectors() -> None:
    rng = np.random.default_rng(3)
    vectors = normalise(rng.normal(size=(300, 16)))
    matrix = StoryMatrix(16)
    matrix.extend(list(range(1000, 1300)), vectors[:200])
    matrix.extend(list(range(1200, 1300)), vectors[200:])  # grows past its first buffer
    assert len(matrix) == 300 and np.array_equal(matrix.vector(1299), vectors[299])
    query = normalise(rng.normal(size=(1, 16)))
    expected = nearest_in_memory(query, list(range(1000, 1300)), vectors, 7, 0.1)[0]
    assert matrix.nearest(query[0], 7, 0.1) == [(n.claim_id, n.cosine) for n in expected]
    assert matrix.nearest(query[0], 7, 1.1) == []
