"""What people see from the command line: help, progress, exit codes, one-line errors, read-only SQL.

Real parts throughout: DuckDB files in tmp_path, the loopback fixture site and webhook receiver,
cycles run by Prefect (the session harness), and `monitor` in subprocesses where exit matters.
"""

from __future__ import annotations

import io
import json
import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor import db, runs
from monitor.cli import main
from monitor.cli.core import EXIT_ALL_CHANNELS_FAILED, EXIT_ALL_FEEDS_FAILED, run_exit_code
from monitor.cli.progress import ProgressPrinter
from monitor.demo import DemoResult
from monitor.errors import ConfigError
from monitor.localserver import FixtureServer, WebhookReceiver
from monitor.settings import load_settings

REPO_ROOT = Path(__file__).resolve().parent.parent
SEED_DIR = REPO_ROOT / "tests" / "data" / "seeds"
CLEAN_CYCLES = 10  # cycles run in their own processes by the clean-shutdown test
PARAGRAPH = (
    "Officials in Damascus said on Tuesday that strike number {i} hit a fuel depot near the "
    "airport, and that nobody was hurt in the fire that followed."
)


def _env() -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env.pop("MONITOR_CONFIG", None)
    return env


def _monitor(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "monitor.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env or _env(),
        timeout=300,
        check=False,
    )


@pytest.fixture
def news_site() -> Iterator[tuple[FixtureServer, WebhookReceiver]]:
    """One outlet on loopback with one article in its feed, and a webhook receiver."""
    with FixtureServer() as site, WebhookReceiver() as receiver:
        body = "".join(f"<p>{PARAGRAPH.format(i=i)}</p>" for i in range(4))
        site.add(
            "/a/1.html",
            "<html><head><title>Depot fire near the airport | The Daily Ledger</title>"
            '<meta property="og:site_name" content="The Daily Ledger"></head><body><article>'
            f"<h1>Depot fire near the airport</h1>{body}</article></body></html>",
        )
        site.add(
            "/feed.xml",
            '<?xml version="1.0"?><rss version="2.0"><channel><title>Ledger</title><item>'
            f"<title>Depot fire near the airport</title><link>{site.url('/a/1.html')}</link>"
            "<guid>ledger-1</guid><pubDate>Tue, 14 Jun 2022 09:00:00 GMT</pubDate></item>"
            "</channel></rss>",
            "application/rss+xml",
        )
        yield site, receiver


def _config(tmp_path: Path, feed_url: str, channel_url: str | None) -> Path:
    config = tmp_path / "monitor.toml"
    text = (
        f'[database]\npath = "{tmp_path / "m.duckdb"}"\n[fetch]\nallow_private_networks = true\n'
        f'[[feeds]]\nurl = "{feed_url}"\n'
        '[[stories]]\nname = "Depot fire"\nkeywords = ["Damascus", "depot", "strike"]\n'
    )
    if channel_url:
        text += f'[[channels]]\nname = "desk"\nurl = "{channel_url}"\n'
    config.write_text(text)
    return config


# --- help and small things -------------------------------------------------------------------


def test_top_help_starts_here_and_query_help_lists_every_view(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "start here:" in out
    assert out.index("monitor init") < out.index("monitor run") < out.index("monitor report")
    with pytest.raises(SystemExit):
        main(["query", "--help"])
    out = capsys.readouterr().out
    views = [p.read_text() for p in db.view_files()]
    assert len(views) >= 6
    for name in (
        "story_overview",
        "story_timeline",
        "claim_ledger",
        "new_claims",
        "feed_health",
        "run_history",
    ):
        assert f"  {name} " in out
    assert "wait up to SECONDS for a running cycle and read the live file" in " ".join(out.split())


def test_reader_commands_default_to_no_wait(capsys: pytest.CaptureFixture[str]) -> None:
    from monitor.cli import build_parser

    for command in (
        ["query", "SELECT 1"],
        ["search", "x"],
        ["export", "--parquet", "d"],
        ["report", "1"],
        ["site"],
        ["runs"],
    ):
        args = build_parser([command[0]]).parse_args(command)
        assert args.wait is None and args.snapshot is False, command
    args = build_parser(["query"]).parse_args(["query", "SELECT 1", "--wait", "2.5"])
    assert args.wait == 2.5


def test_init_says_what_it_did_and_the_next_step(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "monitor.toml"
    assert main(["init", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "1 feed(s) and 1 tracked story(ies) registered" in out
    assert "next step:" in out and "monitor run" in out
    assert ".sql" not in out  # no migration file name as the status


def test_empty_story_name_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "monitor.toml"
    config.write_text('[[stories]]\nname = ""\nkeywords = ["x"]\n')
    with pytest.raises(ConfigError, match=r"stories\[0\]\] name"):
        load_settings(str(config))


def test_feeds_before_the_first_run_lists_the_config_and_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path, "https://example.org/world.rss", None)
    assert main(["feeds", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "https://example.org/world.rss" in out and "never" in out
    assert "no feeds yet" not in out
    assert not (tmp_path / "m.duckdb").exists()
    assert main(["feeds", "--config", str(config), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["registered"] is False


# --- query cannot write ------------------------------------------------------------------------


@pytest.fixture
def small_db(tmp_path: Path) -> Path:
    path = tmp_path / "q.duckdb"
    with db.open_db(path):
        pass
    return path


@pytest.mark.parametrize(
    "sql",
    [
        "COPY (SELECT 42 AS x) TO '{dir}/out.csv'",
        "ATTACH '{dir}/other.duckdb' AS other",
        "SELECT * FROM read_csv('{dir}/notes.csv')",
        "INSTALL fts",
        "LOAD fts",
        "SET enable_external_access = true",
    ],
)
def test_query_refuses_to_reach_outside_the_database(
    small_db: Path, sql: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (small_db.parent / "notes.csv").write_text("a,b\n1,2\n")
    before = sorted(p.name for p in small_db.parent.iterdir())
    assert main(["query", "--db", str(small_db), sql.format(dir=small_db.parent)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("monitor: error: ") and err.count("\n") <= 2, err
    assert "refused" in err or "locked" in err, err
    assert sorted(p.name for p in small_db.parent.iterdir()) == before


def test_query_runs_one_statement_and_refuses_empty_or_several(
    small_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["query", "--db", str(small_db), "SELECT 41 + 1 AS answer;"]) == 0
    assert "42" in capsys.readouterr().out
    assert main(["query", "--db", str(small_db), "SELECT 1; SELECT 2"]) == 2
    assert "2 statements" in capsys.readouterr().err
    for empty in ("", "  ;  "):
        assert main(["query", "--db", str(small_db), empty]) == 2
        assert "the SQL is empty" in capsys.readouterr().err


# --- one-line errors ---------------------------------------------------------------------------


def test_database_under_a_file_is_one_line_naming_the_path(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("")
    config = tmp_path / "monitor.toml"
    config.write_text(f'[database]\npath = "{tmp_path / "afile" / "m.duckdb"}"\n')
    done = _monitor("migrate", "--config", str(config))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1, done.stderr
    assert str(tmp_path / "afile") in done.stderr and "not a folder" in done.stderr


def test_database_in_a_read_only_folder_is_one_line_naming_the_path(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    if os.access(folder, os.W_OK):  # root ignores permission bits; sysfs refuses new files
        folder = Path("/sys/fs")
    config = tmp_path / "monitor.toml"
    config.write_text(f'[database]\npath = "{folder / "m.duckdb"}"\n')
    done = _monitor("migrate", "--config", str(config))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1, done.stderr
    assert str(folder) in done.stderr and "choose a writable folder" in done.stderr


def test_output_paths_that_cannot_work_are_one_line_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["deploy", "--out", str(tmp_path / "missing" / "prefect.yaml")]) == 2
    assert "does not exist; create it first" in capsys.readouterr().err
    assert (
        main(["site", "--db", str(tmp_path / "absent.duckdb"), "--out", str(tmp_path / "s")]) == 2
    )
    assert "database not found" in capsys.readouterr().err


def test_broken_pipe_exits_quietly(demo_database: Path) -> None:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "monitor.cli",
            "query",
            "--db",
            str(demo_database),
            "--format",
            "json",
            "SELECT * FROM claim_ledger",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(),
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before the first line, as with `| head -0`
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0
    assert err == ""


# --- the demo database: site, runs, ledger, report ----------------------------------------------


def test_site_command_builds_the_site(
    demo_database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_dir = tmp_path / "public"
    assert main(["site", "--db", str(demo_database), "--out", str(out_dir)]) == 0
    line = capsys.readouterr().out
    assert line.startswith("site: 1 stories") and str(out_dir / "index.html") in line
    assert (out_dir / "index.html").is_file() and (out_dir / "feeds.html").is_file()
    assert list((out_dir / "stories").glob("*.html"))


def test_runs_lists_completed_and_crashed_runs(
    demo_database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "runs.duckdb"
    shutil.copyfile(demo_database, copy)
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    with db.open_db(copy) as con:
        crashed = db.insert_with_id(
            con, "runs_start", "run_ids", [db.utcnow(), int(dead.stdout), "elsewhere"]
        )
        db.execute(con, "runs_mark_crashed", {"ids": [crashed], "now": db.utcnow()})
    assert main(["runs", "--db", str(copy)]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split()[:3] == ["run", "status", "started"]
    assert table[1].split()[:2] == [str(crashed), "crashed"]
    assert [line.split()[1] for line in table[2:]] == ["completed"] * 3
    assert main(["runs", "--db", str(copy), "--limit", "2", "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert [r["status"] for r in records] == ["crashed", "completed"]
    assert records[0]["run_id"] == crashed and records[0]["crashed_found_at"]
    with db.open_db(copy, read_only=True) as con:
        assert runs.run_history(con, 1)[0].status == "crashed"


def test_claims_ledger_has_a_header_takes_a_name_and_refuses_unknown_stories(
    demo_run: DemoResult, capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(demo_run.workdir / "monitor.toml")
    assert main(["claims", "ledger", "--config", config, "Israeli strikes"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("story 1: US review of Israeli strikes in Syria")
    assert lines[1].split()[:4] == ["claim", "kind", "outlets", "first"]
    assert lines[-1].endswith(" claims") and int(lines[-1].split()[0]) == len(lines) - 3
    assert main(["claims", "ledger", "--config", config, "1", "--format", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == int(lines[-1].split()[0])
    for unknown in ("999", "no such story"):
        assert main(["claims", "ledger", "--config", config, unknown]) == 2
        assert "monitor: error: no story" in capsys.readouterr().err
        assert (
            main(["report", "--config", config, unknown, "--out", str(demo_run.workdir / "x.html")])
            == 2
        )
        assert "monitor: error: no story" in capsys.readouterr().err


def test_report_into_a_path_under_a_file_is_one_line(demo_run: DemoResult, tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("")
    done = _monitor(
        "report",
        "--db",
        str(demo_run.database_path),
        "1",
        "--out",
        str(tmp_path / "afile" / "r.html"),
    )
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert "Traceback" not in done.stderr and str(tmp_path / "afile") in done.stderr


def test_demo_alert_links_the_story_page_of_the_demo_site(demo_run: DemoResult) -> None:
    last_line = str(demo_run.messages[-1]["message"]).strip().splitlines()[-1]
    link = last_line.split()[-1]
    assert link.startswith("file://") and link.endswith(".html")
    assert Path(link.removeprefix("file://")).is_file()
    assert any(
        "Story site: " in line and str(demo_run.site_dir) in line for line in demo_run.output
    )


# --- deploy and eval ----------------------------------------------------------------------------


def test_deploy_writes_the_committed_prefect_yaml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MONITOR_CONFIG", raising=False)
    assert main(["deploy", "--out", "x.yaml"]) == 0
    assert (tmp_path / "x.yaml").read_text() == (REPO_ROOT / "deploy" / "prefect.yaml").read_text()


def test_eval_claims_takes_data_set_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "claims", "--seed", str(SEED_DIR), "--format", "json"]) == 0
    assert "seed_pair" in json.loads(capsys.readouterr().out)
    assert main(["eval", "claims"]) == 2
    assert "give --pairs, --sts, --restatements, --own-pairs or --seed" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["eval", "claims", "--help"])
    out = capsys.readouterr().out
    for option in (
        "--sts DIR",
        "--restatements DIR",
        "--own-pairs FILE",
        "--seed DIR",
        "--model FILE",
    ):
        assert option in out


# --- progress, summary and exit codes of `monitor run` ----------------------------------------


def test_run_prints_progress_and_a_per_story_summary(
    prefect_harness: None,
    news_site: tuple[FixtureServer, WebhookReceiver],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    site, receiver = news_site
    config = _config(tmp_path, site.url("/feed.xml"), receiver.apprise_url())
    assert main(["run", "--now", "--config", str(config)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "starting Prefect…"
    stages = [line.split()[0] for line in lines[1:7]]
    assert stages == ["feeds", "articles", "stories", "claims", "alerts", "search"]
    assert lines[1].endswith("1 polled, 1 new entry")
    assert lines[7].startswith("cycle 1 completed in ")
    assert lines[8].startswith("  Depot fire: 1 new article, ")
    assert lines[9].startswith("    The Daily Ledger: Depot fire near the airport (")
    assert lines[10] == "  alerts: 1 message sent (" + lines[10].split("(")[1]
    assert not any("{" in line or "[" in line for line in lines), lines  # no Python dicts or lists
    # --format json: the summary on stdout, the progress on stderr.
    assert main(["run", "--now", "--config", str(config), "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["run_id"] == 2
    assert "starting Prefect…" in captured.err and "no new articles" in captured.err


def test_run_exits_4_when_every_feed_fails_and_5_when_every_channel_fails(
    prefect_harness: None,
    news_site: tuple[FixtureServer, WebhookReceiver],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    site, _receiver = news_site
    (tmp_path / "a").mkdir()
    feeds_down = _config(tmp_path / "a", site.url("/gone.xml"), None)
    assert main(["run", "--now", "--config", str(feeds_down)]) == EXIT_ALL_FEEDS_FAILED == 4
    out = capsys.readouterr().out
    assert f"  feed failing: {site.url('/gone.xml')}: " in out and "every due feed failed" in out
    (tmp_path / "b").mkdir()
    channel_down = _config(tmp_path / "b", site.url("/feed.xml"), "json://127.0.0.1:9/closed")
    assert main(["run", "--now", "--config", str(channel_down)]) == EXIT_ALL_CHANNELS_FAILED == 5
    out = capsys.readouterr().out
    assert "  channel failing: desk: " in out and "every alert channel failed" in out
    # Partial failure: one feed of two failed, the channel worked: exit 0 with the failure shown.
    assert (
        run_exit_code({"feeds": {"feeds_polled": 2, "failed": 1}, "alerts": {"sent_messages": 1}})
        == 0
    )
    assert run_exit_code({"skipped": "locked"}) == 3


def test_progress_bar_on_a_terminal_plain_lines_otherwise() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    logger = logging.getLogger("tests.progress")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    for stream, expect_bar in ((Terminal(), True), (io.StringIO(), False)):
        handler = ProgressPrinter(stream)
        logger.addHandler(handler)
        for done in (200, 400):
            logger.info("articles: %d of %d pages", done, 400, extra={"progress": (done, 400)})
        logger.info("claims ...")
        logger.removeHandler(handler)
        text = stream.getvalue()
        if expect_bar:
            assert "\rarticles [" + "#" * 15 + "." * 15 + "] 200/400 pages" in text
            assert text.endswith("] 400/400 pages\nclaims ...\n")
        else:
            assert text == "articles: 200 of 400 pages\narticles: 400 of 400 pages\nclaims ...\n"


def test_verbosity_levels() -> None:
    probe = (
        "import logging; from monitor.cli import _configure_logging as c; import sys; "
        "c(int(sys.argv[1])); "
        "print(logging.getLogger('monitor.feeds').getEffectiveLevel(), "
        "logging.getLogger('flows.cycle').getEffectiveLevel(), logging.getLogger('httpx').getEffectiveLevel())"
    )
    levels = {
        v: subprocess.run(
            [sys.executable, "-c", probe, str(v)],
            capture_output=True,
            text=True,
            env=_env(),
            check=True,
        ).stdout.split()
        for v in (0, 1, 2)
    }
    assert levels[0] == ["30", "30", "30"]
    assert levels[1] == ["20", "20", "30"]  # the project's INFO lines, not the libraries'
    assert levels[2] == ["10", "10", "10"]


def test_verbose_run_logs_keep_the_projects_lines_and_drop_prefects_own() -> None:
    import prefect

    import flows.cycle
    from monitor.cli.progress import ProjectRecords

    keep = ProjectRecords()

    def record(path: str, level: int = logging.INFO) -> logging.LogRecord:
        return logging.LogRecord("prefect.flow_runs", level, path, 1, "m", None, None)

    assert keep.filter(record(flows.cycle.__file__))
    assert not keep.filter(record(str(Path(prefect.__file__).parent / "task_engine.py")))
    assert keep.filter(
        record(str(Path(prefect.__file__).parent / "task_engine.py"), logging.WARNING)
    )


def test_serve_flow_runs_print_their_progress() -> None:
    probe = (
        "from flows.cycle import PROGRESS, _progress_to_stdout; _progress_to_stdout(); "
        "PROGRESS.info('feeds  0.1 s  1 polled')"
    )
    env = {**_env(), "MONITOR_PROGRESS": "1"}
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout == "feeds  0.1 s  1 polled\n"


# --- clean shutdown -----------------------------------------------------------------------------


def test_exit_during_the_extraction_warm_up_leaves_no_traceback() -> None:
    probe = (
        "from monitor.articles import ExtractionPool; "
        "pool = ExtractionPool(preload=('monitor.analysis',)); "
        "pool.warm(2); "
        "pool.finish_warm_up()"
    )
    for _ in range(3):
        done = subprocess.run(
            [sys.executable, "-c", probe],
            capture_output=True,
            text=True,
            env=_env(),
            timeout=120,
            check=False,
        )
        assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr


@pytest.mark.slow
def test_ten_fast_cycles_leave_no_traceback(
    prefect_harness: None, news_site: tuple[FixtureServer, WebhookReceiver], tmp_path: Path
) -> None:
    from prefect.settings import PREFECT_API_URL

    site, receiver = news_site
    config = _config(tmp_path, site.url("/feed.xml"), receiver.apprise_url())
    env = {**_env(), "PREFECT_API_URL": str(PREFECT_API_URL.value())}
    for cycle in range(1, CLEAN_CYCLES + 1):
        done = _monitor("run", "--now", "--config", str(config), env=env)
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr, f"cycle {cycle}:\n{done.stderr}"
        assert f"cycle {cycle} completed" in done.stdout
