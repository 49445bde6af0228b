"""Sessie verzetten and Sessie afzeggen, on both databases: each youth with a seat or on the
waiting list is told once (a double submit tells nobody twice), reminders follow the new
time (the old ones never go out) or are gone, an old "Ik kom" gets a kind answer, /aanbod no
longer lists a cancelled session, bad input is answered by its field, and nobody outside
the partnership or without the CSRF token changes anything."""

# ruff: noqa: F811 (the `site` fixture of the Aanbod pages, shared: its parameters shadow it)

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.ticks.offer_reminders import OfferReminders
from core.offer_changes import plan_reminders
from flows.model import Send
from flows.offers import on_button
from flows.state import Answers, State
from storage import offers
from storage.models import Youth
from storage.offer_models import OfferReminder
from tests.inbox.test_offers_invite import buttons, jobs_of, sara_has
from tests.inbox.test_offers_pages import Offers, error_next_to, site, text_of, visible  # noqa: F401

BRUSSELS = ZoneInfo("Europe/Brussels")
WHERE = "📍 De Schakel, Rijksweg 1, Maasmechelen"
MOVED = f"Atelier sollicitatie is verzet naar woensdag 24 maart om 16u. {WHERE}"
CALLED_OFF = (
    "Atelier sollicitatie van vrijdag 19 maart om 14u gaat niet door. Sorry!\n"
    "Typ /aanbod om te zien wat er nog komt."
)


async def three_signed_up(site: Offers) -> tuple[int, dict[str, int]]:
    """The first session (2 seats): Noor and Lotte have a seat, with reminders; Mo waits."""
    await site.create()
    sid = (await site.sessions())[0].id
    cases = await sara_has(site, "Lotte", "Mo")
    await site.book(sid, cases["Noor"], cases["Lotte"], cases["Mo"])
    seated = [await site.youth_of(cases[name]) for name in ("Noor", "Lotte")]
    async with site.db.transaction() as session:
        for youth_id in seated:
            youth = await session.get(Youth, youth_id)
            assert youth is not None
            await plan_reminders(session, site.inbox.runtime(), sid, youth, site.clock())
    return sid, cases


async def move(site: Offers, sid: int, **form: str) -> tuple[int, str]:
    values = {"date": "2027-03-24", "time": "16:00", "minutes": "90", **form}
    return await site.post(f"/inbox/offers/sessions/{sid}/move", values)


async def cancel(site: Offers, sid: int) -> tuple[int, str]:
    return await site.post(f"/inbox/offers/sessions/{sid}/cancel", {})


async def pending(site: Offers) -> list[tuple[datetime, datetime]]:
    """The pending reminders: (local due time, local start) — naive, Brussels."""
    async with site.db.transaction() as session:
        rows = await session.scalars(select(OfferReminder).where(OfferReminder.status == "pending"))
        return sorted(
            (local(r.due_at), local(r.starts_at)) for r in rows
        )  # fmt: skip


def local(moment: datetime) -> datetime:
    return moment.replace(tzinfo=moment.tzinfo or UTC).astimezone(BRUSSELS).replace(tzinfo=None)


async def tick_at(site: Offers, cases: dict[str, int], moment: datetime) -> list[str]:
    """The reminder tick at a local moment: the texts that went out."""
    site.clock.now = moment.replace(tzinfo=BRUSSELS).astimezone(UTC)
    before = {j.id for c in cases.values() for j in await jobs_of(site, c)}
    await OfferReminders(site.db, site.inbox.runtime(), lambda: None).tick()
    after = [j for c in cases.values() for j in await jobs_of(site, c)]
    return [str(j.payload["text"]) for j in after if j.id not in before]


async def test_moved_each_youth_is_told_once_and_reminded_at_the_new_time(site: Offers) -> None:
    sid, cases = await three_signed_up(site)
    status, page = await move(site, sid)
    assert status == 200
    assert "De sessie is verzet. 3 jongere(n) kregen een bericht." in text_of(page)
    assert "woensdag 24 maart 16u–17u30" in text_of(page)
    status, page = await move(site, sid)  # the double submit
    assert "Niets veranderd: de sessie stond al op dat moment." in text_of(page)
    for case_id in cases.values():
        (job,) = await jobs_of(site, case_id)
        assert job.payload["text"] == MOVED
        assert buttons(job) == [("Toch niet", f"ofr:out:{sid}")]
        assert job.payload["purpose"] == "message" and job.payload["params"] == ["Sara"]
    new_start = datetime(2027, 3, 24, 16)
    assert await pending(site) == [
        (datetime(2027, 3, 23, 16), new_start), (datetime(2027, 3, 23, 16), new_start),
        (datetime(2027, 3, 24, 14), new_start), (datetime(2027, 3, 24, 14), new_start),
    ]  # fmt: skip
    assert await tick_at(site, cases, datetime(2027, 3, 19, 12, 5)) == []  # the old day: nothing
    reminded = "Even een herinnering: Atelier sollicitatie is woensdag 24 maart om 16u."
    sent = await tick_at(site, cases, datetime(2027, 3, 23, 16, 5))
    assert len(sent) == 2 and all(t.startswith(reminded) for t in sent)  # Noor and Lotte


async def test_cancelled_everyone_told_once_and_the_session_is_gone(site: Offers) -> None:
    sid, cases = await three_signed_up(site)
    status, page = await cancel(site, sid)
    assert status == 200
    shown = text_of(page)
    assert "De sessie is afgezegd. 3 jongere(n) kregen een bericht." in shown
    assert "Deze sessie is afgezegd." in shown and "Sessie verzetten" not in shown
    _, page = await cancel(site, sid)
    assert "Deze sessie was al afgezegd." in text_of(page)
    for case_id in cases.values():
        (job,) = await jobs_of(site, case_id)
        assert job.payload["text"] == CALLED_OFF and buttons(job) == []
    assert await pending(site) == []
    assert await tick_at(site, cases, datetime(2027, 3, 18, 14, 5)) == []
    _, listing = await site.page("/inbox/offers")
    assert "vrijdag 19 maart 14u · 2 van 2 plaatsen vol · 1 op de wachtlijst afgezegd" in visible(
        listing
    )
    noor_id = await site.youth_of(cases["Noor"])
    async with site.db.transaction() as session:
        noor = await session.get(Youth, noor_id)
        assert noor is not None
        upcoming = await offers.upcoming(session, "wam", noor.id, site.clock())
        view = await offers.session_view(session, sid, "wam", noor.id)
    assert sid not in [v.session_id for v in upcoming]  # /aanbod no longer lists it
    state = State(step="done", answers=Answers(name="Noor", partnership_id="wam"))
    old_tap = on_button(state, f"ofr:in:{sid}", view, site.inbox.context(noor, site.clock()))
    (said,) = [e.reply for e in old_tap.effects if isinstance(e, Send)]
    (answer,) = site.inbox.translator.reply(said, "nl")
    assert (
        answer.text
        == "Die activiteit gaat niet meer door.\nTyp /aanbod om te zien wat er nog komt."
    )


PAST = "Dat moment is al voorbij. Kies een moment in de toekomst."
DURATION = "Een sessie duurt tussen 1 minuut en 12 uur (720 minuten)."


@pytest.mark.parametrize(
    ("changes", "where", "message"),
    [
        ({"date": "2027-03-09"}, "date", PAST),
        ({"date": "2027-03-10", "time": "09:30"}, "date", PAST),  # today, an hour ago
        ({"minutes": "0"}, "minutes", DURATION),
        ({"minutes": "721"}, "minutes", DURATION),
        ({"date": "morgen"}, "date", "Kies een geldige datum."),
    ],
)
async def test_bad_input_is_answered_by_its_field_and_nothing_moves(
    site: Offers, changes: dict[str, str], where: str, message: str
) -> None:
    sid, cases = await three_signed_up(site)
    status, page = await move(site, sid, **changes)
    assert status == 422
    assert error_next_to(page, where) == message
    for name, value in changes.items():
        assert f'name="{name}"' in page and f'value="{value}"' in page  # kept
    (row,) = [s for s in await site.sessions() if s.id == sid]
    assert local(row.starts_at) == datetime(2027, 3, 19, 14) and row.minutes == 120
    for case_id in cases.values():
        assert await jobs_of(site, case_id) == []


async def test_another_partnership_gets_404_and_changes_nothing(site: Offers) -> None:
    sid, cases = await three_signed_up(site)
    site.client.session.cookie_jar.clear()
    await site.login(site.tom)
    assert (await move(site, sid))[0] == 404
    assert (await cancel(site, sid))[0] == 404
    (row,) = [s for s in await site.sessions() if s.id == sid]
    assert local(row.starts_at) == datetime(2027, 3, 19, 14) and not row.cancelled
    for case_id in cases.values():
        assert await jobs_of(site, case_id) == []


async def test_both_forms_need_the_csrf_token(site: Offers) -> None:
    sid, cases = await three_signed_up(site)
    path = f"/inbox/offers/sessions/{sid}"
    form = {"date": "2027-03-24", "time": "16:00", "minutes": "90"}
    assert (await site.post(f"{path}/move", form, csrf=False))[0] == 403
    assert (await site.post(f"{path}/cancel", {}, csrf=False))[0] == 403
    (row,) = [s for s in await site.sessions() if s.id == sid]
    assert local(row.starts_at) == datetime(2027, 3, 19, 14) and not row.cancelled
    assert await jobs_of(site, cases["Noor"]) == []
