"""Self-test of the fake WhatsApp Cloud API, driven by a plain aiohttp client and a tiny
aiohttp app as the webhook receiver."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from .server import WhatsAppApiServer

NOOR = "32470123456"
JSON = dict[str, Any]


@dataclass
class Receiver:
    """Our stand-in for the service's webhook: records bodies, can answer errors."""

    url: str = ""
    bodies: list[JSON] = field(default_factory=list)
    signatures_ok: list[bool] = field(default_factory=list)
    fail_next: list[int] = field(default_factory=list)  # statuses to answer before 200
    verify_token: str = "verify-me"

    def messages(self) -> list[JSON]:
        return [
            m
            for b in self.bodies
            for e in b["entry"]
            for c in e["changes"]
            for m in c["value"].get("messages", [])
        ]

    def statuses(self) -> list[JSON]:
        return [
            s
            for b in self.bodies
            for e in b["entry"]
            for c in e["changes"]
            for s in c["value"].get("statuses", [])
        ]


@pytest.fixture
async def receiver(wa_api: WhatsAppApiServer) -> AsyncIterator[Receiver]:
    rec = Receiver()

    async def post(request: web.Request) -> web.Response:
        raw = await request.read()
        expected = hmac.new(wa_api.app_secret.encode(), raw, hashlib.sha256).hexdigest()
        given = request.headers.get("X-Hub-Signature-256", "")
        rec.signatures_ok.append(hmac.compare_digest(given, f"sha256={expected}"))
        if rec.fail_next:
            return web.Response(status=rec.fail_next.pop(0))
        rec.bodies.append(json.loads(raw))
        return web.Response(text="ok")

    async def get(request: web.Request) -> web.Response:
        q = request.query
        if q.get("hub.mode") == "subscribe" and q.get("hub.verify_token") == rec.verify_token:
            return web.Response(text=q["hub.challenge"])
        return web.Response(status=403)

    app = web.Application()
    app.router.add_post("/webhooks/whatsapp", post)
    app.router.add_get("/webhooks/whatsapp", get)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    rec.url = f"http://127.0.0.1:{runner.addresses[0][1]}/webhooks/whatsapp"
    wa_api.webhook_url = rec.url
    try:
        yield rec
    finally:
        await runner.cleanup()


@pytest.fixture
async def client(wa_api: WhatsAppApiServer) -> AsyncIterator[aiohttp.ClientSession]:
    headers = {"Authorization": f"Bearer {wa_api.access_token}"}
    async with aiohttp.ClientSession(headers=headers) as session:
        yield session


async def send(
    client: aiohttp.ClientSession, server: WhatsAppApiServer, body: JSON
) -> tuple[int, JSON]:
    url = f"{server.base_url}/{server.phone_number_id}/messages"
    async with client.post(url, json=body) as response:
        return response.status, await response.json()


def text(body: str, to: str = NOOR) -> JSON:
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": "text",
        "text": {"body": body},
    }


def buttons(*pairs: tuple[str, str], body: str = "Kies maar") -> JSON:
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": NOOR,
        "type": "interactive",
        "interactive": {
            "type": "button",
            "body": {"text": body},
            "action": {
                "buttons": [{"type": "reply", "reply": {"id": i, "title": t}} for i, t in pairs]
            },
        },
    }


def list_message(rows: list[tuple[str, str]], button: str = "Kies") -> JSON:
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": NOOR,
        "type": "interactive",
        "interactive": {
            "type": "list",
            "body": {"text": "Welke dag past?"},
            "action": {
                "button": button,
                "sections": [{"rows": [{"id": i, "title": t} for i, t in rows]}],
            },
        },
    }


def template(name: str, lang: str, *params: str, payloads: tuple[str, ...] = ()) -> JSON:
    quick_replies = [
        {
            "type": "button",
            "sub_type": "quick_reply",
            "index": str(i),
            "parameters": [{"type": "payload", "payload": payload}],
        }
        for i, payload in enumerate(payloads)
    ]
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": NOOR,
        "type": "template",
        "template": {
            "name": name,
            "language": {"policy": "deterministic", "code": lang},
            "components": [
                {"type": "body", "parameters": [{"type": "text", "text": p} for p in params]},
                *quick_replies,
            ],
        },
    }


def take_violations(server: WhatsAppApiServer) -> list[str]:
    """Read and clear the violations a test provoked on purpose (the fixture fails on any)."""
    found, server.violations[:] = list(server.violations), []
    return found


async def test_user_text_reaches_the_webhook_signed_and_a_reply_is_accepted(
    wa_api: WhatsAppApiServer, receiver: Receiver, client: aiohttp.ClientSession
) -> None:
    wamid = await wa_api.user_sends_text(NOOR, "hallo", name="Lotte")
    await wa_api.wait_delivered()

    body = receiver.bodies[0]
    assert body["object"] == "whatsapp_business_account"
    value = body["entry"][0]["changes"][0]["value"]
    assert value["metadata"]["phone_number_id"] == wa_api.phone_number_id
    assert value["contacts"] == [{"profile": {"name": "Lotte"}, "wa_id": NOOR}]
    assert value["messages"][0]["id"] == wamid
    assert value["messages"][0]["text"] == {"body": "hallo"}
    assert receiver.signatures_ok == [True]

    status, answer = await send(client, wa_api, text("Hoi Lotte!"))

    assert status == 200
    assert answer["contacts"] == [{"input": NOOR, "wa_id": NOOR}]
    assert answer["messages"][0]["id"].startswith("wamid.")
    assert wa_api.spec.schema_errors("MessageResponsePayload", answer) == []
    sent = await wa_api.wait_for_sent(NOOR)
    assert sent[0].text == "Hoi Lotte!"
    assert "service: Hoi Lotte!" in wa_api.transcript_text(NOOR)


async def test_statuses_sent_delivered_and_read_follow_an_accepted_send(
    wa_api: WhatsAppApiServer, receiver: Receiver, client: aiohttp.ClientSession
) -> None:
    wa_api.reads = True
    await wa_api.user_sends_text(NOOR, "hallo")
    _, answer = await send(client, wa_api, text("Hoi"))
    await wa_api.wait_delivered()

    wamid = answer["messages"][0]["id"]
    statuses = receiver.statuses()
    assert [s["status"] for s in statuses] == ["sent", "delivered", "read"]
    assert {s["id"] for s in statuses} == {wamid}
    assert {s["recipient_id"] for s in statuses} == {NOOR}
    assert all(s["timestamp"].isdigit() for s in statuses)
    assert wa_api.sent_to(NOOR)[0].statuses == ["sent", "delivered", "read"]
    errors = [e for s in statuses for e in wa_api.spec.schema_errors("Statuses", s)]
    assert errors == []


async def test_buttons_tap_and_list_pick_come_back_with_context(
    wa_api: WhatsAppApiServer, receiver: Receiver, client: aiohttp.ClientSession
) -> None:
    await wa_api.user_sends_text(NOOR, "hallo")
    _, answer = await send(client, wa_api, buttons(("yes", "Ja"), ("no", "Nee")))
    button_wamid = answer["messages"][0]["id"]
    await send(client, wa_api, list_message([("mon", "Maandag"), ("tue", "Dinsdag")]))

    await wa_api.user_taps_button(NOOR, "yes")
    await wa_api.user_picks_row(NOOR, title="Dinsdag")
    await wa_api.wait_delivered()

    tap, pick = receiver.messages()[1:]
    assert tap["context"] == {"from": wa_api.display_phone_number, "id": button_wamid}
    assert tap["interactive"] == {
        "type": "button_reply",
        "button_reply": {"id": "yes", "title": "Ja"},
    }
    assert pick["interactive"]["list_reply"] == {"id": "tue", "title": "Dinsdag"}
    sent = wa_api.sent_to(NOOR)
    assert sent[0].button_titles == ["Ja", "Nee"]
    assert sent[1].row_ids == ["mon", "tue"]
    assert sent[1].list_button == "Kies"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({**text("x"), "recipient_type": None}, "recipient_type"),
        ({k: v for k, v in text("x").items() if k != "to"}, "'to' is a required property"),
        ({**text("x"), "type": "gif"}, "type 'gif' is not one of"),
        (text("x" * 4097), "4097 characters; the limit is 4096"),
        (buttons(("a", "A"), ("b", "B"), ("c", "C"), ("d", "D")), "buttons"),
        (buttons(("a", "Een veel te lange titel hier")), "title"),
        (buttons(("a", "Ja"), ("a", "Nee")), "button ids must be unique"),
        (buttons(("a", "Ja"), body="b" * 1025), "1025"),
        (list_message([(str(i), f"Rij {i}") for i in range(11)]), "rows"),
        (list_message([("a", "Een rijtitel die te lang is")]), "title"),
        (list_message([("a", "A")], button="Een veel te lange knop"), "button"),
        ({**text("x"), "text": {"body": "x", "bold": True}}, "bold"),
    ],
)
async def test_bad_sends_are_violations_answered_with_metas_error(
    wa_api: WhatsAppApiServer, client: aiohttp.ClientSession, body: JSON, expected: str
) -> None:
    await wa_api.user_sends_text(NOOR, "hallo")

    status, answer = await send(client, wa_api, body)

    assert status == 400
    assert set(answer["error"]) >= {"message", "type", "code", "error_subcode", "fbtrace_id"}
    assert answer["error"]["code"] in (100, 131008, 131009)
    violations = take_violations(wa_api)
    assert len(violations) == 1
    assert expected in violations[0]
    assert wa_api.sent_to(NOOR) == []


async def test_wrong_token_path_or_content_type_are_violations(
    wa_api: WhatsAppApiServer, client: aiohttp.ClientSession
) -> None:
    url = f"{wa_api.base_url}/{wa_api.phone_number_id}/messages"
    headers = {"Authorization": "Bearer wrong"}
    async with client.post(url, json=text("x"), headers=headers) as response:
        assert response.status == 401
        assert (await response.json())["error"]["code"] == 190
    async with client.post(url, data=b"to=1", headers={"Content-Type": "text/plain"}) as response:
        assert response.status == 400
    async with client.post(f"{wa_api.base_url}/999/messages", json=text("x")) as response:
        assert response.status == 400
    async with client.post(
        f"{wa_api.root_url}/v19.0/{wa_api.phone_number_id}/messages", json=text("x")
    ) as response:
        assert response.status == 400

    violations = take_violations(wa_api)
    assert len(violations) == 4
    assert "190" in violations[0]
    assert "Content-Type" in violations[1]
    assert "'999' does not exist" in violations[2]
    assert "v19.0" in violations[3]


async def test_the_24_hour_window_and_templates(
    wa_api: WhatsAppApiServer, client: aiohttp.ClientSession
) -> None:
    status, answer = await send(client, wa_api, text("Nog niemand schreef"))
    assert (status, answer["error"]["code"]) == (400, 131047)

    await wa_api.user_sends_text(NOOR, "hallo")
    assert (await send(client, wa_api, text("Binnen het venster")))[0] == 200
    wa_api.advance(hours=25)
    status, answer = await send(client, wa_api, text("Te laat"))
    assert (status, answer["error"]["code"]) == (400, 131047)
    assert "Re-engagement" in answer["error"]["message"]

    wa_api.register_template("herinnering", "nl", 2)
    status, _ = await send(client, wa_api, template("herinnering", "nl", "Noor", "maandag"))
    assert status == 200
    assert wa_api.sent_to(NOOR)[-1].template_params == ["Noor", "maandag"]
    assert wa_api.violations == []

    status, answer = await send(client, wa_api, template("onbekend", "nl"))
    assert answer["error"]["code"] == 132001
    status, answer = await send(client, wa_api, template("herinnering", "nl", "Noor"))
    assert answer["error"]["code"] == 132000
    status, answer = await send(client, wa_api, template("herinnering", "nl", "Noor\nX", "ma"))
    assert answer["error"]["code"] == 132018
    assert len(take_violations(wa_api)) == 3

    await wa_api.user_sends_text(NOOR, "ik ben er weer")
    wa_api.close_window(NOOR)
    assert (await send(client, wa_api, text("x")))[1]["error"]["code"] == 131047


async def test_a_template_shows_its_wording_and_a_tap_sends_the_payload_back(
    wa_api: WhatsAppApiServer, receiver: Receiver, client: aiohttp.ClientSession
) -> None:
    wa_api.register_template(
        "herinnering", "nl", 2, body="Je afspraak met {{1}} is {{2}}. Kom je?",
        buttons=("Oké, ik kom", "Dat past niet"),
    )  # fmt: skip
    body = template("herinnering", "nl", "Sara", "maandag om 14u", payloads=("ok:7", "no:7"))
    status, answer = await send(client, wa_api, body)
    assert status == 200

    (sent,) = wa_api.sent_to(NOOR)
    assert sent.text == "Je afspraak met Sara is maandag om 14u. Kom je?"
    assert [(b.title, b.id) for b in sent.buttons] == [("Oké, ik kom", "ok:7"), ("Dat past niet", "no:7")]  # fmt: skip
    assert "Je afspraak met Sara is maandag om 14u." in wa_api.transcript_text(NOOR)

    await wa_api.user_chooses(NOOR, "Dat past niet")
    await wa_api.wait_delivered()
    (tap,) = receiver.messages()
    assert tap["type"] == "button"
    assert tap["button"] == {"payload": "no:7", "text": "Dat past niet"}
    assert tap["context"] == {"from": wa_api.display_phone_number, "id": answer["messages"][0]["id"]}  # fmt: skip
    assert wa_api.window_open(NOOR)  # a tap is a message: the window opens

    # A payload for a button the template does not have: Meta refuses the send.
    wa_api.register_template("bericht", "nl", 1, body="Er is een bericht van {{1}}.")
    status, answer = await send(client, wa_api, template("bericht", "nl", "Sara", payloads=("x",)))
    assert (status, answer["error"]["code"]) == (400, 132000)
    assert "quick_reply button index 0" in take_violations(wa_api)[0]


async def test_faults_on_demand(
    wa_api: WhatsAppApiServer, receiver: Receiver, client: aiohttp.ClientSession
) -> None:
    await wa_api.user_sends_text(NOOR, "hallo")
    wa_api.fail_next(503)
    wa_api.rate_limit_next(131056)
    status, answer = await send(client, wa_api, text("een"))
    assert (status, answer["error"]["code"]) == (503, 131016)
    status, answer = await send(client, wa_api, text("een"))
    assert (status, answer["error"]["code"]) == (429, 131056)
    assert (await send(client, wa_api, text("een")))[0] == 200

    wa_api.block(NOOR)
    status, answer = await send(client, wa_api, text("twee"))
    assert (status, answer["error"]["code"]) == (400, 131026)
    wa_api.block(NOOR, mode="status")
    _, answer = await send(client, wa_api, text("drie"))
    await wa_api.wait_delivered()
    failed = receiver.statuses()[-1]
    assert failed["status"] == "failed"
    assert failed["id"] == answer["messages"][0]["id"]
    assert failed["errors"][0]["code"] == 131026

    wa_api.unblock(NOOR)
    wa_api.delay_next(1.0)
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(send(client, wa_api, text("vier")), 0.2)
    assert wa_api.violations == []


async def test_webhook_retries_until_the_service_answers_200_and_verify_handshake(
    wa_api: WhatsAppApiServer, receiver: Receiver
) -> None:
    receiver.fail_next = [500, 503]
    wamid = await wa_api.user_sends_text(NOOR, "hallo")
    await wa_api.wait_delivered()

    assert [a.status for a in wa_api.webhooks.attempts] == [500, 503, 200]
    assert receiver.messages()[0]["id"] == wamid
    assert await wa_api.verify("verify-me", challenge="42") == (200, "42")
    assert (await wa_api.verify("wrong"))[0] == 403


async def test_media_round_trip_both_ways(
    wa_api: WhatsAppApiServer, receiver: Receiver, client: aiohttp.ClientSession
) -> None:
    await wa_api.user_sends_media(NOOR, kind="audio", data=b"OggS voice", mime_type="audio/ogg")
    await wa_api.wait_delivered()
    audio = receiver.messages()[0]["audio"]
    async with client.get(f"{wa_api.base_url}/{audio['id']}") as response:
        info = await response.json()
    assert info["mime_type"] == "audio/ogg"
    assert info["sha256"] == audio["sha256"]
    async with client.get(info["url"]) as response:
        assert await response.read() == b"OggS voice"
    async with aiohttp.ClientSession() as anonymous, anonymous.get(info["url"]) as response:
        assert response.status == 401
    assert len(take_violations(wa_api)) == 1

    form = aiohttp.FormData()
    form.add_field("messaging_product", "whatsapp")
    form.add_field("type", "application/pdf")
    form.add_field("file", b"%PDF-1.4", filename="afspraak.pdf", content_type="application/pdf")
    async with client.post(f"{wa_api.base_url}/{wa_api.phone_number_id}/media", data=form) as r:
        media_id = (await r.json())["id"]
    document = {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": NOOR,
        "type": "document",
        "document": {"id": media_id, "filename": "afspraak.pdf"},
    }
    assert (await send(client, wa_api, document))[0] == 200
    assert wa_api.sent_to(NOOR)[0].filename == "afspraak.pdf"
    assert wa_api.media[media_id].data == b"%PDF-1.4"


async def test_mark_as_read_is_accepted_for_received_messages(
    wa_api: WhatsAppApiServer, client: aiohttp.ClientSession
) -> None:
    wamid = await wa_api.user_sends_text(NOOR, "hallo")
    read = {"messaging_product": "whatsapp", "status": "read", "message_id": wamid}

    status, answer = await send(client, wa_api, {**read, "typing_indicator": {"type": "text"}})

    assert (status, answer) == (200, {"success": True})
    assert wa_api.read_receipts == [wamid]
    status, _ = await send(client, wa_api, {**read, "message_id": "wamid.unknown"})
    assert status == 400
    assert len(take_violations(wa_api)) == 1


async def upload(
    client: aiohttp.ClientSession, server: WhatsAppApiServer, data: bytes, mime: str, name: str
) -> tuple[int, JSON]:
    form = aiohttp.FormData()
    form.add_field("messaging_product", "whatsapp")
    form.add_field("type", mime)
    form.add_field("file", data, filename=name, content_type=mime)
    url = f"{server.base_url}/{server.phone_number_id}/media"
    async with client.post(url, data=form) as response:
        return response.status, await response.json()


async def test_unsupported_uploads_and_expired_media_urls_are_refused(
    wa_api: WhatsAppApiServer, client: aiohttp.ClientSession
) -> None:
    status, answer = await upload(client, wa_api, b"BEGIN:VCALENDAR", "text/calendar", "a.ics")
    assert (status, answer["error"]["code"]) == (400, 131053)
    assert "text/plain" in answer["error"]["error_data"]["details"]
    assert len(take_violations(wa_api)) == 1
    status, answer = await upload(client, wa_api, b"BEGIN:VCALENDAR", "text/plain", "a.ics")
    assert status == 200

    async with client.get(f"{wa_api.base_url}/{answer['id']}") as response:
        url = (await response.json())["url"]
    wa_api.advance(minutes=6)
    async with client.get(url) as response:
        assert response.status == 404
    assert wa_api.violations == []


async def test_pair_rate_limit_and_bad_numbers(
    wa_api: WhatsAppApiServer, client: aiohttp.ClientSession
) -> None:
    await wa_api.user_sends_text(NOOR, "hallo")
    wa_api.pair_rate_limit = (2, 6.0)
    assert (await send(client, wa_api, text("een")))[0] == 200
    assert (await send(client, wa_api, text("twee")))[0] == 200
    status, answer = await send(client, wa_api, text("drie"))
    assert (status, answer["error"]["code"]) == (429, 131056)
    wa_api.advance(seconds=7)
    assert (await send(client, wa_api, text("drie")))[0] == 200
    assert wa_api.violations == []

    status, _ = await send(client, wa_api, text("x", to="12"))
    assert status == 400
    assert "'12' is not a phone number" in take_violations(wa_api)[0]


async def test_users_send_locations_documents_and_anything_raw(
    wa_api: WhatsAppApiServer, receiver: Receiver, client: aiohttp.ClientSession
) -> None:
    await wa_api.user_sends_location(NOOR, place="OCMW Gent")
    await wa_api.user_sends_media(NOOR, kind="document", data=b"%PDF", filename="cv.pdf")
    reaction = {"type": "reaction", "reaction": {"message_id": "wamid.x", "emoji": "👍"}}
    raw_id = await wa_api.user_sends_raw(NOOR, reaction)
    await wa_api.user_sends_raw(NOOR, {"type": "unsupported", "errors": [{"code": 131051}]})
    await wa_api.wait_delivered()

    place, document, raw, unsupported = receiver.messages()
    assert place["location"] == {"latitude": 51.0543, "longitude": 3.7174, "name": "OCMW Gent"}
    assert document["document"]["filename"] == "cv.pdf"
    assert document["document"]["mime_type"] == "application/pdf"
    assert raw["id"] == raw_id
    assert raw["reaction"]["emoji"] == "👍"
    assert unsupported["type"] == "unsupported"
    assert all(m["from"] == NOOR and m["timestamp"].isdigit() for m in receiver.messages())


async def test_user_chooses_by_title_and_the_page_plays_the_youth(
    wa_api: WhatsAppApiServer, receiver: Receiver, client: aiohttp.ClientSession
) -> None:
    async with client.post(f"{wa_api.root_url}/ui/send", data={"phone": NOOR, "text": "hoi"}) as r:
        assert r.status == 200
    await send(client, wa_api, buttons(("yes", "Ja"), ("no", "Nee")))

    async with client.get(f"{wa_api.root_url}/?phone={NOOR}") as response:
        page = await response.text()
    assert "hoi" in page
    assert "<button>Nee</button>" in page
    await wa_api.user_chooses(NOOR, "Nee")
    await wa_api.wait_delivered()

    assert [m.get("text", m.get("interactive")) for m in receiver.messages()] == [
        {"body": "hoi"},
        {"type": "button_reply", "button_reply": {"id": "no", "title": "Nee"}},
    ]
    with pytest.raises(ValueError, match="nothing titled 'Misschien'"):
        await wa_api.user_chooses(NOOR, "Misschien")
