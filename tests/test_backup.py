"""`instap backup` and `instap restore`: a populated database round-trips on both databases,
a restore asks before it overwrites, and a backup taken while the service writes is whole."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import make_url

from instap.demo import add_demo_data
from instap.health import Readiness
from storage import backup
from storage.db import Database
from storage.models import Case, Message, Youth
from tests.support.dialog import ROOT, directory

DEADLINE = 60.0  # seconds for a condition on the loaded test machine


def instap(*args: str, url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The real command, without a terminal (stdin is not a tty, as in cron or CI)."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": url,
        "PARTNERSHIPS_FILE": str(ROOT / "partnerships.toml"),
        "VAR_DIR": str(cwd),
    }
    return subprocess.run(
        [sys.executable, "-m", "instap", *args],
        cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


async def contents(db: Database) -> dict[str, Any]:
    """What a worker would miss after a bad restore: the youths, cases and messages."""
    async with db.transaction() as session:
        count = {
            model.__tablename__: await session.scalar(select(func.count()).select_from(model))
            for model in (Youth, Case, Message)
        }
        texts = (await session.scalars(select(Message.text).order_by(Message.id).limit(5))).all()
        states = (await session.scalars(select(Youth.state).order_by(Youth.id).limit(3))).all()
    return {"count": count, "first messages": texts, "first youths": states}


async def ready(db: Database) -> tuple[int, dict[str, Any]]:
    app = web.Application()
    app.add_routes(Readiness(db, ["web"]).routes())
    async with TestClient(TestServer(app)) as client:
        response = await client.get("/readyz")
        return response.status, await response.json()


async def test_a_populated_database_round_trips_through_backup_and_restore(
    db: Database, db_url: str, tmp_path: Path
) -> None:
    await add_demo_data(db, directory(), youths=30)
    before = await contents(db)
    assert before["count"]["messages"] > 100 and before["count"]["cases"] > 0
    file = tmp_path / "backups" / "instap.backup"
    file.parent.mkdir()

    made = instap("backup", str(file), url=db_url, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith(f"backed up the {'SQLite' if db.is_sqlite else 'PostgreSQL'}")
    assert "personal data" in made.stdout
    assert file.stat().st_mode & 0o777 == 0o600
    assert list(file.parent.iterdir()) == [file]  # no partial file left behind

    async with db.transaction() as session:  # a bad day: half the messages gone, texts changed
        await session.execute(delete(Message).where(Message.id % 2 == 0))
        await session.execute(update(Message).values(text="weg"))
    assert await contents(db) != before

    refused = instap("restore", str(file), url=db_url, cwd=tmp_path)
    assert refused.returncode == 2
    assert "This replaces everything in the" in refused.stdout
    assert "confirm with --yes" in refused.stderr
    assert (await contents(db))["first messages"][0] == "weg"  # nothing was touched

    restored = instap("restore", "--yes", str(file), url=db_url, cwd=tmp_path)
    assert restored.returncode == 0, restored.stderr
    assert "restored the" in restored.stdout

    await db.dispose()  # the service starts again on the restored database
    again = Database(db_url)
    try:
        await again.migrate()
        assert await contents(again) == before
        status, found = await ready(again)
        assert (status, found["ok"], found["schema"]) == (200, True, "current")
    finally:
        await again.dispose()


def test_a_backup_of_the_other_database_kind_is_refused(tmp_path: Path) -> None:
    not_sqlite = tmp_path / "dump.backup"
    not_sqlite.write_bytes(b"PGDMP\x01\x0e\x00")
    result = instap(
        "restore",
        "--yes",
        str(not_sqlite),
        url=f"sqlite+aiosqlite:///{tmp_path}/i.db",
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert "is not a SQLite backup" in result.stderr
    assert not (tmp_path / "i.db").exists()


def test_the_password_reaches_pg_dump_through_the_environment_only() -> None:
    url = make_url("postgresql+asyncpg://instap:s3cr%40t@db.example:5433/instap?ssl=require")
    env = backup.pg_environment(url, base={"PATH": "/usr/bin"})
    assert env == {
        "PATH": "/usr/bin", "PGHOST": "db.example", "PGPORT": "5433", "PGUSER": "instap",
        "PGPASSWORD": "s3cr@t", "PGDATABASE": "instap", "PGSSLMODE": "require",
    }  # fmt: skip
    assert "s3cr" not in backup.target(url.render_as_string(hide_password=False)).describe()


@contextmanager
def writing(path: Path) -> Iterator[threading.Event]:
    """Another process's writer: transactions of two rows each, until told to stop."""
    stop, written = threading.Event(), threading.Event()

    def write() -> None:
        with closing(sqlite3.connect(path, timeout=30, isolation_level=None)) as conn:
            n = 0
            while not stop.is_set():
                conn.execute("BEGIN IMMEDIATE")
                conn.executemany(
                    "INSERT INTO pairs (n, filler) VALUES (?, ?)", [(n, "x" * 500)] * 2
                )
                conn.execute("COMMIT")
                n += 1
                if n >= 200:
                    written.set()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        yield written
    finally:
        stop.set()
        writer.join()


def test_a_backup_taken_while_a_writer_writes_is_consistent(tmp_path: Path) -> None:
    live = tmp_path / "instap.db"
    with closing(sqlite3.connect(live)) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE pairs (n INTEGER, filler TEXT)")
    file = tmp_path / "during.backup"
    with writing(live) as written:
        assert written.wait(DEADLINE), "the writer did not get going"
        backup.backup(backup.target(f"sqlite+aiosqlite:///{live}"), file)
    with closing(sqlite3.connect(file)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        rows, pairs = conn.execute("SELECT count(*), count(DISTINCT n) FROM pairs").fetchone()
    assert rows >= 400 and rows == 2 * pairs  # whole transactions only
