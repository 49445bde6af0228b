"""The case page's "Voor het rapport": filling the profile in over time, who did it and when,
the timeline and the audit trail, refusals that keep the choices; on both databases."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import date, time

import pytest

from inbox.pages.labels import PROFILE_FIELDS
from storage import profiles
from storage.db import Database
from storage.profiles import CHOICES
from storage.workers import WorkerView
from tests.inbox.test_checkin_pages import audit_actions, events, flash, text_of
from tests.support.clock import Clock
from tests.support.inbox import add_worker
from tests.support.pages import Site, open_pages


@pytest.fixture
async def site(db: Database) -> AsyncIterator[Site]:
    """Sara has Noor's case; it is Thursday 7 May 2026, 14:00 in Brussels."""
    clock = Clock()
    clock.set_local(date(2026, 5, 7), time(14))
    async with open_pages(db, clock=clock) as made:
        await made.inbox.claim(made.sara, made.noor)
        yield made


async def login(site: Site, worker: WorkerView) -> None:
    site.client.session.cookie_jar.clear()
    assert (await site.login(worker)).status == 303


def card(page: str) -> str:
    start = page.index('id="profile"')
    return page[start : page.index("</details>", start)]


def chosen(page: str) -> dict[str, str]:
    """Each select of the form with its selected option's value."""
    found = {}
    for name, options in re.findall(r'<select id="profile-[a-z_]+" name="([a-z_]+)">(.*?)</select>',
                                    card(page), re.S):  # fmt: skip
        selected = re.search(r'<option value="([a-z_0-9]+)" selected>', options)
        found[name] = selected.group(1) if selected else ""
    return found


def test_every_field_and_choice_has_plain_dutch_words() -> None:
    assert [field for field, _, _ in PROFILE_FIELDS] == list(CHOICES)
    for field, _, choices in PROFILE_FIELDS:
        assert tuple(key for key, _ in choices) == CHOICES[field], field
        assert dict(choices)["unknown"] == "onbekend", field  # every field may stay unknown


async def test_a_worker_fills_in_part_of_the_profile_and_sees_it_kept(site: Site) -> None:
    await login(site, site.sara)
    _, page = await site.page(f"/inbox/cases/{site.noor}")
    assert "Voor het rapport" in page and "Nog niet ingevuld." in text_of(card(page))
    assert f"0 van {len(CHOICES)} ingevuld" in text_of(card(page))
    assert set(chosen(page).values()) == {"unknown"} and len(chosen(page)) == len(CHOICES)

    form = {"gender": "woman", "education": "isced_3_4", "homeless": "yes"}
    status, page = await site.post(f"/inbox/cases/{site.noor}/profile", form)
    assert status == 200 and flash(page) == "ok: De gegevens voor het rapport zijn bewaard."
    assert chosen(page) == {field: form.get(field, "unknown") for field in CHOICES}
    shown = text_of(card(page))
    assert "Ingevuld door Sara, donderdag 7 mei om 14u" in shown, shown
    assert f"Voor het rapport · 3 van {len(CHOICES)} ingevuld" in shown  # seen while closed
    assert "Rapportgegevens aangepast (Sara)" in text_of(page)

    # Later, one more field: the others stay.
    status, page = await site.post(f"/inbox/cases/{site.noor}/profile", {"qualification": "no"})
    assert chosen(page)["qualification"] == "no" and chosen(page)["gender"] == "woman"
    assert (await audit_actions(site.db, site.noor)).count("profile") == 2
    (_, data), _ = await events(site.db, site.noor, "profile")
    assert data == {"fields": ["education", "gender", "homeless"]}  # what changed, not values
    async with site.db.transaction() as session:
        kept = await profiles.profile_of(session, site.noor)
    assert (kept.gender, kept.education, kept.homeless, kept.qualification, kept.rural) == (
        "woman", "isced_3_4", "yes", "no", "unknown",
    )  # fmt: skip
    assert kept.filled_by == site.sara.id


async def test_a_bad_value_is_named_and_nothing_is_lost(site: Site) -> None:
    await login(site, site.sara)
    form = {"gender": "man", "education": "doctor", "rural": "yes"}
    status, page = await site.post(f"/inbox/cases/{site.noor}/profile", form)
    assert status == 422
    assert 'id="profile" open' in page
    assert "Bij 'Opleidingsniveau' klopt de keuze niet." in text_of(card(page))
    assert chosen(page)["gender"] == "man" and chosen(page)["rural"] == "yes"  # kept
    async with site.db.transaction() as session:
        assert (await profiles.profile_of(session, site.noor)).filled_at is None  # nothing saved
    assert "profile" not in await audit_actions(site.db, site.noor)


async def test_only_who_may_act_changes_it_and_a_coordinator_too(site: Site) -> None:
    piet = await add_worker(site.db, "Piet")
    await login(site, piet)
    _, page = await site.page(f"/inbox/cases/{site.noor}")
    assert 'id="profile-form"' not in page and "Gender" in card(page)  # read only
    status, page = await site.post(f"/inbox/cases/{site.noor}/profile", {"gender": "x"})
    assert flash(page) == "error: Deze jongere is aan een collega toegewezen."
    status, _ = await site.post(f"/inbox/cases/{site.noor}/profile", {"gender": "x"}, csrf=False)
    assert status == 403  # no CSRF token

    await login(site, site.jan)
    status, page = await site.post(f"/inbox/cases/{site.noor}/profile", {"gender": "x"})
    assert status == 200 and "Ingevuld door Jan" in text_of(card(page))

    await login(site, site.tom)  # another partnership
    status, _ = await site.post(f"/inbox/cases/{site.noor}/profile", {"gender": "man"})
    assert status == 404
    async with site.db.transaction() as session:
        assert (await profiles.profile_of(session, site.noor)).gender == "x"
