"""`monitor site`: the static story site, built by a real cycle and checked on disk and in Chromium."""

from __future__ import annotations

import base64
import functools
import html.parser
import json
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from monitor import db, site
from monitor.demo import (
    DEMO_KEYWORDS,
    DEMO_STORY,
    EARLIER,
    LATER,
    SEED_DIR,
    render_article_page,
    render_feed,
)
from monitor.localserver import FixtureServer, Response
from monitor.settings import SiteSettings, load_settings

DATA = Path(__file__).parent / "data"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-proxy-server",
    "--hide-scrollbars",
]
BROWSER_START_S = 60.0
EVENT_WAIT_S = 30.0
SETTLE_S = 0.3  # after the load event, late console messages still arrive
SCREEN_WIDTH_PX = 1280
SCREEN_MAX_HEIGHT_PX = 4000

QUAKE_SENTENCES = [
    "A magnitude 6.1 earthquake struck the coastal town of Puerto Lindo on Tuesday morning.",
    "Officials said the quake damaged dozens of homes and the harbour wall of Puerto Lindo.",
    "Rescue teams from three provinces were sent to Puerto Lindo after the earthquake.",
    "The regional governor said no deaths had been confirmed by Tuesday evening.",
    "A second tremor of magnitude 4.2 was felt in Puerto Lindo on Wednesday.",
    "Engineers found cracks in the Puerto Lindo harbour wall after the second tremor.",
]
QUAKE_OUTLETS = ["Coast Courier", "Island Post"]


# --- a real two-cycle run: two outlets' fixture site, one broken feed, the site refreshed by the cycle


def _quake_page(i: int) -> str:
    title = f"Puerto Lindo earthquake: update {i}"
    outlet = QUAKE_OUTLETS[i % 2]
    body = "".join(f"<p>{s}</p>" for s in QUAKE_SENTENCES[: 3 + i])
    return (
        f'<html><head><title>{title} | {outlet}</title><meta property="og:site_name" content="{outlet}">'
        f"</head><body><article><h1>{title}</h1>{body}</article></body></html>"
    )


def _quake_feed(base: str, count: int, harbour: bool) -> str:
    items = [
        f"<item><title>Puerto Lindo earthquake: update {i}</title><link>{base}/quake/{i}.html</link>"
        f"<guid>quake-{i}</guid></item>"
        for i in range(count)
    ]
    if harbour:
        items.append(
            f"<item><title>Fire at Port Ellis grain terminal</title><link>{base}/harbour-fire.html</link>"
            "<guid>harbour-1</guid></item>"
        )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Regional wire</title>'
        + "".join(items)
        + "</channel></rss>"
    )


@dataclass
class CycleSite:
    """The database and site folder left by two real cycles."""

    workdir: Path
    config: Path
    database: Path
    site_dir: Path
    cycles: list[dict[str, Any]] = field(default_factory=list)


@pytest.fixture(scope="module")
def cycle_site(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> CycleSite:
    from flows.cycle import run_cycle

    workdir = tmp_path_factory.mktemp("site-cycle")
    with FixtureServer() as server:
        base = server.base_url
        for article in (EARLIER, LATER):
            server.add(
                article.path,
                render_article_page(article, (SEED_DIR / article.seed).read_text(encoding="utf-8")),
            )
        for i in range(5):
            server.add(f"/quake/{i}.html", _quake_page(i))
        server.add(
            "/harbour-fire.html",
            (DATA / "articles" / "harbour-fire.html").read_text(encoding="utf-8"),
        )
        middle_east = server.add(
            "/middle-east.xml", render_feed(base, [EARLIER]), "application/rss+xml"
        )
        regional = server.add(
            "/regional.xml", _quake_feed(base, 3, harbour=False), "application/rss+xml"
        )
        broken = server.route("/broken.xml", lambda request: Response(500, b"upstream down", {}))
        keywords = ", ".join(f'"{k}"' for k in DEMO_KEYWORDS)
        config = workdir / "monitor.toml"
        config.write_text(
            '[database]\npath = "monitor.duckdb"\n'
            "[fetch]\nallow_private_networks = true\nread_timeout_s = 5\n"
            '[site]\ndir = "public"\nchart_days = 14\n'
            + "".join(f'[[feeds]]\nurl = "{url}"\n' for url in (middle_east, regional, broken))
            + f'[[stories]]\nname = "{DEMO_STORY}"\nkeywords = [{keywords}]\n',
            encoding="utf-8",
        )
        result = CycleSite(workdir, config, workdir / "monitor.duckdb", workdir / "public")
        result.cycles.append(run_cycle(config, poll_all_now=True))
        server.add("/middle-east.xml", render_feed(base, [EARLIER, LATER]), "application/rss+xml")
        server.add("/regional.xml", _quake_feed(base, 5, harbour=True), "application/rss+xml")
        result.cycles.append(run_cycle(config, poll_all_now=True))
    return result


class Links(html.parser.HTMLParser):
    """Every href and every id of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()
        self.rows: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        if "id" in attributes:
            self.ids.add(attributes["id"])
        if tag == "a" and "href" in attributes:
            self.hrefs.append(attributes["href"])
        if tag == "tr" and "data-story-id" in attributes:
            self.rows.append(attributes)


def _parse(path: Path) -> Links:
    links = Links()
    links.feed(path.read_text(encoding="utf-8"))
    return links


def _internal(href: str) -> bool:
    return not urllib.parse.urlsplit(href).scheme and not href.startswith("//")


def test_the_cycle_refreshes_the_site_after_each_run(cycle_site: CycleSite) -> None:
    settings = load_settings(cycle_site.config)
    assert settings.site.dir == cycle_site.site_dir  # relative to the config file
    assert all(not c.get("skipped") for c in cycle_site.cycles)
    assert "site" in cycle_site.cycles[-1]["stage_seconds"]
    index = _parse(cycle_site.site_dir / "index.html")
    with db.open_db(cycle_site.database, read_only=True) as con:
        listed = con.execute(
            "SELECT story_id FROM story_overview WHERE active AND articles > 0"
        ).fetchall()
    # every story with articles is on the index, and each row links to its page
    assert {int(r["data-story-id"]) for r in index.rows} == {row[0] for row in listed}
    for row in index.rows:
        assert f"stories/{row['data-story-id']}.html" in index.hrefs
        assert (cycle_site.site_dir / "stories" / f"{row['data-story-id']}.html").is_file()
    assert [p.name for p in cycle_site.workdir.iterdir() if site.STAGING_MARK in p.name] == []


def test_index_lists_tracked_stories_first_then_by_latest_activity(cycle_site: CycleSite) -> None:
    page = (cycle_site.site_dir / "index.html").read_text(encoding="utf-8")
    rows = _parse(cycle_site.site_dir / "index.html").rows
    with db.open_db(cycle_site.database, read_only=True) as con:
        overview = {
            row[0]: row[1:]
            for row in con.execute(
                "SELECT story_id, name, tracked, last_seen_at, new_claims, changed_claims FROM story_overview"
            ).fetchall()
        }
    ids = [int(r["data-story-id"]) for r in rows]
    tracked = [i for i in ids if overview[i][1]]
    assert [overview[i][0] for i in tracked] == [DEMO_STORY]
    assert ids[: len(tracked)] == tracked
    others = ids[len(tracked) :]
    assert len(others) >= 2  # the earthquake and the harbour fire
    assert [overview[i][2] for i in others] == sorted(
        (overview[i][2] for i in others), reverse=True
    )
    assert page.index("Tracked stories") < page.index("Latest stories")
    with db.open_db(cycle_site.database, read_only=True) as con:
        counts = db.query_dicts(con, "site_test_restated_counts", {"story_id": tracked[0]})[0]
    # "new" counts confident new claims; the possibly restated ones are counted apart, smaller.
    assert counts["new_claims"] > 0 and counts["restated_claims"] > 0
    assert overview[tracked[0]][3] == counts["new_claims"] + counts["restated_claims"]
    row = page[page.index(f'id="story-{tracked[0]}"') :]
    row = row[: row.index("</tr>")]
    assert f'<span class="n n-new">{counts["new_claims"]} new</span>' in row
    assert f"{counts['restated_claims']} possibly restated</div>" in row
    assert '<svg class="spark"' in page and "bar-claims" in page  # this week's activity is drawn


def test_story_page_groups_possibly_restated_claims_after_the_confident_ones(
    cycle_site: CycleSite,
) -> None:
    with db.open_db(cycle_site.database, read_only=True) as con:
        found = con.execute(
            "SELECT story_id FROM story_overview WHERE name = ?", [DEMO_STORY]
        ).fetchone()
        assert found is not None
        story_id = found[0]
        restated = con.execute(
            "SELECT claim_id, version_id, nearest_claim_id FROM new_claims "
            "WHERE story_id = ? AND possibly_restated",
            [story_id],
        ).fetchall()
    assert restated
    page = (cycle_site.site_dir / "stories" / f"{story_id}.html").read_text(encoding="utf-8")
    for claim_id, version_id, nearest_id in restated:
        card = page[page.index(f'id="v-{version_id}"') :]
        card = card[: card.index("</article>")]
        group = card[card.index(f'id="restated-{version_id}"') :]
        assert f'id="claim-{claim_id}"' in group and f'href="#claim-{nearest_id}"' in group
        assert 'class="claim claim-new"' not in group and "% sure</b> it is new" in group
        assert card.index('class="claim claim-new"') < card.index(f'id="restated-{version_id}"')


def test_every_internal_link_resolves_on_disk(cycle_site: CycleSite) -> None:
    pages = sorted(cycle_site.site_dir.rglob("*.html"))
    assert len(pages) >= 5
    parsed = {page: _parse(page) for page in pages}
    checked = 0
    for page, links in parsed.items():
        for href in filter(_internal, links.hrefs):
            path, _, fragment = href.partition("#")
            target = (page.parent / urllib.parse.unquote(path)).resolve() if path else page
            assert target.is_file(), f"{page.name}: {href} -> {target} is missing"
            assert cycle_site.site_dir in target.parents
            if fragment:
                assert fragment in parsed[target].ids, (
                    f"{page.name}: {href} has no #{fragment} target"
                )
            checked += 1
    assert checked > 20
    story_page = next(p for p in pages if p.parent.name == "stories")
    assert {"../index.html", "../feeds.html"} <= set(parsed[story_page].hrefs)


def test_feed_health_page_shows_the_failing_feed(cycle_site: CycleSite) -> None:
    page = (cycle_site.site_dir / "feeds.html").read_text(encoding="utf-8")
    assert "/broken.xml" in page and "health-failing" in page and "HTTP 500" in page
    assert page.index("/broken.xml") < page.index("/regional.xml")  # failing feeds first
    assert "of 3 feeds failing" in (cycle_site.site_dir / "index.html").read_text(encoding="utf-8")


def test_a_rebuild_renders_only_changed_pages_and_swaps_the_folder(
    cycle_site: CycleSite, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    first = site.build_site(cycle_site.database, out)
    assert first.rendered == first.stories >= 3 and first.unchanged == 0
    (out / "robots.txt").write_text("User-agent: *\nDisallow:\n", encoding="utf-8")
    story_page = next((out / "stories").iterdir())
    before = (out.stat().st_ino, story_page.stat().st_ino)
    second = site.build_site(cycle_site.database, out)
    assert (second.rendered, second.unchanged) == (0, first.stories)
    assert out.stat().st_ino != before[0]  # a new folder was swapped in ...
    assert story_page.stat().st_ino == before[1]  # ... holding the unchanged page itself
    assert (out / "robots.txt").read_text(encoding="utf-8").startswith("User-agent")
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # no staging folder left


def test_without_an_atomic_swap_pages_are_replaced_one_by_one(
    cycle_site: CycleSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "site"
    site.build_site(cycle_site.database, out, SiteSettings(stories_max=10))
    monkeypatch.setattr(
        site, "_exchange", lambda a, b: False
    )  # e.g. a file system without renameat2
    folder = out.stat().st_ino
    fewer = site.build_site(cycle_site.database, out, SiteSettings(stories_max=1))
    assert out.stat().st_ino == folder and fewer.removed >= 1
    assert len(list((out / "stories").iterdir())) == fewer.stories
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_a_folder_that_is_not_a_site_is_refused(cycle_site: CycleSite, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(site.SiteError, match="not empty and holds no story-monitor site"):
        site.build_site(cycle_site.database, tmp_path)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"
    with pytest.raises(site.SiteError, match="not a folder"):
        site.build_site(cycle_site.database, tmp_path / "notes.txt")


def test_build_from_config_takes_the_folder_from_the_config_or_out(
    cycle_site: CycleSite, tmp_path: Path
) -> None:
    summary = site.build_from_config(tmp_path / "cli-site", config=cycle_site.config)
    assert (
        summary.out_dir == tmp_path / "cli-site"
        and (tmp_path / "cli-site" / "index.html").is_file()
    )
    only_db = site.build_from_config(tmp_path / "db-only", db_path=cycle_site.database, config=None)
    assert only_db.stories == summary.stories
    settings_dir = site.build_from_config(config=cycle_site.config)
    assert settings_dir.out_dir == cycle_site.site_dir


def test_the_site_is_off_unless_configured(tmp_path: Path) -> None:
    from monitor.settings import Settings, parse_settings

    assert Settings().site.dir is None
    with pytest.raises(Exception, match="chart_days"):
        parse_settings({"site": {"chart_days": 1}})
    with pytest.raises(Exception, match="pass --out DIR or set \\[site\\] dir"):
        site.build_from_config(db_path=tmp_path / "missing.duckdb")


def test_a_symlinked_site_folder_is_updated_where_it_points(
    cycle_site: CycleSite, tmp_path: Path
) -> None:
    real = tmp_path / "www" / "monitor"
    site.build_site(cycle_site.database, real)
    (tmp_path / "public").symlink_to(real)
    site.build_site(cycle_site.database, tmp_path / "public")
    assert (tmp_path / "public").is_symlink() and (tmp_path / "public" / "index.html").is_file()
    assert sorted(p.name for p in (tmp_path / "www").iterdir()) == ["monitor"]


# --- fixture database: a merged story keeps a page that leads on -------------------------------


@pytest.fixture()
def analyst_db(tmp_path: Path) -> Path:
    path = tmp_path / "monitor.duckdb"
    with db.open_db(path) as con:
        con.execute((DATA / "analyst" / "two_cycle_story.sql").read_text(encoding="utf-8"))
        db.execute(con, "site_test_add_merged_story", [1])
    return path


def test_a_merged_story_page_leads_to_the_surviving_story(analyst_db: Path, tmp_path: Path) -> None:
    summary = site.build_site(analyst_db, tmp_path / "site")
    assert summary.merged_pages == 1
    index = _parse(tmp_path / "site" / "index.html")
    merged_id = max(int(p.stem) for p in (tmp_path / "site" / "stories").iterdir())
    assert f"stories/{merged_id}.html" not in index.hrefs
    stub = _parse(tmp_path / "site" / "stories" / f"{merged_id}.html")
    assert "1.html" in stub.hrefs and "../index.html" in stub.hrefs


# --- in headless Chromium ------------------------------------------------------------------------


class Chromium:
    """One headless Chromium driven over the DevTools protocol."""

    def __init__(self, workdir: Path) -> None:
        from websockets.sync.client import connect

        profile = workdir / "profile"
        profile.mkdir()
        self.log_path = workdir / "chromium.log"
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [
                str(CHROMIUM),
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                "--remote-debugging-port=0",
                "about:blank",
            ],
            stdout=self._log,
            stderr=self._log,
        )
        try:
            port = self._devtools_port(profile / "DevToolsActivePort")
            opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
            targets = json.loads(
                opener.open(f"http://127.0.0.1:{port}/json/list", timeout=10).read()
            )
            page = next(t for t in targets if t["type"] == "page")
            self.ws = connect(page["webSocketDebuggerUrl"], proxy=None, max_size=None)
            self._next_id = 0
            self.events: list[dict[str, Any]] = []
            for domain in ("Page", "Runtime", "Log", "Network"):
                self.call(f"{domain}.enable")
        except BaseException:
            self.close()
            raise

    def _devtools_port(self, port_file: Path) -> int:
        deadline = time.monotonic() + BROWSER_START_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"chromium exited: {self.log_path.read_text(errors='replace')[-2000:]}"
                )
            lines = port_file.read_text().splitlines() if port_file.exists() else []
            if len(lines) >= 2:
                return int(lines[0])
            time.sleep(0.05)
        raise TimeoutError(f"chromium did not open its DevTools port in {BROWSER_START_S:g} s")

    def call(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        self._next_id += 1
        self.ws.send(json.dumps({"id": self._next_id, "method": method, "params": params or {}}))
        while True:
            message = json.loads(self.ws.recv(timeout=EVENT_WAIT_S))
            if message.get("id") == self._next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return dict(message.get("result", {}))
            self.events.append(message)

    def _wait_for(self, method: str) -> None:
        while not any(e.get("method") == method for e in self.events):
            self.events.append(json.loads(self.ws.recv(timeout=EVENT_WAIT_S)))

    def _settle(self) -> None:
        deadline = time.monotonic() + SETTLE_S
        while (left := deadline - time.monotonic()) > 0:
            try:
                self.events.append(json.loads(self.ws.recv(timeout=left)))
            except TimeoutError:
                return

    def visit(self, url: str) -> Visit:
        """Load URL and report its document status, console problems and failed requests."""
        self.events = []
        navigated = self.call("Page.navigate", {"url": url})
        if navigated.get("errorText"):
            return Visit(url, None, [f"navigation failed: {navigated['errorText']}"])
        self._wait_for("Page.loadEventFired")
        self._settle()
        status, problems = None, []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Network.responseReceived":
                response = params["response"]
                if params.get("type") == "Document" and status is None:
                    status = response["status"]
                if response["status"] >= 400:
                    problems.append(f"HTTP {response['status']} for {response['url']}")
            elif method == "Network.loadingFailed":
                problems.append(f"request failed: {params.get('errorText')}")
            elif method == "Runtime.exceptionThrown":
                problems.append(f"exception: {params['exceptionDetails'].get('text')}")
            elif method == "Runtime.consoleAPICalled" and params.get("type") in (
                "error",
                "warning",
                "assert",
            ):
                problems.append(f"console.{params['type']}: {params.get('args')}")
            elif method == "Log.entryAdded" and params["entry"]["level"] in ("error", "warning"):
                problems.append(
                    f"console {params['entry']['level']}: {params['entry'].get('text')}"
                )
        return Visit(url, status, problems)

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        return result["result"].get("value")

    def screenshot(self, path: Path) -> None:
        """The whole page at SCREEN_WIDTH_PX as a PNG."""
        self.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": SCREEN_WIDTH_PX, "height": 800, "deviceScaleFactor": 1, "mobile": False},
        )
        height = self.call("Page.getLayoutMetrics")["cssContentSize"]["height"]
        self.call(
            "Emulation.setDeviceMetricsOverride",
            {
                "width": SCREEN_WIDTH_PX,
                "height": min(int(height) + 1, SCREEN_MAX_HEIGHT_PX),
                "deviceScaleFactor": 1,
                "mobile": False,
            },
        )
        shot = self.call("Page.captureScreenshot", {"format": "png"})
        self.call("Emulation.clearDeviceMetricsOverride")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(shot["data"]))

    def close(self) -> None:
        ws = getattr(self, "ws", None)
        if ws is not None:
            ws.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self._log.close()


@dataclass
class Visit:
    url: str
    status: int | None
    problems: list[str]


# getAttribute: an SVG <a>'s .href is an object, not the resolved URL
LINKS_JS = "[...document.querySelectorAll('a[href]')].map(a => new URL(a.getAttribute('href'), document.baseURI).href)"
IDS_JS = "[...document.querySelectorAll('[id]')].map(e => e.id)"


@pytest.fixture()
def browser(tmp_path: Path) -> Iterator[Chromium]:
    if not CHROMIUM.exists():
        pytest.skip(
            f"{CHROMIUM} is missing: install it with `apt-get install -y chromium` (as root) to run "
            "the browser tests"
        )
    chromium = Chromium(tmp_path)
    try:
        yield chromium
    finally:
        chromium.close()


@pytest.fixture()
def served_site(cycle_site: CycleSite) -> Iterator[str]:
    """The site folder behind a plain static web server on loopback."""

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(cycle_site.site_dir))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.mark.slow
def test_every_page_loads_in_chromium_without_errors_and_every_link_resolves(
    cycle_site: CycleSite, served_site: str, browser: Chromium
) -> None:
    origin = urllib.parse.urlsplit(served_site).netloc
    pages = {
        served_site + p.relative_to(cycle_site.site_dir).as_posix()
        for p in cycle_site.site_dir.rglob("*.html")
    }
    queue, visited, fragments = [served_site + "index.html"], {}, []
    while queue or pages - set(visited):
        url = queue.pop() if queue else min(pages - set(visited))
        if url in visited:
            continue
        visit = browser.visit(url)
        assert visit.status == 200 and visit.problems == [], visit
        visited[url] = set(browser.evaluate(IDS_JS))
        for link in browser.evaluate(LINKS_JS):
            parts = urllib.parse.urlsplit(link)
            if parts.netloc != origin:
                continue  # an outlet's article
            target = urllib.parse.urlunsplit(parts._replace(fragment=""))
            assert target in pages, f"{url} links to {link}, which is not a page of the site"
            queue.append(target)
            if parts.fragment:
                fragments.append((url, target, parts.fragment))
    assert set(visited) == pages
    missing = [(page, target, f) for page, target, f in fragments if f not in visited[target]]
    assert fragments and missing == []

    for name, url in (("site-index", "index.html"), ("site-feeds", "feeds.html")):
        browser.visit(served_site + url)
        browser.screenshot(ARTIFACTS / f"{name}.png")
    tracked = next(r for r in _parse(cycle_site.site_dir / "index.html").rows)
    browser.visit(f"{served_site}stories/{tracked['data-story-id']}.html")
    assert (
        browser.evaluate("document.querySelector('.site-nav a').getAttribute('href')")
        == "../index.html"
    )
    browser.screenshot(ARTIFACTS / "site-story.png")
    for name in ("site-index", "site-feeds", "site-story"):
        png = (ARTIFACTS / f"{name}.png").read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000


@pytest.mark.slow
def test_the_site_works_opened_as_files(cycle_site: CycleSite, browser: Chromium) -> None:
    index = (cycle_site.site_dir / "index.html").as_uri()
    visit = browser.visit(index)
    assert visit.problems == [], visit
    rows = browser.evaluate("document.querySelectorAll('tr[data-story-id]').length")
    assert rows >= 3
    for link in browser.evaluate(LINKS_JS):
        if link.startswith("file://"):
            target = browser.visit(link.split("#")[0])
            assert target.problems == [] and browser.evaluate("document.title"), target
            assert browser.evaluate("location.href") == link.split("#")[0]
