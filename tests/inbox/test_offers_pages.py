"""Group offers in the inbox, on both databases: Sara makes a weekly atelier (14u every
Friday, across the change to summer time), bad input answered next to its field with the
form kept, who signed up and who waits, attendance saved and shown on the case page, and a
worker of another partnership who sees none of it."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, fields
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from storage import offers
from storage.db import Database
from storage.models import AuditEntry, Case
from storage.offer_models import Booking, Offer, OfferSession
from tests.support.clock import Clock
from tests.support.inbox import add_case
from tests.support.pages import Site, field, open_pages

NOW = datetime(2027, 3, 10, 9, 0, tzinfo=UTC)  # Wednesday 10 March 2027; summer time on 28 March
ATELIER = {
    "title": "Atelier sollicitatie",
    "description": "Samen je cv maken en oefenen voor een gesprek.",
    "kind": "atelier",
    "place": "De Schakel",
    "address": "Rijksweg 1, Maasmechelen",
    "capacity": "2",
    "date": "2027-03-19",
    "time": "14:00",
    "minutes": "120",
    "weekly": "1",
    "weeks": "4",
}


@dataclass
class Offers(Site):
    clock: Clock

    async def create(self, **changes: str) -> tuple[int, str]:
        form = {**ATELIER, "leader": str(self.sara.id), **changes}
        return await self.post("/inbox/offers", {k: v for k, v in form.items() if v is not None})

    async def sessions(self) -> list[OfferSession]:
        async with self.db.transaction() as session:
            stmt = select(OfferSession).order_by(OfferSession.starts_at)
            return list((await session.execute(stmt)).scalars())

    async def youth_of(self, case_id: int) -> int:
        async with self.db.transaction() as session:
            case = await session.get(Case, case_id)
            assert case is not None
            return case.youth_id

    async def book(self, session_id: int, *case_ids: int) -> None:
        for case_id in case_ids:
            youth = await self.youth_of(case_id)
            async with self.db.transaction() as session:
                await offers.book(session, session_id, youth, self.clock())

    async def mark(self, session_id: int, present: list[int], walk_ins: str) -> tuple[int, str]:
        _, start = await self.page("/inbox/offers")
        data = [("csrf", field(start, "csrf")), ("walk_ins", walk_ins)]
        data += [("present", str(await self.youth_of(c))) for c in present]
        path = f"/inbox/offers/sessions/{session_id}/attendance"
        response = await self.client.post(path, data=data)
        return response.status, await response.text()


@pytest.fixture
async def site(db: Database) -> AsyncIterator[Offers]:
    clock = Clock(NOW)
    async with open_pages(db, clock=clock) as made:
        site = Offers(**{f.name: getattr(made, f.name) for f in fields(made)}, clock=clock)
        await site.login(site.sara)
        yield site


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"</?bdi>", "", re.sub(r"\s+", " ", page)))


def visible(page: str) -> str:
    """The words on the page, without the tags, one space between them."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def error_next_to(page: str, name: str) -> str:
    found = re.search(rf'<p class="field-error" id="err-{name}" role="alert">([^<]*)</p>', page)
    return html.unescape(found.group(1)) if found else ""


async def test_a_weekly_atelier_keeps_14u_across_summer_time(site: Offers) -> None:
    status, page = await site.create()
    assert status == 200
    assert "Het aanbod staat erin, met 4 sessie(s)." in text_of(page)
    starts = [s.starts_at for s in await site.sessions()]
    assert [s.astimezone(UTC).hour for s in starts] == [13, 13, 12, 12]  # 14u in Brussels
    assert [s.day for s in starts] == [19, 26, 2, 9]
    shown = text_of(page)
    assert "Atelier sollicitatie" in shown and "leiding: Sara" in shown
    for day in ("vrijdag 19 maart 14u", "vrijdag 26 maart 14u", "vrijdag 2 april 14u"):
        assert day in shown
    assert shown.count("0 van 2 plaatsen") == 3  # the next three sessions
    assert 'aria-current="page">Aanbod<' in page


async def test_the_list_shows_seats_taken_and_the_waiting_list(site: Offers) -> None:
    await site.create()
    first = (await site.sessions())[0].id
    lotte = await add_case(site.db, "Lotte", "wam", chat="3")
    mo = await add_case(site.db, "Mo Bakkali", "wam", chat="4")
    await site.book(first, site.noor, lotte, mo)
    _, page = await site.page("/inbox/offers")
    assert "vrijdag 19 maart 14u · 2 van 2 plaatsen vol · 1 op de wachtlijst" in visible(page)


PAST = "Dat moment is al voorbij. Kies een moment in de toekomst."
DURATION = "Een sessie duurt tussen 1 minuut en 12 uur (720 minuten)."
SEATS = "Het aantal plaatsen ligt tussen 1 en 200."


@pytest.mark.parametrize(
    ("changes", "where", "message"),
    [
        ({"date": "2027-03-09"}, "date", PAST),
        ({"date": "2027-03-10", "time": "09:30"}, "date", PAST),  # today, an hour ago
        ({"minutes": "0"}, "minutes", DURATION),
        ({"minutes": "780"}, "minutes", DURATION),
        ({"capacity": "0"}, "capacity", SEATS),
        ({"capacity": "10000"}, "capacity", SEATS),
        ({"title": "  "}, "title", "Geef het aanbod een titel."),
        ({"weeks": "60"}, "weeks", "Kies tussen 1 en 52 weken."),
    ],
)
async def test_bad_input_is_answered_next_to_the_field_and_nothing_is_lost(
    site: Offers, changes: dict[str, str], where: str, message: str
) -> None:
    status, page = await site.create(**changes)
    assert status == 422
    assert error_next_to(page, where) == message
    assert f'name="{where}"' in page and 'aria-invalid="true"' in page
    for name in ("place", "address"):
        assert f'value="{ATELIER[name]}"' in html.unescape(page)  # what was typed is still there
    assert ATELIER["description"] in page
    assert await site.sessions() == []
    async with site.db.transaction() as session:
        assert list((await session.execute(select(Offer))).scalars()) == []


async def test_a_leader_from_another_partnership_is_refused(site: Offers) -> None:
    status, page = await site.create(leader=str(site.tom.id))
    assert status == 422
    assert error_next_to(page, "leader") == "Kies een collega uit je eigen partnerschap."


async def test_the_session_shows_first_names_and_the_waiting_list_in_order(site: Offers) -> None:
    await site.create()
    first = (await site.sessions())[0].id
    lotte = await add_case(site.db, "Lotte Janssens", "wam", chat="3")
    mo = await add_case(site.db, "Mo Bakkali", "wam", chat="4")
    ella = await add_case(site.db, "Ella", "wam", chat="5")
    await site.book(first, site.noor, lotte, mo, ella, site.elsewhere)
    status, page = await site.page(f"/inbox/offers/sessions/{first}")
    assert status == 200
    shown = text_of(page)
    assert "Wie was er?" in shown and "Zonder chat erbij (aantal)" in shown
    assert "Janssens" not in shown and "Bakkali" not in shown  # first names only
    boxes = re.findall(r'name="present" value="\d+"> ([^<]+)</label>', shown)
    assert boxes == ["Noor", "Lotte"]
    waiting = re.search(r'<ol class="waiting">(.*?)</ol>', shown)
    assert waiting is not None
    assert re.findall(r"<li>([^<]+)</li>", waiting.group(1)) == ["Mo", "Ella"]
    assert "Lina" not in shown  # a youth of another partnership
    async with site.db.transaction() as session:
        rows = (await session.execute(select(AuditEntry.case_id, AuditEntry.action))).all()
    looked = sorted(c for c, a in rows if a == "view_offer_session")
    assert looked == sorted([site.noor, lotte, mo, ella])


async def test_attendance_is_saved_and_shown_on_the_case_page(site: Offers) -> None:
    await site.create()
    first = (await site.sessions())[0].id
    lotte = await add_case(site.db, "Lotte", "wam", chat="3")
    await site.book(first, site.noor, lotte)
    site.clock.now = datetime(2027, 3, 19, 16, 0, tzinfo=UTC)  # after the first session
    status, page = await site.mark(first, [site.noor], "3")
    assert status == 200
    assert "Bewaard: 1 jongere(n) en 3 zonder chat waren erbij." in text_of(page)
    assert re.search(r'name="present" value="\d+" checked> <bdi>Noor', page)
    assert re.search(r'name="present" value="\d+"> <bdi>Lotte', page)
    assert 'name="walk_ins" type="number" min="0" max="1000" inputmode="numeric" value="3"' in page
    async with site.db.transaction() as session:
        marks = dict((await session.execute(select(Booking.youth_id, Booking.attended))).all())
    assert marks == {await site.youth_of(site.noor): True, await site.youth_of(lotte): False}
    _, case_page = await site.page(f"/inbox/cases/{site.noor}")
    assert "Was erbij: Atelier sollicitatie, vrijdag 19 maart" in text_of(case_page)
    _, other = await site.page(f"/inbox/cases/{lotte}")
    assert "Was erbij" not in other


async def test_a_bad_walk_in_count_changes_nothing(site: Offers) -> None:
    await site.create()
    first = (await site.sessions())[0].id
    await site.book(first, site.noor)
    status, page = await site.mark(first, [site.noor], "veel")
    assert status == 200
    assert "Geef het aantal zonder chat als getal tussen 0 en 1000." in text_of(page)
    async with site.db.transaction() as session:
        assert (await session.execute(select(Booking.attended))).scalar_one() is None


async def test_a_worker_of_another_partnership_sees_nothing(site: Offers) -> None:
    await site.create()
    first = (await site.sessions())[0].id
    await site.book(first, site.noor)
    site.client.session.cookie_jar.clear()
    await site.login(site.tom)
    _, page = await site.page("/inbox/offers")
    assert "Atelier sollicitatie" not in page and "Nog geen aanbod." in page
    status, page = await site.page(f"/inbox/offers/sessions/{first}")
    assert status == 404 and "Noor" not in page
    status, _ = await site.mark(first, [site.noor], "2")
    assert status == 404
    async with site.db.transaction() as session:
        assert (await session.execute(select(Booking.attended))).scalar_one() is None


async def test_the_forms_need_the_csrf_token(site: Offers) -> None:
    status, _ = await site.post(
        "/inbox/offers", {**ATELIER, "leader": str(site.sara.id)}, csrf=False
    )
    assert status == 403
    assert await site.sessions() == []


async def test_the_form_stores_for_whom_and_invitation_only(site: Offers) -> None:
    _, start = await site.page("/inbox/offers")
    assert "Voor wie (optioneel)" in text_of(start) and 'value="Maasmechelen"' in start
    form = {**ATELIER, "leader": str(site.sara.id), "age_min": "18", "age_max": "25"}
    data = [("csrf", field(start, "csrf")), *form.items(), ("invite_only", "1")]
    data += [("needs", "work"), ("needs", "school"), ("municipalities", "Maasmechelen")]
    data += [("needs", "nonsense"), ("municipalities", "Atlantis")]  # not on the form: dropped
    response = await site.client.post("/inbox/offers", data=data)
    assert response.status == 200
    assert "op uitnodiging" in visible(await response.text())
    async with site.db.transaction() as session:
        offer = (await session.execute(select(Offer))).scalar_one()
    assert (offer.for_needs, offer.for_municipalities) == (["work", "school"], ["Maasmechelen"])
    assert (offer.age_min, offer.age_max, offer.open) == (18, 25, False)


@pytest.mark.parametrize(
    ("ages", "message"),
    [
        ({"age_min": "25", "age_max": "20"}, "De leeftijd 'van' is hoger dan 'tot'."),
        ({"age_min": "16"}, "Kies een leeftijd tussen 18 en 30, of laat het leeg."),
        ({"age_max": "veel"}, "Kies een leeftijd tussen 18 en 30, of laat het leeg."),
    ],
)
async def test_a_bad_age_range_is_answered_next_to_the_age(
    site: Offers, ages: dict[str, str], message: str
) -> None:
    status, page = await site.create(**ages)
    assert status == 422
    assert error_next_to(page, "age") == message
    assert 'name="age_min"' in page and 'aria-describedby="err-age"' in page
    assert await site.sessions() == []


async def test_walk_ins_are_counted_and_named_only_if_they_agree(site: Offers) -> None:
    await site.create()
    first = (await site.sessions())[0].id
    _, start = await site.page("/inbox/offers")
    path = f"/inbox/offers/sessions/{first}/attendance"
    data = {
        "csrf": field(start, "csrf"),
        "walk_ins": "3",
        "walk_in_names": "Yasmine El\n\n Jens \n",
    }
    response = await site.client.post(path, data=data)
    page = text_of(await response.text())
    assert "Bewaard: 0 jongere(n) en 3 zonder chat waren erbij." in page
    assert "Zonder chat, met naam: Yasmine, Jens" in page  # first names only; the third unnamed
    async with site.db.transaction() as session:
        row = await session.get(OfferSession, first)
        assert row is not None and (row.walk_ins, row.walk_in_names) == (3, ["Yasmine", "Jens"])
    too_many = {**data, "walk_ins": "1"}
    response = await site.client.post(path, data=too_many)
    assert "Meer namen dan mensen zonder chat." in text_of(await response.text())
    async with site.db.transaction() as session:
        row = await session.get(OfferSession, first)
        assert row is not None and row.walk_ins == 3  # nothing changed
