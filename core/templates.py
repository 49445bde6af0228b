"""Server-rendered pages (Jinja2) with their strings through the same gettext catalogs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from core.i18n import catalog


class Templates:
    def __init__(self, *folders: Path) -> None:
        self.env = Environment(
            loader=FileSystemLoader([str(f) for f in folders]),
            autoescape=select_autoescape(("html",)),
            extensions=["jinja2.ext.i18n"],
        )
        self.env.filters["bdi"] = bdi

    def render(self, name: str, lang: str, **context: Any) -> str:
        translations = catalog(lang)
        template = self.env.get_template(name)
        return template.render(
            lang=lang,
            _=translations.gettext,
            gettext=translations.gettext,
            ngettext=translations.ngettext,
            **context,
        )


def bdi(value: object) -> Markup:
    """Text someone else typed (a youth's name), isolated from the sentence around it: a
    right-to-left override character in it cannot turn the rest of the line around.

    In a sentence: `(_("{name} schreef")|e).format(name=youth|bdi)`."""
    return Markup("<bdi>{}</bdi>").format("" if value is None else value)
