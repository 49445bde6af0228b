"""An appointment or a group session as an iCalendar file (RFC 5545) the youth can add to their own agenda."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flows.views import AppointmentView, OfferView


def escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1)."""
    out, current = [], ""
    for char in line:
        if len((current + char).encode()) > 75:
            out.append(current)
            current = " " + char
        else:
            current += char
    out.append(current)
    return "\r\n".join(out)


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def ics(view: AppointmentView, summary: str, now: datetime) -> str:
    """One VEVENT; the UID changes with the version, so a moved appointment replaces nothing."""
    uid = f"appointment-{view.id}-{view.version}@instap"
    return vevent(uid, view.starts_at, view.minutes, summary, view.place, view.note, now)


def session_ics(view: OfferView, now: datetime) -> str:
    """A group session (an invitation's agenda entry): its title, place and address."""
    place = f"{view.place}, {view.address}" if view.address else view.place
    uid = f"offer-session-{view.session_id}@instap"
    return vevent(uid, view.starts_at, view.minutes, view.title, place, "", now)


def vevent(
    uid: str, starts_at: datetime, minutes: int, summary: str, place: str, note: str,
    now: datetime,
) -> str:  # fmt: skip
    end = starts_at + timedelta(minutes=minutes)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Instap//Afspraken//NL",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{stamp(now)}",
        f"DTSTART:{stamp(starts_at)}",
        f"DTEND:{stamp(end)}",
        f"SUMMARY:{escape(summary)}",
        f"LOCATION:{escape(place)}",
    ]
    if note:
        lines.append(f"DESCRIPTION:{escape(note)}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(fold(line) for line in lines) + "\r\n"
