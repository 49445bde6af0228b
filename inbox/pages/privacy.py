"""A youth's data as a coordinator sees it: who looked at the case, and the export."""

from __future__ import annotations

from aiohttp import web

from inbox import auth
from inbox.pages.base import Screen, id_param


class Privacy(Screen):
    """Coordinators only (the service checks)."""

    async def audit(self, request: web.Request) -> web.StreamResponse:
        worker = auth.require_worker(request)
        case_id = id_param(request)
        trail = await self.inbox.audit_trail(worker, case_id)
        return self.render(request, "audit.html", case_id=case_id, trail=trail)

    async def export(self, request: web.Request) -> web.StreamResponse:
        """A coordinator downloads what the youth would get with /mijngegevens."""
        worker = auth.require_worker(request)
        name, content = await self.inbox.export(worker, id_param(request))
        return web.Response(
            text=content,
            content_type="application/json",
            headers={
                "Content-Disposition": f'attachment; filename="{name}"',
                "Cache-Control": "no-store",
            },
        )
