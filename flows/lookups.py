"""What the engine looks up before the flows handle an event: `needs(event, state)`.

    event / state                          the engine loads (into flows.context.Context)
    ─────────────────────────────────────  ─────────────────────────────────────────────
    state.step == "done"                   who answers now (handler, back_at, answer_by)
    appt… button                           the appointment it names      → appointment
    any other button                       no appointment
    anything else while appt_change        that appointment              → appointment
    "oké ik kom", "past niet" typed        the one waiting for an answer → appointment
    ci:… button                            the check-in it names         → checkin
    a text after the intake                the open check-in             → checkin
    /afspraken                             the upcoming appointments     → upcoming
    /toestemming (/consent)                the newest consent per kind   → consents
    sm:… button, or a text while asked     the six-month question        → six_month
    ofr:… button                           that session (of the partnership) → offer
    /aanbod (registered)                   the partnership's next sessions → offers
                                           (open ones whose "voor wie" fits the answers)

Button data is read by the flow that made it (flows.appointments, flows.checkins). A
worker's /koppel CODE is no youth's event at all (`worker_link`): no youth is looked up.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flows import appointments, checkins, offers, sixmonths, words
from flows.conversation import COMMAND_ALIASES
from flows.model import ButtonIn, CommandIn, Event, TextIn
from flows.state import State
from flows.views import Profile


@dataclass(frozen=True)
class Needs:
    """The context one event needs; everything not asked for stays empty."""

    handler: bool = False  # who answers the youth now, or by when (after the intake)
    appointment: int = 0  # the appointment with this id (0: none) …
    awaited_appointment: bool = False  # … or else the one that waits for the youth's answer
    checkin: int = 0  # the check-in with this id (0: none) …
    open_checkin: bool = False  # … or else the open one a typed score answers
    upcoming: bool = False  # the youth's next appointments
    consents: bool = False  # the newest answer per kind of consent
    six_month: int = 0  # the case whose six-month question a button or typed text answers
    offer: int = 0  # the offer session an ofr: button names …
    offers: bool = False  # … or the next sessions, for /aanbod
    partnership: str = ""  # … of this partnership (the youth's)
    # … whose "voor wie" fits these intake answers (/aanbod)
    profile: Profile = field(default_factory=Profile)


def needs(event: Event, state: State) -> Needs:
    """Say what the engine must look up before `conversation.step(state, event, ctx)`."""
    event = words.typed_command(event, state)  # "mijn afspraken" needs what /afspraken needs
    command = COMMAND_ALIASES.get(event.name, event.name) if isinstance(event, CommandIn) else ""
    appointment = state.appt_change
    if isinstance(event, ButtonIn):
        press = appointments.read_press(event.data)
        appointment = press.appointment_id if press is not None else 0
    text = event.text if isinstance(event, TextIn) else None
    listing = command == "aanbod" and state.step == "done"
    return Needs(
        handler=state.step == "done",
        appointment=appointment,
        awaited_appointment=not appointment and appointments.is_typed_answer(text or ""),
        checkin=checkins.checkin_of(event.data) if isinstance(event, ButtonIn) else 0,
        open_checkin=text is not None and state.step == "done",
        upcoming=command == "afspraken",
        consents=command == "toestemming",
        six_month=six_month_of(event, state),
        offer=offers.session_of(event.data) if isinstance(event, ButtonIn) else 0,
        offers=listing,
        partnership=state.answers.partnership_id,
        profile=profile_of(state) if listing else Profile(),
    )


def profile_of(state: State) -> Profile:
    a = state.answers
    return Profile(a.age, a.municipality, a.needs)


def six_month_of(event: Event, state: State) -> int:
    """The case of an sm: button, or of the question waiting for a typed answer."""
    if isinstance(event, ButtonIn):
        return sixmonths.case_of(event.data) if event.data.startswith(sixmonths.BUTTONS) else 0
    if isinstance(event, TextIn) and state.asking.startswith("sixmonth:"):
        return sixmonths.case_of(state.asking)
    return 0


def worker_link(event: Event) -> str | None:
    """The code of a worker's /koppel CODE (linking their Telegram for notifications), if it is one."""
    return event.args if isinstance(event, CommandIn) and event.name == "koppel" else None
