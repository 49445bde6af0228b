"""Run stored inbound events through the flows and commit state, records and outbox together."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translator, language_of
from bot.incoming import Incoming, decode
from flows import conversation
from flows.context import Context
from flows.directory import Directory
from flows.model import (
    BlockedIn,
    ButtonIn,
    CommandIn,
    CountSignpost,
    CountUncovered,
    CreateCase,
    EditedIn,
    Effect,
    MarkUnreachable,
    MediaIn,
    RecordConsent,
    Reply,
    SafetyAlert,
    Send,
    SetLanguage,
    SetStopped,
    TextIn,
)
from flows.safety import Lexicon
from flows.state import State
from storage import cases, inbound, outbox, youths
from storage.clock import utcnow
from storage.db import Database
from storage.models import Inbound, Youth

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class World:
    """What the flows read: the data files, the translator and the clock."""

    directory: Directory
    lexicon: Lexicon
    translator: Translator
    timezone: ZoneInfo
    clock: Callable[[], datetime] = utcnow


class Engine:
    """Processes one youth's pending events in order; each in a single transaction."""

    def __init__(self, db: Database, world: World, on_outbox: Callable[[], None]) -> None:
        self.db = db
        self.world = world
        self.on_outbox = on_outbox

    async def process_next(self, key: str) -> bool:
        """Handle the oldest pending event of this youth. False when there is none."""
        row_id: int | None = None
        try:
            async with self.db.transaction() as session:
                await inbound.lock_key(session, key)
                row = await inbound.next_pending(session, key)
                if row is None:
                    return False
                row_id = row.id
                await self.handle(session, row)
        except Exception as exc:
            if row_id is None:
                raise
            log.exception("inbound %s failed", row_id)
            async with self.db.transaction() as session:
                if await inbound.record_failure(session, row_id, repr(exc), self.world.clock()):
                    log.error("inbound %s set aside after repeated failures", row_id)
            return True
        self.on_outbox()
        return True

    async def handle(self, session: AsyncSession, row: Inbound) -> None:
        now = self.world.clock()
        incoming = decode(row.source, row.payload)
        if incoming is not None:
            youth = await youths.get_or_create(
                session, incoming.channel, incoming.user_id, language_of(incoming.lang_hint), now
            )
            state = State.from_json(youth.state)
            ctx = Context(
                now=now.astimezone(self.world.timezone),
                lang=youth.lang,
                directory=self.world.directory,
                lexicon=self.world.lexicon,
                channel="web" if incoming.channel == "web" else "telegram",
            )
            if not isinstance(incoming.event, BlockedIn):
                youth.unreachable = False  # they wrote: they can hear us again
            transition = conversation.step(state, incoming.event, ctx)
            toggled = any(isinstance(e, Send) and e.reply.edit for e in transition.effects)
            if not toggled:  # a multi-select tap shows as a tick, not as a message of its own
                await self.record_incoming(session, youth, incoming, now)
            if incoming.callback_id:
                payload = {"callback_query_id": incoming.callback_id}
                await outbox.enqueue(session, youth, "callback_answer", payload, now)
            for effect in transition.effects:
                await self.apply(session, youth, incoming, effect, now)
            youth.state = transition.state.to_json()
            youth.updated_at = now
        await inbound.mark_done(session, row, now)

    async def record_incoming(
        self, session: AsyncSession, youth: Youth, incoming: Incoming, now: datetime
    ) -> None:
        """Put what the youth sent on their timeline (a pressed button as its label)."""
        text = await timeline_text(session, youth, incoming)
        if text:
            await outbox.add_message(
                session, youth, direction="in", author="youth", text=text, buttons=None,
                now=now, delivery="received",
            )  # fmt: skip

    async def apply(
        self, session: AsyncSession, youth: Youth, incoming: Incoming, effect: Effect, now: datetime
    ) -> None:
        day = now.astimezone(self.world.timezone).date()
        match effect:
            case Send(reply):
                await self.send(session, youth, incoming, reply.edit, reply, now)
            case SetLanguage(lang):
                youth.lang = lang
            case SetStopped(stopped):
                youth.stopped = stopped
            case MarkUnreachable():
                youth.unreachable = True
            case CreateCase(partnership_id, answers):
                await cases.open_case(session, youth, partnership_id, dict(answers), now)
            case CountUncovered(place):
                await cases.count_uncovered(session, place, day)
            case CountSignpost(reason):
                await cases.count_signpost(session, reason, day)
            case RecordConsent(kind, version, given):
                await cases.record_consent(session, youth, kind, version, given, now)
            case SafetyAlert(category, phrase_id):
                await cases.record_safety_event(session, youth, category, phrase_id, now)

    async def send(
        self,
        session: AsyncSession,
        youth: Youth,
        incoming: Incoming,
        edit: bool,
        reply: Reply,
        now: datetime,
    ) -> None:
        rendered = self.world.translator.reply(reply, youth.lang)
        if edit and incoming.button_ref and len(rendered) == 1:
            text, buttons = rendered[0].text, rendered[0].buttons_json()
            if youth.channel == "web" and incoming.button_ref.isdigit():
                await outbox.set_buttons(session, youth, int(incoming.button_ref), text, buttons)
            payload = {
                "chat_id": youth.channel_user_id,
                "target": incoming.button_ref,
                "text": text,
                "buttons": buttons,
            }
            await outbox.enqueue(session, youth, "edit", payload, now)
            return
        for part in rendered:
            buttons = part.buttons_json()
            message = await outbox.add_message(
                session, youth, direction="out", author="bot", text=part.text,
                buttons=buttons or None, now=now,
            )  # fmt: skip
            payload = {"chat_id": youth.channel_user_id, "text": part.text, "buttons": buttons}
            await outbox.enqueue(session, youth, "message", payload, now, message)


async def timeline_text(session: AsyncSession, youth: Youth, incoming: Incoming) -> str:
    match incoming.event:
        case TextIn(text) | EditedIn(text):
            return text
        case CommandIn(name, args):
            return f"/{name} {args}".strip()
        case MediaIn(kind, caption):
            return f"[{kind}] {caption}".strip()
        case ButtonIn(data):
            label = await outbox.button_label(session, youth, incoming.button_ref, data)
            return f"▸ {label}"
    return ""
