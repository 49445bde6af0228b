"""What a flow step may know about the runtime: the time, the language and the data files."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from flows.directory import Directory
from flows.safety import Lexicon
from flows.views import AppointmentView, CheckinView, ConsentView, OfferView, SixMonthView

Channel = Literal["telegram", "web"]


@dataclass(frozen=True)
class Context:
    now: datetime  # timezone-aware, in the service's time zone (Europe/Brussels)
    lang: str  # the youth's language: "nl" or "en"
    directory: Directory
    lexicon: Lexicon
    channel: Channel = "telegram"
    # After the intake: the first name of the worker who answers this youth now (None while
    # the case waits in the queue) and, outside working hours, when the team is back.
    handler: str | None = None
    back_at: datetime | None = None
    # While the case waits for a coach: the day the youth was promised an answer by (None:
    # count the partnership's first-response working days from today).
    answer_by: date | None = None
    # The appointment a pressed appt… button (or, while state.appt_change is set, a typed
    # text) refers to: the engine looks it up; None when it no longer exists.
    appointment: AppointmentView | None = None
    # For /afspraken: the youth's upcoming appointments; for /herinneringen: the current choice.
    upcoming: tuple[AppointmentView, ...] = ()
    reminders_on: bool = True
    # The check-in a ci: button refers to, or else the open one a typed "3" or "😐" answers.
    checkin: CheckinView | None = None
    rhythm: str | None = None  # how often the youth wants a check-in (None: never asked)
    paused_until: datetime | None = None
    consents: tuple[ConsentView, ...] = ()  # for /toestemming: the newest answer per kind
    # The six-month question an sm: button names, or the pending one a typed answer answers.
    six_month: SixMonthView | None = None
    # Group offers: the session an ofr: button names (None: gone or not of this partnership),
    # and for /aanbod the partnership's next open sessions.
    offer: OfferView | None = None
    offers: tuple[OfferView, ...] = ()
