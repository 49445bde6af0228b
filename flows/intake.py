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

Every button step also takes a typed answer (flows.understand reads it, flows.names a
name). Anything that does not fit (a sticker, a stale button, words we do not understand)
is a kind re-ask, never an error; from the second miss in a row a step offers a way
forward (`missed`).

Here: the steps. What each step asks: flows.intake_questions; the multi-select steps
(needs, reach): flows.multiselect; the endings without a case: flows.signposts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta

from flows import multiselect, names, understand
from flows.contact import contact_parts
from flows.context import Context
from flows.directory import PlaceMatch
from flows.intake_questions import (
    CONSENT_VERSION,
    EDITABLE,
    NEEDS,
    REACH,
    REFERRALS,
    go,
    missed,
    partnership_of,
    reask,
    then,
)
from flows.model import (
    N_,
    ButtonIn,
    CreateCase,
    RecordConsent,
    TextIn,
    Transition,
    msg,
    say,
)
from flows.signposts import declined, signpost_older, signpost_young, uncovered
from flows.state import Answers, Candidate, State, Step

MIN_AGE, MAX_AGE = 18, 30
MAX_NAME = 40


def add_workdays(day: date, workdays: int) -> date:
    """The day this many working days (Monday to Friday) after `day`."""
    while workdays > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            workdays -= 1
    return day


# --- steps --------------------------------------------------------------------------------


def start(state: State, ctx: Context, entry: str = "") -> Transition:
    """Welcome a youth and ask the first question; `entry`: the poster they came through."""
    fresh = State(stopped=False).answer(entry_point=entry)
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
    typed = names.clean_name(event.text)
    if not typed:
        return reask(state, ctx, msg(N_("Typ de naam waarmee we je mogen aanspreken.")))
    name = names.name_in(typed)
    phone = names.looks_like_phone(typed)
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
    if names.looks_like_phone(typed):
        hint = msg(N_("Je nummer hoeft hier niet. Je coach vraagt het later als het nodig is."))
    elif set(understand.fold(typed).split() or ["?"]) <= names.GREETINGS:
        hint = msg(N_("Hoi! 👋"))
    else:
        hint = msg(N_("Ik vind geen naam in je bericht."))

    def forward(s: State, c: Context) -> Transition:
        return reask(
            s, c, hint, msg(N_("Typ alleen je voornaam of een bijnaam, bijvoorbeeld: Sam."))
        )

    return missed(state, ctx, hint, forward)


def on_age(state: State, event: TextIn | ButtonIn, ctx: Context) -> Transition:
    age = understand.parse_age(event.text) if isinstance(event, TextIn) else None
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


def on_needs(state: State, event: TextIn | ButtonIn, ctx: Context) -> Transition:
    return multiselect.on_toggle(
        state, event, ctx, "needs", NEEDS, lambda s, c: then(s, "needs_text", c)
    )


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


def on_reach(state: State, event: TextIn | ButtonIn, ctx: Context) -> Transition:
    def after(s: State, c: Context) -> Transition:
        return go(replace(s, editing=False), "summary", c)

    return multiselect.on_toggle(state, event, ctx, "reach", REACH, after)


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
        "entry_point": a.entry_point,
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
