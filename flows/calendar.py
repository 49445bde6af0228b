"""An appointment as an iCalendar file (RFC 5545) the youth can add to their own agenda."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flows.views import AppointmentView


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
    end = view.starts_at + timedelta(minutes=view.minutes)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Instap//Afspraken//NL",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:appointment-{view.id}-{view.version}@instap",
        f"DTSTAMP:{stamp(now)}",
        f"DTSTART:{stamp(view.starts_at)}",
        f"DTEND:{stamp(end)}",
        f"SUMMARY:{escape(summary)}",
        f"LOCATION:{escape(view.place)}",
    ]
    if view.note:
        lines.append(f"DESCRIPTION:{escape(view.note)}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(fold(line) for line in lines) + "\r\n"
