"""`monitor eval stories`: the pairwise/B-cubed scorer, the k-means anchor, and the command."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from monitor.cli import main
from monitor.evals.stories import kmeans, kmeans_baseline, score_clustering, tfidf_matrix

# Two topics of two events each: the events of one topic share the topic's words, and differ in
# names and places, as ECB+ subtopics do.
_EVENTS = {
    (
        "quake",
        "quake-a",
    ): "earthquake magnitude struck Chile Santiago Valparaiso collapsed buildings",
    ("quake", "quake-b"): "earthquake magnitude struck Japan Sendai Miyagi tsunami warning coast",
    ("arrest", "arrest-a"): "police arrested sect leader Warren Jeffs Utah polygamy compound",
    ("arrest", "arrest-b"): "police arrested sect leader Shoko Asahara Tokyo subway cult",
}


def _records() -> list[dict[str, object]]:
    records = []
    for (topic, subtopic), words in _EVENTS.items():
        for n, outlet in enumerate(("Reuters", "Agence", "Herald", "Gazette")):
            records.append(
                {
                    "doc_id": f"{subtopic}-{n}",
                    "topic": topic,
                    "subtopic": subtopic,
                    "title": f"{outlet} reports on {words.split()[3]}",
                    "text": f"{words} reported by {outlet}",
                }
            )
    return records


def test_score_clustering_counts_pairs_and_bcubed_by_hand() -> None:
    assert score_clustering(["a", "a", "b"], [1, 1, 2])["pairwise_f1"] == 1.0
    merged = score_clustering(["a", "a", "b"], [1, 1, 1])
    # 3 predicted pairs, 1 of them gold: P = 1/3, R = 1; B-cubed P = (2/3 + 2/3 + 1/3) / 3.
    assert merged["pairwise_p"] == pytest.approx(1 / 3)
    assert merged["pairwise_r"] == 1.0
    assert merged["bcubed_p"] == pytest.approx(5 / 9)


def test_tfidf_rows_are_unit_length_and_leave_stop_words_out() -> None:
    matrix = tfidf_matrix(["the quake struck Chile", "the quake struck Japan", "the the the"])
    norms = np.linalg.norm(matrix, axis=1)
    assert norms[:2] == pytest.approx([1.0, 1.0], abs=1e-6)
    assert norms[2] == 0.0  # stop words only
    assert matrix[0] @ matrix[1] < 1.0  # "chile" and "japan" tell them apart


def test_kmeans_finds_well_separated_groups() -> None:
    records = _records()
    matrix = tfidf_matrix([f"{r['title']} {r['text']}" for r in records])
    labels = kmeans(matrix, 4, np.random.default_rng(0))
    gold = [r["subtopic"] for r in records]
    assert score_clustering(gold, labels.tolist())["pairwise_f1"] == 1.0


def test_baseline_told_topic_and_k_is_perfect_on_separable_events() -> None:
    report = kmeans_baseline(_records(), seeds=2)
    assert report["told_topic_and_k"]["mean"]["pairwise_f1"] == 1.0
    assert 0.0 < report["told_k"]["mean"]["pairwise_f1"] <= 1.0


def test_eval_stories_command_prints_json_with_the_anchor(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = tmp_path / "docs.jsonl"
    docs.write_text("\n".join(json.dumps(r) for r in _records()) + "\n", encoding="utf-8")
    assert (
        main(["eval", "stories", str(docs), "--shuffles", "2", "--baseline", "--format", "json"])
        == 0
    )
    report = json.loads(capsys.readouterr().out)
    overall = report["splits"]["overall"]
    assert overall["documents"] == 16 and overall["gold_clusters"] == 4
    assert 0.0 < overall["corpus_order"]["pairwise_f1"] <= 1.0
    assert overall["baseline"]["told_topic_and_k"]["mean"]["pairwise_f1"] == 1.0
    assert main(["eval", "stories", str(docs), "--shuffles", "1", "--baseline"]) == 0
    table = capsys.readouterr().out
    assert "kmeans k" in table and "km topic" in table
