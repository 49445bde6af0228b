"""A one-page web UI on the fake server so a developer can play the youth by hand."""

from __future__ import annotations

import time
from html import escape
from typing import TYPE_CHECKING
from urllib.parse import quote

from aiohttp import web

if TYPE_CHECKING:
    from .server import WhatsAppApiServer

__all__ = ["DEFAULT_PHONE", "add_routes"]

DEFAULT_PHONE = "32470123456"
_STYLE = """
body{font-family:sans-serif;max-width:46rem;margin:1rem auto;background:#ece5dd}
.msg{padding:.4rem .7rem;margin:.3rem 0;border-radius:.6rem;white-space:pre-wrap}
.user{background:#dcf8c6;margin-left:6rem}.service{background:#fff;margin-right:6rem}
.meta{color:#777;font-size:.75rem}form.inline{display:inline}
button{margin:.15rem}input[name=text]{width:70%}
"""


def add_routes(app: web.Application, server: WhatsAppApiServer) -> None:
    def back(phone: str) -> web.HTTPSeeOther:
        return web.HTTPSeeOther(f"/?phone={quote(phone)}")

    async def page(request: web.Request) -> web.Response:
        phone = request.query.get("phone", DEFAULT_PHONE)
        return web.Response(text=_render(server, phone), content_type="text/html")

    async def send(request: web.Request) -> web.Response:
        form = await request.post()
        phone = str(form.get("phone") or DEFAULT_PHONE)
        text = str(form.get("text", "")).strip()
        if text:
            await server.user_sends_text(phone, text, name=str(form.get("name") or "") or None)
        raise back(phone)

    async def choose(request: web.Request) -> web.Response:
        form = await request.post()
        phone = str(form["phone"])
        wamid, choice = str(form["wamid"]), str(form["id"])
        sent = server.find_sent(wamid)
        if sent is not None and choice in sent.button_ids:
            await server.user_taps_button(phone, choice, context_id=wamid)
        else:
            await server.user_picks_row(phone, choice, context_id=wamid)
        raise back(phone)

    async def close_window(request: web.Request) -> web.Response:
        form = await request.post()
        phone = str(form["phone"])
        server.close_window(phone)
        raise back(phone)

    app.router.add_get("/", page)
    app.router.add_post("/ui/send", send)
    app.router.add_post("/ui/choose", choose)
    app.router.add_post("/ui/close-window", close_window)


def _render(server: WhatsAppApiServer, phone: str) -> str:
    rows = []
    sent = {s.wamid: s for s in server.sent_to(phone)}
    last = max(sent.values(), key=lambda s: s.at) if sent else None
    for event in server.events:
        if event.phone != phone:
            continue
        who = "service" if event.who == "service" else "user"
        stamp = time.strftime("%H:%M:%S", time.localtime(event.at))
        rows.append(
            f'<div class="msg {who}"><div class="meta">{escape(event.who)} {stamp}</div>'
            f"{escape(event.text)}</div>"
        )
    choices = ""
    if last is not None and last.choices:
        buttons = "".join(
            f'<form class="inline" method="post" action="/ui/choose">'
            f'<input type="hidden" name="phone" value="{escape(phone)}">'
            f'<input type="hidden" name="wamid" value="{escape(last.wamid)}">'
            f'<input type="hidden" name="id" value="{escape(ident)}">'
            f"<button>{escape(title)}</button></form>"
            for ident, title in last.choices
        )
        choices = f"<p>Tap: {buttons}</p>"
    window = "open" if server.window_open(phone) else "closed"
    return f"""<!doctype html><html><head><meta charset="utf-8">
<title>WhatsApp test server – {escape(phone)}</title><style>{_STYLE}</style></head><body>
<form method="get" action="/">Phone <input name="phone" value="{escape(phone)}">
<button>Switch</button></form>
<p class="meta">24-hour window: {window}; webhook: {escape(str(server.webhook_url))};
{len(server.pending)} webhook(s) waiting; {len(server.violations)} violation(s)</p>
{"".join(rows) or "<p>No messages yet.</p>"}
{choices}
<form method="post" action="/ui/send"><input type="hidden" name="phone" value="{escape(phone)}">
<input name="text" autofocus placeholder="Type a message"> <input name="name" placeholder="Name"
size="8"> <button>Send</button></form>
<form method="post" action="/ui/close-window"><input type="hidden" name="phone"
value="{escape(phone)}"><button>Close the 24-hour window</button></form>
</body></html>"""
