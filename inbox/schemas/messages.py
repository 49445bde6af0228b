"""What a refused request is told: pydantic's first error, in plain Dutch, named by field.

The order is the reader's: a missing field first, then an unknown one, then the first wrong
value in the order the model lists its fields.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from inbox.schemas.base import NO_NUL

TYPE_NAMES = {
    "string": "tekst",
    "integer": "een geheel getal",
    "number": "een getal",
    "boolean": "true of false",
    "object": "een JSON-object",
    "array": "een lijst",
    "null": "null",
}
FIRST = {"missing": 0, "extra_forbidden": 1}


def explain(exc: ValidationError, schema: dict[str, Any], where: str = "") -> str:
    """The first thing wrong; `schema` is what was validated against (for its types and
    choices), `where` names the value when it is not the body (a query parameter)."""
    error = min(exc.errors(include_url=False), key=lambda e: FIRST.get(e["type"], 2))
    return sentence(error, schema, where)


def sentence(error: ErrorDetails, schema: dict[str, Any], where: str = "") -> str:
    path = dotted(where, error["loc"])
    name = f"'{path}'" if path else "De body"
    kind, value = error["type"], error["input"]
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    node = part(schema, error["loc"])
    match kind:
        case "missing":
            return f"Het veld '{path}' ontbreekt."
        case "extra_forbidden":
            return f"Het veld '{path}' bestaat niet."
        case "string_too_long":
            return f"{name} mag hooguit {ctx['max_length']} tekens lang zijn (nu {len(value)})."
        case "string_too_short":
            return f"{name} moet minstens {ctx['min_length']} teken(s) lang zijn."
        case "string_pattern_mismatch" if ctx["pattern"] == NO_NUL:
            return f"{name} mag geen NUL-teken (\\u0000) bevatten."
        case "string_pattern_mismatch":
            return f"{name} heeft niet de verwachte vorm ({ctx['pattern']})."
        case "greater_than_equal":
            return f"{name} moet minstens {ctx['ge']} zijn."
        case "less_than_equal":
            return f"{name} mag hooguit {ctx['le']} zijn."
        case "too_long":
            return f"{name} mag hooguit {ctx['max_length']} elementen hebben."
        case "too_short":
            return f"{name} moet minstens {ctx['min_length']} element(en) hebben."
        case "literal_error" if isinstance(value, str):
            choices = ", ".join("null" if e is None else str(e) for e in node.get("enum", ()))
            return f"{name} moet een van deze waarden zijn: {choices}."
        case "refused":  # our own validators: the rest of the sentence
            return f"{name} {error['msg']}"
    if kind.endswith("_type") or kind == "literal_error":
        kinds = node.get("type", [])
        wanted = " of ".join(TYPE_NAMES[k] for k in ([kinds] if isinstance(kinds, str) else kinds))
        return f"{name} moet {wanted or 'iets anders'} zijn."
    return f"{name} klopt niet ({error['msg']})."


def part(schema: dict[str, Any], loc: tuple[int | str, ...]) -> dict[str, Any]:
    """The schema of the value at `loc` ({} where the schema does not say)."""
    node = schema
    for key in loc:
        node = node.get("items", {}) if isinstance(key, int) else node.get("properties", {})
        if isinstance(key, str):
            node = node.get(key, {})
    return node


def dotted(where: str, loc: tuple[int | str, ...]) -> str:
    """('languages', 0) as languages[0]; ('a', 'b') as a.b."""
    path = where
    for key in loc:
        path = f"{path}[{key}]" if isinstance(key, int) else (f"{path}.{key}" if path else key)
    return path
