"""A one-page web UI on the fake server so a developer can play the user by hand."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    from .server import BotApiServer

__all__ = ["add_routes"]

_DEFAULT_CHAT = 1001
_STYLE = """
body{font-family:sans-serif;max-width:46rem;margin:1rem auto;background:#eef}
.msg{padding:.4rem .7rem;margin:.3rem 0;border-radius:.6rem;white-space:pre-wrap}
.user{background:#dfd;margin-left:6rem}.bot{background:#fff;margin-right:6rem}
.meta{color:#777;font-size:.75rem}form.inline{display:inline}
button{margin:.15rem}input[type=text]{width:70%}
"""


def add_routes(app: web.Application, server: BotApiServer) -> None:
    async def page(request: web.Request) -> web.Response:
        chat_id = int(request.query.get("chat_id", _DEFAULT_CHAT))
        return web.Response(text=_render(server, chat_id), content_type="text/html")

    async def send(request: web.Request) -> web.Response:
        form = await request.post()
        chat_id = int(str(form.get("chat_id", _DEFAULT_CHAT)))
        text = str(form.get("text", "")).strip()
        if text:
            server.user_sends_text(chat_id, text, first_name=str(form.get("name") or "Noor"))
        raise web.HTTPSeeOther(f"/?chat_id={chat_id}")

    async def press(request: web.Request) -> web.Response:
        form = await request.post()
        chat_id = int(str(form["chat_id"]))
        server.user_presses(chat_id, str(form["data"]), message_id=int(str(form["message_id"])))
        raise web.HTTPSeeOther(f"/?chat_id={chat_id}")

    async def block(request: web.Request) -> web.Response:
        form = await request.post()
        chat_id = int(str(form["chat_id"]))
        server.user_blocks_bot(chat_id)
        raise web.HTTPSeeOther(f"/?chat_id={chat_id}")

    app.router.add_get("/", page)
    app.router.add_post("/ui/send", send)
    app.router.add_post("/ui/press", press)
    app.router.add_post("/ui/block", block)


def _render(server: BotApiServer, chat_id: int) -> str:
    rows = []
    state = server.chats.get(chat_id)
    messages = sorted(state.messages.items()) if state else []
    for message_id, message in messages:
        is_bot = state is not None and message_id in state.bot_message_ids
        deleted = state is not None and message_id in state.deleted
        body = message.get("text") or message.get("caption") or _kind(message)
        meta = f"#{message_id}" + (" (deleted)" if deleted else "")
        meta += " (edited)" if "edit_date" in message else ""
        buttons = ""
        for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
            for button in row:
                if "callback_data" in button:
                    data = escape(button["callback_data"])
                    buttons += (
                        '<form class="inline" method="post" action="/ui/press">'
                        f'<input type="hidden" name="chat_id" value="{chat_id}">'
                        f'<input type="hidden" name="message_id" value="{message_id}">'
                        f'<input type="hidden" name="data" value="{data}">'
                        f"<button>{escape(button['text'])}</button></form>"
                    )
                elif "url" in button:
                    buttons += f'<a href="{escape(button["url"])}">{escape(button["text"])}</a> '
            buttons += "<br>"
        keyboard = state.bot_meta.get(message_id, {}).get("keyboard") if state else None
        for row in (keyboard or {}).get("keyboard", []):
            for button in row:
                label = escape(button["text"] if isinstance(button, dict) else str(button))
                buttons += (
                    '<form class="inline" method="post" action="/ui/send">'
                    f'<input type="hidden" name="chat_id" value="{chat_id}">'
                    f'<input type="hidden" name="text" value="{label}">'
                    f"<button>{label}</button></form>"
                )
            buttons += "<br>"
        rows.append(
            f'<div class="msg {"bot" if is_bot else "user"}"><div class="meta">{meta}</div>'
            f"{escape(str(body))}<div>{buttons}</div></div>"
        )
    chats = " ".join(f'<a href="/?chat_id={cid}">{cid}</a>' for cid in server.chats)
    violations = "".join(f"<li>{escape(v)}</li>" for v in server.violations[-20:])
    return f"""<!doctype html><html><head><meta charset="utf-8">
<title>Instap test Bot API - chat {chat_id}</title><style>{_STYLE}</style></head><body>
<h3>Chat {chat_id}</h3><p>Chats: {chats or "none yet"} | <a href="/?chat_id={chat_id}">refresh</a>
| <form class="inline" method="get"><input name="chat_id" size="8" placeholder="chat id">
<button>open</button></form></p>
<div id="log">{"".join(rows) or "<p>No messages yet. Say hi (try /start).</p>"}</div>
<form method="post" action="/ui/send"><input type="hidden" name="chat_id" value="{chat_id}">
<input type="text" name="text" autofocus placeholder="Type as the user..."><button>Send</button>
</form>
<form method="post" action="/ui/block"><input type="hidden" name="chat_id" value="{chat_id}">
<button>Block the bot</button></form>
<h4>Violations</h4><ul>{violations or "<li>none</li>"}</ul>
<script>setInterval(function(){{var t=document.querySelector('input[name=text]');
if(!t.value){{location.reload();}}}},3000);</script>
</body></html>"""


def _kind(message: dict[str, object]) -> str:
    for key in ("photo", "document", "voice", "sticker", "video", "location", "contact"):
        if key in message:
            return f"<{key}>"
    return "<message>"
