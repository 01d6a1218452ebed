"""`monitor eval extraction`: the benchmark metric on a hand-made dataset, then 20 real pages."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from monitor.cli import main as cli_main
from monitor.errors import ParseError
from monitor.evals.extraction import ROW_DEFAULTS, ROW_PIPELINE, load_pages, run

BENCHMARK = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "trafilatura-eval"

STORY = [
    (
        "The regional water board approved a plan on Thursday to rebuild the northern reservoir dam, "
        "which engineers say has been leaking since the floods of last winter."
    ),
    (
        "Work is due to start in May and will take about eighteen months, the board said in a statement, "
        "with the cost shared between the province and the national government."
    ),
    "Residents downstream will be told about temporary road closures by letter, a spokesperson added.",
]


def page(paragraphs: list[str], chrome: str) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<html><head><title>Dam</title></head><body><nav>{chrome}</nav>"
        f"<article><h1>Dam to be rebuilt</h1>{body}</article><footer>{chrome}</footer></body></html>"
    )


def write_dataset(root: Path) -> None:
    items = {
        "https://water.example/dam": {
            "file": "dam.html",
            "with": [STORY[0][:60], "eighteen  months"],  # whitespace differences must not matter
            "without": ["Impressum und Datenschutz", "Never printed anywhere"],
        },
        "https://water.example/broken": {
            "file": "empty.html",
            "with": ["Some text that is not there"],
            "without": ["Menu"],
        },
    }
    (root / "html" / "eval").mkdir(parents=True)
    (root / "html" / "cache").mkdir(parents=True)
    (root / "evaldata.json").write_text(json.dumps(items), encoding="utf-8")
    html = page(STORY, "<a href='/'>Start</a> <a href='/imp'>Impressum und Datenschutz</a>")
    (root / "html" / "eval" / "dam.html.gz").write_bytes(gzip.compress(html.encode("utf-8")))
    (root / "html" / "cache" / "empty.html.gz").write_bytes(gzip.compress(b"<html></html>"))


def test_metric_counts_segments_as_upstream(tmp_path: Path) -> None:
    write_dataset(tmp_path)
    result = run(load_pages(tmp_path), processes=1)
    rows = {row["name"]: row for row in result["rows"]}
    for name in (ROW_DEFAULTS, ROW_PIPELINE):
        row = rows[name]
        # page 1: both `with` found, the nav/footer segment left out; page 2: nothing extracted
        assert (row["tp"], row["fn"], row["fp"], row["tn"]) == (2, 1, 0, 3)
        assert row["precision"] == 1.0 and row["recall"] == round(2 / 3, 4)
        assert row["f1"] == round(4 / 5, 4) and row["accuracy"] == round(5 / 6, 4)
    assert result["pages"] == 2 and result["pipeline_not_below_defaults"]


def test_missing_dataset_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="evaldata.json"):
        load_pages(tmp_path)


@pytest.mark.skipif(not BENCHMARK.is_dir(), reason="../shared/data/trafilatura-eval not present")
def test_eval_on_twenty_real_pages(capsys: pytest.CaptureFixture[str]) -> None:
    code = cli_main(["eval", "extraction", str(BENCHMARK), "--limit", "20", "--format", "json"])
    result = json.loads(capsys.readouterr().out)
    assert result["pages"] == 20
    rows = {row["name"]: row for row in result["rows"]}
    assert rows[ROW_DEFAULTS]["crashes"] == 0 and rows[ROW_PIPELINE]["crashes"] == 0
    assert rows[ROW_DEFAULTS]["f1"] > 0.8  # sanity: the scorer finds what trafilatura extracts
    assert rows[ROW_PIPELINE]["f1"] >= rows[ROW_DEFAULTS]["f1"]
    assert code == 0
