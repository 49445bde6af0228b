"""The WhatsApp message templates we send (config/whatsapp_templates.toml), typed.

The file is what an operator registers with Meta; the service only needs each template's
name, languages and number of variables to address it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

FILE = Path(__file__).with_name("whatsapp_templates.toml")


@dataclass(frozen=True)
class Template:
    name: str
    texts: dict[str, str]  # language → the registered text
    variables: tuple[str, ...] = ()

    def language(self, lang: str) -> str:
        """The template language to send for a youth's language (Dutch if not registered)."""
        return lang if lang in self.texts else "nl"


def load_templates(path: Path = FILE) -> dict[str, Template]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {
        purpose: Template(
            str(table["name"]),
            {str(k): str(v) for k, v in table["text"].items()},
            tuple(str(v) for v in table.get("variables", ())),
        )
        for purpose, table in data.items()
    }
