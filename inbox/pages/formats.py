"""Times, days and durations as a Dutch-speaking worker reads them."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from babel.dates import format_datetime

from core.i18n import catalog
from flows.intake_questions import NEEDS
from flows.model import N_
from inbox.service import Inbox
from storage.casework import CaseSummary

LANG = "nl"


def gettext(msgid: str) -> str:
    return catalog(LANG).gettext(msgid)


class Formats:
    """Read through the `Inbox` each time: tests move its clock after the pages are made."""

    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox

    def now(self) -> datetime:
        return self.inbox.clock()

    def when(self, moment: datetime) -> str:
        """A short local time: "14u05", "gisteren 9u30", "do 4 mei 14u05"."""
        tz = self.inbox.translator.tz
        local, today = moment.astimezone(tz), self.now().astimezone(tz).date()
        clock = f"{local.hour}u{local.minute:02d}"
        if local.date() == today:
            return clock
        if local.date() == today - timedelta(days=1):
            return gettext(N_("gisteren {time}")).format(time=clock)
        day = format_datetime(local, "EEE d MMM", tzinfo=tz, locale=LANG)
        if local.year != today.year:
            day += f" {local.year}"
        return f"{day} {clock}"

    def long_when(self, moment: datetime) -> str:
        return self.inbox.translator.param(moment, LANG)

    def day(self, moment: datetime | date | str) -> str:
        """A local day: "vrijdag 4 december" (a date, a moment, or an ISO date as in events)."""
        if isinstance(moment, str):
            try:
                return self.day(date.fromisoformat(moment))
            except ValueError:
                return moment
        if isinstance(moment, datetime):
            moment = moment.astimezone(self.inbox.translator.tz).date()
        return self.inbox.translator.param(moment, LANG)

    def local_inputs(self, moment: datetime) -> tuple[str, str]:
        """The date and time fields for a moment: ("2026-05-04", "14:00"), local time."""
        local = moment.astimezone(self.inbox.translator.tz)
        return local.date().isoformat(), f"{local.hour:02d}:{local.minute:02d}"

    def clock(self, moment: datetime) -> str:
        """Only the local hour: "14u", "9u30"."""
        local = moment.astimezone(self.inbox.translator.tz)
        return f"{local.hour}u{local.minute:02d}" if local.minute else f"{local.hour}u"

    def today(self) -> date:
        return self.now().astimezone(self.inbox.translator.tz).date()

    def waited(self, since: datetime) -> str:
        """How long someone waits: "12 min", "3 u 20 min", "2 d 4 u"."""
        minutes = max(int((self.now() - since).total_seconds() // 60), 0)
        days, rest = divmod(minutes, 24 * 60)
        hours, minutes = divmod(rest, 60)
        if days:
            return gettext(N_("{days} d {hours} uur")).format(days=days, hours=hours)
        if hours:
            return gettext(N_("{hours} uur {minutes} min")).format(hours=hours, minutes=minutes)
        return gettext(N_("{minutes} min")).format(minutes=minutes)

    def needs(self, case: CaseSummary) -> str:
        labels = dict(NEEDS)
        return ", ".join(gettext(labels.get(n, n)) for n in case.needs)
