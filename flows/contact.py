"""A partnership's own contact details as message parts: phone, e-mail, address, hours.

For a youth who wants to get in touch themselves (e.g. after saying no to consent): only
facts from the partnerships file, never a promise that someone will call.
"""

from __future__ import annotations

from datetime import time

from flows.context import Context
from flows.directory import Partnership
from flows.model import N_, Labels, Msg, msg, raw

WEEKDAYS = (
    N_("maandag"), N_("dinsdag"), N_("woensdag"), N_("donderdag"),
    N_("vrijdag"), N_("zaterdag"), N_("zondag"),
)  # fmt: skip


def clock(moment: time) -> str:
    """14u or 14u30, as Flemish youths write it."""
    return f"{moment.hour}u{moment.minute:02d}" if moment.minute else f"{moment.hour}u"


def hours_parts(partnership: Partnership) -> tuple[Msg, ...]:
    """One line per run of days with the same hours: "maandag tot donderdag: 9u tot 17u"."""
    runs: list[tuple[int, int, tuple[time, time]]] = []
    for day in sorted(partnership.working_hours):
        hours = partnership.working_hours[day]
        if runs and runs[-1][1] == day - 1 and runs[-1][2] == hours:
            runs[-1] = (runs[-1][0], day, hours)
        else:
            runs.append((day, day, hours))
    parts: list[Msg] = []
    for first, last, (start, end) in runs:
        days = Labels((WEEKDAYS[first],))
        if last != first:
            parts.append(
                msg(N_("🕘 {first} tot {last}: van {start} tot {end}"),
                    first=days, last=Labels((WEEKDAYS[last],)), start=clock(start), end=clock(end))
            )  # fmt: skip
        else:
            parts.append(
                msg(N_("🕘 {day}: van {start} tot {end}"),
                    day=days, start=clock(start), end=clock(end))
            )  # fmt: skip
    return tuple(parts)


def self_contact_parts(partnership: Partnership, ctx: Context) -> tuple[Msg, ...]:
    """How to reach the partnership yourself; VDAB's free line when it lists no phone or e-mail."""
    parts: list[Msg] = [
        msg(N_("Wil je toch met {partnership} praten? Neem dan zelf contact op:"),
            partnership=partnership.short_name),
    ]  # fmt: skip
    if partnership.phone:
        parts.append(msg(N_("📞 Bel {phone}"), phone=partnership.phone))
    if partnership.email:
        parts.append(msg(N_("✉️ Mail naar {email}"), email=partnership.email))
    parts.extend(raw(f"📍 {place.name}: {place.address}") for place in partnership.locations)
    parts.extend(hours_parts(partnership))
    fallback = ctx.directory.fallback
    if not (partnership.phone or partnership.email) and fallback is not partnership:
        parts.append(msg(N_("Je kunt ook altijd hier terecht:")))
        parts.append(raw(fallback.contact.get(ctx.lang) or fallback.contact["nl"]))
    return tuple(parts)


def contact_parts(partnership: Partnership, ctx: Context) -> tuple[Msg, ...]:
    """The partnership's contact text in the youth's language (Dutch when it has none)."""
    return (raw(partnership.contact.get(ctx.lang) or partnership.contact["nl"]),)
