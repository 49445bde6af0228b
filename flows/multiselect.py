"""The multi-select steps (what the youth wants help with, when we can reach them).

A tap toggles a choice (the same message, its buttons updated); typed choices are noted
("Genoteerd: Werk, Geld.") and the youth types more or "klaar". Twice not understood, the
step goes on with what it has (`way_on`), never in a loop.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from flows import understand
from flows.context import Context
from flows.intake_questions import ask, labels, missed, reask, then, toggles
from flows.model import N_, ButtonIn, Reply, Send, TextIn, Transition, msg, say
from flows.state import State


def on_toggle(
    state: State,
    event: TextIn | ButtonIn,
    ctx: Context,
    field: str,
    table: tuple[tuple[str, str], ...],
    after: Callable[[State, Context], Transition],
) -> Transition:
    chosen: tuple[str, ...] = getattr(state.answers, field)
    if isinstance(event, TextIn):
        return typed_toggle(state, event.text, ctx, field, table, after)
    key = event.data.split(":", 1)[1]
    if key == "done":
        if not chosen:
            return reask(
                state,
                ctx,
                msg(N_("Kies minstens één ding. Twijfel je? Kies dan wat het best past.")),
            )
        return after(state, ctx)
    if key not in dict(table):
        return reask(state, ctx)
    if key == "any":
        chosen = () if "any" in chosen else ("any",)
    elif key in chosen:
        chosen = tuple(k for k in chosen if k != key)
    else:
        chosen = tuple(k for k, _ in table if (k in chosen or k == key) and k != "any")
    toggled = state.answer(**{field: chosen})
    edited = ask(toggled, ctx)
    return Transition(toggled, (Send(replace(edited, edit=True)),))


def typed_toggle(
    state: State,
    text: str,
    ctx: Context,
    field: str,
    table: tuple[tuple[str, str], ...],
    after: Callable[[State, Context], Transition],
) -> Transition:
    """Choices typed instead of tapped: "werk en een opleiding", "namiddag", "klaar"."""
    chosen: tuple[str, ...] = getattr(state.answers, field)
    if understand.is_done(text):
        if chosen:
            return after(state, ctx)
        hint = msg(N_("Kies minstens één ding. Twijfel je? Kies dan wat het best past."))
        return missed(state, ctx, hint, lambda s, c: way_on(s, "", field, after, c))
    found = understand.needs_in(text) if field == "needs" else understand.day_parts_in(text)
    if not found:
        if chosen and understand.yes_no(text) == "yes":  # "ja, er is nog iets": what then?
            question = N_("Wat nog? Typ het, of tik het aan.")
            counted = replace(state, misses=state.misses + 1)
            if counted.misses >= 2:
                return way_on(counted, "", field, after, ctx)
            return Transition(counted, (Send(noted(counted, field, table, question)),))
        return missed(state, ctx, msg(HINTS[field]), lambda s, c: way_on(s, text, field, after, c))
    if "any" in found:
        merged: tuple[str, ...] = ("any",)
    else:
        merged = tuple(k for k, _ in table if (k in chosen or k in found) and k != "any")
    toggled = state.answer(**{field: merged}).at(state.step)
    if merged == ("any",) or understand.ends_with_done(text):
        return after(toggled, ctx)
    question = N_("Nog iets? Typ het erbij, of typ klaar.")
    return Transition(toggled, (Send(noted(toggled, field, table, question)),))


HINTS: dict[str, str] = {
    "needs": N_("Dat begrijp ik niet goed. Typ kort waarmee je hulp wilt, bijvoorbeeld: werk."),
    "reach": N_("Dat begrijp ik niet goed. Typ wanneer het past, bijvoorbeeld: namiddag."),
}


def noted(state: State, field: str, table: tuple[tuple[str, str], ...], question: str) -> Reply:
    """What was noted so far, the buttons with their ticks, and the way on."""
    chosen: tuple[str, ...] = getattr(state.answers, field)
    return Reply(
        (msg(N_("Genoteerd: {items}."), items=labels(chosen, table)), msg(question)),
        toggles(field, table, chosen),
    )


def way_on(
    state: State, text: str, field: str, after: Callable[[State, Context], Transition], ctx: Context
) -> Transition:
    """Twice not understood on a multi-select: go on with what we have, never loop.

    Needs: the youth's own words go to the coach as "iets anders". Day parts: any time.
    """
    chosen: tuple[str, ...] = getattr(state.answers, field)
    if field == "needs":
        told = " ".join(t for t in (state.answers.needs_text, text.strip()) if t)
        kept = state.answer(needs=chosen or ("other",), needs_text=told)
        note = say(msg(N_("Geen probleem. Ik geef het zo door aan je coach.")))
        return then(kept, "referral", ctx, note)
    kept = state.answer(reach=chosen or ("any",))
    note = say(msg(N_("Geen probleem. Je coach spreekt met je af wanneer het past.")))
    moved = after(kept, ctx)
    return Transition(moved.state, (note, *moved.effects))
