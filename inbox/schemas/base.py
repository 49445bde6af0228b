"""What every API model shares: the id limit, the bases for requests and answers, the field
types, and how a model is written as JSON Schema in the OpenAPI document."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    PlainSerializer,
    StringConstraints,
    WithJsonSchema,
)
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

# The one id limit of the inbox (API, pages, media): ids stay exact in every JSON client
# (JavaScript numbers); a larger id cannot exist, so asking for one is a 404.
MAX_ID = 2**53 - 1
NO_NUL = r"^[^\u0000]*$"  # PostgreSQL text cannot hold a NUL character
REF = "#/components/schemas/{model}"


class Request(BaseModel):
    """A request body: JSON types as they are ("1" is no number, 1 is no boolean), no unknown
    fields, every string bounded."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class Response(BaseModel):
    """An answer, read from the service's views by attribute name; every field always sent."""

    model_config = ConfigDict(
        from_attributes=True, extra="forbid", json_schema_serialization_defaults_required=True
    )


def bounded(max_length: int, min_length: int = 0, *, pattern: str = NO_NUL) -> StringConstraints:
    """A string of at most `max_length` characters (and no NUL unless another pattern says)."""
    return StringConstraints(max_length=max_length, min_length=min_length or None, pattern=pattern)


def whole(value: object) -> object:
    """3.0 is the integer 3 in JSON (some clients write every number as a float)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


WHOLE = BeforeValidator(whole)  # after the bounds in `Annotated`, so they reach the schema
Id = Annotated[int, Field(ge=1, le=MAX_ID), WHOLE]

DIGITS = re.compile(r"[0-9]{1,16}")


def digits(raw: object) -> int:
    if isinstance(raw, str) and DIGITS.fullmatch(raw):
        return int(raw)
    raise PydanticCustomError("refused", "is geen nummer.")


PathId = Annotated[int, Field(ge=1, le=MAX_ID), BeforeValidator(digits)]


def isoformat(moment: datetime) -> str:
    return moment.isoformat()


# A moment in an answer: ISO 8601 as Python writes it ("+00:00", not pydantic's "Z").
Moment = Annotated[
    datetime,
    PlainSerializer(isoformat, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time"}, mode="serialization"),
]


@dataclass(frozen=True)
class OneOf:
    """A string from a set kept elsewhere (`Annotated[str, OneOf(STATUSES)]`): an enum in the
    document and to the validator, a plain `str` to mypy."""

    values: tuple[str, ...]

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return core_schema.literal_schema(list(self.values))


class Generator(GenerateJsonSchema):
    """Pydantic's JSON Schema as the document writes it: a nullable scalar is one schema with
    `type: [x, "null"]` (and null among its `enum`), and fields carry no generated titles."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False

    def nullable_schema(self, schema: core_schema.NullableSchema) -> JsonSchemaValue:
        inner = self.generate_inner(schema["schema"])
        if not isinstance(inner.get("type"), str):
            return super().nullable_schema(schema)
        nullable = {**inner, "type": [inner["type"], "null"]}
        if "enum" in nullable:
            nullable["enum"] = [*nullable["enum"], None]
        return nullable


@cache
def schema_of(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON Schema as it stands in the document (requests as read, answers as
    written)."""
    mode: Literal["validation", "serialization"] = (
        "validation" if issubclass(model, Request) else "serialization"
    )
    return model.model_json_schema(ref_template=REF, schema_generator=Generator, mode=mode)
