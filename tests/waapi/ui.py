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
button{margin:.15rem}input[name=text]{width:60%}
.note{color:#555;text-align:center;font-style:italic}
"""
# Reload when the transcript grows (the service answered), unless something is being typed.
_RELOAD = """(async () => { let seen = %d;
  for (;;) { const now = Number(await (await fetch("/ui/wait?seen=" + seen)).text());
    const typing = document.activeElement && document.activeElement.value;
    if (now > seen && !typing) { location.reload(); return; }
    seen = now; } })();"""


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
        """The page's "24 uur later": this number's last message is more than a day old."""
        form = await request.post()
        phone = str(form["phone"])
        server.close_window(phone)
        server.log(phone, "…", "24 uur later")
        raise back(phone)

    async def wait(request: web.Request) -> web.Response:
        """Answers once the transcript has more than `seen` lines (or after 25 s): the page
        then reloads, so the service's answer shows up without pressing anything."""
        seen = int(request.query.get("seen", "0"))
        if len(server.events) <= seen:
            await server.wait_change(25)
        return web.Response(text=str(len(server.events)))

    app.router.add_get("/", page)
    app.router.add_get("/ui/wait", wait)
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
        who = {"service": "service", "…": "note"}.get(event.who, "user")
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
        choices = f"<p>Tik: {buttons}</p>"
    window = "open" if server.window_open(phone) else "dicht"
    number = f'<input type="hidden" name="phone" value="{escape(phone)}">'
    return f"""<!doctype html><html lang="nl"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>WhatsApp-testserver – {escape(phone)}</title><style>{_STYLE}</style></head><body>
<form method="get" action="/">Je nummer <input name="phone" value="{escape(phone)}" size="14">
<button>Wissel</button></form>
<p class="meta">24-uursvenster: {window} · webhook: {escape(str(server.webhook_url))} ·
{len(server.pending)} webhook(s) wachten · {len(server.violations)} overtreding(en)</p>
{"".join(rows) or "<p>Nog geen berichten. Typ iets, bv. hallo.</p>"}
{choices}
<form method="post" action="/ui/send">{number}
<input name="text" autofocus placeholder="Typ een bericht" aria-label="Bericht">
<input name="name" placeholder="Naam" aria-label="Naam" size="6"> <button>Stuur</button></form>
<form method="post" action="/ui/close-window">{number}<button
title="Doe alsof je laatste bericht meer dan een dag oud is: WhatsApp laat dan alleen
goedgekeurde sjablonen door">24 uur later</button></form>
<script>{_RELOAD % len(server.events)}</script>
</body></html>"""
