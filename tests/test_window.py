"""WhatsApp's 24-hour window, from the people's side: a coach answers after a quiet weekend, a
reminder falls due when the youth has not written for days, the youth answers on Monday.

A real database on each backend and the real sender; only the channel is a stand-in that
records what it was asked to send (the WhatsApp test server runs the same walks end to end).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.channels.errors import OutsideWindow
from bot.channels.sender import Sender
from core.outgoing import Button, Template, Text, send_reply, send_text
from core.whatsapp_templates import TemplateFileError, clean_param, load, parse
from core.window import OPEN
from flows.model import Button as FlowButton
from flows.model import Reply, msg
from storage import outbox, window, youths
from storage.db import Database
from storage.models import Message, OutboxJob, Youth
from tests.support.clock import Clock
from tests.support.dialog import translator
from tests.test_sender import FakeChannel, drain

PHONE = "32470123456"


def whatsapp_sender(db: Database, channel: FakeChannel, clock: Clock) -> Sender:
    return Sender(db, {"whatsapp": channel}, clock=clock, chat_rate=1000.0, chat_burst=1000.0)


async def youth_wrote(db: Database, clock: Clock, ago: timedelta, channel: str = "whatsapp") -> int:
    """A youth whose last message was `ago` before now; returns their id."""
    async with db.transaction() as session:
        youth = await youths.get_or_create(session, channel, PHONE, "nl", clock.now - ago)
        await outbox.add_message(
            session, youth, direction="in", author="youth", text="oké", buttons=None,
            now=clock.now - ago, delivery="received",
        )  # fmt: skip
        return youth.id


async def coach_writes(db: Database, clock: Clock, youth_id: int, text: str) -> None:
    async with db.transaction() as session:
        youth = await session.get(Youth, youth_id)
        assert youth is not None
        message = await outbox.add_message(
            session, youth, direction="out", author="worker", text=text, buttons=None,
            now=clock.now,
        )  # fmt: skip
        await send_text(session, youth, message, clock.now, "Sara")


async def youth_writes_again(db: Database, clock: Clock, youth_id: int) -> int:
    """What the engine does first when the youth writes: the window opens, kept ones go."""
    async with db.transaction() as session:
        youth = await session.get(Youth, youth_id)
        assert youth is not None
        await outbox.add_message(
            session, youth, direction="in", author="youth", text="sorry, was weg",
            buttons=None, now=clock.now, delivery="received",
        )  # fmt: skip
        return await window.release(session, youth_id, clock.now)


async def delivery_of(db: Database, text: str) -> str:
    async with db.sessions() as session:
        row = (await session.execute(select(Message).where(Message.text == text))).scalar_one()
        return row.delivery


def templates(channel: FakeChannel) -> list[Template]:
    return [
        a.message
        for a in channel.attempts
        if isinstance(a.message, Template) and a.outcome == "sent"
    ]


async def test_a_coach_writing_after_a_quiet_weekend_is_kept_and_announced_once(
    db: Database,
) -> None:
    clock = Clock()
    channel = FakeChannel()
    youth_id = await youth_wrote(db, clock, timedelta(days=3))
    sender = whatsapp_sender(db, channel, clock)

    await coach_writes(db, clock, youth_id, "Hoi Lotte, zin om dinsdag langs te komen?")
    await coach_writes(db, clock, youth_id, "Of woensdag, als dat beter past.")
    await drain(sender)

    # WhatsApp would refuse the free text: the youth gets one template, nothing else.
    assert channel.delivered() == []
    [announced] = templates(channel)
    assert (announced.name, announced.lang, announced.params) == ("instap_bericht", "nl", ("Sara",))
    assert announced.payloads == (OPEN,)
    assert await delivery_of(db, "Hoi Lotte, zin om dinsdag langs te komen?") == "held"
    # The coach reads on the timeline what went out instead.
    assert (
        await delivery_of(
            db,
            "Hoi! Er staat een bericht van Sara voor je klaar bij Instap. "
            "Tik op de knop of stuur iets terug, dan krijg je het meteen.",
        )
        == "sent"
    )

    clock.advance(3600 * 30)  # Monday: the youth answers
    assert await youth_writes_again(db, clock, youth_id) == 2
    await drain(sender)

    assert channel.delivered() == [
        "Hoi Lotte, zin om dinsdag langs te komen?",
        "Of woensdag, als dat beter past.",
    ]
    assert await delivery_of(db, "Of woensdag, als dat beter past.") == "sent"
    assert len(templates(channel)) == 1


async def test_within_the_window_messages_go_straight_out(db: Database) -> None:
    clock = Clock()
    channel = FakeChannel()
    youth_id = await youth_wrote(db, clock, timedelta(hours=20))
    await coach_writes(db, clock, youth_id, "Top, tot straks!")
    await drain(whatsapp_sender(db, channel, clock))
    assert channel.delivered() == ["Top, tot straks!"]
    assert templates(channel) == []


async def test_a_reminder_outside_the_window_is_the_template_and_its_buttons_answer_it(
    db: Database,
) -> None:
    clock = Clock()
    channel = FakeChannel()
    youth_id = await youth_wrote(db, clock, timedelta(days=5))
    when = clock.now + timedelta(days=1)
    said = translator().param(when, "nl")
    reply = Reply(
        (msg("Even een herinnering: je afspraak met Sara is {when}.", when=when),),
        (
            (
                FlowButton(msg("Oké, ik kom"), "appt:7:ok"),
                FlowButton(msg("Dat past niet"), "appt:7:no"),
            ),
        ),
    )
    async with db.transaction() as session:
        youth = await session.get(Youth, youth_id)
        assert youth is not None
        await send_reply(
            session, translator(), youth, reply, clock.now, purpose="reminder",
            params=("Sara", f"{said}\n"),
        )  # fmt: skip
    await drain(whatsapp_sender(db, channel, clock))

    [template] = templates(channel)
    assert template.name == "instap_herinnering"
    assert template.params == ("Sara", said)  # the newline is gone: Meta refuses it
    assert template.payloads == ("appt:7:ok", "appt:7:no")  # a tap answers the reminder
    assert channel.delivered() == []
    async with db.sessions() as session:
        row = (
            await session.execute(select(Message).where(Message.text.like("Even een herinnering%")))
        ).scalar_one()
        kept = await window.kept_count(session, youth_id)
    # The reminder is delivered (by the template): nothing waits to be sent twice.
    assert (row.delivery, kept) == ("sent", 0)
    assert row.channel_message_id is not None


async def test_when_whatsapp_says_the_window_closed_the_message_is_kept(db: Database) -> None:
    clock = Clock()
    channel = FakeChannel()
    channel.fail("Nog één vraag", OutsideWindow("131047 Re-engagement message"))
    youth_id = await youth_wrote(db, clock, timedelta(hours=23, minutes=40))
    await coach_writes(db, clock, youth_id, "Nog één vraag")
    sender = whatsapp_sender(db, channel, clock)
    await drain(sender)
    assert await delivery_of(db, "Nog één vraag") == "held"
    assert [t.name for t in templates(channel)] == ["instap_bericht"]

    await youth_writes_again(db, clock, youth_id)
    await drain(sender)
    assert channel.delivered() == ["Nog één vraag"]


async def test_a_kept_message_waits_while_the_youth_stays_silent(db: Database) -> None:
    clock = Clock()
    channel = FakeChannel()
    youth_id = await youth_wrote(db, clock, timedelta(days=2))
    await coach_writes(db, clock, youth_id, "Alles goed?")
    sender = whatsapp_sender(db, channel, clock)
    await drain(sender)
    clock.advance(3600 * 24 * 3)
    await drain(sender)
    assert channel.delivered() == []
    async with db.sessions() as session:
        job = (
            await session.execute(select(OutboxJob).where(OutboxJob.kind == "message"))
        ).scalar_one()
    assert (job.status, job.attempts) == ("held", 0)


async def test_telegram_has_no_window(db: Database) -> None:
    clock = Clock()
    channel = FakeChannel()
    youth_id = await youth_wrote(db, clock, timedelta(days=30), channel="telegram")
    await coach_writes(db, clock, youth_id, "Hoi, nog interesse?")
    await drain(Sender(db, {"telegram": channel}, clock=clock, chat_rate=1000.0, chat_burst=1000.0))
    assert channel.delivered() == ["Hoi, nog interesse?"]


def test_the_templates_file_is_complete_and_fits_meta_rules() -> None:
    found = load()
    assert {t.purpose for t in found.values()} == {"reminder", "message"}
    for spec in found.values():
        assert set(spec.wordings) == {"nl", "en"}
        for wording in spec.wordings.values():
            assert len(wording.body) <= 1024
            # Meta refuses a body that starts or ends with a variable.
            assert not wording.body.startswith("{{") and not wording.body.rstrip(".?!").endswith(
                "}}"
            )
            assert all(len(b) <= 25 for b in wording.buttons)


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"x": {"purpose": "reminder", "variables": ["a"], "nl": {"body": "Hoi"}}}, "body needs"),
        ({"x": {"purpose": "weird", "nl": {"body": "Hoi"}}}, "purpose"),
        ({"x": {"purpose": "message", "en": {"body": "Hi"}}}, "Dutch"),
        ({"X y": {"purpose": "message", "nl": {"body": "Hoi"}}}, "lower case"),
    ],
)
def test_a_broken_templates_file_says_what_is_wrong(data: dict[str, object], problem: str) -> None:
    with pytest.raises(TemplateFileError, match=problem):
        parse(data)  # type: ignore[arg-type]


def test_a_variable_is_one_short_line() -> None:
    assert clean_param("Sara\n\tDe   Smet") == "Sara De Smet"
    assert clean_param("   ") == "-"
    assert len(clean_param("x" * 500)) == 60


def test_texts_carry_their_purpose_through_the_outbox() -> None:
    text = Text("1", "Hoi", ((Button("Ja", "y"),),), "reminder", ("Sara", "morgen"))
    assert Text.from_json(text.to_json()) == text
    assert Text.from_json({"chat_id": "1", "text": "Hoi"}) == Text("1", "Hoi")
