"""Where the intake ends without a case, and where the youth can go instead.

too young (< 18)          JAC and Awel                          CountSignpost("too_young")
too old (> 30)            the fallback partnership and the CAW  CountSignpost("too_old")
a place nobody covers     the fallback partnership              CountUncovered(place)
no consent                the partnership's own contact, 106    RecordConsent(no), CountSignpost

Each ends at step "ended"; /start begins again.
"""

from __future__ import annotations

from dataclasses import replace

from flows.contact import contact_parts, self_contact_parts
from flows.context import Context
from flows.help import help_line_parts
from flows.intake_questions import CONSENT_VERSION, partnership_of
from flows.model import N_, CountSignpost, CountUncovered, RecordConsent, Transition, msg, say
from flows.state import Candidate, State


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
