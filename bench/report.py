"""The coordinator's report (`storage.reports.build`) over 100,000 youths and two years.

The demo generator (storage.demo, scaled to `storage.demo.BENCH`) seeds one partnership, WAM,
with N youths (100,000 full, 5,000 quick) registered over the two years before bench.common.NOW,
and with what the report reads: cases with their needs, profiles, signals, check-ins, a few
messages each way, closings with outcomes, six-month answers and blind-spot counts. Then
ANALYZE, as a database in use has its statistics.

Measured: `build` for a year (2025) and a quarter (2026 Q3), one warm-up and then ROUNDS runs
each, each in its own transaction as the inbox does it; p50 is the median. The issue's goal is
under a second on the 2-core machine.

On SQLite the seeded file is kept in `.bench/` (git-ignored), named after N and a hash of the
generator and the migrations, so a second `make bench` skips the seeding. On PostgreSQL:
BENCH_POSTGRES_URL (a scratch database next to it, as in bench.pipeline), else a throwaway
server from Debian's binaries (tests/support/postgres.py), else it says why not.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, date
from pathlib import Path
from typing import Any

from sqlalchemy import event, text

from bench.common import NOW, ROOT, Result, directory
from bench.pipeline import POSTGRES_ENV, scratch_postgres
from instap.demo import demo_partnership, uncovered_places
from storage import demo, reports
from storage.db import Database
from storage.reports import Period

FULL = 100_000
QUICK = 5_000
ROUNDS = 5
PARTNERSHIP = "wam"
CACHE = ROOT / ".bench"
PERIODS = (
    Period(date(2025, 1, 1), date(2025, 12, 31), "2025"),
    Period(date(2026, 7, 1), date(2026, 9, 30), "2026 Q3"),
)


def log(line: str) -> None:
    print(f"  report: {line}", file=sys.stderr, flush=True)


def cache_key(youths: int) -> str:
    """Changes when the generator or the schema does: then the cached file is not used."""
    digest = hashlib.sha256(str(youths).encode())
    sources = [ROOT / "storage" / "demo.py", ROOT / "storage" / "demo_life.py"]
    sources.append(ROOT / "partnerships.toml")
    sources += sorted((ROOT / "storage" / "migrations" / "versions").glob("*.py"))
    for path in sources:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


async def seed(url: str, youths: int) -> float:
    """Fill an empty database; the seconds it took."""
    db = Database(url)
    try:
        await db.migrate()
        t0 = time.perf_counter()
        wam = demo_partnership(directory(), PARTNERSHIP)
        size = replace(demo.BENCH, youths=youths, workers=max(5, youths // 100))
        async with db.transaction() as session:
            filled = await demo.fill(
                session, wam, uncovered_places(directory()), NOW.astimezone(UTC), size
            )
        async with db.engine.connect() as conn:  # outside a transaction (VACUUM-like on PG)
            await conn.execute(text("ANALYZE"))
            await conn.commit()
        seconds = time.perf_counter() - t0
        rows = sum(filled.rows.values())
        log(f"seeded {youths:,} youths, {rows:,} rows in {seconds:.0f} s")
        return seconds
    finally:
        await db.dispose()


async def time_reports(url: str, label: str, youths: int, note: str) -> list[Result]:
    promises = {p.id: p.first_response_workdays for p in directory().partnerships}
    now = NOW.astimezone(UTC)
    db = Database(url)
    statements = Statements(db)
    results = []
    try:
        for period in PERIODS:
            latencies = []
            for n in range(ROUNDS + 1):
                statements.timings.clear()
                t0 = time.perf_counter()
                async with db.transaction() as session:
                    report = await reports.build(session, PARTNERSHIP, period, promises, now)
                if n:  # the first run warms the caches
                    latencies.append(time.perf_counter() - t0)
            assert report.tables, "an empty report measures nothing"
            results.append(
                Result(
                    f"report {period.label} {label}",
                    ROUNDS,
                    sum(latencies),
                    latencies,
                    f"{youths:,} youths over two years; {note}; {statements.slowest()}",
                )
            )
    finally:
        await db.dispose()
    return results


class Statements:
    """How long each SQL statement of a run took: the slowest is where an index may help."""

    def __init__(self, db: Database) -> None:
        self.timings: list[tuple[float, str]] = []
        engine = db.engine.sync_engine

        @event.listens_for(engine, "before_cursor_execute")
        def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            conn.info["bench_t0"] = time.perf_counter()

        @event.listens_for(engine, "after_cursor_execute")
        def after(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            spent = time.perf_counter() - conn.info.pop("bench_t0", time.perf_counter())
            self.timings.append((spent, " ".join(statement.split())))

    def slowest(self) -> str:
        if not self.timings:
            return "no SQL"
        total = sum(t for t, _ in self.timings)
        spent, statement = max(self.timings)
        return (
            f"{len(self.timings)} statements, {total * 1e3:.0f} ms in SQL, the slowest "
            f"{spent * 1e3:.0f} ms: {statement[:90]}…"
        )


def cached(youths: int) -> tuple[Path, bool]:
    """The seeded SQLite file for N youths, and whether it is there already (older ones go)."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"report-{youths}-{cache_key(youths)}.db"
    if path.exists():
        return path, True
    for old in CACHE.glob(f"report-{youths}-*"):
        old.unlink()
    return path, False


def keep(partial: Path, path: Path) -> None:
    """Only a complete seeding is kept."""
    for suffix in ("-wal", "-shm"):
        Path(f"{partial}{suffix}").unlink(missing_ok=True)
    partial.rename(path)


async def seeded_sqlite(youths: int) -> tuple[Path, str]:
    """The cached SQLite file with the demo data for N youths (seeded now if not there yet),
    and a note saying which (bench.inbox starts from a copy of it)."""
    path, seeded = cached(youths)
    if seeded:
        return path, f"seeded earlier ({path.relative_to(ROOT)})"
    partial = path.with_suffix(".partial")
    seconds = await seed(f"sqlite+aiosqlite:///{partial}", youths)
    keep(partial, path)
    return path, f"seeded in {seconds:.0f} s"


async def on_sqlite(youths: int) -> list[Result]:
    path, note = await seeded_sqlite(youths)
    return await time_reports(f"sqlite+aiosqlite:///{path}", "sqlite", youths, note)


@contextlib.asynccontextmanager
async def postgres_url() -> AsyncIterator[str | None]:
    """A scratch PostgreSQL database: next to BENCH_POSTGRES_URL, or on a throwaway server."""
    given = os.environ.get(POSTGRES_ENV)
    if given:
        async with scratch_postgres(given) as url:
            yield url
        return
    try:
        from tests.support.postgres import start_postgres

        server = start_postgres()
    except (ImportError, FileNotFoundError, OSError) as exc:
        log(f"no PostgreSQL: {exc}")
        yield None
        return
    try:
        async with scratch_postgres(server.url("postgres")) as url:
            yield url
    finally:
        server.stop()


async def on_postgres(youths: int) -> list[Result]:
    async with postgres_url() as url:
        if url is None:
            return [Result("report postgres", 0, 0.0, None, f"not run: set {POSTGRES_ENV}")]
        seconds = await seed(url, youths)
        return await time_reports(url, "postgres", youths, f"seeded in {seconds:.0f} s")


async def both(youths: int) -> list[Result]:
    return await on_sqlite(youths) + await on_postgres(youths)


def run(quick: bool = False) -> list[Result]:
    return asyncio.run(both(QUICK if quick else FULL))
