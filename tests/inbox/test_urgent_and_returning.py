"""Two signals in the inbox pages as a worker reads them: an urgent case has its own promise
(within the hour; outside working hours the coordinator knows) and comes first; a youth who
writes after their case was closed comes back visibly, as "komt terug"."""

from __future__ import annotations

from datetime import UTC, datetime

from storage import casework
from storage.models import Case
from tests.inbox.test_checkin_pages import flash, login, section, site, text_of
from tests.support.inbox import add_case
from tests.support.pages import Site

__all__ = ["site"]  # the fixture

TUESDAY_14U10 = datetime(2026, 11, 24, 13, 10, tzinfo=UTC)
SATURDAY_22U = datetime(2026, 11, 28, 21, 0, tzinfo=UTC)


async def crisis(site: Site, case_id: int, at: datetime) -> None:
    """A crisis message arrives for this case at `at` (what the engine does)."""
    async with site.db.transaction() as session:
        case = await session.get(Case, case_id)
        assert case is not None
        await casework.set_urgent(session, case, True, None, at)


async def test_an_urgent_case_is_first_with_its_own_promise(site: Site) -> None:
    site.inbox.clock = lambda: TUESDAY_14U10
    await add_case(site.db, "Amal", "wam", chat="3")  # waiting longer, not urgent
    yassin = await add_case(site.db, "Yassin", "wam", chat="4")
    await crisis(site, yassin, TUESDAY_14U10)
    await login(site, site.sara)
    _, page = await site.page("/inbox")
    waiting = text_of(section(page, "h-waiting"))
    assert waiting.index("Yassin") < waiting.index("Amal")  # urgent first
    assert "Yassin , 19 binnen het uur dringend" in waiting
    assert "Dringend: antwoord vóór 15u10" in waiting
    assert "buiten de werkuren" not in waiting
    # The normal promise is for the others only.
    yassin_row = waiting[waiting.index("Yassin") : waiting.index("Amal")]
    assert "antwoord ten laatste" not in yassin_row
    assert "antwoord ten laatste" in waiting[waiting.index("Amal") :]

    # An hour and a half later, nobody took it: the row says so.
    site.inbox.clock = lambda: TUESDAY_14U10.replace(hour=14, minute=40)
    _, page = await site.page("/inbox")
    waiting = text_of(section(page, "h-waiting"))
    assert "Yassin , 19 het uur is voorbij dringend" in waiting
    assert "Dringend: het uur is voorbij, antwoord nu" in waiting


async def test_outside_working_hours_the_hour_starts_when_the_team_is_back(site: Site) -> None:
    site.inbox.clock = lambda: SATURDAY_22U
    await crisis(site, site.noor, SATURDAY_22U)  # Sara's case
    await login(site, site.sara)
    _, page = await site.page("/inbox")
    mine = text_of(section(page, "h-mine"))
    assert "Dringend: antwoord vóór ma 30 nov 10u00" in mine
    assert "buiten de werkuren: de coördinator is verwittigd" in mine
    _, page = await site.page(f"/inbox/cases/{site.noor}")
    banner = text_of(page[page.index('id="urgent-banner"') :])
    assert "buiten de werkuren: de coördinator is verwittigd" in banner


async def test_opgevolgd_keeps_what_was_done_on_the_timeline(site: Site) -> None:
    site.inbox.clock = lambda: TUESDAY_14U10
    await crisis(site, site.noor, TUESDAY_14U10)
    await login(site, site.sara)
    _, page = await site.page(f"/inbox/cases/{site.noor}")
    assert "Wat deed je? Kort, het komt in de tijdlijn." in text_of(page)
    _, page = await site.post(f"/inbox/cases/{site.noor}/signals", {"clear": "urgent"})
    assert flash(page).startswith("error: Schrijf kort wat je deed")
    done = "Gebeld: Noor is veilig thuis, haar mama is bij haar."
    _, page = await site.post(
        f"/inbox/cases/{site.noor}/signals", {"clear": "urgent", "note": done}
    )
    assert flash(page) == "ok: Opgevolgd: 'dringend' is weg."
    assert f"Dringend opgevolgd (Sara): {done}" in text_of(page)


async def test_a_youth_who_writes_after_closing_comes_back_visibly(site: Site) -> None:
    site.inbox.clock = lambda: TUESDAY_14U10
    await login(site, site.sara)
    await site.inbox.set_status(site.sara, site.noor, "closed", "work")
    await site.inbox.set_presence(site.jan, site.sara.id, True, None)  # Sara is away
    async with site.db.transaction() as session:
        case = await session.get(Case, site.noor)
        assert case is not None
        await casework.youth_wrote(session, case.youth_id, TUESDAY_14U10)

    await login(site, site.jan)
    _, page = await site.page("/inbox")
    waiting = text_of(section(page, "h-waiting"))
    assert "Noor , 19 op tijd komt terug" in waiting
    assert "Schreef opnieuw na het afsluiten · Wacht al" in waiting
    assert "antwoord ten laatste donderdag 26 november" in waiting  # counted from today
    _, page = await site.page(f"/inbox/cases/{site.noor}")
    shown = text_of(page)
    assert "Komt terug: de begeleiding was afgesloten en Noor schreef opnieuw." in shown
    assert "Noor schreef opnieuw: de aanmelding is weer open" in shown
    assert "Gemarkeerd: komt terug" in shown
    _, page = await site.post(f"/inbox/cases/{site.noor}/signals", {"clear": "flag"})
    assert flash(page) == "ok: Gezien: de markering is weg."
    assert 'id="flag-banner"' not in page
