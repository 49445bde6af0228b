"""WhatsApp's documented message limits that the OpenAPI document leaves loose or out.

Each check returns a list of :class:`~tests.waapi.errors.MetaError` (a violation and the error
Meta answers with).  Sources: Meta's developer docs for text, interactive and template
messages (error 131009 "Parameter value is not valid", 132018 "template parameter format").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .errors import MetaError, invalid_parameter

__all__ = ["limit_errors", "template_param_errors"]

TEXT_MAX = 4096
CAPTION_MAX = 1024
INTERACTIVE_BODY_MAX = 1024
BUTTONS_MAX = 3
BUTTON_TITLE_MAX = 20
BUTTON_ID_MAX = 256
LIST_ROWS_MAX = 10
LIST_SECTIONS_MAX = 10
ROW_ID_MAX = 200
ROW_TITLE_MAX = 24
ROW_DESCRIPTION_MAX = 72
LIST_BUTTON_MAX = 20
SECTION_TITLE_MAX = 24
HEADER_TEXT_MAX = 60
FOOTER_TEXT_MAX = 60
_BAD_TEMPLATE_PARAM = re.compile(r"[\n\t]| {5,}")
_MEDIA = ("audio", "document", "image", "sticker", "video")

JSON = dict[str, Any]


def _too_long(where: str, value: object, limit: int) -> list[MetaError]:
    if isinstance(value, str) and len(value) > limit:
        return [invalid_parameter(f"{where} is {len(value)} characters; the limit is {limit}")]
    return []


def _empty(where: str, value: object) -> list[MetaError]:
    if isinstance(value, str) and not value.strip():
        return [invalid_parameter(f"{where} must not be empty")]
    return []


def _text(body: JSON) -> list[MetaError]:
    text = body.get("text") or {}
    value = text.get("body") if isinstance(text, dict) else None
    if not isinstance(value, str) or not value.strip():
        return [invalid_parameter("text.body is required and must not be empty", code=131008)]
    return _too_long("text.body", value, TEXT_MAX)


def _media(body: JSON) -> list[MetaError]:
    media = body.get(str(body.get("type"))) or {}
    if not isinstance(media, dict):
        return []
    errors = _too_long(f"{body['type']}.caption", media.get("caption"), CAPTION_MAX)
    if "caption" in media and body["type"] in ("audio", "sticker"):
        errors.append(invalid_parameter(f"{body['type']} messages cannot have a caption"))
    return errors


def _unique(where: str, values: list[Any]) -> list[MetaError]:
    seen = [v for v in values if isinstance(v, str)]
    if len(set(seen)) != len(seen):
        return [invalid_parameter(f"{where} must be unique, got {seen}")]
    return []


def _buttons(action: JSON) -> list[MetaError]:
    buttons = action.get("buttons")
    if not isinstance(buttons, list):
        return []
    errors: list[MetaError] = []
    if not 1 <= len(buttons) <= BUTTONS_MAX:
        errors.append(invalid_parameter(f"{len(buttons)} buttons; send 1 to {BUTTONS_MAX}"))
    replies = [b.get("reply") or {} for b in buttons if isinstance(b, dict)]
    for i, reply in enumerate(replies):
        where = f"interactive.action.buttons[{i}].reply"
        errors += _empty(f"{where}.title", reply.get("title"))
        errors += _too_long(f"{where}.title", reply.get("title"), BUTTON_TITLE_MAX)
        errors += _too_long(f"{where}.id", reply.get("id"), BUTTON_ID_MAX)
        ident = reply.get("id")
        if isinstance(ident, str) and ident != ident.strip():
            errors.append(invalid_parameter(f"{where}.id has leading or trailing spaces"))
    errors += _unique("button ids", [r.get("id") for r in replies])
    errors += _unique("button titles", [r.get("title") for r in replies])
    return errors


def _list(action: JSON) -> list[MetaError]:
    sections = action.get("sections")
    if not isinstance(sections, list):
        return []
    errors = _empty("interactive.action.button", action.get("button"))
    errors += _too_long("interactive.action.button", action.get("button"), LIST_BUTTON_MAX)
    if not 1 <= len(sections) <= LIST_SECTIONS_MAX:
        errors.append(invalid_parameter(f"{len(sections)} sections; send 1 to 10"))
    rows: list[JSON] = []
    for i, section in enumerate(s for s in sections if isinstance(s, dict)):
        where = f"interactive.action.sections[{i}]"
        errors += _too_long(f"{where}.title", section.get("title"), SECTION_TITLE_MAX)
        if len(sections) > 1 and not section.get("title"):
            errors.append(invalid_parameter(f"{where}.title is required with several sections"))
        for j, row in enumerate(r for r in section.get("rows") or [] if isinstance(r, dict)):
            rows.append(row)
            errors += _empty(f"{where}.rows[{j}].title", row.get("title"))
            errors += _too_long(f"{where}.rows[{j}].title", row.get("title"), ROW_TITLE_MAX)
            errors += _too_long(f"{where}.rows[{j}].id", row.get("id"), ROW_ID_MAX)
            description = row.get("description")
            errors += _too_long(f"{where}.rows[{j}].description", description, ROW_DESCRIPTION_MAX)
    if not 1 <= len(rows) <= LIST_ROWS_MAX:
        errors.append(invalid_parameter(f"{len(rows)} rows in all; send 1 to {LIST_ROWS_MAX}"))
    errors += _unique("row ids", [r.get("id") for r in rows])
    return errors


def _interactive(body: JSON) -> list[MetaError]:
    interactive = body.get("interactive")
    if not isinstance(interactive, dict):
        return []
    text = (interactive.get("body") or {}).get("text")
    errors = _too_long("interactive.body.text", text, INTERACTIVE_BODY_MAX)
    if interactive.get("type") in ("button", "list"):
        errors += _empty("interactive.body.text", text if text is not None else "")
    header = interactive.get("header") or {}
    errors += _too_long("interactive.header.text", header.get("text"), HEADER_TEXT_MAX)
    footer = interactive.get("footer") or {}
    errors += _too_long("interactive.footer.text", footer.get("text"), FOOTER_TEXT_MAX)
    action = interactive.get("action") or {}
    if interactive.get("type") == "button":
        errors += _buttons(action)
    elif interactive.get("type") == "list":
        errors += _list(action)
    return errors


def template_param_errors(template: JSON) -> list[MetaError]:
    """Text parameters with newlines, tabs or more than 4 spaces in a row (Meta: 132018)."""
    errors = []
    for component in template.get("components") or []:
        for i, param in enumerate((component or {}).get("parameters") or []):
            value = param.get("text") if isinstance(param, dict) else None
            if isinstance(value, str) and _BAD_TEMPLATE_PARAM.search(value):
                errors.append(
                    MetaError(
                        400,
                        132018,
                        "There was an issue with the parameters in your template.",
                        details=f"{component.get('type')} parameter {i} ({value!r}) contains a "
                        "new-line, a tab or more than 4 consecutive spaces",
                    )
                )
    return errors


def _template(body: JSON) -> list[MetaError]:
    template = body.get("template")
    return template_param_errors(template) if isinstance(template, dict) else []


_CHECKS: dict[str, Callable[[JSON], list[MetaError]]] = {
    "text": _text,
    "interactive": _interactive,
    "template": _template,
    **dict.fromkeys(_MEDIA, _media),
}


def limit_errors(body: JSON) -> list[MetaError]:
    """The documented limits this message breaks (the schema checks come first)."""
    check = _CHECKS.get(str(body.get("type")))
    return check(body) if check else []
