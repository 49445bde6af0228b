"""Group offers in the chat as dialog tables: /aanbod, "Ik kom", the waiting list, "Toch niet"."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from flows.model import BookSeat, CancelBooking, CommandIn, LateForSession, Reply
from flows.offers import invitation, missed, reminder, session_of
from flows.state import Answers, State
from flows.views import OfferView
from tests.support.dialog import Chat, translator

COOKING = OfferView(
    session_id=7, title="Samen koken", place="De Kring", address="Marktplein 9, Heusden-Zolder",
    starts_at=datetime(2026, 11, 27, 13, 0, tzinfo=UTC), minutes=120, seats_left=3,
)  # fmt: skip
MUSIC = replace(
    COOKING, session_id=8, title="Muziek maken", starts_at=COOKING.starts_at.replace(day=28)
)
LISTED = "📅 Samen koken · vrijdag 27 november om 14u · De Kring, Marktplein 9, Heusden-Zolder"
BOOKED = (
    "Top, je bent ingeschreven voor Samen koken op vrijdag 27 november om 14u!\n"
    "📍 De Kring, Marktplein 9, Heusden-Zolder"
)
WAITING = (
    "Je staat op de wachtlijst voor Samen koken op vrijdag 27 november om 14u.\n"
    "Komt er een plaats vrij, dan laat ik het je meteen weten."
)
MORE = "Typ /aanbod om te zien wat er nog komt."


def noor(**kw: object) -> Chat:
    """Noor, registered with WAM!."""
    state = State(step="done", answers=Answers(name="Noor", partnership_id="wam"))
    return Chat(state=state, **kw)  # type: ignore[arg-type]


def text(reply: Reply) -> str:
    return "\n".join(r.text for r in translator().reply(reply, "nl"))


def the_booking(chat: Chat) -> BookSeat:
    (booking,) = chat.of_type(BookSeat)
    assert isinstance(booking, BookSeat)
    return booking


def test_aanbod_lists_the_sessions_each_with_ik_kom() -> None:
    chat = noor(offers=(COOKING, MUSIC))
    assert chat.send(CommandIn("aanbod")) == [  # one bubble per session, its button under it
        f"Dit staat er binnenkort op het programma:\n\n{LISTED}",
        "📅 Muziek maken · zaterdag 28 november om 14u · De Kring, Marktplein 9, Heusden-Zolder",
    ]
    assert chat.buttons() == ["Ik kom", "Ik kom"]


def test_the_typed_word_aanbod_works_too_and_an_empty_list_says_so() -> None:
    assert noor().say("Aanbod") == "Er staat nu niets gepland. Kijk later nog eens!"
    assert Chat().say("/aanbod") == (
        "Het aanbod zie je als je aangemeld bent. Typ /start om te beginnen."
    )


def test_signing_up_is_one_tap() -> None:
    chat = noor(offers=(COOKING,), offer=COOKING)
    chat.say("/aanbod")
    assert chat.press("Ik kom") == ""  # the answer comes with the seat, from the engine
    booking = the_booking(chat)
    assert booking.session_id == 7
    assert text(booking.seated) == BOOKED
    assert text(booking.waiting) == WAITING  # the last seat went to someone else just now
    assert [b.text for r in translator().reply(booking.seated, "nl") for row in r.buttons
            for b in row] == ["Toch niet"]  # fmt: skip


def test_a_full_session_offers_the_waiting_list() -> None:
    full = replace(COOKING, seats_left=0)
    chat = noor(offers=(full,), offer=full)
    chat.say("/aanbod")
    assert chat.press("Ik kom") == f"{LISTED}\nHet zit vol. Wil je op de wachtlijst?"
    assert chat.buttons() == ["Ja, zet me erop", "Nee, dank je"]
    assert chat.of_type(BookSeat) == []
    chat.press("Ja, zet me erop")
    assert text(the_booking(chat).waiting) == WAITING


def test_no_thanks_to_the_waiting_list_stores_nothing() -> None:
    full = replace(COOKING, seats_left=0)
    chat = noor(offers=(full,), offer=full)
    chat.say("/aanbod")
    chat.press("Ik kom")
    assert chat.press("Nee, dank je") == f"Oké, geen probleem.\n{MORE}"
    assert chat.of_type(BookSeat) == []


def test_toch_niet_cancels_and_tells_the_first_waiting_youth() -> None:
    mine = replace(COOKING, mine="booked", seats_left=0)
    chat = noor(offers=(mine,), offer=mine)
    assert chat.say("/aanbod") == (
        f"Dit staat er binnenkort op het programma:\n\n{LISTED}\nJe bent ingeschreven. ✅"
    )
    assert chat.press("Toch niet") == f"Oké, je bent uitgeschreven voor Samen koken.\n{MORE}"
    (cancelled,) = chat.of_type(CancelBooking)
    assert isinstance(cancelled, CancelBooking) and cancelled.session_id == 7
    assert text(cancelled.promoted) == (
        "Er is een plaats vrijgekomen voor Samen koken op vrijdag 27 november om 14u. Je bent ingeschreven!\n"
        "Kun je toch niet? Tik dan op Toch niet."
    )


def test_a_second_tap_books_nothing_new() -> None:
    chat = noor(offer=replace(COOKING, mine="waiting"))
    assert chat.send_button("ofr:in:7") == f"{LISTED}\nJe staat op de wachtlijst."
    assert chat.of_type(BookSeat) == []


def test_an_old_button_of_a_cancelled_gone_or_past_session_gets_a_kind_answer() -> None:
    gone = noor(offer=None)
    assert gone.send_button("ofr:in:7") == f"Die activiteit gaat niet meer door.\n{MORE}"
    cancelled = noor(offer=replace(COOKING, cancelled=True, mine="booked"))
    assert cancelled.send_button("ofr:out:7") == f"Die activiteit gaat niet meer door.\n{MORE}"
    past = noor(offer=COOKING, now=datetime(2026, 11, 27, 15, 0, tzinfo=UTC))
    assert past.send_button("ofr:in:7") == f"Die activiteit is al voorbij.\n{MORE}"
    assert not gone.of_type(BookSeat) and not cancelled.of_type(CancelBooking)
    assert noor(offer=COOKING).send_button("ofr:out:7") == f"Je was niet ingeschreven.\n{MORE}"


def test_button_data_is_short_and_read_back() -> None:
    assert session_of("ofr:wait:123456789012") == 123456789012
    assert len(b"ofr:wait:123456789012") <= 64
    assert session_of("ofr:in:x") == 0 and session_of("appt:ok:1:1") == 0


REMINDED = (
    "Even een herinnering: Samen koken is vrijdag 27 november om 14u. "
    "📍 De Kring, Marktplein 9, Heusden-Zolder"
)


def test_the_reminder_names_the_session_with_late_and_cancel_buttons() -> None:
    shown = translator().reply(reminder(replace(COOKING, mine="booked")), "nl")
    assert [r.text for r in shown] == [REMINDED]
    assert [(b.text, b.data) for r in shown for row in r.buttons for b in row] == [
        ("Ik ben te laat", "ofr:late:7"), ("Toch niet", "ofr:out:7"),
    ]  # fmt: skip
    english = translator().reply(reminder(COOKING), "en")[0].text
    assert english.startswith("Just a reminder: Samen koken is on ")


def test_ik_ben_te_laat_is_noted_with_a_kind_answer_until_the_session_ends() -> None:
    mine = replace(COOKING, mine="booked")
    chat = noor(offer=mine)
    assert chat.send_button("ofr:late:7") == "Oké, we weten het. Tot straks!"
    assert chat.of_type(LateForSession) == [LateForSession(7)]
    started = noor(offer=mine, now=COOKING.starts_at + timedelta(minutes=10))
    assert started.send_button("ofr:late:7") == "Oké, we weten het. Tot straks!"
    ended = noor(offer=mine, now=COOKING.starts_at + timedelta(minutes=120))
    assert ended.send_button("ofr:late:7") == f"Die activiteit is al voorbij.\n{MORE}"
    waiting = noor(offer=replace(COOKING, mine="waiting"))
    assert waiting.send_button("ofr:late:7") == f"Je was niet ingeschreven.\n{MORE}"
    assert not ended.of_type(LateForSession) and not waiting.of_type(LateForSession)


def test_toch_niet_on_the_reminder_cancels_the_seat() -> None:
    chat = noor(offer=replace(COOKING, mine="booked"))
    assert chat.send_button("ofr:out:7") == f"Oké, je bent uitgeschreven voor Samen koken.\n{MORE}"
    (cancelled,) = chat.of_type(CancelBooking)
    assert isinstance(cancelled, CancelBooking) and cancelled.session_id == 7


def invited(chat: Chat) -> Chat:
    """As if a worker's invitation to Samen koken were the last message in the chat."""
    chat.last = translator().reply(invitation(COOKING), "nl")
    return chat


def test_an_invitation_has_ik_kom_misschien_and_nee_dank_je() -> None:
    chat = invited(noor(offer=COOKING))
    assert [r.text for r in chat.last] == [
        f"Je bent uitgenodigd! Heb je zin om te komen?\n{LISTED}"
    ]
    assert chat.buttons() == ["Ik kom", "Misschien", "Nee, dank je"]
    assert chat.press("Misschien") == "Oké! Tik later op Ik kom als je zeker bent."
    assert chat.buttons() == ["Ik kom", "Misschien", "Nee, dank je"]  # kept for later
    assert chat.of_type(BookSeat) == []
    assert chat.press("Ik kom") == ""
    assert the_booking(chat).session_id == 7


def test_nee_dank_je_on_an_invitation_stores_nothing() -> None:
    chat = invited(noor(offer=COOKING))
    assert chat.press("Nee, dank je") == f"Oké, geen probleem.\n{MORE}"
    assert chat.of_type(BookSeat) == [] and chat.of_type(CancelBooking) == []


def test_misschien_on_a_session_already_booked_says_where_the_youth_stands() -> None:
    chat = invited(noor(offer=replace(COOKING, mine="booked")))
    assert chat.press("Misschien") == f"{LISTED}\nJe bent ingeschreven. ✅"
    assert chat.buttons() == ["Toch niet"]


def test_we_hebben_je_gemist_shows_the_offers_with_one_tap() -> None:
    chat = noor(offers=(COOKING,))
    chat.last = translator().reply(missed("Samen koken"), "nl")
    assert [r.text for r in chat.last] == [
        "We hebben je gemist bij Samen koken. Alles oké? Je bent welkom volgende keer."
    ]
    assert chat.press("Toon het aanbod") == (
        f"Dit staat er binnenkort op het programma:\n\n{LISTED}"
    )
    assert chat.buttons() == ["Ik kom"]
    english = translator().reply(missed("Samen koken"), "en")[0].text
    assert english == "We missed you at Samen koken. Everything okay? You're welcome next time."
