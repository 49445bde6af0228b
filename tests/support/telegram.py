"""A youth on Telegram, driven through the local Bot API test server."""

from __future__ import annotations

from tests.botapi.server import BotApiServer


async def answers(bot_api: BotApiServer, chat_id: int, seen: int, count: int = 1) -> list[str]:
    """Wait for `count` new bot messages after the `seen` ones; return their texts."""
    messages = await bot_api.wait_for_bot_messages(chat_id, seen + count, timeout=30)
    return [str(m.get("text", "")) for m in messages[seen:]]


def shown_text(message: dict[str, object]) -> str:
    """What the youth sees of a message: its text and its button labels."""
    markup = message.get("reply_markup") or {}
    rows = markup.get("inline_keyboard", []) if isinstance(markup, dict) else []
    labels = [str(b.get("text")) for row in rows for b in row]
    return "\n".join([str(message.get("text", "")), *labels])


class Youth:
    """A youth on Telegram: types, taps, and reads what the bot sent."""

    def __init__(self, bot_api: BotApiServer, chat_id: int, language: str = "nl") -> None:
        self.api, self.chat_id, self.language = bot_api, chat_id, language

    def seen(self) -> int:
        return len(self.api.bot_messages(self.chat_id))

    async def says(self, text: str, expect: str) -> str:
        before = self.seen()
        self.api.user_sends_text(self.chat_id, text, language_code=self.language)
        return await self.until(before, expect)

    async def taps(self, label: str, expect: str) -> str:
        before = self.seen()
        self.api.user_taps(self.chat_id, label)
        return await self.until(before, expect)

    async def until(self, before: int, expect: str) -> str:
        def arrived() -> bool:
            shown = [shown_text(m) for m in self.api.bot_messages(self.chat_id)]
            return any(expect in t for t in shown[max(0, before - 1) :])

        await self.api.wait_until(arrived, timeout=30)
        return "\n".join(
            str(m.get("text", "")) for m in self.api.bot_messages(self.chat_id)[before:]
        )


async def complete_intake(youth: Youth, place: str = "Maasmechelen", name: str = "Noor") -> None:
    await youth.says("/start", "Hoe mogen we je noemen?")
    await youth.says(name, "Hoe oud ben je?")
    await youth.says("19", "In welke gemeente woon je?")
    await youth.says(place, "Waarmee wil je hulp?")
    await youth.taps("Werk", "✅ Werk")
    await youth.taps("Klaar", "Wil je er iets meer over vertellen?")
    await youth.says("Ik zoek werk in de buurt.", "Hoe heb je ons gevonden?")
    await youth.taps("Sociale media", "Is dat oké voor jou?")
    await youth.taps("Ja, dat is oké", "Wanneer kunnen we je het best bereiken?")
    await youth.taps("Avond (17u–20u)", "✅ Avond")
    await youth.taps("Klaar", "Klopt dit?")
    await youth.taps("Ja, verstuur", "WAM! heeft je aanmelding gekregen")
