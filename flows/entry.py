"""Entry points: where a youth found us (a poster, a consultant's card), carried as a short key.

A key travels in the link a youth opens: the web chat's `/chat?via=<key>`, Telegram's
`/start <key>`, or the "(<key>)" at the end of WhatsApp's prefilled first message
(core.entry_links builds those links). The keys come from the partnerships file; an
unknown or missing key is simply no source, never an error.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

MAX_KEY = 40  # a key is a short slug: "ocmw-gent", "vdab-consulent"
KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
# The key in brackets at the very end of a first message ("… over Instap. (ocmw-gent)").
KEY_AT_END = re.compile(r"\(\s*([A-Za-z0-9][A-Za-z0-9_-]{0,39})\s*\)\W*$")


@dataclass(frozen=True)
class EntryPoint:
    """One poster, flyer or card: its key, what the coordinator calls it, and whose it is."""

    key: str
    label: str  # "Poster OCMW Gent": what the inbox and the report show
    partnership_id: str
    organisation: str | None = None  # the referring organisation, when there is one


def known_key(value: str, known: Collection[str]) -> str | None:
    """`value` as a known key (case and spaces forgiven), or None."""
    key = value.strip().lower()[:MAX_KEY]
    return key if KEY_PATTERN.match(key) and key in known else None


def entry_key_in(text: str, known: Collection[str]) -> str | None:
    """The known key a first message ends with ("… Instap. (ocmw-gent)"), or None.

    A youth who deleted the bracket, or typed a key that does not exist, just has no source.
    """
    found = KEY_AT_END.search(text[-200:])
    return known_key(found.group(1), known) if found else None
