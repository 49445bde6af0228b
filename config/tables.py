"""The partnerships and places files as typed tables: what a coordinator may write, and how.

Pydantic models of the TOML, with every rule worded for the coordinator (config.problems);
config.partnerships turns a valid file into the flows.directory types.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime, time
from typing import Annotated, ClassVar

from pydantic import AfterValidator, BeforeValidator, Field, StrictBool, model_validator

from config.problems import Problem, Table, show
from flows.directory import (
    DEFAULT_DRIFT_DAYS,
    DEFAULT_LANG,
    DEFAULT_REMINDERS,
    SITUATIONS,
    compact,
    tokens_of,
)
from flows.entry import KEY_PATTERN
from flows.pacing import DEFAULT_QUIET, QuietHours, parse_quiet_hours

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
LANG_PATTERN = re.compile(r"^[a-z]{2}$")
HOURS_PATTERN = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")
PHONE_PATTERN = re.compile(r"^\+?[0-9][0-9 ]{1,18}[0-9]$")
E164_PATTERN = re.compile(r"^[1-9][0-9]{7,14}$")  # wa.me wants the digits only, no + or spaces
URL_PATTERN = re.compile(r"^(https?://)?[a-z0-9.-]+\.[a-z]{2,}(/\S*)?$", re.IGNORECASE)
MAX_WORKDAYS = 30
MAX_REMINDER_MINUTES = 14 * 24 * 60


# --- values -----------------------------------------------------------------------------------


def text(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Problem(f"must be non-empty text, not {show(value)}")
    return value.strip()


def optional_text(value: object) -> str | None:
    return None if value is None else text(value)


def ident(value: str) -> str:
    if not ID_PATTERN.match(value):
        raise Problem(f"{show(value)} may only hold lowercase letters, digits, - and _")
    return value


def postcode(value: object) -> str:
    ok = isinstance(value, str | int) and not isinstance(value, bool)
    code = str(value).strip() if ok else ""
    if not (len(code) == 4 and code.isdigit() and 1000 <= int(code) <= 9999):
        raise Problem(f"{show(value)} is not a 4-digit Belgian postcode")
    return code


def between(low: int, high: int) -> Callable[[object], int]:
    def whole(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise Problem(f"must be a whole number from {low} to {high}, not {show(value)}")
        return value

    return whole


def hours(value: object) -> tuple[time, time]:
    raw = text(value)
    found = HOURS_PATTERN.match(raw)
    problem = Problem(f'{show(raw)} is not like "09:00-17:00"')
    if not found:
        raise problem
    h1, m1, h2, m2 = (int(g) for g in found.groups())
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
        raise problem
    if time(h1, m1) >= time(h2, m2):
        raise Problem(f"{show(raw)}: the start must be before the end")
    return time(h1, m1), time(h2, m2)


def language(value: str) -> str:
    if not LANG_PATTERN.match(value):
        raise Problem('is not a language code like "nl" or "en"')
    return value


def with_dutch(value: Mapping[str, str]) -> Mapping[str, str]:
    if value and DEFAULT_LANG not in value:
        raise Problem("is missing: every text needs a Dutch (nl) version", DEFAULT_LANG)
    return value


def needs_dutch(value: Mapping[str, str]) -> Mapping[str, str]:
    if DEFAULT_LANG not in value:
        raise Problem("is missing: every text needs a Dutch (nl) version", DEFAULT_LANG)
    return value


def phone_number(value: str | None) -> str | None:
    if value is not None and not PHONE_PATTERN.match(value):
        raise Problem(f'{show(value)} is not a phone number like "1813" or "078 15 10 20"')
    return value


def e164(value: str | None) -> str | None:
    if value is not None and not E164_PATTERN.match(value):
        raise Problem(f'{show(value)} is not an international number in digits, like "32470123456"')
    return value


def entry_key(value: str) -> str:
    if not KEY_PATTERN.match(value):
        raise Problem(f"{show(value)} must be a short code of lowercase letters, digits, - and _")
    return value


def web_address(value: str | None) -> str | None:
    if value is not None and not URL_PATTERN.match(value):
        raise Problem(f'{show(value)} is not a web address like "awel.be"')
    return value


def situation(value: object) -> str:
    if not isinstance(value, str) or value not in SITUATIONS:
        raise Problem(f"unknown situation {show(value)} ({', '.join(sorted(SITUATIONS))})")
    return str(value)


def a_date(value: object) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise Problem(f"{show(value)} is not a date like 2026-11-22 (without quotes)")
    return value


def quiet(value: object) -> QuietHours:
    window = parse_quiet_hours(text(value))
    if window is None:
        raise Problem(f'{show(value)} is not a window like "21:00-09:00"')
    return window


def reminders(value: object) -> tuple[int, ...]:
    if not isinstance(value, list):
        raise Problem(f"must be a list like [...], not {show(value)}")
    for i, item in enumerate(value):
        if isinstance(item, bool) or not isinstance(item, int):
            raise Problem(f"must be minutes, not {show(item)}", i)
        if not 1 <= item <= MAX_REMINDER_MINUTES:
            raise Problem(f"{item} must be from 1 to {MAX_REMINDER_MINUTES} minutes", i)
    if len(set(value)) != len(value):
        raise Problem("lists the same reminder twice")
    return tuple(sorted(value, reverse=True))


def at_least_one(what: str) -> Callable[[tuple[object, ...]], tuple[object, ...]]:
    def check(value: tuple[object, ...]) -> tuple[object, ...]:
        if not value:
            raise Problem(f"needs at least one {what}")
        return value

    return check


Text = Annotated[str, BeforeValidator(text)]
OptionalText = Annotated[str | None, BeforeValidator(optional_text)]
Id = Annotated[str, BeforeValidator(text), AfterValidator(ident)]
Postcode = Annotated[str, BeforeValidator(postcode)]
Hours = Annotated[tuple[time, time] | None, BeforeValidator(hours)]  # None: closed
LocalText = Annotated[
    Mapping[Annotated[str, AfterValidator(language)], Text], AfterValidator(needs_dutch)
]
OptionalLocalText = Annotated[
    Mapping[Annotated[str, AfterValidator(language)], Text], AfterValidator(with_dutch)
]


# --- tables -----------------------------------------------------------------------------------


class WorkingHours(Table):
    unknown: ClassVar[str] = f"unknown day; use {', '.join(DAYS)} (a missing day is closed)"
    mon: Hours = None
    tue: Hours = None
    wed: Hours = None
    thu: Hours = None
    fri: Hours = None
    sat: Hours = None
    sun: Hours = None

    def by_weekday(self) -> dict[int, tuple[time, time]]:
        days = (getattr(self, day) for day in DAYS)
        return {i: span for i, span in enumerate(days) if span is not None}


class MunicipalityTable(Table):
    name: Text
    postcodes: Annotated[tuple[Postcode, ...], AfterValidator(at_least_one("postcode"))]
    deelgemeenten: tuple[Text, ...] = ()
    to_confirm: StrictBool = False
    aliases: tuple[Text, ...] = ()


class LocationTable(Table):
    name: Text
    address: Text


class HelpLineTable(Table):
    hints: ClassVar[Mapping[str, str]] = {
        "verified": "is missing (write true or false)",
        "checked_on": "is missing (write a date like 2026-11-22, without quotes)",
    }
    id: Id
    name: Text
    number: Annotated[OptionalText, AfterValidator(phone_number)] = None
    url: Annotated[OptionalText, AfterValidator(web_address)] = None
    hours: LocalText
    situations: Annotated[
        tuple[Annotated[str, BeforeValidator(situation)], ...],
        AfterValidator(at_least_one("situation")),
    ]
    checked_on: Annotated[date, BeforeValidator(a_date)]
    verified: StrictBool
    about: OptionalLocalText = Field(default_factory=dict)

    @model_validator(mode="after")
    def reachable(self) -> HelpLineTable:
        if self.number is None and self.url is None:
            raise Problem("a help line needs a number, a url, or both", "number")
        return self


class EntryPointTable(Table):
    key: Annotated[str, BeforeValidator(text), AfterValidator(entry_key)]
    label: Text
    organisation: OptionalText = None


class PartnershipTable(Table):
    id: Id
    name: Text
    short_name: Text
    is_fallback: StrictBool = False
    municipalities: tuple[MunicipalityTable, ...] = ()
    organisations: tuple[Text, ...] = ()
    contact: LocalText
    first_response_workdays: Annotated[int, BeforeValidator(between(0, MAX_WORKDAYS))]
    working_hours: WorkingHours
    locations: tuple[LocationTable, ...] = ()
    phone: OptionalText = None
    email: OptionalText = None
    reminders_minutes_before: Annotated[tuple[int, ...], BeforeValidator(reminders)] = (
        DEFAULT_REMINDERS
    )
    help_line_ids: tuple[Text, ...] = ()
    to_confirm: StrictBool = False
    quick_replies: tuple[Text, ...] = ()
    auto_assign: StrictBool = False
    quiet_hours: Annotated[QuietHours, BeforeValidator(quiet)] = DEFAULT_QUIET
    drift_days: Annotated[int, BeforeValidator(between(7, 180))] = DEFAULT_DRIFT_DAYS
    retention_unfinished_days: Annotated[int, BeforeValidator(between(1, 365))] = 30
    retention_closed_days: Annotated[int, BeforeValidator(between(30, 3650))] = 365
    entry_points: tuple[EntryPointTable, ...] = ()
    whatsapp_number: Annotated[OptionalText, AfterValidator(e164)] = None
    show_phone_numbers: StrictBool = False

    @model_validator(mode="after")
    def serves_places(self) -> PartnershipTable:
        if self.is_fallback and self.municipalities:
            raise Problem(
                "the fallback serves every place no one covers: list none", "municipalities"
            )
        if not self.is_fallback and not self.municipalities:
            raise Problem("needs at least one municipality", "municipalities")
        return self


def check_unique(values: list[str], table: str, key: str) -> None:
    seen: dict[str, int] = {}
    for i, value in enumerate(values):
        if value in seen:
            raise Problem(f"{show(value)} is already used by {table}[{seen[value]}]", table, i, key)
        seen[value] = i


def check_unique_keys(partnerships: tuple[PartnershipTable, ...]) -> None:
    """An entry point's key names one poster in the whole file: it lands on the case alone."""
    seen: dict[str, int] = {}
    for i, row in enumerate(partnerships):
        for j, entry in enumerate(row.entry_points):
            if entry.key in seen:
                problem = f"{show(entry.key)} is already used by partnership[{seen[entry.key]}]"
                raise Problem(problem, "partnership", i, "entry_points", j, "key")
            seen[entry.key] = i


class PartnershipsFile(Table):
    help_line: tuple[HelpLineTable, ...]
    partnership: tuple[PartnershipTable, ...]

    @model_validator(mode="after")
    def consistent(self) -> PartnershipsFile:
        """Ids are unique, help lines exist, each municipality has one partnership, one fallback."""
        check_unique([line.id for line in self.help_line], "help_line", "id")
        known = [line.id for line in self.help_line]
        for i, row in enumerate(self.partnership):
            for j, line_id in enumerate(row.help_line_ids):
                if line_id not in known:
                    problem = f"unknown help line {show(line_id)} (known: {', '.join(known)})"
                    raise Problem(problem, "partnership", i, "help_line_ids", j)
        check_unique([row.id for row in self.partnership], "partnership", "id")
        check_unique_keys(self.partnership)
        owner: dict[str, str] = {}  # a municipality in two partnerships: routing would guess
        for i, row in enumerate(self.partnership):
            for j, municipality in enumerate(row.municipalities):
                key = compact(tokens_of(municipality.name))
                if key in owner:
                    problem = (
                        f"{show(municipality.name)} is already covered by partnership "
                        f"{show(owner[key])}"
                    )
                    raise Problem(problem, "partnership", i, "municipalities", j, "name")
                owner[key] = row.id
        fallbacks = [i for i, row in enumerate(self.partnership) if row.is_fallback]
        if not fallbacks:
            raise Problem("no partnership has is_fallback = true; exactly one must", "partnership")
        if len(fallbacks) > 1:
            problem = f"only one fallback is allowed; partnership[{fallbacks[0]}] is one"
            raise Problem(problem, "partnership", fallbacks[1], "is_fallback")
        return self


class PlaceTable(Table):
    name: Text
    postcodes: tuple[Postcode, ...]
    deelgemeenten: tuple[Text, ...] = ()
    province: OptionalText = None
    aliases: tuple[Text, ...] = ()


class PlacesFile(Table):
    place: tuple[PlaceTable, ...]

    @model_validator(mode="after")
    def unique_names(self) -> PlacesFile:
        check_unique([compact(tokens_of(p.name)) for p in self.place], "place", "name")
        return self
