"""Several instances on PostgreSQL under Telegram's flood limits: intake throughput and how
long a youth waits for the bot's first word.

N youths do the whole Telegram intake at once (typing and tapping as in tests/support/
telegram.py), against the local Bot API server in flood mode (tests/botapi/flood.py: 1
message a second per chat with short bursts, 30 a second overall; a message over them gets
429). First with one instance (every role), then with three on one database (process and
send on all, receive on one), sharing one flood budget (storage/flood.py).

- ops: the youths' messages and taps; ops/s: those handled a second, start to last answer
  (each youth takes THINK seconds before the next one).
- p50/p95: from a message or tap to the first bot message after it (the "first word").
- note: intakes done, messages the bot sent, its busiest second and busiest five seconds
  (the budget is 30/s), flood violations (must be 0) and the machine's load before and after.

The instances run in this one process (one event loop, one core): the flood budget, the
database and this machine's CPU set the pace together, as the note's load shows. PostgreSQL:
BENCH_POSTGRES_URL (a scratch database is created and dropped), else a throwaway server from
Debian's binaries as the tests start one; neither: the benchmark says so and is left out.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from tempfile import TemporaryDirectory

from bench.common import ROOT, Result
from bench.pipeline import POSTGRES_ENV, scratch_postgres
from config.settings import Settings
from instap.app import build, running
from tests.botapi.server import BotApiServer
from tests.support.postgres import free_port, start_postgres
from tests.support.telegram import shown_text

FULL, QUICK = 100, 10  # youths
# Seconds a youth takes to read an answer and type or tap the next (a real one takes longer).
# Without it the per-chat limit, 1 message a second, would set the first word, not the system.
THINK = 2.0
DEADLINE = 600.0  # seconds for one answer: a bound for a stuck run, not a measurement
# (what the youth does, what they type or tap, what the answer shows)
INTAKE = (
    ("say", "/start", "Hoe mogen we je noemen?"),
    ("say", "Noor", "Hoe oud ben je?"),
    ("say", "19", "In welke gemeente woon je?"),
    ("say", "Maasmechelen", "Waarmee wil je hulp?"),
    ("tap", "Werk", "✅ Werk"),
    ("tap", "Klaar", "Wil je er iets meer over vertellen?"),
    ("say", "Ik zoek werk in de buurt.", "Hoe heb je ons gevonden?"),
    ("tap", "Sociale media", "Is dat oké voor jou?"),
    ("tap", "Ja, dat is oké", "Wanneer kunnen we je het best bereiken?"),
    ("tap", "Avond (17u–20u)", "✅ Avond"),
    ("tap", "Klaar", "Klopt dit?"),
    ("tap", "Ja, verstuur", "heeft je aanmelding gekregen"),
)
ROLES = {
    1: [{"web", "receive", "process", "send", "schedule"}],
    3: [{"receive", "process", "send"}, {"process", "send"}, {"process", "send"}],
}


@dataclass
class Youth:
    api: BotApiServer
    chat_id: int
    first_words: list[float]
    think: float
    scanned: int = 0  # how far this youth has read the server's transcript

    async def intake(self) -> None:
        for step, (action, what, expect) in enumerate(INTAKE):
            if step and self.think:
                await asyncio.sleep(self.think)
            before = len(self.api.bot_messages(self.chat_id))
            self.scanned = len(self.api.events)
            start = time.perf_counter()
            if action == "say":
                self.api.user_sends_text(self.chat_id, what)
            else:
                self.api.user_taps(self.chat_id, what)
            await self.api.wait_until(self.answered, DEADLINE)
            self.first_words.append(time.perf_counter() - start)
            await self.api.wait_until(partial(self.shows, before, expect), DEADLINE)

    def answered(self) -> bool:
        """The bot wrote or changed something in this chat since the youth's last move."""
        events = self.api.events
        while self.scanned < len(events):
            event = events[self.scanned]
            self.scanned += 1
            mine = event.chat_id == self.chat_id and event.who == "bot"
            if mine and not event.text.startswith("<callback answer"):
                return True
        return False

    def shows(self, before: int, expect: str) -> bool:
        messages = self.api.bot_messages(self.chat_id)[max(0, before - 1) :]
        return any(expect in shown_text(m) for m in messages)


def load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def busiest(histogram: dict[int, int], seconds: int) -> float:
    """The most messages a second over any `seconds` consecutive seconds."""
    if not histogram:
        return 0.0
    first, last = min(histogram), max(histogram)
    counts = [histogram.get(s, 0) for s in range(first, last + 1)]
    window = min(seconds, len(counts))
    return max(sum(counts[i : i + window]) for i in range(len(counts) - window + 1)) / window


async def fleet(url: str, instances: int, youths: int, think: float = THINK) -> Result:
    api = BotApiServer(flood=True)
    await api.start()
    before = load()
    try:
        with TemporaryDirectory(prefix="instap-fleet-") as folder:
            async with contextlib.AsyncExitStack() as stack:
                for n, roles in enumerate(ROLES[instances]):
                    settings = Settings(
                        database_url=url,
                        http_port=free_port(),
                        secret_key="bench-secret-key",
                        webhook_secret="bench-webhook-secret",
                        partnerships_file=ROOT / "partnerships.toml",
                        var_dir=Path(folder) / str(n),
                        roles=frozenset(roles),
                        telegram_bot_token=api.token,
                        telegram_api_base_url=api.base_url,
                        telegram_api_file_url=api.base_file_url,
                    )
                    await stack.enter_async_context(running(build(settings)))
                first_words: list[float] = []
                people = [Youth(api, 8001 + i, first_words, think) for i in range(youths)]
                start = time.perf_counter()
                await asyncio.gather(*(youth.intake() for youth in people))
                seconds = time.perf_counter() - start
    finally:
        await api.stop()
    assert api.flood is not None
    histogram = api.flood.histogram()
    note = (
        f"{youths} intakes, {youths * 60 / seconds:.1f} a minute; {sum(histogram.values())} "
        f"bot messages and edits, busiest second {api.flood.peak()}, busiest 5 s "
        f"{busiest(histogram, 5):.1f}/s (budget 30/s); flood violations "
        f"{len(api.flood.violations)}; load {before} -> {load()}"
    )
    label = "1 instance" if instances == 1 else f"{instances} instances"
    return Result(f"fleet[{label}] intake", len(first_words), seconds, first_words, note)


@contextlib.asynccontextmanager
async def postgres_base() -> AsyncIterator[str | None]:
    """BENCH_POSTGRES_URL, else a throwaway server; None when there is neither."""
    given = os.environ.get(POSTGRES_ENV)
    if given:
        yield given
        return
    try:
        server = start_postgres()
    except FileNotFoundError:
        yield None
        return
    try:
        yield server.url("postgres")
    finally:
        server.stop()


async def measure(youths: int) -> list[Result]:
    results: list[Result] = []
    async with postgres_base() as base:
        if base is None:
            print(f"  fleet: no PostgreSQL (set {POSTGRES_ENV}); left out", flush=True)
            return results
        for instances in (1, 3):
            async with scratch_postgres(base) as url:
                results.append(await fleet(url, instances, youths))
    return results


def run(quick: bool = False) -> list[Result]:
    return asyncio.run(measure(QUICK if quick else FULL))
