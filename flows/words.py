"""Commands typed as words: "stop", "pauze", "taal", "hulp", "mijn gegevens", "vergeet mij".

WhatsApp has no command menu and many youths never type a slash: the whole message as one
of these words (any case, accents or punctuation, a slash or not) works as the command.
Only the whole message: "ik wil stoppen met school" is something to tell the coach.
"""

from __future__ import annotations

from flows.model import ButtonIn, CommandIn, Event, TextIn
from flows.state import State, Step
from flows.understand import fold

WORDS: dict[str, str] = {
    "stop": "stop",
    "pauze": "pauze",
    "pause": "pauze",
    "taal": "taal",
    "andere taal": "taal",
    "language": "taal",
    "hulp": "hulp",
    "help": "hulp",
    "mijn gegevens": "mijngegevens",
    "mijngegevens": "mijngegevens",
    "my data": "mijngegevens",
    "vergeet mij": "vergeetmij",
    "vergeet me": "vergeetmij",
    "vergeetmij": "vergeetmij",
    "forget me": "vergeetmij",
    "mijn afspraken": "afspraken",
    "afspraken": "afspraken",
    "toestemming": "toestemming",
    "checkin": "checkin",
    "check in": "checkin",
    "herinneringen": "herinneringen",
    "aanbod": "aanbod",
}
BUTTON = "cmd:"  # a button that acts as the command after it
BUTTONED = frozenset({"aanbod"})
PAUSE_WORDS = ("pauze", "pause")  # "pauze 2 weken" carries how long
# Questions whose answer is the youth's own words: what they want to tell us, a note with a
# check-in, why an appointment should move. There no word is a command.
FREE_TEXT_STEPS: frozenset[Step] = frozenset({"needs_text"})
# Where the word is an answer, not a command: "hulp" names what the youth wants help with.
ANSWERS: dict[str, frozenset[Step]] = {
    "hulp": frozenset({"needs", "needs_text", "summary", "edit_pick"}),
}


def typed_command(event: Event, state: State) -> Event:
    """The command a typed word (or a cmd: button, like "Toon het aanbod") stands for, or the event."""
    if isinstance(event, ButtonIn) and event.data.startswith(BUTTON) and event.data[4:] in BUTTONED:
        return CommandIn(event.data[4:], "")
    if not isinstance(event, TextIn) or len(event.text) > 40 or expects_free_text(state):
        return event
    folded = fold(event.text)
    name, args = WORDS.get(folded), ""
    head, _, rest = folded.partition(" ")
    if name is None and head in PAUSE_WORDS and rest:
        name, args = "pauze", rest
    if name is None or state.step in ANSWERS.get(name, frozenset()):
        return event
    return CommandIn(name, args)


def expects_free_text(state: State) -> bool:
    return state.step in FREE_TEXT_STEPS or bool(state.checkin_note or state.appt_change)
