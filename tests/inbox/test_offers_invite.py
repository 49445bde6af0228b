"""Uitnodigen for a group session, on both databases: Sara sees who her selection reaches and
who is skipped and why before anything goes out; "Verstuur" invites each youth once, however
often it is posted, with "Ik kom", "Misschien", "Nee, dank je" and the .ics, after the youth's
quiet hours. And "we hebben je gemist" after a missed session, once per series."""

# ruff: noqa: F811 (the `site` fixture of the Aanbod pages, shared: its parameters shadow it)

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from storage.models import Case, OutboxJob, Youth
from storage.offer_models import OfferInvitation
from tests.inbox.test_offers_pages import Offers, site, text_of  # noqa: F401 (a fixture)
from tests.support.inbox import add_case

LINE = "📅 Atelier sollicitatie · vrijdag 19 maart om 14u · De Schakel, Rijksweg 1, Maasmechelen"


async def first_session(site: Offers) -> int:
    await site.create()
    return (await site.sessions())[0].id


async def sara_has(site: Offers, *names: str) -> dict[str, int]:
    """Cases of Sara's (Noor is one already), by first name."""
    cases = {"Noor": site.noor}
    for number, name in enumerate(names, start=3):
        cases[name] = await add_case(site.db, name, "wam", chat=str(number))
    for case_id in cases.values():
        await site.inbox.claim(site.sara, case_id)
    return cases


async def change(site: Offers, case_id: int, **values: Any) -> None:
    async with site.db.transaction() as session:
        case = await session.get(Case, case_id)
        assert case is not None
        youth = await session.get(Youth, case.youth_id)
        assert youth is not None
        for key, value in values.items():
            setattr(youth, key, value)


async def jobs_of(site: Offers, case_id: int) -> list[OutboxJob]:
    youth = await site.youth_of(case_id)
    async with site.db.transaction() as session:
        stmt = select(OutboxJob).where(OutboxJob.youth_id == youth).order_by(OutboxJob.id)
        return list((await session.execute(stmt)).scalars())


def buttons(job: OutboxJob) -> list[tuple[str, str]]:
    return [(b["text"], b["data"]) for row in job.payload["buttons"] for b in row]


async def send(site: Offers, sid: int, **form: str) -> str:
    status, page = await site.post(
        f"/inbox/offers/sessions/{sid}/invitations", {"who": "mine", **form}
    )
    assert status == 200
    return text_of(page)


async def a_mixed_selection(site: Offers) -> tuple[int, dict[str, int]]:
    sid = await first_session(site)
    cases = await sara_has(site, "Lotte", "Mo", "Ella")
    await change(site, cases["Lotte"], paused_until=site.clock() + timedelta(days=14))
    await change(site, cases["Mo"], stopped=True)
    await site.book(sid, cases["Ella"])
    return sid, cases


async def test_the_selection_is_shown_with_its_count_and_who_is_skipped_why(site: Offers) -> None:
    sid, cases = await a_mixed_selection(site)
    _, session_page = await site.page(f"/inbox/offers/sessions/{sid}")
    assert f'href="/inbox/offers/sessions/{sid}/invite">Uitnodigen<' in session_page
    status, page = await site.page(f"/inbox/offers/sessions/{sid}/invite?who=mine")
    assert status == 200
    shown = text_of(page)
    assert "Uitnodiging voor 1 jongere(n)" in shown
    assert '<ul class="invited"><li>Noor</li></ul>' in shown
    assert "Overgeslagen: 3" in shown
    assert "<li>Lotte: gepauzeerd</li>" in shown and "<li>Mo: gestopt</li>" in shown
    assert "<li>Ella: al ingeschreven</li>" in shown
    assert "Lina" not in shown  # another partnership's youth
    for case_id in cases.values():
        assert await jobs_of(site, case_id) == []  # nothing goes out before "Verstuur"


async def test_verstuur_twice_invites_each_youth_once(site: Offers) -> None:
    sid, cases = await a_mixed_selection(site)
    told = await send(site, sid)
    assert "Uitgenodigd: 1 · overgeslagen: 3 (gepauzeerd, gestopt, al ingeschreven)" in told
    again = await send(site, sid)
    assert "Uitgenodigd: 0 · overgeslagen: 4 (gepauzeerd, gestopt, al ingeschreven, al " in again
    assert [j.kind for j in await jobs_of(site, cases["Noor"])] == ["message", "document"]
    for name in ("Lotte", "Mo", "Ella"):
        assert await jobs_of(site, cases[name]) == []
    async with site.db.transaction() as session:
        rows = list((await session.execute(select(OfferInvitation.youth_id))).scalars())
    assert rows == [await site.youth_of(cases["Noor"])]


async def test_the_youth_gets_one_message_with_three_buttons_and_the_ics(site: Offers) -> None:
    sid = await first_session(site)
    await sara_has(site)
    await send(site, sid)
    message, document = await jobs_of(site, site.noor)
    assert message.payload["text"] == f"Je bent uitgenodigd! Heb je zin om te komen?\n{LINE}"
    assert buttons(message) == [
        ("Ik kom", f"ofr:in:{sid}"), ("Misschien", f"ofr:maybe:{sid}"),
        ("Nee, dank je", f"ofr:no:{sid}"),
    ]  # fmt: skip
    assert message.payload["purpose"] == "message" and message.payload["params"] == ["Sara"]
    assert message.not_before == site.clock()
    assert document.payload["caption"] == "📅 Zet Atelier sollicitatie in je agenda."
    assert document.payload["filename"] == "activiteit-2027-03-19.ics"
    content = document.payload["content"]
    assert "SUMMARY:Atelier sollicitatie" in content and "DTSTART:20270319T130000Z" in content
    assert "LOCATION:De Schakel\\, Rijksweg 1\\, Maasmechelen" in content


async def test_in_quiet_hours_the_invitation_waits_until_they_end(site: Offers) -> None:
    sid = await first_session(site)
    cases = await sara_has(site, "Lotte")
    await change(site, cases["Lotte"], quiet_hours="08:00-12:00")  # now is 10u in Brussels
    await send(site, sid)
    assert {j.not_before for j in await jobs_of(site, cases["Lotte"])} == {
        datetime(2027, 3, 10, 11, 0, tzinfo=UTC)  # 12u in Brussels
    }
    assert {j.not_before for j in await jobs_of(site, site.noor)} == {site.clock()}


async def test_one_youth_or_a_selection_by_municipality(site: Offers) -> None:
    sid = await first_session(site)
    cases = await sara_has(site, "Lotte")
    _, page = await site.page(f"/inbox/offers/sessions/{sid}/invite?who=one&case={cases['Lotte']}")
    assert '<ul class="invited"><li>Lotte</li></ul>' in text_of(page)
    told = await send(site, sid, who="one", case=str(cases["Lotte"]))
    assert "Uitgenodigd: 1 · overgeslagen: 0" in told
    assert await jobs_of(site, site.noor) == []
    _, page = await site.page(
        f"/inbox/offers/sessions/{sid}/invite?who=selection&municipality=Genk"
    )
    assert "Uitnodiging voor 0 jongere(n)" in text_of(page)
    told = await send(site, sid, who="selection", municipality="Maasmechelen", need="work")
    assert "Uitgenodigd: 1 · overgeslagen: 1 (al uitgenodigd)" in told  # Noor now, not Lotte


async def test_another_partnership_cannot_invite_to_the_session(site: Offers) -> None:
    sid = await first_session(site)
    site.client.session.cookie_jar.clear()
    await site.login(site.tom)
    status, _ = await site.page(f"/inbox/offers/sessions/{sid}/invite")
    assert status == 404


GEMIST = "We hebben je gemist bij Atelier sollicitatie. Alles oké? Je bent welkom volgende keer."


async def test_we_hebben_je_gemist_once_per_series_and_not_when_stopped(site: Offers) -> None:
    await site.create()
    first, second = [s.id for s in await site.sessions()][:2]
    cases = await sara_has(site, "Lotte", "Mo")
    for sid in (first, second):
        await site.book(sid, *cases.values())
    await change(site, cases["Mo"], stopped=True)
    site.clock.now = datetime(2027, 3, 19, 16, 0, tzinfo=UTC)  # after the first session
    await site.mark(first, [site.noor], "0")
    (note,) = await jobs_of(site, cases["Lotte"])
    assert note.payload["text"] == GEMIST
    assert buttons(note) == [("Toon het aanbod", "cmd:aanbod")]
    assert await jobs_of(site, site.noor) == [] and await jobs_of(site, cases["Mo"]) == []
    await site.mark(first, [site.noor], "0")  # saved again: nothing new
    site.clock.now = datetime(2027, 3, 26, 16, 0, tzinfo=UTC)  # missed the second one too
    await site.mark(second, [site.noor], "0")
    assert len(await jobs_of(site, cases["Lotte"])) == 1  # once per series


async def test_verstuur_needs_the_csrf_token(site: Offers) -> None:
    sid = await first_session(site)
    await sara_has(site)
    path = f"/inbox/offers/sessions/{sid}/invitations"
    status, _ = await site.post(path, {"who": "mine"}, csrf=False)
    assert status == 403
    assert await jobs_of(site, site.noor) == []
