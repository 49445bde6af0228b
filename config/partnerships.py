"""Loads the partnerships file (TOML) and the places list, strictly validated, into a Directory.

The files' shape and rules are config.tables; every problem raises PartnershipsFileError
naming the file, the field path and what is wrong.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from config.problems import dotted, problems
from config.tables import (
    HelpLineTable,
    MunicipalityTable,
    PartnershipsFile,
    PartnershipTable,
    PlacesFile,
)
from flows.directory import Directory, HelpLine, KnownPlace, Location, Municipality, Partnership
from flows.entry import EntryPoint

M = TypeVar("M", bound=BaseModel)


class PartnershipsFileError(ValueError):
    """A problem in the partnerships or places file, precise enough for a coordinator to fix.

    `field` and `problem` are the first one found; str() lists them all, one a line.
    """

    def __init__(
        self, path: Path, field: str, problem: str, more: tuple[tuple[str, str], ...] = ()
    ) -> None:
        self.path = path
        self.field = field
        self.problem = problem
        self.more = more
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(self.line(f, p) for f, p in ((self.field, self.problem), *self.more))

    def line(self, field: str, problem: str) -> str:
        where = f"{self.path}: {field}" if field else str(self.path)
        return f"{where}: {problem}"


def read(model: type[M], path: Path, raw: bytes | None = None) -> M:
    """Parse a TOML file and validate it as `model`; raise PartnershipsFileError on any problem."""
    try:
        data = tomllib.loads((raw if raw is not None else path.read_bytes()).decode("utf-8"))
    except FileNotFoundError:
        raise PartnershipsFileError(path, "", "file not found") from None
    except UnicodeDecodeError as error:
        raise PartnershipsFileError(path, "", f"is not UTF-8 text ({error.reason})") from None
    except tomllib.TOMLDecodeError as error:
        raise PartnershipsFileError(path, "", f"TOML syntax error: {error}") from None
    try:
        return model.model_validate(data)
    except ValidationError as error:
        (loc, problem), *more = problems(error)
        others = tuple((dotted(at), text) for at, text in more)
        raise PartnershipsFileError(path, dotted(loc), problem, others) from None


def frozen(text: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(text))


def help_line(row: HelpLineTable) -> HelpLine:
    return HelpLine(
        id=row.id, name=row.name, number=row.number, url=row.url, hours=frozen(row.hours),
        situations=row.situations, checked_on=row.checked_on, verified=row.verified,
        about=frozen(row.about),
    )  # fmt: skip


def municipality(row: MunicipalityTable) -> Municipality:
    return Municipality(row.name, row.postcodes, row.deelgemeenten, row.to_confirm, row.aliases)


def partnership(row: PartnershipTable) -> Partnership:
    fields: dict[str, Any] = {
        name: getattr(row, name)
        for name in PartnershipTable.model_fields
        if name not in ("municipalities", "contact", "working_hours", "locations", "entry_points")
    }
    return Partnership(
        **fields,
        municipalities=tuple(municipality(m) for m in row.municipalities),
        contact=frozen(row.contact),
        working_hours=MappingProxyType(row.working_hours.by_weekday()),
        locations=tuple(Location(place.name, place.address) for place in row.locations),
        entry_points=tuple(
            EntryPoint(e.key, e.label, row.id, e.organisation) for e in row.entry_points
        ),
    )


def load_places(path: Path | None = None) -> tuple[KnownPlace, ...]:
    """The reference list of municipalities (shipped as flows/data/places.toml by default)."""
    if path is None:
        resource = resources.files("flows.data").joinpath("places.toml")
        places = read(PlacesFile, Path("flows/data/places.toml"), resource.read_bytes())
    else:
        places = read(PlacesFile, path)
    return tuple(
        KnownPlace(p.name, p.postcodes, p.deelgemeenten, p.province or "", p.aliases)
        for p in places.place
    )


def load_directory(path: Path, places_path: Path | None = None) -> Directory:
    """Read and validate the partnerships file; raise PartnershipsFileError on any problem."""
    file = read(PartnershipsFile, path)
    partnerships = tuple(partnership(row) for row in file.partnership)
    return Directory(
        partnerships=partnerships,
        help_lines=MappingProxyType({line.id: help_line(line) for line in file.help_line}),
        fallback=next(p for p in partnerships if p.is_fallback),
        known_places=load_places(places_path),
    )
