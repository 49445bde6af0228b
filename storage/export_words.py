"""Plain words for /mijngegevens: moments as ISO text, stored codes as words."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime


def when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def plain(table: Mapping[str, str], code: str | None) -> str | None:
    """A code in plain words; an unknown code as it is (nothing stored is hidden)."""
    return None if code is None else table.get(code, code.replace("_", " "))
