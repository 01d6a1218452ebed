"""The alert outbox on the DuckLake backend (no UNIQUE, no ON CONFLICT, no RETURNING there)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from monitor import alerts, db
from monitor.localserver import WebhookReceiver
from monitor.settings import parse_settings

pytestmark = pytest.mark.slow
DATA = Path(__file__).resolve().parent / "data"
NOW = dt.datetime(2026, 3, 10, 10, 0)


def test_queue_retry_and_digest_work_on_ducklake(tmp_path: Path) -> None:
    with WebhookReceiver() as hook:
        settings = parse_settings(
            {
                "database": {
                    "path": str(tmp_path / "monitor.duckdb"),
                    "backend": "ducklake",
                    "ducklake_catalog": "sqlite:catalog.sqlite",
                    "ducklake_data_path": str(tmp_path / "lake"),
                },
                "channels": [
                    {"url": hook.apprise_url(), "name": "team"},
                    {"url": hook.apprise_url("/daily"), "name": "daily", "mode": "digest"},
                ],
            }
        )
        channels = alerts.build_channels(settings)
        with db.open_db(settings.database) as con:
            assert db.is_ducklake(con)
            con.execute((DATA / "alerts_fixture.sql").read_text(encoding="utf-8"))
            assert alerts.queue_alerts(con, channels, NOW) == 10
            assert alerts.queue_alerts(con, channels, NOW) == 0
            hook.fail_next(1, status=500)
            assert alerts.deliver_alerts(con, channels, NOW).failed_channels == ["team"]
            assert alerts.make_due(con) == {"team": 5}
            assert alerts.deliver_alerts(con, channels, NOW).sent_messages == 2
            assert alerts.deliver_digest(con, channels, NOW, 24).sent_messages == 1
            assert (
                alerts.deliver_alerts(con, channels, NOW + dt.timedelta(hours=1)).sent_messages == 0
            )
    assert len(hook.messages) == 3
