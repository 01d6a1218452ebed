"""Alert outbox and delivery against a real DuckDB file and a real webhook receiver on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from monitor import alerts, db
from monitor.cli import main as cli_main
from monitor.localserver import WebhookReceiver
from monitor.settings import AlertSettings, Settings, parse_settings

DATA = Path(__file__).resolve().parent / "data"
REPO = Path(__file__).resolve().parent.parent
NOW = dt.datetime(2026, 3, 10, 10, 0)


@pytest.fixture(scope="module")
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as server:
        yield server


@pytest.fixture()
def hook(receiver: WebhookReceiver) -> WebhookReceiver:
    with receiver._lock:
        receiver.messages.clear()
        receiver._failures.clear()
    return receiver


@pytest.fixture()
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "monitor.duckdb"
    with db.open_db(path) as con:
        con.execute((DATA / "alerts_fixture.sql").read_text(encoding="utf-8"))
    return path


def make_settings(
    channels: list[dict[str, Any]], db_path: Path | None = None, **alert_settings: Any
) -> Settings:
    data: dict[str, Any] = {"channels": channels, "alerts": alert_settings}
    if db_path is not None:
        data["database"] = {"path": str(db_path)}
    return parse_settings(data)


def rows(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [
        "id",
        "kind",
        "story_id",
        "claim_id",
        "channel",
        "status",
        "attempts",
        "last_error",
        "next_attempt_at",
        "sent_at",
    ]
    return [dict(zip(names, row)) for row in db.query(con, "alerts_test_rows")]


def texts(receiver: WebhookReceiver) -> list[str]:
    return [m.get("title", "") + "\n" + m.get("message", "") for m in receiver.messages]


def test_delivery_one_message_per_story_with_claims_outlets_links_and_changes(
    con: duckdb.DuckDBPyConnection, hook: WebhookReceiver
) -> None:
    channels = alerts.build_channels(make_settings([{"url": hook.apprise_url(), "name": "team"}]))
    assert alerts.queue_alerts(con, channels, NOW) == 5
    assert alerts.queue_alerts(con, channels, NOW) == 0  # idempotent

    report = alerts.deliver_alerts(con, channels, NOW)

    assert (report.sent_messages, report.sent_alerts, report.failed_channels) == (2, 5, [])
    bridge, strike = hook.messages
    assert bridge["title"] == "Harbour bridge closure"
    body = bridge["message"]
    assert (
        "Harbour bridge closure" not in body.rsplit("\n", 1)[0]
    )  # the title is not repeated in the body
    assert body.startswith("2 new claims and 1 changed claim from 2 articles\n")
    assert body.count("Coast Gazette: Bridge repairs to take months\n") == 1
    assert "published 2026-03-10 07:55 UTC · https://gazette.example/bridge-repairs" in body
    assert (
        "  • “Engineers found cracks in two of the bridge's main cables.” · carried by 2 outlets"
        in body
    )
    assert (
        "  • Changed: “Repairs to the harbour bridge will cost 12 million euros.” (Daily Ledger)\n"
        "      → “Repairs to the harbour bridge will cost 30 million euros.”"
    ) in body
    assert body.count("Daily Ledger (updated article, version 2): Harbour bridge closed") == 1
    assert "ferry service will run every twenty minutes" in body
    assert "carried by 1 outlet" not in body and "— " not in body  # no attribution line per claim
    assert body.endswith('Story report: monitor report "Harbour bridge closure"')
    assert strike["title"] == "New story: Port strike in Valdora"
    assert strike["message"].startswith(
        "New story, first reported by North Wire. 1 new claim from 1 article."
    )
    assert (
        "North Wire: Dock workers strike in Valdora\npublished 2022-06-16 09:00 UTC"
        in strike["message"]
    )
    assert "Dock workers in Valdora walked out over unpaid overtime." in strike["message"]
    assert {r["status"] for r in rows(con)} == {"sent"}
    assert all(r["attempts"] == 1 for r in rows(con))

    again = alerts.deliver_alerts(con, channels, NOW + dt.timedelta(hours=1))
    assert again.sent_messages == 0 and len(hook.messages) == 2


def test_markdown_channel_and_report_link(
    con: duckdb.DuckDBPyConnection, hook: WebhookReceiver
) -> None:
    settings = make_settings(
        [{"url": hook.apprise_url(), "format": "markdown"}],
        report_base_url="https://monitor.example/",
    )
    channels = alerts.build_channels(settings)
    alerts.queue_alerts(con, channels, NOW)
    alerts.deliver_alerts(con, channels, NOW)
    bridge = hook.messages[0]["message"]
    assert (
        "**Coast Gazette** · [Bridge repairs to take months](https://gazette.example/bridge-repairs)"
        in bridge
    )
    assert (
        "- Changed: “Repairs to the harbour bridge will cost 12 million euros.” (Daily Ledger)"
        in bridge
    )
    assert "  → “Repairs to the harbour bridge will cost 30 million euros.”" in bridge
    assert bridge.endswith("[Open the story page](https://monitor.example/stories/1.html)")


def test_server_error_then_recovery_delivers_exactly_once(
    con: duckdb.DuckDBPyConnection, hook: WebhookReceiver
) -> None:
    channels = alerts.build_channels(
        make_settings([{"url": hook.apprise_url(), "name": "team"}], retry_backoff_min_s=60)
    )
    alerts.queue_alerts(con, channels, NOW)
    hook.fail_next(1, status=500)

    failed = alerts.deliver_alerts(con, channels, NOW)

    assert failed.failed_channels == ["team"] and failed.sent_messages == 0
    assert "500" in failed.errors["team"]
    state = rows(con)
    assert {r["status"] for r in state} == {"failed"}
    assert all(r["attempts"] == 1 and "500" in r["last_error"] for r in state)
    assert {r["next_attempt_at"] for r in state} == {NOW + dt.timedelta(seconds=60)}

    assert alerts.deliver_alerts(con, channels, NOW + dt.timedelta(seconds=30)).sent_messages == 0
    recovered = alerts.deliver_alerts(con, channels, NOW + dt.timedelta(seconds=61))
    assert recovered.sent_messages == 2 and recovered.pending == 0
    assert alerts.deliver_alerts(con, channels, NOW + dt.timedelta(hours=2)).sent_messages == 0
    bodies = texts(hook)
    assert len(bodies) == 2
    for claim in ("Engineers found cracks", "walked out over unpaid overtime", "ferry service"):
        assert sum(claim in body for body in bodies) == 1
    assert all(r["status"] == "sent" and r["attempts"] == 2 for r in rows(con))


def test_timeout_is_recorded_as_failure_and_retried_later(
    con: duckdb.DuckDBPyConnection, hook: WebhookReceiver
) -> None:
    # Apprise reads its socket timeouts from the URL: rto (read) and cto (connect), in seconds.
    url = hook.apprise_url() + "?rto=0.5"
    channels = alerts.build_channels(make_settings([{"url": url, "name": "slow"}]))
    alerts.queue_alerts(con, channels, NOW)
    hook.fail_next(1, status=200, delay_s=3.0)

    report = alerts.deliver_alerts(con, channels, NOW)

    assert report.failed_channels == ["slow"]
    state = rows(con)
    assert {r["status"] for r in state} == {"failed"}
    assert "connection error" in state[0]["last_error"].lower()
    later = alerts.deliver_alerts(con, channels, NOW + dt.timedelta(minutes=5))
    assert later.sent_messages == 2 and {r["status"] for r in rows(con)} == {"sent"}


def test_a_failing_channel_does_not_block_the_others(
    con: duckdb.DuckDBPyConnection, hook: WebhookReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MISSING_HOOK", raising=False)
    settings = make_settings(
        [
            {"url": "json://127.0.0.1:9/closed-port", "name": "down"},
            {"url": "${MISSING_HOOK}", "name": "unset"},
            {"url": hook.apprise_url(), "name": "up"},
        ],
        send_timeout_s=2,
    )
    channels = alerts.build_channels(settings)
    assert channels[1].error == "environment variable MISSING_HOOK is not set"
    alerts.queue_alerts(con, channels, NOW)

    report = alerts.deliver_alerts(con, channels, NOW)

    assert sorted(report.failed_channels) == ["down", "unset"]
    assert report.sent_messages == 2 and len(hook.messages) == 2
    by_channel = {r["channel"]: r for r in rows(con)}
    assert by_channel["unset"]["last_error"] == "environment variable MISSING_HOOK is not set"
    assert by_channel["up"]["status"] == "sent"


KILL_SCRIPT = textwrap.dedent("""
    import datetime as dt, os, signal, sys
    from monitor import alerts, db
    from monitor.settings import parse_settings

    real_send = alerts.send_message

    def send_then_die(channel, message):
        accepted = real_send(channel, message)
        os.kill(os.getpid(), signal.SIGKILL)  # after the channel accepted, before "sent" is stored
        return accepted

    alerts.send_message = send_then_die
    settings = parse_settings({"channels": [{"url": sys.argv[2], "name": "team"}]})
    channels = alerts.build_channels(settings)
    now = dt.datetime.fromisoformat(sys.argv[3])
    with db.open_db(sys.argv[1]) as con:
        alerts.queue_alerts(con, channels, now)
        alerts.deliver_alerts(con, channels, now)
""")


def test_kill_between_send_and_mark_resends_once_after_the_stale_window(
    db_path: Path, hook: WebhookReceiver
) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", KILL_SCRIPT, str(db_path), hook.apprise_url(), NOW.isoformat()],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert len(hook.messages) == 1  # the channel got the first story's message

    channels = alerts.build_channels(make_settings([{"url": hook.apprise_url(), "name": "team"}]))
    with db.open_db(db_path) as con:
        sending = [r for r in rows(con) if r["status"] == "sending"]
        assert {r["story_id"] for r in sending} == {
            1
        }  # committed before the send, survived the kill
        # Within sending_stale_after_s the rows might belong to a live run: leave them alone.
        soon = alerts.deliver_alerts(con, channels, NOW + dt.timedelta(seconds=10))
        assert soon.interrupted == 0 and soon.sent_messages == 1  # only the other story
        # Later they are resent: at-least-once, so the channel sees that message twice.
        later = alerts.deliver_alerts(con, channels, NOW + dt.timedelta(minutes=10))
        assert later.interrupted == len(sending) and later.sent_messages == 1
        assert {r["status"] for r in rows(con)} == {"sent"}
    bodies = texts(hook)
    assert sum("Engineers found cracks" in b for b in bodies) == 2
    assert sum("walked out over unpaid overtime" in b for b in bodies) == 1


def test_interrupted_rows_are_held_for_a_human_when_configured(
    con: duckdb.DuckDBPyConnection, hook: WebhookReceiver
) -> None:
    settings = make_settings([{"url": hook.apprise_url(), "name": "team"}], interrupted_send="hold")
    channels = alerts.build_channels(settings)
    alerts.queue_alerts(con, channels, NOW)
    ids = [r["id"] for r in rows(con) if r["story_id"] == 2]
    db.execute(con, "alerts_mark_sending", {"ids": ids, "now": NOW})  # as a crash would leave them

    report = alerts.deliver_alerts(con, channels, NOW + dt.timedelta(hours=1))

    assert report.interrupted == 2 and report.sent_messages == 1
    held = [r for r in rows(con) if r["story_id"] == 2]
    assert {r["status"] for r in held} == {"unknown"}
    assert "may have been delivered" in held[0]["last_error"]
    assert alerts.make_due(con) == {"team": 2}
    assert alerts.deliver_alerts(con, channels, NOW + dt.timedelta(hours=1)).sent_messages == 1


def test_long_story_is_split_within_the_size_limit_and_sums_up_the_rest(
    con: duckdb.DuckDBPyConnection, hook: WebhookReceiver
) -> None:
    con.execute((DATA / "alerts_many_claims.sql").read_text(encoding="utf-8"))
    settings = make_settings(
        [
            {
                "url": hook.apprise_url(),
                "name": "small",
                "max_message_chars": 900,
                "stories": ["Harbour bridge closure"],
            }
        ],
        max_claims_per_story=100,
        max_parts_per_message=3,
    )
    channels = alerts.build_channels(settings)
    queued = alerts.queue_alerts(con, channels, NOW)
    assert queued == 43

    report = alerts.deliver_alerts(con, channels, NOW)

    assert report.sent_messages == 3 and report.sent_alerts == 43
    titles = [m["title"] for m in hook.messages]
    assert titles == [f"Harbour bridge closure ({n}/3)" for n in (1, 2, 3)]
    assert all(len(m["title"]) + len(m["message"]) <= 900 for m in hook.messages)
    shown = sum(m["message"].count("  • ") for m in hook.messages)  # one bullet per claim
    last = hook.messages[-1]["message"]
    more = int(last.rsplit("…and ", 1)[1].split(" more")[0])
    assert shown + more == 43 and shown >= 6
    assert (
        "Changed: “Repairs to the harbour bridge will cost 12 million euros.”"
        in hook.messages[0]["message"]
    )
    assert last.endswith('Story report: monitor report "Harbour bridge closure"')
    # Each part names the articles of its claims once, at their first claim in that part.
    for message in hook.messages:
        assert message["message"].count("Coast Gazette: Bridge repairs to take months") <= 1
    assert {r["status"] for r in rows(con)} == {"sent"}


def test_claims_beyond_the_per_story_cap_are_summed_up(
    con: duckdb.DuckDBPyConnection, hook: WebhookReceiver
) -> None:
    con.execute((DATA / "alerts_many_claims.sql").read_text(encoding="utf-8"))
    channels = alerts.build_channels(
        make_settings(
            [{"url": hook.apprise_url(), "stories": ["harbour bridge closure"]}],
            max_claims_per_story=5,
        )
    )
    alerts.queue_alerts(con, channels, NOW)
    alerts.deliver_alerts(con, channels, NOW)
    (message,) = hook.messages
    assert "…and 38 more\n\nStory report: monitor report" in message["message"]


def test_secret_url_never_reaches_logs_database_or_errors(
    db_path: Path,
    hook: WebhookReceiver,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    token = "s3cretT0ken42xyz"
    secret_url = f"json://127.0.0.1:{hook.port}/hooks/{token}"
    monkeypatch.setenv("SECRET_HOOK", secret_url)
    caplog.set_level(logging.DEBUG)
    settings = make_settings([{"url": "${SECRET_HOOK}"}])
    channels = alerts.build_channels(settings)
    (channel,) = channels
    assert token not in repr(channel) and token not in channel.key
    hook.fail_next(1, status=500)
    with db.open_db(db_path) as con:
        alerts.queue_alerts(con, channels, NOW)
        failed = alerts.deliver_alerts(con, channels, NOW)
        sent = alerts.deliver_alerts(con, channels, NOW + dt.timedelta(hours=1))
        summary = alerts.render_summary_markdown(con, NOW - dt.timedelta(days=1))
        dump = []
        for (table,) in db.query(con, "alerts_test_text_columns"):
            dump += [
                str(v)
                for row in db.query(con, "alerts_test_dump_table", {"table": table})
                for v in row
            ]
    assert failed.failed_channels and sent.sent_messages == 2
    assert any(r.path.endswith(token) for r in hook.requests)  # the secret URL was really used
    haystacks = {
        "logs": caplog.text,
        "database": "\n".join(dump),
        "errors": json.dumps(failed.as_dict()),
        "summary": summary,
    }
    for where, text in haystacks.items():
        assert token not in text, where
    assert "500" in failed.errors[channel.key]


def test_redaction_covers_tokens_passwords_and_substituted_values() -> None:
    url = "mailtos://alerts:pa55w0rd-xyz@mail.example.com/?to=desk@example.com"
    secrets = alerts._secret_fragments(
        url, ["pa55w0rd-xyz"], literal="mailtos://alerts:${PW}@mail.example.com/"
    )
    message = f"failed sending to {url} with pa55w0rd-xyz"
    cleaned = alerts.redact(message, secrets)
    assert "pa55w0rd-xyz" not in cleaned and "mail.example.com" not in cleaned.replace("***", "")


def test_digest_groups_stories_into_one_message_per_period(
    con: duckdb.DuckDBPyConnection, hook: WebhookReceiver
) -> None:
    settings = make_settings([{"url": hook.apprise_url(), "name": "daily", "mode": "digest"}])
    channels = alerts.build_channels(settings)
    alerts.queue_alerts(con, channels, NOW)
    assert alerts.deliver_alerts(con, channels, NOW).sent_messages == 0  # digest channels wait

    first = alerts.deliver_digest(con, channels, NOW, period_hours=24)

    assert first.sent_messages == 1 and first.sent_alerts == 5
    (digest,) = texts(hook)
    assert digest.startswith("story-monitor digest")
    assert "2 stories, 4 new or changed claims" in digest
    assert "Harbour bridge closure" in digest and "Port strike in Valdora" in digest
    assert "Engineers found cracks" in digest and "walked out over unpaid overtime" in digest

    con.execute((DATA / "alerts_later_claim.sql").read_text(encoding="utf-8"))
    next_day = NOW + dt.timedelta(days=1)
    alerts.queue_alerts(con, channels, next_day)
    early = alerts.deliver_digest(con, channels, NOW + dt.timedelta(hours=6), period_hours=24)
    assert early.sent_messages == 0 and early.held_channels == ["daily"] and early.pending == 1
    second = alerts.deliver_digest(con, channels, next_day, period_hours=24)
    assert second.sent_messages == 1 and second.sent_alerts == 1
    assert "port authority agreed to talks" in texts(hook)[1]


def test_per_channel_filters_decide_what_is_queued(con: duckdb.DuckDBPyConnection) -> None:
    settings = make_settings(
        [
            {
                "url": "json://127.0.0.1:9/a",
                "name": "strike-desk",
                "stories": ["Port Strike in Valdora"],
            },
            {"url": "json://127.0.0.1:9/b", "name": "changes", "min_severity": "changed_claim"},
            {"url": "json://127.0.0.1:9/c", "name": "tracked", "tracked_only": True},
            {"url": "json://127.0.0.1:9/d", "name": "stories-only", "min_severity": "new_story"},
        ]
    )
    alerts.queue_alerts(con, alerts.build_channels(settings), NOW)
    queued: dict[str, set[tuple[str, int]]] = {}
    for r in rows(con):
        queued.setdefault(r["channel"], set()).add((r["kind"], r["claim_id"]))
    assert queued == {
        "strike-desk": {("new_story", 0), ("new_claim", 14)},
        "changes": {("changed_claim", 12), ("new_story", 0)},
        "tracked": {("new_claim", 11), ("changed_claim", 12), ("new_claim", 13)},
        "stories-only": {("new_story", 0)},
    }


def test_quiet_hours_hold_immediate_alerts_until_morning(
    con: duckdb.DuckDBPyConnection, hook: WebhookReceiver
) -> None:
    settings = make_settings(
        [
            {"url": hook.apprise_url(), "name": "night"},
            {"url": hook.apprise_url("/oncall"), "name": "oncall", "quiet_hours": False},
        ],
        quiet_hours_start="22:00",
        quiet_hours_end="07:00",
        timezone="Europe/Berlin",
    )
    channels = alerts.build_channels(settings)
    late = dt.datetime(2026, 3, 10, 22, 30)  # 23:30 in Berlin
    alerts.queue_alerts(con, channels, late)
    report = alerts.deliver_alerts(con, channels, late)
    assert report.held_channels == ["night"] and report.sent_messages == 2 and report.pending == 5
    morning = dt.datetime(2026, 3, 11, 6, 5)  # 07:05 in Berlin
    assert alerts.deliver_alerts(con, channels, morning).sent_messages == 2


def test_cli_lists_deliveries_and_retry_forces_failed_rows_out(
    db_path: Path, tmp_path: Path, hook: WebhookReceiver, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "monitor.toml"
    config.write_text(
        f'[database]\npath = "{db_path.as_posix()}"\n\n'
        f'[[channels]]\nname = "team"\nurl = "{hook.apprise_url()}"\n',
        encoding="utf-8",
    )
    settings = make_settings([{"url": hook.apprise_url(), "name": "team"}], db_path)
    channels = alerts.build_channels(settings)
    with db.open_db(db_path) as con:
        alerts.queue_alerts(con, channels, NOW)
        hook.fail_next(1, status=503)
        alerts.deliver_alerts(con, channels, db.utcnow())

    assert (
        cli_main(["alerts", "--config", str(config), "--status", "failed", "--format", "json"]) == 0
    )
    listed = json.loads(capsys.readouterr().out)
    assert len(listed) == 5 and all("503" in row["last_error"] for row in listed)

    assert cli_main(["alerts", "retry", "--config", str(config)]) == 0
    assert "5 deliveries made due; sent 2 message(s) carrying 5 alert(s)" in capsys.readouterr().out
    assert len(hook.messages) == 2

    assert cli_main(["alerts", "--config", str(config), "--limit", "3"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split()[:4] == ["id", "status", "kind", "channel"] and len(table) == 4

    assert cli_main(["alerts", "channels", "--config", str(config), "--format", "json"]) == 0
    (described,) = json.loads(capsys.readouterr().out)
    assert (described["key"], described["service"], described["error"]) == ("team", "JSON", None)


def test_run_summary_markdown_lists_the_runs_claims_per_story(
    con: duckdb.DuckDBPyConnection,
) -> None:
    summary = alerts.render_summary_markdown(con, dt.datetime(2026, 3, 10, 8, 5))
    assert summary.startswith("# story-monitor: 2 new or changed claims in 2 stories")
    assert "## Harbour bridge closure" in summary and "## Port strike in Valdora" in summary
    assert "Engineers found cracks" not in summary  # first seen before the run started
    assert alerts.render_summary_markdown(con, NOW) == ""


def test_run_summary_markdown_stays_short_and_counts_what_it_leaves_out(
    con: duckdb.DuckDBPyConnection,
) -> None:
    since = NOW - dt.timedelta(days=1)
    full = alerts.render_summary_markdown(con, since)
    assert "Engineers found cracks" in full and "## Port strike in Valdora" in full
    short = alerts.render_summary_markdown(
        con, since, AlertSettings(max_claims_per_story=1), chars_max=10
    )
    assert short.startswith("# story-monitor: 4 new or changed claims in 2 stories")
    # Changed claims come first, so the changed figure is the one claim shown.
    assert "30 million euros" in short and "Engineers found cracks" not in short
    assert "…and 2 more claims of this story" in short
    assert "## Port strike in Valdora" not in short
    assert "…and 1 more story with 1 claim" in short


def test_config_rejects_a_channel_without_destination() -> None:
    from monitor.errors import ConfigError

    with pytest.raises(ConfigError, match="exactly one of url or block"):
        parse_settings({"channels": [{"name": "nowhere"}]})
    with pytest.raises(ConfigError, match="HH:MM"):
        parse_settings({"alerts": {"quiet_hours_start": "7am", "quiet_hours_end": "08:00"}})


def test_formats_follow_the_service(con: duckdb.DuckDBPyConnection) -> None:
    settings = make_settings(
        [
            {
                "url": "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
                "name": "slack",
            },
            {
                "url": "https://discord.com/api/webhooks/123456789012345678/abcdefghijklmnopqrstuvwxyz",
                "name": "discord",
            },
            {
                "url": "mailtos://alerts:pw-123456@mail.example.org?to=desk@example.org",
                "name": "mail",
            },
            {
                "url": "tgram://123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/-1001234567890",
                "name": "telegram",
            },
        ]
    )
    slack, discord, mail, telegram = alerts.build_channels(settings)
    assert [(c.format, c.max_chars) for c in (slack, discord, mail, telegram)] == [
        ("slack", 35000),
        ("markdown", 2000),
        ("html", 32768),
        ("markdown", 4096),
    ]
    alerts.queue_alerts(con, [slack], NOW)
    (story, _) = alerts.load_story_digests(
        con, db.query(con, "alerts_due", {"channel": "slack", "now": NOW, "max_attempts": 5})
    )
    (message,) = alerts.compose_story_messages(story, slack)
    assert message.title == "Harbour bridge closure"
    assert "Harbour bridge closure" not in message.body.rsplit("\n", 1)[0]
    assert (
        "*Coast Gazette* · <https://gazette.example/bridge-repairs|Bridge repairs to take months>"
        in message.body
    )


# How each format writes the article heading, and how its body ends.
HEADINGS = {
    "text": "{outlet}{extra}: {headline}\n",
    "markdown": "**{outlet}**{extra} · [{headline}]({url})",
    "slack": "*{outlet}*{extra} · <{url}|{headline}>",
    "html": '<b>{outlet}</b>{extra} · <a href="{url}">{headline}</a>',
}
ENDINGS = {
    "text": "Story page: {url}",
    "markdown": "[Open the story page]({url})",
    "slack": "<{url}|Open the story page>",
    "html": '<p><a href="{url}">Open the story page</a></p>',
}


@pytest.mark.parametrize("fmt", ["slack", "markdown", "html", "text"])
def test_each_format_reaches_the_receiver_with_each_article_once_and_the_story_link(
    fmt: str, con: duckdb.DuckDBPyConnection, hook: WebhookReceiver
) -> None:
    # ?format= makes apprise's JSON plugin take the body as it is, as Slack, Discord or e-mail would.
    service_format = "markdown" if fmt == "slack" else fmt
    settings = make_settings(
        [{"url": hook.apprise_url() + f"?format={service_format}", "name": fmt, "format": fmt}],
        report_base_url="https://news.example/monitor/",
    )
    channels = alerts.build_channels(settings)
    alerts.queue_alerts(con, channels, NOW)

    assert alerts.deliver_alerts(con, channels, NOW).sent_messages == 2

    bridge, strike = hook.messages
    assert (
        bridge["title"] == "Harbour bridge closure"
        and "Harbour bridge closure" not in bridge["message"]
    )
    body = bridge["message"]
    articles = [
        (
            "Coast Gazette",
            "",
            "Bridge repairs to take months",
            "https://gazette.example/bridge-repairs",
        ),
        (
            "Daily Ledger",
            " (updated article, version 2)",
            "Harbour bridge closed after inspection (updated)",
            "https://ledger.example/bridge-closed",
        ),
    ]
    for outlet, extra, headline, url in articles:
        assert (
            body.count(HEADINGS[fmt].format(outlet=outlet, extra=extra, headline=headline, url=url))
            == 1
        )
        assert body.count(headline) == 1
    assert (
        body.count("published 2026-03-10 07:55 UTC") == 1
        and body.count("published 2026-03-10 08:20 UTC") == 1
    )
    before = body.index("12 million euros")
    assert (
        before
        < body.index("(Daily Ledger)", before)
        < body.index("→", before)
        < body.index("30 million euros")
    )
    assert body.count("carried by") == 1  # only the claim two outlets carry says so
    assert body.endswith(ENDINGS[fmt].format(url="https://news.example/monitor/stories/1.html"))
    assert strike["title"] == "New story: Port strike in Valdora"
    assert strike["message"].endswith(
        ENDINGS[fmt].format(url="https://news.example/monitor/stories/2.html")
    )
    if fmt == "html":
        assert body.count("<p>") == body.count("</p>") and "**" not in body
    if fmt == "slack":
        assert "**" not in body and "](" not in body


def test_a_channel_that_drips_its_answer_fails_at_the_send_deadline(
    con: duckdb.DuckDBPyConnection,
) -> None:
    import time

    from monitor.deadlines import alert_send_deadline_s
    from monitor.localserver import HostileServer

    send_timeout_s = 0.5
    with HostileServer("header-drip", drip_s=0.2, host="127.0.0.2") as dripping:
        url = f"json://{dripping.host}:{dripping.port}/hook"
        channels = alerts.build_channels(
            make_settings([{"url": url, "name": "drip"}], send_timeout_s=send_timeout_s)
        )
        alerts.queue_alerts(con, channels, NOW)
        started = time.monotonic()
        report = alerts.deliver_alerts(con, channels, NOW)
        elapsed = time.monotonic() - started
    # apprise's read timeout (0.5 s) never fires against a header every 0.2 s; the deadline does.
    assert report.failed_channels == ["drip"]
    assert elapsed < alert_send_deadline_s(send_timeout_s) + 2.0, elapsed
    state = rows(con)
    assert {r["status"] for r in state} == {"failed"}
    assert "deadline" in state[0]["last_error"]
