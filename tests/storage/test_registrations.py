"""Registrations: a crisis written during the intake belongs to the registration it leads to."""

from __future__ import annotations

from datetime import timedelta

from storage import registrations, youths
from storage.clock import utcnow
from storage.db import Database


async def test_a_crisis_counts_for_the_registration_after_it_not_for_one_long_closed(
    db: Database,
) -> None:
    now = utcnow()
    async with db.transaction() as session:
        youth = await youths.get_or_create(session, "web", "lotte", "nl", now - timedelta(days=500))
        assert not await registrations.crisis_since_last_case(session, youth.id)
        await registrations.record_safety_event(
            session, youth, "suicide", "p1", now - timedelta(days=400)
        )
        assert await registrations.crisis_since_last_case(session, youth.id)  # no case yet

        first = await registrations.open_case(session, youth, "wam", {}, now - timedelta(days=390))
        first.status, first.closed_at = "closed", now - timedelta(days=30)
        await session.flush()
        assert not await registrations.crisis_since_last_case(session, youth.id)  # long ago

        await registrations.record_safety_event(session, youth, "suicide", "p2", now)
        assert await registrations.crisis_since_last_case(session, youth.id)  # this intake
