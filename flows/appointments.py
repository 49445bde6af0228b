"""Appointments: checking a new one, when its reminders are due, and the youth's button answers.

    state         event                               next          effects
    ────────────  ──────────────────────────────────  ────────────  ──────────────────────────────
    any           appt:ok:{id}:{v}                    any           answer confirmed, "Top, tot dan!"
    any           appt:no:{id}:{v}                    appt_change   ask which day part suits
    appt_change   apptwhen:{id}:{part}                appt_change   ask why (optional)
    appt_change   a text / apptwhy:{id}:skip          any           answer wants_change, worker told
    any           appt:late:{id}:{v} on the day       any           answer late
    any           appt:late:… on another day          any           kind refusal, nothing sent
    any           "oké ik kom" / "past niet" typed    as appt:ok / appt:no on the proposed one
    any           appt:…:{v} of an older version      any           "verzet", the new moment + buttons
    any           a press on a cancelled / gone one   any           "gaat niet meer door"
    any           a press on one that is over         any           "al voorbij"
    any           apptwhen/apptwhy after the answer   any           "werkt niet meer", nothing stored

`appt_change` is not a step of its own: `State.appt_change` holds the appointment id while
the youth picks a day part and may type why, on top of whatever step they are at.

The engine looks up the appointment a press (or the reason text) refers to and passes it in
`Context.appointment`; these functions only decide what to say and which answer to record.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from flows.context import Context
from flows.intake_questions import REACH
from flows.model import (
    N_,
    AppointmentAnswer,
    Button,
    Effect,
    Labels,
    Msg,
    Reply,
    Send,
    Transition,
    msg,
    say,
)
from flows.state import State
from flows.understand import words
from flows.views import AppointmentView

KINDS: tuple[tuple[str, str], ...] = (
    ("gesprek", N_("Gesprek")),
    ("vdab", N_("Afspraak bij VDAB")),
    ("huisbezoek", N_("Huisbezoek")),
    ("netwerkmoment", N_("Netwerkmoment")),
    ("groepsactiviteit", N_("Groepsactiviteit")),
)
STATES = ("proposed", "confirmed", "wants_change", "cancelled", "done", "no_show")
DAYPARTS = REACH  # the same day parts, with exact hours, as the intake asks
PLACE_MAX = 300
NOTE_MAX = 1000
MINUTES_MAX = 12 * 60
QUIET = (time(21), time(9))
"""Local hours in which no reminder goes out (a window that may cross midnight)."""

Intro = Literal["new", "moved", "reminder", "cancelled"]


# --- checking a new appointment -------------------------------------------------------------


class AppointmentProblem(ValueError):
    """A worker's input that cannot become an appointment; the message is plain Dutch."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


GAP = N_("Die tijd bestaat niet op die dag (de klok springt een uur vooruit). Kies een ander uur.")
FOLD = N_("Die tijd bestaat twee keer op die dag (de klok gaat een uur terug). Kies een ander uur.")


def validate_new(
    day: date, at: time, minutes: int, place: str, note: str, tz: ZoneInfo, now: datetime
) -> datetime:
    """Check a new (or moved) appointment and return its start in UTC."""
    wall = datetime.combine(day, at.replace(tzinfo=None))
    first, second = wall.replace(tzinfo=tz, fold=0), wall.replace(tzinfo=tz, fold=1)
    if first.utcoffset() != second.utcoffset():
        # Both folds differ around a clock change: in the gap the wall time does not survive
        # a round trip through UTC; in the fold it does, but means two moments.
        back = first.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
        raise AppointmentProblem("time", GAP if back != wall else FOLD)
    starts_at = first.astimezone(UTC)
    if starts_at <= now:
        raise AppointmentProblem("time", N_("Die afspraak ligt in het verleden."))
    if minutes <= 0:
        raise AppointmentProblem("minutes", N_("Een afspraak duurt minstens 1 minuut."))
    if minutes > MINUTES_MAX:
        raise AppointmentProblem("minutes", N_("Een afspraak duurt hooguit 12 uur."))
    if not place.strip():
        raise AppointmentProblem("place", N_("Vul in waar de afspraak doorgaat."))
    if len(place) > PLACE_MAX:
        raise AppointmentProblem("place", N_("De plaats is te lang. Gebruik hooguit 300 tekens."))
    if len(note) > NOTE_MAX:
        raise AppointmentProblem("note", N_("De notitie is te lang. Gebruik hooguit 1000 tekens."))
    return starts_at


# --- reminders ------------------------------------------------------------------------------

DAY = 24 * 60


def reminder_times(
    starts_at: datetime,
    offsets_minutes: Sequence[int],
    *,
    tz: ZoneInfo,
    quiet: tuple[time, time] = QUIET,
    now: datetime,
) -> list[tuple[int, datetime]]:
    """Return when each reminder is due, in UTC, as (offset, due) sorted by due time.

    Rules, in this order:
    1. An offset of whole days (1440, 2880, …) moves the LOCAL calendar date and keeps the
       wall-clock time: a Monday 14u appointment reminds on Sunday at 14u, even when the
       clocks changed in between. Any other offset is an exact duration of real time.
    2. A due time in local quiet hours (`quiet` = start, end; 21u–9u by default, crossing
       midnight) moves EARLIER, to one minute before those quiet hours began: 20u59.
    3. A wall time that does not exist or exists twice (a clock change, only possible for a
       whole-day offset) is read as zoneinfo does with fold=0: the offset before the change.
    4. Reminders due at or before `now` are dropped (also one that the quiet hours moved
       into the past: the youth got the appointment message only just now).
    5. Two reminders due at the same moment become one; it keeps the largest offset.
    """
    local_start = starts_at.astimezone(tz)
    due: dict[datetime, int] = {}
    for offset in sorted(set(offsets_minutes), reverse=True):
        if offset < 0:
            raise ValueError(f"a reminder offset must not be negative: {offset}")
        if offset and offset % DAY == 0:
            wall = local_start.replace(tzinfo=None) - timedelta(days=offset // DAY)
        else:
            exact = starts_at - timedelta(minutes=offset)
            wall = exact.astimezone(tz).replace(tzinfo=None)
        moment = out_of_quiet(wall, quiet).replace(tzinfo=tz).astimezone(UTC)
        if moment > now:
            due.setdefault(moment, offset)
    return sorted(((offset, moment) for moment, offset in due.items()), key=lambda r: r[1])


def out_of_quiet(wall: datetime, quiet: tuple[time, time]) -> datetime:
    """Move a local wall time inside the quiet hours to the last minute before they began."""
    begin, end = quiet
    clock = wall.time()
    if begin == end:
        return wall  # no quiet hours
    if begin < end:
        inside, day = begin <= clock < end, wall.date()
    elif clock >= begin:
        inside, day = True, wall.date()
    else:
        inside, day = clock < end, wall.date() - timedelta(days=1)
    if not inside:
        return wall
    return datetime.combine(day, begin) - timedelta(minutes=1)


# --- messages to the youth ------------------------------------------------------------------


def kind_label(kind: str) -> Labels:
    return Labels((dict(KINDS).get(kind, N_("Afspraak")),))


def local(moment: datetime, ctx: Context) -> datetime:
    return moment.astimezone(ctx.now.tzinfo)


def is_on_the_day(view: AppointmentView, ctx: Context) -> bool:
    """Whether "Ik ben te laat" makes sense now: the same local day, before the end."""
    return local(view.starts_at, ctx).date() == ctx.now.date() and ctx.now < view.ends_at


def details(view: AppointmentView) -> tuple[Msg, ...]:
    parts = [
        msg(N_("Wanneer: {when}"), when=view.starts_at),
        msg(N_("Waar: {place}"), place=view.place),
        msg(N_("Wat: {kind}"), kind=kind_label(view.kind)),
    ]
    if view.note.strip():
        parts.append(msg(N_("{name} zegt erbij: {note}"), name=view.worker_name, note=view.note))
    return tuple(parts)


def answer_buttons(view: AppointmentView, ctx: Context) -> tuple[tuple[Button, ...], ...]:
    rows: list[tuple[Button, ...]] = [
        (
            Button(msg(N_("Oké, ik kom")), answer_data(view, "ok")),
            Button(msg(N_("Dat past niet")), answer_data(view, "no")),
        )
    ]
    if is_on_the_day(view, ctx):
        rows.append((Button(msg(N_("Ik ben te laat")), answer_data(view, "late")),))
    return tuple(rows)


def appointment_message(view: AppointmentView, ctx: Context, *, intro: Intro) -> Reply:
    """Build the message that tells the youth about a new, moved or cancelled appointment."""
    name = view.worker_name
    if intro == "cancelled":
        return Reply(
            (
                msg(N_("Je afspraak van {when} gaat niet door."), when=view.starts_at),
                msg(N_("Heb je een vraag? Stuur hier gerust een bericht.")),
            )
        )
    if view.state == "cancelled":
        raise ValueError(f"appointment {view.id} is cancelled: no {intro} message")
    if intro == "reminder":
        parts: tuple[Msg, ...] = (
            msg(
                N_("Even een herinnering: je afspraak met {name} is {when}."),
                name=name,
                when=view.starts_at,
            ),
            *details(view)[1:],
        )
    elif intro == "moved":
        parts = (
            msg(N_("Je afspraak met {name} is verzet."), name=name),
            *details(view),
            msg(N_("Past dat voor jou?")),
        )
    else:
        parts = (
            msg(N_("{name} plant een afspraak met je."), name=name),
            *details(view),
            msg(N_("Past dat voor jou?")),
        )
    return Reply(parts, answer_buttons(view, ctx))


# --- button data: the formats this flow owns -----------------------------------------------

BUTTONS = ("appt:", "apptwhen:", "apptwhy:")


@dataclass(frozen=True)
class Press:
    """A press on an appointment button, read from its data:

    appt:{action}:{id}:{version}   action ok | no | late, on the appointment as it was then
    apptwhen:{id}:{part}           a day part that suits better (after "Dat past niet")
    apptwhy:{id}:skip              no reason given
    """

    kind: str  # appt | apptwhen | apptwhy
    appointment_id: int
    action: str
    version: int | None = None  # appt only (None: not given)


def answer_data(view: AppointmentView, action: str) -> str:
    return f"appt:{action}:{view.id}:{view.version}"


def daypart_data(view: AppointmentView, part: str) -> str:
    return f"apptwhen:{view.id}:{part}"


def skip_data(view: AppointmentView) -> str:
    return f"apptwhy:{view.id}:skip"


def read_press(data: str) -> Press | None:
    """The press an appointment button's data stands for; None when it is no such button."""
    prefix, _, rest = data.partition(":")
    fields = rest.split(":")
    if prefix == "appt" and len(fields) == 3:
        action, ident, version = fields
    elif prefix in ("apptwhen", "apptwhy") and len(fields) == 2:
        (ident, action), version = fields, ""
    else:
        return None
    if not ident.isdigit() or (version and not version.isdigit()):
        return None
    return Press(prefix, int(ident), action, int(version) if version else None)


# --- the youth's answers --------------------------------------------------------------------

# What a youth types instead of tapping, folded by `words` (no accents, no punctuation).
TYPED_OK = frozenset(
    {
        "oke ik kom", "ok ik kom", "okay ik kom", "okey ik kom", "oki ik kom", "oke ik kom er",
        "ja ik kom", "ja ik kom er", "ik kom", "ik kom er", "ik kom zeker", "ja ik zal er zijn",
        "ik zal er zijn", "ik ben er", "ja dat past", "dat past", "dat past me", "past me",
        "ja past", "top ik kom", "goed ik kom", "oke dat past", "ok dat past", "oke komt goed",
        "ok i'll come", "ok ill come", "i'll come", "ill come", "i will come", "i'll be there",
        "yes i'll come", "that works", "that suits me",
    }
)  # fmt: skip
TYPED_NO = frozenset(
    {
        "dat past niet", "past niet", "past me niet", "dat past me niet", "dat past mij niet",
        "past mij niet", "dat past nie", "past nie", "ik kan niet", "ik kan dan niet",
        "kan niet", "dan kan ik niet", "ik kan die dag niet", "dat lukt niet",
        "dat lukt me niet", "lukt niet", "ik kom niet", "nee ik kan niet",
        "nee dat past niet", "that doesn't suit", "that doesn't work", "doesn't suit",
        "that does not suit", "i can't", "i can't come", "i cannot come",
    }
)  # fmt: skip


def typed_button(text: str, view: AppointmentView | None) -> str | None:
    """The appointment button a typed answer stands for ("oké ik kom", "past niet"), if any."""
    if view is None or view.state != "proposed":
        return None
    folded = words(text.replace("’", "'"))
    action = "ok" if folded in TYPED_OK else "no" if folded in TYPED_NO else None
    return answer_data(view, action) if action else None


def is_typed_answer(text: str) -> bool:
    """Whether a text reads as an answer to a proposed appointment (the engine then looks it up)."""
    folded = words(text.replace("’", "'"))
    return folded in TYPED_OK or folded in TYPED_NO


STALE = N_("Die knop werkt niet meer.")
GONE = N_("Die afspraak gaat niet meer door.")


def on_button(state: State, data: str, view: AppointmentView | None, ctx: Context) -> Transition:
    """Handle a press on an appointment button (appt:…, apptwhen:…, apptwhy:…)."""
    press = read_press(data)
    if press is None:
        return Transition(state, (say(msg(STALE)),))
    live = check(state, press.appointment_id, view, ctx)
    if isinstance(live, Transition):
        return live
    view, action = live, press.action
    if press.version is not None and press.version != view.version:
        return moved_meanwhile(state, view, ctx)
    if press.kind != "appt" and state.appt_change != view.id:
        return Transition(state, (say(msg(STALE)),))  # already answered (or answered otherwise)
    if press.kind == "apptwhen":
        return on_daypart(state, view, action, ctx)
    if press.kind == "apptwhy":
        if action != "skip":
            return Transition(state, (say(msg(STALE)),))
        return wants_change(state, view, "")
    if action == "ok":
        return Transition(
            forget(state, view.id),
            (AppointmentAnswer(view.id, "confirmed"), say(msg(N_("Top, tot dan!")))),
        )
    if action == "no":
        asking = replace(state, appt_change=view.id, appt_dayparts=())
        return Transition(asking, (Send(ask_daypart(view)),))
    if action == "late":
        return late(state, view, ctx)
    return Transition(state, (say(msg(STALE)),))


def on_reason(state: State, text: str, view: AppointmentView | None, ctx: Context) -> Transition:
    """Take a typed text as why the appointment does not suit (state.appt_change is set)."""
    live = check(state, state.appt_change, view, ctx)
    if isinstance(live, Transition):
        return live
    return wants_change(state, live, text.strip())


def check(
    state: State, ident: int, view: AppointmentView | None, ctx: Context
) -> AppointmentView | Transition:
    """Return the live appointment, or the answer for one that is gone, cancelled or over."""
    if view is None or view.id != ident or view.state == "cancelled":
        return Transition(forget(state, ident), (say(msg(GONE)),))
    if view.state in ("done", "no_show") or ctx.now >= view.ends_at:
        return Transition(forget(state, ident), (say(msg(N_("Die afspraak is al voorbij."))),))
    return view


def forget(state: State, ident: int) -> State:
    if state.appt_change != ident:
        return state
    return replace(state, appt_change=0, appt_dayparts=())


def moved_meanwhile(state: State, view: AppointmentView, ctx: Context) -> Transition:
    reply = Reply(
        (
            msg(N_("Die afspraak is intussen verzet. Hier is het nieuwe moment:")),
            *details(view),
            msg(N_("Past dat voor jou?")),
        ),
        answer_buttons(view, ctx),
    )
    return Transition(forget(state, view.id), (Send(reply),))


def ask_daypart(view: AppointmentView) -> Reply:
    rows = tuple((Button(msg(label), daypart_data(view, key)),) for key, label in DAYPARTS)
    return Reply((msg(N_("Wanneer past het je beter?")),), rows)


def on_daypart(state: State, view: AppointmentView, part: str, ctx: Context) -> Transition:
    if part not in dict(DAYPARTS):
        return Transition(state, (say(msg(STALE)),))
    chosen = replace(state, appt_change=view.id, appt_dayparts=(part,))
    question = Reply(
        (msg(N_("Wil je zeggen waarom? Typ het, of tik op Overslaan.")),),
        ((Button(msg(N_("Overslaan")), skip_data(view)),),),
    )
    return Transition(chosen, (Send(question),))


def wants_change(state: State, view: AppointmentView, reason: str) -> Transition:
    dayparts = state.appt_dayparts if state.appt_change == view.id else ()
    effects: tuple[Effect, ...] = (
        AppointmentAnswer(view.id, "wants_change", dayparts=dayparts, reason=reason),
        say(
            msg(N_("Dank je. {name} zoekt een nieuw moment met je."), name=view.worker_name),
        ),
    )
    return Transition(replace(state, appt_change=0, appt_dayparts=()), effects)


def late(state: State, view: AppointmentView, ctx: Context) -> Transition:
    if not is_on_the_day(view, ctx):
        return Transition(
            state,
            (
                say(
                    msg(N_("Je afspraak is pas {when}."), when=view.starts_at),
                    msg(N_("Ben je die dag te laat? Laat het dan hier weten.")),
                ),
            ),
        )
    return Transition(
        forget(state, view.id),
        (
            AppointmentAnswer(view.id, "late"),
            say(
                msg(
                    N_("Oké, ik laat {name} weten dat je later bent. Tot zo!"),
                    name=view.worker_name,
                )
            ),
        ),
    )


def upcoming_reply(ctx: Context) -> Reply:
    """/afspraken: the list, and the buttons for the soonest one still waiting for an answer."""
    parts = upcoming_parts(ctx)
    waiting = next((v for v in ctx.upcoming[:10] if v.state == "proposed"), None)
    if waiting is None:
        return Reply(parts)
    question = msg(N_("Past {when} voor jou?"), when=waiting.starts_at)
    return Reply((*parts, question), answer_buttons(waiting, ctx))


def upcoming_parts(ctx: Context) -> tuple[Msg, ...]:
    """/afspraken: the youth's next appointments, one line each."""
    if not ctx.upcoming:
        return (msg(N_("Je hebt nu geen afspraken gepland.")),)
    lines = [msg(N_("Je volgende afspraken:"))]
    for view in ctx.upcoming[:10]:
        lines.append(
            msg(N_("📅 {when} · {place} · met {name}"), when=view.starts_at, place=view.place,
                name=view.worker_name)
        )  # fmt: skip
    return tuple(lines)
