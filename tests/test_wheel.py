"""The wheel built from the tree ships every SQL file, and `monitor demo` runs from a plain install of it."""

from __future__ import annotations

import importlib.metadata
import os
import re
import shutil
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO_ROOT = Path(__file__).resolve().parent.parent
SETUPTOOLS_MIN = (77,)  # pyproject's build-system: a PEP 639 license string needs setuptools 77
BUILD_TIMEOUT_S = 300
DEMO_TIMEOUT_S = 600
# Left out of the copy the wheel is built from: nothing the build reads, or build leftovers.
NOT_BUILT_FROM = (
    ".git",
    ".venv",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    "*.duckdb*",
    "test-artifacts",
    "results",
)

WHERE_FROM = (
    "import flows, monitor, monitor.db, monitor.demo\n"
    "for path in (monitor.__file__, flows.__file__, monitor.db.SQL_DIR, monitor.demo.SEED_DIR):\n"
    "    print(path)\n"
)


def _setuptools_version() -> tuple[int, ...]:
    try:
        version = importlib.metadata.version("setuptools")
    except importlib.metadata.PackageNotFoundError:
        return ()
    return tuple(int(part) for part in re.findall(r"\d+", version)[:2])


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel of a clean copy of the tree, built offline with this environment's setuptools."""
    if _setuptools_version() < SETUPTOOLS_MIN:
        pytest.skip(
            "building the wheel offline needs setuptools>=77 in this environment "
            "(it is in the `test` extra: pip install -e '.[test]')"
        )
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    shutil.copytree(REPO_ROOT, source, ignore=shutil.ignore_patterns(*NOT_BUILT_FROM))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--quiet",
            "--wheel-dir",
            str(work / "dist"),
            str(source),
        ],
        check=True,
        timeout=BUILD_TIMEOUT_S,
    )
    (built,) = (work / "dist").glob("story_monitor-*.whl")
    return built


def test_the_wheel_ships_every_sql_file_and_the_demo_seeds_but_no_test_or_bench_sql(
    wheel: Path,
) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    shipped_sql = {name for name in names if name.endswith(".sql")}
    in_tree = {
        f"monitor/sql/{path.relative_to(REPO_ROOT / 'sql').as_posix()}"
        for path in (REPO_ROOT / "sql").rglob("*.sql")
    }
    assert len(in_tree) > 100
    assert shipped_sql == in_tree
    assert "monitor/sql/schema/001_core.sql" in shipped_sql
    modules = {
        path.relative_to(REPO_ROOT).as_posix()
        for folder in ("monitor", "flows")
        for path in (REPO_ROOT / folder).rglob("*.py")
    }
    assert modules - names == set(), "a package is missing from [tool.setuptools] packages"
    assert {
        "monitor/demo_seeds/000_d6164f0e30076554.txt",
        "monitor/demo_seeds/003_430f1404d43e94c3.txt",
    } <= names


def _plain_environment(home: Path) -> dict[str, str]:
    """This process's environment without anything that could put the source tree on the path."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV"}
    }
    env.update(
        PREFECT_HOME=str(home / "prefect"),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PYTHONNOUSERSITE="1",
    )
    for key in [key for key in env if key.startswith("PREFECT_API_")]:
        del env[key]  # the demo starts its own temporary Prefect server, as for a user
    return env


def test_monitor_demo_runs_from_a_non_editable_install_of_the_wheel(
    wheel: Path,
    tmp_path: Path,
) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-index",
            "--no-deps",
            "--quiet",
            str(wheel),
        ],
        check=True,
        timeout=BUILD_TIMEOUT_S,
    )
    purelib = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    # The dependencies come from this environment's site-packages, appended as plain path lines:
    # a .pth line does not run the .pth files inside that folder, so an editable finder stays off.
    (purelib / "story_monitor_test_dependencies.pth").write_text(
        "".join(f"{folder}\n" for folder in site.getsitepackages()), encoding="utf-8"
    )
    env = _plain_environment(tmp_path)
    where = subprocess.run(
        [str(python), "-c", WHERE_FROM],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    ).stdout.split()
    assert [Path(path) for path in where] == [
        purelib / "monitor" / "__init__.py",
        purelib / "flows" / "__init__.py",
        purelib / "monitor" / "sql",
        purelib / "monitor" / "demo_seeds",
    ], "the package, its SQL and the demo seeds must come from the installed wheel"

    demo = subprocess.run(
        [str(venv / "bin" / "monitor"), "demo", "--workdir", str(tmp_path / "demo")],
        check=False,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=DEMO_TIMEOUT_S,
    )
    assert demo.returncode == 0, demo.stdout[-3000:] + demo.stderr[-3000:]
    output = demo.stdout
    later_cycle = output.split("Cycle 2:", 1)[1]
    assert re.search(r"new articles 1, claims new [1-9]\d* ", later_cycle)
    assert re.search(
        r"^  \[NEW\] .+ \(.+\)$", output, re.MULTILINE
    )  # a claim the later article added
    received = re.search(r"^Alerts received by the channel: (\d+)$", output, re.MULTILINE)
    assert received and int(received.group(1)) >= 1
    assert (tmp_path / "demo" / "demo.duckdb").is_file()
