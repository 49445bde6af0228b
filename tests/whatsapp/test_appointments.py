"""Appointments over WhatsApp: Sara plans one in the inbox, the youth confirms or asks to move
it with one tap, and Sara sees the answer; a reminder after days of silence is a template whose
buttons answer it."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from inbox.appointments import Appointments
from storage import casework
from storage.db import Database
from storage.models import Appointment, Reminder
from tests.support.service import make_settings, serving, settled
from tests.support.whatsapp import (
    WaYouth,
    complete_intake,
    sara_takes_the_case,
    time_passes,
    with_whatsapp,
)
from tests.waapi.server import WhatsAppApiServer

BRUSSELS = ZoneInfo("Europe/Brussels")
LOTTE = "32470123456"


async def appointment_state(db: Database, ident: int) -> tuple[str, dict[str, object]]:
    async with db.transaction() as session:
        found = await session.get(Appointment, ident)
        assert found is not None
        return found.state, dict(found.wish)


async def test_the_youth_confirms_one_appointment_and_asks_to_move_another(
    db_url: str, wa_api: WhatsAppApiServer, tmp_path: Path
) -> None:
    async with serving(with_whatsapp(make_settings(db_url, tmp_path), wa_api)) as service:
        lotte = WaYouth(wa_api, LOTTE)
        await complete_intake(lotte)
        sara, case_id = await sara_takes_the_case(service)
        plans = Appointments(service.inbox)
        next_week = (datetime.now(BRUSSELS) + timedelta(days=7)).date()

        before = lotte.seen()
        first = await plans.create(
            sara, case_id, day=next_week, at=time(14), minutes=60,
            place="Trajectgezellen WAM!", kind="gesprek", note="Breng je identiteitskaart mee.",
        )  # fmt: skip
        shown = await lotte.until(before, "Past dat voor jou?")
        assert "Sara" in shown and "om 14u" in shown and "Breng je identiteitskaart mee." in shown
        assert "Oké, ik kom\nDat past niet" in shown  # two reply buttons under the message
        await wa_api.wait_for_sent(LOTTE, predicate=lambda m: m.type == "document")
        (calendar,) = [m for m in wa_api.sent_to(LOTTE)[before:] if m.type == "document"]
        assert calendar.filename is not None and calendar.filename.endswith(".ics")
        assert calendar.text == "📅 Zet de afspraak in je agenda."
        assert calendar.media_id is not None
        assert wa_api.media[calendar.media_id].data.startswith(b"BEGIN:VCALENDAR")

        await lotte.taps("Oké, ik kom", "tot dan")
        assert (await appointment_state(service.db, first))[0] == "confirmed"
        timeline = await service.inbox.timeline_after(sara, case_id, None)
        assert any(i.text == "▸ Oké, ik kom" for i in timeline)  # Sara sees the tap

        before = lotte.seen()
        second = await plans.create(
            sara, case_id, day=next_week, at=time(10, 30), minutes=30, place="VDAB Maasmechelen",
            kind="vdab",
        )  # fmt: skip
        await lotte.until(before, "om 10u30")
        await lotte.taps("Dat past niet", "Wanneer past het je beter?")
        await lotte.taps("Namiddag (12u–17u)", "Wil je zeggen waarom?")
        await lotte.says("Ik moet 's ochtends naar de dokter.", "zoekt een nieuw moment")
        await settled(service)
        state, wish = await appointment_state(service.db, second)
        assert state == "wants_change"
        assert wish == {"dayparts": ["afternoon"], "reason": "Ik moet 's ochtends naar de dokter."}
        async with service.db.transaction() as session:
            case = await casework.case_in(session, "wam", case_id)
            assert case is not None and case.unread >= 1  # the worker sees the wish
        # Each appointment came once, with its calendar file once.
        assert sum("Past dat voor jou?" in (m.text or "") for m in wa_api.sent_to(LOTTE)) == 2
        assert sum(m.type == "document" for m in wa_api.sent_to(LOTTE)) == 2


async def test_a_reminder_after_days_of_silence_comes_as_the_template_and_its_tap_confirms(
    db_url: str, wa_api: WhatsAppApiServer, tmp_path: Path
) -> None:
    async with serving(with_whatsapp(make_settings(db_url, tmp_path), wa_api)) as service:
        lotte = WaYouth(wa_api, LOTTE)
        await complete_intake(lotte)
        sara, case_id = await sara_takes_the_case(service)
        plans = Appointments(service.inbox)
        day = (datetime.now(BRUSSELS) + timedelta(days=4)).date()
        ident = await plans.create(
            sara, case_id, day=day, at=time(14), minutes=60, place="VDAB Maasmechelen",
            kind="vdab",
        )  # fmt: skip
        await lotte.until(0, "Past dat voor jou?")  # Lotte reads it and says nothing
        await settled(service)

        # The day before at 14u01 the day-before reminder is due; Lotte last wrote days ago.
        due = datetime.combine(day - timedelta(days=1), time(14, 1), tzinfo=BRUSSELS)
        time_passes(service, wa_api, due.astimezone(UTC) - service.engine.runtime.clock())
        assert not wa_api.window_open(LOTTE)
        before = lotte.seen()
        await service.reminders.tick()
        await wa_api.wait_for_sent(LOTTE, before + 1)
        await settled(service)

        (reminder,) = wa_api.sent_to(LOTTE)[before:]  # the template alone, no free text
        when = service.runtime.translator.param(
            datetime.combine(day, time(14), tzinfo=BRUSSELS), "nl"
        )
        assert when.endswith(" om 14u")
        assert (reminder.template_name, reminder.template_params) == ("instap_herinnering", ["Sara", when])  # fmt: skip
        assert reminder.text == (
            f"Hoi! Even een herinnering van Instap: je afspraak met Sara is {when}. Kom je?"
        )
        assert reminder.button_titles == ["Oké, ik kom", "Dat past niet"]

        await lotte.taps("Oké, ik kom", "tot dan")
        await settled(service)
        assert (await appointment_state(service.db, ident))[0] == "confirmed"
        timeline = await service.inbox.timeline_after(sara, case_id, None)
        assert any(i.text == "▸ Oké, ik kom" for i in timeline)  # Sara sees the answer

        # Nothing went out twice: one reminder, one appointment message, one calendar file.
        assert await service.reminders.tick() == 0
        await settled(service)
        sent = wa_api.sent_to(LOTTE)
        assert sum(m.type == "template" for m in sent) == 1
        assert sum("Past dat voor jou?" in (m.text or "") for m in sent) == 1
        assert sum(m.type == "document" for m in sent) == 1
        assert not any("herinnering" in (m.text or "") for m in sent if m.type != "template")
        async with service.db.transaction() as session:
            reminders = (await session.execute(select(Reminder.status))).scalars()
            assert sorted(reminders) == ["pending", "sent"]  # the 2-hour one is still to come
