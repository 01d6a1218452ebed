"""The claim judge with `[claims] model = "minilm-int8"` beside the lexical path, for `bench.claims`.

Two figures, each measured for both paths in the same run so the ratio is honest on a shared
machine: ms of CPU per 30-sentence article against a 10,000-claim ledger (in memory, as
`bench.claims` times the lexical path), and the CPU seconds the claims stage spends on a steady
cycle of 200 new sentences against a stored story of 1,000 claims (a real DuckDB file).

Ledger vectors: the first LEDGER_ENCODED claims are encoded; the rest of a 10,000-claim ledger are
spliced sentences (bench.claims), whose vectors are the normalised sum of two encoded ones, so
the lookup meets neighbours as dense as real ones without 80 s of encoding.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from monitor import db
from monitor.claims import ClaimCaches, Ledger, detect_claims, prepare
from monitor.claims.embed import MODEL_MINILM_INT8, Encoder, load_encoder, normalise
from monitor.claims.embed_store import StoryMatrix
from monitor.claims.semantic import in_band, semantic_verdict
from monitor.errors import ConfigError
from monitor.settings import ClaimSettings

LEDGER_ENCODED = 1_000
STEADY_STORY_CLAIMS = 1_000
STEADY_SENTENCES = 200
STEADY_SENTENCES_PER_ARTICLE = 20
TARGET_STEADY_CPU_S = 2.0
T0 = dt.datetime(2026, 12, 1, 8, 0)


def ledger_vectors(encoder: Encoder, texts: list[str], rng: random.Random) -> np.ndarray:
    """Encoded vectors for the first LEDGER_ENCODED texts, sums of two of them for the rest."""
    head = encoder.encode(texts[:LEDGER_ENCODED])
    rest = [
        head[rng.randrange(len(head))] + head[rng.randrange(len(head))]
        for _ in range(len(texts) - len(head))
    ]
    return np.vstack([head, normalise(np.array(rest))]) if rest else head


def time_model_article(
    ledger: Ledger,
    matrix: StoryMatrix,
    encoder: Encoder,
    article: list[str],
    settings: ClaimSettings,
    repeats: int,
) -> tuple[float, float]:
    """Median and best CPU seconds to encode, prepare and judge the article with the model's say."""
    timings = []
    for _ in range(repeats):
        started = time.process_time()
        vectors = encoder.encode(article)
        for sentence, vector in zip(article, vectors):
            prepared = prepare(sentence)
            verdict = ledger.judge(prepared)
            if verdict.status == "new" or (
                verdict.status == "seen" and verdict.how == "model" and in_band(verdict.probability)
            ):
                neighbours = matrix.nearest(
                    vector, settings.semantic_candidates, settings.semantic_min_cosine
                )
                own = (
                    matrix.vector(verdict.entry_index) if verdict.entry_index is not None else None
                )
                match = float(own @ vector) if own is not None else None
                semantic_verdict(ledger, prepared, verdict, neighbours, match)
        timings.append(time.process_time() - started)
    return statistics.median(timings), min(timings)


def article_rows(
    ledger: Ledger,
    texts: list[str],
    article: list[str],
    encoder: Encoder,
    settings: ClaimSettings,
    repeats: int,
    lexical: Any,
) -> dict[str, float]:
    """The lexical and the model path on one ledger, timed alternately in this process."""
    matrix = StoryMatrix(encoder.dimension)
    vectors = ledger_vectors(encoder, texts, random.Random(len(texts)))
    for text, vector in zip(texts, vectors):
        matrix.append(ledger.by_normalized[prepare(text).normalized], vector)
    time_model_article(ledger, matrix, encoder, article[:2], settings, 1)  # warm
    lexical_s, _ = lexical(ledger, article, repeats)
    model_s, model_best = time_model_article(ledger, matrix, encoder, article, settings, repeats)
    return {
        "ledger_claims": len(ledger),
        "lexical_ms_per_article": lexical_s * 1000,
        "model_ms_per_article": model_s * 1000,
        "model_best_ms_per_article": model_best * 1000,
        "model_to_lexical": model_s / lexical_s,
    }


def _seed_story(
    path: Path, texts: list[str], settings: ClaimSettings, caches: ClaimCaches
) -> tuple[int, int]:
    """A database holding one story of TEXTS, judged by the stage (with vectors); its id, claims."""
    with db.open_db(path) as con:
        story = db.insert_with_id(
            con, "bench_claims_add_story", "story_ids", {"name": "bench story", "now": T0}
        )
        for number in range(0, len(texts), 50):
            _add_article(con, story, number, texts[number : number + 50], hours=1)
        report = detect_claims(con, settings, T0, caches)
    return story, report.new + report.changed


def _add_article(con: Any, story: int, number: int, sentences: list[str], hours: int) -> None:
    article = db.insert_with_id(
        con,
        "bench_claims_add_article",
        "article_ids",
        {
            "url": f"https://bench.example/{hours}/{number}",
            "outlet": "bench",
            "now": T0,
            "story_id": story,
        },
    )
    when = T0 + dt.timedelta(hours=hours)
    db.insert_with_id(
        con,
        "bench_claims_add_version",
        "version_ids",
        {
            "article_id": article,
            "version": 1,
            "title": None,
            "text": "\n\n".join(sentences),
            "published_at": when,
            "now": when,
        },
    )


def steady_cycle(pool: list[str], encoder_settings: ClaimSettings) -> dict[str, Any]:
    """CPU seconds of the claims stage on 200 new sentences against a stored 1,000-claim story."""
    from bench.common import use_bench_sql

    use_bench_sql()
    story_texts = pool[:STEADY_STORY_CLAIMS]
    fresh = pool[STEADY_STORY_CLAIMS : STEADY_STORY_CLAIMS + STEADY_SENTENCES]
    folder = Path(tempfile.mkdtemp(prefix="bench-claims-model-"))
    try:
        setup = ClaimCaches()
        base = folder / "story.duckdb"
        story, claims = _seed_story(base, story_texts, encoder_settings, setup)
        encoder = setup.semantic.encoder
        rows: dict[str, Any] = {}
        for name, settings in (("lexical", ClaimSettings()), ("model", encoder_settings)):
            copy = folder / f"{name}.duckdb"
            shutil.copy(base, copy)
            caches = ClaimCaches()
            # A cycle process loads the model once; its load is reported on its own below.
            caches.semantic.encoder, caches.semantic.model = encoder, MODEL_MINILM_INT8
            with db.open_db(copy) as con:
                for number in range(0, len(fresh), STEADY_SENTENCES_PER_ARTICLE):
                    _add_article(
                        con, story, number, fresh[number : number + STEADY_SENTENCES_PER_ARTICLE], 9
                    )
                started, started_wall = time.process_time(), time.perf_counter()
                report = detect_claims(con, settings, T0, caches)
                rows[name] = {
                    "cpu_s": time.process_time() - started,
                    "wall_s": time.perf_counter() - started_wall,
                    "sentences": report.sentences - report.skipped,
                    "new": report.new,
                }
        started = time.process_time()
        load_encoder(MODEL_MINILM_INT8)
        load_cpu_s = time.process_time() - started
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "story_claims": claims,
        "lexical": rows["lexical"],
        "model": rows["model"],
        "model_to_lexical": rows["model"]["cpu_s"] / rows["lexical"]["cpu_s"],
        "model_load_cpu_s": load_cpu_s,
        "target_cpu_s": TARGET_STEADY_CPU_S,
        "lexical_meets_target": rows["lexical"]["cpu_s"] <= TARGET_STEADY_CPU_S,
        "model_meets_target": rows["model"]["cpu_s"] <= TARGET_STEADY_CPU_S,
    }


def available() -> str | None:
    """None when the model can be benchmarked here, else why not."""
    try:
        load_encoder(MODEL_MINILM_INT8)
    except ConfigError as e:
        return str(e)
    return None
