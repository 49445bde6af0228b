"""Service-wide running totals that outlive any one instance (a row per name), for metrics.

A counter only grows: it is read as a Prometheus `_total`, so it is a row of its own, not a
sum over rows that erasure or retention may delete.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, String, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base

# Deliveries whose sender died while the channel was being called, sent again by another:
# each may have arrived twice (storage.outbox.claim).
OUTBOX_DUPLICATES = "outbox_duplicates"


class Counter(Base):
    """One running total."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


async def add(session: AsyncSession, name: str, amount: int) -> None:
    """Add `amount` to the counter, creating it at first use (concurrent instances too)."""
    if amount == 0:
        return
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = insert(Counter).values(name=name, value=amount)
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[Counter.name], set_={"value": Counter.value + amount}
        )
    )


async def value(session: AsyncSession, name: str) -> int:
    """The counter's total so far (0 before its first count)."""
    found = await session.scalar(select(Counter.value).where(Counter.name == name))
    return int(found or 0)
