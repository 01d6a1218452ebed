"""The `monitor` command: start-up, config errors, help on every command, housekeeping commands."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from monitor import db
from monitor.cli import build_parser, main


def _all_command_paths(
    parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()
) -> list[tuple[str, ...]]:
    paths = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                paths.append((*prefix, name))
                paths.extend(_all_command_paths(sub, (*prefix, name)))
    return paths


def test_every_command_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    paths = _all_command_paths(build_parser())
    assert ("run",) in paths and ("claims", "diff") in paths and ("eval", "stories") in paths
    for path in paths:
        with pytest.raises(SystemExit) as exit_info:
            main([*path, "--help"])
        assert exit_info.value.code == 0, path
        assert "usage: monitor" in capsys.readouterr().out


def test_init_writes_config_creates_database_and_registers_tracked_story(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "monitor.toml"
    assert main(["init", "--config", str(config)]) == 0
    assert config.exists()
    database = tmp_path / "data" / "monitor.duckdb"
    with db.open_db(database, read_only=True) as con:
        stories = db.query(con, "stories_list")
    assert [row for row in stories if "Israeli strikes" in str(row)], stories
    assert main(["init", "--config", str(config)]) == 0
    assert "keeping it" in capsys.readouterr().out


def test_bad_config_names_file_key_and_expectation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "bad.toml"
    config.write_text('[fetch]\nread_timeout_s = "soon"\n[[feeds]]\nurl = "ftp://example.org/x"\n')
    assert main(["feeds", "--config", str(config)]) == 2
    error = capsys.readouterr().err
    assert f"{config}: [fetch] read_timeout_s: input should be a valid number" in error
    assert f"{config}: [feeds[0]] url: expected an http:// or https:// URL" in error


def test_missing_config_says_how_to_make_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["feeds", "--config", str(tmp_path / "absent.toml")]) == 2
    assert "run `monitor init`" in capsys.readouterr().err


def test_maintenance_and_articles_retry_on_a_fresh_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "monitor.toml"
    main(["init", "--config", str(config)])
    capsys.readouterr()
    assert main(["maintenance", "--config", str(config), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["prune"]["versions"] == 0
    assert main(["articles", "retry", "--config", str(config)]) == 0
    assert "requeued 0 entries" in capsys.readouterr().out


def test_removed_seed_urls_key_says_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "old.toml"
    config.write_text(
        '[[stories]]\nname = "Syria strikes"\nseed_urls = ["https://example.org/a"]\n'
    )
    assert main(["feeds", "--config", str(config)]) == 2
    error = capsys.readouterr().err
    assert f"{config}: stories[0]" in error
    assert "seed_urls was removed" in error
