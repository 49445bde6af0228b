"""The WhatsApp templates Instap may send outside the 24-hour window (config/whatsapp_templates.toml).

The texts live in the file, not in the gettext catalogs: Meta shows the youth exactly the text
that was registered there, so the file is the one place a partnership copies them from.
Here they are read and checked once, chosen for a kept message, and filled in: the variables
as Meta accepts them (one line, no tabs, no long runs of spaces) and the whole text as the
worker sees it on the timeline.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

FILE = Path(__file__).resolve().parent.parent / "config" / "whatsapp_templates.toml"
DEFAULT_LANG = "nl"
REMINDER, MESSAGE = "reminder", "message"
PURPOSES = frozenset({REMINDER, MESSAGE})
MAX_PARAM = 60  # a first name or a date: anything longer is cut, Meta refuses very long ones
VARIABLE = re.compile(r"\{\{(\d+)\}\}")


class TemplateFileError(ValueError):
    """The templates file is broken: a missing text, a wrong variable, an unknown purpose."""


@dataclass(frozen=True)
class Wording:
    body: str
    buttons: tuple[str, ...]


@dataclass(frozen=True)
class TemplateSpec:
    name: str
    category: str
    purpose: str
    variables: tuple[str, ...]
    wordings: dict[str, Wording]

    def wording(self, lang: str) -> tuple[str, Wording]:
        """The language Meta gets and its text: the youth's, else Dutch."""
        code = lang if lang in self.wordings else DEFAULT_LANG
        return code, self.wordings[code]

    def text(self, lang: str, params: tuple[str, ...]) -> str:
        """The body as the youth reads it, variables filled in."""
        _, wording = self.wording(lang)
        return VARIABLE.sub(lambda m: params[int(m.group(1)) - 1], wording.body)


def clean_param(value: str) -> str:
    """A variable as Meta takes it: one line, no tabs, at most a few spaces in a row, not empty."""
    flat = " ".join(value.split())
    if len(flat) > MAX_PARAM:
        flat = flat[: MAX_PARAM - 1].rstrip() + "…"
    return flat or "-"


def parse(data: dict[str, Any], source: str = "templates") -> dict[str, TemplateSpec]:
    """Read and check the file's tables; every problem names the template and the field."""
    found: dict[str, TemplateSpec] = {}
    for name, table in data.items():
        where = f"{source}: [{name}]"
        if not re.fullmatch(r"[a-z0-9_]{1,512}", name):
            raise TemplateFileError(f"{where}: a name is lower case letters, digits and _")
        purpose = table.get("purpose")
        if purpose not in PURPOSES:
            raise TemplateFileError(f"{where}: purpose must be one of {sorted(PURPOSES)}")
        variables = tuple(str(v) for v in table.get("variables", ()))
        wordings: dict[str, Wording] = {}
        for lang, text in table.items():
            if not isinstance(text, dict):
                continue
            body = str(text.get("body", ""))
            numbers = sorted({int(n) for n in VARIABLE.findall(body)})
            if not body or numbers != list(range(1, len(variables) + 1)):
                raise TemplateFileError(
                    f"{where}.{lang}: the body needs {{{{1}}}}..{{{{{len(variables)}}}}}, one per variable"
                )
            buttons = tuple(str(b) for b in text.get("buttons", ()))
            if len(buttons) > 3 or any(not 0 < len(b) <= 25 for b in buttons):
                raise TemplateFileError(f"{where}.{lang}: at most 3 buttons of 1-25 characters")
            wordings[lang] = Wording(body, buttons)
        if DEFAULT_LANG not in wordings:
            raise TemplateFileError(f"{where}: a Dutch text ([{name}.nl]) is needed")
        found[name] = TemplateSpec(
            name, str(table.get("category", "UTILITY")), purpose, variables, wordings
        )
    for purpose in PURPOSES:
        if not any(t.purpose == purpose for t in found.values()):
            raise TemplateFileError(f"{source}: no template for purpose {purpose!r}")
    return found


@cache
def load(path: Path = FILE) -> dict[str, TemplateSpec]:
    with path.open("rb") as handle:
        return parse(tomllib.load(handle), str(path))


def for_purpose(purpose: str) -> TemplateSpec:
    return next(t for t in load().values() if t.purpose == purpose)


def registration_text(specs: dict[str, TemplateSpec]) -> str:
    """What a partnership registers with Meta, template by template (`instap whatsapp-templates`)."""
    lines = [
        "Register these templates with Meta (WhatsApp Manager > Message templates), each under",
        "exactly this name, category and language, with this text and these quick-reply buttons.",
    ]
    for spec in specs.values():
        lines += ["", f"{spec.name}  (category {spec.category})"]
        lines += [f"  {{{{{i}}}}} = {what}" for i, what in enumerate(spec.variables, 1)]
        for lang, wording in spec.wordings.items():
            lines.append(f"  {lang}: {wording.body}")
            if wording.buttons:
                lines.append("      buttons (quick reply): " + " | ".join(wording.buttons))
    return "\n".join(lines)
