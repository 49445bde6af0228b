"""What the flows read: the data files, the translator, the time zone and the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from core.i18n import Translator
from flows.directory import Directory
from flows.safety import Lexicon
from storage.clock import utcnow


@dataclass(frozen=True)
class Runtime:
    """What the flows read: the data files, the translator and the clock."""

    directory: Directory
    lexicon: Lexicon
    translator: Translator
    timezone: ZoneInfo
    clock: Callable[[], datetime] = utcnow
