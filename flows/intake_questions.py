"""The intake's questions: what each step asks, its choices and buttons, and how to move on.

`ask(state, ctx)` is the question of the step the youth is at; `go`, `then`, `reask` and
`missed` are how a step moves (see the table in flows.intake).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from flows.context import Context
from flows.directory import Partnership
from flows.model import (
    N_,
    Button,
    Effect,
    Labels,
    Msg,
    Reply,
    Send,
    Transition,
    msg,
    raw,
    say,
)
from flows.state import State, Step

CONSENT_VERSION = "intake-2026-11"  # the consent ledger names the text the youth answered

NEEDS: tuple[tuple[str, str], ...] = (
    ("work", N_("Werk")),
    ("school", N_("Opleiding")),
    ("money", N_("Geld")),
    ("housing", N_("Wonen")),
    ("wellbeing", N_("Je goed voelen")),
    ("papers", N_("Papieren")),
    ("other", N_("Iets anders")),
)
REFERRALS: tuple[tuple[str, str], ...] = (
    ("vdab", N_("VDAB")),
    ("ocmw", N_("OCMW")),
    ("school", N_("School")),
    ("friend", N_("Een vriend(in)")),
    ("social", N_("Sociale media")),
    ("self", N_("Zelf gevonden")),
    ("other", N_("Iets anders")),
)
REACH: tuple[tuple[str, str], ...] = (
    ("morning", N_("Voormiddag (9u–12u)")),
    ("afternoon", N_("Namiddag (12u–17u)")),
    ("evening", N_("Avond (17u–20u)")),
    ("any", N_("Maakt niet uit")),
)
EDITABLE: tuple[tuple[Step, str], ...] = (
    ("name", N_("Naam")),
    ("age", N_("Leeftijd")),
    ("place", N_("Woonplaats")),
    ("needs", N_("Waarmee je hulp wilt")),
    ("referral", N_("Hoe je ons vond")),
    ("reach", N_("Wanneer we je bereiken")),
)


def labels(keys: tuple[str, ...], table: tuple[tuple[str, str], ...]) -> Labels:
    names = dict(table)
    return Labels(tuple(names[k] for k in keys if k in names))


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def partnership_of(state: State, ctx: Context) -> Partnership:
    pid = state.answers.partnership_id
    return ctx.directory.partnership(pid) if pid else ctx.directory.fallback


# --- questions ----------------------------------------------------------------------------


def ask_name(state: State, ctx: Context) -> Reply:
    return Reply((msg(N_("Hoe mogen we je noemen? Je voornaam of een bijnaam is goed.")),))


def ask_age(state: State, ctx: Context) -> Reply:
    return Reply((msg(N_("Hoe oud ben je?")),))


def ask_place(state: State, ctx: Context) -> Reply:
    return Reply(
        (msg(N_("In welke gemeente woon je? Je mag ook je postcode typen.")),),
        ((Button(msg(N_("Ik weet het niet")), "place:dk"),),),
    )


def ask_place_confirm(state: State, ctx: Context) -> Reply:
    if len(state.candidates) == 1:
        return Reply(
            (msg(N_("Bedoel je {place}?"), place=state.candidates[0].municipality),),
            ((Button(msg(N_("Ja")), "place:pick:0"), Button(msg(N_("Nee")), "place:no")),),
        )
    rows = tuple(
        (Button(raw(c.municipality), f"place:pick:{i}"),) for i, c in enumerate(state.candidates)
    )
    return Reply(
        (msg(N_("Welke plaats bedoel je?")),),
        (*rows, (Button(msg(N_("Iets anders")), "place:no"),)),
    )


def toggles(
    prefix: str, table: tuple[tuple[str, str], ...], chosen: tuple[str, ...]
) -> tuple[tuple[Button, ...], ...]:
    rows = [(Button(msg(label), f"{prefix}:{key}", key in chosen),) for key, label in table]
    rows.append((Button(msg(N_("Klaar")), f"{prefix}:done"),))
    return tuple(rows)


def ask_needs(state: State, ctx: Context) -> Reply:
    return Reply(
        (msg(N_("Waarmee wil je hulp? Je mag meer dan één ding kiezen. Tik daarna op Klaar.")),),
        toggles("needs", NEEDS, state.answers.needs),
    )


def ask_needs_text(state: State, ctx: Context) -> Reply:
    return Reply(
        (msg(N_("Wil je er iets meer over vertellen? Typ het gerust. Je mag ook overslaan.")),),
        ((Button(msg(N_("Overslaan")), "ntext:skip"),),),
    )


def ask_referral(state: State, ctx: Context) -> Reply:
    rows = tuple((Button(msg(label), f"ref:{key}"),) for key, label in REFERRALS)
    return Reply((msg(N_("Hoe heb je ons gevonden?")),), rows)


def ask_consent(state: State, ctx: Context) -> Reply:
    partnership = partnership_of(state, ctx)
    return Reply(
        (
            msg(N_("Nog één ding over je gegevens.")),
            msg(N_("We bewaren je antwoorden en berichten. Daarmee helpt je coach je.")),
            msg(
                N_("Alleen de mensen van {partnership} zien ze."),
                partnership=partnership.short_name,
            ),
            msg(N_("Je mag altijd vragen wat we bewaren, of alles laten wissen.")),
            msg(N_("Is dat oké voor jou?")),
        ),
        (
            (
                Button(msg(N_("Ja, dat is oké")), "consent:yes"),
                Button(msg(N_("Nee")), "consent:no"),
            ),
        ),
    )


def ask_reach(state: State, ctx: Context) -> Reply:
    return Reply(
        (msg(N_("Wanneer kunnen we je het best bereiken? Kies wat past en tik op Klaar.")),),
        toggles("reach", REACH, state.answers.reach),
    )


def ask_summary(state: State, ctx: Context) -> Reply:
    a = state.answers
    place: str | Labels = a.municipality or Labels((N_("Weet ik niet"),))
    lines = [
        msg(N_("Dit heb ik genoteerd:")),
        msg(N_("Naam: {name}"), name=a.name),
        msg(N_("Leeftijd: {age}"), age=a.age or 0),
        msg(N_("Woonplaats: {place}"), place=place),
        msg(N_("Hulp bij: {needs}"), needs=labels(a.needs, NEEDS)),
    ]
    if a.needs_text:
        lines.append(msg(N_("Je vertelde: {text}"), text=clip(a.needs_text, 300)))
    lines += [
        msg(N_("Gevonden via: {referral}"), referral=labels((a.referral,), REFERRALS)),
        msg(N_("Bereikbaar: {reach}"), reach=labels(a.reach, REACH)),
        msg(N_("Klopt dit?")),
    ]
    return Reply(
        tuple(lines),
        (
            (Button(msg(N_("Ja, verstuur")), "sum:ok"),),
            (Button(msg(N_("Iets aanpassen")), "sum:edit"),),
        ),
    )


def ask_edit_pick(state: State, ctx: Context) -> Reply:
    rows = tuple((Button(msg(label), f"edit:{step}"),) for step, label in EDITABLE)
    return Reply((msg(N_("Wat wil je aanpassen?")),), rows)


ASK: dict[Step, Callable[[State, Context], Reply]] = {
    "name": ask_name,
    "age": ask_age,
    "place": ask_place,
    "place_confirm": ask_place_confirm,
    "needs": ask_needs,
    "needs_text": ask_needs_text,
    "referral": ask_referral,
    "consent": ask_consent,
    "reach": ask_reach,
    "summary": ask_summary,
    "edit_pick": ask_edit_pick,
}


def ask(state: State, ctx: Context) -> Reply:
    """The question of the step the youth is at (for re-asking after an interruption)."""
    return ASK[state.step](state, ctx)


def go(state: State, step: Step, ctx: Context, *before: Effect) -> Transition:
    nxt = state.at(step)
    return Transition(nxt, (*before, Send(ask(nxt, ctx))))


def then(state: State, step: Step, ctx: Context, *before: Effect) -> Transition:
    """Move on after an answer: to the next step, or back to the summary when editing."""
    if state.editing:
        return go(replace(state, editing=False), "summary", ctx, *before)
    return go(state, step, ctx, *before)


def reask(state: State, ctx: Context, *hint: Msg) -> Transition:
    effects: tuple[Effect, ...] = (say(*hint),) if hint else ()
    return Transition(state, (*effects, Send(ask(state, ctx))))


def missed(
    state: State,
    ctx: Context,
    hint: Msg,
    forward: Callable[[State, Context], Transition],
) -> Transition:
    """A typed answer not understood: ask back kindly once; from the second miss on, the
    step's way forward (so nobody loops on the same question)."""
    counted = replace(state, misses=state.misses + 1)
    if counted.misses >= 2:
        return forward(counted, ctx)
    return reask(counted, ctx, hint)
