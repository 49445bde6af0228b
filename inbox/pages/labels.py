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
LANGUAGE_LABELS = {"nl": N_("Nederlands"), "en": N_("Engels"), "fr": N_("Frans")}
ACTION_LABELS = {
    "view_queue": N_("bekeek de wachtrij"),
    "view_case": N_("bekeek het dossier"),
    "view_audit": N_("bekeek wie het dossier bekeek"),
    "view_appointments": N_("bekeek de afspraken"),
    "view_agenda": N_("zag de afspraak in de agenda"),
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
