"""A busy database gives slower answers, never 500s or a frozen process (issue 11, finding 3).

Two API clients change case statuses, resend replies and set presence as fast as they can while a third asks /healthz: no
request answers 5xx, and the health probe is never held up for anything like a stalled
write (the bound is generous: it catches a freeze, it does not time speed).
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import aiohttp

from storage import workers
from storage.clock import utcnow
from tests.support.inbox import add_case, add_worker
from tests.support.service import make_settings, serving

TOKEN = "busy-database-token-for-anna"
FREEZE = 15.0  # seconds: far above any answer on a loaded machine, half the 30 s stall


async def test_two_writers_and_a_health_probe_on_a_busy_database(
    db_url: str, tmp_path: Path
) -> None:
    settings = make_settings(db_url, tmp_path)
    async with serving(settings) as service:
        anna = await add_worker(service.db, "Anna", role="coordinator")
        case_ids = [await add_case(service.db, f"Jongere{n}", chat=f"b{n}") for n in range(4)]
        for case_id in case_ids:
            await service.inbox.claim(anna, case_id)
        async with service.db.transaction() as session:
            row = await workers.get(session, anna.id)
            assert row is not None
            await workers.add_token(session, row, TOKEN, "busy", utcnow())
        base = f"http://127.0.0.1:{settings.http_port}"
        headers = {"Authorization": f"Bearer {TOKEN}"}
        statuses: list[int] = []
        probes: list[float] = []
        done = asyncio.Event()

        async def writer(http: aiohttp.ClientSession, offset: int) -> None:
            for n in range(40):
                case_id = case_ids[(n + offset) % len(case_ids)]
                status = ("active", "paused")[(n + offset) % 2]
                for path, body in (
                    (f"cases/{case_id}/status", {"status": status}),
                    (f"cases/{case_id}/reply", {"text": "Hoi", "ref": f"r{n % 3}"}),  # resent
                    (f"team/{anna.id}/presence", {"absent": False, "cover_id": None}),
                ):
                    async with http.post(f"{base}/api/{path}", json=body, headers=headers) as r:
                        await r.read()
                        statuses.append(r.status)

        async def probe(http: aiohttp.ClientSession) -> None:
            while not done.is_set():
                started = time.monotonic()
                async with http.get(f"{base}/healthz") as response:
                    assert response.status == 200
                probes.append(time.monotonic() - started)
                await asyncio.sleep(0.01)

        async with (
            aiohttp.ClientSession() as one,
            aiohttp.ClientSession() as two,
            aiohttp.ClientSession() as three,
        ):
            prober = asyncio.create_task(probe(three))
            await asyncio.gather(writer(one, 0), writer(two, 1))
            done.set()
            await prober
    assert statuses and not [s for s in statuses if s >= 500], statuses
    assert set(statuses) <= {200, 204}, sorted(set(statuses))
    assert probes and max(probes) < FREEZE, f"/healthz took up to {max(probes):.1f}s"
