"""A known partnership for the report tests: WWIN in November 2026, built through the storage
functions the team's work goes through (registering, claiming, answering, closing, profiles,
signals, check-ins). The expected figures in the tests are counted by hand from this story.

- 40 youths register in November (i = 0…39), 10 a week from Monday 2 November, Monday to
  Friday (i % 5), at 9:00 in Brussels; referral by i % 5 (vdab, vdab, ocmw, school, none),
  municipality Wetteren (even i), Lede (odd i), none (i % 10 == 9), age by i % 5 (17, 19, 25,
  30, none), every one asks for work, i % 3 == 0 also for school.
- Sara takes 0…19 and answers 0…14 after 3 hours, 15…19 after 5 days (late); Tom takes
  20…29 and answers 20…27 after a day; 28, 29 and the waiting 30…39 get no answer yet.
- Sara closes 0…9 on 20 November: 0-3 work, 4-5 training, 6 other help, 7 no contact,
  8 moved, 9 work; she pauses 10.
- Profiles for 0…29: gender woman (even) / man (odd) but 5 x and 7 "wil ik niet zeggen";
  labour long-term unemployed (0-9), unemployed (10-19), inactive (20-24), employed (25-27),
  unknown (28-29); ISCED 0-2 (i % 3 == 0), 3-4 (i % 3 == 1); disability yes (0, 1), no (2…);
  qualification yes (0-3), no (4-6, 8, 9).
- Tom's older cases: 40…43 from October (Wetteren, 22), 40 and 41 closed "training" in
  November; 44…46 closed in May (44, 45: six months fall in November; 44 answered "work")
  and April (46).
- Signals: urgent on 0, 1, 2 (3 Nov 10:00 UTC), cleared after 2 h and 6 h, 2 still open;
  "uit beeld" on 20, 21 (17 Nov 10:00 UTC), 20 cleared after 24 h.
- Check-ins sent 10 November to the youths of 0…5, answered by 0…3; a re-contact (6) and an
  October check-in (7) do not count.
- Blind spots: Gent twice and Aalst once in November, Gent once in October.
- WAM, another partnership: 3 registrations, one closed "work", a check-in and an urgent
  signal in November, none of which shows in WWIN's report.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from storage import casework, checkins, followup, profiles, registrations, workers, youths
from storage.db import Database
from storage.models import Case, Worker

BRUSSELS = ZoneInfo("Europe/Brussels")
NOW = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
REFERRALS = ("vdab", "vdab", "ocmw", "school", None)
AGES = (17, 19, 25, 30, None)
OUTCOMES = ("work",) * 4 + ("training",) * 2 + ("other_help", "no_contact", "moved", "work")


def local(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=BRUSSELS).astimezone(UTC)


def created(i: int) -> datetime:
    return local(date(2026, 11, 2) + timedelta(weeks=i // 10, days=i % 5))


def municipality(i: int) -> str | None:
    return None if i % 10 == 9 else ("Wetteren" if i % 2 == 0 else "Lede")


def profile(i: int) -> dict[str, object]:
    gender = {5: "x", 7: "not_said"}.get(i, "woman" if i % 2 == 0 else "man")
    labour = (
        "long_term_unemployed" if i < 10 else "unemployed" if i < 20 else
        "inactive" if i < 25 else "employed" if i < 28 else "unknown"
    )  # fmt: skip
    values: dict[str, object] = {"gender": gender, "labour_status": labour}
    if i % 3 < 2:
        values["education"] = ("isced_0_2", "isced_3_4")[i % 3]
    values["disability"] = "yes" if i < 2 else "no"
    if i < 4:
        values["qualification"] = "yes"
    elif i < 10 and i != 7:
        values["qualification"] = "no"
    return values


async def add_worker(
    session: AsyncSession, partnership: str, name: str, role: str, capacity: int
) -> Worker:
    first = name.split(" ", 1)[0]
    return await workers.add(
        session,
        partnership_id=partnership, username=first.lower(), first_name=first, full_name=name,
        password_hash="x", role=role, now=NOW - timedelta(days=400), capacity=capacity,
    )  # fmt: skip


async def build_population(db: Database) -> dict[int, int]:
    """Build the story above; returns the case id of each youth number i."""
    ids: dict[int, int] = {}
    async with db.transaction() as session:
        sara = await add_worker(session, "wwin", "Sara Janssens", "worker", 10)
        tom = await add_worker(session, "wwin", "Tom De Smet", "worker", 8)
        await add_worker(session, "wwin", "Jan Peeters", "coordinator", 15)
        eva = await add_worker(session, "wam", "Eva Maes", "worker", 10)

        async def register(i: int, partnership: str, at: datetime, answers: dict[str, object]) -> Case:  # fmt: skip
            youth = await youths.get_or_create(session, "web", f"{partnership}{i}", "nl", at)
            case = await registrations.open_case(session, youth, partnership, answers, at)
            ids[i] = case.id
            return case

        async def take(case: Case, worker: Worker, at: datetime) -> None:
            assert await casework.claim(session, case.id, worker, at)
            await session.refresh(case)

        cases: dict[int, Case] = {}
        for i in range(40):
            answers = {
                "name": f"Jongere {i}", "age": AGES[i % 5], "municipality": municipality(i),
                "referral": REFERRALS[i % 5], "needs": ["work", "school"] if i % 3 == 0 else ["work"],
            }  # fmt: skip
            cases[i] = case = await register(i, "wwin", created(i), answers)
            if i < 30:
                await take(case, sara if i < 20 else tom, created(i) + timedelta(minutes=30))
                await profiles.set_profile(session, case.id, profile(i), sara.id, NOW)
            after = (
                timedelta(hours=3) if i < 15 else timedelta(days=5) if i < 20 else
                timedelta(days=1) if i < 28 else None
            )  # fmt: skip
            if after is not None:
                await followup.worker_answered(session, case, created(i) + after)
        for i in range(10):
            await casework.set_status(session, cases[i], "closed", OUTCOMES[i], sara, local(date(2026, 11, 20), 15))  # fmt: skip
        await casework.set_status(session, cases[10], "paused", None, sara, NOW - timedelta(days=2))

        old = {"age": 22, "municipality": "Wetteren", "referral": "vdab", "needs": ["work"]}
        for i in range(40, 47):
            at = local(date(2026, 10, 5)) if i < 44 else local(date(2026, 1, 12))
            cases[i] = case = await register(i, "wwin", at, old)
            await take(case, tom, at + timedelta(hours=1))
            await followup.worker_answered(session, case, at + timedelta(hours=2))
        for i, day in ((40, date(2026, 11, 12)), (41, date(2026, 11, 13))):
            await casework.set_status(session, cases[i], "closed", "training", tom, local(day))
        for i, day in ((44, date(2026, 5, 10)), (45, date(2026, 5, 31)), (46, date(2026, 4, 20))):
            await casework.set_status(session, cases[i], "closed", "work", tom, local(day))
        cases[44].six_month_result = "work"
        cases[44].six_month_asked_at = cases[44].six_month_answered_at = local(date(2026, 11, 10))
        cases[45].six_month_asked_at = local(date(2026, 11, 30))

        urgent_at = datetime(2026, 11, 3, 10, tzinfo=UTC)
        for i in (0, 1, 2):
            await casework.set_urgent(session, cases[i], True, None, urgent_at)
        await casework.set_urgent(session, cases[0], False, sara, urgent_at + timedelta(hours=2))
        await casework.set_urgent(session, cases[1], False, sara, urgent_at + timedelta(hours=6))
        flag_at = datetime(2026, 11, 17, 10, tzinfo=UTC)
        for i in (20, 21):
            await casework.set_flag(session, cases[i], "uit_beeld", tom, flag_at)
        await casework.set_flag(session, cases[20], None, tom, flag_at + timedelta(hours=24))

        for i in range(8):
            youth = await youths.get_or_create(session, "web", f"wwin{i}", "nl", NOW)
            sent = local(date(2026, 10, 20) if i == 7 else date(2026, 11, 10), 18)
            row = await checkins.plan(session, youth, cases[i].id, "recontact" if i == 6 else "checkin", sent, sent)  # fmt: skip
            row.status, row.sent_at = "sent", sent
            if i < 4:
                row.status, row.answered_at = "answered", sent + timedelta(hours=1)

        for place, day in (("Gent", 3), ("Gent", 4), ("Aalst", 20)):
            await registrations.count_uncovered(session, place, date(2026, 11, day))
        await registrations.count_uncovered(session, "Gent", date(2026, 10, 30))

        wam = {"age": 20, "municipality": "Gent", "referral": "ocmw", "needs": ["money"]}
        for i in range(100, 103):
            case = await register(i, "wam", created(i - 100), wam)
        await take(case, eva, NOW - timedelta(days=20))
        await followup.worker_answered(session, case, NOW - timedelta(days=20))
        await profiles.set_profile(session, case.id, {"gender": "woman"}, eva.id, NOW)
        await casework.set_urgent(session, case, True, None, NOW - timedelta(days=19))
        await casework.set_status(session, case, "closed", "work", eva, NOW - timedelta(days=10))
        youth = await youths.get_or_create(session, "web", "wam102", "nl", NOW)
        sent = local(date(2026, 11, 10), 18)
        row = await checkins.plan(session, youth, case.id, "checkin", sent, sent)
        row.status, row.sent_at = "sent", sent
    return ids
