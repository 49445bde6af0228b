"""Run flows as a dialog without any I/O: what the youth sends, what they read back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.incoming import command_of
from config.partnerships import load_directory
from core.i18n import Rendered, Translator
from core.lexicon import load_lexicon
from flows import conversation
from flows.context import Context
from flows.directory import Directory
from flows.model import ButtonIn, Effect, Event, Send, SetLanguage, TextIn
from flows.safety import Lexicon
from flows.state import State
from flows.views import AppointmentView, CheckinView, ConsentView, OfferView, SixMonthView

ROOT = Path(__file__).resolve().parents[2]
BRUSSELS = ZoneInfo("Europe/Brussels")
# A Friday afternoon: "binnen 2 werkdagen" then lands on Tuesday.
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=BRUSSELS)


@cache
def directory() -> Directory:
    """The production partnerships file."""
    return load_directory(ROOT / "partnerships.toml")


@cache
def places() -> Directory:
    """The small partnerships file the flow tests run on (tests/flows/data/partnerships.toml)."""
    return load_directory(ROOT / "tests" / "flows" / "data" / "partnerships.toml")


def lexicon() -> Lexicon:
    return load_lexicon()


@cache
def translator() -> Translator:
    return Translator("Europe/Brussels")


@dataclass
class Chat:
    """A youth talking to the flows; every turn keeps the effects and the rendered replies."""

    lang: str = "nl"
    state: State = field(default_factory=State)
    now: datetime = NOW
    effects: list[Effect] = field(default_factory=list)
    last: list[Rendered] = field(default_factory=list)
    handler: str | None = None
    back_at: datetime | None = None
    answer_by: date | None = None  # the day promised while the case waits for a coach
    appointment: AppointmentView | None = None  # what the engine would look up for appt…
    checkin: CheckinView | None = None  # what the engine would look up for ci: / a typed "3"
    rhythm: str | None = None
    paused_until: datetime | None = None
    consents: tuple[ConsentView, ...] = ()
    six_month: SixMonthView | None = None  # what the engine would look up for sm: / a typed answer
    places: Directory | None = None  # another partnerships file than the flow tests' own
    offer: OfferView | None = None  # what the engine would look up for ofr:
    offers: tuple[OfferView, ...] = ()  # what the engine would look up for /aanbod

    def send(self, event: Event) -> list[str]:
        ctx = Context(
            now=self.now,
            lang=self.lang,
            directory=self.places or places(),
            lexicon=lexicon(),
            handler=self.handler,
            back_at=self.back_at,
            answer_by=self.answer_by,
            appointment=self.appointment,
            checkin=self.checkin,
            rhythm=self.rhythm,
            paused_until=self.paused_until,
            consents=self.consents,
            six_month=self.six_month,
            offer=self.offer,
            offers=self.offers,
        )
        transition = conversation.step(self.state, event, ctx)
        self.state = transition.state
        self.effects.extend(transition.effects)
        self.last = []
        lang = self.lang
        for effect in transition.effects:
            if isinstance(effect, SetLanguage):
                lang = self.lang = effect.lang
            if isinstance(effect, Send):
                self.last.extend(translator().reply(effect.reply, lang))
        return [r.text for r in self.last]

    def say(self, text: str) -> str:
        """Type a text (a command if it starts with /); return everything the bot answered."""
        event: Event = command_of(text) or TextIn(text)
        return "\n".join(self.send(event))

    def press(self, label: str) -> str:
        """Tap the button with this label (without the ✅) on the last message that had buttons."""
        for rendered in reversed(self.last):
            for row in rendered.buttons:
                for button in row:
                    if button.text.removeprefix("✅ ") == label:
                        return "\n".join(self.send(ButtonIn(button.data)))
        raise AssertionError(f"no button {label!r} in {self.buttons()}")

    def send_button(self, data: str) -> str:
        """A button press with this callback data (an old message's button, a forged one)."""
        return "\n".join(self.send(ButtonIn(data)))

    def buttons(self) -> list[str]:
        return [b.text for r in self.last for row in r.buttons for b in row]

    def of_type(self, kind: type) -> list[Effect]:
        return [e for e in self.effects if isinstance(e, kind)]
