"""Who may read /metrics, how a send that may have gone out twice is counted, and the JSON log
lines an operator's collector reads (with the request or update each line is about)."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.channels.sender import Sender
from config.partnerships import load_directory
from config.settings import Settings, SettingsError
from core.metrics import Metrics
from instap.app import Service
from instap.logs import JsonLines
from instap.monitoring import Monitoring
from storage import outbox
from storage.clock import utcnow
from storage.db import Database
from tests.botapi.server import BotApiServer
from tests.support.service import make_settings, serving, settled
from tests.test_sender import FakeChannel, drain, youth_says


async def status_of(service: Service, headers: dict[str, str]) -> int:
    url = f"http://127.0.0.1:{service.settings.http_port}/metrics"
    async with aiohttp.ClientSession() as client, client.get(url, headers=headers) as response:
        await response.read()
        return response.status


async def test_metrics_answer_loopback_only_unless_a_token_is_set(
    tmp_path: Path, db_url: str
) -> None:
    async with serving(make_settings(db_url, tmp_path)) as service:
        assert await status_of(service, {}) == 200
        # Through a proxy on this machine the scraper is somebody else: refused.
        assert await status_of(service, {"X-Forwarded-For": "203.0.113.9"}) == 403
    settings = make_settings(db_url, tmp_path, metrics_token="scrape-me")
    async with serving(settings) as service:
        assert await status_of(service, {}) == 403
        assert await status_of(service, {"Authorization": "Bearer wrong"}) == 403
        assert await status_of(service, {"Authorization": "Bearer scrape-me"}) == 200


def count(metrics: Metrics, name: str, **labels: str) -> float:
    for family in text_string_to_metric_families(metrics.text().decode()):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return sample.value
    return 0.0


async def test_a_delivery_taken_over_mid_call_shows_in_the_metrics_of_every_instance(
    db: Database, tmp_path: Path
) -> None:
    now = utcnow()
    await youth_says(db, "4242", ["Hoi Noor!"], now)
    async with db.transaction() as session:
        (first,) = await outbox.claim(session, now, {"telegram"}, owner="instance-a")
        assert await outbox.calling(session, first, now)
    # Instance A died while calling Telegram: after its lease another sender takes the job
    # over, and Noor may get it twice.
    later = now + outbox.LEASE * 2
    channel = FakeChannel()
    metrics = Metrics()
    await drain(Sender(db, {"telegram": channel}, clock=lambda: later, metrics=metrics))
    assert channel.delivered() == ["Hoi Noor!"]
    assert count(metrics, "instap_sends_total", channel="telegram", result="sent") == 1
    # Any instance's scrape reads the shared total from the database.
    settings = make_settings(db.url.render_as_string(hide_password=False), tmp_path)
    directory, tz = load_directory(settings.partnerships_file), ZoneInfo(settings.timezone)
    for scraped_by in (metrics, Metrics()):
        monitor = Monitoring(scraped_by, db, directory, tz, lambda: later, "", [])
        await monitor.refresh()
        assert count(scraped_by, "instap_outbox_duplicates_total") == 1


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """The root logger writes JSON lines into a buffer, at DEBUG, as LOG_FORMAT=json does."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLines())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    quiet = [logging.getLogger(n) for n in ("aiosqlite", "asyncpg", "sqlalchemy", "httpx")]
    levels = [q.level for q in quiet]
    for q in quiet:
        q.setLevel(logging.WARNING)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        for q, old in zip(quiet, levels, strict=True):
            q.setLevel(old)


async def test_json_logs_name_the_request_and_the_update_each_line_is_about(
    tmp_path: Path, bot_api: BotApiServer, json_lines: io.StringIO
) -> None:
    settings = make_settings(f"sqlite+aiosqlite:///{tmp_path}/instap.db", tmp_path, bot_api)
    async with serving(settings) as service:
        url = f"http://127.0.0.1:{settings.http_port}/healthz"
        async with aiohttp.ClientSession() as client:
            async with client.get(url, headers={"X-Request-Id": "lb-7f3a"}) as response:
                assert response.headers["X-Request-Id"] == "lb-7f3a"  # the proxy's, kept
            async with client.get(url) as response:
                generated = response.headers["X-Request-Id"]
        bot_api.user_sends_text(7301, "/start")
        await bot_api.wait_until(lambda: bool(bot_api.sent_texts(7301)), timeout=30)
        await settled(service)
    lines = [json.loads(line) for line in json_lines.getvalue().splitlines()]
    assert all({"time", "level", "logger", "message"} <= set(line) for line in lines)
    requests = {line["request_id"] for line in lines if line["logger"] == "instap.http"}
    assert {"lb-7f3a", generated} <= requests
    assert len(generated) == 32
    handled = [line for line in lines if line.get("update_id", "").startswith("telegram:")]
    assert handled and handled[0]["logger"] == "bot.engine"


async def test_a_bad_gateway_page_from_a_proxy_is_one_warning_without_a_traceback(
    tmp_path: Path, bot_api: BotApiServer, caplog: pytest.LogCaptureFixture
) -> None:
    settings = make_settings(f"sqlite+aiosqlite:///{tmp_path}/instap.db", tmp_path, bot_api)
    async with serving(settings) as service:
        bot_api.inject_html_error("sendMessage", status=502)
        bot_api.inject_html_error("sendMessage", status=503)
        bot_api.inject_html_error("sendMessage", status=504)
        bot_api.user_sends_text(7302, "/start")
        await bot_api.wait_until(
            lambda: any("Hoe mogen we je noemen?" in t for t in bot_api.sent_texts(7302)),
            timeout=30,
        )
        await settled(service)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not [r for r in caplog.records if r.exc_info]
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len([w for w in warned if "retrying" in w]) == 3
    assert all(len(w) < 300 for w in warned)  # the page is cut, not logged whole
    assert any("Bad Gateway (502)" in w for w in warned)


def test_log_format_and_metrics_token_are_read_from_the_environment(tmp_path: Path) -> None:
    env = {"SECRET_KEY": "k", "VAR_DIR": str(tmp_path)}
    read = Settings.load(
        {**env, "LOG_FORMAT": "JSON", "METRICS_TOKEN": "s3cret"}, tmp_path / ".env"
    )
    assert (read.log_format, read.metrics_token) == ("json", "s3cret")
    assert "s3cret" not in repr(read)
    assert Settings.load(env, tmp_path / ".env").log_format == "text"
    with pytest.raises(SettingsError, match="LOG_FORMAT"):
        Settings.load({**env, "LOG_FORMAT": "xml"}, tmp_path / ".env")
