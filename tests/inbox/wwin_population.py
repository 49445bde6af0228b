"""A WWIN-like partnership over 2026, the known population of issue 13's first "Done when"
("400 individueel begeleid, 200 doorgestroomd naar werk of opleiding"), built through the
storage functions the team's work goes through. The figures the tests expect are counted by
hand from this story (tests/inbox/test_wwin_report.py), never by calling the report.

Youths i = 0…399, in blocks of ten: block b = i // 10 (0…39).

- Registration: 40 a month from January to October 2026 (month i // 40), on day 5 + i % 20
  at 9:00 in Brussels. Every case is claimed an hour later and answered an hour after that
  (first response after 2 hours: always on time). Nobody is left waiting.
- Worker by block: b % 3 == 0 Sara (capacity 60), 1 Tom (40), 2 Lien (45); Jan is the
  coordinator (capacity 15) and takes no case himself.
- Municipality by block: b % 2 == 0 Wetteren, b % 4 == 1 Wichelen, b % 8 == 3 Lede,
  b % 8 == 7 none given. Referral vdab (even block) or school. Everyone asks for work.
- Age (intake) by block: b % 8 = 0 → 16, 1 → 17, 2 → 18, 3 → 22, 4 → 25, 5 → 29, 6 → 30,
  7 → not given.
- Gender within each block, by i % 10: 0-3 woman, 4-6 man, 7 x, 8 "wil ik niet zeggen",
  9 never got a profile at all (so every profile field of theirs is "onbekend"). Each
  block of ten thus holds 4 women, 3 men, 1 x, 1 not said, 1 unknown.
- The profile (filled in a week after registration, for i % 10 != 9) by block:
  labour status b % 5 = 0 unemployed, 1 long-term unemployed, 2 inactive, 3 employed,
  4 left unknown; education b % 8 in 0-2 ISCED 0–2, 3-5 ISCED 3–4, 6 ISCED 5–8, 7 left
  unknown; disability yes when b % 10 == 0, else no; foreign background yes for even
  blocks, left unknown for odd ones; homeless yes in blocks 7 and 27, else no; the other
  three categories (third country, minority, rural) are never filled in.
- Closing, 28 days after registration in the afternoon (blocks 0…25): blocks 0…12 "work"
  (130), 13…19 "training" (70), 20-21 other help, 22 moved, 23 other, 24-25 no contact.
  Qualification at closing (for those with a profile): yes in blocks 10…19, no in 0…9 and
  20…23, left unknown in 24-25. Blocks 26…37 stay active, 38-39 are paused two weeks in.
- Six months after closing, the bot asked blocks 0…19 (closed February to June 2026, so
  their six months fall in 2026): by block b % 4 = 0 answered "work", 1 "training", 3 never
  answered, and b % 4 == 2: blocks 2, 10, 18 "looking", 6, 14 "other".
- WAM, another partnership: 5 youths in March 2026, with a profile, closed to work: none of
  them may show in WWIN's figures.

Group offers (issue 15): WWIN's koken, atelier werkattitude and netwerkmoment, and one of
WAM's, as tests/inbox/offers_population.py tells it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from inbox.passwords import hash_password
from storage import casework, followup, profiles, registrations, sixmonths, workers, youths
from storage.db import Database
from storage.models import Worker
from tests.inbox.offers_population import WAM, build_offers
from tests.support.inbox import PASSWORD

BRUSSELS = ZoneInfo("Europe/Brussels")
NOW = datetime(2027, 1, 15, 10, 0, tzinfo=UTC)  # 2026 is over: the whole year is reported
YOUTHS = 400
# (first name, full name, role, capacity); the worker of block b is WORKERS[b % 3]
WORKERS = (
    ("Sara", "Sara Janssens", "worker", 60),
    ("Tom", "Tom De Smet", "worker", 40),
    ("Lien", "Lien Claes", "worker", 45),
)
COORDINATOR = ("Jan", "Jan Peeters", "coordinator", 15)
AGES = (16, 17, 18, 22, 25, 29, 30, None)
LABOUR = ("unemployed", "long_term_unemployed", "inactive", "employed", None)
EDUCATION = ("isced_0_2",) * 3 + ("isced_3_4",) * 3 + ("isced_5_8", None)
GENDERS = ("woman",) * 4 + ("man",) * 3 + ("x", "not_said", None)
OTHERWISE = {20: "other_help", 21: "other_help", 22: "moved", 23: "other", 24: "no_contact", 25: "no_contact"}  # fmt: skip
SIX_MONTHS = {0: "work", 1: "training", 2: "looking", 6: "other", 10: "looking", 14: "other", 18: "looking"}  # fmt: skip


def local(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=BRUSSELS).astimezone(UTC)


def registered(i: int) -> datetime:
    return local(date(2026, 1 + i // 40, 5 + i % 20))


def municipality(block: int) -> str | None:
    if block % 2 == 0:
        return "Wetteren"
    return "Wichelen" if block % 4 == 1 else "Lede" if block % 8 == 3 else None


def outcome(block: int) -> str | None:
    if block <= 12:
        return "work"
    if block <= 19:
        return "training"
    return OTHERWISE.get(block)


def profile(i: int) -> dict[str, object] | None:
    """What the worker filled in a week after registration (None: no profile at all)."""
    block, gender = i // 10, GENDERS[i % 10]
    if gender is None:
        return None
    values: dict[str, object] = {"gender": gender}
    if LABOUR[block % 5] is not None:
        values["labour_status"] = LABOUR[block % 5]
    if EDUCATION[block % 8] is not None:
        values["education"] = EDUCATION[block % 8]
    values["disability"] = "yes" if block % 10 == 0 else "no"
    if block % 2 == 0:
        values["foreign_background"] = "yes"
    values["homeless"] = "yes" if block in (7, 27) else "no"
    return values


def qualification(block: int) -> str | None:
    return "yes" if 10 <= block <= 19 else "no" if block <= 23 else None


def six_month_answer(block: int) -> str | None:
    """The answer to the six-month question of a block asked (0…19); None: never answered."""
    if block % 4 == 0:
        return "work"
    if block % 4 == 1:
        return "training"
    return SIX_MONTHS.get(block)


async def add_worker(
    session: AsyncSession, partnership: str, who: tuple[str, str, str, int]
) -> Worker:
    first, full, role, capacity = who
    secret = hash_password(PASSWORD) if role == "coordinator" else "x"  # Jan logs in
    return await workers.add(
        session, partnership_id=partnership, username=f"{first.lower()}@{partnership}",
        first_name=first, full_name=full, password_hash=secret, role=role,
        now=datetime(2025, 12, 1, tzinfo=UTC), capacity=capacity,
    )  # fmt: skip


async def build_wwin(db: Database) -> None:
    """Build the story above in one transaction."""
    async with db.transaction() as session:
        team = [await add_worker(session, "wwin", who) for who in WORKERS]
        await add_worker(session, "wwin", COORDINATOR)
        ids = [await youth(session, i, team[i // 10 % 3]) for i in range(YOUTHS)]
        await build_offers(session, "wwin", team[0], ids)
        eva = await add_worker(session, "wam", ("Eva", "Eva Maes", "worker", 10))
        wam: list[int] = []
        for i in range(5):
            at = local(date(2026, 3, 2 + i))
            person = await youths.get_or_create(session, "web", f"wam{i}", "nl", at)
            wam.append(person.id)
            answers = {"name": f"Wam {i}", "age": 20, "municipality": "Gent", "needs": ["work"]}
            case = await registrations.open_case(session, person, "wam", answers, at)
            assert await casework.claim(session, case.id, eva, at + timedelta(hours=1))
            await session.refresh(case)
            await followup.worker_answered(session, case, at + timedelta(hours=2))
            values: dict[str, object] = {"gender": "woman", "labour_status": "unemployed"}
            await profiles.set_profile(session, case.id, values, eva.id, at)
            await casework.set_status(session, case, "closed", "work", eva, at + timedelta(days=9))
        await build_offers(session, "wam", eva, wam, WAM)


async def youth(session: AsyncSession, i: int, worker: Worker) -> int:
    """One youth's way through WWIN, as the story above tells it; their id."""
    block, at = i // 10, registered(i)
    person = await youths.get_or_create(session, "web", f"wwin{i}", "nl", at)
    answers = {
        "name": f"Jongere {i}", "age": AGES[block % 8], "municipality": municipality(block),
        "referral": "vdab" if block % 2 == 0 else "school", "needs": ["work"],
    }  # fmt: skip
    case = await registrations.open_case(session, person, "wwin", answers, at)
    assert await casework.claim(session, case.id, worker, at + timedelta(hours=1))
    await session.refresh(case)
    await followup.worker_answered(session, case, at + timedelta(hours=2))
    values = profile(i)
    if values is not None:
        await profiles.set_profile(session, case.id, values, worker.id, at + timedelta(days=7))
    result = outcome(block)
    if result is None:
        if block >= 38:
            await casework.set_status(session, case, "paused", None, worker, at + timedelta(days=14))  # fmt: skip
        return person.id
    closed = at + timedelta(days=28, hours=6)
    if values is not None and qualification(block) is not None:
        await profiles.set_profile(session, case.id, {"qualification": qualification(block)}, worker.id, closed)  # fmt: skip
    await casework.set_status(session, case, "closed", result, worker, closed)
    if block < 20:
        asked = closed + timedelta(days=183)
        case.six_month_asked_at = asked  # the bot asked (storage.sixmonths.claim_due + flow)
        answer = six_month_answer(block)
        if answer is not None:
            assert await sixmonths.record_answer(session, person.id, case.id, answer, asked + timedelta(hours=3))  # fmt: skip
    return person.id
