"""/afspraken and /herinneringen as dialog tables."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from flows.context import Context
from flows.conversation import step
from flows.model import CommandIn, SetReminders
from flows.state import State
from flows.views import AppointmentView
from tests.support.dialog import NOW, Chat, lexicon, places, translator


def test_afspraken_lists_the_next_appointments_or_says_there_are_none() -> None:
    chat = Chat()
    assert chat.say("/afspraken") == "Je hebt nu geen afspraken gepland."
    view = AppointmentView(
        id=1, starts_at=datetime(2026, 11, 26, 13, 0, tzinfo=UTC), minutes=60,
        place="Marktplein 9, Heusden-Zolder", kind="gesprek", worker_name="Sara", note="",
        state="confirmed", version=1,
    )  # fmt: skip
    ctx = Context(now=NOW, lang="nl", directory=places(), lexicon=lexicon(), upcoming=(view,))
    transition = step(State(), CommandIn("afspraken"), ctx)
    (send,) = transition.effects
    text = translator().reply(send.reply, "nl")[0].text  # type: ignore[union-attr]
    assert text == (
        "Je volgende afspraken:\n📅 donderdag 26 november om 14u · Marktplein 9, Heusden-Zolder · met Sara"
    )


def test_herinneringen_toggles_reminders() -> None:
    ctx = Context(now=NOW, lang="nl", directory=places(), lexicon=lexicon(), reminders_on=True)
    off = step(State(), CommandIn("herinneringen"), ctx)
    assert off.effects[0] == SetReminders(False)
    on = step(State(), CommandIn("herinneringen"), replace(ctx, reminders_on=False))
    assert on.effects[0] == SetReminders(True)
