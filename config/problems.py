"""From a pydantic ValidationError to lines a coordinator can act on: where, and what is wrong.

Validators raise `Problem` (a ValueError) with the exact wording; `Problem.at` points below
the value being checked (a cross-check on a whole file names the row and field it found).
Pydantic's own errors (a missing field, a list where a table belongs) get plain words here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

Loc = tuple[str | int, ...]


class Problem(ValueError):
    """What is wrong with a value, in words; `at` is a path below the value it was found in."""

    def __init__(self, text: str, *at: str | int) -> None:
        super().__init__(text)
        self.text = text
        self.at: Loc = at


def show(value: object) -> str:
    """A value as the coordinator wrote it, quoted when it is text."""
    return f'"{value}"' if isinstance(value, str) else repr(value)


def dotted(loc: Loc) -> str:
    """('partnership', 0, 'postcodes', 1) as partnership[0].postcodes[1]."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


PHRASES = {
    "bool_type": "must be true or false, not {input}",
    "string_type": "must be non-empty text, not {input}",
    "int_type": "must be a whole number, not {input}",
    "int_parsing": "{input} is not a whole number",
    "float_parsing": "{input} is not a number",
    "list_type": "must be a list like [...], not {input}",
    "tuple_type": "must be a list like [...], not {input}",
    "model_type": "must be a table, not {input}",
    "dict_type": "must be a table, not {input}",
}


def problems(error: ValidationError) -> list[tuple[Loc, str]]:
    """Each error as (where, what is wrong), in the order pydantic found them."""
    found: list[tuple[Loc, str]] = []
    for item in error.errors():
        loc: Loc = tuple(part for part in item["loc"] if part != "[key]")
        cause = item.get("ctx", {}).get("error")
        if isinstance(cause, Problem):
            found.append(((*loc, *cause.at), cause.text))
        elif isinstance(cause, ValueError):
            found.append((loc, str(cause)))
        else:
            found.append((loc, phrase(item["type"], item["msg"], item.get("input"))))
    return found


def phrase(kind: str, message: str, value: Any) -> str:
    if kind == "missing":
        return "is missing"
    if kind in PHRASES:
        return PHRASES[kind].format(input=show(value))
    if message.startswith("Input should"):
        return f"{show(value)} should{message.removeprefix('Input should')}"
    return f"{show(value)}: {message}"


class Table(BaseModel):
    """A strict table: unknown keys are typos, and missing ones may say how to write them."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    unknown: ClassVar[str] = ""  # instead of "unknown field (known fields here: …)"
    hints: ClassVar[Mapping[str, str]] = {}  # instead of "is missing", per field

    @model_validator(mode="before")
    @classmethod
    def known_keys(cls, data: object) -> object:
        if not isinstance(data, dict):
            return data  # pydantic says "must be a table"
        known = cls.model_fields
        for key in data:
            if key not in known:
                listed = ", ".join(sorted(known))
                raise Problem(cls.unknown or f"unknown field (known fields here: {listed})", key)
        for key, hint in cls.hints.items():
            if key not in data:
                raise Problem(hint, key)
        return data
