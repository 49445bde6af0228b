"""Run stored inbound events through the flows and commit state, records and outbox together."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot import offering
from bot.incoming import TAPPED, Incoming, decode
from bot.numbered import numbered
from bot.signals import PAUSED, RETURNING, STOPPED, Signals
from core import logcontext
from core.i18n import language_of
from core.metrics import Metrics
from core.outgoing import answer_tap, fetch_media, notify_worker, send_edit, send_file, send_reply
from core.planning import keep_planned, withdraw_unsent
from core.privacy import EXPORT_CAPTION, export_for
from core.runtime import Runtime
from core.window import OPEN
from flows import conversation
from flows.checkins import LOW
from flows.context import Context
from flows.intake import add_workdays
from flows.lookups import Needs, needs, worker_link
from flows.model import (
    N_,
    AppointmentAnswer,
    BlockedIn,
    BookSeat,
    ButtonIn,
    CancelBooking,
    CheckinAnswer,
    CheckinNote,
    CommandIn,
    CountSignpost,
    CountUncovered,
    CreateCase,
    EditedIn,
    Effect,
    ExportData,
    Forget,
    LateForSession,
    MarkUnreachable,
    MediaIn,
    RecordConsent,
    Reply,
    SafetyAlert,
    Send,
    SetLanguage,
    SetPause,
    SetReminders,
    SetRhythm,
    SetStopped,
    SixMonthAnswer,
    TextIn,
    msg,
    raw,
)
from flows.state import State
from flows.views import AppointmentView, CheckinView, ConsentView
from storage import (
    appointments,
    casework,
    checkins,
    inbound,
    outbox,
    registrations,
    sixmonths,
    window,
    workers,
    youths,
)
from storage.appointments import view_of
from storage.clock import utcnow
from storage.db import Database
from storage.models import Case, Inbound, Worker, Youth

log = logging.getLogger(__name__)

# To workers (Dutch): never any content, only that there is something in the inbox.
NEW_MESSAGE = N_("Nieuw bericht van {name}. Open de inbox.")
LINKED = N_("Gekoppeld, {name}! Hier krijg je een seintje bij nieuwe berichten.")
# The youth tapped "Toon het bericht" under a WhatsApp template, but nothing is waiting (any more).
ALL_HERE = N_("Je hebt alle berichten al gekregen. Wil je iets vragen? Stuur het hier gerust.")
LINK_FAILED = N_("Die koppelcode klopt niet of is verlopen. Vraag een nieuwe in de inbox.")


WISH_PINGS = {
    "wants_change": N_("{name} wil een afspraak verzetten. Open de inbox."),
    "late": N_("{name} is te laat voor de afspraak. Open de inbox."),
}


FETCHED = frozenset({"voice", "audio", "photo", "document", "video", "video_note"})


# A worker who wrote to the youth this recently is there, even outside working hours:
# no "{name} leest dit maandag" to the youth who answers them.
STILL_THERE = timedelta(hours=1)


class Engine:
    """Processes one youth's pending events in order; each in a single transaction."""

    def __init__(
        self,
        db: Database,
        runtime: Runtime,
        on_outbox: Callable[[], None],
        on_case: Callable[[str, int], None] = lambda partnership, case: None,
        metrics: Metrics | None = None,
    ) -> None:
        self.metrics = metrics or Metrics()
        self.db = db
        self.runtime = runtime
        self.on_outbox = on_outbox
        self.on_case = on_case  # a case changed: live inbox pages refresh
        self.signals = Signals(runtime.translator)
        self.touched: list[tuple[str, int]] = []
        self.handled = 0  # events handled (not set aside) since the start

    async def process_next(self, key: str) -> bool:
        """Handle the oldest pending event of this youth. False when none waits after it.

        (A row stored later is the dispatcher's to notice: it is told after the store.)
        """
        row: Inbound | None = None
        try:
            async with self.db.transaction(short=True) as session:
                await inbound.lock_key(session, key)
                row, more = await inbound.next_and_more(session, key)
                if row is None:
                    return False
                with logcontext.update(row.source, row.id):  # on every line logged meanwhile
                    log.debug("handling inbound %s (%s)", row.id, row.source)
                    await self.handle(session, row)
        except Exception as exc:
            if row is None:
                raise
            with logcontext.update(row.source, row.id):
                log.exception("inbound %s failed", row.id)
            async with self.db.transaction() as session:
                if await inbound.record_failure(session, row.id, repr(exc), self.runtime.clock()):
                    log.error("inbound %s set aside after repeated failures", row.id)
            return True
        self.metrics.handled(row.source, (utcnow() - row.received_at).total_seconds())
        self.handled += 1
        self.on_outbox()
        for partnership_id, case_id in self.touched:
            self.on_case(partnership_id, case_id)
        self.touched.clear()
        return more

    async def handle(self, session: AsyncSession, row: Inbound) -> None:
        now = self.runtime.clock()
        incoming = decode(row.source, row.payload)
        # A worker's /koppel CODE from their own Telegram is no youth's conversation.
        link = worker_link(incoming.event) if incoming is not None else None
        if incoming is not None and link is not None and incoming.channel == "telegram":
            await self.link_worker(session, incoming, link, now)
        elif incoming is not None:
            youth = await youths.get_or_create(
                session, incoming.channel, incoming.user_id, language_of(incoming.lang_hint), now
            )
            incoming = await numbered(session, youth, incoming)
            state = State.from_json(youth.state)
            ctx = await self.context(session, youth, needs(incoming.event, state), incoming, now)
            if not isinstance(incoming.event, BlockedIn):
                youth.unreachable = False  # they wrote: they can hear us again
                # They wrote: WhatsApp's window is open, what was kept for them goes out first.
                # (Only a channel with a window keeps anything: the sender holds no other.)
                freed = 0
                if youth.channel in window.WINDOWS:
                    freed = await window.release(session, youth.id, now)
                if incoming.event == ButtonIn(OPEN):  # "Toon het bericht" under a template
                    await self.record_incoming(session, youth, incoming, now)
                    if not freed:
                        await self.send(
                            session, youth, incoming, False, Reply((msg(ALL_HERE),)), now
                        )
                    await inbound.mark_done(session, row, now)
                    return
            transition = conversation.step(state, incoming.event, ctx)
            toggled = any(isinstance(e, Send) and e.reply.edit for e in transition.effects)
            # An answer to the six-month question is no message for the team: the case stays closed.
            six_month = any(isinstance(e, SixMonthAnswer) for e in transition.effects)
            # A multi-select tap shows as a tick, not as a message of its own; the web chat
            # opening itself is no message the youth wrote.
            if not toggled and incoming.shown:
                await self.record_incoming(session, youth, incoming, now, reopen=not six_month)
            if incoming.callback_id:
                await answer_tap(session, youth, incoming.callback_id, now)
            for effect in transition.effects:
                await self.apply(session, youth, incoming, effect, now)
            youth.state = transition.state.to_json()
            youth.updated_at = now
            await session.flush()
            await keep_planned(session, self.runtime, youth, now)
        await inbound.mark_done(session, row, now)

    async def link_worker(
        self, session: AsyncSession, incoming: Incoming, code: str, now: datetime
    ) -> None:
        """A worker sends /koppel CODE from their own Telegram: notifications come here now."""
        worker = await workers.link_telegram(session, code, incoming.user_id, now)
        if worker is None:
            text = self.runtime.translator.gettext(LINK_FAILED, "nl")
            youth = await youths.get_or_create(session, "telegram", incoming.user_id, "nl", now)
            await self.send(session, youth, incoming, False, Reply((raw(text),)), now)
            return
        text = self.runtime.translator.gettext(LINKED, "nl").format(name=worker.first_name)
        await notify_worker(session, worker, text, now)

    async def context(
        self, session: AsyncSession, youth: Youth, want: Needs, incoming: Incoming, now: datetime
    ) -> Context:
        """What the flows may know for this event: only what `flows.lookups.needs` asked for."""
        offer, listed = await offering.lookup(session, want, youth.id, now)
        handler, back_at, answer_by = (
            await self.who_answers(session, youth, now) if want.handler else (None, None, None)
        )
        return Context(
            now=now.astimezone(self.runtime.timezone),
            lang=youth.lang,
            directory=self.runtime.directory,
            lexicon=self.runtime.lexicon,
            channel="web" if incoming.channel == "web" else "telegram",
            handler=handler,
            back_at=back_at,
            answer_by=answer_by,
            appointment=await self.appointment_for(session, youth, want),
            upcoming=await self.upcoming(session, youth, now) if want.upcoming else (),
            reminders_on=youth.reminders,
            checkin=await self.checkin_for(session, youth, want, now),
            rhythm=youth.checkin_rhythm,
            paused_until=youth.paused_until,
            consents=await self.consents_for(session, youth) if want.consents else (),
            six_month=await sixmonths.view_of(session, youth.id, want.six_month),
            offer=offer,
            offers=listed,
        )

    async def upcoming(
        self, session: AsyncSession, youth: Youth, now: datetime
    ) -> tuple[AppointmentView, ...]:
        """The youth's next appointments (for /afspraken)."""
        found = await appointments.upcoming_for_youth(session, youth.id, now)
        names = {
            w.id: w.first_name for w in [await session.get(Worker, a.worker_id) for a in found] if w
        }
        return tuple(view_of(a, names.get(a.worker_id, "?")) for a in found)

    async def appointment_for(
        self, session: AsyncSession, youth: Youth, want: Needs
    ) -> AppointmentView | None:
        """The appointment the event is about: named, or the one waiting for an answer."""
        ident = want.appointment
        if not ident and want.awaited_appointment:
            waiting = await appointments.waiting_for_answer(session, youth.id, self.runtime.clock())
            ident = waiting.id if waiting is not None else 0
        if not ident:
            return None
        found = await appointments.of_youth(session, youth.id, ident)
        if found is None:
            return None
        worker = await session.get(Worker, found.worker_id)
        return view_of(found, worker.first_name if worker else "?")

    async def checkin_for(
        self, session: AsyncSession, youth: Youth, want: Needs, now: datetime
    ) -> CheckinView | None:
        """The check-in the event names (if theirs), or the open one a typed score answers."""
        if want.checkin:
            row = await checkins.of_youth(session, youth.id, want.checkin)
        elif want.open_checkin:
            row = await checkins.open_for(session, youth.id, now)
        else:
            return None
        return CheckinView(row.id, row.score) if row is not None else None

    async def consents_for(self, session: AsyncSession, youth: Youth) -> tuple[ConsentView, ...]:
        """The youth's newest answer per kind of consent (for /toestemming)."""
        newest = {c.kind: c for c in await registrations.consents_of(session, youth.id)}
        return tuple(ConsentView(c.kind, c.given, c.created_at) for c in newest.values())

    async def ping_worker(
        self, session: AsyncSession, case: Case, text: str | None, now: datetime
    ) -> None:
        """A content-free note to the worker's Telegram, if they linked it."""
        worker = await casework.answering_worker(session, case)
        if worker is None or text is None:
            return
        name = str((case.answers or {}).get("name") or "?")
        await notify_worker(
            session, worker, self.runtime.translator.gettext(text, "nl").format(name=name), now
        )

    async def who_answers(
        self, session: AsyncSession, youth: Youth, now: datetime
    ) -> tuple[str | None, datetime | None, date | None]:
        """After the intake: who answers now, when they are back if away, or the promised day."""
        case = await casework.case_of_youth(session, youth.id)
        if case is None:
            return None, None, None
        partnership = self.runtime.directory.partnership(case.partnership_id)
        worker = await casework.answering_worker(session, case)
        if worker is None:  # still waiting for a coach: the day promised when it came in
            since = await casework.waiting_since(session, case)
            day = since.astimezone(self.runtime.timezone).date()
            return None, None, add_workdays(day, partnership.first_response_workdays)
        local = now.astimezone(self.runtime.timezone)
        back = partnership.next_opening(local)
        wrote = await casework.worker_wrote_at(session, youth.id)
        if back == local or (wrote is not None and timedelta(0) <= now - wrote < STILL_THERE):
            return worker.first_name, None, None  # at work, or writing back out of hours
        return worker.first_name, back, None

    async def record_incoming(
        self, session: AsyncSession, youth: Youth, incoming: Incoming, now: datetime,
        *, reopen: bool = True,
    ) -> None:  # fmt: skip
        """Put what the youth sent on their timeline (a pressed button as its label).

        `reopen`: it counts as a message for the team (a closed case opens again).
        """
        text = await timeline_text(session, youth, incoming)
        if text:
            message = await outbox.add_message(
                session, youth, direction="in", author="youth", text=text, buttons=None,
                now=now, delivery="received",
            )  # fmt: skip
            if not reopen:
                return
            case = await casework.youth_wrote(session, youth.id, now)
            event = incoming.event
            if case is not None and isinstance(event, MediaIn) and event.kind in FETCHED:
                # Voice, photos and documents are for the coach: fetch and keep them.
                await fetch_media(session, youth, message, event.file_ref, event.kind, now)
            if case is not None:
                self.touched.append((case.partnership_id, case.id))
                if case.flag == "uit_beeld":  # back in view
                    await casework.set_flag(session, case, None, None, now)
                if case.flag == "terug" and case.flagged_at == now:  # reopened just now
                    await self.signals.tell(session, case, RETURNING, now)
                    return
                worker = await casework.answering_worker(session, case)
                if worker is not None and case.unread == 1:  # the first unread: one ping
                    name = str((case.answers or {}).get("name") or "?")
                    text = self.runtime.translator.gettext(NEW_MESSAGE, "nl").format(name=name)
                    await notify_worker(session, worker, text, now)

    async def apply(
        self, session: AsyncSession, youth: Youth, incoming: Incoming, effect: Effect, now: datetime
    ) -> None:
        day = now.astimezone(self.runtime.timezone).date()
        match effect:
            case Send(reply):
                await self.send(session, youth, incoming, reply.edit, reply, now)
            case SetLanguage(lang):
                youth.lang = lang
            case SetStopped(stopped):
                if stopped and not youth.stopped:
                    await withdraw_unsent(session, youth)
                    await self.signal(session, youth, STOPPED, now, kind="stopped")
                elif youth.stopped and not stopped:
                    await self.signal(session, youth, None, now, kind="restarted")
                youth.stopped = stopped
            case SetPause(until):
                youth.paused_until = until
                if until is not None:
                    await withdraw_unsent(session, youth, "paused")
                    day = until.astimezone(self.runtime.timezone).date()
                    await self.signal(session, youth, PAUSED, now, kind="paused", day=day)
                else:
                    await self.signal(session, youth, None, now, kind="unpaused")
            case SetRhythm(rhythm):
                youth.checkin_rhythm = rhythm
                await session.flush()
                await keep_planned(session, self.runtime, youth, now, replan=True)
                await self.signal(session, youth, None, now, kind="rhythm", rhythm=rhythm)
            case CheckinAnswer(ident, score):
                row = await checkins.of_youth(session, youth.id, ident)
                case = await casework.case_of_youth(session, youth.id)
                if row is not None:
                    row.score, row.status, row.answered_at = score, "answered", now
                if row is not None and case is not None:
                    self.touched.append((case.partnership_id, case.id))
                    if score <= LOW:
                        await self.signals.flag(session, case, "aandacht", now)
            case CheckinNote(ident, text):
                row = await checkins.of_youth(session, youth.id, ident)
                if row is not None:
                    row.note = f"{row.note}\n{text}" if row.note else text
            case SetReminders(on):
                youth.reminders = on
            case MarkUnreachable():
                youth.unreachable = True
            case CreateCase(partnership_id, answers):
                case = await registrations.open_case(
                    session, youth, partnership_id, dict(answers), now
                )
                self.touched.append((partnership_id, case.id))
                if await registrations.crisis_since_last_case(session, youth.id):
                    await self.signals.urgent(session, case, now)  # said during the intake
            case CountUncovered(place):
                await registrations.count_uncovered(session, place, day)
            case CountSignpost(reason):
                await registrations.count_signpost(session, reason, day)
            case RecordConsent(kind, version, given):
                await registrations.record_consent(session, youth, kind, version, given, now)
            case AppointmentAnswer(ident, answer, dayparts, reason):
                flagged = await appointments.youth_answered(
                    session, youth.id, ident, answer, dayparts, reason, now
                )
                if flagged is not None:
                    self.touched.append((flagged.partnership_id, flagged.id))
                    await self.ping_worker(session, flagged, WISH_PINGS.get(answer), now)
            case BookSeat() | CancelBooking() | LateForSession():
                await offering.apply(session, self.runtime, youth, effect, now)
            case ExportData():
                reply, filename, content = await export_for(session, self.runtime, youth, now)
                await self.send(session, youth, incoming, False, reply, now)
                caption = self.runtime.translator.gettext(EXPORT_CAPTION, youth.lang)
                await send_file(session, youth, "json", caption, filename, content, now)
                await self.audit_youth(session, youth, "export_by_youth", now)
            case Forget():
                youth.erase_requested_at, youth.stopped = now, True
                await self.audit_youth(session, youth, "erase_requested", now)
            case SixMonthAnswer(case_id, result) if result is not None:
                answered = await sixmonths.record_answer(session, youth.id, case_id, result, now)
                if answered is not None:
                    self.touched.append((answered.partnership_id, answered.id))
            case SafetyAlert(category, phrase_id):
                await registrations.record_safety_event(session, youth, category, phrase_id, now)
                case = await casework.case_of_youth(session, youth.id)
                if case is not None:
                    await self.signals.urgent(session, case, now)
                    self.touched.append((case.partnership_id, case.id))

    async def audit_youth(
        self, session: AsyncSession, youth: Youth, action: str, now: datetime
    ) -> None:
        case = await casework.case_of_youth(session, youth.id)
        await casework.audit(session, None, action, case.id if case else None, now)

    async def signal(
        self,
        session: AsyncSession,
        youth: Youth,
        text: str | None,
        now: datetime,
        *,
        kind: str,
        **data: str | date,
    ) -> None:
        """A pause, /stop, /start or new rhythm: on the case timeline, and told to the worker."""  # fmt: skip
        case = await casework.case_of_youth(session, youth.id)
        if case is None:
            return
        stored = {k: v.isoformat() if isinstance(v, date) else v for k, v in data.items()}
        await casework.add_event(session, case.id, None, kind, stored, now)
        self.touched.append((case.partnership_id, case.id))
        if text is not None:
            await self.signals.tell(session, case, text, now, data)

    async def send(
        self,
        session: AsyncSession,
        youth: Youth,
        incoming: Incoming,
        edit: bool,
        reply: Reply,
        now: datetime,
    ) -> None:
        rendered = self.runtime.translator.reply(reply, youth.lang) if edit else []
        target = await outbox.message_by_ref(session, youth, incoming.button_ref) if edit else None
        if target is not None and len(rendered) == 1:
            # An edit changes the buttons only: the text above them (an answer joined to the
            # question, "Top! In Maasmechelen helpt WAM! je verder.") stays as it was.
            ref = str(incoming.button_ref)  # not None: the target was found by it
            await send_edit(session, youth, target, ref, rendered[0], now)
            return
        await send_reply(session, self.runtime.translator, youth, reply, now)


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
            return f"{TAPPED}{label}"
    return ""
