"""Feed polling against a real loopback server and a real DuckDB file."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import time
from pathlib import Path

import duckdb
import pytest

from monitor import cli, db, feeds
from monitor.errors import ParseError
from monitor.localserver import FixtureServer, Request, Response
from monitor.settings import FeedConfig, FetchSettings, PollingSettings

DATA = Path(__file__).parent / "data" / "feeds"
NOW = dt.datetime(2026, 11, 21, 12, 0, 0)
FETCH = FetchSettings(allow_private_networks=True, connect_timeout_s=2, read_timeout_s=2)
POLLING = PollingSettings(
    default_interval_minutes=15,
    min_interval_minutes=5,
    max_interval_minutes=24 * 60,
    error_limit=3,
    backoff_base_minutes=5,
)
_paths = itertools.count()


def fixture(name: str) -> bytes:
    return (DATA / name).read_bytes()


def unique(name: str) -> str:
    return f"/{next(_paths)}/{name}"


def poll(
    con: duckdb.DuckDBPyConnection,
    urls: list[str],
    now: dt.datetime = NOW,
    fetch: FetchSettings = FETCH,
    polling: PollingSettings = POLLING,
) -> feeds.PollReport:
    """One polling round as the flow runs it."""
    feeds.sync_feeds(con, [FeedConfig(url=u) for u in urls], polling, now)
    due = feeds.select_due_feeds(con, polling, now)
    return feeds.save_feed_results(con, feeds.fetch_feeds(due, fetch), polling, now)


def row(con: duckdb.DuckDBPyConnection, url: str) -> feeds.FeedHealth:
    return next(f for f in feeds.list_feeds(con) if f.url == url)


def entries(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return db.query(con, "entries_test_list")


# --- parse_feed: pure ----------------------------------------------------------------------------


def test_parse_feed_resolves_relative_links_and_counts_bad_entries() -> None:
    parsed = feeds.parse_feed(fixture("world.rss"), "https://news.example/feeds/world.rss", {})
    assert (parsed.title, parsed.site_url, parsed.ttl_minutes) == (
        "Example World News",
        "https://news.example/world/",
        45,
    )
    assert [(e.guid, e.url) for e in parsed.entries] == [
        ("news-example-1001", "https://news.example/world/talks-resume"),
        ("news-example-1002", "https://news.example/world/relative-story"),
        ("https://news.example/world/guid-only", "https://news.example/world/guid-only"),
    ]
    assert parsed.entries[0].published_at == dt.datetime(2026, 11, 21, 8, 0)
    assert (parsed.missing_links, parsed.relative_links, parsed.duplicate_guids) == (1, 1, 1)
    assert parsed.bad_entries == 2 and not parsed.bozo


def test_parse_json_feed() -> None:
    parsed = feeds.parse_feed(
        fixture("feed.json"),
        "https://json.example/feed.json",
        {"content-type": "application/feed+json"},
    )
    assert parsed.title == "Example JSON Feed"
    assert [(e.guid, e.url) for e in parsed.entries] == [
        ("j1", "https://json.example/a"),
        ("j2", "https://json.example/b"),
    ]
    assert parsed.entries[0].published_at == dt.datetime(2026, 11, 21, 6, 0)
    assert (parsed.missing_links, parsed.relative_links) == (1, 1)


def test_malformed_feed_without_entries_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="malformed feed with no entries"):
        feeds.parse_feed(fixture("malformed.xml"), "http://x/malformed.xml", {})
    with pytest.raises(ParseError, match="not a feed: image"):
        feeds.parse_feed(b"\x89PNG....", "http://x/logo.png", {"content-type": "image/png"})
    with pytest.raises(ParseError, match="empty"):
        feeds.parse_feed(b"  \n", "http://x/empty", {})


def test_an_html_page_is_not_a_feed_and_its_advertised_feeds_are_named() -> None:
    page = (
        b"<!DOCTYPE html><html><head><title>News</title>"
        b'<link rel="alternate" type="application/rss+xml" href="/world/feed.xml">'
        b'<link rel="stylesheet" href="/site.css"></head><body><p>Hello</body></html>'
    )
    with pytest.raises(
        ParseError, match="HTML page; it links to the feed.s. https://news.example/world/feed.xml"
    ):
        feeds.parse_feed(page, "https://news.example/world/", {"content-type": "text/html"})


def test_malformed_feed_with_entries_is_kept_and_noted() -> None:
    body = (
        b'<rss version="2.0"><channel><title>Sloppy & co</title>'
        b"<item><title>ok</title><link>https://sloppy.example/1</link></item></channel></rss>"
    )
    parsed = feeds.parse_feed(body, "https://sloppy.example/rss", {})
    assert parsed.bozo and parsed.bozo_message
    assert [e.url for e in parsed.entries] == ["https://sloppy.example/1"]


def _bomb(kind: str) -> bytes:
    if kind == "nested":
        return fixture("billion-laughs.xml")
    if kind == "one-line":
        return fixture("billion-laughs.xml").replace(b"\n", b"")
    if kind == "quadratic":
        value = b"A" * 50_000
        return (
            b'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY a "' + value + b'">\n]>\n'
            b'<rss version="2.0"><channel><title>' + b"&a;" * 20_000 + b"</title></channel></rss>"
        )
    if kind == "huge-dtd":
        declarations = b"".join(b"<!ELEMENT e%d (#PCDATA)>\n" % i for i in range(5000))
        return b'<?xml version="1.0"?>\n<!DOCTYPE rss [\n' + declarations + b"]>\n<rss/>"
    if kind == "utf-16":
        return (
            fixture("billion-laughs.xml")
            .decode()
            .replace('version="1.0"', 'version="1.0" encoding="utf-16"')
            .encode("utf-16")
        )
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["nested", "one-line", "quadratic", "huge-dtd", "utf-16"])
def test_xml_bombs_are_refused_before_parsing(kind: str) -> None:
    # Unchecked, feedparser 6.0.14 takes ~47 s and ~2.9 GB on "quadratic" (its "safe entity"
    # filter keeps a plain 50 kB entity) and ~2 s on "one-line"; the prolog check stops them.
    with pytest.raises(ParseError, match="refused"):
        feeds.parse_feed(_bomb(kind), "http://bomb.example/feed", {})


def test_small_declared_entities_still_parse() -> None:
    body = (
        b'<?xml version="1.0"?>\n<!DOCTYPE rss [\n  <!ENTITY site "https://ent.example">\n]>\n'
        b'<rss version="2.0"><channel><title>T</title><item><title>x</title>'
        b"<link>&site;/story</link></item></channel></rss>"
    )
    parsed = feeds.parse_feed(body, "https://ent.example/rss", {})
    assert [e.url for e in parsed.entries] == ["https://ent.example/story"]


# --- next_check_at: pure -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "minutes"),
    [
        ({"interval_minutes": 15}, 15),
        ({"interval_minutes": 15, "ttl_minutes": 60}, 60),
        ({"interval_minutes": 15, "ttl_minutes": 60, "max_age_s": 7200}, 120),
        ({"interval_minutes": 15, "retry_after_s": 3600}, 60),
        ({"interval_minutes": 1}, 5),  # clamped up to min_interval_minutes
        ({"interval_minutes": 15, "ttl_minutes": 100_000}, 24 * 60),  # clamped down to max
        ({"interval_minutes": 15, "max_age_s": 10**9}, 24 * 60),
        ({"interval_minutes": 1, "error_count": 1}, 5),  # backoff 5, 10, 20, ...
        ({"interval_minutes": 1, "error_count": 3}, 20),
        ({"interval_minutes": 1, "error_count": 500}, 24 * 60),
        ({"interval_minutes": 15, "error_count": 2, "retry_after_s": 30 * 60}, 30),
    ],
)
def test_next_check_at(kwargs: dict, minutes: int) -> None:
    assert feeds.next_check_at(NOW, POLLING, **kwargs) == NOW + dt.timedelta(minutes=minutes)


# --- the polling round against the loopback server -----------------------------------------------


def test_one_round_records_each_feed_and_failures_do_not_stop_others(
    con: duckdb.DuckDBPyConnection, server: FixtureServer
) -> None:
    ok = server.add(
        unique("world.rss"),
        fixture("world.rss"),
        "application/rss+xml",
        headers={"Cache-Control": "public, max-age=7200"},
    )
    broken = server.add(unique("500.xml"), "oops", status=500)
    malformed = server.add(unique("malformed.xml"), fixture("malformed.xml"), "text/xml")
    slow = server.route(
        unique("slow.xml"), lambda r: Response(200, fixture("world.rss"), delay_s=8.0)
    )
    busy = server.route(unique("busy.xml"), lambda r: Response(429, b"", {"Retry-After": "3600"}))
    bomb = server.add(unique("bomb.xml"), fixture("billion-laughs.xml"), "text/xml")
    fetch = FETCH.model_copy(update={"read_timeout_s": 1.5})  # generous: CI machines are busy

    report = poll(con, [ok, broken, malformed, slow, busy, bomb], fetch=fetch)

    assert (report.feeds_polled, report.failed, report.new_entries, report.bad_entries) == (
        6,
        5,
        3,
        2,
    )
    assert report.relative_links == 1
    good = row(con, ok)
    assert (good.title, good.error_count, good.last_error, good.last_status) == (
        "Example World News",
        0,
        None,
        200,
    )
    assert good.last_success_at == NOW and good.ttl_minutes == 45
    assert good.next_check_at == NOW + dt.timedelta(minutes=120)  # max-age beats ttl and interval
    assert (good.entries_total, good.bad_entries) == (3, 2)
    failed = {url: row(con, url) for url in (broken, malformed, slow, busy, bomb)}
    assert "HTTP 500" in (failed[broken].last_error or ""), failed[broken]
    assert failed[broken].last_status == 500
    assert "malformed feed" in (failed[malformed].last_error or "")
    assert "read timeout" in (failed[slow].last_error or "")
    assert "HTTP 429" in (failed[busy].last_error or "")
    assert failed[busy].next_check_at == NOW + dt.timedelta(minutes=60)  # Retry-After honoured
    assert "billion laughs" in (failed[bomb].last_error or "")
    for feed in failed.values():
        assert feed.error_count == 1 and feed.last_success_at is None and not feed.parked
        assert feed.next_check_at >= NOW + dt.timedelta(minutes=5)
    stored = entries(con)
    assert [(e[1], e[2], e[3]) for e in stored] == [
        ("news-example-1001", "https://news.example/world/talks-resume", "pending"),
        ("news-example-1002", server.url("/world/relative-story"), "pending"),  # feed URL is base
        ("https://news.example/world/guid-only", "https://news.example/world/guid-only", "pending"),
    ]


def test_304_with_etag_and_last_modified_adds_nothing(
    con: duckdb.DuckDBPyConnection, server: FixtureServer
) -> None:
    by_etag = server.add(unique("world.rss"), fixture("world.rss"), "application/rss+xml")
    stamp = "Mon, 03 Apr 2023 01:02:03 GMT"

    def by_date(request: Request) -> Response:
        if request.headers.get("If-Modified-Since") == stamp:
            return Response(304)
        return Response(
            200,
            fixture("feed.json"),
            {"Last-Modified": stamp, "Content-Type": "application/feed+json"},
        )

    dated = server.route(unique("feed.json"), by_date)
    first = poll(con, [by_etag, dated])
    assert (first.new_entries, first.not_modified, first.failed) == (5, 0, 0)
    later = NOW + dt.timedelta(days=2)
    second = poll(con, [by_etag, dated], now=later)
    assert (second.feeds_polled, second.not_modified, second.new_entries) == (2, 2, 0)
    assert len(entries(con)) == 5
    assert row(con, by_etag).last_status == 304 and row(con, by_etag).last_success_at == later
    assert row(con, dated).next_check_at == later + dt.timedelta(minutes=15)
    dated_path = dated.replace(server.base_url, "")
    last_dated = [r for r in server.requests if r.path == dated_path][-1]
    assert last_dated.headers.get("If-Modified-Since") == stamp


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_http_date_sets_next_check(
    con: duckdb.DuckDBPyConnection, server: FixtureServer, status: int
) -> None:
    wait_s = 3 * 3600
    retry_at = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + wait_s))
    busy = server.route(
        unique("busy.xml"), lambda r: Response(status, b"", {"Retry-After": retry_at})
    )
    poll(con, [busy])
    delay = row(con, busy).next_check_at - NOW
    assert dt.timedelta(minutes=170) <= delay <= dt.timedelta(minutes=180)
    assert row(con, busy).last_status == status


def test_redirects_oversized_and_guarded_feeds(
    con: duckdb.DuckDBPyConnection, server: FixtureServer
) -> None:
    target = server.add(unique("world.rss"), fixture("world.rss"), "application/rss+xml")
    moved = server.route(unique("old.rss"), lambda r: Response(301, headers={"Location": target}))
    huge = server.route(
        unique("huge.xml"), lambda r: Response(200, chunks=[b"<rss>" + b" " * 4096] * 100)
    )
    report = poll(con, [moved, huge], fetch=FETCH.model_copy(update={"max_feed_bytes": 20_000}))
    assert (report.new_entries, report.failed) == (3, 1)
    assert "exceeds the cap of 20000 bytes" in (row(con, huge).last_error or "")
    guarded = server.add(unique("world.rss"), fixture("world.rss"))
    poll(con, [guarded], fetch=FetchSettings())
    assert "loopback" in (row(con, guarded).last_error or "")
    assert server.hits(guarded.replace(server.base_url, "")) == 0


def test_updated_entry_is_queued_again_only_when_its_updated_date_changes(
    con: duckdb.DuckDBPyConnection, server: FixtureServer
) -> None:
    served = {"updated": "2026-11-21T10:00:00Z"}
    url = server.route(
        unique("updates.atom"),
        lambda r: Response(
            200,
            fixture("updates.atom").replace(b"UPDATED_AT", served["updated"].encode()),
            {"Content-Type": "application/atom+xml"},
        ),
    )
    assert poll(con, [url]).new_entries == 1
    db.execute(con, "entries_test_set_state", ["stored"])
    served["updated"] = "2026-11-21T11:30:00Z"
    report = poll(con, [url], now=NOW + dt.timedelta(hours=1))
    assert (report.new_entries, report.updated_entries) == (0, 1)
    [(_, _guid, _, state, updated_at)] = entries(con)
    assert (state, updated_at) == ("pending", dt.datetime(2026, 11, 21, 11, 30))
    db.execute(con, "entries_test_set_state", ["stored"])
    again = poll(con, [url], now=NOW + dt.timedelta(hours=2))
    assert (again.new_entries, again.updated_entries) == (0, 0)
    assert entries(con)[0][3] == "stored"


def test_error_limit_parks_the_feed_and_reset_unparks_it(
    con: duckdb.DuckDBPyConnection,
    server: FixtureServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    broken = server.add(unique("500.xml"), "down", status=500)
    now = NOW
    for attempt in range(1, 4):
        report = poll(con, [broken], now=now)
        assert report.failed == 1 and report.parked == (1 if attempt == 3 else 0)
        now = row(con, broken).next_check_at
    parked = row(con, broken)
    assert parked.parked and parked.error_count == 3
    assert feeds.select_due_feeds(con, POLLING, now + dt.timedelta(days=30)) == []
    hits = server.hits(broken.replace(server.base_url, ""))

    database = tmp_path / "monitor.duckdb"
    config = tmp_path / "monitor.toml"
    config.write_text(f'[database]\npath = "{database}"\n', encoding="utf-8")
    con.close()
    assert cli.main(["feeds", "--config", str(config), "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed[0]["parked"] is True and "HTTP 500" in listed[0]["last_error"]
    assert cli.main(["feeds", "--config", str(config)]) == 0
    table = capsys.readouterr().out
    assert "last error" in table and "HTTP 500" in table and "monitor feeds reset" in table
    assert cli.main(["feeds", "reset", str(parked.id), "--config", str(config)]) == 0
    assert cli.main(["feeds", "--config", str(config), "reset", "999"]) == 1
    assert cli.main(["feeds", "reset", "--config", str(config)]) == 1  # neither ID nor --all
    capsys.readouterr()
    assert cli.main(["feeds", "reset", "--all", "--config", str(config)]) == 0
    assert capsys.readouterr().out.strip() == "un-parked 0 feed(s)"  # already reset by ID
    with db.open_db(database) as again:
        reset = row(again, broken)
        assert (reset.parked, reset.error_count, reset.last_error) == (False, 0, None)
        due = feeds.select_due_feeds(again, POLLING, db.utcnow())
        assert [d.url for d in due] == [broken]
    assert server.hits(broken.replace(server.base_url, "")) == hits  # parked feeds were not polled


def test_lowering_the_error_limit_parks_feeds_already_past_it(
    con: duckdb.DuckDBPyConnection, server: FixtureServer
) -> None:
    broken = server.add(unique("500.xml"), "down", status=500)
    poll(con, [broken])
    poll(con, [broken], now=row(con, broken).next_check_at)
    assert row(con, broken).error_count == 2 and not row(con, broken).parked
    strict = POLLING.model_copy(update={"error_limit": 2})
    feeds.sync_feeds(con, [FeedConfig(url=broken)], strict, NOW)
    assert row(con, broken).parked
    assert feeds.select_due_feeds(con, strict, NOW + dt.timedelta(days=30)) == []
    assert feeds.reset_parked_feeds(con, NOW) == [row(con, broken).id]
    assert not row(con, broken).parked and row(con, broken).error_count == 0


def test_feeds_removed_from_config_stop_being_polled(
    con: duckdb.DuckDBPyConnection, server: FixtureServer
) -> None:
    keep = server.add(unique("world.rss"), fixture("world.rss"))
    drop = server.add(unique("feed.json"), fixture("feed.json"), "application/feed+json")
    assert feeds.sync_feeds(con, [FeedConfig(url=keep), FeedConfig(url=drop)], POLLING, NOW) == 2
    assert feeds.sync_feeds(con, [FeedConfig(url=keep, interval_minutes=30)], POLLING, NOW) == 0
    due = feeds.select_due_feeds(con, POLLING, NOW)
    assert [(d.url, d.interval_minutes) for d in due] == [(keep, 30)]
    assert not row(con, drop).active
    assert len(feeds.select_due_feeds(con, POLLING, NOW, limit=0)) == 0


def test_feeds_check_reads_a_file_or_url_and_writes_nothing(
    server: FixtureServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "monitor.toml"
    config.write_text(
        f'[database]\npath = "{tmp_path / "db.duckdb"}"\n[fetch]\nallow_private_networks = true\n',
        encoding="utf-8",
    )
    assert (
        cli.main(
            [
                "feeds",
                "check",
                str(DATA / "world.rss"),
                "--format",
                "json",
                "--base",
                "https://news.example/feeds/world.rss",
            ]
        )
        == 0
    )
    parsed = json.loads(capsys.readouterr().out)
    assert (len(parsed["entries"]), parsed["bad_entries"], parsed["relative_links"]) == (3, 2, 1)
    url = server.add(unique("world.rss"), fixture("world.rss"), "application/rss+xml")
    assert cli.main(["feeds", "check", url, "--config", str(config)]) == 0
    assert "3 usable, 1 without an http(s) link, 1 duplicate GUIDs" in capsys.readouterr().out
    assert cli.main(["feeds", "check", str(DATA / "billion-laughs.xml")]) == 2
    assert "billion laughs" in capsys.readouterr().err
    assert not (tmp_path / "db.duckdb").exists()


# --- bounded parsing: a feed that parses for too long fails alone --------------------------------


def dense_feed(items: int, prefix: str = "dense") -> bytes:
    """An RSS document of ITEMS small items: about 150 bytes each, the costliest kind to parse."""
    body = "".join(
        f"<item><title>t{i}</title><link>http://dense.example/{prefix}/{i}</link><guid>{prefix}-{i}</guid>"
        f"<description>&lt;b&gt;{i}&lt;/b&gt;</description></item>"
        for i in range(items)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>d</title>{body}</channel></rss>'.encode()


def test_a_feed_parsing_past_its_deadline_is_recorded_and_the_others_are_stored(
    server: FixtureServer,
    con: duckdb.DuckDBPyConnection,
) -> None:
    # About 6 MB of dense items: feedparser needs about 9 s of CPU for it.
    slow = server.add(unique("dense.xml"), dense_feed(40_000), "application/rss+xml")
    quick = server.add(unique("world.rss"), fixture("world.rss"), "application/rss+xml")
    # Larger than PARSE_INLINE_MAX_BYTES, so it goes to a worker process too, and finishes there.
    medium = server.add(unique("medium.xml"), dense_feed(600, "medium"), "application/rss+xml")
    feeds.sync_feeds(con, [FeedConfig(url=u) for u in (slow, quick, medium)], POLLING, NOW)
    due = feeds.select_due_feeds(con, POLLING, NOW)
    fetched = feeds.fetch_feeds(due, FETCH)
    started = time.monotonic()
    report = feeds.save_feed_results(con, fetched, POLLING, NOW, parse_timeout_s=3.0)
    elapsed = time.monotonic() - started
    slow_row = row(con, slow)
    assert slow_row.last_error is not None and "parse timeout" in slow_row.last_error
    assert slow_row.error_count == 1 and slow_row.next_check_at > NOW  # retried at a later check
    assert report.failed == 1 and report.new_entries > 600
    assert row(con, quick).last_error is None and row(con, medium).last_error is None
    # Worker start-up is not counted against a feed, so allow for it on a busy machine.
    assert elapsed < 30, elapsed
