"""What the inbox's codes read as, in Dutch (message ids; the templates translate them)."""

from __future__ import annotations

from flows.checkins import SCALE
from flows.model import N_
from storage import casework

STATUS_LABELS = {
    "waiting": N_("wachtend"),
    "active": N_("actief"),
    "paused": N_("gepauzeerd"),
    "closed": N_("afgesloten"),
}
OUTCOME_LABELS = {
    "work": N_("werk"),
    "training": N_("opleiding"),
    "other_help": N_("andere hulp"),
    "no_contact": N_("geen contact meer"),
    "moved": N_("verhuisd"),
    "other": N_("andere"),
    "erased": N_("gewist op verzoek"),
}
# The six-month answer (Case.six_month_result, flows.sixmonths), as a line about the youth.
SIX_MONTH_LABELS = {
    "work": N_("werkt"),
    "training": N_("volgt een opleiding"),
    "looking": N_("zoekt nog"),
    "other": N_("iets anders"),
    "unknown": N_("zegt het liever niet"),
}
# What a worker can pick when closing: "gewist op verzoek" only comes from the youth's /vergeetmij.
CLOSING_OUTCOMES = {key: OUTCOME_LABELS[key] for key in casework.OUTCOMES}
PROMISE_LABELS = {
    "on_time": N_("op tijd"),
    "almost_late": N_("bijna te laat"),
    "late": N_("te laat"),
    "urgent_hour": N_("binnen het uur"),
    "urgent_late": N_("het uur is voorbij"),
}
ROLE_LABELS = {
    "worker": N_("trajectgezel"),
    "coordinator": N_("coördinator"),
    "admin": N_("beheerder"),
}
MEDIA_LABELS = {
    "voice": N_("Spraakbericht"),
    "audio": N_("Geluidsfragment"),
    "photo": N_("Foto"),
    "video": N_("Video"),
    "document": N_("Document"),
    "location": N_("Locatie"),
}
CHANNEL_LABELS = {"telegram": N_("Telegram"), "whatsapp": N_("WhatsApp"), "web": N_("webchat")}
LANGUAGE_LABELS = {"nl": N_("Nederlands"), "en": N_("Engels"), "fr": N_("Frans")}
ACTION_LABELS = {
    "view_queue": N_("bekeek de wachtrij"),
    "view_case": N_("bekeek het dossier"),
    "view_audit": N_("bekeek wie het dossier bekeek"),
    "view_appointments": N_("bekeek de afspraken"),
    "view_agenda": N_("zag de afspraak in de agenda"),
    "view_offer_session": N_("zag de inschrijving voor een groepsaanbod"),
    "view_offer_invite": N_("zag wie een uitnodiging voor een groepsaanbod krijgt"),
    "offer_invited": N_("nodigde uit voor een groepsaanbod"),
    "view_media": N_("opende een foto, spraakbericht of bestand"),
    "claim": N_("nam de aanmelding op"),
    "assign": N_("wees de aanmelding toe"),
    "reply": N_("stuurde een bericht"),
    "note": N_("schreef een notitie"),
    "status_waiting": N_("zette terug in de wachtrij"),
    "status_active": N_("zette de status op actief"),
    "status_paused": N_("pauzeerde"),
    "status_closed": N_("sloot af"),
    "clear_urgent": N_("zette 'dringend' op opgevolgd"),
    "clear_flag": N_("haalde de markering weg"),
    "checkins": N_("paste de check-ins aan"),
    "appointment_new": N_("plande een afspraak"),
    "appointment_moved": N_("verzette een afspraak"),
    "appointment_cancelled": N_("annuleerde een afspraak"),
    "appointment_done": N_("duidde een afspraak aan als geweest"),
    "appointment_no_show": N_("duidde een afspraak aan als niet gekomen"),
    "appointment_follow_up": N_("stuurde een opvolgbericht na een gemiste afspraak"),
    "export": N_("exporteerde de gegevens"),
    "export_report": N_("exporteerde het rapport"),
    "export_participants": N_("exporteerde de anonieme deelnemerslijst"),
    "export_by_youth": N_("de jongere vroeg de gegevens op (/mijngegevens)"),
    "erase_requested": N_("de jongere vroeg om alles te wissen (/vergeetmij)"),
    "erased_request": N_("alles gewist op verzoek van de jongere"),
    "erased_retention": N_("alles gewist: bewaartermijn voorbij"),
    "appointments_closed": N_("annuleerde de komende afspraken bij het afsluiten"),
    "appointments_handed_over": N_("gaf de komende afspraken door aan de nieuwe collega"),
    "add_worker": N_("maakte een account voor een collega"),
    "presence": N_("paste aan- of afwezigheid aan"),
    "add_token": N_("maakte een sleutel voor de API"),
    "logout_everywhere": N_("meldde zich overal af"),
    "totp_on": N_("zette aanmelden in twee stappen aan"),
    "totp_reset": N_("aanmelden in twee stappen werd gewist (nieuwe gsm)"),
    "revoke_token": N_("trok een sleutel voor de API in"),
    "deactivated": N_("account werd stopgezet (sessies en sleutels beëindigd)"),
    "view_report": N_("bekeek het rapport"),
    "profile": N_("paste de rapportgegevens aan"),
    "view_profile": N_("bekeek de rapportgegevens"),
}
UNKNOWN_ACTION = N_("deed iets met het dossier")
FLAG_LABELS = {"aandacht": N_("aandacht"), "uit_beeld": N_("uit beeld"), "terug": N_("komt terug")}
RHYTHM_EVENTS = {
    "week": N_("Check-ins: elke week"),
    "2weeks": N_("Check-ins: om de twee weken"),
    "month": N_("Check-ins: elke maand"),
    "none": N_("Check-ins: liever niet"),
}
SCORES = dict(SCALE)
APPOINTMENT_LABELS = {
    "proposed": N_("voorgesteld"),
    "confirmed": N_("bevestigd"),
    "wants_change": N_("wil verzetten"),
    "cancelled": N_("geannuleerd"),
    "done": N_("geweest"),
    "no_show": N_("niet gekomen"),
}
OPEN_APPOINTMENT = ("proposed", "confirmed", "wants_change")

# The case's profile for the report (storage.profiles): each field with its choices, in the
# words a Flemish coach uses. The codes follow ESF+ (ISCED levels, labour-market status).
YES_NO_LABELS = (("yes", N_("ja")), ("no", N_("nee")), ("unknown", N_("onbekend")))
PROFILE_FIELDS: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("gender", N_("Gender"), (
        ("woman", N_("vrouw")), ("man", N_("man")), ("x", N_("x")),
        ("not_said", N_("wil ik niet zeggen")), ("unknown", N_("onbekend")),
    )),
    ("labour_status", N_("Situatie bij de start"), (
        ("unemployed", N_("werkzoekend")),
        ("long_term_unemployed", N_("langdurig werkzoekend (12 maanden of meer)")),
        ("inactive", N_("niet actief (werkt niet en zoekt geen werk)")),
        ("employed", N_("aan het werk")),
        ("unknown", N_("onbekend")),
    )),
    ("education", N_("Opleidingsniveau"), (
        ("isced_0_2", N_("geen diploma secundair onderwijs (hoogstens lager secundair)")),
        ("isced_3_4", N_("diploma secundair onderwijs (ook een 7de jaar of Se-n-Se)")),
        ("isced_5_8", N_("hoger onderwijs (graduaat, bachelor of master)")),
        ("unknown", N_("onbekend")),
    )),
    ("disability", N_("Heeft een beperking"), YES_NO_LABELS),
    ("third_country", N_("Nationaliteit van een land buiten de EU"), YES_NO_LABELS),
    ("foreign_background", N_("Buitenlandse herkomst"), YES_NO_LABELS),
    ("minority", N_("Hoort bij een minderheid (bijvoorbeeld Roma)"), YES_NO_LABELS),
    ("homeless", N_("Dakloos of zonder eigen woonst"), YES_NO_LABELS),
    ("rural", N_("Woont in landelijk gebied"), YES_NO_LABELS),
    ("qualification", N_("Diploma of getuigschrift behaald bij het afsluiten"), YES_NO_LABELS),
)  # fmt: skip
PROFILE_LABELS = {field: label for field, label, _ in PROFILE_FIELDS}
