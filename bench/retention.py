"""The nightly retention job (`instap retention`) over the report's 100,000 youths.

Seeded as bench.report seeds (storage.demo at BENCH scale; on SQLite the cached file in
`.bench/`, copied so the apply does not spoil it). Measured, each in its own subprocess so
each peak RSS (VmHWM) is its own: the dry run (found in SQL and streamed) and the apply
(erased in transactions of bot.ticks.privacy.BATCH youths). Beside the apply, another
connection writes a row every 50 ms: its worst wait is how long the job held the database.
The issue's goal: the dry run in 5 s and 150 MB at 100,000 youths.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import update

from bench.common import BRUSSELS, NOW, ROOT, Result, directory
from bench.report import FULL, QUICK, cached, keep, postgres_url, seed
from bot.ticks.privacy import Privacy
from core.i18n import Translator
from core.lexicon import load_lexicon
from core.runtime import Runtime
from storage.db import Database
from storage.models import Worker

PROBE = 0.05  # seconds between the other writer's transactions


def peak_mb() -> float:
    """This process's peak resident memory (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def probe(url: str, stop: asyncio.Event, waits: list[float]) -> None:
    """Another process's writer, as the inbox would be: one small transaction at a time."""
    db = Database(url)
    try:
        while not stop.is_set():
            t0 = time.perf_counter()
            async with db.transaction() as session:
                await session.execute(update(Worker).where(Worker.id == 0).values(capacity=0))
            waits.append(time.perf_counter() - t0)
            await asyncio.sleep(PROBE)
    finally:
        await db.dispose()


async def measure(url: str, apply: bool) -> dict[str, float]:
    """One run of the job, in this process: seconds, youths, peak MB, the other's worst wait."""
    db = Database(url)
    runtime = Runtime(directory(), load_lexicon(), Translator(), BRUSSELS, lambda: NOW)
    with tempfile.TemporaryDirectory() as media:
        privacy = Privacy(db, runtime, Path(media), lambda p, c: None)
        stop, waits = asyncio.Event(), [0.0]
        other = asyncio.create_task(probe(url, stop, waits)) if apply else None
        try:
            t0 = time.perf_counter()
            youths = await privacy.retention(apply=apply)
            seconds = time.perf_counter() - t0
        finally:
            stop.set()
            if other:
                await other
            await db.dispose()
    return {"seconds": seconds, "youths": youths, "mb": peak_mb(), "wait": max(waits)}


def in_subprocess(url: str, apply: bool) -> dict[str, float]:
    args = [sys.executable, "-m", "bench.retention", url, "apply" if apply else "dry"]
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=True)
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def results(url: str, label: str, youths: int, note: str) -> list[Result]:
    found = []
    for apply in (False, True):
        f = in_subprocess(url, apply)
        what = "apply" if apply else "dry run"
        wait = f", another writer waited at most {f['wait'] * 1e3:.0f} ms" if apply else ""
        found.append(
            Result(
                f"retention {what} {label}",
                1,
                f["seconds"],
                [f["seconds"]],
                f"{int(f['youths']):,} of {youths:,} youths overdue, peak RSS {f['mb']:.0f} MB"
                f"{wait}; {note}",
            )
        )
    return found


async def on_sqlite(youths: int) -> list[Result]:
    path, seeded = cached(youths)
    note = "seeded earlier"
    if not seeded:
        partial = path.with_suffix(".partial")
        note = f"seeded in {await seed(f'sqlite+aiosqlite:///{partial}', youths):.0f} s"
        keep(partial, path)
    with tempfile.TemporaryDirectory(prefix="instap-bench-") as folder:
        copy = Path(folder) / "retention.db"
        shutil.copy(path, copy)
        return results(f"sqlite+aiosqlite:///{copy}", "sqlite", youths, note)


async def on_postgres(youths: int) -> list[Result]:
    async with postgres_url() as url:
        if url is None:
            return [Result("retention postgres", 0, 0.0, None, "not run: no PostgreSQL")]
        seconds = await seed(url, youths)
        return results(url, "postgres", youths, f"seeded in {seconds:.0f} s")


async def both(youths: int) -> list[Result]:
    return await on_sqlite(youths) + await on_postgres(youths)


def run(quick: bool = False) -> list[Result]:
    return asyncio.run(both(QUICK if quick else FULL))


if __name__ == "__main__":  # one measurement: python -m bench.retention URL dry|apply
    print(json.dumps(asyncio.run(measure(sys.argv[1], sys.argv[2] == "apply"))))
