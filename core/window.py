"""A message WhatsApp may not carry now (the youth has not written for 24 hours): keep it, and
announce it with an approved template (config/whatsapp_templates.toml).

A reminder travels in the template itself (the time, and its buttons answer it as the
reminder's would). Anything else waits (storage/window.py) under one "there is a message for
you" template; the youth's tap or next message frees it, in order.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from core.outgoing import ChatMessage, Template, Text, enqueue
from core.whatsapp_templates import MESSAGE, REMINDER, TemplateSpec, clean_param, for_purpose
from storage import outbox, window
from storage.models import Message, Youth
from storage.outbox import Job

OPEN = "wa:open"  # what the "Toon het bericht" button of a template sends back
SENDER = "Instap"  # who wrote, when it was not a coach


def choose(
    message: ChatMessage, lang: str
) -> tuple[TemplateSpec, tuple[str, ...], tuple[str, ...]]:
    """The template that announces `message`, its variables and its buttons' payloads."""
    if isinstance(message, Text) and message.purpose == REMINDER and message.buttons:
        spec = for_purpose(REMINDER)
        answers = tuple(b.data for b in message.buttons[0])
        _, wording = spec.wording(lang)
        if len(answers) == len(wording.buttons) and len(message.params) == len(spec.variables):
            return spec, tuple(clean_param(p) for p in message.params), answers
    spec = for_purpose(MESSAGE)
    who = message.params[0] if isinstance(message, Text) and message.params else SENDER
    _, wording = spec.wording(lang)
    return spec, (clean_param(who),), (OPEN,) * len(wording.buttons)


async def keep(
    session: AsyncSession, job: Job, message: ChatMessage, now: datetime, why: str
) -> None:
    """The window is closed: hold (or, for a reminder, replace) the job; send a template."""
    youth = await session.get(Youth, job.youth_id) if job.youth_id is not None else None
    if youth is None:
        return
    spec, params, payloads = choose(message, youth.lang)
    lang, wording = spec.wording(youth.lang)
    template = Template(youth.channel_user_id, spec.name, lang, params, payloads)
    if spec.purpose == REMINDER:
        # The template is the reminder: its timeline row is delivered by the template's job.
        await window.replace(session, job.id, why)
        row = await session.get(Message, job.message_id) if job.message_id else None
        await enqueue(session, youth, template, now, row)
        return
    await window.hold(session, job.id, job.message_id, why)
    since = await window.last_written(session, youth.id)
    if any(
        t.get("name") == spec.name for t in await window.templates_since(session, youth.id, since)
    ):
        return  # one "there is a message for you" until they write is enough
    buttons = [[{"text": b, "data": p} for b, p in zip(wording.buttons, payloads, strict=True)]]
    row = await outbox.add_message(
        session, youth, direction="out", author="bot", text=spec.text(lang, params),
        buttons=buttons if wording.buttons else None, now=now,
    )  # fmt: skip
    await enqueue(session, youth, template, now, row)
