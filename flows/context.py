"""What a flow step may know about the world: the time, the language and the data files."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from flows.directory import Directory
from flows.safety import Lexicon

Channel = Literal["telegram", "web"]


@dataclass(frozen=True)
class Context:
    now: datetime  # timezone-aware, in the service's time zone (Europe/Brussels)
    lang: str  # the youth's language: "nl" or "en"
    directory: Directory
    lexicon: Lexicon
    channel: Channel = "telegram"
    # After the intake: the first name of the worker who answers this youth now (None while
    # the case waits in the queue) and, outside working hours, when the team is back.
    handler: str | None = None
    back_at: datetime | None = None
