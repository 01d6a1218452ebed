"""`monitor claims diff`, `monitor claims ledger` and `monitor eval claims` end to end."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from monitor.cli import main
from monitor.errors import ParseError
from monitor.evals import claims as claims_eval
from monitor.localserver import FixtureServer

DATA = Path(__file__).parent / "data"
EARLIER = DATA / "seeds" / "000_d6164f0e30076554.txt"
LATER = DATA / "seeds" / "003_430f1404d43e94c3.txt"
PAIRS = DATA / "claims" / "pairs.tsv"
PAUSE = "The US urged “Israel” to pause its strikes at least twice"


@pytest.fixture
def no_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MONITOR_CONFIG", raising=False)
    return tmp_path


def _json_out(capsys: pytest.CaptureFixture[str], argv: list[str]) -> list[dict[str, object]]:
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_diff_txt_files_json(no_config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = _json_out(capsys, ["claims", "diff", str(EARLIER), str(LATER), "--format", "json"])
    pause = next(item for item in out if str(item["sentence"]).startswith(PAUSE))
    assert pause["status"] == "new" and pause["uncertain"] is False
    assert set(pause) <= {"sentence", "status", "confidence", "uncertain", "match"}
    assert 0.5 < pause["confidence"] <= 1.0
    restated = next(item for item in out if "pre-screens raids" in str(item["sentence"]))
    assert restated["status"] == "seen"  # restates "missions were reviewed in advance"
    assert restated["match"]["document"] == str(EARLIER)
    seen = next(item for item in out if str(item["sentence"]).startswith("The vast majority"))
    assert seen["status"] == "seen"
    assert isinstance(seen["match"], dict) and seen["match"]["document"] == str(EARLIER)
    assert {item["status"] for item in out} == {"new", "seen", "skipped"}
    assert all(("reason" in item) == (item["status"] == "skipped") for item in out)


def test_diff_html_file_and_table(no_config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["claims", "diff", str(EARLIER), str(DATA / "claims" / "later.html")]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert any(line.startswith("new") and PAUSE in line for line in lines)
    assert any(line.startswith("seen") and "The vast majority" in line for line in lines)
    assert "<- The vast majority of those Israeli air strikes were approved" in out
    assert "Home" not in out and "All rights reserved" not in out
    assert lines[-1].startswith("2 new, 0 changed, 1 seen")


def test_diff_urls_through_the_fetch_guard(
    tmp_path: Path, server: FixtureServer, capsys: pytest.CaptureFixture[str]
) -> None:
    earlier_url = server.add("/earlier.txt", EARLIER.read_bytes(), "text/plain; charset=utf-8")
    later_url = server.add("/later.html", (DATA / "claims" / "later.html").read_bytes())
    config = tmp_path / "monitor.toml"
    config.write_text("[fetch]\nallow_private_networks = true\n", encoding="utf-8")
    out = _json_out(
        capsys,
        ["claims", "diff", earlier_url, later_url, "--format", "json", "--config", str(config)],
    )
    seen = next(item for item in out if item["status"] == "seen")
    assert isinstance(seen["match"], dict) and seen["match"]["document"] == earlier_url
    assert server.hits("/earlier.txt") == 1 and server.hits("/later.html") == 1


def test_diff_refuses_loopback_urls_by_default(
    no_config: Path, server: FixtureServer, capsys: pytest.CaptureFixture[str]
) -> None:
    url = server.add("/later.html", (DATA / "claims" / "later.html").read_bytes())
    assert main(["claims", "diff", str(EARLIER), url]) == 2
    assert "monitor: error:" in capsys.readouterr().err
    assert server.hits("/later.html") == 0


def test_diff_missing_file_is_a_clear_error(
    no_config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["claims", "diff", str(EARLIER), "nope.txt"]) == 2
    assert "nope.txt: cannot read document" in capsys.readouterr().err


def test_diff_needs_two_documents(no_config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["claims", "diff", str(LATER)]) == 2


def test_eval_claims_on_a_tiny_tsv(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "claims", "--pairs", str(PAIRS), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    shipped = out["shipped_model"]
    assert out["pairs"] == 10 and out["positive_share"] == 0.5
    assert shipped["accuracy"] >= 0.8
    assert shipped["predicted_changed"] >= 3  # number, negation, attribution pairs
    assert 0 < shipped["pairs_per_s"]
    assert set(shipped) >= {"accuracy", "precision", "recall", "f1", "pairs_per_s"}


def test_eval_claims_cross_validation_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "claims", "--pairs", str(PAIRS), "--folds", "2"]) == 0
    out = capsys.readouterr().out
    assert "2-fold cross-validation" in out and "accuracy per fold:" in out
    assert "refit on all pairs: intercept" in out


def test_eval_rejects_a_malformed_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("Quality\t#1 ID\t#2 ID\t#1 String\t#2 String\nyes\t1\t2\tA\n", encoding="utf-8")
    with pytest.raises(ParseError, match="bad.tsv:2"):
        claims_eval.main(argparse.Namespace(pairs=str(bad), folds=0, format="table"))


def test_fit_model_separates_labels() -> None:
    pairs = claims_eval.read_pairs(PAIRS)
    features = claims_eval.feature_matrix(pairs)
    import numpy as np

    model = claims_eval.fit_model(features, np.array([p.label for p in pairs], dtype=float), c=10.0)
    probabilities = [model.probability(row) for row in features]
    assert min(probabilities[:5]) > max(probabilities[7:8])  # the unrelated pair scores lowest


def test_ledger_command_lists_claims_with_corroboration(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import datetime as dt

    from monitor import db
    from monitor.claims import detect_claims
    from monitor.settings import ClaimSettings

    config = tmp_path / "monitor.toml"
    config.write_text('[database]\npath = "ledger.duckdb"\n', encoding="utf-8")
    now = dt.datetime(2022, 6, 16)
    claim = "The US urged Israel to pause its strikes at least twice, officials said."
    with db.open_db(tmp_path / "ledger.duckdb") as con:
        story = db.insert_with_id(
            con, "claims_test_add_story", "story_ids", {"name": "Strikes", "now": now}
        )
        for n, outlet in enumerate(["A", "B"]):
            article = db.insert_with_id(
                con,
                "claims_test_add_article",
                "article_ids",
                {"url": f"https://x.example/{n}", "outlet": outlet, "now": now, "story_id": story},
            )
            db.insert_with_id(
                con,
                "claims_test_add_version",
                "version_ids",
                {
                    "article_id": article,
                    "version": 1,
                    "title": None,
                    "text": claim,
                    "published_at": now,
                    "now": now,
                },
            )
        detect_claims(con, ClaimSettings(), now)
    out = _json_out(
        capsys, ["claims", "ledger", str(story), "--config", str(config), "--format", "json"]
    )
    assert [(row["text"], row["corroboration"], row["first_outlet"]) for row in out] == [
        (claim, 2, "A")
    ]
    assert main(["claims", "ledger", str(story), "--config", str(config)]) == 0
    header, row = capsys.readouterr().out.splitlines()[1:3]
    assert header.split()[:3] == ["claim", "kind", "outlets"]
    assert row.split()[:3] == ["#1", "new", "2"] and row.endswith(claim)
