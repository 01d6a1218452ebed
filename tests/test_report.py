"""`monitor report`: the story timeline page, checked as HTML and in a real headless browser."""

from __future__ import annotations

import html.parser
import shutil
import subprocess
from pathlib import Path
from typing import Any

import duckdb
import pytest

from monitor import db, report
from monitor.cli import main

ANALYST_DATA = Path(__file__).parent / "data" / "analyst"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
DEMO_STORY = "US review of Israeli strikes in Syria"
PAUSE = "pause its strikes at least twice"
IRAQ = "airstrikes in Iraq"


@pytest.fixture(scope="module")
def fixture_page(module_fixture_db: Path) -> str:
    con = duckdb.connect(str(module_fixture_db), read_only=True)
    try:
        return report.render_story_report(con, 1)
    finally:
        con.close()


class Elements(html.parser.HTMLParser):
    """Every start tag with its attributes, and the text inside chosen elements."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self._stack: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        self.tags.append((tag, attributes))
        if tag not in {"br", "meta", "circle", "line", "rect", "i"}:
            self._stack.append({"tag": tag, "attrs": attributes, "text": []})

    def handle_endtag(self, tag: str) -> None:
        while self._stack:
            node = self._stack.pop()
            text = "".join(node["text"])
            node["attrs"]["__text__"] = text
            if self._stack:
                self._stack[-1]["text"].append(text)
            if node["tag"] == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._stack:
            self._stack[-1]["text"].append(data)

    def find(self, tag: str, class_: str | None = None, **attrs: str) -> list[dict[str, str]]:
        """Elements of TAG that carry class CLASS_ and exactly the given attribute values."""
        return [
            a
            for t, a in self.tags
            if t == tag
            and (class_ is None or class_ in a.get("class", "").split())
            and all(a.get(k) == v for k, v in attrs.items())
        ]


def parse(page: str) -> Elements:
    parser = Elements()
    parser.feed(page)
    parser.close()
    return parser


def test_page_is_self_contained(fixture_page: str) -> None:
    parsed = parse(fixture_page)
    assert not [a for t, a in parsed.tags if "src" in a]
    assert not [t for t, _ in parsed.tags if t in {"link", "script", "iframe", "img", "object"}]
    assert "@import" not in fixture_page and "url(" not in fixture_page
    external = {a["href"] for _, a in parsed.tags if "href" in a and not a["href"].startswith("#")}
    assert external and all(h.startswith("http://127.0.0.1:8765/") for h in external)


def test_marks_one_per_article_version_with_outlet_and_url(fixture_page: str) -> None:
    marks = parse(fixture_page).find("a", class_="mark")
    assert [m["data-version-id"] for m in marks] == ["1", "2", "3"]
    assert [m["data-outlet"] for m in marks] == [
        "worldpeacewithjustice",
        "Al Mayadeen English",
        "Al Mayadeen English",
    ]
    assert [m["class"].split()[1] for m in marks] == ["mark-opener", "mark-new", "mark-changed"]
    assert marks[1]["data-new-claims"] == "6" and marks[1]["href"] == "#v-2"
    assert all(m["data-article-url"].startswith("http://127.0.0.1:8765/") for m in marks)


def test_new_claims_are_highlighted_where_they_first_appeared(fixture_page: str) -> None:
    parsed = parse(fixture_page)
    glance = parsed.find("li", class_="glance-claim")
    assert [g["data-claim-id"] for g in glance] == ["9", "10", "11", "12", "13", "14", "15"]
    pause = parsed.find("li", id="claim-11")
    assert (
        len(pause) == 1 and pause[0]["data-status"] == "new" and pause[0]["data-version-id"] == "2"
    )
    assert PAUSE in pause[0]["__text__"]
    assert pause[0]["data-article-url"].endswith("wsj-us-prescreens-israeli-raids.html")
    # Claims of the first report are listed, but not marked as news.
    opener = parsed.find("li", class_="claim-opener")
    assert len(opener) == 8 and all(o["data-version-id"] == "1" for o in opener)
    # Every claim item leads back to its article.
    items = parsed.find("li", class_="claim")
    assert len(items) == 8 + 6 + 5 + 1 + 10
    assert all(i["data-article-url"].startswith("http://") for i in items)


def test_changed_claims_show_before_and_after(fixture_page: str) -> None:
    changed = parse(fixture_page).find("li", class_="claim-changed")
    assert len(changed) == 1 and changed[0]["id"] == "claim-15"
    assert "<del>twice</del>" in fixture_page and "<ins>three times</ins>" in fixture_page
    assert 'href="#claim-11">first in Al Mayadeen English' in fixture_page


def test_source_links_point_at_the_sentence() -> None:
    url = report.text_fragment_url(
        "http://example.org/a.html",
        "The US urged “Israel” to pause its strikes at least twice in order to avoid it.",
    )
    assert url.startswith("http://example.org/a.html#:~:text=The%20US%20urged%20")
    assert url.endswith(",to%20avoid%20it.")
    assert (
        report.text_fragment_url("http://x.org/#top", "Al-Tanf, again.")
        == "http://x.org/#:~:text=Al%2DTanf%2C%20again."
    )


def test_story_is_found_by_id_or_name_part(module_fixture_db: Path) -> None:
    con = duckdb.connect(str(module_fixture_db), read_only=True)
    try:
        assert report.find_story(con, "1")["name"] == DEMO_STORY
        assert report.find_story(con, "israeli STRIKES")["story_id"] == 1
        with pytest.raises(report.StoryNotFoundError, match="no story with id 99"):
            report.find_story(con, 99)
        with pytest.raises(report.StoryNotFoundError, match="2 stories match 'in'"):
            report.find_story(con, "in")
        empty = report.render_story_report(con, "heatwave")
    finally:
        con.close()
    assert "No articles yet." in empty and "Only one article so far" in empty


def test_cli_writes_the_page(
    module_fixture_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "reports" / "syria.html"
    assert main(["report", "--db", str(module_fixture_db), "Syria", "--out", str(out)]) == 0
    assert capsys.readouterr().out.strip() == f"wrote {out}"
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert main(["report", "--db", str(module_fixture_db), "volcano"]) == 2
    assert "no story name contains 'volcano'" in capsys.readouterr().err


# --- the demo story, in a real browser --------------------------------------------------------


@pytest.fixture(scope="module")
def demo_page(demo_database: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    con = duckdb.connect(str(demo_database), read_only=True)
    try:
        return report.write_story_report(
            con, DEMO_STORY, tmp_path_factory.mktemp("page") / "story.html"
        )
    finally:
        con.close()


@pytest.mark.slow
def test_demo_report_shows_what_the_later_article_added(demo_page: Path) -> None:
    parsed = parse(demo_page.read_text(encoding="utf-8"))
    marks = parsed.find("a", class_="mark")
    assert [m["data-outlet"] for m in marks] == ["Levant Wire", "Al Mayadeen English"]
    assert [m["class"].split()[1] for m in marks] == ["mark-opener", "mark-new"]
    glance = " ".join(g["__text__"] for g in parsed.find("li", class_="glance-claim"))
    assert PAUSE in glance and IRAQ in glance
    who = [w["__text__"] for w in parsed.find("div", class_="glance-who")]
    assert len(who) == 1 and who[0].startswith("Al Mayadeen English")
    # The demo feed's pubDate and the page's metadata agree; the card says which one was kept.
    sources = [s["__text__"] for s in parsed.find("span", class_="date-source")]
    assert sources == ["(feed date)", "(feed date)"]


def _chromium() -> str:
    """The chromium binary; tests never install it (.ci/run does, as an explicit step)."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.skip("chromium is not installed: `apt-get install -y chromium` (what .ci/run does)")
    return found


def _headless(binary: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            *args,
        ],
        check=False,
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.mark.slow
def test_demo_report_renders_in_headless_chromium(demo_page: Path, tmp_path: Path) -> None:
    binary = _chromium()
    dom = _headless(binary, tmp_path / "profile", "--dump-dom", demo_page.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    parsed = parse(dom.stdout)
    assert len(parsed.find("a", class_="mark")) == 2
    assert len(parsed.find("circle")) == 2
    new_items = parsed.find("li", class_="claim-new")
    texts = " ".join(item["__text__"] for item in new_items)
    assert PAUSE in texts and IRAQ in texts
    assert all(item["data-article-url"].startswith("http://127.0.0.1:") for item in new_items)
    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / "story-report.png"
    screenshot.unlink(missing_ok=True)
    shot = _headless(
        binary,
        tmp_path / "profile",
        f"--screenshot={screenshot}",
        "--window-size=1280,2000",
        "--hide-scrollbars",
        demo_page.as_uri(),
    )
    assert shot.returncode == 0, shot.stderr[-2000:]
    assert screenshot.stat().st_size > 10_000
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.slow
def test_fixture_report_with_a_changed_claim_renders_in_headless_chromium(
    module_fixture_db: Path, tmp_path: Path
) -> None:
    binary = _chromium()
    con = duckdb.connect(str(module_fixture_db), read_only=True)
    try:
        page = report.write_story_report(con, 1, tmp_path / "story.html")
    finally:
        con.close()
    dom = _headless(binary, tmp_path / "profile", "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    parsed = parse(dom.stdout)
    assert [m["data-version-id"] for m in parsed.find("a", class_="mark")] == ["1", "2", "3"]
    changed = parsed.find("li", class_="claim-changed")
    assert len(changed) == 1 and "three times" in changed[0]["__text__"]
    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / "story-report-changed-claim.png"
    shot = _headless(
        binary,
        tmp_path / "profile",
        f"--screenshot={screenshot}",
        "--window-size=1280,2000",
        "--hide-scrollbars",
        page.as_uri(),
    )
    assert shot.returncode == 0 and screenshot.stat().st_size > 10_000


# --- possibly restated claims ----------------------------------------------------------------


def _judge(con: duckdb.DuckDBPyConnection, claim_id: int, nearest: int, confidence: float) -> None:
    db.execute(
        con,
        "report_test_judge_claim",
        {"claim_id": claim_id, "uncertain": True, "nearest": nearest, "confidence": confidence},
    )


@pytest.fixture()
def restated_db(fixture_db: Path) -> Path:
    """The fixture story after the judge was unsure about three claims of its second article."""
    with db.open_db(fixture_db) as con:
        _judge(con, 10, 5, 0.42)  # closest claim in the first article: possibly restated
        _judge(con, 12, 9, 0.45)  # closest claim in its own article: says nothing, stays new
        _judge(con, 15, 2, 0.55)  # a changed claim is never possibly restated
    return fixture_db


@pytest.fixture()
def restated_page(restated_db: Path) -> str:
    con = duckdb.connect(str(restated_db), read_only=True)
    try:
        return report.render_story_report(con, 1)
    finally:
        con.close()


@pytest.fixture()
def claim_texts(restated_db: Path) -> dict[int, str]:
    con = duckdb.connect(str(restated_db), read_only=True)
    try:
        return {
            int(cid): text for cid, text in con.execute("SELECT id, text FROM claims").fetchall()
        }
    finally:
        con.close()


def test_possibly_restated_claims_are_grouped_beside_their_closest_earlier_claim(
    restated_page: str, claim_texts: dict[int, str]
) -> None:
    parsed = parse(restated_page)
    texts = claim_texts
    groups = parsed.find("div", class_="restated")
    assert [g["id"] for g in groups] == ["restated-2"]
    group = groups[0]["__text__"]
    assert "Possibly restated (1)" in group
    assert texts[10] in group and texts[5] in group  # the claim and its closest earlier claim
    assert "42 % sure" in group and "worldpeacewithjustice" in group
    assert not [cid for cid in (9, 11, 12, 13, 14, 15) if texts[cid] in group]
    item = parsed.find("li", class_="claim-restated")
    assert (
        len(item) == 1 and item[0]["id"] == "claim-10" and item[0]["data-nearest-claim-id"] == "5"
    )
    assert 'href="#claim-5">' in restated_page and parsed.find("li", id="claim-5")
    # Confident new claims come first and keep their own list.
    new = [int(i["data-claim-id"]) for i in parsed.find("li", class_="claim-new")]
    assert new == [9, 11, 12, 13, 14]
    assert restated_page.index('id="claim-14"') < restated_page.index('id="restated-2"')
    # A changed claim keeps its before -> after display.
    changed = parsed.find("li", class_="claim-changed")
    assert [c["id"] for c in changed] == ["claim-15"]
    assert "<del>twice</del>" in restated_page and "<ins>three times</ins>" in restated_page


def test_new_counts_leave_out_possibly_restated_claims(restated_page: str) -> None:
    parsed = parse(restated_page)
    stats = {s["__text__"].strip() for s in parsed.find("div", class_="stat")}
    assert "13new" in stats and "1possibly restated" in stats  # 14 new claims, one of them unsure
    mark = parse(restated_page).find("a", class_="mark", **{"data-version-id": "2"})[0]
    assert mark["data-new-claims"] == "5" and mark["data-restated-claims"] == "1"
    glance = [(g["data-claim-id"], g["class"]) for g in parsed.find("li", class_="glance-claim")]
    assert glance[-2:] == [
        ("10", "glance-claim glance-restated"),
        ("15", "glance-claim glance-changed"),
    ]
    ledger = parsed.find("tr", id="ledger-10")[0]["__text__"]
    assert "possibly restated" in ledger
    assert "Possibly restated</b>: the claims judge" in restated_page  # the legend, once
    assert restated_page.count('class="restated-legend"') == 1


@pytest.mark.slow
def test_demo_report_groups_the_possibly_restated_claim(
    demo_database: Path, demo_page: Path
) -> None:
    con = duckdb.connect(str(demo_database), read_only=True)
    try:
        restated = con.execute(
            "SELECT claim_id, text, nearest_text FROM new_claims WHERE possibly_restated"
        ).fetchall()
        confident = con.execute(
            "SELECT text FROM new_claims WHERE kind = 'new' AND NOT possibly_restated "
            "AND NOT opens_story"
        ).fetchall()
    finally:
        con.close()
    assert restated and confident
    page = demo_page.read_text(encoding="utf-8")
    parsed = parse(page)
    groups = parsed.find("div", class_="restated")
    assert len(groups) == 1
    group = groups[0]["__text__"]
    for claim_id, text, nearest in restated:
        assert text in group and nearest in group
        assert parsed.find("li", class_="claim-restated", id=f"claim-{claim_id}")
    assert not [text for (text,) in confident if text in group]
    assert PAUSE in " ".join(i["__text__"] for i in parsed.find("li", class_="claim-new"))
