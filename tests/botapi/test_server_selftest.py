"""Self-test of the fake Bot API, driven by the real python-telegram-bot client."""

from __future__ import annotations

import asyncio
import datetime as dtm
from collections.abc import AsyncIterator

import aiohttp
import pytest
import telegram
from aiohttp import web
from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    ReplyKeyboardMarkup,
    Update,
)
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    RetryAfter,
    TimedOut,
)

from .formatting import FormatError, parse_formatted
from .server import BotApiServer
from .spec import Spec
from .state import MEDIA_KINDS

NOOR = 1001


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    # PTB 22 warns (an error here) when duration attributes such as RetryAfter.retry_after
    # are read as ints; opting in to timedelta values silences that.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
async def bot(bot_api: BotApiServer) -> AsyncIterator[telegram.Bot]:
    client = telegram.Bot(
        bot_api.token, base_url=bot_api.base_url, base_file_url=bot_api.base_file_url
    )
    async with client:
        yield client


def keyboard(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(t, callback_data=d) for t, d in pairs]])


async def test_get_me_and_send_message_with_keyboard(
    bot: telegram.Bot, bot_api: BotApiServer
) -> None:
    me = await bot.get_me()
    assert me.username == "instap_test_bot"
    assert me.can_join_groups is True
    bot_api.user_sends_text(NOOR, "/start")

    sent = await bot.send_message(NOOR, "Kies maar", reply_markup=keyboard(("Ja", "yes")))

    assert sent.text == "Kies maar"
    assert sent.from_user is not None and sent.from_user.id == me.id
    assert sent.reply_markup is not None
    assert sent.reply_markup.inline_keyboard[0][0].callback_data == "yes"
    stored = bot_api.bot_messages(NOOR)
    assert stored[0]["reply_markup"]["inline_keyboard"][0][0]["text"] == "Ja"
    assert bot_api.sent_texts(NOOR) == ["Kies maar"]
    assert bot_api.calls_to("sendMessage")[0].params["chat_id"] == NOOR
    assert "bot: #2 Kies maar [Ja]" in bot_api.transcript_text(NOOR)
    assert bot_api.server_errors == []


async def test_html_is_parsed_into_plain_text_and_entities(
    bot: telegram.Bot, bot_api: BotApiServer
) -> None:
    bot_api.user_sends_text(NOOR, "hoi")
    sent = await bot.send_message(NOOR, "<b>Dag</b> Noor &amp; co", parse_mode="HTML")
    assert sent.text == "Dag Noor & co"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [("bold", 0, 3)]
    assert bot_api.sent_texts(NOOR, raw=True) == ["<b>Dag</b> Noor &amp; co"]


async def test_unknown_chat_and_reply_keyboard(bot: telegram.Bot, bot_api: BotApiServer) -> None:
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(777, "hallo?")
    bot_api.user_sends_text(NOOR, "hoi")
    markup = ReplyKeyboardMarkup([["Werk", "School"]], resize_keyboard=True)
    sent = await bot.send_message(NOOR, "Waarmee?", reply_markup=markup)
    assert sent.reply_markup is None  # Telegram only echoes inline keyboards
    assert bot_api.bot_messages(NOOR)[0]["keyboard"]["keyboard"][0][1]["text"] == "School"
    assert bot_api.violations == []


async def test_commands_and_descriptions_per_language(bot: telegram.Bot) -> None:
    await bot.set_my_commands([BotCommand("start", "Begin opnieuw")], language_code="nl")
    assert [c.command for c in await bot.get_my_commands(language_code="nl")] == ["start"]
    assert await bot.get_my_commands() == ()
    await bot.delete_my_commands(language_code="nl")
    assert await bot.get_my_commands(language_code="nl") == ()
    await bot.set_my_description("Hulp bij werk en school", language_code="nl")
    assert (await bot.get_my_description("nl")).description == "Hulp bij werk en school"
    await bot.set_my_short_description("Instap")
    assert (await bot.get_my_short_description()).short_description == "Instap"
    assert await bot.set_chat_menu_button()


async def test_invalid_command_is_a_violation(bot: telegram.Bot, bot_api: BotApiServer) -> None:
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand("Start", "Begin")])
    assert any("command 'Start'" in v for v in bot_api.violations)
    bot_api.violations.clear()


async def test_pressed_button_is_answered_once(bot: telegram.Bot, bot_api: BotApiServer) -> None:
    bot_api.user_sends_text(NOOR, "/start")
    await bot.send_message(NOOR, "Werk of school?", reply_markup=keyboard(("Werk", "w")))
    bot_api.user_presses(NOOR, "w")

    updates = await bot.get_updates()
    query = updates[-1].callback_query
    assert query is not None and query.data == "w"
    assert query.message is not None and query.message.message_id == 2
    assert bot_api.unanswered_callback_ids() == {query.id}

    assert await query.answer("Top!")
    assert bot_api.unanswered_callback_ids() == set()
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await query.answer()
    assert bot_api.invalid_callback_answers == [f"{query.id} (already answered)"]
    assert bot_api.violations == []


async def test_pressing_a_button_that_is_not_there_is_a_test_bug(bot_api: BotApiServer) -> None:
    bot_api.user_sends_text(NOOR, "hoi")
    with pytest.raises(ValueError, match=r"(?i)no bot message with an inline keyboard"):
        bot_api.user_presses(NOOR, "nope")


async def test_get_updates_offset_semantics(bot: telegram.Bot, bot_api: BotApiServer) -> None:
    ids = [bot_api.user_sends_text(NOOR, f"bericht {n}") for n in range(3)]

    first = await bot.get_updates()
    assert [u.update_id for u in first] == ids
    again = await bot.get_updates()
    assert [u.update_id for u in again] == ids  # not confirmed yet
    assert [u.update_id for u in await bot.get_updates(offset=ids[1])] == ids[1:]
    assert bot_api.confirmed_update_ids == {ids[0]}
    assert await bot.get_updates(offset=ids[-1] + 1) == ()
    assert bot_api.confirmed_update_ids == set(ids)

    more = [bot_api.user_sends_text(NOOR, f"nog {n}") for n in range(3)]
    assert [u.update_id for u in await bot.get_updates(offset=-1)] == more[-1:]
    assert bot_api.confirmed_update_ids >= set(more[:-1])
    assert [u.update_id for u in await bot.get_updates(limit=5)] == more[-1:]


async def test_long_poll_returns_when_an_update_arrives(
    bot: telegram.Bot, bot_api: BotApiServer
) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    before = bot_api.polls_started
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await bot_api.wait_until(lambda: bot_api.polls_started > before, what="the long poll")
    bot_api.user_sends_text(NOOR, "daar ben ik")
    updates = await poll
    assert len(updates) == 1 and updates[0].message is not None
    assert loop.time() - started < 2


async def test_allowed_updates_are_respected(bot: telegram.Bot, bot_api: BotApiServer) -> None:
    bot_api.user_sends_text(NOOR, "/start")
    await bot.send_message(NOOR, "Kies", reply_markup=keyboard(("A", "a")))
    bot_api.user_presses(NOOR, "a")
    only_queries = await bot.get_updates(allowed_updates=["callback_query"])
    assert [u.callback_query is not None for u in only_queries] == [True]
    assert len(await bot.get_updates(allowed_updates=[])) == 2


async def test_second_poller_terminates_the_first(bot: telegram.Bot, bot_api: BotApiServer) -> None:
    before = bot_api.polls_started
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await bot_api.wait_until(lambda: bot_api.polls_started > before, what="the first long poll")
    # A second bot instance (PTB serialises getUpdates within one instance).
    other = telegram.Bot(bot_api.token, base_url=bot_api.base_url)
    async with other:
        assert await other.get_updates() == ()
    with pytest.raises(Conflict, match=r"(?i)terminated by other getUpdates"):
        await first


async def test_injected_429_surfaces_as_retry_after(
    bot: telegram.Bot, bot_api: BotApiServer
) -> None:
    bot_api.user_sends_text(NOOR, "hoi")
    bot_api.inject_error("sendMessage", status=429, retry_after=7)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(NOOR, "te snel")
    assert caught.value.retry_after == dtm.timedelta(seconds=7)
    assert bot_api.calls[-1].response["parameters"] == {"retry_after": 7}
    await bot.send_message(NOOR, "nu wel")
    assert bot_api.sent_texts(NOOR) == ["nu wel"]


async def test_forbidden_when_blocked(bot: telegram.Bot, bot_api: BotApiServer) -> None:
    bot_api.user_sends_text(NOOR, "hoi")
    update_id = bot_api.user_blocks_bot(NOOR)
    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        await bot.send_message(NOOR, "ben je er nog?")
    updates = await bot.get_updates()
    member = updates[-1].my_chat_member
    assert updates[-1].update_id == update_id
    assert member is not None and member.new_chat_member.status == "kicked"

    bot_api.set_blocked(NOOR, False)
    bot_api.inject_error("sendMessage", status=403)
    with pytest.raises(Forbidden):
        await bot.send_message(NOOR, "nog eens")


async def test_server_errors_and_delays(bot: telegram.Bot, bot_api: BotApiServer) -> None:
    bot_api.user_sends_text(NOOR, "hoi")
    bot_api.inject_error("sendMessage", status=502)
    with pytest.raises(telegram.error.NetworkError):
        await bot.send_message(NOOR, "één")
    bot_api.inject_delay("sendMessage", 0.5)
    with pytest.raises(TimedOut):
        await bot.send_message(NOOR, "traag", read_timeout=0.1)
    # Like Telegram, the slow call still went through.
    assert [m["text"] for m in await bot_api.wait_for_bot_messages(NOOR, 1)] == ["traag"]


async def test_too_long_text_is_rejected_and_recorded(
    bot: telegram.Bot, bot_api: BotApiServer
) -> None:
    bot_api.user_sends_text(NOOR, "hoi")
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(NOOR, "x" * 4097)
    assert bot_api.violations == ["sendMessage: text has 4097 characters (max 4096)"]
    assert bot_api.calls[-1].status == 400
    await bot.send_message(NOOR, "x" * 4096 + "   ")  # limit applies after stripping
    bot_api.violations.clear()


async def test_callback_data_over_64_bytes(bot: telegram.Bot, bot_api: BotApiServer) -> None:
    bot_api.user_sends_text(NOOR, "hoi")
    data = "é" * 32 + "x"  # 33 characters, 65 bytes
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(NOOR, "Kies", reply_markup=keyboard(("A", data)))
    assert len(bot_api.violations) == 1 and "65 bytes" in bot_api.violations[0]
    bot_api.violations.clear()


async def test_unbalanced_html_is_rejected(bot: telegram.Bot, bot_api: BotApiServer) -> None:
    bot_api.user_sends_text(NOOR, "hoi")
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(NOOR, "<b>Welkom", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(NOOR, "5 < 6 & 7", parse_mode="HTML")
    assert len(bot_api.violations) == 2
    bot_api.violations.clear()


async def test_raw_api_calls(bot: telegram.Bot, bot_api: BotApiServer) -> None:
    assert (await bot.do_api_request("GETME"))["username"] == "instap_test_bot"
    assert bot_api.calls[-1].method == "getMe"
    with pytest.raises(EndPointNotFound):  # Telegram answers 404 for unknown methods
        await bot.do_api_request("sendTelepathy", api_kwargs={"chat_id": NOOR})
    with pytest.raises(BadRequest, match=r"(?i)unknown parameter"):
        await bot.get_me(api_kwargs={"colour": "blue"})
    assert bot_api.violations == [
        "unknown method 'sendTelepathy'",
        "getMe: unknown parameter 'colour'",
    ]
    bot_api.violations.clear()


async def test_wrong_token_is_unauthorized(bot_api: BotApiServer) -> None:
    stranger = telegram.Bot("999:WRONG", base_url=bot_api.base_url)
    with pytest.raises(InvalidToken):
        async with stranger:  # initialize() calls getMe; shutdown() runs on failure
            pass
    assert bot_api.violations == []


async def test_edit_and_delete(bot: telegram.Bot, bot_api: BotApiServer) -> None:
    bot_api.user_sends_text(NOOR, "hoi")
    sent = await bot.send_message(NOOR, "Vraag 1", reply_markup=keyboard(("A", "a")))
    edited = await bot.edit_message_text("Vraag 1 (beantwoord)", NOOR, sent.message_id)
    assert isinstance(edited, telegram.Message) and edited.reply_markup is None
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("Vraag 1 (beantwoord)", NOOR, sent.message_id)
    await bot.edit_message_reply_markup(NOOR, sent.message_id, reply_markup=keyboard(("B", "b")))
    assert bot_api.bot_messages(NOOR)[0]["history"] == ["Vraag 1"]
    assert await bot.delete_message(NOOR, sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(NOOR, sent.message_id)
    assert bot_api.bot_messages(NOOR)[0]["deleted"] is True
    assert bot_api.bot_messages(NOOR, include_deleted=False) == []
    assert bot_api.violations == []


async def test_user_edits_and_forwards(bot: telegram.Bot, bot_api: BotApiServer) -> None:
    bot_api.user_sends_text(NOOR, "ik zoek wrok")
    bot_api.user_edits(NOOR, 1, "ik zoek werk")
    bot_api.user_forwards_text(NOOR, "vacature: kok")
    updates = await bot.get_updates()
    assert updates[1].edited_message is not None
    assert updates[1].edited_message.text == "ik zoek werk"
    assert updates[2].message is not None and updates[2].message.forward_origin is not None


async def test_webhook_delivery_is_retried_until_2xx(
    bot: telegram.Bot, bot_api: BotApiServer
) -> None:
    received: list[tuple[int, str | None]] = []
    statuses = [500, 200]

    async def hook(request: web.Request) -> web.Response:
        body = await request.json()
        received.append((body["update_id"], request.headers.get("X-Telegram-Bot-Api-Secret-Token")))
        return web.Response(status=statuses.pop(0) if statuses else 200)

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        assert await bot.set_webhook(f"http://127.0.0.1:{port}/hook", secret_token="geheim-1")
        with pytest.raises(Conflict, match=r"(?i)webhook is active"):
            await bot.get_updates()
        update_id = bot_api.user_sends_text(NOOR, "hallo via webhook")
        await bot_api.wait_until(lambda: update_id in bot_api.confirmed_update_ids, 5)
        assert bot_api.webhook_attempts == [(update_id, 500), (update_id, 200)]
        assert received == [(update_id, "geheim-1"), (update_id, "geheim-1")]
        info = await bot.get_webhook_info()
        assert info.pending_update_count == 0
        assert (
            info.last_error_message == "Wrong response from the webhook: 500 Internal Server Error"
        )
        assert await bot.delete_webhook()
        assert await bot.get_updates() == ()
    finally:
        await runner.cleanup()


async def test_get_file_downloads_bytes(bot: telegram.Bot, bot_api: BotApiServer) -> None:
    bot_api.user_sends(NOOR, "document", content=b"%PDF-1.4 cv", file_name="cv.pdf")
    (update,) = await bot.get_updates()
    assert update.message is not None and update.message.document is not None
    assert update.message.document.file_name == "cv.pdf"
    file = await update.message.document.get_file()
    assert file.file_path is not None and file.file_path.startswith(bot_api.base_file_url)
    assert bytes(await file.download_as_bytearray()) == b"%PDF-1.4 cv"

    sent = await bot.send_document(NOOR, InputFile(b"a,b\n1,2\n", filename="export.csv"))
    assert sent.document is not None and sent.document.file_name == "export.csv"
    again = await bot.get_file(sent.document.file_id)
    assert bytes(await again.download_as_bytearray()) == b"a,b\n1,2\n"
    photo = await bot.send_photo(NOOR, update.message.document.file_id, caption="*kijk*")
    assert photo.caption == "*kijk*" and photo.photo
    with pytest.raises(BadRequest, match=r"(?i)invalid file_id"):
        await bot.get_file("nope")
    assert bot_api.server_errors == []


@pytest.mark.parametrize("kind", MEDIA_KINDS)
async def test_simulated_messages_match_the_spec(
    bot: telegram.Bot, bot_api: BotApiServer, telegram_api_spec: Spec, kind: str
) -> None:
    bot_api.user_sends(NOOR, kind, caption="kijk" if kind == "photo" else None)
    (update,) = await bot.get_updates()
    raw = update.to_dict()
    assert telegram_api_spec.validate_object("Update", raw) == []
    assert getattr(update.message, kind)


async def test_all_generated_updates_match_the_spec(
    bot: telegram.Bot, bot_api: BotApiServer, telegram_api_spec: Spec
) -> None:
    bot_api.user_sends_text(NOOR, "/start", chat_type="private")
    bot_api.user_sends_text(-500, "hallo groep", chat_type="group")
    await bot.send_message(NOOR, "Kies", reply_markup=keyboard(("A", "a")))
    bot_api.user_taps(NOOR, "A")
    bot_api.user_forwards_text(NOOR, "doorgestuurd")
    bot_api.user_edits(NOOR, 1, "/start opnieuw")
    bot_api.user_blocks_bot(NOOR)
    bot_api.push_update(
        {"message": {"message_id": 99, "date": 0, "chat": {"id": 5, "type": "private"}}}
    )
    for update in bot_api.pending_updates:
        assert telegram_api_spec.validate_object("Update", update) == [], update
    parsed = [Update.de_json(u, bot) for u in bot_api.pending_updates]
    assert parsed[0].message is not None and parsed[0].message.text == "/start"
    assert parsed[1].effective_chat is not None and parsed[1].effective_chat.id == -500
    assert parsed[2].callback_query is not None and parsed[2].callback_query.data == "a"


async def test_web_page_lets_a_person_chat(bot: telegram.Bot, bot_api: BotApiServer) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{bot_api.root_url}/ui/send", data={"chat_id": str(NOOR), "text": "hoi vanuit web"}
        ) as resp,
    ):
        assert resp.status == 200
        page = await resp.text()
    assert "hoi vanuit web" in page
    (update,) = await bot.get_updates()
    assert update.message is not None and update.message.text == "hoi vanuit web"


def test_formatting_parsers() -> None:
    assert parse_formatted("*vet* en \\.", "MarkdownV2").text == "vet en ."
    with pytest.raises(FormatError, match=r"(?i)reserved"):
        parse_formatted("Klaar.", "MarkdownV2")
    with pytest.raises(FormatError, match=r"(?i)Bold"):
        parse_formatted("*open", "MarkdownV2")
    link = parse_formatted('<a href="https://x.be">hier</a> &#233;', "HTML")
    assert link.text == "hier é" and link.entities[0]["url"] == "https://x.be"
    with pytest.raises(FormatError, match=r"(?i)Unsupported start tag"):
        parse_formatted("<div>x</div>", "HTML")
    assert parse_formatted("_schuin_ [link](http://a.be)", "Markdown").text == "schuin link"


async def test_a_real_polling_application(bot_api: BotApiServer) -> None:
    from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(
            "Welkom! Werk of school?", reply_markup=keyboard(("Werk", "work"))
        )

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.message is not None
        await query.answer()
        await query.edit_message_text(f"Gekozen: {query.data}")

    app = (
        Application.builder()
        .token(bot_api.token)
        .base_url(bot_api.base_url)
        .base_file_url(bot_api.base_file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(pressed))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        bot_api.user_sends_text(NOOR, "/start")
        await bot_api.wait_for_bot_messages(NOOR, 1)
        bot_api.user_taps(NOOR, "Werk")
        await bot_api.wait_until(lambda: bot_api.sent_texts(NOOR) == ["Gekozen: work"], 5)
        await app.updater.stop()
        await app.stop()
    assert bot_api.unanswered_callback_ids() == set()
    assert "Noor: <pressed [Werk] data='work'>" in bot_api.transcript_text()
