"""The youth's data rights that both sides offer: the /mijngegevens file and the erasure date."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.runtime import Runtime
from flows.directory import Partnership
from flows.model import N_, Reply
from flows.privacy import export_summary
from flows.views import Stored
from storage.export import export, youth_sent
from storage.models import Case, Worker, Youth
from storage.privacy import Deletion

EXPORT_CAPTION = N_("Alles wat we over jou bewaren, in één bestand.")


def partnership_of(runtime: Runtime, youth: Youth, case: Case | None) -> Partnership:
    """The partnership whose retention periods apply (the fallback before routing)."""
    pid = case.partnership_id if case else (youth.state.get("answers") or {}).get("partnership_id")
    directory = runtime.directory
    return (
        directory.partnership(pid) if pid and directory.has_partnership(pid) else directory.fallback
    )


async def deletion_of(session: AsyncSession, runtime: Runtime, youth: Youth) -> Deletion:
    """When the youth's data goes, by the partnership's retention periods."""
    case = await latest_case(session, youth.id)
    partnership = partnership_of(runtime, youth, case)
    if case is None:
        days = partnership.retention_unfinished_days
        return Deletion(youth.updated_at + timedelta(days=days), "unfinished_intake")
    if case.status != "closed" or case.closed_at is None:
        return Deletion(None, "open_case")
    return Deletion(
        case.closed_at + timedelta(days=partnership.retention_closed_days), "closed_case"
    )


async def export_for(
    session: AsyncSession, runtime: Runtime, youth: Youth, now: datetime
) -> tuple[Reply, str, str]:
    """/mijngegevens: the plain summary, the file name and the JSON of everything stored."""
    deletion = await deletion_of(session, runtime, youth)
    names = {p.id: p.name for p in runtime.directory.partnerships}
    data = await export(session, youth, deletion, now, names)
    case = await latest_case(session, youth.id)
    coach = await session.get(Worker, case.worker_id) if case and case.worker_id else None
    stored = Stored(
        sent_by_you=len([m for m in data["messages"] if youth_sent(m)]),
        from_coach=len([m for m in data["messages"] if m["from"] == "coach"]),
        appointments=len(data["appointments"]),
        checkins=len([c for c in data["check_ins"] if c["sent_at"]]),
        consents=len(data["permissions"]), has_answers=bool(data["registrations"]),
        coach=coach.first_name if coach else None, delete_on=deletion.at, rule=deletion.rule,
        keep_days=partnership_of(runtime, youth, case).retention_closed_days,
    )  # fmt: skip
    content = json.dumps(data, ensure_ascii=False, indent=2)
    name = f"mijn-gegevens-{now.astimezone(runtime.timezone):%Y-%m-%d}.json"
    return export_summary(stored), name, content


async def latest_case(session: AsyncSession, youth_id: int) -> Case | None:
    stmt = select(Case).where(Case.youth_id == youth_id).order_by(Case.id.desc()).limit(1)
    return (await session.execute(stmt)).scalar_one_or_none()
