"""The operator's scraper reads /metrics of a running service after a youth's intake on Telegram,
and finds every series the README promises, with values that match what happened."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select

from inbox.appointments import Appointments
from instap.app import Service
from storage.models import Inbound
from tests.botapi.server import BotApiServer
from tests.support.inbox import add_worker
from tests.support.service import make_settings, serving, settled, travel
from tests.support.telegram import Youth, complete_intake

BRUSSELS = ZoneInfo("Europe/Brussels")
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


async def get(
    service: Service, path: str, headers: dict[str, str] | None = None
) -> tuple[int, str]:
    url = f"http://127.0.0.1:{service.settings.http_port}{path}"
    async with (
        aiohttp.ClientSession() as client,
        client.get(url, headers=headers, allow_redirects=False) as response,
    ):
        return response.status, await response.text()


async def scrape(service: Service) -> tuple[set[str], Samples]:
    """The families and every sample, keyed by (name, labels)."""
    status, text = await get(service, "/metrics")
    assert status == 200
    families = list(text_string_to_metric_families(text))
    samples = {(s.name, frozenset(s.labels.items())): s.value for f in families for s in f.samples}
    return {f.name for f in families}, samples


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples[name, frozenset(labels.items())]


async def test_metrics_after_an_intake_hold_every_series_with_what_happened(
    db_url: str, bot_api: BotApiServer, tmp_path: Path
) -> None:
    async with serving(make_settings(db_url, tmp_path, bot_api)) as service:
        bot_api.inject_error("sendMessage", status=429, retry_after=1)  # Telegram: slow down
        youth = Youth(bot_api, 7101)
        await complete_intake(youth)
        await settled(service)
        assert (await get(service, "/healthz"))[0] == 200
        assert (await get(service, "/inbox/cases/4242"))[0] in (302, 303, 401)
        families, samples = await scrape(service)

        expected = {
            "instap_inbound_lag_seconds", "instap_inbound_pending", "instap_outbox_depth",
            "instap_outbox_oldest_age_seconds", "instap_sends", "instap_rate_limited",
            "instap_rate_limited_wait_seconds", "instap_flood_waits", "instap_flood_wait_seconds",
            "instap_outbox_duplicates", "instap_reminder_lateness_seconds",
            "instap_http_request_duration_seconds", "instap_queue_waiting",
        }  # fmt: skip
        assert expected <= families
        async with service.db.transaction() as session:
            updates = (await session.execute(select(func.count()).select_from(Inbound))).scalar()
        assert value(samples, "instap_inbound_lag_seconds_count", channel="telegram") == updates
        assert value(samples, "instap_inbound_pending") == 0
        assert value(samples, "instap_outbox_depth", channel="telegram") == 0
        assert value(samples, "instap_outbox_oldest_age_seconds", channel="telegram") == 0
        seen = len(bot_api.bot_messages(7101))
        assert value(samples, "instap_sends_total", channel="telegram", result="sent") >= seen
        assert value(samples, "instap_sends_total", channel="telegram", result="rate_limited") == 1
        assert value(samples, "instap_rate_limited_total", channel="telegram") == 1
        assert value(samples, "instap_rate_limited_wait_seconds_total", channel="telegram") == 1
        assert value(samples, "instap_flood_waits_total", channel="telegram") >= 0
        assert value(samples, "instap_outbox_duplicates_total") == 0
        # Noor's case came in just now: waiting, well within the promised answer.
        assert value(samples, "instap_queue_waiting", partnership="wam", promise="in_time") == 1
        assert value(samples, "instap_queue_waiting", partnership="wam", promise="late") == 0
        health = {"method": "GET", "route": "/healthz", "status": "200"}
        assert value(samples, "instap_http_request_duration_seconds_count", **health) == 1
        routes = {dict(labels).get("route") for _, labels in samples}
        assert not any("4242" in str(route) for route in routes)  # patterns, never ids
        assert "/inbox/cases/{id}" in routes

        # A worker plans an appointment; the day before and two hours before, Noor is reminded.
        sara = await add_worker(service.db, "Sara")
        (waiting,) = (await service.inbox.queue(sara)).waiting
        await service.inbox.claim(sara, waiting.case.id)
        day = (datetime.now(BRUSSELS) + timedelta(days=7)).date()
        await Appointments(service.inbox).create(
            sara, waiting.case.id, day=day, at=time(14), minutes=60, place="WAM!", kind="gesprek"
        )
        travel(service, datetime.combine(day, time(12, 30), BRUSSELS))
        await service.reminders.tick()  # both are due: one half an hour, one a day late
        await settled(service)
        _, samples = await scrape(service)
    assert value(samples, "instap_reminder_lateness_seconds_count") == 2
    # Due the day before at 14u (22.5 hours ago) and at 12u (half an hour ago).
    assert value(samples, "instap_reminder_lateness_seconds_sum") == 23 * 3600
    assert value(samples, "instap_queue_waiting", partnership="wam", promise="in_time") == 0
