"""Commands typed as words: "stop", "Vergeet mij!" act as /stop and /vergeetmij on every
channel (WhatsApp has no command menu), except where the bot asked for free text.

Only the whole message counts, folded (case, accents, spaces and punctuation do not
matter): "ik wil stoppen met school" is no /stop.
"""

from __future__ import annotations

from flows.model import CommandIn
from flows.state import State
from flows.understand import fold

WORDS = {
    "stop": "stop",
    "pauze": "pauze",
    "taal": "taal",
    "hulp": "hulp",
    "mijn gegevens": "mijngegevens",
    "mijngegevens": "mijngegevens",
    "vergeet mij": "vergeetmij",
    "vergeetmij": "vergeetmij",
}
# Questions whose answer is the youth's own words: what they want to tell us, a note with
# a check-in, why an appointment should move. (The name question is no such question: its
# welcome says "Andere taal? Typ /taal.", and no one is called "Vergeet mij".)
FREE_TEXT_STEPS = frozenset({"needs_text"})


def expects_free_text(state: State) -> bool:
    return state.step in FREE_TEXT_STEPS or bool(state.checkin_note or state.appt_change)


def typed_command(state: State, text: str) -> CommandIn | None:
    """The command these words are, when the youth typed only that and no free text is asked."""
    name = WORDS.get(fold(text))
    if name is None or expects_free_text(state):
        return None
    return CommandIn(name)
