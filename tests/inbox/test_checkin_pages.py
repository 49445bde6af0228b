"""Check-ins, drift and the safety net in the inbox pages: the signals on the queue and the
case page, clearing them, the youth's rhythm and quiet hours, the answers with their chart,
and who answered low this week. On both databases, through HTTP."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from storage import casework
from storage.clock import utcnow
from storage.db import Database
from storage.models import AuditEntry, Case, CaseEvent, CheckIn, Youth
from storage.workers import WorkerView
from tests.support.inbox import add_case, add_worker
from tests.support.pages import Site, open_pages

CIRCLE = re.compile(
    r'<circle class="([^"]*)" cx="([^"]*)" cy="([^"]*)" r="[^"]*" data-score="([^"]*)"/>'
)


async def login(site: Site, worker: WorkerView) -> None:
    """Log in as this worker (whoever was logged in before)."""
    site.client.session.cookie_jar.clear()
    response = await site.login(worker)
    assert response.status == 303


@pytest.fixture
async def site(db: Database) -> AsyncIterator[Site]:
    """Sara and Piet work at wam, Jan coordinates it; Tom is of another partnership."""
    async with open_pages(db) as made:
        await made.inbox.claim(made.sara, made.noor)
        yield made


async def change(db: Database, case_id: int, **fields: Any) -> None:
    """Set fields on a case (and youth_... on its youth), as the engine would."""
    async with db.transaction() as session:
        case = await session.get(Case, case_id)
        assert case is not None
        youth = await session.get(Youth, case.youth_id)
        for key, value in fields.items():
            if key.startswith("youth_"):
                setattr(youth, key.removeprefix("youth_"), value)
            else:
                setattr(case, key, value)


async def add_checkin(
    db: Database, case_id: int, sent: datetime, score: int | None = None, note: str | None = None
) -> None:
    """A sent check-in; with a score it was answered an hour later."""
    async with db.transaction() as session:
        case = await session.get(Case, case_id)
        assert case is not None
        session.add(
            CheckIn(
                youth_id=case.youth_id, case_id=case_id, kind="checkin",
                status="answered" if score else "sent", due_at=sent, sent_at=sent,
                answered_at=sent + timedelta(hours=1) if score else None, score=score,
                note=note, created_at=sent,
            )
        )  # fmt: skip


async def case_row(db: Database, case_id: int) -> Case:
    async with db.transaction() as session:
        case = await session.get(Case, case_id)
        assert case is not None
        return case


async def youth_of(db: Database, case_id: int) -> Youth:
    async with db.transaction() as session:
        case = await session.get(Case, case_id)
        assert case is not None
        youth = await session.get(Youth, case.youth_id)
        assert youth is not None
        return youth


async def audit_actions(db: Database, case_id: int) -> list[str]:
    async with db.transaction() as session:
        stmt = select(AuditEntry.action).where(AuditEntry.case_id == case_id)
        return list((await session.execute(stmt)).scalars())


async def events(db: Database, case_id: int, kind: str) -> list[tuple[int | None, dict[str, Any]]]:
    async with db.transaction() as session:
        stmt = select(CaseEvent).where(CaseEvent.case_id == case_id, CaseEvent.kind == kind)
        return [(e.worker_id, dict(e.data)) for e in (await session.execute(stmt)).scalars()]


async def checkin_rows(db: Database, youth_id: int) -> list[tuple[str, str]]:
    async with db.transaction() as session:
        stmt = select(CheckIn).where(CheckIn.youth_id == youth_id).order_by(CheckIn.id)
        return [(r.kind, r.status) for r in (await session.execute(stmt)).scalars()]


def text_of(page: str) -> str:
    """The page as a reader sees it: tags out, entities decoded, spaces collapsed."""
    page = re.sub(r"</?bdi>", "", page)  # isolates a youth's name inside the sentence
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def section(page: str, heading_id: str) -> str:
    start = page.index(f'id="{heading_id}"')
    return page[start : page.index("</section>", start)]


def flash(page: str) -> str:
    found = re.search(r'<p class="flash (ok|error)"[^>]*>([^<]*)</p>', page)
    assert found, "no flash message"
    return f"{found.group(1)}: {html.unescape(found.group(2))}"


# --- the signals ---------------------------------------------------------------------------------


async def test_signals_show_as_badges_and_banners(site: Site) -> None:
    await change(
        site.db, site.noor, urgent=True, flag="aandacht",
        youth_paused_until=utcnow() + timedelta(days=10), youth_stopped=True,
        youth_unreachable=True,
    )  # fmt: skip
    await login(site, site.sara)
    _, queue = await site.page("/inbox")
    mine = text_of(section(queue, "h-mine"))
    assert "dringend" in mine and "aandacht" in mine and "pauze tot" in mine
    assert "/stop: geen automatische berichten" in mine and "niet bereikbaar" in mine
    _, page = await site.page(f"/inbox/cases/{site.noor}")
    shown = text_of(page)
    assert (
        "Dringend: deze jongere stuurde een bericht dat op een crisis wijst. "
        "De hulplijnen zijn al gestuurd." in shown
    )
    assert 'id="urgent-banner" role="alert"' in page
    assert "Opgevolgd" in shown and "Gezien" in shown
    assert "Aandacht: Noor gaf een lage score bij de check-in." in shown
    assert "Noor heeft de bot geblokkeerd" in shown
    assert 'style="' not in page and "<script>" not in page  # the strict CSP holds

    await change(site.db, site.noor, urgent=False, flag="uit_beeld", youth_unreachable=False)
    _, page = await site.page(f"/inbox/cases/{site.noor}")
    shown = text_of(page)
    assert "urgent-banner" not in page and "Uit beeld: al een tijd geen bericht van Noor." in shown
    assert '<span class="badge flag-uit_beeld">uit beeld</span>' in page
    assert "Noor koos /stop" in shown

    await change(site.db, site.noor, flag=None, youth_stopped=False)
    _, page = await site.page(f"/inbox/cases/{site.noor}")
    shown = text_of(page)
    assert "flag-banner" not in page and "Noor nam pauze tot" in shown
    await change(site.db, site.noor, youth_paused_until=utcnow() - timedelta(days=1))
    _, page = await site.page(f"/inbox/cases/{site.noor}")
    assert "pauze tot" not in text_of(page)  # a pause that ended is no signal


async def test_urgent_cases_come_first_in_mine(site: Site) -> None:
    other = await add_case(site.db, "Yara", "wam", chat="3")
    await site.inbox.claim(site.sara, other)
    await change(site.db, site.noor, unread=3)  # unread first, normally
    await login(site, site.sara)
    _, queue = await site.page("/inbox")
    mine = section(queue, "h-mine")
    assert mine.index("Noor") < mine.index("Yara")
    await change(site.db, other, urgent=True)
    _, queue = await site.page("/inbox")
    mine = section(queue, "h-mine")
    assert mine.index("Yara") < mine.index("Noor")
    assert 'class="case-row urgent"' in mine


async def test_clearing_urgent_and_the_flag_is_logged(site: Site) -> None:
    await change(site.db, site.noor, urgent=True, flag="aandacht")
    await login(site, site.sara)
    # "Opgevolgd" asks what was done: without a word, "dringend" stays.
    _, page = await site.post(f"/inbox/cases/{site.noor}/signals", {"clear": "urgent", "note": " "})
    assert (
        flash(page)
        == "error: Schrijf kort wat je deed (bijvoorbeeld: gebeld, ze is veilig bij haar zus)."
    )
    assert "urgent-banner" in page and "Wat deed je? Kort, het komt in de tijdlijn." in text_of(
        page
    )
    done = "Gebeld. Ze is veilig bij haar zus, morgen belt ze het CGG."
    status, page = await site.post(
        f"/inbox/cases/{site.noor}/signals", {"clear": "urgent", "note": done}
    )
    assert status == 200 and flash(page) == "ok: Opgevolgd: 'dringend' is weg."
    assert "urgent-banner" not in page and "flag-banner" in page
    assert f"Dringend opgevolgd (Sara): {done}" in text_of(page)
    row = await case_row(site.db, site.noor)
    assert row.urgent is False and row.flag == "aandacht"
    assert await events(site.db, site.noor, "urgent") == [
        (site.sara.id, {"urgent": False, "note": done})
    ]

    status, page = await site.post(f"/inbox/cases/{site.noor}/signals", {"clear": "flag"})
    assert flash(page) == "ok: Gezien: de markering is weg."
    assert "flag-banner" not in page and "Markering weggehaald (Sara)" in text_of(page)
    assert (await case_row(site.db, site.noor)).flag is None
    actions = await audit_actions(site.db, site.noor)
    assert actions.count("clear_urgent") == 1 and actions.count("clear_flag") == 1

    _, page = await site.post(f"/inbox/cases/{site.noor}/signals", {"clear": "urgent"})
    assert flash(page) == "ok: Er was niets meer weg te halen."
    assert (await audit_actions(site.db, site.noor)).count("clear_urgent") == 1

    _, page = await site.post(f"/inbox/cases/{site.noor}/signals", {"clear": "alles"})
    assert flash(page).startswith("error: Kies wat je wilt weghalen")

    await login(site, site.jan)  # the coordinator sees who did it
    _, trail = await site.page(f"/inbox/cases/{site.noor}/audit")
    assert "zette &#39;dringend&#39; op opgevolgd" in trail and "haalde de markering weg" in trail


async def test_a_colleague_cannot_clear_and_a_missing_csrf_is_refused(site: Site) -> None:
    piet = await add_worker(site.db, "Piet")
    await change(site.db, site.noor, urgent=True, flag="uit_beeld")
    await login(site, piet)
    _, page = await site.post(f"/inbox/cases/{site.noor}/signals", {"clear": "urgent"})
    assert flash(page) == "error: Deze jongere is aan een collega toegewezen."
    _, page = await site.post(f"/inbox/cases/{site.noor}/checkins", {"rhythm": "week"})
    assert flash(page) == "error: Deze jongere is aan een collega toegewezen."

    await login(site, site.sara)
    for path, form in (
        ("signals", {"clear": "urgent"}),
        ("checkins", {"rhythm": "week", "quiet_hours": ""}),
    ):
        status, _ = await site.post(f"/inbox/cases/{site.noor}/{path}", form, csrf=False)
        assert status == 403
        status, _ = await site.post(
            f"/inbox/cases/{site.noor}/{path}", {**form, "csrf": "x"}, csrf=False
        )
        assert status == 403
    row = await case_row(site.db, site.noor)
    assert row.urgent is True and row.flag == "uit_beeld"
    assert (await youth_of(site.db, site.noor)).checkin_rhythm is None
    assert not {"clear_urgent", "clear_flag", "checkins"} & set(
        await audit_actions(site.db, site.noor)
    )


# --- the check-ins card --------------------------------------------------------------------------


async def test_the_case_page_shows_rhythm_answers_and_the_chart(site: Site) -> None:
    await change(site.db, site.noor, youth_checkin_rhythm="2weeks", youth_quiet_hours="22:00-08:00")
    start = utcnow() - timedelta(days=60)
    for week, (score, note) in enumerate(
        [(4, None), (2, "Slecht geslapen <b>echt</b>"), (None, None), (5, "Ik heb een stage!")]
    ):
        await add_checkin(site.db, site.noor, start + timedelta(weeks=week), score, note)
    await login(site, site.sara)
    _, page = await site.page(f"/inbox/cases/{site.noor}")
    card = section(page, "h-checkins")

    assert '<option value="2weeks" selected>Om de twee weken</option>' in card
    assert "Nog niet gekozen" not in card
    assert 'name="quiet_hours" value="22:00-08:00" placeholder="21:00-09:00"' in card
    answers = text_of(card[card.index('id="checkin-answers"') :])
    assert answers.index("Ik heb een stage!") < answers.index("geen antwoord")
    assert answers.index("geen antwoord") < answers.index("Slecht geslapen")
    assert "😄" in answers and "🙁" in answers and "🙂" in answers
    assert "&lt;b&gt;echt&lt;/b&gt;" in card  # the youth's text is escaped

    label = "Check-ins: 4, 2, geen antwoord, 5"
    assert f'aria-label="{label}"' in card and f"<title>{label}</title>" in card
    circles = CIRCLE.findall(card)
    assert [score for _, _, _, score in circles] == ["4", "2", "", "5"]
    xs = [float(x) for _, x, _, _ in circles]
    assert xs == sorted(xs) and len(set(xs)) == 4  # time order, left to right
    ys = {score: float(y) for _, _, y, score in circles if score}
    assert ys["5"] < ys["4"] < ys["2"]  # higher is better
    assert circles[2][0] == "missing"
    lines = re.findall(r'<polyline class="line" points="([^"]*)"/>', card)
    assert len(lines) == 1 and len(lines[0].split()) == 2  # 4-2, a gap, then 5 alone

    for week in range(4, 14):  # 14 in all: the chart shows the last 12
        await add_checkin(site.db, site.noor, start + timedelta(weeks=week), 3)
    _, page = await site.page(f"/inbox/cases/{site.noor}")
    circles = CIRCLE.findall(section(page, "h-checkins"))
    assert [score for _, _, _, score in circles] == ["", "5", *["3"] * 10]


async def test_a_youth_without_check_ins(site: Site) -> None:
    await login(site, site.sara)
    _, page = await site.page(f"/inbox/cases/{site.noor}")
    card = section(page, "h-checkins")
    assert "Nog geen check-ins verstuurd." in card and "<svg" not in card
    assert '<option value="" selected disabled>Nog niet gekozen</option>' in card
    assert 'value="" placeholder="21:00-09:00"' in card


async def test_saving_the_rhythm_and_quiet_hours_plans_the_next_check_in(site: Site) -> None:
    await login(site, site.sara)
    form = {"rhythm": "week", "quiet_hours": " 22u-7u "}
    status, page = await site.post(f"/inbox/cases/{site.noor}/checkins", form)
    assert status == 200 and flash(page) == "ok: De check-ins zijn bewaard."
    youth = await youth_of(site.db, site.noor)
    assert (youth.checkin_rhythm, youth.quiet_hours) == ("week", "22:00-07:00")
    async with site.db.transaction() as session:
        planned = (await session.execute(select(CheckIn))).scalars().one()
    assert (planned.kind, planned.status, planned.case_id) == ("checkin", "planned", site.noor)
    local = planned.due_at.astimezone(site.inbox.translator.tz)
    assert planned.due_at > utcnow() + timedelta(days=6) and 7 <= local.hour < 22
    assert await events(site.db, site.noor, "rhythm") == [
        (site.sara.id, {"rhythm": "week", "by": "worker", "quiet_hours": "22:00-07:00"})
    ]
    assert "checkins" in await audit_actions(site.db, site.noor)
    shown = text_of(page)
    assert "Check-ins: elke week · stille uren 22:00-07:00 (Sara)" in shown
    assert '<option value="week" selected>' in page and 'value="22:00-07:00"' in page

    # The same again changes nothing; back to the partnership's quiet hours, less often.
    _, page = await site.post(f"/inbox/cases/{site.noor}/checkins", form)
    assert flash(page) == "ok: Er veranderde niets aan de check-ins."
    _, page = await site.post(
        f"/inbox/cases/{site.noor}/checkins", {"rhythm": "month", "quiet_hours": ""}
    )
    assert flash(page) == "ok: De check-ins zijn bewaard."
    youth = await youth_of(site.db, site.noor)
    assert (youth.checkin_rhythm, youth.quiet_hours) == ("month", None)
    assert "Check-ins: elke maand · stille uren van het partnerschap (Sara)" in text_of(page)
    async with site.db.transaction() as session:
        (planned,) = (await session.execute(select(CheckIn))).scalars()
    assert planned.due_at > utcnow() + timedelta(days=27)

    _, page = await site.post(
        f"/inbox/cases/{site.noor}/checkins", {"rhythm": "none", "quiet_hours": ""}
    )
    assert await checkin_rows(site.db, youth.id) == [("checkin", "dropped")]
    assert "Check-ins: liever niet (Sara)" in text_of(page)


@pytest.mark.parametrize(
    ("form", "error"),
    [
        ({"rhythm": "daily", "quiet_hours": ""}, "Kies hoe vaak de jongere een check-in krijgt"),
        ({"quiet_hours": "22-8"}, "Kies hoe vaak de jongere een check-in krijgt"),
        ({"rhythm": "", "quiet_hours": ""}, "Kies hoe vaak de jongere een check-in krijgt"),
        ({"rhythm": "week", "quiet_hours": "'s nachts"}, "We begrijpen de stille uren ''s nachts' niet"),
        ({"rhythm": "week", "quiet_hours": "25-8"}, "We begrijpen de stille uren '25-8' niet"),
        ({"rhythm": "week", "quiet_hours": "x" * 90}, "We begrijpen de stille uren 'xxxxxxxxxxxxxxxxxxxx…' niet"),
        ({"rhythm": "week", "quiet_hours": "21-21"}, "beginnen en eindigen op hetzelfde uur"),
    ],
)  # fmt: skip
async def test_a_bad_rhythm_or_quiet_hours_change_nothing(
    site: Site, form: dict[str, str], error: str
) -> None:
    await change(site.db, site.noor, youth_checkin_rhythm="2weeks", youth_quiet_hours="23:00-08:00")
    await login(site, site.sara)
    status, page = await site.post(f"/inbox/cases/{site.noor}/checkins", form)
    assert status == 200
    message = flash(page)
    assert message.startswith("error: ") and error in message, message
    assert "21:00-09:00" in message or "hetzelfde" in message or "Kies hoe vaak" in message
    youth = await youth_of(site.db, site.noor)
    assert (youth.checkin_rhythm, youth.quiet_hours) == ("2weeks", "23:00-08:00")
    assert await events(site.db, site.noor, "rhythm") == []
    assert await checkin_rows(site.db, youth.id) == []
    assert "checkins" not in await audit_actions(site.db, site.noor)


async def test_a_closed_case_keeps_its_check_ins(site: Site) -> None:
    await site.inbox.set_status(site.sara, site.noor, "closed", "work")
    await login(site, site.sara)
    _, page = await site.page(f"/inbox/cases/{site.noor}")
    assert 'id="checkins-form"' not in page
    _, page = await site.post(f"/inbox/cases/{site.noor}/checkins", {"rhythm": "week"})
    assert flash(page) == "error: Deze aanmelding is afgesloten. Heropen ze eerst."
    assert (await youth_of(site.db, site.noor)).checkin_rhythm is None


# --- the timeline --------------------------------------------------------------------------------


async def test_the_timeline_names_the_new_events(site: Site) -> None:
    now = utcnow()
    async with site.db.transaction() as session:
        for kind, data in (
            ("urgent", {"urgent": True}),
            ("flag", {"flag": "aandacht"}),
            ("flag", {"flag": "uit_beeld"}),
            ("flag", {"cleared": "uit_beeld"}),
            ("paused", {"day": "2026-12-04"}),
            ("unpaused", {}),
            ("stopped", {}),
            ("restarted", {}),
            ("rhythm", {"rhythm": "2weeks"}),
        ):
            await casework.add_event(session, site.noor, None, kind, data, now)
    await login(site, site.sara)
    for path in (f"/inbox/cases/{site.noor}", f"/inbox/cases/{site.noor}/timeline"):
        _, page = await site.page(path)
        shown = text_of(page)
        for label in (
            "Dringend: bericht dat op een crisis wijst",
            "Gemarkeerd: aandacht",
            "Gemarkeerd: uit beeld",
            "Markering weggehaald",
            "Noor nam pauze tot vrijdag 4 december",
            "Pauze gestopt",
            "Noor koos /stop",
            "Noor koos /start",
            "Check-ins: om de twee weken (gekozen door Noor)",
        ):
            assert label in shown, (path, label)


# --- who is low this week ------------------------------------------------------------------------


async def test_who_is_low_this_week(site: Site) -> None:
    piet = await add_worker(site.db, "Piet")
    yara = await add_case(site.db, "Yara", "wam", chat="3")
    await site.inbox.claim(piet, yara)
    old = await add_case(site.db, "Omar", "wam", chat="4")
    await site.inbox.claim(site.sara, old)
    now = utcnow()
    await add_checkin(site.db, site.noor, now - timedelta(days=2), 1, "Alles is op")
    await add_checkin(site.db, site.noor, now - timedelta(days=5), 2)  # older: listed once
    await add_checkin(site.db, yara, now - timedelta(days=1), 2)
    await add_checkin(site.db, old, now - timedelta(days=9), 1)  # last week's: not this week
    await add_checkin(site.db, site.elsewhere, now - timedelta(days=1), 1)  # another partnership
    ok = await add_case(site.db, "Tess", "wam", chat="5")
    await site.inbox.claim(site.sara, ok)
    await add_checkin(site.db, ok, now - timedelta(days=1), 4)  # not low

    def low_names(page: str) -> list[str]:
        return re.findall(
            r'data-kind="low">\s*<div class="case-main">\s*<p class="line"><a class="name" href="/inbox/cases/\d+"><bdi>([^<]+)</bdi></a>',
            section(page, "h-low"),
        )

    await login(site, site.sara)
    _, queue = await site.page("/inbox")
    assert low_names(queue) == ["Noor"]
    low = text_of(section(queue, "h-low"))
    assert "Wie zit laag deze week 1" in low and "😞" in low and "Check-in beantwoord:" in low
    assert "Alles is op" not in low  # what they wrote stays on the case page

    await login(site, piet)
    _, queue = await site.page("/inbox")
    assert low_names(queue) == ["Yara"]

    await login(site, site.jan)
    _, queue = await site.page("/inbox")
    assert low_names(queue) == ["Yara", "Noor"]  # newest first
    assert "bij Piet" in text_of(section(queue, "h-low"))
    _, fragment = await site.page("/inbox/fragment/queue")
    assert low_names(fragment) == ["Yara", "Noor"]

    await login(
        site, site.tom
    )  # Lina's low answer: nobody took her case yet, Tom is no coordinator
    _, queue = await site.page("/inbox")
    assert low_names(queue) == []


async def test_nobody_low(site: Site) -> None:
    await login(site, site.sara)
    _, queue = await site.page("/inbox")
    assert "Niemand gaf deze week een lage score." in section(queue, "h-low")
