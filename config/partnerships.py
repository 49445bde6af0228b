"""Loads the partnerships file (TOML) and the places list, strictly validated, into a Directory.

Every problem raises PartnershipsFileError naming the file, the field path and what is wrong.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping
from datetime import date, datetime, time
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import NoReturn, TypeVar

from flows.directory import (
    DEFAULT_DRIFT_DAYS,
    DEFAULT_LANG,
    DEFAULT_REMINDERS,
    SITUATIONS,
    Directory,
    HelpLine,
    KnownPlace,
    Location,
    Municipality,
    Partnership,
    compact,
    tokens_of,
)
from flows.pacing import DEFAULT_QUIET, QuietHours, parse_quiet_hours

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
LANG_PATTERN = re.compile(r"^[a-z]{2}$")
HOURS_PATTERN = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")
PHONE_PATTERN = re.compile(r"^\+?[0-9][0-9 ]{1,18}[0-9]$")
URL_PATTERN = re.compile(r"^(https?://)?[a-z0-9.-]+\.[a-z]{2,}(/\S*)?$", re.IGNORECASE)
MAX_WORKDAYS = 30
MAX_REMINDER_MINUTES = 14 * 24 * 60

T = TypeVar("T")


class PartnershipsFileError(ValueError):
    """A problem in the partnerships or places file, precise enough for a coordinator to fix."""

    def __init__(self, path: Path, field: str, problem: str) -> None:
        self.path = path
        self.field = field
        self.problem = problem
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}: {self.field}" if self.field else str(self.path)
        return f"{where}: {self.problem}"


def show(value: object) -> str:
    """A value as the coordinator wrote it, quoted when it is text."""
    return f'"{value}"' if isinstance(value, str) else repr(value)


class Table:
    """One TOML table with its field path; every read is checked, unread keys are typos."""

    def __init__(self, file: Path, path: str, data: Mapping[str, object]) -> None:
        self.file = file
        self.path = path
        self.data = data
        self.read: set[str] = set()

    def at(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def fail(self, key: str, problem: str) -> NoReturn:
        raise PartnershipsFileError(self.file, self.at(key) if key else self.path, problem)

    def get(self, key: str) -> object:
        self.read.add(key)
        return self.data.get(key)

    def done(self) -> None:
        unknown = [k for k in self.data if k not in self.read]
        if unknown:
            known = ", ".join(sorted(self.read))
            self.fail(unknown[0], f"unknown field (known fields here: {known})")

    def text(self, key: str) -> str:
        value = self.get(key)
        if value is None:
            self.fail(key, "is missing")
        if not isinstance(value, str) or not value.strip():
            self.fail(key, f"must be non-empty text, not {show(value)}")
        return value.strip()

    def optional_text(self, key: str) -> str | None:
        return None if self.get(key) is None else self.text(key)

    def boolean(self, key: str, default: bool | None = None) -> bool:
        value = self.get(key)
        if value is None and default is not None:
            return default
        if value is None:
            self.fail(key, "is missing (write true or false)")
        if not isinstance(value, bool):
            self.fail(key, f"must be true or false, not {show(value)}")
        return value

    def integer(self, key: str, low: int, high: int) -> int:
        value = self.get(key)
        if value is None:
            self.fail(key, "is missing")
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.fail(key, f"must be a whole number from {low} to {high}, not {show(value)}")
        return value

    def items(self, key: str, parse: Callable[[str, object], T], *, required: bool) -> list[T]:
        """Parse each element of a list; `parse` gets the element's field path and value."""
        value = self.get(key)
        if value is None:
            if required:
                self.fail(key, "is missing")
            return []
        if not isinstance(value, list):
            self.fail(key, f"must be a list like [...], not {show(value)}")
        return [parse(f"{self.at(key)}[{i}]", item) for i, item in enumerate(value)]

    def texts(self, key: str, *, required: bool = False) -> tuple[str, ...]:
        def one(path: str, item: object) -> str:
            if not isinstance(item, str) or not item.strip():
                raise PartnershipsFileError(
                    self.file, path, f"must be non-empty text, not {show(item)}"
                )
            return item.strip()

        return tuple(self.items(key, one, required=required))

    def tables(self, key: str, *, required: bool) -> list[Table]:
        def one(path: str, item: object) -> Table:
            if not isinstance(item, dict):
                raise PartnershipsFileError(self.file, path, f"must be a table, not {show(item)}")
            return Table(self.file, path, item)

        return self.items(key, one, required=required)

    def table(self, key: str, *, required: bool = True) -> Table | None:
        value = self.get(key)
        if value is None:
            if required:
                self.fail(key, "is missing")
            return None
        if not isinstance(value, dict):
            self.fail(key, f"must be a table, not {show(value)}")
        return Table(self.file, self.at(key), value)

    def local_text(self, key: str, *, required: bool = True) -> Mapping[str, str]:
        table = self.table(key, required=required)
        if table is None:
            return MappingProxyType({})
        out: dict[str, str] = {}
        for lang in table.data:
            if not LANG_PATTERN.match(lang):
                table.fail(lang, 'is not a language code like "nl" or "en"')
            out[lang] = table.text(lang)
        if DEFAULT_LANG not in out:
            table.fail(DEFAULT_LANG, "is missing: every text needs a Dutch (nl) version")
        return MappingProxyType(out)


# --- pieces -----------------------------------------------------------------------------------


def postcode_parser(file: Path) -> Callable[[str, object], str]:
    def parse(path: str, item: object) -> str:
        code = (
            str(item).strip() if isinstance(item, str | int) and not isinstance(item, bool) else ""
        )
        if not (len(code) == 4 and code.isdigit() and 1000 <= int(code) <= 9999):
            raise PartnershipsFileError(
                file, path, f"{show(item)} is not a 4-digit Belgian postcode"
            )
        return code

    return parse


def parse_hours(table: Table, day: str) -> tuple[time, time]:
    raw = table.text(day)
    found = HOURS_PATTERN.match(raw)
    problem = f'{show(raw)} is not like "09:00-17:00"'
    if not found:
        table.fail(day, problem)
    h1, m1, h2, m2 = (int(g) for g in found.groups())
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
        table.fail(day, problem)
    start, end = time(h1, m1), time(h2, m2)
    if start >= end:
        table.fail(day, f"{show(raw)}: the start must be before the end")
    return start, end


def parse_working_hours(row: Table) -> Mapping[int, tuple[time, time]]:
    table = row.table("working_hours")
    assert table is not None
    for key in table.data:
        if key not in DAYS:
            table.fail(key, f"unknown day; use {', '.join(DAYS)} (a missing day is closed)")
    return MappingProxyType({DAYS.index(d): parse_hours(table, d) for d in DAYS if d in table.data})


def parse_municipality(row: Table) -> Municipality:
    municipality = Municipality(
        name=row.text("name"),
        postcodes=tuple(row.items("postcodes", postcode_parser(row.file), required=True)),
        deelgemeenten=row.texts("deelgemeenten"),
        to_confirm=row.boolean("to_confirm", default=False),
        aliases=row.texts("aliases"),
    )
    if not municipality.postcodes:
        row.fail("postcodes", "needs at least one postcode")
    row.done()
    return municipality


def parse_location(row: Table) -> Location:
    location = Location(name=row.text("name"), address=row.text("address"))
    row.done()
    return location


def parse_reminders(row: Table) -> tuple[int, ...]:
    def one(path: str, item: object) -> int:
        if isinstance(item, bool) or not isinstance(item, int):
            raise PartnershipsFileError(row.file, path, f"must be minutes, not {show(item)}")
        if not 1 <= item <= MAX_REMINDER_MINUTES:
            raise PartnershipsFileError(
                row.file, path, f"{item} must be from 1 to {MAX_REMINDER_MINUTES} minutes"
            )
        return item

    if row.data.get("reminders_minutes_before") is None:
        row.read.add("reminders_minutes_before")
        return DEFAULT_REMINDERS
    values = row.items("reminders_minutes_before", one, required=True)
    if len(set(values)) != len(values):
        row.fail("reminders_minutes_before", "lists the same reminder twice")
    return tuple(sorted(values, reverse=True))


def optional_integer(row: Table, key: str, low: int, high: int, default: int) -> int:
    return default if row.get(key) is None else row.integer(key, low, high)


def parse_quiet(row: Table) -> QuietHours:
    text = row.optional_text("quiet_hours")
    if text is None:
        return DEFAULT_QUIET
    quiet = parse_quiet_hours(text)
    if quiet is None:
        row.fail("quiet_hours", f'{show(text)} is not a window like "21:00-09:00"')
    return quiet


def parse_help_line(row: Table) -> HelpLine:
    line_id = row.text("id")
    if not ID_PATTERN.match(line_id):
        row.fail("id", f"{show(line_id)} may only hold lowercase letters, digits, - and _")
    number = row.optional_text("number")
    if number is not None and not PHONE_PATTERN.match(number):
        row.fail("number", f'{show(number)} is not a phone number like "1813" or "078 15 10 20"')
    url = row.optional_text("url")
    if url is not None and not URL_PATTERN.match(url):
        row.fail("url", f'{show(url)} is not a web address like "awel.be"')
    if number is None and url is None:
        row.fail("number", "a help line needs a number, a url, or both")

    def situation(path: str, item: object) -> str:
        if item not in SITUATIONS:
            known = ", ".join(sorted(SITUATIONS))
            raise PartnershipsFileError(row.file, path, f"unknown situation {show(item)} ({known})")
        return str(item)

    situations = tuple(row.items("situations", situation, required=True))
    if not situations:
        row.fail("situations", "needs at least one situation")
    checked = row.get("checked_on")
    if checked is None:
        row.fail("checked_on", "is missing (write a date like 2026-11-22, without quotes)")
    if isinstance(checked, datetime) or not isinstance(checked, date):
        row.fail("checked_on", f"{show(checked)} is not a date like 2026-11-22 (without quotes)")
    line = HelpLine(
        id=line_id,
        name=row.text("name"),
        number=number,
        url=url,
        hours=row.local_text("hours"),
        situations=situations,
        checked_on=checked,
        verified=row.boolean("verified"),
        about=row.local_text("about", required=False),
    )
    row.done()
    return line


def parse_partnership(row: Table, help_lines: Mapping[str, HelpLine]) -> Partnership:
    pid = row.text("id")
    if not ID_PATTERN.match(pid):
        row.fail("id", f"{show(pid)} may only hold lowercase letters, digits, - and _")

    def help_line_id(path: str, item: object) -> str:
        if not isinstance(item, str) or item not in help_lines:
            known = ", ".join(help_lines)
            raise PartnershipsFileError(
                row.file, path, f"unknown help line {show(item)} (known: {known})"
            )
        return item

    is_fallback = row.boolean("is_fallback", default=False)
    municipalities = tuple(
        parse_municipality(t) for t in row.tables("municipalities", required=not is_fallback)
    )
    if is_fallback and municipalities:
        row.fail("municipalities", "the fallback serves every place no one covers: list none")
    if not is_fallback and not municipalities:
        row.fail("municipalities", "needs at least one municipality")
    partnership = Partnership(
        id=pid,
        name=row.text("name"),
        short_name=row.text("short_name"),
        municipalities=municipalities,
        organisations=row.texts("organisations"),
        contact=row.local_text("contact"),
        first_response_workdays=row.integer("first_response_workdays", 0, MAX_WORKDAYS),
        working_hours=parse_working_hours(row),
        locations=tuple(parse_location(t) for t in row.tables("locations", required=False)),
        phone=row.optional_text("phone"),
        email=row.optional_text("email"),
        reminders_minutes_before=parse_reminders(row),
        help_line_ids=tuple(row.items("help_line_ids", help_line_id, required=False)),
        is_fallback=is_fallback,
        to_confirm=row.boolean("to_confirm", default=False),
        quick_replies=row.texts("quick_replies"),
        auto_assign=row.boolean("auto_assign", default=False),
        quiet_hours=parse_quiet(row),
        drift_days=optional_integer(row, "drift_days", 7, 180, DEFAULT_DRIFT_DAYS),
        retention_unfinished_days=optional_integer(row, "retention_unfinished_days", 1, 365, 30),
        retention_closed_days=optional_integer(row, "retention_closed_days", 30, 3650, 365),
    )
    row.done()
    return partnership


# --- whole files ------------------------------------------------------------------------------


def read_toml(path: Path, raw: bytes | None = None) -> Table:
    try:
        data = tomllib.loads((raw if raw is not None else path.read_bytes()).decode("utf-8"))
    except FileNotFoundError:
        raise PartnershipsFileError(path, "", "file not found") from None
    except UnicodeDecodeError as error:
        raise PartnershipsFileError(path, "", f"is not UTF-8 text ({error.reason})") from None
    except tomllib.TOMLDecodeError as error:
        raise PartnershipsFileError(path, "", f"TOML syntax error: {error}") from None
    return Table(path, "", data)


def check_unique(rows: list[Table], values: list[str], key: str, what: str) -> None:
    seen: dict[str, int] = {}
    for i, (row, value) in enumerate(zip(rows, values, strict=True)):
        if value in seen:
            row.fail(key, f"{show(value)} is already used by {what}[{seen[value]}]")
        seen[value] = i


def check_coverage(rows: list[Table], partnerships: list[Partnership]) -> None:
    """A municipality belongs to one partnership only; otherwise routing would be a guess."""
    owner: dict[str, str] = {}
    for row, partnership in zip(rows, partnerships, strict=True):
        for i, municipality in enumerate(partnership.municipalities):
            key = compact(tokens_of(municipality.name))
            if key in owner:
                row.fail(
                    f"municipalities[{i}].name",
                    f"{show(municipality.name)} is already covered by partnership "
                    f"{show(owner[key])}",
                )
            owner[key] = partnership.id


def load_places(path: Path | None = None) -> tuple[KnownPlace, ...]:
    """The reference list of municipalities (shipped as flows/data/places.toml by default)."""
    if path is None:
        resource = resources.files("flows.data").joinpath("places.toml")
        top = read_toml(Path("flows/data/places.toml"), resource.read_bytes())
    else:
        top = read_toml(path)
    places: list[KnownPlace] = []
    rows = top.tables("place", required=True)
    for row in rows:
        places.append(
            KnownPlace(
                name=row.text("name"),
                postcodes=tuple(row.items("postcodes", postcode_parser(row.file), required=True)),
                deelgemeenten=row.texts("deelgemeenten"),
                province=row.optional_text("province") or "",
                aliases=row.texts("aliases"),
            )
        )
        row.done()
    top.done()
    check_unique(rows, [compact(tokens_of(p.name)) for p in places], "name", "place")
    return tuple(places)


def load_directory(path: Path, places_path: Path | None = None) -> Directory:
    """Read and validate the partnerships file; raise PartnershipsFileError on any problem."""
    top = read_toml(path)
    line_rows = top.tables("help_line", required=True)
    lines = [parse_help_line(row) for row in line_rows]
    check_unique(line_rows, [line.id for line in lines], "id", "help_line")
    help_lines = MappingProxyType({line.id: line for line in lines})

    rows = top.tables("partnership", required=True)
    partnerships = [parse_partnership(row, help_lines) for row in rows]
    top.done()
    check_unique(rows, [p.id for p in partnerships], "id", "partnership")
    check_coverage(rows, partnerships)
    fallbacks = [i for i, p in enumerate(partnerships) if p.is_fallback]
    if not fallbacks:
        top.fail("partnership", "no partnership has is_fallback = true; exactly one must")
    if len(fallbacks) > 1:
        rows[fallbacks[1]].fail(
            "is_fallback", f"only one fallback is allowed; partnership[{fallbacks[0]}] is one"
        )
    return Directory(
        partnerships=tuple(partnerships),
        help_lines=help_lines,
        fallback=partnerships[fallbacks[0]],
        known_places=load_places(places_path),
    )
