"""The inbox at 100,000 youths: the queue, the conversation, a reply, memory, retention.

The database is bench.seed's (100,000 youths, 2 million messages; quick: 5,000 youths). On
SQLite it is a copy of bench.report's cached file with the inbox's data added, kept in
`.bench/` as well (named after N and a hash of the generators and migrations); on PostgreSQL
it is seeded in a scratch database (BENCH_POSTGRES_URL, else a throwaway server).

The real service runs in a subprocess (`python -m instap run`, only the "web" role, so no
tick or sender competes), and this process talks to it over localhost as a browser would:
it logs in as the worker sara and as the coordinator jan (session cookie; the CSRF token of
the page for the POST), then asks for each URL REQUESTS times after one warm-up (quick:
QUICK_REQUESTS) and reports the median and p95 and the size of the answer:

- the worker's queue page `/inbox` and its live refresh `/inbox/fragment/queue`;
- the coordinator's queue page `/inbox` and `GET /api/queue`;
- the conversation of sara's case with 500 messages;
- a reply POST, timed until its outbox row can be read from the database;
- the server's peak RSS (VmHWM in /proc/<pid>/status) after that load;
- `instap retention` (the dry run) in a subprocess: wall time and its peak RSS.

Each note names the issue's goal (issue 16) and the figure measured before.
BENCH_DATABASES=sqlite (or postgres) runs it on one database only.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import re
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import func, select

from bench import report, seed
from bench.common import ROOT, Result, human_duration
from bench.pipeline import POSTGRES_ENV
from storage.db import Database
from storage.models import Case, Message, OutboxJob, Worker

FULL = 100_000
QUICK = 5_000
REQUESTS = 30
QUICK_REQUESTS = 5
START_TIMEOUT = 120.0  # seconds for the server to answer /healthz (migrations first)
MB = 1024 * 1024


def log(line: str) -> None:
    print(f"  inbox: {line}", file=sys.stderr, flush=True)


# --- the database -------------------------------------------------------------------------


def cache_key(youths: int) -> str:
    digest = hashlib.sha256(report.cache_key(youths).encode())
    digest.update((ROOT / "bench" / "seed.py").read_bytes())
    return digest.hexdigest()[:12]


async def sqlite_url(youths: int) -> tuple[str, str]:
    """The seeded SQLite file's URL (seeded now from the report's file if not cached), a note."""
    report.CACHE.mkdir(exist_ok=True)
    path = report.CACHE / f"inbox-{youths}-{cache_key(youths)}.db"
    if path.exists():
        return f"sqlite+aiosqlite:///{path}", f"seeded earlier ({path.relative_to(ROOT)})"
    for old in report.CACHE.glob(f"inbox-{youths}-*"):
        old.unlink()
    start = time.perf_counter()
    demo_file, demo_note = await report.seeded_sqlite(youths)
    partial = path.with_suffix(".partial")
    with sqlite3.connect(demo_file) as source, sqlite3.connect(partial) as target:
        source.backup(target)  # a consistent copy, whatever is still in the WAL
    db = Database(f"sqlite+aiosqlite:///{partial}")
    try:
        added = await seed.add_inbox_data(db, youths)
    finally:
        await db.dispose()
    report.keep(partial, path)
    seconds = time.perf_counter() - start
    log(f"sqlite seeded: {described(added)} in {seconds:.0f} s")
    return (
        f"sqlite+aiosqlite:///{path}",
        f"demo data {demo_note}, inbox data in {added.seconds:.0f} s",
    )


def described(s: seed.Seeded) -> str:
    return f"{s.youths:,} youths, {s.messages:,} messages, {s.waiting:,} waiting, {s.rows:,} rows"


@dataclass(frozen=True)
class Cases:
    long: int  # sara's case with the most messages
    reply: int  # sara's running case with the fewest
    long_messages: int


async def sara_cases(db: Database) -> Cases:
    messages = func.count(Message.id)
    stmt = (
        select(Case.id, messages)
        .join(Worker, Worker.id == Case.worker_id)
        .outerjoin(Message, Message.youth_id == Case.youth_id)
        .where(Worker.username == seed.WORKER, Case.status == "active")
        .group_by(Case.id)
        .order_by(messages.desc(), Case.id)
    )
    async with db.transaction() as session:
        rows = [(int(i), int(n)) for i, n in (await session.execute(stmt)).all()]
    return Cases(long=rows[0][0], reply=rows[-1][0], long_messages=rows[0][1])


# --- the server ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def environment(url: str, var_dir: Path, port: int) -> dict[str, str]:
    return {
        **os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench-" + "k" * 40,
        "HTTP_HOST": "127.0.0.1", "HTTP_PORT": str(port), "ROLES": "web",
        "VAR_DIR": str(var_dir), "LOG_LEVEL": "WARNING",
        "PARTNERSHIPS_FILE": str(ROOT / "partnerships.toml"),
    }  # fmt: skip


def peak_rss(pid: int) -> int:
    """VmHWM of a running process, in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmHWM for process {pid}")


@dataclass
class Server:
    base: str
    process: subprocess.Popen[bytes]
    env: dict[str, str]


def spawn(command: str, env: dict[str, str], **streams: Any) -> subprocess.Popen[bytes]:
    """`python -m instap <command>` from the repository (this worktree's code)."""
    return subprocess.Popen([sys.executable, "-m", "instap", command], cwd=ROOT, env=env, **streams)


@contextlib.asynccontextmanager
async def serving(url: str) -> AsyncIterator[Server]:
    """`python -m instap run` on the database, answering on a free port."""
    with tempfile.TemporaryDirectory(prefix="instap-bench-var-") as var:
        port = free_port()
        env = environment(url, Path(var), port)
        process = spawn("run", env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        server = Server(f"http://127.0.0.1:{port}", process, env)
        try:
            await started(server)
            yield server
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


async def started(server: Server) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    async with aiohttp.ClientSession() as client:
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                errors = server.process.stderr.read().decode() if server.process.stderr else ""
                raise RuntimeError(f"the server stopped: {errors[-2000:]}")
            with contextlib.suppress(aiohttp.ClientError):
                async with client.get(server.base + "/healthz") as response:
                    if response.status == 200:
                        return
            await asyncio.sleep(0.2)  # the bench waits for a process, not in a test
    raise RuntimeError(f"the server did not answer within {START_TIMEOUT:.0f} s")


# --- a logged-in browser ------------------------------------------------------------------


def hidden(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]+)"', html)
    if found is None:
        raise RuntimeError(f"no hidden field {name!r} on the page")
    return found.group(1)


@dataclass
class Browser:
    client: aiohttp.ClientSession
    base: str
    csrf: str = ""

    async def get(self, path: str) -> int:
        """GET and read the whole answer; its size in bytes."""
        async with self.client.get(self.base + path, allow_redirects=False) as response:
            body = await response.read()
            if response.status != 200:
                raise RuntimeError(f"GET {path}: {response.status} {body[:300]!r}")
            return len(body)


@contextlib.asynccontextmanager
async def logged_in(base: str, username: str) -> AsyncIterator[Browser]:
    jar = aiohttp.CookieJar(unsafe=True)  # cookies from 127.0.0.1
    async with aiohttp.ClientSession(cookie_jar=jar) as client:
        async with client.get(base + "/inbox/login") as response:
            token = hidden(await response.text(), "login_token")
        form = {"username": username, "password": seed.PASSWORD, "login_token": token}
        async with client.post(
            base + "/inbox/login", data={**form, "next": "/inbox"}, allow_redirects=False
        ) as response:
            if response.status != 303:
                raise RuntimeError(f"login as {username}: {response.status}")
        browser = Browser(client, base)
        async with client.get(base + "/inbox") as response:
            browser.csrf = hidden(await response.text(), "csrf")
        yield browser


# --- the measurements ---------------------------------------------------------------------


async def timed_gets(browser: Browser, path: str, requests: int, name: str, note: str) -> Result:
    size = await browser.get(path)  # warm-up
    latencies = []
    for _ in range(requests):
        t0 = time.perf_counter()
        size = await browser.get(path)
        latencies.append(time.perf_counter() - t0)
    result = Result(name, requests, sum(latencies), latencies, f"{size / 1000:,.0f} kB; {note}")
    log(f"{name}: p50 {human_duration(result.percentile(50))}")
    return result


async def outbox_row(db: Database, ref: str) -> bool:
    stmt = (
        select(OutboxJob.id)
        .join(Message, Message.id == OutboxJob.message_id)
        .where(Message.client_ref == ref)
    )
    async with db.transaction() as session:
        return (await session.scalar(stmt)) is not None


async def timed_replies(
    browser: Browser, db: Database, case_id: int, requests: int, name: str
) -> Result:
    latencies = []
    path = f"{browser.base}/inbox/cases/{case_id}/reply"
    for n in range(requests + 1):
        ref = f"bench-{time.time_ns()}-{n}"
        form = {"csrf": browser.csrf, "text": "Tot morgen om 14u!", "ref": ref}
        t0 = time.perf_counter()
        async with browser.client.post(path, data=form, allow_redirects=False) as response:
            if response.status != 303:
                raise RuntimeError(f"reply: {response.status} {(await response.read())[:300]!r}")
        if not await outbox_row(db, ref):  # committed before the answer: there already
            raise RuntimeError(f"reply {ref}: no outbox row after the answer")
        if n:  # the first one warms up
            latencies.append(time.perf_counter() - t0)
    note = "goal: keep (100k before: 11 ms); POST until its outbox row is read back"
    return Result(name, requests, sum(latencies), latencies, note)


def retention(env: dict[str, str]) -> tuple[float, int, str]:
    """`instap retention` (the dry run): seconds, its peak RSS in bytes, its first line."""
    with tempfile.TemporaryFile() as out:
        t0 = time.perf_counter()
        process = spawn("retention", env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)  # this child's own rusage
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - t0
        out.seek(0)
        first = out.readline().decode().strip()
    if process.returncode:
        raise RuntimeError(f"instap retention failed ({process.returncode}): {first}")
    return seconds, usage.ru_maxrss * 1024, first


async def measure(url: str, label: str, requests: int, seeded: str) -> list[Result]:
    db = Database(url)
    try:
        cases = await sara_cases(db)
        held = described(seed.Seeded(*await seed.totals(db), 0.0))
        results: list[Result] = []
        async with serving(url) as server:
            t0 = time.perf_counter()
            async with logged_in(server.base, seed.WORKER) as sara:
                for path, what, before in (
                    ("/inbox", "worker /inbox", 397),
                    ("/inbox/fragment/queue", "worker /inbox/fragment/queue", 398),
                ):
                    note = f"goal ≤ 50 ms (100k before: {before} ms)"
                    results.append(
                        await timed_gets(sara, path, requests, f"inbox[{label}] {what}", note)
                    )
            async with logged_in(server.base, seed.COORDINATOR) as jan:
                for path, what, before in (
                    ("/inbox", "coordinator /inbox", 1970),
                    ("/api/queue", "coordinator /api/queue", 1805),
                ):
                    note = f"goal ≤ 50 ms (100k before: {before:,} ms)"
                    results.append(
                        await timed_gets(jan, path, requests, f"inbox[{label}] {what}", note)
                    )
            async with logged_in(server.base, seed.WORKER) as sara:
                note = (
                    f"{cases.long_messages} messages; goal ≤ 30 ms, first page only "
                    "(100k before: 68 ms)"
                )
                path = f"/inbox/cases/{cases.long}"
                name = f"inbox[{label}] conversation"
                results.append(await timed_gets(sara, path, requests, name, note))
                name = f"inbox[{label}] reply → outbox row"
                results.append(await timed_replies(sara, db, cases.reply, requests, name))
            served = sum(r.ops for r in results)
            rss = peak_rss(server.process.pid)
            results.append(
                Result(
                    f"inbox[{label}] server peak RSS", served, time.perf_counter() - t0, None,
                    f"{rss / MB:,.0f} MB over {served} requests; goal ≤ 150 MB "
                    "(100k before: 243 MB)",
                )
            )  # fmt: skip
            seconds, retention_rss, first = await asyncio.to_thread(retention, server.env)
        results.append(
            Result(
                f"inbox[{label}] retention dry run", 1, seconds, [seconds],
                f"{retention_rss / MB:,.0f} MB peak; goal ≤ 5 s, ≤ 150 MB (100k before: 58 s, "
                f"588 MB); {first}",
            )
        )  # fmt: skip
        results[0].note += f"; {held}; {seeded}"
        return results
    finally:
        await db.dispose()


async def on_sqlite(youths: int, requests: int) -> list[Result]:
    url, note = await sqlite_url(youths)
    return await measure(url, "sqlite", requests, note)


async def on_postgres(youths: int, requests: int) -> list[Result]:
    async with report.postgres_url() as url:
        if url is None:
            return [Result("inbox[postgres]", 0, 0.0, None, f"not run: set {POSTGRES_ENV}")]
        seeded = await seed.seed(url, youths)
        log(f"postgres seeded: {described(seeded)} in {seeded.seconds:.0f} s")
        note = f"seeded in {seeded.seconds:.0f} s"
        return await measure(url, "postgres", requests, note)


async def both(youths: int, requests: int, databases: Sequence[str]) -> list[Result]:
    results = []
    if "sqlite" in databases:
        results += await on_sqlite(youths, requests)
    if "postgres" in databases:
        results += await on_postgres(youths, requests)
    return results


def run(quick: bool = False) -> list[Result]:
    databases = os.environ.get("BENCH_DATABASES", "sqlite,postgres").split(",")
    if quick:
        return asyncio.run(both(QUICK, QUICK_REQUESTS, databases))
    return asyncio.run(both(FULL, REQUESTS, databases))
