"""The WhatsApp Cloud API OpenAPI document as a request validator.

Loads ``business-messaging-api_v23.0.yaml`` with PyYAML, finds the operation for a method and
path, and validates JSON bodies with jsonschema (draft 2020-12, which OpenAPI 3.1 uses).  Two
repairs make the document usable as a validator without loosening it:

* ``allOf: [$ref Base, {additionalProperties: false, ...}]`` would reject every property of
  Base; the closedness moves to the parent as ``unevaluatedProperties: false`` (what the
  authors meant: no properties beyond Base's and the member's).
* ``discriminator`` (ignored by jsonschema) is honoured: the value's tag picks the mapped
  schema, which gives one precise error instead of "not valid under any of the schemas".
"""

from __future__ import annotations

import copy
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator, ValidationError, validators
from jsonschema._keywords import oneOf as _one_of_keyword
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

__all__ = ["Operation", "WaSpec", "default_spec_path"]

_URI = "urn:whatsapp-cloud-api"
_SCHEMAS = "#/components/schemas/"
# Patterns in the document that reject what its own examples and Meta's docs send.
_PATTERN_FIXES = {"^[2-6, 11-14]$": "^[0-9]$"}  # template button index "0".."9"


def default_spec_path() -> Path:
    """``$WHATSAPP_API_SPEC``, else ``<repo>/../shared/whatsapp-cloud-api/…v23.0.yaml``."""
    env = os.environ.get("WHATSAPP_API_SPEC")
    if env:
        return Path(env)
    shared = Path(__file__).resolve().parents[3] / "shared" / "whatsapp-cloud-api"
    return shared / "business-messaging-api_v23.0.yaml"


@dataclass(frozen=True)
class Operation:
    """One method + path template of the document, e.g. POST /{Version}/{Phone-Number-ID}/messages."""

    method: str
    template: str
    operation_id: str
    regex: re.Pattern[str]
    literal_segments: int
    definition: Mapping[str, Any]

    def path_params(self, path: str) -> dict[str, str] | None:
        found = self.regex.fullmatch(path)
        return None if found is None else found.groupdict()

    def body_schema(self, content_type: str) -> Mapping[str, Any] | None:
        content = (self.definition.get("requestBody") or {}).get("content") or {}
        media = content.get(content_type)
        return None if media is None else media.get("schema")

    def body_types(self) -> list[str]:
        return list(((self.definition.get("requestBody") or {}).get("content") or {}).keys())


def _param_name(name: str) -> str:
    return re.sub(r"\W", "_", name)


def _compile(template: str) -> tuple[re.Pattern[str], int]:
    parts = []
    literal = 0
    for segment in template.strip("/").split("/"):
        if segment.startswith("{") and segment.endswith("}"):
            parts.append(f"(?P<{_param_name(segment[1:-1])}>[^/]+)")
        else:
            parts.append(re.escape(segment))
            literal += 1
    return re.compile("/" + "/".join(parts)), literal


def _discriminator(
    validator: Any, disc: Mapping[str, Any], instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    mapping = disc.get("mapping") or {}
    if not mapping or not isinstance(instance, dict):
        return
    tag = instance.get(disc["propertyName"])
    target = mapping.get(tag) if isinstance(tag, str) else None
    if target is None:
        yield ValidationError(f"{disc['propertyName']} {tag!r} is not one of {sorted(mapping)}")
        return
    yield from validator.descend(instance, {"$ref": target})


def _one_of(
    validator: Any, one_of: list[Any], instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    if (schema.get("discriminator") or {}).get("mapping"):
        return  # the discriminator keyword already picked the branch
    yield from _one_of_keyword(validator, one_of, instance, schema)


_Validator = validators.extend(
    Draft202012Validator, {"discriminator": _discriminator, "oneOf": _one_of}
)


def _repair(node: Any) -> None:
    """Apply the repairs described in the module docstring, in place."""
    if isinstance(node, dict):
        members = node.get("allOf")
        if isinstance(members, list):
            for member in members:
                if isinstance(member, dict) and member.get("additionalProperties") is False:
                    del member["additionalProperties"]
                    node["unevaluatedProperties"] = False
        pattern = node.get("pattern")
        if isinstance(pattern, str) and pattern in _PATTERN_FIXES:
            node["pattern"] = _PATTERN_FIXES[pattern]
        for value in node.values():
            _repair(value)
    elif isinstance(node, list):
        for value in node:
            _repair(value)


def _break_discriminator_cycles(schemas: dict[str, Any]) -> None:
    """A mapped schema that extends its parent (allOf: [$ref Parent]) would loop back into the
    parent's discriminator; give it a copy of the parent without one."""
    for name, schema in schemas.items():
        mapping = (schema.get("discriminator") or {}).get("mapping") or {}
        plain = {k: v for k, v in schema.items() if k != "discriminator"}
        for target in mapping.values():
            child = schemas.get(target.removeprefix(_SCHEMAS), {})
            for i, member in enumerate(child.get("allOf") or []):
                if member == {"$ref": _SCHEMAS + name}:
                    child["allOf"][i] = copy.deepcopy(plain)


class WaSpec:
    """Operations and schemas of the WhatsApp Cloud API document."""

    def __init__(self, document: dict[str, Any]) -> None:
        document = copy.deepcopy(document)
        _repair(document)
        _break_discriminator_cycles(document["components"]["schemas"])
        self.document = document
        self.title = str(document.get("info", {}).get("title", "WhatsApp Cloud API"))
        resource = Resource.from_contents(document, default_specification=DRAFT202012)
        self._registry: Registry[Any] = Registry().with_resource(_URI, resource)
        self.operations: list[Operation] = []
        for template, item in document["paths"].items():
            regex, literal = _compile(template)
            for method, definition in item.items():
                if method in ("get", "post", "put", "delete", "patch"):
                    op_id = str(definition.get("operationId", f"{method} {template}"))
                    self.operations.append(
                        Operation(method.upper(), template, op_id, regex, literal, definition)
                    )
        # Most literal segments first: /{V}/{Phone-Number-ID}/messages before /{V}/{Media-ID}/x.
        self.operations.sort(key=lambda op: -op.literal_segments)

    @classmethod
    def load(cls, path: str | Path) -> WaSpec:
        return _load_cached(str(path))

    def find(
        self, method: str, path: str, prefer: frozenset[str] = frozenset()
    ) -> tuple[Operation, dict[str, str]] | None:
        """The operation for this method and path (without query), with its path parameters.

        Templates such as /{Version}/{Media-ID} and /{Version}/{Business-ID} match the same
        paths; an operation id in `prefer` wins, then the template with most literal parts."""
        found = [
            (op, params)
            for op in self.operations
            if op.method == method.upper() and (params := op.path_params(path)) is not None
        ]
        found.sort(key=lambda pair: pair[0].operation_id not in prefer)
        return found[0] if found else None

    def paths_matching(self, path: str) -> list[Operation]:
        return [op for op in self.operations if op.path_params(path) is not None]

    def errors(self, schema: Mapping[str, Any], value: Any, where: str = "") -> list[str]:
        """Every way `value` breaks `schema` (a schema or {"$ref": "#/components/..."})."""
        if "$ref" in schema and str(schema["$ref"]).startswith("#"):
            schema = {**schema, "$ref": _URI + str(schema["$ref"])}
        validator = _Validator(schema, registry=self._registry)
        found = sorted(validator.iter_errors(value), key=lambda e: list(e.absolute_path))
        # A failed allOf member evaluates nothing, so unevaluatedProperties then complains
        # about every property; that is noise next to the real error.
        real = [e for e in found if e.validator != "unevaluatedProperties"]
        found = [
            e
            for e in found
            if e.validator != "unevaluatedProperties"
            or not any(
                list(r.absolute_path)[: len(e.absolute_path)] == list(e.absolute_path) for r in real
            )
        ]
        return list(dict.fromkeys(_describe(error, where) for error in found))

    def schema_errors(self, name: str, value: Any, where: str = "") -> list[str]:
        """Every way `value` breaks ``components.schemas[name]``."""
        return self.errors({"$ref": _SCHEMAS + name}, value, where or name)


@cache
def _load_cached(path: str) -> WaSpec:
    with open(path, encoding="utf-8") as handle:
        document = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return WaSpec(document)


def _describe(error: ValidationError, where: str) -> str:
    location = where + (error.json_path.removeprefix("$") or "(body)")
    limit, value = error.validator_value, error.instance
    if error.validator in ("maxLength", "minLength") and isinstance(value, str):
        return f"{location} is {len(value)} characters; the {error.validator} is {limit}"
    if error.validator in ("maxItems", "minItems") and isinstance(value, list):
        return f"{location} has {len(value)} items; the {error.validator} is {limit}"
    if error.context:  # oneOf/anyOf: show the closest branch's complaint
        best = min(error.context, key=lambda e: (len(e.context or []), -len(e.absolute_path)))
        return f"{location}: no variant matches ({_describe(best, where)})"
    return f"{location}: {error.message[:300]}"
