"""Linking the worker's own Telegram, for notifications: a one-time code for the bot."""

from __future__ import annotations

from aiohttp import web

from inbox import auth
from inbox.pages.base import Screen


class Telegram(Screen):
    """The Telegram page."""

    async def page(self, request: web.Request) -> web.StreamResponse:
        auth.require_worker(request)
        return self.render(request, "telegram.html", code="")

    async def code(self, request: web.Request) -> web.StreamResponse:
        """A one-time code to send as /koppel CODE to the bot from the worker's own Telegram."""
        worker = auth.require_worker(request)
        return self.render(request, "telegram.html", code=await self.inbox.link_code(worker))
