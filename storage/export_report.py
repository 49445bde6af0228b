"""The /mijngegevens part about what the team keeps for the partnership's report (ESF+):
the profile a worker filled in, the help asked for as counted, and the moments the team had
to act fast or lost sight of you. Plain words, like the rest of storage.export."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import CaseNeed, CaseProfile, CaseSignal

GENDER = {
    "woman": "woman",
    "man": "man",
    "x": "x (non-binary or other)",
    "not_said": "you would rather not say",
}
SITUATION = {
    "unemployed": "looking for work",
    "long_term_unemployed": "looking for work for 12 months or more",
    "inactive": "not working and not looking for work",
    "employed": "working",
}
EDUCATION = {
    "isced_0_2": "no secondary school diploma",
    "isced_3_4": "a secondary school diploma",
    "isced_5_8": "higher education",
}
SIGNALS = {
    "urgent": "a message of yours made the team act fast",
    "uit_beeld": "no word from you for a while",
    "aandacht": "a low score at a check-in",
}
YES_NO: dict[str, str] = {}  # "yes", "no" and "unknown" are plain already
# Each field of the profile: its name in the file and its words.
FIELDS: tuple[tuple[str, str, Mapping[str, str]], ...] = (
    ("gender", "gender", GENDER),
    ("labour_status", "situation_when_you_started", SITUATION),
    ("education", "education", EDUCATION),
    ("disability", "disability", YES_NO),
    ("third_country", "nationality_outside_the_eu", YES_NO),
    ("foreign_background", "foreign_background", YES_NO),
    ("minority", "minority", YES_NO),
    ("homeless", "homeless_or_without_a_home_of_your_own", YES_NO),
    ("rural", "living_in_the_countryside", YES_NO),
    ("qualification", "diploma_or_certificate_when_closing", YES_NO),
)


def word(table: Mapping[str, str], code: str | None) -> str | None:
    return None if code is None else table.get(code, code.replace("_", " "))


async def for_the_report(
    session: AsyncSession, case_id: int, names: Mapping[int, str]
) -> dict[str, Any]:
    """A registration's part for the report: {for_the_report, help_with_for_the_report,
    alerts}; `names` are the coaches' first names by id."""
    profile = await session.get(CaseProfile, case_id)
    needs = select(CaseNeed.need).where(CaseNeed.case_id == case_id).order_by(CaseNeed.need)
    signals = select(CaseSignal).where(CaseSignal.case_id == case_id).order_by(CaseSignal.id)
    filled: dict[str, Any] | None = None
    if profile is not None:
        filled = {name: word(table, getattr(profile, field)) for field, name, table in FIELDS}
        filled["filled_in_by"] = names.get(profile.filled_by or 0)
        filled["filled_in_at"] = profile.filled_at.isoformat() if profile.filled_at else None
    return {
        "for_the_report": filled,
        "help_with_for_the_report": list((await session.execute(needs)).scalars()),
        "alerts": [
            {
                "id": s.id,
                "what": word(SIGNALS, s.kind),
                "at": s.raised_at.isoformat(),
                "followed_up_at": s.followed_up_at.isoformat() if s.followed_up_at else None,
            }
            for s in (await session.execute(signals)).scalars()
        ],
    }
