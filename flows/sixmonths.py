"""Six months after a case closed: the bot asks once how things are now (ESF+ result).

step / event                              → effects, reply                       → state.asking
────────────────────────────────────────  ──────────────────────────────────────  ──────────────
(tick) 182 days after closing             the question with five buttons           sixmonth:12
button sm:12:work (or typed "ik werk nu") SixMonthAnswer(12, "work"); thanks, and   ""
                                          "you can always write to us again"
a text it does not understand             SixMonthAnswer(12, None); one kind hint   sixmonth:12:hint
                                          and the buttons again
another text it does not understand       none here: an ordinary message, it        ""
                                          reaches the team (the case reopens)
button sm:12:… once answered              "dat had je al laten weten"               unchanged
button sm:… not theirs / unknown          "die knop werkt niet meer"                unchanged

Crisis words in an answer get the safety answer first (flows.conversation); the question
stays open. The scheduler side is pure too: `decide` says whether a closed case's question
goes out now, later, or never. It is asked once and never again: `Case.six_month_asked_at`
is set when it is sent and also when it is skipped (no check-in consent, /stop, a newer
case, too late), so a case is never reconsidered and no answer stays "onbekend".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from flows.checkins import EVERY_DAYS, in_day_part
from flows.model import N_, Button, Reply, Send, SixMonthAnswer, Transition, msg, say
from flows.pacing import Pacing, earliest, held_because
from flows.state import State
from flows.understand import first_key, fold
from flows.views import SixMonthView

AFTER = timedelta(days=182)  # six months after closing
LATE = timedelta(days=30)  # not sent by then (a long pause, the service was down): never

# --- the scheduler's decision -----------------------------------------------------------------

Action = Literal["send", "wait", "skip"]


@dataclass(frozen=True)
class Decision:
    action: Action
    at: datetime | None = None  # wait: not before this moment
    reason: str = ""  # skip: no_consent | stopped | newer_case | late; wait: why


def decide(
    now: datetime,
    closed_at: datetime,
    rhythm: str,
    pacing: Pacing,
    tz: ZoneInfo,
    dayparts: Iterable[str] = (),
    *,
    newer_case: bool = False,
    erased: bool = False,
) -> Decision:
    """Ask now, wait, or skip for good. Only with check-in consent (a rhythm other than "none").

    The moment is the first one in the youth's day parts from six months after closing,
    after a pause and out of quiet hours, exactly as a check-in would go.
    """
    due = closed_at + AFTER
    if now < due:
        return Decision("wait", at=due, reason="not_yet")
    if newer_case:
        return Decision("skip", reason="newer_case")
    if erased or pacing.stopped or pacing.unreachable:
        return Decision("skip", reason="stopped")
    if rhythm not in EVERY_DAYS:
        return Decision("skip", reason="no_consent")
    if now > due + LATE:
        return Decision("skip", reason="late")
    start = earliest(due, pacing, tz)
    assert start is not None  # not stopped, not unreachable
    slot = in_day_part(start, dayparts, pacing.quiet, tz)
    if now < slot:
        return Decision("wait", at=slot, reason=held_because(now, pacing, tz) or "day_part")
    held = held_because(now, pacing, tz)
    if held is not None:  # e.g. the first tick after a night the service was down
        return Decision("wait", at=earliest(now, pacing, tz), reason=held)
    return Decision("send")


# --- the question and its buttons: sm:<case id>:<result> ---------------------------------------

RESULTS: tuple[tuple[str, str], ...] = (
    ("work", N_("Ik werk")),
    ("training", N_("Ik volg een opleiding")),
    ("looking", N_("Ik zoek nog")),
    ("other", N_("Iets anders")),
    ("unknown", N_("Liever niet zeggen")),
)
BUTTONS = "sm:"


def button_data(case_id: int, result: str) -> str:
    return f"{BUTTONS}{case_id}:{result}"


def case_of(data: str) -> int:
    """The case an sm: button or a pending question names (0: none)."""
    parts = data.split(":")
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0


def pending(case_id: int) -> str:
    """What state.asking holds while the question waits for a typed answer."""
    return f"sixmonth:{case_id}"


def buttons(case_id: int) -> tuple[tuple[Button, ...], ...]:
    return tuple((Button(msg(label), button_data(case_id, key)),) for key, label in RESULTS)


def question(case_id: int, name: str, partnership: str) -> Reply:
    """The one question, kind and without pressure."""
    hello = msg(N_("Hoi {name}!"), name=name) if name else msg(N_("Hoi!"))
    return Reply(
        (
            hello,
            msg(
                N_("De hulp van {partnership} stopte een half jaar geleden."),
                partnership=partnership,
            ),
            msg(N_("We zijn benieuwd hoe het nu met je gaat.")),
            msg(N_("Wat doe je nu?")),
            msg(N_("Tik wat past. Antwoorden hoeft niet.")),
        ),
        buttons(case_id),
    )


# --- typed answers -------------------------------------------------------------------------------

# In the table's order: "ik zoek werk" and "geen werk" are looking, not work.
TYPED: dict[str, tuple[str, ...]] = {
    "unknown": (
        "liever niet zeggen", "liever niet", "zeg ik liever niet", "gaat je niks aan",
        "prefer not to say", "rather not say", "rather not",
    ),
    "looking": (
        "ik zoek nog", "zoek nog", "nog zoeken", "zoeken", "ik zoek", "zoek werk", "zoek een job",
        "werkzoekend", "werkloos", "geen werk", "nog geen werk", "werk niet", "geen job",
        "solliciteren", "ik solliciteer", "niks", "niets", "nog niks", "nog niets",
        "looking", "still looking", "job hunting", "unemployed", "no job",
    ),
    "training": (
        "ik volg een opleiding", "opleiding", "school", "naar school", "studeren", "ik studeer",
        "studie", "student", "cursus", "vorming", "hogeschool", "unief", "universiteit", "stage",
        "leren", "training", "study", "studying",
    ),
    "work": (
        "ik werk", "werk", "werken", "aan het werk", "ik heb werk", "job", "een job", "baan",
        "interim", "zelfstandige", "eigen zaak", "working", "i work", "work", "i have a job",
    ),
    "other": ("iets anders", "anders", "something else", "other"),
}  # fmt: skip
MAX_WORDS = 12  # a longer message is something for the team, not a one-word answer


def result_in(text: str) -> str | None:
    """What a typed answer says: "ik werk nu" → work, "school" → training, "niks" → looking."""
    if len(fold(text).split()) > MAX_WORDS:
        return None
    return first_key(text, TYPED)


# --- the youth's side --------------------------------------------------------------------------


def thanks() -> Send:
    return say(
        msg(N_("Dank je om het te laten weten!")),
        msg(N_("Wil je ooit weer hulp of iets vragen? Stuur gerust een bericht. We lezen mee.")),
    )


def on_button(state: State, data: str, asked: SixMonthView | None) -> Transition:
    """A tap on one of the question's buttons (also on an old message)."""
    result = data.rsplit(":", 1)[-1]
    if asked is None or result not in dict(RESULTS):
        return Transition(state, (say(msg(N_("Die knop werkt niet meer."))),))
    if asked.answered:
        return Transition(state, (say(msg(N_("Dat had je al laten weten. Dank je!"))),))
    return Transition(replace(state, asking=""), (SixMonthAnswer(asked.case_id, result), thanks()))


def on_text(state: State, asking: str, text: str, asked: SixMonthView | None) -> Transition | None:
    """A text while the question waits: an answer, one hint, or (None) a message for the team."""
    if asked is None or asked.answered:
        return None
    result = result_in(text)
    if result is not None:
        answered = replace(state, asking="")
        return Transition(answered, (SixMonthAnswer(asked.case_id, result), thanks()))
    if asking.endswith(":hint"):
        return None  # one hint, not a loop: this one reaches the team
    hint = say(
        msg(N_("Sorry, dat snap ik niet helemaal. Tik wat het best past, of typ bijvoorbeeld: werk, school of zoeken.")),
        msg(N_("Wil je iets vragen aan het team? Stuur het dan gewoon.")),
        buttons=buttons(asked.case_id),
    )  # fmt: skip
    hinted = replace(state, asking=f"{pending(asked.case_id)}:hint")
    return Transition(hinted, (SixMonthAnswer(asked.case_id, None), hint))
