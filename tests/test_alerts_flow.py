"""Prefect side of alerts, once, on the session's Prefect harness: blocks, secrets, digest flow, artifacts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from prefect import flow
from prefect.blocks.notifications import SlackWebhook
from prefect.blocks.system import Secret
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

from flows.alerting import DIGEST_ARTIFACT_KEY, channels_for, digest_flow, publish_summary_artifact
from monitor import alerts, db
from monitor.localserver import WebhookReceiver
from monitor.settings import load_settings

DATA = Path(__file__).resolve().parent / "data"
FIXTURE_TIME = dt.datetime(2026, 3, 10, 10, 0)


def test_blocks_and_secrets_resolve_digest_flow_sends_and_artifacts_show_the_summary(
    prefect_harness: None, tmp_path: Path
) -> None:
    token = "digest-path-7f3k9q"
    database = tmp_path / "monitor.duckdb"
    with db.open_db(database) as con:
        con.execute((DATA / "alerts_fixture.sql").read_text(encoding="utf-8"))
    with WebhookReceiver() as hook:
        SlackWebhook(url=hook.apprise_url("/newsroom")).save("newsroom", overwrite=True)
        Secret(value=f"127.0.0.1:{hook.port}/{token}").save("alerts-digest-hook", overwrite=True)
        config = tmp_path / "monitor.toml"
        config.write_text(
            f'[database]\npath = "{database.as_posix()}"\n\n'
            "[alerts]\nmax_backlog_hours = 1000000\n\n"
            '[[channels]]\nname = "newsroom"\nblock = "slack-webhook/newsroom"\n\n'
            '[[channels]]\nname = "daily"\nurl = "json://${prefect-secret:alerts-digest-hook}"\n'
            'mode = "digest"\n',
            encoding="utf-8",
        )
        settings = load_settings(config)

        channels = channels_for(settings)
        assert [(c.key, c.mode, c.error) for c in channels] == [
            ("newsroom", "immediate", None),
            ("daily", "digest", None),
        ]
        assert all(token not in repr(c) for c in channels)
        with db.open_db(database) as con:
            alerts.queue_alerts(con, channels, FIXTURE_TIME)
            report = alerts.deliver_alerts(con, channels, FIXTURE_TIME)
            summary = alerts.render_summary_markdown(con, FIXTURE_TIME - dt.timedelta(days=1))
        flow(name="test-alerts-artifact")(publish_summary_artifact)(
            summary, key="test-alerts-summary"
        )
        assert report.sent_messages == 2
        assert {r.path for r in hook.requests} == {"/newsroom"}

        result = digest_flow(config_path=str(config), period_hours=1_000_000)

        # 6: the huge backlog window also reaches the fixture's old claim 10.
        assert result["sent_messages"] == 1 and result["sent_alerts"] == 6
        digest_requests = [r for r in hook.requests if r.path == f"/{token}"]
        assert len(digest_requests) == 1
        assert "Port strike in Valdora" in hook.messages[-1]["message"]

    with get_client(sync_client=True) as client:
        found = client.read_artifacts(
            artifact_filter=ArtifactFilter(
                key=ArtifactFilterKey(any_=["test-alerts-summary", DIGEST_ARTIFACT_KEY])
            )
        )
    by_key = {a.key: str(a.data) for a in found}
    assert set(by_key) == {"test-alerts-summary", DIGEST_ARTIFACT_KEY}
    for markdown in by_key.values():
        assert "## Harbour bridge closure" in markdown and "Engineers found cracks" in markdown
        assert token not in markdown
