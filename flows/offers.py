"""Group offers in the chat: /aanbod lists what is on, one tap books a seat or a waiting place.

    event                                    effects
    ───────────────────────────────────────  ──────────────────────────────────────────────
    /aanbod (or "aanbod"), registered        the next sessions, each with "Ik kom"
    /aanbod before the intake is done        how to sign up first
    ofr:in:{id}, a seat free                 BookSeat (a seat, or the waiting list if the
                                             last seat went just now), "Toch niet" button
    ofr:in:{id}, full                        "Het zit vol. Wil je op de wachtlijst?"
    ofr:wait:{id}                            BookSeat (a seat if one came free meanwhile)
    ofr:no:{id}                              "Oké", nothing stored
    ofr:maybe:{id} (an invitation's button)  "Tik later op Ik kom", the buttons kept
    ofr:out:{id}, booked or waiting          CancelBooking (the first waiting youth is told)
    ofr:…, already booked / not booked       says where the youth stands, nothing stored
    invitation (a worker, `invitation`)      the session with "Ik kom", "Misschien", "Nee, dank je"
    missed (attendance saved, `missed`)      "We hebben je gemist …" with "Toon het aanbod"
    reminder (the tick, `reminder`)          "Even een herinnering: …" with "Ik ben te laat"
                                             and "Toch niet"
    ofr:late:{id}, booked, until the end     LateForSession, "Oké, we weten het. Tot straks!"
    ofr:late:{id}, no seat                   "Je was niet ingeschreven."
    ofr:… of a cancelled, unknown session    "gaat niet meer door"
    ofr:… of a session that began            "al voorbij"
    moved (a worker, `moved`)                "… is verzet naar …" with "Toch niet"
    called off (a worker, `called_off`)      "… gaat niet door. Sorry!" and how to see /aanbod

The engine looks up the session a button names (`Context.offer`, only within the youth's
partnership) and the list for /aanbod (`Context.offers`).
"""

from __future__ import annotations

from datetime import timedelta

from flows.context import Context
from flows.model import (
    N_,
    BookSeat,
    Button,
    CancelBooking,
    Effect,
    LateForSession,
    Msg,
    Reply,
    Send,
    Transition,
    msg,
    say,
)
from flows.state import State
from flows.views import OfferView

BUTTONS = "ofr:"
ACTIONS = ("in", "wait", "no", "out", "late", "maybe")
SHOW_OFFERS = "cmd:aanbod"  # a button that acts as the typed /aanbod (flows.words)
MORE = N_("Typ /aanbod om te zien wat er nog komt.")


def data(action: str, view: OfferView) -> str:
    """Button data, at most 64 bytes: ofr:{action}:{session id}."""
    return f"{BUTTONS}{action}:{view.session_id}"


def session_of(data: str) -> int:
    """The session an ofr: button names (0: not an offer button, or garbled)."""
    head, _, rest = data.removeprefix(BUTTONS).partition(":")
    if not data.startswith(BUTTONS) or head not in ACTIONS or not rest.isdigit():
        return 0
    return int(rest)


def listing(state: State, ctx: Context) -> Transition:
    """/aanbod: the partnership's next open sessions, one message each with its button."""
    if state.step != "done" or not state.answers.partnership_id:
        return Transition(
            state, (say(msg(N_("Het aanbod zie je als je aangemeld bent. Typ /start om te beginnen."))),)
        )  # fmt: skip
    if not ctx.offers:
        return Transition(state, (say(msg(N_("Er staat nu niets gepland. Kijk later nog eens!"))),))
    effects: list[Effect] = [say(msg(N_("Dit staat er binnenkort op het programma:")))]
    effects.extend(Send(session_reply(view)) for view in ctx.offers)
    return Transition(state, tuple(effects))


def session_reply(view: OfferView) -> Reply:
    """One session with the button that fits where the youth stands."""
    line = what(view)
    if view.mine == "booked":
        return Reply((line, msg(N_("Je bent ingeschreven. ✅"))), cancel_button(view))
    if view.mine == "waiting":
        return Reply((line, msg(N_("Je staat op de wachtlijst."))), cancel_button(view))
    return Reply((line,), ((Button(msg(N_("Ik kom")), data("in", view)),),))


def what(view: OfferView) -> Msg:
    return msg(
        N_("📅 {title} · {when} · {place}, {address}"),
        title=view.title, when=view.starts_at, place=view.place, address=view.address,
    )  # fmt: skip


def cancel_button(view: OfferView) -> tuple[tuple[Button, ...], ...]:
    return ((Button(msg(N_("Toch niet")), data("out", view)),),)


def on_button(state: State, pressed: str, view: OfferView | None, ctx: Context) -> Transition:
    """A tap on "Ik kom", the waiting-list question or "Toch niet"."""
    action = pressed.removeprefix(BUTTONS).partition(":")[0]
    if view is None or view.cancelled:
        return Transition(state, (say(msg(N_("Die activiteit gaat niet meer door.")), msg(MORE)),))
    if action == "late":
        return late(state, view, ctx)
    if view.starts_at <= ctx.now:
        return Transition(state, (say(msg(N_("Die activiteit is al voorbij.")), msg(MORE)),))
    if action == "out":
        return cancel(state, view)
    if action == "no":
        return Transition(state, (say(msg(N_("Oké, geen probleem.")), msg(MORE)),))
    if view.mine in ("booked", "waiting"):
        return Transition(state, (Send(session_reply(view)),))
    if action == "maybe":
        later = msg(N_("Oké! Tik later op Ik kom als je zeker bent."))
        return Transition(state, (Send(Reply((later,), invitation_buttons(view))),))
    if action == "in" and view.seats_left == 0:
        question = msg(N_("Het zit vol. Wil je op de wachtlijst?"))
        buttons = (
            (Button(msg(N_("Ja, zet me erop")), data("wait", view)),),
            (Button(msg(N_("Nee, dank je")), data("no", view)),),
        )
        return Transition(state, (Send(Reply((what(view), question), buttons)),))
    return Transition(state, (BookSeat(view.session_id, seated(view), waiting(view)),))


def seated(view: OfferView) -> Reply:
    top = msg(N_("Top, je bent ingeschreven voor {title} op {when}!"), title=view.title,
              when=view.starts_at)  # fmt: skip
    where = msg(N_("📍 {place}, {address}"), place=view.place, address=view.address)
    return Reply((top, where), cancel_button(view))


def waiting(view: OfferView) -> Reply:
    told = msg(N_("Je staat op de wachtlijst voor {title} op {when}."), title=view.title,
               when=view.starts_at)  # fmt: skip
    later = msg(N_("Komt er een plaats vrij, dan laat ik het je meteen weten."))
    return Reply((told, later), cancel_button(view))


def cancel(state: State, view: OfferView) -> Transition:
    if view.mine not in ("booked", "waiting"):
        return Transition(state, (say(msg(N_("Je was niet ingeschreven.")), msg(MORE)),))
    freed = msg(
        N_("Er is een plaats vrijgekomen voor {title} op {when}. Je bent ingeschreven!"),
        title=view.title, when=view.starts_at,
    )  # fmt: skip
    promoted = Reply(
        (freed, msg(N_("Kun je toch niet? Tik dan op Toch niet."))), cancel_button(view)
    )
    done = msg(N_("Oké, je bent uitgeschreven voor {title}."), title=view.title)
    return Transition(state, (CancelBooking(view.session_id, promoted), say(done, msg(MORE))))


def reminder(view: OfferView) -> Reply:
    """The reminder of a booked session (bot.ticks.offer_reminders sends it)."""
    line = msg(
        N_("Even een herinnering: {title} is {when}. 📍 {place}"),
        title=view.title, when=view.starts_at, place=f"{view.place}, {view.address}",
    )  # fmt: skip
    buttons = ((Button(msg(N_("Ik ben te laat")), data("late", view)),), *cancel_button(view))
    return Reply((line,), buttons)


def late(state: State, view: OfferView, ctx: Context) -> Transition:
    """ "Ik ben te laat": noted on the seat until the session ends."""
    if view.starts_at + timedelta(minutes=view.minutes) <= ctx.now:
        return Transition(state, (say(msg(N_("Die activiteit is al voorbij.")), msg(MORE)),))
    if view.mine != "booked":
        return Transition(state, (say(msg(N_("Je was niet ingeschreven.")), msg(MORE)),))
    kind = msg(N_("Oké, we weten het. Tot straks!"))
    return Transition(state, (LateForSession(view.session_id), say(kind)))


def invitation(view: OfferView) -> Reply:
    """A worker's invitation to one session (the inbox sends it, with the .ics)."""
    hello = msg(N_("Je bent uitgenodigd! Heb je zin om te komen?"))
    return Reply((hello, what(view)), invitation_buttons(view))


def invitation_buttons(view: OfferView) -> tuple[tuple[Button, ...], ...]:
    return (
        (Button(msg(N_("Ik kom")), data("in", view)),),
        (Button(msg(N_("Misschien")), data("maybe", view)),),
        (Button(msg(N_("Nee, dank je")), data("no", view)),),
    )


def missed(title: str) -> Reply:
    """After a session the youth had a seat for and did not come to (once per offer)."""
    line = msg(
        N_("We hebben je gemist bij {title}. Alles oké? Je bent welkom volgende keer."),
        title=title,
    )
    return Reply((line,), ((Button(msg(N_("Toon het aanbod")), SHOW_OFFERS),),))


def moved(view: OfferView) -> Reply:
    """The session moved after sign-up: told once to each youth booked or waiting."""
    line = msg(
        N_("{title} is verzet naar {when}. 📍 {place}"),
        title=view.title, when=view.starts_at, place=f"{view.place}, {view.address}",
    )  # fmt: skip
    return Reply((line,), cancel_button(view))


def called_off(view: OfferView) -> Reply:
    """The session is cancelled: told once to each youth booked or waiting."""
    line = msg(N_("{title} van {when} gaat niet door. Sorry!"), title=view.title,
               when=view.starts_at)  # fmt: skip
    return Reply((line, msg(MORE)))
