"""WWIN's group offers in and around 2026, the known population of issue 15's "The report
shows sessions, attendances and unique participants", built through the storage functions
the Aanbod pages use (tests/inbox/wwin_population.py calls it). The figures the tests expect
are counted by hand from this story (tests/inbox/test_wwin_report.py).

Youth n is WWIN's youth n (Jongere n). Sara leads everything. Times are Brussels'.

Koken (groepswerk), Fridays 14:00:
- 19 Dec 2025: 0 and 1 came — before the period.
- 6 Mar 2026: 0, 1, 2, 3 booked; 0, 1, 2 came, and 2 walk-ins.
- 13 Mar 2026: 0, 1, 2, 3 booked; 0 and 3 came.
- 20 Mar 2026: 0 and 1 booked; nobody saved who was there — not held.
- 27 Mar 2026: 0 booked; the session was cancelled — not held.

Werkattitude (atelier), Tuesdays 10:00:
- 2 Jun 2026: 2, 4, 5, 6 booked and came, and 3 walk-ins.
- 9 Jun 2026: 4, 5, 6 booked; 4 and 5 came.
- 16 Jun 2026: 4 and 5 booked; the leader saved that nobody came — held, no attendances.
- 23 Jun 2026: 4 booked; nothing saved — not held.
- 4 Aug 2026: nobody booked; 5 walk-ins — held.

Netwerkmoment met werkgevers (netwerkmoment):
- 1 Jan 2026 00:30 (31 Dec 2025 in UTC): 3 walk-ins — in 2026.
- 24 Sep 2026 18:00: 0, 2, 4, 7 booked and came, and 10 walk-ins.
- 1 Jan 2027 00:30 (31 Dec 2026 in UTC): 7 came and 1 walk-in — after 2026.

No infosessie. WAM (another partnership) holds "Koken in Gent" on 10 Mar 2026: their youth
0 and 4 walk-ins; none of it may show in WWIN's report.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from storage import offer_inbox, offers
from storage.models import Worker

BRUSSELS = ZoneInfo("Europe/Brussels")
PLANNED = datetime(2025, 11, 1, tzinfo=UTC)  # every session was planned before it began


class Held(NamedTuple):
    """One session: its local day and hour, who booked, who came (None: nothing saved),
    the walk-ins and whether it was cancelled."""

    day: date
    at: time
    booked: tuple[int, ...] = ()
    came: tuple[int, ...] | None = None
    walk_ins: int = 0
    cancelled: bool = False


def friday(day: date, booked: tuple[int, ...], came: tuple[int, ...] | None, walk_ins: int = 0, *, cancelled: bool = False) -> Held:  # fmt: skip
    return Held(day, time(14), booked, came, walk_ins, cancelled)


def tuesday(day: date, booked: tuple[int, ...], came: tuple[int, ...] | None, walk_ins: int = 0) -> Held:  # fmt: skip
    return Held(day, time(10), booked, came, walk_ins)


KOKEN = (
    friday(date(2025, 12, 19), (0, 1), (0, 1)),
    friday(date(2026, 3, 6), (0, 1, 2, 3), (0, 1, 2), 2),
    friday(date(2026, 3, 13), (0, 1, 2, 3), (0, 3)),
    friday(date(2026, 3, 20), (0, 1), None),
    friday(date(2026, 3, 27), (0,), None, cancelled=True),
)
WERKATTITUDE = (
    tuesday(date(2026, 6, 2), (2, 4, 5, 6), (2, 4, 5, 6), 3),
    tuesday(date(2026, 6, 9), (4, 5, 6), (4, 5)),
    tuesday(date(2026, 6, 16), (4, 5), ()),
    tuesday(date(2026, 6, 23), (4,), None),
    tuesday(date(2026, 8, 4), (), (), 5),
)
NETWERKMOMENT = (
    Held(date(2026, 1, 1), time(0, 30), (), (), 3),
    Held(date(2026, 9, 24), time(18), (0, 2, 4, 7), (0, 2, 4, 7), 10),
    Held(date(2027, 1, 1), time(0, 30), (7,), (7,), 1),
)
OFFERS = (
    ("Koken", "groepswerk", KOKEN),
    ("Werkattitude", "atelier", WERKATTITUDE),
    ("Netwerkmoment met werkgevers", "netwerkmoment", NETWERKMOMENT),
)


async def build_offers(
    session: AsyncSession, partnership: str, leader: Worker, youth_ids: list[int],
    offered: tuple[tuple[str, str, tuple[Held, ...]], ...] = OFFERS,
) -> None:  # fmt: skip
    """Each offer with its sessions, bookings and attendance as the story above tells it."""
    for title, kind, sessions in offered:
        offer = await offers.create_offer(
            session, partnership_id=partnership, title=title, description="", kind=kind,
            place="De Kombuis", address="Markt 1, 9230 Wetteren", capacity=20,
            leader_id=leader.id, now=PLANNED,
        )  # fmt: skip
        for held in sessions:
            start = datetime.combine(held.day, held.at, tzinfo=BRUSSELS)
            (row,) = await offers.add_sessions(session, offer, offers.weekly_starts(start, 1), 120, PLANNED)  # fmt: skip
            for n in held.booked:
                assert await offers.book(session, row.id, youth_ids[n], PLANNED) == "booked"
            if held.came is not None:
                present = {youth_ids[n] for n in held.came}
                await offer_inbox.save_attendance(session, row.id, present, held.walk_ins)
            row.cancelled = held.cancelled  # no page cancels a session yet


WAM = (("Koken in Gent", "groepswerk", (Held(date(2026, 3, 10), time(14), (0,), (0,), 4),)),)
