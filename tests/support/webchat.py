"""A youth in the web chat, as the page's script talks to the server over the websocket."""

from __future__ import annotations

import asyncio
import itertools
import uuid
from typing import Any

import aiohttp

TOKEN = "noor-test-token-0123456789abcdef"


class WebYouth:
    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.messages: dict[int, dict[str, Any]] = {}
        # Client ids are unique per browser across connections: a resent frame is a duplicate.
        self.ids = (uuid.uuid4().hex[:12] for _ in itertools.count())

    async def read_until(self, expect: str) -> dict[str, Any]:
        """Read frames until a bot message (or edit) shows `expect`; return that message."""
        async with asyncio.timeout(30):
            while True:
                frame = await self.ws.receive_json()
                if frame["type"] in ("message", "edit"):
                    message = self.messages.setdefault(frame["id"], {})
                    message.update(frame)
                    labels = [b["text"] for row in message.get("buttons", []) for b in row]
                    if message.get("direction") != "in" and any(
                        expect in t for t in [message["text"], *labels]
                    ):
                        return message

    async def says(self, text: str, expect: str) -> dict[str, Any]:
        await self.ws.send_json({"type": "text", "text": text, "client_id": f"c{next(self.ids)}"})
        return await self.read_until(expect)

    async def taps(self, label: str, expect: str) -> dict[str, Any]:
        for message_id in sorted(self.messages, reverse=True):
            for row in self.messages[message_id].get("buttons", []):
                for button in row:
                    if button["text"].removeprefix("✅ ") == label:
                        await self.ws.send_json({
                            "type": "button", "data": button["data"], "message_id": message_id,
                            "client_id": f"c{next(self.ids)}",
                        })  # fmt: skip
                        return await self.read_until(expect)
        raise AssertionError(f"no button {label!r}")
