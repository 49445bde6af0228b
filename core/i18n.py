"""Turn flow messages into text in the youth's language (gettext catalogs + Babel dates)."""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime

from flows.model import N_, Labels, Msg, Param, Reply

LOCALES = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "instap"
LANGUAGES = ("nl", "en")
DEFAULT = "nl"
TELEGRAM_TEXT_LIMIT = 4096

# Date patterns live in the catalog so each language writes dates its own way.
DATE_PATTERN = N_("EEEE d MMMM")
DATETIME_PATTERN = N_("EEEE d MMMM 'om' H'u'mm")
DATETIME_PATTERN_HOUR = N_("EEEE d MMMM 'om' H'u'")


@dataclass(frozen=True)
class RenderedButton:
    text: str
    data: str


@dataclass(frozen=True)
class Rendered:
    text: str
    buttons: tuple[tuple[RenderedButton, ...], ...] = ()

    def buttons_json(self) -> list[list[dict[str, str]]]:
        return [[{"text": b.text, "data": b.data} for b in row] for row in self.buttons]


def language_of(code: str | None) -> str:
    """Map a client language tag (Telegram's language_code, a browser's) to ours."""
    if not code:
        return DEFAULT
    try:
        lang = Locale.parse(code.replace("_", "-"), sep="-").language
    except (ValueError, UnknownLocaleError):
        return DEFAULT
    return lang if lang in LANGUAGES else DEFAULT


@cache
def catalog(lang: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, LOCALES, languages=[lang], fallback=True)


class Translator:
    """Renders Msg / Reply objects; dates in the configured time zone."""

    def __init__(self, timezone: str = "Europe/Brussels") -> None:
        self.tz = ZoneInfo(timezone)

    def gettext(self, msgid: str, lang: str) -> str:
        return catalog(lang).gettext(msgid)

    def param(self, value: Param, lang: str) -> str:
        if isinstance(value, Labels):
            return ", ".join(self.gettext(item, lang) for item in value.items)
        if isinstance(value, datetime):
            local = value.astimezone(self.tz)
            pattern = DATETIME_PATTERN_HOUR if local.minute == 0 else DATETIME_PATTERN
            return format_datetime(local, self.gettext(pattern, lang), tzinfo=self.tz, locale=lang)
        if isinstance(value, date):
            return format_date(value, self.gettext(DATE_PATTERN, lang), locale=lang)
        return str(value)

    def text(self, message: Msg, lang: str) -> str:
        if message.verbatim:
            return message.msgid
        template = self.gettext(message.msgid, lang)
        if not message.params:
            return template
        values = {k: self.param(v, lang) for k, v in message.params.items()}
        return template.format(**values)

    def reply(self, reply: Reply, lang: str) -> list[Rendered]:
        """Render a reply; split it over several messages if it is longer than Telegram allows."""
        buttons = tuple(
            tuple(
                RenderedButton(("✅ " if b.checked else "") + self.text(b.label, lang), b.data)
                for b in row
            )
            for row in reply.buttons
        )
        chunks = split_text("\n".join(self.text(p, lang) for p in reply.parts))
        return [
            Rendered(chunk, buttons if i == len(chunks) - 1 else ())
            for i, chunk in enumerate(chunks)
        ]


def split_text(text: str, limit: int = TELEGRAM_TEXT_LIMIT) -> list[str]:
    """Cut a text into pieces of at most `limit` characters, at line or word boundaries."""
    text = text.strip() or "…"
    chunks: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        if cut < limit // 2:
            cut = text.rfind(" ", 0, limit)
        if cut < limit // 2:
            cut = limit
        chunks.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    chunks.append(text)
    return chunks
