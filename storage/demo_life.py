"""One demo youth's two years, as rows: registration, claim, messages, check-ins, signals,
profile, closing and the six-month answer (storage.demo inserts them in bulk).

The shares are plausible, not measured: most first answers come within the partnership's
promise, about half of the closed cases end in work or training, most profiles are filled
in and some fields stay "onbekend".
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flows.directory import Partnership
from flows.intake import add_workdays
from storage.models import (
    Case,
    CaseEvent,
    CaseNeed,
    CaseProfile,
    CaseSignal,
    CheckIn,
    Consent,
    Message,
    Note,
    Youth,
)
from storage.profiles import UNKNOWN

BRUSSELS = ZoneInfo("Europe/Brussels")
NOTE = "Demo: een verzonnen jongere om Instap te leren kennen. Niets hiervan is echt."
Add = Callable[[type[Any], dict[str, Any]], None]

# Fake Flemish first names, with the gender a worker would most likely note.
NAMES = (
    *(("woman", n) for n in (
        "Noor", "Emma", "Lotte", "Fien", "Marie", "Lien", "Amber", "Jana", "Elise", "Yasmina",
        "Hanne", "Lore", "Febe", "Zoë", "Kaat", "Ines", "Sara", "Aya", "Imane", "Shana",
        "Britt", "Jolien", "Nina", "Elif", "Margot",
    )),
    *(("man", n) for n in (
        "Lucas", "Wout", "Arne", "Jens", "Milan", "Seppe", "Robbe", "Kobe", "Bilal", "Thibo",
        "Jarne", "Senne", "Stan", "Ayoub", "Niels", "Mohamed", "Rune", "Lars", "Dries",
        "Brent", "Yannick", "Kenzo", "Emre", "Tuur", "Jonas",
    )),
)  # fmt: skip
NEEDS = (("work", 50), ("school", 25), ("money", 20), ("housing", 12), ("wellbeing", 20),
         ("papers", 6), ("other", 8))  # fmt: skip
REFERRALS = (("vdab", 25), ("ocmw", 14), ("school", 10), ("friend", 15), ("social", 14),
             ("self", 16), ("other", 6))  # fmt: skip
AGES = tuple(range(18, 31))
AGE_WEIGHTS = (10, 12, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 3)
RHYTHMS = (("week", 25), ("2weeks", 30), ("month", 25), ("none", 20))
EVERY = {"week": 7, "2weeks": 14, "month": 30}
OUTCOMES = (("work", 31), ("training", 18), ("other_help", 14), ("no_contact", 19),
            ("moved", 6), ("other", 12))  # fmt: skip
LABOUR = (("unemployed", 40), ("long_term_unemployed", 18), ("inactive", 25), ("employed", 5),
          (UNKNOWN, 12))  # fmt: skip
EDUCATION = (("isced_0_2", 44), ("isced_3_4", 36), ("isced_5_8", 5), (UNKNOWN, 15))
# Per ESF+ disadvantage: how often yes, no, unknown.
DISADVANTAGE = {
    "disability": (8, 72, 20), "third_country": (14, 70, 16), "foreign_background": (30, 55, 15),
    "minority": (5, 70, 25), "homeless": (6, 84, 10), "rural": (20, 65, 15),
}  # fmt: skip
SIX_MONTH = {  # the answer six months after, by outcome at closing
    "work": (("work", 70), ("training", 8), ("looking", 15), ("other", 7)),
    "training": (("work", 20), ("training", 60), ("looking", 12), ("other", 8)),
}
SIX_MONTH_OTHER = (("work", 25), ("training", 15), ("looking", 40), ("other", 20))
FROM_YOUTH = (
    "Hoi, ik zoek werk maar weet niet waar te beginnen.", "Oké, dat past voor mij.",
    "Sorry dat ik niet kwam, ik was ziek.", "Ik heb morgen een sollicitatie!",
    "Kan het ook volgende week?", "Dank je, dat helpt echt.", "Ik heb mijn papieren gevonden.",
    "Het gaat beter deze week.", "Ik heb de job!! 🎉", "Mag ik je iets vragen over mijn uitkering?",
)  # fmt: skip
FROM_WORKER = (
    "Hoi {name}, ik ben {worker}. Ik las je aanmelding. Past een babbel deze week?",
    "Top! Tot dinsdag om 14u, in het jongerenpunt.", "Goed dat je het laat weten. Nieuwe datum?",
    "Zullen we samen je cv bekijken?", "Ik stuur je het adres van de VDAB-werkwinkel.",
    "Fijn om te horen, {name}! Hoe voelde het gesprek?", "Ik denk aan je. Laat je iets weten?",
)  # fmt: skip
BOT_THANKS = "Top, {name}! Je aanmelding is binnen. Een coach neemt contact met je op."


def pick(rng: random.Random, weighted: Sequence[tuple[str, int]]) -> str:
    return rng.choices([k for k, _ in weighted], [w for _, w in weighted])[0]


@dataclass
class Life:
    youth_id: int
    case_id: int
    registered: datetime  # Brussels time
    place: str


def at_work(rng: random.Random, moment: datetime) -> datetime:
    """The same moment, or the next one a worker is at work (weekdays 9u–17u), in UTC."""
    local = moment.astimezone(BRUSSELS)
    if local.weekday() < 5 and 9 <= local.hour < 17:
        return local.astimezone(UTC)
    day = local.date() if local.hour < 9 else local.date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    start = time(9 + rng.randrange(3), rng.randrange(60))
    return datetime.combine(day, start, tzinfo=BRUSSELS).astimezone(UTC)


def first_answer(rng: random.Random, registered: datetime, workdays: int) -> datetime:
    """A worker's first message: mostly by the promised working day, about one in seven later."""
    deadline = add_workdays(registered.date(), workdays)
    late = rng.random() < 0.14
    extra = rng.randint(1, 4) if late else rng.choices((0, 1, 2, 3), (5, 4, 2, 1))[0]
    day = registered.date()
    for _ in range(extra):
        day = add_workdays(day, 1)
    if not late:
        day = min(day, deadline)
    moment = datetime.combine(day, time(9, 0), tzinfo=BRUSSELS) + timedelta(
        minutes=rng.randrange(8 * 60)
    )
    moment = at_work(rng, max(moment, registered + timedelta(minutes=20)))
    if not late and moment.astimezone(BRUSSELS).date() > deadline:  # registered late on the day
        moment = at_work(rng, registered + timedelta(minutes=20))
    return moment


def live(
    rng: random.Random,
    life: Life,
    partnership: Partnership,
    workers: Sequence[tuple[int, str]],
    now: datetime,
    most: tuple[int, int],
    add: Add,
) -> None:
    """Make one youth's rows (at most `most` messages and check-ins), from registration to now, and hand each to `add`."""
    gender, name = rng.choice(NAMES)
    age = rng.choices(AGES, AGE_WEIGHTS)[0]
    needs = sorted({pick(rng, NEEDS) for _ in range(rng.choice((1, 1, 2, 2, 3)))})
    referral = pick(rng, REFERRALS)
    rhythm = pick(rng, RHYTHMS)
    registered = life.registered.astimezone(UTC)
    started = registered - timedelta(minutes=rng.randint(4, 15))
    answers = {
        "name": name, "age": age, "municipality": life.place, "place_via": "name",
        "needs": needs, "needs_text": "", "referral": referral,
        "reach": [rng.choice(("morning", "afternoon", "evening", "any"))], "language": "nl",
        "consent_version": "intake-2026-11", "demo": True,
    }  # fmt: skip
    case: dict[str, Any] = {
        "id": life.case_id, "youth_id": life.youth_id, "partnership_id": partnership.id,
        "status": "waiting", "answers": answers, "worker_id": None, "outcome": None,
        "urgent": False, "flag": None, "flagged_at": None, "unread": 0, "claimed_at": None,
        "closed_at": None, "last_youth_message_at": registered, "municipality": life.place,
        "referral": referral, "age": age, "first_response_at": None, "six_month_asked_at": None,
        "six_month_result": None, "six_month_answered_at": None, "created_at": registered,
        "updated_at": registered,
    }  # fmt: skip
    youth = {
        "id": life.youth_id, "channel": "web", "channel_user_id": f"demo:{life.youth_id:07d}",
        "lang": "nl", "state": {"step": "done", "answers": answers}, "stopped": False,
        "unreachable": False, "reminders": True, "checkin_rhythm": rhythm,
        "paused_until": None, "quiet_hours": None, "last_automated_at": None,
        "erase_requested_at": None, "created_at": started, "updated_at": registered,
    }  # fmt: skip
    add(Youth, youth)
    add(Case, case)
    for need in needs:
        add(CaseNeed, {"case_id": life.case_id, "need": need})
    for kind, version, given in (
        ("intake", "intake-2026-11", True),
        ("checkins", "checkins-2026-11", rhythm != "none"),
    ):
        add(Consent, {"youth_id": life.youth_id, "kind": kind, "version": version,
                      "given": given, "channel": "web", "created_at": registered})  # fmt: skip
    message(add, life, "out", "bot", BOT_THANKS.format(name=name), registered, None)
    answered = first_answer(rng, life.registered, partnership.first_response_workdays)
    if answered >= now or (now - registered < timedelta(days=7) and rng.random() < 0.35):
        return  # still in the queue
    worker_id, worker = rng.choice(workers)
    claimed = max(registered, answered - timedelta(minutes=rng.randint(2, 90)))
    case.update(status="active", worker_id=worker_id, claimed_at=claimed,
                first_response_at=answered, updated_at=answered)  # fmt: skip
    event(add, life, worker_id, "claimed", {"worker": worker}, claimed)
    add(
        Note, {"case_id": life.case_id, "worker_id": worker_id, "text": NOTE, "created_at": claimed}
    )
    ends = claimed + timedelta(days=min(600.0, rng.lognormvariate(4.6, 0.6)))  # median 100 days
    closing: datetime | None = at_work(rng, ends)
    if closing is not None and closing >= now:  # ending tomorrow morning is not closed yet
        closing = None
    until = closing or now
    chat(rng, add, life, case, name, worker_id, worker, answered, until, most[0])
    heard = now - timedelta(days=rng.uniform(0.2, 18))
    if closing is None and heard > answered and rng.random() < 0.85:  # most are in touch
        message(add, life, "in", "youth", rng.choice(FROM_YOUTH), heard, None)
        case["last_youth_message_at"] = max(heard, case["last_youth_message_at"])
    low = checkins(rng, add, life, youth, rhythm, claimed, until, most[1], closing is None)
    signals(rng, add, life, case, partnership.id, claimed, until, low, closing is None)
    if rng.random() < 0.85:
        profile(rng, add, life, gender, worker_id, claimed, until, closing is not None)
    if closing is None:
        if rng.random() < 0.1:
            case["status"] = "paused"
            event(add, life, worker_id, "status", {"status": "paused", "outcome": None}, until)
        return
    outcome = pick(rng, OUTCOMES)
    case.update(status="closed", outcome=outcome, closed_at=closing, updated_at=closing)
    event(add, life, worker_id, "status", {"status": "closed", "outcome": outcome}, closing)
    asked = closing + timedelta(days=182)
    if rhythm != "none" and asked < now and outcome != "moved":
        case["six_month_asked_at"] = asked
        if rng.random() < 0.55:
            case["six_month_result"] = pick(rng, SIX_MONTH.get(outcome, SIX_MONTH_OTHER))
            case["six_month_answered_at"] = min(now, asked + timedelta(hours=rng.randint(1, 72)))


def message(
    add: Add, life: Life, direction: str, author: str, text: str, at: datetime, worker: int | None
) -> None:
    add(Message, {"youth_id": life.youth_id, "direction": direction, "author": author,
                  "text": text, "delivery": "sent", "channel_message_id": None,
                  "worker_id": worker, "media": None, "client_ref": None, "created_at": at})  # fmt: skip


def event(
    add: Add, life: Life, worker: int | None, kind: str, data: dict[str, Any], at: datetime
) -> None:
    add(CaseEvent, {"case_id": life.case_id, "worker_id": worker, "kind": kind, "data": data,
                    "created_at": at})  # fmt: skip


def chat(
    rng: random.Random, add: Add, life: Life, case: dict[str, Any], name: str,
    worker_id: int, worker: str, first: datetime, until: datetime, most: int,
) -> None:  # fmt: skip
    """The worker's first message, then a few each way while the guidance runs."""
    message(add, life, "out", "worker", FROM_WORKER[0].format(name=name, worker=worker),
            first, worker_id)  # fmt: skip
    span = max(60.0, (until - first).total_seconds())
    moments = sorted(first + timedelta(seconds=rng.uniform(60, span)) for _ in range(most - 1))
    from_youth = True
    for at in moments[: rng.randint(1, max(1, most - 1))]:
        if from_youth:
            message(add, life, "in", "youth", rng.choice(FROM_YOUTH), at, None)
            case["last_youth_message_at"] = at
        else:
            text = rng.choice(FROM_WORKER[1:]).format(name=name, worker=worker)
            message(add, life, "out", "worker", text, at, worker_id)
        from_youth = not from_youth if rng.random() < 0.8 else from_youth


def checkins(
    rng: random.Random, add: Add, life: Life, youth: dict[str, Any], rhythm: str,
    claimed: datetime, until: datetime, most: int, still_open: bool,
) -> list[datetime]:  # fmt: skip
    """Check-ins at the youth's rhythm, most answered with a face, and on a running case the
    next one planned. Returns when the low answers came."""
    if rhythm == "none":
        return []
    low: list[datetime] = []
    every = timedelta(days=EVERY[rhythm])
    due = claimed + every
    for _ in range(most):
        if due >= until:
            break
        sent = due.astimezone(BRUSSELS).replace(hour=14, minute=0).astimezone(UTC)
        if sent >= until:
            break
        row: dict[str, Any] = {
            "youth_id": life.youth_id, "case_id": life.case_id, "kind": "checkin",
            "status": "sent", "due_at": sent, "sent_at": sent, "answered_at": None,
            "score": None, "note": None, "reason": None, "created_at": sent - every,
        }  # fmt: skip
        roll = rng.random()
        if roll < 0.1:
            row.update(status="skipped", sent_at=None, reason="contact")
        elif roll < 0.72 and (answered := sent + timedelta(minutes=rng.randint(2, 600))) < until:
            score = rng.choices((1, 2, 3, 4, 5), (5, 11, 30, 36, 18))[0]
            row.update(status="answered", answered_at=answered, score=score)
            if score <= 2:
                low.append(answered)
        if row["sent_at"] is not None:
            youth["last_automated_at"] = sent
        add(CheckIn, row)
        due += every
    if still_open:
        day = (until + timedelta(days=rng.uniform(0.5, every.days))).astimezone(BRUSSELS)
        planned = day.replace(hour=14, minute=0).astimezone(UTC)
        add(CheckIn, {"youth_id": life.youth_id, "case_id": life.case_id, "kind": "checkin",
                      "status": "planned", "due_at": max(planned, until + timedelta(hours=1)),
                      "sent_at": None, "answered_at": None, "score": None, "note": None,
                      "reason": None, "created_at": until})  # fmt: skip
    return low


def signals(
    rng: random.Random, add: Add, life: Life, case: dict[str, Any], partnership_id: str,
    claimed: datetime, until: datetime, low: list[datetime], still_open: bool,
) -> None:  # fmt: skip
    """ "Aandacht" after some low answers, now and then "uit beeld" and "dringend", mostly
    followed up by the worker (an open one on a running case shows as the case's flag)."""
    raised: list[tuple[str, datetime, float]] = [
        ("aandacht", at, rng.uniform(1, 96)) for at in low if rng.random() < 0.5
    ]
    span = (until - claimed).total_seconds()
    if span > 86400 * 30 and rng.random() < 0.14:
        at = claimed + timedelta(seconds=rng.uniform(86400 * 21, span))
        raised.append(("uit_beeld", at, rng.uniform(4, 240)))
    if rng.random() < 0.05:
        at = claimed + timedelta(seconds=rng.uniform(0, max(span, 3600)))
        hours = rng.uniform(0.1, 3) if rng.random() < 0.8 else rng.uniform(4, 40)
        raised.append(("urgent", at, hours))
    for kind, at, hours in raised:
        if at >= until:
            continue
        followed: datetime | None = min(at + timedelta(hours=hours), until)
        if still_open and (until - at < timedelta(days=14) and rng.random() < 0.5):
            followed = None  # recent, on a running case: still to be followed up
        add(CaseSignal, {"case_id": life.case_id, "partnership_id": partnership_id,
                         "kind": kind, "raised_at": at, "followed_up_at": followed})  # fmt: skip
        if followed is None and kind == "urgent":
            case["urgent"] = True
        elif followed is None:
            case["flag"], case["flagged_at"] = kind, at


def profile(
    rng: random.Random, add: Add, life: Life, gender: str, worker_id: int,
    claimed: datetime, until: datetime, closed: bool,
) -> None:  # fmt: skip
    """The ESF+ profile as a worker fills it in over the first weeks; some fields unknown."""
    roll = rng.random()
    noted = gender if roll < 0.86 else "not_said" if roll < 0.9 else "x" if roll < 0.93 else UNKNOWN
    row: dict[str, Any] = {
        "case_id": life.case_id,
        "gender": noted,
        "labour_status": pick(rng, LABOUR),
        "education": pick(rng, EDUCATION),
        "qualification": rng.choices(("yes", "no", UNKNOWN), (22, 55, 23))[0]
        if closed
        else UNKNOWN,
        "filled_by": worker_id,
        "filled_at": min(until, claimed + timedelta(days=rng.uniform(3, 40))),
    }
    for category, (yes, no, unknown) in DISADVANTAGE.items():
        row[category] = rng.choices(("yes", "no", UNKNOWN), (yes, no, unknown))[0]
    add(CaseProfile, row)
