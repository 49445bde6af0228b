"""Closing, handing over and erasing a case keep its appointments, reminders and the
youth's messages true (issue 10, item 14); the audit trail counts one look per visit and
says every action in plain Dutch (item 13). On both databases, the real engine, no network."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.ticks.privacy import ERASE_WITHIN, Privacy
from core.bus import Bus
from core.i18n import Translator
from inbox.appointments import Appointments
from inbox.errors import Invalid
from inbox.pages import ACTION_LABELS
from inbox.service import Inbox
from storage import casework
from storage.db import Database
from storage.models import Appointment, AuditEntry, Reminder
from storage.workers import WorkerView
from tests.support.clock import Clock
from tests.support.dialog import directory
from tests.support.inbox import add_worker
from tests.support.outreach import Life

MONDAY = date(2026, 11, 30)


@dataclass
class Scene:
    life: Life
    inbox: Inbox
    planner: Appointments
    sara: WorkerView


async def noor_with_sara(db: Database) -> Scene:
    """Noor registered on Monday 30 November at 10u; Sara took her case."""
    clock = Clock()
    clock.set_local(MONDAY, time(10))
    life = await Life.begin(db, clock)
    sara = await add_worker(db, "Sara")
    await life.claim(sara.id)
    inbox = Inbox(db, directory(), Translator(), Bus(), lambda: None, clock=clock)
    return Scene(life, inbox, Appointments(inbox), sara)


async def plan_thursday(scene: Scene, with_id: int | None = None) -> int:
    """Sara plans a talk on Thursday 3 December at 14u (with herself or a colleague)."""
    return await scene.planner.create(
        scene.sara, scene.life.case_id, day=date(2026, 12, 3), at=time(14), minutes=60,
        place="Kantoor WAM!, Maasmechelen", kind="gesprek", with_id=with_id,
    )  # fmt: skip


async def reminders(db: Database, appointment_id: int) -> list[str]:
    async with db.transaction() as session:
        stmt = select(Reminder.status).where(Reminder.appointment_id == appointment_id)
        return [str(s) for s in (await session.execute(stmt)).scalars()]


async def test_closing_cancels_the_confirmed_appointment_and_tells_the_youth(db: Database) -> None:
    scene = await noor_with_sara(db)
    life, inbox, planner, sara = scene.life, scene.inbox, scene.planner, scene.sara
    appointment_id = await plan_thursday(scene)
    assert "tot dan" in " ".join(await life.press(f"appt:ok:{appointment_id}:1"))
    assert "pending" in await reminders(db, appointment_id)

    before = await life.last_message_id()
    await inbox.set_status(sara, life.case_id, "closed", "work")

    told = [m.text for m in await life.messages_after(before)]
    assert told == [
        "Je afspraak van donderdag 3 december om 14u gaat niet door.\n"
        "Heb je een vraag? Stuur hier gerust een bericht."
    ]
    assert set(await reminders(db, appointment_id)) == {"cancelled"}
    (view,) = await planner.of_case(sara, life.case_id)
    assert view.state == "cancelled"
    page = await inbox.case(sara, life.case_id)
    assert ("event", "appointment") in [(i.kind, i.text) for i in page.timeline]
    # The old "Oké, ik kom" button no longer confirms anything.
    assert await life.press(f"appt:ok:{appointment_id}:1") != ["Top, tot dan!"]


async def test_gewist_op_verzoek_is_not_an_outcome_a_worker_can_choose(db: Database) -> None:
    scene = await noor_with_sara(db)
    life, inbox, sara = scene.life, scene.inbox, scene.sara
    with pytest.raises(Invalid, match="resultaat"):
        await inbox.set_status(sara, life.case_id, "closed", "erased")
    assert (await life.case()).status == "active"


async def test_after_a_handover_the_appointment_and_the_youth_name_tom(db: Database) -> None:
    scene = await noor_with_sara(db)
    life, inbox, planner, sara = scene.life, scene.inbox, scene.planner, scene.sara
    tom = await add_worker(db, "Tom")
    appointment_id = await plan_thursday(scene)

    before = await life.last_message_id()
    await inbox.assign(sara, life.case_id, tom.id)
    told = [m.text for m in await life.messages_after(before)]
    assert told == [
        "Tom neemt het nu over van Sara. Je kunt gewoon hier blijven schrijven.",
        "Je afspraak van donderdag 3 december om 14u gaat gewoon door, nu met Tom.",
    ]
    (view,) = await planner.of_case(tom, life.case_id)
    assert view.worker_name == "Tom"
    assert "met Tom" in " ".join(await life.says("/afspraken"))

    await life.press(f"appt:no:{appointment_id}:1")
    await life.press(f"apptwhen:{appointment_id}:morning")
    answer = " ".join(await life.press(f"apptwhy:{appointment_id}:skip"))
    assert "Tom zoekt een nieuw moment met je." in answer and "Sara" not in answer

    # The reminder the day before names Tom too.
    await life.live_until(life.clock.now + timedelta(days=3))
    said = " ".join(m.text for m in await life.messages_after(before))
    assert "Even een herinnering: je afspraak met Tom" in said


async def test_an_appointment_with_another_colleague_stays_with_them(db: Database) -> None:
    scene = await noor_with_sara(db)
    life, inbox, planner, sara = scene.life, scene.inbox, scene.planner, scene.sara
    lisa = await add_worker(db, "Lisa")
    tom = await add_worker(db, "Tom")
    await plan_thursday(scene, with_id=lisa.id)
    before = await life.last_message_id()
    await inbox.assign(sara, life.case_id, tom.id)
    assert len(await life.messages_after(before)) == 1  # only who takes over
    (view,) = await planner.of_case(tom, life.case_id)
    assert view.worker_name == "Lisa"


async def test_erasure_removes_the_pending_reminders(db: Database, tmp_path: Path) -> None:
    scene = await noor_with_sara(db)
    life = scene.life
    appointment_id = await plan_thursday(scene)
    assert "pending" in await reminders(db, appointment_id)
    privacy = Privacy(db, life.engine.runtime, tmp_path, lambda p, c: None)
    await life.says("/vergeetmij")
    await life.press(f"forget:yes:{int(life.clock.now.timestamp() // 60)}")
    life.clock.now += ERASE_WITHIN
    assert await privacy.tick() == 1
    async with db.transaction() as session:
        assert list((await session.execute(select(Reminder))).scalars()) == []
        assert list((await session.execute(select(Appointment))).scalars()) == []
    before = await life.last_message_id()
    await life.live_until(life.clock.now + timedelta(days=4))
    assert await life.messages_after(before) == []  # no reminder reaches an erased youth


async def test_a_youth_writing_20_times_while_the_tab_is_open_is_one_look(db: Database) -> None:
    scene = await noor_with_sara(db)
    life, inbox, sara = scene.life, scene.inbox, scene.sara
    jan = await add_worker(db, "Jan", role="coordinator")
    await inbox.case(sara, life.case_id)  # Sara opens the case
    for n in range(20):
        life.clock.now += timedelta(seconds=30)
        await life.says(f"bericht {n}")
        await inbox.timeline_after(sara, life.case_id, life.clock.now - timedelta(seconds=30))
    await inbox.reply(sara, life.case_id, "Ik lees alles, Noor!")
    await inbox.case(sara, life.case_id)  # the page after her reply
    trail = await inbox.audit_trail(jan, life.case_id)
    assert [a for _, a, _ in trail].count("view_case") == 1
    # Back an hour later: a new visit.
    life.clock.now += timedelta(hours=1)
    await inbox.case(sara, life.case_id)
    trail = await inbox.audit_trail(jan, life.case_id)
    assert [a for _, a, _ in trail].count("view_case") == 2


def test_every_audit_action_has_plain_dutch_words() -> None:
    assert set(ACTION_LABELS) == set(casework.AUDIT_ACTIONS)
    assert all("_" not in label for label in ACTION_LABELS.values())


async def test_an_unknown_audit_action_is_a_bug(db: Database) -> None:
    async with db.transaction() as session:
        with pytest.raises(ValueError, match="AUDIT_ACTIONS"):
            await casework.audit(session, None, "appointment_teleported", None, Clock().now)
        assert list((await session.execute(select(AuditEntry))).scalars()) == []
