"""The WhatsApp webhook door: Meta's handshake, signatures before anything else, shapes,
duplicates, and statuses of our messages (also one that comes before we knew the wamid)."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.channels.whatsapp import SIGNATURE_HEADER, WEBHOOK_PATH, WhatsAppReceiver
from storage import deliveries, inbound, outbox, youths
from storage.db import Database
from storage.models import ChannelStatus, Inbound, Message, Youth
from storage.outbox import Job

SECRET = "test-app-secret"
NOW = datetime(2027, 1, 10, 10, tzinfo=UTC)


def sign(body: bytes, secret: str = SECRET) -> dict[str, str]:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {SIGNATURE_HEADER: f"sha256={digest}", "Content-Type": "application/json"}


def webhook(value: dict[str, Any]) -> bytes:
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "3211000000", "phone_number_id": "1234567890"},
        **value,
    }
    change = {"field": "messages", "value": value}
    return json.dumps(
        {"object": "whatsapp_business_account", "entry": [{"id": "WABA", "changes": [change]}]}
    ).encode()


def text_from(wa_id: str, wamid: str, text: str) -> bytes:
    return webhook({
        "contacts": [{"profile": {"name": "Lotte"}, "wa_id": wa_id}],
        "messages": [{"from": wa_id, "id": wamid, "timestamp": "1790000000", "type": "text",
                      "text": {"body": text}}],
    })  # fmt: skip


def status(wamid: str, state: str, *codes: int) -> bytes:
    entry: dict[str, Any] = {"id": wamid, "status": state, "timestamp": "1790000001",
                             "recipient_id": "32470123456"}  # fmt: skip
    if codes:
        entry["errors"] = [{"code": c, "title": "Message undeliverable"} for c in codes]
    return webhook({"statuses": [entry]})


@pytest.fixture
async def door(db: Database) -> AsyncIterator[tuple[TestClient[Any, Any], list[str]]]:
    notified: list[str] = []
    receiver = WhatsAppReceiver(db, notified.append, SECRET, "verify-me")
    app = web.Application()
    app.add_routes(receiver.routes())
    async with TestClient(TestServer(app)) as client:
        yield client, notified


async def stored(db: Database) -> list[Inbound]:
    async with db.transaction() as session:
        return list((await session.execute(select(Inbound))).scalars())


async def test_verify_handshake(door: tuple[TestClient[Any, Any], list[str]]) -> None:
    client, _ = door
    good = {"hub.mode": "subscribe", "hub.verify_token": "verify-me", "hub.challenge": "1158201444"}
    response = await client.get(WEBHOOK_PATH, params=good)
    assert response.status == 200
    assert response.content_type == "text/plain"
    assert await response.text() == "1158201444"
    for wrong in ({"hub.verify_token": "nope"}, {"hub.mode": "unsubscribe"}):
        response = await client.get(WEBHOOK_PATH, params={**good, **wrong})
        assert response.status == 403


async def test_a_wrong_or_missing_signature_stores_nothing(
    db: Database, door: tuple[TestClient[Any, Any], list[str]]
) -> None:
    client, notified = door
    body = text_from("32470123456", "wamid.A", "hallo")
    for headers in ({}, sign(body, "another-secret"), {SIGNATURE_HEADER: "sha256=00"}):
        response = await client.post(WEBHOOK_PATH, data=body, headers=headers)
        assert response.status == 403
    tampered = body.replace(b"hallo", b"hello")
    response = await client.post(WEBHOOK_PATH, data=tampered, headers=sign(body))
    assert response.status == 403
    assert await stored(db) == [] and notified == []


async def test_bad_bodies_are_refused(
    db: Database, door: tuple[TestClient[Any, Any], list[str]]
) -> None:
    client, _ = door
    bodies = [
        b"not json",
        b"\xff\xfe",
        b"[1, 2]",
        json.dumps({"object": "whatsapp_business_account", "entry": [{"changes": "x"}]}).encode(),
        webhook({"messages": [{"type": "text", "text": {"body": "no id"}}]}),
    ]
    for body in bodies:
        response = await client.post(WEBHOOK_PATH, data=body, headers=sign(body))
        assert response.status == 400, body
    assert await stored(db) == []


async def test_a_message_is_stored_once_before_the_200(
    db: Database, door: tuple[TestClient[Any, Any], list[str]]
) -> None:
    client, notified = door
    body = text_from("32470123456", "wamid.A", "hallo")
    for _ in range(3):
        response = await client.post(WEBHOOK_PATH, data=body, headers=sign(body))
        assert response.status == 200
    [row] = await stored(db)
    assert (row.source, row.external_id, row.youth_key) == (
        "whatsapp",
        "wamid.A",
        "whatsapp:32470123456",
    )
    assert row.payload["message"]["text"] == {"body": "hallo"}
    assert set(notified) == {"whatsapp:32470123456"}


async def sent_message(db: Database, ref: str | None) -> Job:
    """A bot message to a WhatsApp youth, handed to the channel; `ref`: its wamid if sent."""
    async with db.transaction() as session:
        youth = await youths.get_or_create(session, "whatsapp", "32470123456", "nl", NOW)
        message = await outbox.add_message(
            session, youth, direction="out", author="bot", text="Hoi!", buttons=None, now=NOW
        )
        await outbox.enqueue(session, youth, "message", {}, NOW, message)
        await session.flush()
        (job,) = await outbox.claim(session, NOW, {"whatsapp"}, owner="sender")  # as it does
        if ref is not None:
            await outbox.mark_sent(session, job, ref, NOW)
    return job


async def delivery(db: Database) -> tuple[str, bool]:
    async with db.transaction() as session:
        message = (await session.execute(select(Message))).scalar_one()
        youth = (await session.execute(select(Youth))).scalar_one()
        return message.delivery, youth.unreachable


async def post(client: TestClient[Any, Any], body: bytes) -> None:
    response = await client.post(WEBHOOK_PATH, data=body, headers=sign(body))
    assert response.status == 200


async def test_statuses_move_our_message_on_and_never_back(
    db: Database, door: tuple[TestClient[Any, Any], list[str]]
) -> None:
    client, _ = door
    await sent_message(db, "wamid.OUT1")
    await post(client, status("wamid.OUT1", "delivered"))
    assert await delivery(db) == ("delivered", False)
    await post(client, status("wamid.OUT1", "read"))
    await post(client, status("wamid.OUT1", "delivered"))  # late, out of order
    assert await delivery(db) == ("read", False)
    await post(client, status("wamid.OTHER", "read"))  # not ours (yet): no harm
    async with db.transaction() as session:
        assert await inbound.count_by_status(session) == {}


async def test_a_status_before_the_wamid_was_stored_is_applied_when_it_is(
    db: Database, door: tuple[TestClient[Any, Any], list[str]]
) -> None:
    client, _ = door
    job = await sent_message(db, None)  # Meta answered the send; the sender has not stored it
    await post(client, status("wamid.EARLY", "delivered"))
    async with db.transaction() as session:
        await outbox.mark_sent(session, job, "wamid.EARLY", NOW)
    assert await delivery(db) == ("delivered", False)


async def test_failed_as_undeliverable_makes_the_youth_unreachable(
    db: Database, door: tuple[TestClient[Any, Any], list[str]]
) -> None:
    client, _ = door
    await sent_message(db, "wamid.OUT2")
    await post(client, status("wamid.OUT2", "failed", 131026))
    assert await delivery(db) == ("failed", True)


async def test_failed_for_another_reason_keeps_the_youth_reachable(
    db: Database, door: tuple[TestClient[Any, Any], list[str]]
) -> None:
    client, _ = door
    await sent_message(db, "wamid.OUT3")
    await post(client, status("wamid.OUT3", "failed", 131053))
    assert await delivery(db) == ("failed", False)


async def test_statuses_no_message_claimed_are_dropped_after_a_day(
    db: Database, door: tuple[TestClient[Any, Any], list[str]]
) -> None:
    """The first parts of a split text have wamids we never keep: their statuses go."""
    client, _ = door
    await sent_message(db, None)
    await post(client, status("wamid.PART1", "read"))
    async with db.transaction() as session:
        await deliveries.forget_before(session, datetime.now(UTC) - timedelta(hours=1))
        assert await session.get(ChannelStatus, "wamid.PART1") is not None
        await deliveries.forget_before(session, datetime.now(UTC) + timedelta(days=1))
        assert await session.get(ChannelStatus, "wamid.PART1") is None


async def test_a_status_for_a_number_we_do_not_know_keeps_nothing(
    db: Database, door: tuple[TestClient[Any, Any], list[str]]
) -> None:
    """After /vergeetmij Meta still reports our last messages; a wamid holds the number."""
    client, _ = door
    await post(client, status("wamid.HBgLMzI0NzAxMjM0NTY=", "read"))
    async with db.transaction() as session:
        assert list((await session.execute(select(ChannelStatus))).scalars()) == []
