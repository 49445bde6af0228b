"""Appointments in the inbox pages, on both databases: the Afspraken card on the case page
(plan, move, cancel, geweest / niet gekomen, the follow-up), the youth's answers on the card
and the timeline, the day view, and the bad input the issue names (a time that does not
exist or exists twice, the past, no duration, a place of thousands of characters)."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from storage import appointments as stored
from storage.db import Database
from storage.models import Appointment, Case
from storage.workers import WorkerView
from tests.support.clock import Clock
from tests.support.pages import Site, count_messages, field, open_pages

NOW = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)  # Friday 1 May 2026, 10u in Brussels
PLAN = {
    "date": "2026-05-04",
    "time": "14:00",
    "minutes": "60",
    "kind": "vdab",
    "place": "VDAB Maasmechelen, Rijksweg 1",
    "note": "Breng je identiteitskaart mee.",
}


@dataclass
class Agenda(Site):
    clock: Clock

    async def plan(self, **changes: str) -> tuple[int, str]:
        return await self.post(f"/inbox/cases/{self.noor}/appointments", {**PLAN, **changes})

    async def only_appointment(self) -> Appointment:
        async with self.db.transaction() as session:
            rows = list((await session.execute(select(Appointment))).scalars())
        assert len(rows) == 1
        return rows[0]


@pytest.fixture
async def site(db: Database) -> AsyncIterator[Agenda]:
    clock = Clock(NOW)
    async with open_pages(db, clock=clock) as made:
        site = Agenda(**{f.name: getattr(made, f.name) for f in fields(made)}, clock=clock)
        await site.login(site.sara)
        yield site


async def appointment_count(db: Database) -> int:
    async with db.transaction() as session:
        stmt = select(func.count()).select_from(Appointment)
        return int((await session.execute(stmt)).scalar_one())


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"</?bdi>", "", page))  # <bdi> isolates a youth's name


# --- the happy path --------------------------------------------------------------------------


async def test_the_case_page_offers_the_card_and_the_form(site: Agenda) -> None:
    status, page = await site.page(f"/inbox/cases/{site.noor}")
    assert status == 200
    assert "Afspraken" in page and "Nog geen afspraken." in page
    assert f'action="/inbox/cases/{site.noor}/appointments"' in page
    assert 'type="date" name="date"' in page and 'type="time" name="time"' in page
    assert 'name="minutes"' in page and 'value="60"' in page
    assert 'maxlength="300" list="appt-places"' in page and 'maxlength="1000"' in page
    assert "Team WAM! Maasland, Op afspraak" in text_of(page)  # the partnership's location
    assert "Afspraak bij VDAB" in page and "Huisbezoek" in page
    assert f'<option value="{site.sara.id}" selected>Sara (ik)</option>' in page
    assert f'<option value="{site.jan.id}">Jan</option>' in page
    assert "Tom" not in page
    assert '<a href="/inbox/agenda"' in page  # in the menu


async def test_plan_move_and_cancel(site: Agenda) -> None:
    status, page = await site.plan()
    assert status == 200
    shown = text_of(page)
    assert "De afspraak is gepland. Noor krijgt ze meteen." in shown
    assert "maandag 4 mei om 14u" in shown and "(60 min)" in shown
    assert "Afspraak bij VDAB · VDAB Maasmechelen, Rijksweg 1 · met Sara" in shown
    assert "Notitie voor Noor: Breng je identiteitskaart mee." in shown
    assert 'class="badge appt-proposed">voorgesteld<' in page
    assert "Afspraak gepland (Sara)" in shown
    assert "Geweest" not in shown  # not before the start
    assert await count_messages(site.db, "Sara plant een afspraak met je.") == 1
    appointment = await site.only_appointment()
    assert appointment.starts_at == datetime(2026, 5, 4, 12, 0, tzinfo=UTC)

    status, page = await site.post(
        f"/inbox/appointments/{appointment.id}/move", {"date": "2026-05-05", "time": "09:30"}
    )
    shown = text_of(page)
    assert status == 200 and "De afspraak is verzet. Noor krijgt het nieuwe moment." in shown
    assert "dinsdag 5 mei om 9u30" in shown and "Afspraak verzet (Sara)" in shown
    assert await count_messages(site.db, "Je afspraak met Sara is verzet.") == 1

    status, page = await site.post(f"/inbox/appointments/{appointment.id}/cancel", {})
    shown = text_of(page)
    assert status == 200 and "De afspraak is geannuleerd. Noor krijgt een bericht." in shown
    assert 'class="badge appt-cancelled">geannuleerd<' in page
    assert "Afspraak geannuleerd (Sara)" in shown
    assert f"/inbox/appointments/{appointment.id}/cancel" not in page  # no second cancel
    assert await count_messages(site.db, "gaat niet door") == 1

    status, page = await site.post(f"/inbox/appointments/{appointment.id}/cancel", {})
    assert status == 200 and "Deze afspraak kan niet meer geannuleerd worden." in page


async def test_plan_with_a_colleague(site: Agenda) -> None:
    status, page = await site.plan(**{"with": str(site.jan.id), "kind": "gesprek"})
    assert status == 200 and "Gesprek · VDAB Maasmechelen, Rijksweg 1 · met Jan" in text_of(page)
    assert await count_messages(site.db, "Jan plant een afspraak met je.") == 1


async def test_geweest_niet_gekomen_and_the_follow_up(site: Agenda) -> None:
    await site.plan()
    appointment = await site.only_appointment()
    mark = f"/inbox/appointments/{appointment.id}/mark"
    status, page = await site.post(mark, {"state": "done"})
    assert status == 200 and "Die afspraak moet nog beginnen." in page

    site.clock.now = appointment.starts_at + timedelta(minutes=20)
    status, page = await site.page(f"/inbox/cases/{site.noor}")
    assert ">Geweest<" in page and ">Niet gekomen<" in page
    assert "Stuur opvolgbericht" not in page

    status, page = await site.post(mark, {"state": "no_show"})
    shown = text_of(page)
    assert status == 200 and "Bewaard: niet gekomen." in shown
    assert 'class="badge appt-no_show">niet gekomen<' in page
    assert "Afspraak: niet gekomen (Sara)" in shown
    assert "Stuur opvolgbericht" in page and ">Geweest<" in page  # a mistake can be corrected

    status, page = await site.post(f"/inbox/appointments/{appointment.id}/follow-up", {})
    shown = text_of(page)
    assert status == 200 and "Je opvolgbericht is onderweg." in shown
    assert "Opvolgbericht gestuurd na de gemiste afspraak (Sara)" in shown
    follow_up = "Jammer dat het vandaag niet lukte. Zullen we een nieuw moment zoeken?"
    assert await count_messages(site.db, follow_up) == 1

    status, page = await site.post(mark, {"state": "done"})
    assert status == 200 and "Bewaard: geweest." in page
    status, page = await site.post(f"/inbox/appointments/{appointment.id}/follow-up", {})
    assert "Een opvolgbericht kan alleen na" in text_of(page)
    assert await count_messages(site.db, follow_up) == 1
    status, page = await site.post(mark, {"state": "cancelled"})
    assert "Kies geweest of niet gekomen." in page


async def test_the_youths_answers_show_on_the_card_and_the_timeline(site: Agenda) -> None:
    await site.plan()
    appointment = await site.only_appointment()
    async with site.db.transaction() as session:
        case = await session.get(Case, site.noor)
        assert case is not None
        youth_id, now = case.youth_id, NOW + timedelta(minutes=5)
        await stored.youth_answered(session, youth_id, appointment.id, "confirmed", (), "", now)
        await stored.youth_answered(
            session, youth_id, appointment.id, "wants_change", ("morning", "evening"),
            "Ik moet werken <b>", now,
        )  # fmt: skip
        await stored.youth_answered(session, youth_id, appointment.id, "late", (), "", now)

    status, page = await site.page(f"/inbox/cases/{site.noor}")
    shown = text_of(page)
    assert 'class="badge appt-wants_change">wil verzetten<' in page
    assert 'class="badge late">is te laat<' in page
    assert "Noor wil de afspraak verzetten." in shown
    assert "Past beter: Voormiddag (9u–12u), Avond (17u–20u)" in shown
    assert "Waarom: <bdi>Ik moet werken &lt;b&gt;</bdi>" in page  # escaped, and isolated
    for line in (
        "Noor bevestigde de afspraak",
        "Noor wil de afspraak verzetten",
        "Noor is te laat",
    ):
        assert line in shown

    # What the live refresh fetches: the list alone, and new timeline lines with the name.
    status, fragment = await site.page(f"/inbox/cases/{site.noor}/appointments")
    assert status == 200 and "<html" not in fragment
    assert f'data-key="appt-{appointment.id}"' in fragment and "wil verzetten" in fragment
    after = (NOW + timedelta(minutes=1)).isoformat()
    status, lines = await site.page(f"/inbox/cases/{site.noor}/timeline?after={after}")
    assert status == 200 and "Noor is te laat" in text_of(lines)


# --- bad input: the form comes back with the message and what was typed ----------------------

BAD = [
    ({"date": "2027-03-28", "time": "02:30"}, "Die tijd bestaat niet op die dag"),
    ({"date": "2026-10-25", "time": "02:30"}, "Die tijd bestaat twee keer op die dag"),
    ({"date": "2026-04-30", "time": "14:00"}, "Die afspraak ligt in het verleden."),
    ({"date": "2026-05-01", "time": "09:59"}, "Die afspraak ligt in het verleden."),
    ({"minutes": "0"}, "Een afspraak duurt minstens 1 minuut."),
    ({"minutes": "-5"}, "Een afspraak duurt minstens 1 minuut."),
    ({"minutes": "721"}, "Een afspraak duurt hooguit 12 uur."),
    ({"minutes": "een uur"}, "De duur moet een getal (in minuten) zijn."),
    ({"place": "Genk " * 1000}, "De plaats is te lang. Gebruik hooguit 300 tekens."),
    ({"place": "   "}, "Vul in waar de afspraak doorgaat."),
    ({"note": "x" * 1001}, "De notitie is te lang. Gebruik hooguit 1000 tekens."),
    ({"date": "2026-02-30"}, "Kies een geldige datum."),
    ({"date": ""}, "Kies een geldige datum."),
    ({"time": "25:00"}, "Kies een geldig uur."),
    ({"kind": "feestje"}, "Kies wat voor afspraak het is."),
    ({"with": "999999"}, "Kies een collega uit je eigen partnerschap."),
]


@pytest.mark.parametrize(("changes", "message"), BAD, ids=[m for _, m in BAD])
async def test_bad_input_shows_the_form_again(
    site: Agenda, changes: dict[str, str], message: str
) -> None:
    status, page = await site.plan(**changes)
    assert status == 422
    assert message in text_of(page)
    assert '<details class="new-appt" open>' in page
    typed = {**PLAN, **changes}
    assert html.escape(typed["note"]) in page
    if len(typed["place"]) <= 300:
        assert f'value="{html.escape(typed["place"])}"' in page
    assert await appointment_count(site.db) == 0
    assert await count_messages(site.db, "plant een afspraak") == 0


async def test_a_colleague_of_another_partnership_is_refused(site: Agenda) -> None:
    status, page = await site.plan(**{"with": str(site.tom.id)})
    assert status == 422 and "Kies een collega uit je eigen partnerschap." in text_of(page)
    assert "Tom" not in page and await appointment_count(site.db) == 0


async def test_moving_to_a_time_that_does_not_exist_keeps_the_form_open(site: Agenda) -> None:
    await site.plan()
    appointment = await site.only_appointment()
    status, page = await site.post(
        f"/inbox/appointments/{appointment.id}/move", {"date": "2027-03-28", "time": "02:30"}
    )
    assert status == 422 and "Die tijd bestaat niet op die dag" in page
    assert '<details class="appt-move" open>' in page
    assert 'value="2027-03-28"' in page and 'value="02:30"' in page
    moved = await site.only_appointment()
    assert moved.starts_at == appointment.starts_at and moved.version == 1


async def test_a_closed_case_gets_no_new_appointment(site: Agenda) -> None:
    await site.inbox.claim(site.sara, site.noor)
    await site.inbox.set_status(site.sara, site.noor, "closed", "work")
    status, page = await site.page(f"/inbox/cases/{site.noor}")
    assert "Nieuwe afspraak" not in page
    status, page = await site.plan()
    assert status == 200 and "Deze aanmelding is afgesloten." in page
    assert await appointment_count(site.db) == 0


async def test_another_partnerships_case_or_appointment_is_not_found(site: Agenda) -> None:
    status, _ = await site.post(f"/inbox/cases/{site.elsewhere}/appointments", PLAN)
    assert status == 404
    for action in ("move", "cancel", "mark", "follow-up"):
        status, page = await site.post(
            f"/inbox/appointments/{2**40}/{action}", {"date": "2026-05-05", "time": "10:00"}
        )
        assert status == 404 and "Deze afspraak bestaat niet" in page
    status, _ = await site.page(f"/inbox/cases/{site.elsewhere}/appointments")
    assert status == 404
    assert await appointment_count(site.db) == 0


async def test_a_form_without_csrf_is_refused(site: Agenda) -> None:
    status, _ = await site.post(f"/inbox/cases/{site.noor}/appointments", PLAN, csrf=False)
    assert status == 403 and await appointment_count(site.db) == 0


# --- the day view ----------------------------------------------------------------------------


async def plan_for(site: Agenda, worker: WorkerView, day: str, at: str, place: str) -> None:
    await site.plan(date=day, time=at, place=place, **{"with": str(worker.id)})


async def test_the_day_view_lists_my_appointments(site: Agenda) -> None:
    await plan_for(site, site.sara, "2026-05-01", "15:00", "Vandaag bij Sara")
    await plan_for(site, site.sara, "2026-05-04", "14:00", "Maandag bij Sara")
    await plan_for(site, site.sara, "2026-05-04", "09:00", "Vroeg bij Sara")
    await plan_for(site, site.jan, "2026-05-04", "11:00", "Maandag bij Jan")

    status, page = await site.page("/inbox/agenda")
    shown = text_of(page)
    assert status == 200 and 'aria-current="page">Agenda<' in page
    assert "vrijdag 1 mei" in shown and "vandaag" in shown
    assert "Vandaag bij Sara" in shown and "Maandag" not in shown
    assert 'href="/inbox/agenda?day=2026-04-30"' in page
    assert 'href="/inbox/agenda?day=2026-05-02"' in page

    status, page = await site.page("/inbox/agenda?day=2026-05-04")
    shown = text_of(page)
    assert status == 200 and "maandag 4 mei" in shown
    assert shown.index("Vroeg bij Sara") < shown.index("Maandag bij Sara")
    assert "9u</strong>" in page and "14u</strong>" in page and "Noor" in page
    assert "Maandag bij Jan" not in shown and "Vandaag bij Sara" not in shown
    assert 'class="badge appt-proposed">voorgesteld<' in page
    assert f'href="/inbox/cases/{site.noor}#appt-' in page

    status, page = await site.page("/inbox/agenda?day=2026-05-05")
    assert status == 200 and "Geen afspraken op deze dag." in page

    site.client.session.cookie_jar.clear()
    await site.login(site.jan)
    status, page = await site.page("/inbox/agenda?day=2026-05-04")
    assert "Maandag bij Jan" in text_of(page) and "Maandag bij Sara" not in text_of(page)


@pytest.mark.parametrize("day", ["morgen", "2026-13-01", "2026-5-4", "9999999-01-01"])
async def test_the_day_view_refuses_a_day_that_is_not_one(site: Agenda, day: str) -> None:
    status, page = await site.page(f"/inbox/agenda?day={day}")
    assert status == 422 and "Kies een geldige datum." in page


async def test_the_day_view_spans_the_local_day_across_the_clock_change(site: Agenda) -> None:
    """On 25 October 2026 the local day is 25 hours long: 00u30 and 23u30 both belong to it."""
    await plan_for(site, site.sara, "2026-10-25", "00:30", "Net na middernacht")
    await plan_for(site, site.sara, "2026-10-25", "23:30", "Laat op de avond")
    await plan_for(site, site.sara, "2026-10-26", "00:15", "De dag erna")
    status, page = await site.page("/inbox/agenda?day=2026-10-25")
    shown = text_of(page)
    assert status == 200
    assert "Net na middernacht" in shown and "Laat op de avond" in shown
    assert "De dag erna" not in shown
    assert field(page, "csrf")  # the menu's logout form still carries the token
