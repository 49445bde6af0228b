"""Bot API method implementations of the fake server, one small function per method.

Each handler gets already validated, decoded parameters and returns the ``result`` value or
raises :class:`ApiError` with Telegram's wording.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from .formatting import FormatError, parse_formatted
from .objects import JSON, ApiError, ChatState, UploadedFile, bot_user, media_object
from .objects import new_stored_file as _new_file

if TYPE_CHECKING:
    from .server import BotApiServer

__all__ = ["HANDLERS"]

Files = dict[str, UploadedFile]
Handler = Callable[["BotApiServer", JSON, Files], Awaitable[Any]]
HANDLERS: dict[str, Handler] = {}

_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
_MEDIA_METHODS = {
    "sendDocument": "document",
    "sendPhoto": "photo",
    "sendVoice": "voice",
    "sendVideo": "video",
    "sendAudio": "audio",
    "sendAnimation": "animation",
    "sendSticker": "sticker",
    "sendVideoNote": "video_note",
}


def handles(*names: str) -> Callable[[Handler], Handler]:
    def register(func: Handler) -> Handler:
        for name in names:
            HANDLERS[name] = func
        return func

    return register


# --- helpers ---------------------------------------------------------------------------


def target_chat(server: BotApiServer, chat_ref: Any, *, sending: bool = True) -> ChatState:
    """Find the chat a call addresses, with Telegram's errors for unknown or blocked chats."""
    chat_id: int | None = None
    if isinstance(chat_ref, int):
        chat_id = chat_ref
    elif isinstance(chat_ref, str) and chat_ref.lstrip("-").isdigit():
        chat_id = int(chat_ref)
    elif isinstance(chat_ref, str) and chat_ref.startswith("@"):
        for cid, candidate in server.chats.items():
            if candidate.chat.get("username") == chat_ref[1:]:
                chat_id = cid
    state = server.chats.get(chat_id) if chat_id is not None else None
    if state is None:
        if server.strict_chats or chat_id is None:
            raise ApiError(400, "Bad Request: chat not found")
        state = server.ensure_chat(chat_id, chat_type="private" if chat_id > 0 else "group")
    if sending and state.blocked:
        if state.chat["type"] == "private":
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        raise ApiError(403, "Forbidden: bot was kicked from the group chat")
    return state


def _format(text: str, params: JSON, entities_key: str) -> tuple[str, list[JSON]]:
    mode = params.get("parse_mode")
    try:
        parsed = parse_formatted(text, mode if isinstance(mode, str) else None)
    except FormatError as exc:  # validation already caught it; keep the handler honest
        raise ApiError(400, f"Bad Request: can't parse entities: {exc}") from exc
    entities = parsed.entities if mode else list(params.get(entities_key) or [])
    return parsed.text, entities


def _describe_markup(markup: Any) -> str:
    if not isinstance(markup, dict):
        return ""
    rows = markup.get("inline_keyboard") or markup.get("keyboard")
    if not rows:
        return " {remove keyboard}" if markup.get("remove_keyboard") else ""
    labels = " | ".join(
        (b.get("text", "?") if isinstance(b, dict) else str(b)) for row in rows for b in row
    )
    return f" [{labels}]" if "inline_keyboard" in markup else f" {{{labels}}}"


def store_bot_message(
    server: BotApiServer, state: ChatState, content: JSON, params: JSON, summary: str
) -> JSON:
    """Create, remember and log a message the bot sent; return the Message object."""
    message: JSON = {
        "message_id": state.take_message_id(),
        "from": bot_user(server.bot_id),
        "chat": copy.deepcopy(state.chat),
        "date": server.now(),
        **content,
    }
    reply = params.get("reply_parameters")
    reply_to = reply.get("message_id") if isinstance(reply, dict) else None
    if reply_to in state.messages:
        replied = copy.deepcopy(state.messages[reply_to])
        replied.pop("reply_to_message", None)
        message["reply_to_message"] = replied
    markup = params.get("reply_markup")
    meta: JSON = {"raw_text": params.get("text", params.get("caption")), "history": []}
    meta["parse_mode"] = params.get("parse_mode")
    if isinstance(markup, dict) and "inline_keyboard" in markup:
        message["reply_markup"] = markup
    elif isinstance(markup, dict):
        meta["keyboard"] = markup
    state.messages[message["message_id"]] = message
    state.bot_message_ids.append(message["message_id"])
    state.bot_meta[message["message_id"]] = meta
    server.log(state.chat["id"], "bot", f"#{message['message_id']} {summary}")
    server.notify()
    return message


def _bot_message(server: BotApiServer, params: JSON, action: str) -> tuple[ChatState, JSON]:
    if "inline_message_id" in params:
        raise ApiError(400, "Bad Request: inline messages are not simulated")
    if "chat_id" not in params or "message_id" not in params:
        raise ApiError(400, "Bad Request: message identifier is not specified")
    state = target_chat(server, params["chat_id"], sending=False)
    message_id = params["message_id"]
    if message_id not in state.messages or message_id in state.deleted:
        raise ApiError(400, f"Bad Request: message to {action} not found")
    return state, state.messages[message_id]


# --- identity and setup ------------------------------------------------------------------


@handles("getMe")
async def get_me(server: BotApiServer, params: JSON, files: Files) -> JSON:
    return bot_user(server.bot_id, full=True)


@handles("logOut", "close")
async def log_out(server: BotApiServer, params: JSON, files: Files) -> bool:
    return True


def _scope_key(params: JSON) -> tuple[str, str]:
    scope = params.get("scope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")


@handles("setMyCommands")
async def set_my_commands(server: BotApiServer, params: JSON, files: Files) -> bool:
    server.commands[_scope_key(params)] = list(params["commands"])
    return True


@handles("getMyCommands")
async def get_my_commands(server: BotApiServer, params: JSON, files: Files) -> list[JSON]:
    return list(server.commands.get(_scope_key(params), []))


@handles("deleteMyCommands")
async def delete_my_commands(server: BotApiServer, params: JSON, files: Files) -> bool:
    server.commands.pop(_scope_key(params), None)
    return True


_BOT_TEXTS = {
    "setMyDescription": "description",
    "setMyShortDescription": "short_description",
    "setMyName": "name",
}


def _set_bot_text(key: str) -> Handler:
    async def set_text(server: BotApiServer, params: JSON, files: Files) -> bool:
        lang = str(params.get("language_code") or "")
        value = params.get(key)
        if value:
            server.bot_texts[(key, lang)] = str(value)
        else:
            server.bot_texts.pop((key, lang), None)
        return True

    return set_text


def _get_bot_text(key: str, default: str = "") -> Handler:
    async def get(server: BotApiServer, params: JSON, files: Files) -> JSON:
        lang = str(params.get("language_code") or "")
        value = server.bot_texts.get((key, lang), server.bot_texts.get((key, ""), default))
        return {key: value}

    return get


for _method, _key in _BOT_TEXTS.items():
    HANDLERS[_method] = _set_bot_text(_key)
HANDLERS["getMyDescription"] = _get_bot_text("description")
HANDLERS["getMyShortDescription"] = _get_bot_text("short_description")
HANDLERS["getMyName"] = _get_bot_text("name", "Instap")


@handles("setChatMenuButton")
async def set_chat_menu_button(server: BotApiServer, params: JSON, files: Files) -> bool:
    server.menu_buttons[params.get("chat_id")] = params.get("menu_button") or {"type": "default"}
    return True


@handles("getChatMenuButton")
async def get_chat_menu_button(server: BotApiServer, params: JSON, files: Files) -> JSON:
    buttons = server.menu_buttons
    return buttons.get(params.get("chat_id"), buttons.get(None, {"type": "commands"}))


# --- chats -----------------------------------------------------------------------------


@handles("getChat")
async def get_chat(server: BotApiServer, params: JSON, files: Files) -> JSON:
    state = target_chat(server, params["chat_id"], sending=False)
    gifts = dict.fromkeys(
        (
            "unlimited_gifts",
            "limited_gifts",
            "unique_gifts",
            "premium_subscription",
            "gifts_from_channels",
        ),
        False,
    )
    info = dict(state.chat, accent_color_id=0, max_reaction_count=11)
    info["accepted_gift_types"] = gifts
    return info


@handles("getChatMember")
async def get_chat_member(server: BotApiServer, params: JSON, files: Files) -> JSON:
    state = target_chat(server, params["chat_id"], sending=False)
    user_id = params["user_id"]
    if user_id == server.bot_id:
        return {"status": "kicked" if state.blocked else "member", "user": bot_user(server.bot_id)}
    if state.user is not None and state.user["id"] == user_id:
        return {"status": "member", "user": state.user}
    raise ApiError(400, "Bad Request: user not found")


@handles("leaveChat")
async def leave_chat(server: BotApiServer, params: JSON, files: Files) -> bool:
    state = target_chat(server, params["chat_id"], sending=False)
    server.log(state.chat["id"], "bot", "<left the chat>")
    return True


@handles("sendChatAction")
async def send_chat_action(server: BotApiServer, params: JSON, files: Files) -> bool:
    target_chat(server, params["chat_id"])
    return True


# --- sending ---------------------------------------------------------------------------


@handles("sendMessage")
async def send_message(server: BotApiServer, params: JSON, files: Files) -> JSON:
    state = target_chat(server, params["chat_id"])
    text, entities = _format(params["text"], params, "entities")
    content: JSON = {"text": text}
    if entities:
        content["entities"] = entities
    summary = text + _describe_markup(params.get("reply_markup"))
    return store_bot_message(server, state, content, params, summary)


def _resolve_file(server: BotApiServer, kind: str, value: Any, files: Files, field: str) -> Any:
    if isinstance(value, str) and value.startswith("attach://"):
        upload = files.get(value.removeprefix("attach://"))
    else:
        upload = files.get(field) if value is None or field in files else None
    if upload is not None:
        stored = _new_file(kind, upload.content, upload.filename, upload.content_type)
        server.files[stored.file_id] = stored
        return stored
    if isinstance(value, str) and value.startswith(("http://", "https://")):
        name = value.rsplit("/", 1)[-1] or None
        stored = _new_file(kind, b"", name)
        server.files[stored.file_id] = stored
        return stored
    if isinstance(value, str) and value in server.files:
        return server.files[value]
    raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")


def _send_media(kind: str) -> Handler:
    async def send(server: BotApiServer, params: JSON, files: Files) -> JSON:
        state = target_chat(server, params["chat_id"])
        stored = _resolve_file(server, kind, params.get(kind), files, kind)
        content: JSON = {kind: media_object(kind, stored)}
        if kind == "animation":
            content["document"] = media_object("document", stored)
        caption = params.get("caption")
        if isinstance(caption, str):
            text, entities = _format(caption, params, "caption_entities")
            content["caption"] = text
            if entities:
                content["caption_entities"] = entities
        name = stored.file_name or stored.file_path
        summary = f"<{kind} {name}> {content.get('caption', '')}".strip()
        summary += _describe_markup(params.get("reply_markup"))
        return store_bot_message(server, state, content, params, summary)

    return send


for _method, _kind in _MEDIA_METHODS.items():
    HANDLERS[_method] = _send_media(_kind)


@handles("sendMediaGroup")
async def send_media_group(server: BotApiServer, params: JSON, files: Files) -> list[JSON]:
    state = target_chat(server, params["chat_id"])
    group_id = str(server.now() * 1000 + len(state.messages))
    sent = []
    for item in params["media"]:
        kind = item["type"]
        stored = _resolve_file(server, kind, item.get("media"), files, kind)
        content: JSON = {kind: media_object(kind, stored), "media_group_id": group_id}
        if item.get("caption"):
            content["caption"] = _format(item["caption"], item, "caption_entities")[0]
        sent.append(store_bot_message(server, state, content, {}, f"<{kind} in album>"))
    return sent


@handles("sendLocation")
async def send_location(server: BotApiServer, params: JSON, files: Files) -> JSON:
    state = target_chat(server, params["chat_id"])
    location = {"latitude": params["latitude"], "longitude": params["longitude"]}
    return store_bot_message(server, state, {"location": location}, params, "<location>")


@handles("sendContact")
async def send_contact(server: BotApiServer, params: JSON, files: Files) -> JSON:
    state = target_chat(server, params["chat_id"])
    contact = {k: params[k] for k in ("phone_number", "first_name", "last_name") if k in params}
    return store_bot_message(server, state, {"contact": contact}, params, "<contact>")


_CONTENT_KEYS = (
    "text",
    "entities",
    "caption",
    "caption_entities",
    "photo",
    "document",
    "voice",
    "video",
    "video_note",
    "animation",
    "audio",
    "sticker",
    "location",
    "contact",
)


def _copy_source(server: BotApiServer, params: JSON) -> JSON:
    source = target_chat(server, params["from_chat_id"], sending=False)
    message = source.messages.get(params["message_id"])
    if message is None or params["message_id"] in source.deleted:
        raise ApiError(400, "Bad Request: message to copy not found")
    return {k: copy.deepcopy(v) for k, v in message.items() if k in _CONTENT_KEYS}


@handles("copyMessage")
async def copy_message(server: BotApiServer, params: JSON, files: Files) -> JSON:
    content = _copy_source(server, params)
    state = target_chat(server, params["chat_id"])
    if "caption" in params:
        content["caption"] = _format(str(params["caption"]), params, "caption_entities")[0]
    summary = f"<copy of #{params['message_id']}> {content.get('text', content.get('caption', ''))}"
    message = store_bot_message(server, state, content, params, summary)
    return {"message_id": message["message_id"]}


@handles("forwardMessage")
async def forward_message(server: BotApiServer, params: JSON, files: Files) -> JSON:
    content = _copy_source(server, params)
    source = target_chat(server, params["from_chat_id"], sending=False)
    original = source.messages[params["message_id"]]
    content["forward_origin"] = {
        "type": "user",
        "date": original["date"],
        "sender_user": original.get("from") or bot_user(server.bot_id),
    }
    state = target_chat(server, params["chat_id"])
    summary = f"<forward of #{params['message_id']}> {content.get('text', '')}"
    return store_bot_message(server, state, content, params, summary)


# --- editing -----------------------------------------------------------------------------


@handles("editMessageText")
async def edit_message_text(server: BotApiServer, params: JSON, files: Files) -> JSON:
    state, message = _bot_message(server, params, "edit")
    if "text" not in params:
        raise ApiError(400, "Bad Request: text is empty")
    if message["message_id"] not in state.bot_message_ids or "text" not in message:
        raise ApiError(400, "Bad Request: message can't be edited")
    text, entities = _format(params["text"], params, "entities")
    markup = params.get("reply_markup")
    same_text = text == message.get("text") and entities == message.get("entities", [])
    if same_text and markup == message.get("reply_markup"):
        raise ApiError(400, _NOT_MODIFIED)
    meta = state.bot_meta[message["message_id"]]
    meta["history"].append(message.get("text"))
    meta["raw_text"] = params["text"]
    message["text"] = text
    message.pop("entities", None)
    if entities:
        message["entities"] = entities
    _set_markup(message, markup)
    message["edit_date"] = server.now()
    server.log(
        state.chat["id"],
        "bot",
        f"<edited #{message['message_id']}> {text}" + _describe_markup(markup),
    )
    server.notify()
    return message


@handles("editMessageCaption")
async def edit_message_caption(server: BotApiServer, params: JSON, files: Files) -> JSON:
    state, message = _bot_message(server, params, "edit")
    text, entities = _format(str(params.get("caption") or ""), params, "caption_entities")
    message["caption"] = text
    if entities:
        message["caption_entities"] = entities
    _set_markup(message, params.get("reply_markup"))
    message["edit_date"] = server.now()
    server.log(state.chat["id"], "bot", f"<edited caption #{message['message_id']}> {text}")
    server.notify()
    return message


@handles("editMessageReplyMarkup")
async def edit_message_reply_markup(server: BotApiServer, params: JSON, files: Files) -> JSON:
    state, message = _bot_message(server, params, "edit")
    markup = params.get("reply_markup")
    old = message.get("reply_markup")
    if _keyboard_rows(markup) == _keyboard_rows(old):
        raise ApiError(400, _NOT_MODIFIED)
    _set_markup(message, markup)
    message["edit_date"] = server.now()
    summary = _describe_markup(markup) or " [no keyboard]"
    server.log(state.chat["id"], "bot", f"<edited keyboard #{message['message_id']}>{summary}")
    server.notify()
    return message


def _keyboard_rows(markup: Any) -> Any:
    return markup.get("inline_keyboard") or None if isinstance(markup, dict) else None


def _set_markup(message: JSON, markup: Any) -> None:
    if isinstance(markup, dict) and markup.get("inline_keyboard"):
        message["reply_markup"] = markup
    else:
        message.pop("reply_markup", None)


@handles("deleteMessage")
async def delete_message(server: BotApiServer, params: JSON, files: Files) -> bool:
    state, message = _bot_message(server, params, "delete")
    state.deleted.add(message["message_id"])
    server.log(state.chat["id"], "bot", f"<deleted #{message['message_id']}>")
    server.notify()
    return True


@handles("deleteMessages")
async def delete_messages(server: BotApiServer, params: JSON, files: Files) -> bool:
    state = target_chat(server, params["chat_id"], sending=False)
    for message_id in params["message_ids"]:
        if message_id in state.messages:
            state.deleted.add(message_id)
    server.notify()
    return True


# --- callbacks and files -----------------------------------------------------------------


@handles("answerCallbackQuery")
async def answer_callback_query(server: BotApiServer, params: JSON, files: Files) -> bool:
    query_id = str(params["callback_query_id"])
    if query_id not in server.issued_callback_ids or query_id in server.answered_callback_ids:
        why = "already answered" if query_id in server.answered_callback_ids else "unknown"
        server.invalid_callback_answers.append(f"{query_id} ({why})")
        raise ApiError(
            400,
            "Bad Request: query is too old and response timeout expired or query ID is invalid",
        )
    server.answered_callback_ids.add(query_id)
    server.callback_answers[query_id] = dict(params)
    if params.get("text"):
        alert = " (alert)" if params.get("show_alert") else ""
        chat_id = server.callback_chats.get(query_id, 0)
        server.log(chat_id, "bot", f"<callback answer{alert}> {params['text']}")
    server.notify()
    return True


@handles("getFile")
async def get_file(server: BotApiServer, params: JSON, files: Files) -> JSON:
    stored = server.files.get(str(params["file_id"]))
    if stored is None:
        raise ApiError(400, "Bad Request: invalid file_id")
    return stored.as_file()


# --- updates and webhooks ----------------------------------------------------------------


@handles("getUpdates")
async def get_updates(server: BotApiServer, params: JSON, files: Files) -> list[JSON]:
    return await server.poll_updates(
        offset=int(params.get("offset") or 0),
        limit=max(1, min(100, int(params.get("limit") or 100))),
        poll_seconds=max(0, int(params.get("timeout") or 0)),
        allowed_updates=params.get("allowed_updates"),
    )


@handles("setWebhook")
async def set_webhook(server: BotApiServer, params: JSON, files: Files) -> bool:
    if params.get("drop_pending_updates"):
        server.drop_pending_updates()
    url = str(params["url"])
    if not url:
        await server.remove_webhook()
        return True
    if not url.startswith(("http://", "https://")):
        raise ApiError(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
    await server.install_webhook(
        url,
        secret_token=params.get("secret_token"),
        allowed_updates=params.get("allowed_updates"),
        max_connections=int(params.get("max_connections") or 40),
    )
    return True


@handles("deleteWebhook")
async def delete_webhook(server: BotApiServer, params: JSON, files: Files) -> bool:
    if params.get("drop_pending_updates"):
        server.drop_pending_updates()
    await server.remove_webhook()
    return True


@handles("getWebhookInfo")
async def get_webhook_info(server: BotApiServer, params: JSON, files: Files) -> JSON:
    return server.webhook_info()
