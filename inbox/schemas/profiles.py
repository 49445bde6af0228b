"""The case's profile for the ESF+ report: what the API answers and the partial change it reads.

Every field is one code of its list in storage.profiles; "unknown" is a value like any other.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from pydantic import Field

from inbox.schemas.base import Id, Moment, OneOf, Request, Response
from inbox.service import ProfileView
from storage.profiles import CHOICES, EDUCATION, GENDERS, LABOUR, YES_NO

KEEP = "Left out or null: unchanged."
Gender = Annotated[str, OneOf(GENDERS)]
Labour = Annotated[str, OneOf(LABOUR)]
Education = Annotated[str, OneOf(EDUCATION)]
YesNo = Annotated[str, OneOf(YES_NO)]

GENDER = "woman, man, x (non-binary or other), not_said (would rather not say) or unknown."
LABOUR_STATUS = (
    "At the start: unemployed, long_term_unemployed (12 months or more), inactive (not "
    "working and not looking), employed, or unknown."
)
EDUCATION_LEVEL = "Highest level: isced_0_2, isced_3_4, isced_5_8, or unknown."
DESCRIPTIONS = {
    "gender": GENDER,
    "labour_status": LABOUR_STATUS,
    "education": EDUCATION_LEVEL,
    "disability": "ESF+: a participant with disabilities.",
    "third_country": "ESF+: a third-country national (a nationality outside the EU).",
    "foreign_background": "ESF+: a participant of foreign background.",
    "minority": "ESF+: a participant from a minority (including marginalised communities such as the Roma).",
    "homeless": "ESF+: homeless or affected by housing exclusion.",
    "rural": "ESF+: living in a rural area.",
    "qualification": "Gained a qualification on leaving.",
}  # fmt: skip


class ProfileChange(Request):
    """Only the fields sent change; "unknown" sets a field back."""

    gender: Gender | None = Field(None, description=f"{GENDER} {KEEP}")
    labour_status: Labour | None = Field(None, description=f"{LABOUR_STATUS} {KEEP}")
    education: Education | None = Field(None, description=f"{EDUCATION_LEVEL} {KEEP}")
    disability: YesNo | None = Field(None, description=f"{DESCRIPTIONS['disability']} {KEEP}")
    third_country: YesNo | None = Field(None, description=f"{DESCRIPTIONS['third_country']} {KEEP}")
    foreign_background: YesNo | None = Field(
        None, description=f"{DESCRIPTIONS['foreign_background']} {KEEP}"
    )
    minority: YesNo | None = Field(None, description=f"{DESCRIPTIONS['minority']} {KEEP}")
    homeless: YesNo | None = Field(None, description=f"{DESCRIPTIONS['homeless']} {KEEP}")
    rural: YesNo | None = Field(None, description=f"{DESCRIPTIONS['rural']} {KEEP}")
    qualification: YesNo | None = Field(None, description=f"{DESCRIPTIONS['qualification']} {KEEP}")

    def changes(self) -> dict[str, object]:
        """The fields sent with a value."""
        return {f: v for f, v in self.model_dump(exclude_unset=True).items() if v is not None}


class Profile(Response):
    """A case's profile for the report; a field nobody filled in is "unknown"."""

    gender: Gender = Field(description=GENDER)
    labour_status: Labour = Field(description=LABOUR_STATUS)
    education: Education = Field(description=EDUCATION_LEVEL)
    disability: YesNo = Field(description=DESCRIPTIONS["disability"])
    third_country: YesNo = Field(description=DESCRIPTIONS["third_country"])
    foreign_background: YesNo = Field(description=DESCRIPTIONS["foreign_background"])
    minority: YesNo = Field(description=DESCRIPTIONS["minority"])
    homeless: YesNo = Field(description=DESCRIPTIONS["homeless"])
    rural: YesNo = Field(description=DESCRIPTIONS["rural"])
    qualification: YesNo = Field(description=DESCRIPTIONS["qualification"])
    filled_by: Id | None = Field(description="The worker who last changed it; null: nobody yet.")
    filled_by_name: str | None = Field(description="That worker's first name.")
    filled_at: Moment | None = Field(description="When it was last changed.")

    @classmethod
    def of(cls, view: ProfileView) -> Profile:
        return cls(**asdict(view.profile), filled_by_name=view.filled_by_name)


assert set(DESCRIPTIONS) == set(CHOICES) == set(ProfileChange.model_fields)
