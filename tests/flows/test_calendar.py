"""The .ics file: valid lines, UTC times, escaped text, folded long lines."""

from __future__ import annotations

from datetime import UTC, datetime

from flows.calendar import ics
from flows.views import AppointmentView


def test_an_appointment_as_an_ics_file() -> None:
    view = AppointmentView(
        id=7, starts_at=datetime(2026, 11, 26, 13, 0, tzinfo=UTC), minutes=45,
        place="Marktplein 9, Heusden-Zolder; 2de verdieping", kind="gesprek", worker_name="Sara",
        note="Breng je identiteitskaart mee.\\nTot dan!" + " lang" * 30, state="proposed", version=2,
    )  # fmt: skip
    text = ics(view, "Afspraak met Sara", datetime(2026, 11, 22, 20, 0, tzinfo=UTC))
    lines = text.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR" and lines[-1] == ""
    assert "DTSTART:20261126T130000Z" in lines and "DTEND:20261126T134500Z" in lines
    assert "UID:appointment-7-2@instap" in lines
    assert "LOCATION:Marktplein 9\\, Heusden-Zolder\\; 2de verdieping" in lines
    assert all(len(line.encode()) <= 75 for line in lines)
    unfolded = text.replace("\r\n ", "")
    assert "DESCRIPTION:Breng je identiteitskaart mee.\\\\nTot dan! lang" in unfolded
