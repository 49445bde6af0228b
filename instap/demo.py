"""Demo data for a newcomer: `instap demo-data`, and `make run` on an empty database."""

from __future__ import annotations

from dataclasses import replace

from flows.directory import Directory, Partnership
from inbox.accounts import NewAccount, seed_demo
from storage import demo
from storage.clock import utcnow
from storage.db import Database


def demo_partnership(directory: Directory, partnership_id: str | None = None) -> Partnership:
    """The one asked for, else the first in the partnerships file. Raises ValueError."""
    own = [p for p in directory.partnerships if not p.is_fallback]
    for p in own:
        if partnership_id in (None, p.id):
            return p
    known = ", ".join(p.id for p in own)
    raise ValueError(f"unknown partnership {partnership_id!r} (known: {known})")


def uncovered_places(directory: Directory) -> list[str]:
    """Real municipalities no partnership covers, for the blind-spot counts (sorted)."""
    covered = {
        m.name for p in directory.partnerships if not p.is_fallback for m in p.municipalities
    }
    return sorted({place.name for place in directory.known_places} - covered)


async def add_demo_data(
    db: Database,
    directory: Directory,
    partnership_id: str | None = None,
    youths: int = demo.DEMO.youths,
) -> demo.Filled:
    """Two years of fake activity ending now; raises demo.NotForDemo next to real data."""
    partnership = demo_partnership(directory, partnership_id)
    places = uncovered_places(directory)
    # A fixed order of places, then a fixed seed: the same day gives the same demo.
    async with db.transaction() as session:
        return await demo.fill(
            session, partnership, places, utcnow(), replace(demo.DEMO, youths=youths)
        )


def summary(filled: demo.Filled, name: str) -> str:
    """One line for the console."""
    rows = filled.rows
    return (
        f"Demo data added to {name}: {rows.get('youths', 0)} fake youths, "
        f"{rows.get('case_signals', 0)} signals and {rows.get('checkins', 0)} check-ins over "
        f"two years (all marked demo; see the report in the inbox)."
    )


async def demo_command(
    db: Database, directory: Directory, partnership_id: str | None, youths: int
) -> tuple[list[NewAccount], demo.Filled]:
    """`instap demo-data`: on an empty database also the demo accounts, so someone can log in."""
    partnership = demo_partnership(directory, partnership_id)
    async with db.transaction() as session:
        await demo.check_empty(session)
    accounts = await seed_demo(db, directory, partnership.id)
    return accounts, await add_demo_data(db, directory, partnership.id, youths)
