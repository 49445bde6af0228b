"""Message templates as registered with Meta: their wording, variables and quick-reply buttons.

A template send names a registered template and language, fills its body variables and may
give each quick-reply button (by index) the payload that comes back when it is tapped. The
youth sees the registered body with the variables filled in, and the registered buttons.
Pure functions; the state (state.py) keeps the registrations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import MetaError
from .objects import JSON, Button, SentMessage, body_params

__all__ = ["Registered", "check_template", "show_template"]

_VARIABLE = re.compile(r"\{\{(\d+)\}\}")


@dataclass(frozen=True)
class Registered:
    """One template in one language as approved by Meta."""

    name: str
    lang: str
    params: int  # how many body variables
    body: str | None = None  # with {{1}}, {{2}}…; None: the wording is not known here
    buttons: tuple[str, ...] = ()  # quick-reply titles

    def text(self, values: list[str]) -> str | None:
        """The body as the youth reads it."""
        if self.body is None:
            return None
        return _VARIABLE.sub(lambda m: values[int(m.group(1)) - 1], self.body)


def payloads(template: JSON) -> dict[int, str | None]:
    """What each quick-reply button sends back, by button index (None: no payload given)."""
    found: dict[int, str | None] = {}
    for component in template.get("components") or []:
        if not isinstance(component, dict) or component.get("type") != "button":
            continue
        if component.get("sub_type") != "quick_reply":
            continue
        index = str(component.get("index", ""))
        if not index.isdigit():
            raise MetaError(
                400, 131009, "Parameter value is not valid",
                details=f"button index {component.get('index')!r} is not a number",
            )  # fmt: skip
        given = [p.get("payload") for p in component.get("parameters") or [] if isinstance(p, dict)]
        found[int(index)] = str(given[0]) if given and given[0] is not None else None
    return found


def check_template(registered: dict[tuple[str, str], Registered], template: JSON) -> Registered:
    """The registration a send uses; the MetaError Meta answers when it does not fit."""
    name = str(template.get("name"))
    lang = str((template.get("language") or {}).get("code"))
    found = registered.get((name, lang))
    if found is None:
        raise MetaError(
            404,
            132001,
            "Template name does not exist in the translation",
            details=f"template name ({name}) does not exist in {lang}; registered: "
            f"{sorted(registered)}",
        )
    got = body_params(template)
    if len(got) != found.params:
        raise MetaError(
            400,
            132000,
            "Number of parameters does not match the expected number of params",
            details=f"body: number of localizable_params ({len(got)}) does not match the "
            f"expected number of params ({found.params})",
        )
    extra = sorted(i for i in payloads(template) if i >= len(found.buttons))
    if extra:
        raise MetaError(
            400,
            132000,
            "Number of parameters does not match the expected number of params",
            details=f"quick_reply button index {extra[0]}: {name}/{lang} has "
            f"{len(found.buttons)} quick-reply button(s) {list(found.buttons)}",
        )
    return found


def show_template(sent: SentMessage, found: Registered) -> None:
    """What the youth sees of a template send: the filled-in body and the buttons, whose ids
    are the payloads they send back (the title when the send gave none, as Meta does)."""
    sent.text = found.text(sent.template_params)
    given = payloads(sent.payload.get("template") or {})
    sent.buttons = [Button(given.get(i) or title, title) for i, title in enumerate(found.buttons)]
