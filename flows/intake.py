"""The intake: from the first hello to a case in the right partnership's queue.

    step           event                          next            effects
    ─────────────  ─────────────────────────────  ──────────────  ─────────────────────────────
    new            anything                       name            welcome, ask name
    name           a name                         age             ask age
    age            18 … 30                        place           ask place
    age            under 18 / over 30             ended           signpost elsewhere, count
    place          a covered place                needs           say who helps, ask needs
    place          close match or several         place_confirm   "Bedoel je …?"
    place          a place nobody covers          ended           signpost fallback, count place
    place          "ik weet het niet"             needs           the fallback partnership
    place_confirm  yes / a pick                   needs | ended   as for place
    place_confirm  no / something else            place           ask again
    needs          toggle                         needs           same message, buttons updated
    needs          typed "werk en geld"           needs           "Genoteerd: …", nog iets?
    needs          done (≥ 1 chosen)              needs_text      optional free text
    needs_text     text / skip ("nee", "niks")    referral
    referral       a choice (tapped or typed)     consent
    consent        yes ("ok", "is goed")          reach           consent recorded
    consent        no                             ended           refusal recorded, help lines
    reach          toggle / typed / done          summary         ("maakt niet uit": at once)
    summary        send ("klopt")                 done            case created, promise told
    summary        change                         edit_pick
    summary        "mijn leeftijd is fout"        age             that question, then summary
    edit_pick      a field                        that question, then back to summary

Every button step also takes a typed answer (flows.understand reads it). Anything that
does not fit (a sticker, a stale button, words we do not understand) is a kind re-ask,
never an error; from the second miss in a row a step offers a way forward (`missed`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta

from flows import understand
from flows.contact import self_contact_parts
from flows.context import Context
from flows.directory import Partnership, PlaceMatch
from flows.help import help_line_parts
from flows.model import (
    N_,
    Button,
    ButtonIn,
    CountSignpost,
    CountUncovered,
    CreateCase,
    Effect,
    Labels,
    Msg,
    RecordConsent,
    Reply,
    Send,
    TextIn,
    Transition,
    msg,
    raw,
    say,
)
from flows.state import Answers, Candidate, State, Step

CONSENT_VERSION = "intake-2026-11"
MIN_AGE, MAX_AGE = 18, 30
MAX_NAME = 40

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


def words(text: str) -> str:
    """Fold a short answer for comparison: lower case, no accents, no punctuation."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w' ]+", " ", folded).split())


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


# --- helpers ------------------------------------------------------------------------------


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def partnership_of(state: State, ctx: Context) -> Partnership:
    pid = state.answers.partnership_id
    return ctx.directory.partnership(pid) if pid else ctx.directory.fallback


def clean_name(text: str) -> str:
    visible = "".join(c for c in text if unicodedata.category(c) not in {"Cf", "Cc"})
    return " ".join(visible.split())


NUMBER_WORDS = {
    "vijftien": 15, "zestien": 16, "zeventien": 17, "achttien": 18, "negentien": 19,
    "twintig": 20, "eenentwintig": 21, "tweeentwintig": 22, "drieentwintig": 23,
    "vierentwintig": 24, "vijfentwintig": 25, "zesentwintig": 26, "zevenentwintig": 27,
    "achtentwintig": 28, "negenentwintig": 29, "dertig": 30, "eenendertig": 31,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30,
}  # fmt: skip


def parse_age(text: str) -> int | None:
    digits = re.search(r"\d{1,3}", text)
    if digits:
        return int(digits.group())
    for word in words(text).replace("ë", "e").split():
        if word in NUMBER_WORDS:
            return NUMBER_WORDS[word]
    return None


def add_workdays(day: date, workdays: int) -> date:
    while workdays > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            workdays -= 1
    return day


def contact_parts(partnership: Partnership, ctx: Context) -> tuple[Msg, ...]:
    return (raw(partnership.contact.get(ctx.lang) or partnership.contact["nl"]),)


# --- steps --------------------------------------------------------------------------------


def start(state: State, ctx: Context) -> Transition:
    """Welcome a youth and ask the first question."""
    fresh = State(stopped=False)
    welcome = say(
        msg(N_("Hoi! Ik ben Instap. 👋")),
        msg(N_("Zoek je werk, een opleiding of wat hulp? Ik breng je bij een coach in je buurt.")),
        msg(N_("Het is gratis en jij beslist. Alleen het team van je coach leest mee.")),
        msg(N_("Eerst een paar korte vragen. Dat duurt ongeveer 3 minuten.")),
        msg(N_("Andere taal? Typ /taal.")),
    )
    return go(fresh, "name", ctx, welcome)


def on_name(state: State, event: TextIn | ButtonIn, ctx: Context) -> Transition:
    if not isinstance(event, TextIn):
        return reask(state, ctx, msg(N_("Typ de naam waarmee we je mogen aanspreken.")))
    typed = clean_name(event.text)
    if not typed:
        return reask(state, ctx, msg(N_("Typ de naam waarmee we je mogen aanspreken.")))
    name = understand.name_in(typed)
    phone = understand.looks_like_phone(typed)
    if name is None and state.misses >= 2 and len(typed.split()) <= 3 and not phone:
        name = typed  # asked twice already: the youth knows best what we may call them
    if name is None:
        return not_a_name(state, typed, ctx)
    if len(name) > MAX_NAME:
        return reask(state, ctx, msg(N_("Dat is wat lang. Kies een naam van hooguit 40 tekens.")))
    named = state.answer(name=name)
    if named.editing:
        return then(named, "age", ctx)
    return go(named, "age", ctx, say(msg(N_("Leuk je te leren kennen, {name}!"), name=name)))


def not_a_name(state: State, typed: str, ctx: Context) -> Transition:
    """A greeting alone, a phone number, a sentence or an emoji: ask again, kindly."""
    if understand.looks_like_phone(typed):
        hint = msg(N_("Je nummer hoeft hier niet. Je coach vraagt het later als het nodig is."))
    elif set(understand.fold(typed).split() or ["?"]) <= understand.GREETINGS:
        hint = msg(N_("Hoi! 👋"))
    else:
        hint = msg(N_("Ik vind geen naam in je bericht."))

    def forward(s: State, c: Context) -> Transition:
        return reask(
            s, c, hint, msg(N_("Typ alleen je voornaam of een bijnaam, bijvoorbeeld: Sam."))
        )

    return missed(state, ctx, hint, forward)


def on_age(state: State, event: TextIn | ButtonIn, ctx: Context) -> Transition:
    age = parse_age(event.text) if isinstance(event, TextIn) else None
    if age is None or not 10 <= age <= 99:
        hint = msg(N_("Typ je leeftijd als getal, bijvoorbeeld 19."))

        def forward(s: State, c: Context) -> Transition:
            why = msg(N_("We vragen het omdat we jongeren van 18 tot 30 jaar helpen."))
            return reask(s, c, why, hint)

        return missed(state, ctx, hint, forward)
    aged = state.answer(age=age)
    if age < MIN_AGE:
        return signpost_young(aged, ctx)
    if age > MAX_AGE:
        return signpost_older(aged, ctx)
    return then(aged, "place", ctx)


def signpost_young(state: State, ctx: Context) -> Transition:
    return Transition(
        state.at("ended"),
        (
            CountSignpost("too_young"),
            say(
                msg(N_("Fijn dat je de stap zet! Wij helpen jongeren vanaf 18 jaar.")),
                msg(N_("Voor jou zijn er andere plekken die je gratis en anoniem helpen:")),
                *help_line_parts(("jac", "102"), ctx),
                msg(N_("Wil je later opnieuw beginnen? Typ dan /start.")),
            ),
        ),
    )


def signpost_older(state: State, ctx: Context) -> Transition:
    fallback = ctx.directory.fallback
    return Transition(
        state.at("ended"),
        (
            CountSignpost("too_old"),
            say(
                msg(N_("Dank je! Wij helpen jongeren tot 30 jaar.")),
                msg(N_("Bij VDAB en het CAW helpen ze je graag verder:")),
                *contact_parts(fallback, ctx),
                *help_line_parts(("caw",), ctx),
                msg(N_("Heb je het nu moeilijk? Typ /hulp.")),
            ),
        ),
    )


def on_place(state: State, event: TextIn | ButtonIn, ctx: Context) -> Transition:
    if isinstance(event, ButtonIn):
        if event.data == "place:dk":
            return place_unknown(state, ctx)
        return reask(state, ctx)
    if understand.dont_know(event.text):
        return place_unknown(state, ctx)
    found: PlaceMatch = ctx.directory.match_place(event.text)
    candidates = tuple(
        Candidate(c.municipality, c.via, c.partnership_id or "") for c in found.candidates[:3]
    )
    if found.kind == "exact" and len(candidates) == 1:
        return place_chosen(state, candidates[0], ctx)
    if found.kind in ("exact", "fuzzy", "ambiguous") and candidates:
        return go(replace(state, candidates=candidates), "place_confirm", ctx)
    not_found = msg(N_("Die plaats vind ik niet. Typ je gemeente of postcode, bijvoorbeeld 3630."))

    def forward(s: State, c: Context) -> Transition:
        return reask(
            s,
            c,
            not_found,
            msg(N_("Twijfel je? Typ dan: geen idee. Dan zoeken we samen.")),
        )

    return missed(state, ctx, not_found, forward)


def place_unknown(state: State, ctx: Context) -> Transition:
    fallback = ctx.directory.fallback
    chosen = state.answer(municipality="", place_via="", partnership_id=fallback.id)
    note = say(msg(N_("Geen probleem. Een jongerenconsulent zoekt dan samen met je verder.")))
    return then(replace(chosen, candidates=()), "needs", ctx, note)


def place_chosen(state: State, place: Candidate, ctx: Context) -> Transition:
    if not place.partnership_id:
        return uncovered(state, place, ctx)
    chosen = replace(state, candidates=()).answer(
        municipality=place.municipality, place_via=place.via, partnership_id=place.partnership_id
    )
    partnership = ctx.directory.partnership(place.partnership_id)
    note = say(
        msg(
            N_("Top! In {place} helpt {partnership} je verder."),
            place=place.municipality,
            partnership=partnership.short_name,
        )
    )
    return then(chosen, "needs", ctx, note)


def uncovered(state: State, place: Candidate, ctx: Context) -> Transition:
    fallback = ctx.directory.fallback
    ended = replace(state, candidates=(), editing=False).at("ended")
    return Transition(
        ended,
        (
            CountUncovered(place.municipality),
            say(
                msg(
                    N_("Voor {place} kan ik je nog niet doorsturen via deze chat. Sorry!"),
                    place=place.municipality,
                ),
                msg(N_("Je staat er niet alleen voor. Hier helpen ze je wel:")),
                *contact_parts(fallback, ctx),
                msg(
                    N_("We noteren dat iemand uit {place} hulp zocht. Zonder je naam."),
                    place=place.municipality,
                ),
                msg(N_("Woon je toch ergens anders? Typ dan /start.")),
            ),
        ),
    )


def on_place_confirm(state: State, event: TextIn | ButtonIn, ctx: Context) -> Transition:
    if isinstance(event, TextIn):
        answer = understand.yes_no(event.text)
        picked = typed_pick(event.text, state.candidates)
        if picked is not None:
            return place_chosen(state, picked, ctx)
        if answer == "yes" and len(state.candidates) == 1:
            return place_chosen(state, state.candidates[0], ctx)
        if answer == "no" or understand.is_one_of(event.text, ("iets anders", "geen van", "geen")):
            return go(replace(state, candidates=()), "place", ctx)
        # They typed a place again: match it afresh.
        return on_place(replace(state, candidates=()).at("place"), event, ctx)
    if event.data == "place:no":
        return go(replace(state, candidates=()), "place", ctx)
    index = event.data.removeprefix("place:pick:")
    if index.isdigit() and int(index) < len(state.candidates):
        return place_chosen(state, state.candidates[int(index)], ctx)
    return reask(state, ctx)


def typed_pick(text: str, candidates: tuple[Candidate, ...]) -> Candidate | None:
    """A place among those shown, typed: its name, "de tweede", "2"."""
    typed = understand.fold(text)
    for candidate in candidates:
        if typed == understand.fold(candidate.municipality):
            return candidate
    index = understand.ordinal_in(text) if len(candidates) > 1 else None
    return candidates[index] if index is not None and index < len(candidates) else None


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


def on_needs(state: State, event: TextIn | ButtonIn, ctx: Context) -> Transition:
    return on_toggle(state, event, ctx, "needs", NEEDS, lambda s, c: then(s, "needs_text", c))


def on_needs_text(state: State, event: TextIn | ButtonIn, ctx: Context) -> Transition:
    if isinstance(event, ButtonIn):
        if event.data == "ntext:skip":
            return then(state, "referral", ctx)
        return reask(state, ctx)
    text = event.text.strip()
    if not text:
        return reask(state, ctx)
    if understand.is_skip(text):
        return then(state, "referral", ctx)
    return then(state.answer(needs_text=text), "referral", ctx, say(msg(N_("Dank je, dat helpt."))))


def on_referral(state: State, event: TextIn | ButtonIn, ctx: Context) -> Transition:
    if isinstance(event, ButtonIn):
        key = event.data.removeprefix("ref:")
        if key not in dict(REFERRALS):
            return reask(state, ctx)
        return then(state.answer(referral=key), "consent", ctx)
    found = understand.referral_in(event.text)
    if found is not None:
        return then(state.answer(referral=found), "consent", ctx)
    hint = msg(N_("Dat begrijp ik niet goed. Typ het kort, bijvoorbeeld: via een vriend."))
    return missed(state, ctx, hint, lambda s, c: then(s.answer(referral="other"), "consent", c))


def on_consent(state: State, event: TextIn | ButtonIn, ctx: Context) -> Transition:
    answer = event.data.removeprefix("consent:") if isinstance(event, ButtonIn) else None
    if isinstance(event, TextIn):
        answer = understand.yes_no(event.text)
    if answer == "yes":
        consented = state.answer(consent=True)
        return then(consented, "reach", ctx, RecordConsent("intake", CONSENT_VERSION, True))
    if answer == "no":
        return declined(state, ctx)
    if isinstance(event, ButtonIn):
        return reask(state, ctx, msg(N_("Tik op Ja of Nee.")))
    hint = msg(N_("Typ ja als het oké is, of nee als je het liever niet wilt."))
    return missed(state, ctx, hint, consent_forward)


def consent_forward(state: State, ctx: Context) -> Transition:
    """Unsure about consent: never assumed; talking to the partnership first is a way on."""
    partnership = partnership_of(state, ctx)
    return reask(
        state,
        ctx,
        msg(N_("Twijfel je? Dat mag.")),
        msg(
            N_("Je kunt ook eerst zelf met {partnership} praten:"),
            partnership=partnership.short_name,
        ),
        *contact_parts(partnership, ctx),
    )


def declined(state: State, ctx: Context) -> Transition:
    """No consent: nothing is kept and nobody will call; how to get in touch yourself."""
    partnership = partnership_of(state, ctx)
    return Transition(
        state.answer(consent=False).at("ended"),
        (
            RecordConsent("intake", CONSENT_VERSION, False),
            CountSignpost("no_consent"),
            say(
                msg(N_("Oké, dat is jouw keuze. Zonder jouw ja bewaren we niets.")),
                msg(N_("Er belt dus ook niemand je op.")),
                *self_contact_parts(partnership, ctx),
                msg(N_("Wil je gewoon even praten? Dat kan altijd, gratis en anoniem:")),
                *help_line_parts(("106",), ctx),
                msg(N_("Verander je van gedacht? Typ dan /start.")),
            ),
        ),
    )


def on_reach(state: State, event: TextIn | ButtonIn, ctx: Context) -> Transition:
    def after(s: State, c: Context) -> Transition:
        return go(replace(s, editing=False), "summary", c)

    return on_toggle(state, event, ctx, "reach", REACH, after)


def on_summary(state: State, event: TextIn | ButtonIn, ctx: Context) -> Transition:
    choice = event.data if isinstance(event, ButtonIn) else ""
    if isinstance(event, TextIn):
        typed = understand.summary_choice(event.text)
        target = understand.field_in(event.text)
        if typed == "edit" and target in dict(EDITABLE):
            return edit(state, target, ctx)  # "mijn leeftijd is fout": straight to that question
        choice = {"send": "sum:ok", "edit": "sum:edit"}.get(typed or "", "")
    if choice == "sum:ok":
        return register(state, ctx)
    if choice == "sum:edit":
        return go(state, "edit_pick", ctx)
    if isinstance(event, ButtonIn):
        return reask(state, ctx, msg(N_("Tik op een van de knoppen.")))
    hint = msg(N_("Typ verstuur als alles klopt, of aanpassen als je iets wilt veranderen."))

    def forward(s: State, c: Context) -> Transition:
        later = msg(N_("Twijfel je? Je coach kan alles later ook nog aanpassen."))
        return reask(s, c, later, hint)

    return missed(state, ctx, hint, forward)


def edit(state: State, target: str, ctx: Context) -> Transition:
    """Answer one question again, then back to the summary."""
    step: Step = next(s for s, _ in EDITABLE if s == target)
    return go(replace(state, editing=True), step, ctx)


def on_edit_pick(state: State, event: TextIn | ButtonIn, ctx: Context) -> Transition:
    if isinstance(event, ButtonIn):
        step = event.data.removeprefix("edit:")
        if step in dict(EDITABLE):
            return edit(state, step, ctx)
        return reask(state, ctx)
    target = understand.field_in(event.text) or understand.field_by_answer(event.text)
    if target is not None:
        return edit(state, target, ctx)
    if understand.is_skip(event.text) or understand.yes_no(event.text) is not None:
        return go(state, "summary", ctx)  # nothing to change after all
    hint = msg(N_("Typ wat je wilt aanpassen, bijvoorbeeld: leeftijd."))
    return missed(state, ctx, hint, lambda s, c: go(s, "summary", c))


def register(state: State, ctx: Context) -> Transition:
    a: Answers = state.answers
    partnership = partnership_of(state, ctx)
    deadline = add_workdays(ctx.now.date(), partnership.first_response_workdays)
    answers = {
        "name": a.name,
        "age": a.age,
        "municipality": a.municipality,
        "place_via": a.place_via,
        "needs": list(a.needs),
        "needs_text": a.needs_text,
        "referral": a.referral,
        "reach": list(a.reach),
        "language": ctx.lang,
        "consent_version": CONSENT_VERSION,
    }
    return Transition(
        state.at("done"),
        (
            CreateCase(partnership.id, answers),
            say(
                msg(N_("Top, {name}! {partnership} heeft je aanmelding gekregen."),
                    name=a.name, partnership=partnership.short_name),
                msg(N_("Een coach neemt contact met je op, ten laatste op {deadline}."),
                    deadline=deadline),
                msg(N_("Heb je intussen een vraag? Stuur hier gerust een bericht.")),
                msg(N_("Heb je het nu moeilijk? Typ /hulp.")),
            ),
        ),
    )  # fmt: skip


ON: dict[Step, Callable[[State, TextIn | ButtonIn, Context], Transition]] = {
    "name": on_name,
    "age": on_age,
    "place": on_place,
    "place_confirm": on_place_confirm,
    "needs": on_needs,
    "needs_text": on_needs_text,
    "referral": on_referral,
    "consent": on_consent,
    "reach": on_reach,
    "summary": on_summary,
    "edit_pick": on_edit_pick,
}

# Which button prefixes each step accepts; a press on anything else is a stale button.
ACCEPTS: dict[Step, tuple[str, ...]] = {
    "place": ("place:dk",),
    "place_confirm": ("place:",),
    "needs": ("needs:",),
    "needs_text": ("ntext:",),
    "referral": ("ref:",),
    "consent": ("consent:",),
    "reach": ("reach:",),
    "summary": ("sum:",),
    "edit_pick": ("edit:",),
}


def accepts(step: Step, data: str) -> bool:
    return any(data.startswith(prefix) for prefix in ACCEPTS.get(step, ()))


def step(state: State, event: TextIn | ButtonIn, ctx: Context) -> Transition:
    """Handle one answer inside the intake."""
    return ON[state.step](state, event, ctx)
