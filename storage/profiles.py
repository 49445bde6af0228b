"""A participant's profile for the ESF+ report, and what their outcomes mean in ESF+ terms.

The worker fills the profile in over time (the intake never asks it); "unknown" is allowed
for every field and counted in the report, never hidden. The categories follow the common
indicators of Regulation (EU) 2021/1057, Annex I.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import CaseProfile

UNKNOWN = "unknown"
GENDERS = ("woman", "man", "x", "not_said", UNKNOWN)  # x: non-binary / other
LABOUR = ("unemployed", "long_term_unemployed", "inactive", "employed", UNKNOWN)
EDUCATION = ("isced_0_2", "isced_3_4", "isced_5_8", UNKNOWN)
YES_NO = ("yes", "no", UNKNOWN)
# The ESF+ "disadvantaged participants" categories, each yes / no / unknown.
DISADVANTAGES = (
    "disability",
    "third_country",
    "foreign_background",
    "minority",
    "homeless",
    "rural",
)
CHOICES: dict[str, tuple[str, ...]] = {
    "gender": GENDERS,
    "labour_status": LABOUR,
    "education": EDUCATION,
    **{d: YES_NO for d in DISADVANTAGES},
    "qualification": YES_NO,  # gained a qualification on leaving
}

# The six-month answer (storage: Case.six_month_result); None while not asked or not answered.
SIX_MONTH = ("work", "training", "looking", "other", UNKNOWN)
# A case's outcome at closing (storage.casework.OUTCOMES) as an ESF+ result on leaving.
RESULT_ON_LEAVING = {
    "work": "employment",  # in employment, including self-employment
    "training": "education",  # in education or training
    "other_help": "other",
    "moved": "other",
    "other": "other",
    "no_contact": UNKNOWN,
}


@dataclass(frozen=True)
class Profile:
    gender: str = UNKNOWN
    labour_status: str = UNKNOWN
    education: str = UNKNOWN
    disability: str = UNKNOWN
    third_country: str = UNKNOWN
    foreign_background: str = UNKNOWN
    minority: str = UNKNOWN
    homeless: str = UNKNOWN
    rural: str = UNKNOWN
    qualification: str = UNKNOWN
    filled_by: int | None = None  # a worker id; None: nobody filled it in yet
    filled_at: datetime | None = None


class BadProfileValue(ValueError):
    """A value outside a field's list: `field` names the field (the API answers 422)."""

    def __init__(self, field: str, value: object) -> None:
        super().__init__(f"{field}: {value!r} is not one of {', '.join(CHOICES[field])}")
        self.field = field


def validate(values: dict[str, object]) -> dict[str, str]:
    """Keep the known fields; raise BadProfileValue naming the first field out of its list."""
    clean: dict[str, str] = {}
    for field, value in values.items():
        if field not in CHOICES:
            raise KeyError(field)
        if not isinstance(value, str) or value not in CHOICES[field]:
            raise BadProfileValue(field, value)
        clean[field] = value
    return clean


async def profile_of(session: AsyncSession, case_id: int) -> Profile:
    row = await session.get(CaseProfile, case_id)
    if row is None:
        return Profile()
    return Profile(**{f.name: getattr(row, f.name) for f in fields(Profile)})


async def set_profile(
    session: AsyncSession, case_id: int, values: dict[str, object], worker_id: int, now: datetime
) -> Profile:
    """Change some fields of the case's profile (the others stay); who and when are kept."""
    clean = validate(values)
    row = await session.get(CaseProfile, case_id)
    if row is None:
        row = CaseProfile(case_id=case_id, **{f: UNKNOWN for f in CHOICES})
        session.add(row)
    for field, value in clean.items():
        setattr(row, field, value)
    row.filled_by, row.filled_at = worker_id, now
    await session.flush()
    return await profile_of(session, case_id)
