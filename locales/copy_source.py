"""Dutch is the source language: fill nl's empty msgstr with the msgid (run by `make update`)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).parent / "nl" / "LC_MESSAGES" / "instap.po"


def main() -> None:
    with PO.open("rb") as f:
        catalog = read_po(f, locale="nl")
    for message in catalog:
        if message.id and not message.string:
            message.string = message.id
    with PO.open("wb") as f:
        write_po(f, catalog, width=100, sort_output=True, no_location=True)


if __name__ == "__main__":
    main()
