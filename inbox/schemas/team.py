"""The `team` tag: workers, their presence, and their API tokens."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from inbox.schemas.base import WHOLE, Id, Moment, OneOf, Request, Response, bounded
from storage.workers import MAX_TOKEN_DAYS, TOKEN_DAYS, TOKEN_SCOPES

# --- what a worker sends ------------------------------------------------------------------------


class NewWorker(Request):
    username: Annotated[str, bounded(120, 1, pattern=r"^[A-Za-z0-9][A-Za-z0-9._@-]*$")]
    first_name: Annotated[str, bounded(60, 1)]
    full_name: Annotated[str, bounded(120)] = ""
    password: Annotated[str, bounded(256, 10)]
    role: Literal["worker", "coordinator"] = "worker"
    capacity: Annotated[int, Field(ge=0, le=200), WHOLE] = Field(
        15, description="How many open cases this worker can carry."
    )
    languages: Annotated[
        list[Annotated[str, bounded(3, 2, pattern=r"^[a-z]{2,3}$")]],
        Field(min_length=1, max_length=20),
    ] = Field(["nl"])
    organisation: Annotated[str, bounded(120)] = ""


class Presence(Request):
    absent: bool
    cover_id: Id | None = Field(None, description="Who answers meanwhile (a colleague).")


class NewTokenRequest(Request):
    name: Annotated[str, bounded(60, 1)] = Field(description="What it is for.")
    scope: Annotated[str, OneOf(TOKEN_SCOPES)] = Field(
        "write", description="read: GET only; write (default): everything."
    )
    days: Annotated[int, Field(ge=1, le=MAX_TOKEN_DAYS), WHOLE] = Field(
        TOKEN_DAYS, description=f"How long it works; {TOKEN_DAYS} when left out."
    )
    code: Annotated[str, bounded(7, pattern=r"^[0-9 ]*$")] = Field(
        "", description="With two-step login on: a code from your app, now (required)."
    )


# --- what the API answers -----------------------------------------------------------------------


class Worker(Response):
    id: int
    partnership_id: str
    username: str
    first_name: str
    full_name: str
    organisation: str
    role: Literal["worker", "coordinator", "admin"]
    languages: list[str]
    municipalities: list[str]
    capacity: int
    absent: bool
    cover_id: int | None
    telegram_linked: bool


class TeamMember(Response):
    worker: Worker
    open_cases: int


class Token(Response):
    id: int
    name: str
    scope: Annotated[str, OneOf(TOKEN_SCOPES)]
    created_at: Moment
    expires_at: Moment = Field(description="It stops working then.")
    last_used_at: Moment | None


class NewToken(Response):
    token: str = Field(description="Shown once; send as `Authorization: Bearer …`.")
    id: int
    name: str
    scope: Annotated[str, OneOf(TOKEN_SCOPES)]
    expires_at: Moment
    worker_id: int
