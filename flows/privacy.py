"""The youth's data rights in the chat: /mijngegevens, /vergeetmij and /toestemming.

command / button                      → effects, reply
────────────────────────────────────  ──────────────────────────────────────────────────
/mijngegevens                         ExportData: the engine sends a summary and a .json
/vergeetmij                           "Echt alles wissen?" with yes/no (valid one hour)
forget:yes:<minute>  (still valid)    Forget; the last message before everything goes
forget:yes:<minute>  (older)          "die knop werkt niet meer", ask again
forget:no                             "oké, er verandert niets"
/toestemming                          what the youth agreed to, with a button to withdraw each
ledger:checkins:no                    RecordConsent(no), SetRhythm(none)
ledger:checkins:yes                   the rhythm question (flows.checkins)
ledger:intake:no                      the /vergeetmij question: without it we keep nothing

Consent is never a condition for a coach: withdrawing check-ins changes nothing else, and
the coach can still be reached directly (the partnership's contact text).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flows.checkins import CHECKINS_VERSION, rhythm_reply
from flows.context import Context
from flows.intake_questions import partnership_of
from flows.model import (
    N_,
    Button,
    ExportData,
    Forget,
    Msg,
    RecordConsent,
    Reply,
    Send,
    SetRhythm,
    Transition,
    msg,
    say,
)
from flows.state import State
from flows.views import ConsentView, Stored

FORGET_VALID = timedelta(hours=1)


def minute(moment: datetime) -> int:
    return int(moment.timestamp() // 60)


def forget_question(ctx: Context) -> Reply:
    return Reply(
        (
            msg(N_("Wil je dat we alles over jou wissen?")),
            msg(N_("Dat zijn je antwoorden, je berichten, je afspraken en je check-ins.")),
            msg(N_("Je coach ziet daarna alleen nog dat je gegevens gewist zijn.")),
            msg(N_("Dit kun je niet ongedaan maken.")),
        ),
        (
            (Button(msg(N_("Ja, wis alles")), f"forget:yes:{minute(ctx.now)}"),),
            (Button(msg(N_("Nee, toch niet")), "forget:no"),),
        ),
    )


def on_forget_button(state: State, data: str, ctx: Context) -> Transition:
    parts = data.split(":")
    if parts[1:2] == ["no"]:
        return Transition(state, (say(msg(N_("Oké, er verandert niets."))),))
    asked = int(parts[2]) if len(parts) == 3 and parts[2].isdigit() else 0
    fresh = (
        parts[1:2] == ["yes"] and ctx.now - datetime.fromtimestamp(asked * 60, UTC) < FORGET_VALID
    )
    if not fresh:
        return Transition(
            state,
            (say(msg(N_("Die knop werkt niet meer."))), Send(forget_question(ctx))),
        )
    return Transition(
        State(),
        (
            say(
                msg(N_("Oké. Ik wis nu alles over jou.")),
                msg(
                    N_(
                        "Dit is mijn laatste bericht. Wil je later opnieuw beginnen? Typ dan /start."
                    )
                ),
            ),
            Forget(),
        ),
    )


CONSENT_LINES = {
    ("intake", True): N_("✅ {partnership} mag je aanmelding bewaren en gebruiken."),
    ("checkins", True): N_("✅ Af en toe vragen hoe het met je gaat (check-ins)."),
    ("checkins", False): N_("❌ Check-ins: je zei nee."),
}


def consents(state: State, views: tuple[ConsentView, ...], ctx: Context) -> Transition:
    """/toestemming: what the youth agreed to, and a button to take each back."""
    lines: list[Msg] = []
    rows: list[tuple[Button, ...]] = []
    latest = {v.kind: v for v in views}
    intake = latest.get("intake")
    if intake is not None and intake.given and state.answers.partnership_id:
        line = CONSENT_LINES[("intake", True)]
        lines.append(msg(line, partnership=partnership_of(state, ctx).short_name))
        rows.append((Button(msg(N_("Aanmelding intrekken en alles wissen")), "ledger:intake:no"),))
    checkins = latest.get("checkins")
    if checkins is not None:
        lines.append(msg(CONSENT_LINES[("checkins", checkins.given)]))
        rows.append(
            (Button(msg(N_("Check-ins stoppen")), "ledger:checkins:no"),)
            if checkins.given
            else (Button(msg(N_("Check-ins weer aanzetten")), "ledger:checkins:yes"),)
        )
    if not lines:
        return Transition(state, (say(msg(N_("Je gaf ons nog geen toestemming voor iets."))),))
    head = msg(N_("Hier gaf je toestemming voor:"))
    tail = msg(N_("Nee zeggen mag altijd. Je kunt je coach ook gewoon zelf contacteren."))
    return Transition(state, (Send(Reply((head, *lines, tail), tuple(rows))),))


def on_consent_button(state: State, data: str, ctx: Context) -> Transition:
    if data == "ledger:checkins:no":
        return Transition(
            state,
            (
                RecordConsent("checkins", CHECKINS_VERSION, False),
                SetRhythm("none"),
                say(msg(N_("Oké, geen check-ins meer. Je kunt altijd zelf iets sturen."))),
            ),
        )
    if data == "ledger:checkins:yes":
        return Transition(state, (Send(rhythm_reply(None)),))
    if data == "ledger:intake:no":
        return Transition(
            state,
            (
                say(msg(N_("Zonder je toestemming bewaren we niets meer over jou."))),
                Send(forget_question(ctx)),
            ),
        )
    return Transition(state, (say(msg(N_("Die knop werkt niet meer."))),))


def export_data(state: State) -> Transition:
    return Transition(state, (ExportData(),))


def kept_after(days: int) -> Msg:
    """How long we keep it after the youth's registration closes, as a person says it."""
    if days == 365:
        return msg(N_("We bewaren dit zolang je bij ons aangemeld bent, en daarna nog een jaar."))
    if days % 365 == 0:
        return msg(
            N_("We bewaren dit zolang je bij ons aangemeld bent, en daarna nog {years} jaar."),
            years=days // 365,
        )
    return msg(
        N_("We bewaren dit zolang je bij ons aangemeld bent, en daarna nog {days} dagen."),
        days=days,
    )


def export_summary(stored: Stored) -> Reply:
    """/mijngegevens in the chat: what we keep, counted as the youth would count it."""
    parts: list[Msg] = [msg(N_("Dit bewaren we over jou:"))]
    if stored.has_answers:
        parts.append(msg(N_("📝 je antwoorden van de aanmelding")))
    parts.append(msg(N_("✍️ berichten die jij stuurde: {count}"), count=stored.sent_by_you))
    if stored.from_coach or stored.coach:
        parts.append(msg(N_("💬 berichten van je coach: {count}"), count=stored.from_coach))
    if stored.appointments:
        parts.append(msg(N_("📅 afspraken: {count}"), count=stored.appointments))
    if stored.checkins:
        parts.append(msg(N_("🙂 check-ins: {count}"), count=stored.checkins))
    if stored.consents:
        parts.append(msg(N_("✅ je keuzes over toestemming: {count}"), count=stored.consents))
    if stored.coach:
        parts.append(msg(N_("Je coach is {name}."), name=stored.coach))
    if stored.rule == "open_case":
        parts.append(kept_after(stored.keep_days))
    elif stored.delete_on is not None:
        day = stored.delete_on.date()  # often a year away: say which year
        parts.append(msg(N_("We wissen alles vanzelf op {day} {year}."), day=day, year=day.year))
    parts.append(msg(N_("In het bestand hieronder staat alles, ook onze automatische berichten.")))
    parts.append(msg(N_("Wil je dat we alles wissen? Typ /vergeetmij.")))
    return Reply(tuple(parts))
