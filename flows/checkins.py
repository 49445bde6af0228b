"""Check-ins: "hoe gaat het?" at a rhythm the youth chooses, and /pauze.

step / event                          → effects, reply                       → state
────────────────────────────────────  ───────────────────────────────────────  ───────────────
/checkin                              the rhythm buttons (current one ticked)  unchanged
rhythm button  checkin:week           SetRhythm                                unchanged
score button   ci:12:4 (or "4", "🙂")  CheckinAnswer; "wil je er iets over     checkin_note=12
                                      kwijt?" with a "nee, dank je" button
text or voice while checkin_note=12   CheckinNote; "ik geef het door"         checkin_note=0
button ci:12:no                       "oké, tot de volgende keer"             checkin_note=0
/pauze 2  (or the 1/2/4-week buttons) SetPause(now + 2 weeks)                  unchanged
/pauze with anything else             the week buttons                        unchanged

The scheduler side is pure too: `next_due` picks the moment of the next check-in inside the
youth's day parts; `decide` says what to do with one that is due (see flows.pacing).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from flows.context import Context
from flows.model import (
    N_,
    Button,
    CheckinAnswer,
    CheckinNote,
    Effect,
    Msg,
    RecordConsent,
    Reply,
    Send,
    SetPause,
    SetRhythm,
    Transition,
    msg,
    raw,
    say,
)
from flows.pacing import Pacing, QuietHours, earliest, held_because, wall_time
from flows.state import State
from flows.views import CheckinView

# --- rhythm and timing ---------------------------------------------------------------------

RHYTHMS: tuple[tuple[str, str], ...] = (
    ("week", N_("Elke week")),
    ("2weeks", N_("Om de twee weken")),
    ("month", N_("Elke maand")),
    ("none", N_("Liever niet")),
)
EVERY_DAYS: dict[str, int] = {"week": 7, "2weeks": 14, "month": 28}
# The moment inside each day part of the intake (flows.intake_questions.REACH) a check-in goes out.
MOMENTS: dict[str, time] = {
    "morning": time(10),
    "afternoon": time(14),
    "evening": time(18),
    "any": time(14),
}
SOON = timedelta(days=2)  # an appointment this close counts as contact already


def next_due(
    base: datetime,
    rhythm: str,
    dayparts: Iterable[str],
    quiet: QuietHours,
    tz: ZoneInfo,
    now: datetime,
) -> datetime | None:
    """When the next check-in goes out: a rhythm's days after `base`, in a chosen day part.

    None when the youth wants no check-ins.
    """
    days = EVERY_DAYS.get(rhythm)
    if days is None:
        return None
    first_day = base.astimezone(tz).date() + timedelta(days=days)
    return in_day_part(max(now, wall_time(first_day, time(0), tz)), dayparts, quiet, tz)


def in_day_part(
    start: datetime, dayparts: Iterable[str], quiet: QuietHours, tz: ZoneInfo
) -> datetime:
    """The first moment from `start` inside one of the youth's day parts and not in quiet hours.

    When every chosen moment is in the quiet hours: the moment the quiet hours end.
    """
    clocks = sorted({MOMENTS[p] for p in dayparts if p in MOMENTS} or {MOMENTS["any"]})
    day = start.astimezone(tz).date()
    for offset in range(8):
        for clock in clocks:
            moment = wall_time(day + timedelta(days=offset), clock, tz)
            if moment >= start and not quiet.contains(clock):
                return moment.astimezone(UTC)
    return quiet.next_open(start, tz).astimezone(UTC)


def recent(rhythm: str) -> timedelta:
    """How recent contact must be for a check-in to be skipped: half the rhythm, ≤ a week."""
    return timedelta(days=min(7, EVERY_DAYS.get(rhythm, 14) // 2))


Kind = Literal["checkin", "recontact"]
Action = Literal["send", "defer", "skip", "drop", "recontact"]


@dataclass(frozen=True)
class Decision:
    action: Action
    at: datetime | None = None  # defer: when to look again
    reason: str = ""


def decide(
    now: datetime,
    kind: Kind,
    rhythm: str,
    pacing: Pacing,
    tz: ZoneInfo,
    contacts: Iterable[datetime] = (),
    unanswered: int = 0,
) -> Decision:
    """What to do with a check-in or re-contact that is due now.

    `contacts`: moments of real contact (messages either way, appointments).
    `unanswered`: check-ins in a row the youth did not answer and did not write after.
    """
    if pacing.stopped or pacing.unreachable:
        return Decision("drop", reason="stopped")
    if kind == "checkin" and rhythm not in EVERY_DAYS:
        return Decision("drop", reason="no_rhythm")
    if kind == "checkin" and unanswered >= 2:
        return Decision("recontact", reason="unanswered")
    when = earliest(now, pacing, tz)
    if when is None:
        return Decision("drop", reason="stopped")
    if when > now:
        return Decision("defer", at=when, reason=held_because(now, pacing, tz) or "")
    if kind == "checkin":
        window = recent(rhythm)
        if any(now - window <= c <= now + SOON for c in contacts):
            return Decision("skip", reason="contact")
    return Decision("send")


# --- the messages the scheduler sends --------------------------------------------------------

SCALE: tuple[tuple[int, str], ...] = ((1, "😞"), (2, "🙁"), (3, "😐"), (4, "🙂"), (5, "😄"))
LOW = 2  # a score at or below this flags the case "aandacht"
_MORE_EMOJI = {
    "😢": 1, "😭": 1, "😫": 1, "😩": 1, "☹": 2, "😕": 2, "😟": 2, "😔": 2, "😶": 3,
    "😑": 3, "😊": 4, "👍": 4, "😀": 5, "😁": 5, "😃": 5, "🤩": 5, "🥳": 5,
}  # fmt: skip
_SCORE_EMOJI = {emoji: score for score, emoji in SCALE} | _MORE_EMOJI
_DIGIT = re.compile(r"^([1-5])(?:\s*(?:/|op|van|of|out of)\s*5)?[.!]?$")
_INVISIBLE = re.compile("[\ufe0f\ufe0e\u200d\U0001f3fb-\U0001f3ff]")


def parse_score(text: str) -> int | None:
    """A check-in answer typed as a number or an emoji ("3", "4/5", "😐"); None otherwise."""
    clean = _INVISIBLE.sub("", text).strip()
    found = _DIGIT.match(clean)
    if found is not None:
        return int(found.group(1))
    return _SCORE_EMOJI.get(clean)


# --- button data: the formats this flow owns -------------------------------------------------

# ci:<id>:<1-5>  a score on check-in <id>      ci:<id>:no  nothing to add after the score
# checkin:<rhythm>  how often (RHYTHMS)         pause:<weeks>  1, 2 or 4 weeks (0: stop it)
BUTTONS = ("ci:", "checkin:", "pause:")


def score_data(checkin_id: int, answer: int | str) -> str:
    return f"ci:{checkin_id}:{answer}"


def checkin_of(data: str) -> int:
    """The check-in a ci: button names (0: none, or no such button)."""
    if not data.startswith("ci:"):
        return 0
    number = data.split(":")[1]
    return int(number) if number.isdigit() else 0


def score_answer(data: str) -> str:
    """What a ci: button answers: a score "1" … "5", or "no"."""
    return data.rsplit(":", 1)[-1]


def checkin_message(checkin_id: int) -> Reply:
    """The check-in itself: one question and a five-step scale, nothing to feel guilty about."""
    return Reply(
        (
            msg(N_("Hoi! Hoe gaat het met je deze week?")),
            msg(N_("Tik wat past. Antwoorden hoeft niet.")),
        ),
        (tuple(Button(raw(emoji), score_data(checkin_id, score)) for score, emoji in SCALE),),
    )


def recontact_message() -> Reply:
    """The one gentle message after a youth drifted out of view."""
    return Reply(
        (
            msg(N_("Hoi! We hebben al even niets van je gehoord. Hoe is het met je?")),
            msg(N_("Je mag altijd iets sturen, ook gewoon een emoji.")),
            msg(N_("Liever even geen berichten? Typ /pauze.")),
        )
    )


# --- the youth's side ------------------------------------------------------------------------


def rhythm_reply(current: str | None) -> Reply:
    return Reply(
        (
            msg(N_("Mag ik af en toe vragen hoe het met je gaat?")),
            msg(N_("Dat is één korte vraag. Jij kiest hoe vaak.")),
        ),
        tuple(
            (Button(msg(label), f"checkin:{key}", checked=key == current),)
            for key, label in RHYTHMS
        ),
    )


RHYTHM_SET = {
    "week": N_("Top! Ik vraag je elke week eens hoe het gaat."),
    "2weeks": N_("Top! Ik vraag je om de twee weken eens hoe het gaat."),
    "month": N_("Top! Ik vraag je elke maand eens hoe het gaat."),
    "none": N_("Oké, ik stuur je geen check-ins. Je kunt altijd zelf iets sturen."),
}
CHANGE_LATER = N_("Wil je dat later anders? Typ /checkin.")


CHECKINS_VERSION = "checkins-2026-11"  # the consent ledger names the text the youth answered


def on_rhythm(state: State, key: str) -> Transition:
    """A rhythm chosen: stored, and in the consent ledger (yes unless "liever niet")."""
    if key not in RHYTHM_SET:
        return Transition(state, (say(msg(N_("Die knop werkt niet meer."))),))
    return Transition(
        state,
        (
            RecordConsent("checkins", CHECKINS_VERSION, key != "none"),
            SetRhythm(key),
            say(msg(RHYTHM_SET[key]), msg(CHANGE_LATER)),
        ),
    )


def on_score(state: State, checkin: CheckinView | None, score: int) -> Transition:
    """A tap on the scale (or a typed score): stored on the check-in it answers."""
    if checkin is None:
        return Transition(state, (say(msg(N_("Die knop werkt niet meer."))),))
    opening: tuple[Msg, ...] = (
        (
            msg(N_("Dat klinkt niet zo goed. Fijn dat je het laat weten.")),
            msg(N_("Je coach hoort het ook.")),
            msg(N_("Heb je het nu echt moeilijk? Typ /hulp.")),
        )
        if score <= LOW
        else (msg(N_("Dank je om het te laten weten!")),)
    )
    return Transition(
        replace(state, checkin_note=checkin.id),
        (
            CheckinAnswer(checkin.id, score),
            Send(
                Reply(
                    (
                        *opening,
                        msg(N_("Wil je er iets over kwijt? Typ het of stuur een spraakbericht.")),
                    ),
                    ((Button(msg(N_("Nee, dank je")), score_data(checkin.id, "no")),),),
                )
            ),
        ),
    )


def on_button(state: State, data: str, checkin: CheckinView | None) -> Transition:
    """ci:<id>:<1-5> or ci:<id>:no."""
    answer = score_answer(data)
    if answer == "no":
        return Transition(
            replace(state, checkin_note=0), (say(msg(N_("Oké! Tot de volgende keer."))),)
        )
    if answer.isdigit() and 1 <= int(answer) <= 5:
        return on_score(state, checkin, int(answer))
    return Transition(state, (say(msg(N_("Die knop werkt niet meer."))),))


def on_note(state: State, text: str) -> Transition:
    """What the youth adds after answering: relayed to the worker with the check-in."""
    return Transition(
        replace(state, checkin_note=0),
        (
            CheckinNote(state.checkin_note, text),
            say(msg(N_("Bedankt. Ik geef het door aan je coach."))),
        ),
    )


# --- /pauze ----------------------------------------------------------------------------------

PAUSE_WEEKS = (1, 2, 4)
_WEEKS = re.compile(r"^(\d)\s*(w|wk|week|weken|weeks?)?$")


def pause_weeks(args: str) -> int | None:
    found = _WEEKS.match(args.strip().lower())
    weeks = int(found.group(1)) if found else None
    return weeks if weeks in PAUSE_WEEKS else None


def pause_buttons(paused_until: datetime | None, ctx: Context) -> Reply:
    rows = [
        (Button(msg(N_("1 week")), "pause:1"),),
        (Button(msg(N_("2 weken")), "pause:2"),),
        (Button(msg(N_("4 weken")), "pause:4"),),
    ]
    parts: list[Msg] = [msg(N_("Hoe lang wil je pauze? Ik stuur je dan zelf geen berichten."))]
    if paused_until is not None and paused_until > ctx.now:
        parts.insert(0, msg(N_("Je hebt pauze tot {when}."), when=paused_until.date()))
        rows.append((Button(msg(N_("Pauze stoppen")), "pause:0"),))
    return Reply(tuple(parts), tuple(rows))


def on_pause(weeks: int | None, paused_until: datetime | None, ctx: Context) -> tuple[Effect, ...]:
    """/pauze N, or a tap on a week button (0: stop the pause)."""
    if weeks == 0:
        return (
            SetPause(None),
            say(msg(N_("Je pauze is voorbij. Ik stuur je weer af en toe een berichtje."))),
        )
    if weeks is None:
        return (Send(pause_buttons(paused_until, ctx)),)
    until = ctx.now + timedelta(weeks=weeks)
    return (
        SetPause(until),
        say(
            msg(N_("Oké, pauze tot {when}. Tot dan stuur ik je zelf niets."), when=until.date()),
            msg(N_("Je kunt wel altijd zelf iets sturen.")),
        ),
    )
