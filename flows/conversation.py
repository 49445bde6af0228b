"""The whole conversation with a youth: safety net, commands, then the step they are at.

order  what                          handled by
─────  ────────────────────────────  ─────────────────────────────────────────
1      blocked bot / group chat      mark unreachable / decline politely
2      crisis words in any text      help lines first, then carry on gently
3      commands (/start, /stop, …)   here, in every step; /checkin, /pauze in flows.checkins
4      appointment buttons           flows.appointments, in every step
       /aanbod and ofr: buttons       flows.offers, in every step
5      check-in, rhythm, pause       flows.checkins, in every step
       /mijngegevens, /vergeetmij,    flows.privacy, in every step
       /toestemming and their buttons
       six-month question buttons    flows.sixmonths, in every step
6      language buttons              here, in every step
7      a text while moving an appt   flows.appointments (why it does not suit)
       "oké ik kom", "past niet"      flows.appointments, as if the button was tapped
       a text while it is asked      flows.sixmonths (an answer, or one hint)
8      anything else                 the intake (flows.intake) or the after-intake reply
                                     (a typed check-in score, a note after one, or a
                                     message for the coach)
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from flows import appointments, checkins, intake, offers, privacy, sixmonths, understand, words
from flows.context import Context
from flows.entry import entry_key_in, known_key
from flows.help import DEFAULT_HELP_LINES, help_line_parts
from flows.intake_questions import ask, partnership_of, reask
from flows.model import (
    N_,
    BlockedIn,
    Button,
    ButtonIn,
    CommandIn,
    CreateCase,
    EditedIn,
    Effect,
    Event,
    GroupIn,
    MarkUnreachable,
    MediaIn,
    Msg,
    Reply,
    SafetyAlert,
    Send,
    SetLanguage,
    SetReminders,
    SetStopped,
    TextIn,
    Transition,
    msg,
    raw,
    say,
)
from flows.safety import Category, detect, help_line_ids
from flows.state import State

LANGUAGES: tuple[tuple[str, str], ...] = (("nl", "Nederlands"), ("en", "English"))
COMMAND_ALIASES = {
    "help": "hulp",
    "language": "taal",
    "lang": "taal",
    "pause": "pauze",
    "pauzeer": "pauze",
    "mydata": "mijngegevens",
    "gegevens": "mijngegevens",
    "forgetme": "vergeetmij",
    "wis": "vergeetmij",
    "consent": "toestemming",
    "offers": "aanbod",
}


def step(state: State, event: Event, ctx: Context) -> Transition:
    """Handle one event from a youth: the single entry point of all flows."""
    transition = route(state, words.typed_command(event, state), ctx)
    return Transition(transition.state, merge_replies(transition.effects))


def merge_replies(effects: tuple[Effect, ...]) -> tuple[Effect, ...]:
    """Join a reply without buttons to the next one: one message bubble per answer, not three."""
    merged: list[Effect] = []
    for effect in effects:
        last = merged[-1] if merged else None
        if (
            isinstance(effect, Send)
            and isinstance(last, Send)
            and not last.reply.buttons
            and not last.reply.edit
            and not effect.reply.edit
        ):
            parts = (*last.reply.parts, PARAGRAPH, *effect.reply.parts)
            merged[-1] = Send(Reply(parts, effect.reply.buttons))
        else:
            merged.append(effect)
    return tuple(merged)


PARAGRAPH = raw("")  # an empty line between what were separate replies


def route(state: State, event: Event, ctx: Context) -> Transition:
    if isinstance(event, BlockedIn):
        return Transition(state, (MarkUnreachable(),))
    if isinstance(event, GroupIn):
        return Transition(
            state, (say(msg(N_("Hoi! Ik praat alleen in een privégesprek met jou."))),)
        )
    text = event_text(event)
    if text:
        found = detect(text, ctx.lexicon)
        if found is not None:  # (after it, a text is for the team, not a six-month answer)
            if state.asking.startswith("sixmonth:"):
                state = replace(state, asking="")
            return crisis(state, event, found.category, found.phrase_id, ctx)
    if state.asking:  # the answer to /taal or the check-in question may be typed
        asked, state = state.asking, replace(state, asking="")
        if isinstance(event, TextIn) and (typed := typed_answer(asked, state, event.text, ctx)):
            return typed
    if isinstance(event, CommandIn):
        return command(state, event, ctx)
    if isinstance(event, ButtonIn) and event.data.startswith(appointments.BUTTONS):
        return appointments.on_button(state, event.data, ctx.appointment, ctx)
    if isinstance(event, ButtonIn) and event.data.startswith(offers.BUTTONS):
        return offers.on_button(state, event.data, ctx.offer, ctx)
    if isinstance(event, ButtonIn) and event.data.startswith("forget:"):
        return privacy.on_forget_button(state, event.data, ctx)
    if isinstance(event, ButtonIn) and event.data.startswith("ledger:"):
        return privacy.on_consent_button(state, event.data, ctx)
    if isinstance(event, ButtonIn) and event.data.startswith(checkins.BUTTONS):
        return checkin_button(state, event.data, ctx)
    if isinstance(event, ButtonIn) and event.data.startswith(sixmonths.BUTTONS):
        return sixmonths.on_button(state, event.data, ctx.six_month)
    if isinstance(event, ButtonIn) and event.data.startswith("lang:"):
        return choose_language(state, event.data.removeprefix("lang:"), ctx)
    if isinstance(event, TextIn) and state.appt_change:
        return appointments.on_reason(state, event.text, ctx.appointment, ctx)
    pressed = (
        appointments.typed_button(event.text, ctx.appointment)
        if isinstance(event, TextIn)
        else None
    )
    if pressed is not None:  # "oké ik kom" typed instead of tapped
        return appointments.on_button(state, pressed, ctx.appointment, ctx)
    return ordinary(state, event, ctx)


def typed_answer(asked: str, state: State, text: str, ctx: Context) -> Transition | None:
    """A language typed after /taal ("engels"), a rhythm after the check-in question, an
    answer to the six-month question ("ik werk nu").

    Once a coach handles the case, what the youth types is for the coach, not an answer
    to the question the bot asked before.
    """
    if asked.startswith("sixmonth:"):
        return sixmonths.on_text(state, asked, text, ctx.six_month)
    if asked == "lang" and (code := understand.language_in(text)):
        return choose_language(state, f"{code}", ctx)
    if asked != "rhythm" or ctx.handler is not None:
        return None
    if rhythm := understand.rhythm_in(text):
        return checkins.on_rhythm(state, rhythm)
    if ctx.checkin is None and understand.is_one_of(text, understand.YES_PHRASES):
        # "ja": but how often? (With a check-in open, a 👍 answers that check-in.)
        how_often = msg(N_("Hoe vaak mag ik het vragen? Typ bijvoorbeeld: elke week."))
        buttons = checkins.rhythm_reply(ctx.rhythm).buttons
        return Transition(replace(state, asking="rhythm"), (Send(Reply((how_often,), buttons)),))
    return None


def checkin_button(state: State, data: str, ctx: Context) -> Transition:
    head, _, rest = data.partition(":")
    if head == "ci":
        return checkins.on_button(state, data, ctx.checkin)
    if head == "checkin":
        return checkins.on_rhythm(state, rest)
    weeks = int(rest) if rest in ("0", "1", "2", "4") else None
    if weeks is None:
        return carry_on(state, ctx, msg(N_("Die knop werkt niet meer.")))
    return pause(state, weeks, ctx)


def pause(state: State, weeks: int | None, ctx: Context) -> Transition:
    """/pauze keeps an unfinished intake: after the choice, its question comes back."""
    effects = checkins.on_pause(weeks, ctx.paused_until, ctx)
    if weeks is None:
        return Transition(state, effects)
    return carry_on(state, ctx, before=effects)


def event_text(event: Event) -> str:
    if isinstance(event, TextIn | EditedIn):
        return event.text
    if isinstance(event, MediaIn):
        return event.caption
    if isinstance(event, CommandIn):
        return event.args
    return ""


# --- safety net ---------------------------------------------------------------------------

CRISIS_OPENING: dict[Category, str] = {
    "suicide": N_("Wat je schrijft, klinkt heel zwaar. Goed dat je het zegt."),
    "self_harm": N_("Het klinkt alsof je het heel moeilijk hebt. Goed dat je het vertelt."),
    "violence": N_("Wat je vertelt, is niet oké. Het is niet jouw schuld."),
    "danger": N_("Ben je nu in gevaar? Bel dan meteen 112."),
}


def crisis(
    state: State, event: Event, category: Category, phrase_id: str, ctx: Context
) -> Transition:
    """Answer a crisis message with the fitting help lines before anything else."""
    effects: list[Effect] = [
        SafetyAlert(category, phrase_id),
        say(
            msg(CRISIS_OPENING[category]),
            msg(N_("Praat er nu over met iemand die luistert:")),
            *help_line_parts(help_line_ids(category), ctx),
        ),
    ]
    if state.step == "done":
        effects.append(say(msg(N_("Ik geef je bericht ook door aan je coach."))))
        return Transition(state, tuple(effects))
    if state.in_intake:
        effects.append(say(msg(N_("Als je wilt, gaan we daarna rustig verder."))))
        effects.append(Send(ask(state, ctx)))
        return Transition(state, tuple(effects))
    effects.append(say(msg(N_("Wil je daarna ook hulp van een coach? Typ dan /start."))))
    return Transition(state, tuple(effects))


# --- commands -----------------------------------------------------------------------------


def command(state: State, event: CommandIn, ctx: Context) -> Transition:
    name = COMMAND_ALIASES.get(event.name, event.name)
    if name == "start":
        return on_start(state, ctx, known_key(event.args, ctx.directory.entry_keys) or "")
    if name == "stop":
        return Transition(
            replace(state, stopped=True),
            (
                SetStopped(True),
                say(
                    msg(N_("Oké, ik stuur je vanaf nu zelf geen berichten meer.")),
                    msg(N_("Wil je later verder? Typ dan /start.")),
                ),
            ),
        )
    if name == "mijngegevens":
        return privacy.export_data(state)
    if name == "vergeetmij":
        return Transition(state, (Send(privacy.forget_question(ctx)),))
    if name == "toestemming":
        return privacy.consents(state, ctx.consents, ctx)
    if name == "checkin":
        asking = replace(state, asking="rhythm")
        return Transition(asking, (Send(checkins.rhythm_reply(ctx.rhythm)),))
    if name == "pauze":
        return pause(state, checkins.pause_weeks(event.args), ctx)
    if name == "taal":
        rows = tuple((Button(raw(label), f"lang:{code}"),) for code, label in LANGUAGES)
        asking = replace(state, asking="lang")
        return Transition(asking, (Send(Reply((msg(N_("Welke taal wil je?")),), rows)),))
    if name == "hulp":
        return Transition(state, (say(*help_reply(state, ctx)),))
    if name == "afspraken":
        return Transition(state, (Send(appointments.upcoming_reply(ctx)),))
    if name == "aanbod":
        return offers.listing(state, ctx)
    if name == "herinneringen":
        on = not ctx.reminders_on
        text = (
            N_(
                "Herinneringen staan weer aan. Ik laat je op tijd weten wanneer je een afspraak hebt."
            )
            if on
            else N_(
                "Oké, je krijgt geen herinneringen meer voor je afspraken. Typ /herinneringen om ze weer aan te zetten."
            )
        )
        return Transition(state, (SetReminders(on), say(msg(text))))
    hint = msg(N_("Dat commando ken ik niet. Typ /hulp voor hulp of /start om te beginnen."))
    return carry_on(state, ctx, hint)


def help_reply(state: State, ctx: Context) -> tuple[Msg, ...]:
    pid = state.answers.partnership_id
    ids = (ctx.directory.partnership(pid).help_line_ids if pid else ()) or DEFAULT_HELP_LINES
    return (
        msg(N_("Heb je het moeilijk? Je staat er niet alleen voor.")),
        *help_line_parts(ids, ctx),
        msg(N_("Bij gevaar: bel 112.")),
    )


def on_start(state: State, ctx: Context, entry: str = "") -> Transition:
    """/start, from a link with an entry point's key (`entry`) or typed."""
    if state.step in ("new", "ended"):
        return intake.start(state, ctx, entry)
    if state.in_intake and entry and not state.answers.entry_point:
        state = state.answer(entry_point=entry)  # a poster scanned mid-intake: still the source
    unstopped = replace(state, stopped=False)
    back: tuple[Effect, ...] = (SetStopped(False),) if state.stopped else ()
    if state.step == "done":
        partnership = partnership_of(state, ctx)
        return Transition(
            unstopped,
            (
                *back,
                say(
                    msg(
                        N_("Je bent al aangemeld. {partnership} helpt je verder."),
                        partnership=partnership.short_name,
                    ),
                    msg(N_("Stuur gerust een bericht. Je coach leest mee.")),
                ),
            ),
        )
    if state.step == "resume_ask":
        return Transition(unstopped, (*back, Send(resume_question())))
    if state.step == "name" and not state.answers.name:  # nothing answered: just ask again
        return Transition(unstopped, (*back, Send(ask(state, ctx))))
    asking = replace(unstopped, resume_step=state.step).at("resume_ask")
    return Transition(asking, (*back, Send(resume_question())))


def resume_question() -> Reply:
    return Reply(
        (msg(N_("Je was al bezig met je aanmelding. Wil je verdergaan of opnieuw beginnen?")),),
        (
            (Button(msg(N_("Verdergaan")), "resume:go"),),
            (Button(msg(N_("Opnieuw beginnen")), "resume:restart"),),
        ),
    )


def on_resume(state: State, event: Event, ctx: Context) -> Transition:
    data = event.data if isinstance(event, ButtonIn) else ""
    if isinstance(event, TextIn):  # typed: "verder", "ja", "opnieuw"
        data = {"go": "resume:go", "restart": "resume:restart"}.get(
            understand.resume_choice(event.text) or "", ""
        )
    if data == "resume:go":
        back = state.at(state.resume_step)
        return Transition(back, (Send(ask(back, ctx)),))
    if data == "resume:restart":
        return intake.start(State(), ctx, state.answers.entry_point)
    return Transition(state, (say(msg(N_("Tik op een van de knoppen."))), Send(resume_question())))


def choose_language(state: State, code: str, ctx: Context) -> Transition:
    if code not in dict(LANGUAGES):
        return carry_on(state, ctx, msg(N_("Die knop werkt niet meer.")))
    switched = replace(ctx, lang=code)
    effects: tuple[Effect, ...] = (
        SetLanguage(code),
        say(msg(N_("Oké, we praten verder in het Nederlands."))),
    )
    if state.step == "new":
        started = intake.start(state, switched)
        return Transition(started.state, effects + started.effects)
    return carry_on(state, switched, *(), before=effects)


# --- everything else ----------------------------------------------------------------------


def carry_on(state: State, ctx: Context, *hint: Msg, before: tuple[Effect, ...] = ()) -> Transition:
    """Say a hint and, mid-intake, ask the current question again."""
    hints: tuple[Effect, ...] = (say(*hint),) if hint else ()
    if state.in_intake and not state.stopped:
        return Transition(state, (*before, *hints, Send(ask(state, ctx))))
    if state.step == "resume_ask":
        return Transition(state, (*before, *hints, Send(resume_question())))
    return Transition(state, (*before, *hints))


MEDIA_HINT = N_("Dat kan ik hier niet lezen. Typ je antwoord, of tik op een knop.")
FORWARD_HINT = N_("Dat is een doorgestuurd bericht. Typ je antwoord liever zelf.")
VOICE_HINT = N_(
    "Spraakberichten kan ik hier nog niet beluisteren. Typ je antwoord, of tik op een knop."
)


def ordinary(state: State, event: Event, ctx: Context) -> Transition:
    if state.step == "new":  # a first message may end with a poster's "(key)" (WhatsApp)
        typed = event.text if isinstance(event, TextIn) else ""
        return intake.start(state, ctx, entry_key_in(typed, ctx.directory.entry_keys) or "")
    if state.step == "done":
        return after_intake(state, event, ctx)
    if state.stopped:
        return Transition(
            state, (say(msg(N_("Je koos voor /stop. Wil je verder? Typ dan /start."))),)
        )
    if state.step == "resume_ask":
        return on_resume(state, event, ctx)
    if state.step == "ended":
        return Transition(state, (say(msg(N_("Wil je opnieuw beginnen? Typ dan /start."))),))
    if isinstance(event, EditedIn):
        return reask(
            state,
            ctx,
            msg(
                N_(
                    "Je paste een bericht aan. Ik lees alleen nieuwe berichten. Stuur je antwoord gerust opnieuw."
                )
            ),
        )
    if isinstance(event, MediaIn):
        hint = {"voice": VOICE_HINT, "audio": VOICE_HINT, "video_note": VOICE_HINT}.get(
            event.kind, FORWARD_HINT if event.kind == "forward" else MEDIA_HINT
        )
        return reask(state, ctx, msg(hint))
    if isinstance(event, ButtonIn) and not intake.accepts(state.step, event.data):
        return reask(state, ctx, msg(N_("Die knop werkt niet meer.")))
    if isinstance(event, TextIn | ButtonIn):
        moved = intake.step(state, event, ctx)
        if any(isinstance(e, CreateCase) for e in moved.effects):  # registered: ask the rhythm
            rhythm = Send(checkins.rhythm_reply(ctx.rhythm))
            return Transition(replace(moved.state, asking="rhythm"), (*moved.effects, rhythm))
        return moved
    return reask(state, ctx)


SPOKEN = ("voice", "audio", "video_note")
BURST = timedelta(hours=2)  # one automatic answer per burst of messages
STATUS_PAUSE = timedelta(hours=12)  # while waiting: the status note again the next day at most


def after_intake(state: State, event: Event, ctx: Context) -> Transition:
    """A registered youth writes: it is on their timeline for the coach.

    While the case waits for a coach, the youth hears honestly where they stand (who
    answers, by when, where to go if it cannot wait): once per burst, again after a pause.
    While a worker handles the case the bot stays quiet (the worker answers), except for
    one honest automatic answer per burst outside working hours.
    """
    if isinstance(event, ButtonIn):
        return Transition(state, (say(msg(N_("Die knop werkt niet meer."))),))
    if state.checkin_note and isinstance(event, TextIn):
        return checkins.on_note(state, event.text)
    if state.checkin_note and isinstance(event, MediaIn) and event.kind in SPOKEN:
        return checkins.on_note(state, f"[{event.kind}] {event.caption}".strip())
    score = checkins.parse_score(event.text) if isinstance(event, TextIn) else None
    if score is not None and ctx.checkin is not None:
        return checkins.on_score(state, ctx.checkin, score)
    last = datetime.fromisoformat(state.auto_reply_at) if state.auto_reply_at else None
    pause = STATUS_PAUSE if ctx.handler is None else BURST
    if last is not None and ctx.now - last < pause:
        return Transition(state)
    if ctx.handler is None:
        answer: tuple[Msg, ...] = waiting_note(state, ctx)
    elif ctx.back_at is None:
        return Transition(state)  # the worker is at work and answers themselves
    else:
        answer = (msg(N_("{name} leest dit {when}."), name=ctx.handler, when=ctx.back_at),)
    return Transition(replace(state, auto_reply_at=ctx.now.isoformat()), (say(*answer),))


URGENT_LINE = "106"  # talk to someone now, day and night


def waiting_note(state: State, ctx: Context) -> tuple[Msg, ...]:
    """Where a youth stands while no coach has their case yet: who, by when, and if it is urgent."""
    partnership = partnership_of(state, ctx)
    by = ctx.answer_by or intake.add_workdays(ctx.now.date(), partnership.first_response_workdays)
    if ctx.now.date() <= by:
        when = msg(
            N_("Een coach van {partnership} antwoordt je ten laatste op {day}."),
            partnership=partnership.short_name,
            day=by,
        )
    else:
        when = msg(
            N_("Het duurt langer dan we beloofden. Sorry! Een coach van {partnership} antwoordt zo snel als het kan."),
            partnership=partnership.short_name,
        )  # fmt: skip
    return (
        msg(N_("Bedankt! Ik geef je bericht door aan je coach.")),
        when,
        msg(N_("Kan het niet wachten? Praat dan nu met iemand:")),
        *help_line_parts((URGENT_LINE,), ctx),
    )
