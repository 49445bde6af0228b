"""Posters: each entry point's links, QR codes (SVG, PNG) and a printable A4 poster.

Coordinators only (a worker gets 403, as on the report page). Nothing here is about a
youth, so nothing is audit-logged; the links are built by core.entry_links.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from aiohttp import web

from core.entry_links import CHANNEL_LABELS, Addresses, Link, links, qr_png, qr_svg
from flows.entry import EntryPoint
from flows.model import N_
from inbox import auth
from inbox.errors import Forbidden, NotFound
from inbox.pages.base import Screen
from storage.workers import WorkerView

ONLY_COORDINATORS = "Alleen coördinatoren downloaden affiches en QR-codes."
NO_SUCH_POSTER = "Deze ingang bestaat niet (of niet voor jouw partnerschap)."
FORMATS = {"svg": ("image/svg+xml", qr_svg), "png": ("image/png", qr_png)}
# What a youth reads on the poster (Dutch, B1, "je"); translated like every youth text.
POSTER_TEXT = (
    N_("Zoek je werk, een opleiding of wat hulp?"),
    N_("Stuur ons een bericht. We brengen je bij een coach in je buurt."),
    N_("Het is gratis en jij beslist. Voor jongeren van 18 tot 30 jaar."),
)
SCAN_TEXT = N_("Scan de code met de camera van je gsm.")


@dataclass(frozen=True)
class Poster:
    entry: EntryPoint
    links: tuple[Link, ...]


class Posters(Screen):
    """GET /inbox/posters, /inbox/posters/{key}/{channel}.{svg|png}, /inbox/posters/{key}/print."""

    def posters(self, worker: WorkerView) -> list[Poster]:
        if not worker.is_coordinator:
            raise Forbidden(ONLY_COORDINATORS)
        partnership = self.inbox.directory.partnership(worker.partnership_id)
        to: Addresses = replace(
            self.inbox.entry_addresses, whatsapp_number=partnership.whatsapp_number
        )
        return [Poster(entry, links(entry, to)) for entry in partnership.entry_points]

    def poster(self, request: web.Request) -> Poster:
        worker = auth.require_worker(request)
        key = request.match_info["key"]
        for poster in self.posters(worker):
            if poster.entry.key == key:
                return poster
        raise NotFound(NO_SUCH_POSTER)

    async def page(self, request: web.Request) -> web.StreamResponse:
        worker = auth.require_worker(request)
        return self.render(
            request, "posters.html", posters=self.posters(worker), channels=CHANNEL_LABELS
        )

    async def code(self, request: web.Request) -> web.StreamResponse:
        """A QR code to download: the file name says which poster and channel it is."""
        poster = self.poster(request)
        channel, kind = request.match_info["channel"], request.match_info["kind"]
        link = next((link for link in poster.links if link.channel == channel), None)
        if link is None:
            raise NotFound(NO_SUCH_POSTER)
        content_type, make = FORMATS[kind]
        name = f"instap-{poster.entry.key}-{channel}.{kind}"
        return web.Response(
            body=make(link.url), content_type=content_type,
            headers={**self.site.headers, "Content-Disposition": f'attachment; filename="{name}"'},
        )  # fmt: skip

    async def print_view(self, request: web.Request) -> web.StreamResponse:
        """The A4 poster to print: the youth's text and a QR code per channel."""
        poster = self.poster(request)
        return self.render(
            request, "poster_print.html", poster=poster, channels=CHANNEL_LABELS,
            text=POSTER_TEXT, scan=SCAN_TEXT,
        )  # fmt: skip
