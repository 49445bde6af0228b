"""An orchestrator asks whether an instance is alive and ready: ready means its database
answers and is at the newest migration; a database that is down or behind is a 503."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from instap.health import Readiness
from storage.db import Database


@asynccontextmanager
async def probing(db: Database) -> AsyncIterator[TestClient[Any, Any]]:
    app = web.Application()
    app.add_routes(Readiness(db, ["web", "telegram"]).routes())
    async with TestClient(TestServer(app)) as client:
        yield client


async def test_a_migrated_database_is_ready(db: Database) -> None:
    async with probing(db) as client:
        alive = await client.get("/healthz")
        ready = await client.get("/readyz")
        assert (alive.status, await alive.json()) == (200, {"ok": True})
        assert ready.status == 200
        assert await ready.json() == {
            "ok": True, "database": "ok", "schema": "current",
            "channels": {"telegram": "ok", "web": "ok"},
        }  # fmt: skip


async def test_a_database_behind_the_code_is_not_ready(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path}/old.db")  # never migrated
    try:
        async with probing(db) as client:
            ready = await client.get("/readyz")
            assert ready.status == 503
            found = await ready.json()
            assert found["ok"] is False and found["schema"].startswith("not at the newest")
            assert (await client.get("/healthz")).status == 200  # alive all the same
    finally:
        await db.dispose()


async def test_a_database_that_is_down_is_not_ready() -> None:
    with socket.socket() as closed:  # a port nobody listens on: the server is down
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    db = Database(f"postgresql+asyncpg://instap:x@127.0.0.1:{port}/instap")
    try:
        async with probing(db) as client:
            ready = await client.get("/readyz")
            assert ready.status == 503
            found = await ready.json()
            assert found["ok"] is False and found["database"].startswith("the database does not")
    finally:
        await db.dispose()
