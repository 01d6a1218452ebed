"""`python -m bench.claims`: claims checked per second for one article against story ledgers of
100, 1,000 and 10,000 claims, and the cost ratio 10k/100. Writes bench/results/claims.json.

The ledger is real news text: sentences of the ECB+ documents in ../shared/data (when present),
topped up with spliced halves of them to reach 10,000 distinct claims; the earlier seed article is
always in it, so the later seed article meets real paraphrases and misses. The article is the later
seed article, padded to 30 judged sentences with sentences of the ledger (exact repeats) and
altered ones (changed numbers), so every path of the judgement is timed.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from monitor.claims import Ledger, normalize, prepare, segment
from monitor.settings import ClaimSettings

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "tests" / "data" / "seeds"
ECB_DOCS = REPO.parent / "shared" / "data" / "ecbplus-traindev" / "docs.jsonl"
RESULTS = REPO / "bench" / "results" / "claims.json"
LEDGER_SIZES = (100, 1_000, 10_000)
ARTICLE_SENTENCES = 30
TARGET_MS_PER_ARTICLE_AT_10K = 10.0


def news_sentences(settings: ClaimSettings) -> list[str]:
    """Claim sentences of the ECB+ documents, or of the seed articles when the data is absent."""
    texts: list[str] = []
    if ECB_DOCS.exists():
        with ECB_DOCS.open(encoding="utf-8") as handle:
            for line in handle:
                doc = json.loads(line)
                texts.append(f"{doc.get('title') or ''}\n{doc.get('text') or ''}")
    else:
        texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    sentences: list[str] = []
    for text in texts:
        sentences.extend(s.text for s in segment(text, settings) if s.skip_reason is None)
    return list(dict.fromkeys(sentences))


def build_ledger_texts(
    size: int, pool: list[str], earlier: list[str], rng: random.Random
) -> list[str]:
    """`size` distinct claims: the earlier seed article, real sentences, then spliced ones."""
    texts = list(dict.fromkeys(earlier))
    texts.extend(pool[: max(0, size - len(texts))])
    seen = set(texts)
    normalized = {normalize(t) for t in texts}
    while len(normalized) < size:
        a, b = rng.sample(pool, 2)
        wa, wb = a.split(), b.split()
        spliced = " ".join(wa[: len(wa) // 2] + wb[len(wb) // 2 :])
        if spliced not in seen and normalize(spliced) not in normalized:
            seen.add(spliced)
            normalized.add(normalize(spliced))
            texts.append(spliced)
    return texts


def build_article(later: list[str], ledger_texts: list[str], rng: random.Random) -> list[str]:
    """30 sentences: the later seed article, then repeats and number changes of ledger claims."""
    article = list(later[:ARTICLE_SENTENCES])
    while len(article) < ARTICLE_SENTENCES:
        claim = rng.choice(ledger_texts)
        article.append(claim if len(article) % 2 else claim + " Officials said 17 more were hurt.")
    return article


def time_article(ledger: Ledger, article: list[str], repeats: int) -> tuple[float, float]:
    """Median and best CPU seconds to prepare and judge every sentence of the article.

    CPU time of this process, not wall time: the judgement is single-threaded and CPU-bound, and
    CPU time stays honest when other work shares the machine.
    """
    timings = []
    for _ in range(repeats):
        started = time.process_time()
        for sentence in article:
            ledger.judge(prepare(sentence))
        timings.append(time.process_time() - started)
    return statistics.median(timings), min(timings)


def run(repeats: int = 15, with_model: bool = True) -> dict[str, Any]:
    """Measure every ledger size; return the figures."""
    settings = ClaimSettings()
    rng = random.Random(7)
    pool = news_sentences(settings)
    rng.shuffle(pool)
    earlier_text = (SEEDS / "000_d6164f0e30076554.txt").read_text(encoding="utf-8")
    later_text = (SEEDS / "003_430f1404d43e94c3.txt").read_text(encoding="utf-8")
    earlier = [s.text for s in segment(earlier_text, settings) if s.skip_reason is None]
    later = [s.text for s in segment(later_text, settings) if s.skip_reason is None]
    rows = []
    for size in LEDGER_SIZES:
        texts = build_ledger_texts(size, pool, earlier, rng)
        started = time.process_time()
        ledger = Ledger(settings)
        for position, text in enumerate(texts):
            ledger.add(prepare(text), position)
        load_s = time.process_time() - started
        article = build_article(later, texts, random.Random(size))
        ledger.judge(prepare(article[0]))  # warm caches
        seconds, best_seconds = time_article(ledger, article, repeats)
        rows.append(
            {
                "ledger_claims": len(ledger),
                "article_sentences": len(article),
                "ms_per_article": seconds * 1000,
                "best_ms_per_article": best_seconds * 1000,
                "claims_checked_per_s": len(article) / seconds,
                "ledger_load_s": load_s,
            }
        )
    base, top = rows[0], rows[-1]
    model: dict[str, Any] = {}
    if with_model:
        from bench import claims_model

        reason = claims_model.available()
        if reason is not None:
            model["skipped"] = reason
        else:
            encoder = claims_model.load_encoder(claims_model.MODEL_MINILM_INT8)
            assert encoder is not None
            model["article_at_10k"] = claims_model.article_rows(
                ledger, texts, article, encoder, settings, repeats, time_article
            )
            model["steady_cycle"] = claims_model.steady_cycle(
                pool, ClaimSettings(model=claims_model.MODEL_MINILM_INT8)
            )
    return {
        "benchmark": "claims",
        "python": platform.python_version(),
        "machine": platform.machine(),
        "ledger_source": "ECB+ sentences + spliced"
        if ECB_DOCS.exists()
        else "seed sentences + spliced",
        "rows": rows,
        "ratio_10k_to_100": top["ms_per_article"] / base["ms_per_article"],
        "target_ms_per_article_at_10k": TARGET_MS_PER_ARTICLE_AT_10K,
        "meets_target": top["ms_per_article"] <= TARGET_MS_PER_ARTICLE_AT_10K,
        "model": model,
    }


def print_model(model: dict[str, Any]) -> None:
    """The model path's figures beside the lexical path's, as ratios measured in this run."""
    if "skipped" in model:
        print(f"model path: not measured ({model['skipped']})")
        return
    if not model:
        return
    row = model["article_at_10k"]
    print()
    print(
        f'[claims] model = "minilm-int8", per {ARTICLE_SENTENCES}-sentence article at 10k claims:'
    )
    print(f"{'path':>10} {'ms/article':>11} {'ratio':>6}")
    print(f"{'lexical':>10} {row['lexical_ms_per_article']:>11.2f} {1.0:>6.2f}")
    print(
        f"{'model':>10} {row['model_ms_per_article']:>11.2f} {row['model_to_lexical']:>6.2f}"
        f"   (best {row['model_best_ms_per_article']:.2f})"
    )
    steady = model["steady_cycle"]
    print()
    print(
        f"steady cycle: {steady['lexical']['sentences']} new sentences against a stored story of "
        f"{steady['story_claims']:,} claims (claims stage, CPU s):"
    )
    print(f"{'path':>10} {'CPU s':>7} {'wall s':>7} {'ratio':>6} {'<= 2 s':>7}")
    for name in ("lexical", "model"):
        figures = steady[name]
        ratio = figures["cpu_s"] / steady["lexical"]["cpu_s"]
        met = "yes" if figures["cpu_s"] <= steady["target_cpu_s"] else "NO"
        print(
            f"{name:>10} {figures['cpu_s']:>7.2f} {figures['wall_s']:>7.2f} {ratio:>6.2f} {met:>7}"
        )
    print(f"model load, once per process: {steady['model_load_cpu_s']:.2f} CPU s")


def main(argv: list[str] | None = None) -> int:
    """Run, print a table, write bench/results/claims.json."""
    parser = argparse.ArgumentParser(prog="python -m bench.claims", description=__doc__)
    parser.add_argument("--repeats", type=int, default=15, help="timed passes per ledger size")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument(
        "--no-model", action="store_true", help='skip the [claims] model = "minilm-int8" figures'
    )
    args = parser.parse_args(argv)
    result = run(args.repeats, not args.no_model)
    print(f"ledger: {result['ledger_source']}")
    print(
        f"{'ledger claims':>14} {'ms/article':>11} {'best ms':>8} {'claims/s':>10} {'ledger load s':>14}"
    )
    for row in result["rows"]:
        print(
            f"{row['ledger_claims']:>14,} {row['ms_per_article']:>11.2f} {row['best_ms_per_article']:>8.2f} "
            f"{row['claims_checked_per_s']:>10,.0f} {row['ledger_load_s']:>14.2f}"
        )
    print(f"cost ratio 10k/100: {result['ratio_10k_to_100']:.2f}")
    print(
        f"target <= {TARGET_MS_PER_ARTICLE_AT_10K:.0f} ms per {ARTICLE_SENTENCES}-sentence article at "
        f"10k claims: {'met' if result['meets_target'] else 'NOT met'}"
    )
    print_model(result["model"])
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
