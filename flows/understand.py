"""Typed answers on button steps: what a youth means when they type instead of tap.

Pure functions over tables of phrases (Dutch, Flemish, SMS spellings and English). A phrase
matches on whole words, a single word also with a small typo ("namidag", "opleidng").
A name is read by flows.names.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import cache, lru_cache

Phrases = Mapping[str, tuple[str, ...]]


MAX_WORDS = 40  # an answer to a button step is short; a long story is for the coach


def fold(text: str) -> str:
    """Lower case, no accents, no apostrophes or punctuation: "'s Avonds!" → "s avonds"."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    folded = re.sub(r"['’`´]", "", folded)
    return " ".join(re.sub(r"[^\w]+", " ", folded).split())


def words(text: str) -> str:
    """Fold a short answer for comparison: lower case, no accents, no punctuation but the
    apostrophe ("I'll come!" → "i'll come"; `fold` drops it too)."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w' ]+", " ", folded).split())


@lru_cache(maxsize=1 << 16)
def close(word: str, target: str) -> bool:
    """A small typo: one edit (two for long words), never for words shorter than five letters."""
    if word == target:
        return True
    if min(len(word), len(target)) == 4 and sorted(word) == sorted(target):
        return distance(word, target) == 1  # "wrek": two letters swapped
    if min(len(word), len(target)) < 5 or abs(len(word) - len(target)) > 2:
        return False
    return distance(word, target) <= (2 if len(target) >= 8 else 1)


def distance(a: str, b: str) -> int:
    """Edit distance where swapping two neighbouring letters counts as one edit."""
    rows = [list(range(len(b) + 1))]
    for i, ca in enumerate(a, 1):
        row = [i]
        for j, cb in enumerate(b, 1):
            cost = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, rows[-2][j - 2] + 1)
            row.append(cost)
        rows.append(row)
    return rows[-1][-1]


def has_phrase(words: list[str], phrase: str) -> bool:
    """The phrase's words appear in a row; each may carry a small typo.

    A word we know as it is ("studie") is never read as a typo of another ("studio").
    """
    wanted = phrase.split()
    for start in range(len(words) - len(wanted) + 1):
        if all(
            w == p or (w not in known_words() and close(w, p))
            for w, p in zip(words[start:], wanted, strict=False)
        ):
            return True
    return False


def found_keys(text: str, table: Phrases) -> tuple[str, ...]:
    """Every key of the table one of whose phrases is in the text, in the table's order."""
    words = fold(text).split()[:MAX_WORDS]
    return tuple(
        key for key, phrases in table.items() if any(has_phrase(words, p) for p in phrases)
    )


def first_key(text: str, table: Phrases) -> str | None:
    """The key whose phrase matches first in the table's order (put longer phrases first)."""
    words = fold(text).split()[:MAX_WORDS]
    for key, phrases in table.items():
        if any(has_phrase(words, p) for p in phrases):
            return key
    return None


def is_one_of(text: str, phrases: Iterable[str]) -> bool:
    """The whole answer is one of these phrases (small typos allowed)."""
    words = fold(text).split()
    return any(len(p.split()) == len(words) and all(map(close, words, p.split())) for p in phrases)


# --- numbers ---------------------------------------------------------------------------------

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


# --- yes and no ------------------------------------------------------------------------------

YES_PHRASES = (
    "ja", "jaa", "jaaa", "ja hoor", "ja graag", "jep", "jup", "jow", "yes", "yess", "yep", "ye",
    "y", "ok", "oke", "okay", "okey", "okee", "oki", "okido", "k", "kk", "goed", "is goed", "is goe",
    "da is goed", "das goed", "dat is goed", "dat is oke", "is oke", "prima", "top", "klopt",
    "juist", "zeker", "tuurlijk", "natuurlijk", "akkoord", "in orde", "mag", "dat mag",
    "vind ik goed", "geen probleem", "geen bezwaar", "no problem", "sure", "fine", "alright",
    "allee ja", "go", "doe maar", "ja dat is oke", "ja dat mag", "ja is goed", "ja ok",
    "ja oke", "jazeker", "perfect", "correct",
)  # fmt: skip
NO_PHRASES = (
    "nee", "neen", "nie", "nein", "no", "nope", "nah", "niet", "liever niet", "nee dank je",
    "nee bedankt", "nee merci", "no thanks", "niet nodig", "nooit", "ik wil dat niet",
    "dat wil ik niet", "niet oke", "ik wil niet", "geen zin", "not ok", "not okay",
)  # fmt: skip
THUMBS_UP, THUMBS_DOWN = "👍", "👎"
_YES_WORDS = {"ja", "jaa", "yes", "ok", "oke", "okay", "goed", "prima", "akkoord", "tuurlijk"}
_NO_WORDS = {"nee", "neen", "nie", "no", "niet", "nope", "nah", "nooit"}
_NOT_NO = ("geen probleem", "geen bezwaar", "no problem", "niet erg")
_UNSURE = {"weet", "weetnie", "kweet", "twijfel", "misschien", "maybe", "idk", "waarom", "hmm"}


def yes_no(text: str) -> str | None:
    """ "yes", "no", or None when the answer says neither (or both)."""
    if "?" in text and len(fold(text).split()) > 2:
        return None  # "ja maar wie ziet dat?" is a question, not an answer
    if THUMBS_UP in text and THUMBS_DOWN not in text:
        return "yes"
    if THUMBS_DOWN in text and THUMBS_UP not in text:
        return "no"
    if is_one_of(text, YES_PHRASES):
        return "yes"
    if is_one_of(text, NO_PHRASES):
        return "no"
    folded = fold(text)
    for harmless in _NOT_NO:
        folded = folded.replace(harmless, "ja")
    words = set(folded.split())
    if words & _UNSURE:
        return None
    yes, no = bool(words & _YES_WORDS), bool(words & _NO_WORDS)
    if yes != no:
        return "yes" if yes else "no"
    return None


# --- multi-select steps ------------------------------------------------------------------------

NEEDS: Phrases = {
    "work": (
        "werk", "werken", "job", "jobs", "jobke", "jobstudent", "joppe", "vacature", "vacatures",
        "solliciteren", "sollicitatie", "sollicitaties", "cv", "interim", "uitzendwerk",
        "geld verdienen", "werk zoeken", "werkloos", "work", "employment", "arbeid", "stage",
    ),
    "school": (
        "opleiding", "opleidingen", "school", "studie", "studies", "studeren", "cursus",
        "cursussen", "diploma", "leren", "les", "lessen", "bijscholing", "avondschool",
        "training", "education", "studying", "course", "taalles", "nederlands leren",
    ),
    "money": (
        "geld", "geldzorgen", "schulden", "schuld", "leefloon", "uitkering", "budget", "centen",
        "poen", "doekoe", "cash", "rekeningen", "facturen", "money", "debt", "debts",
        "ocmw", "werkloosheidsuitkering",
    ),
    "housing": (
        "wonen", "woning", "huis", "appartement", "kot", "studio", "woonst", "dakloos",
        "huur", "op straat", "verhuizen", "sociale woning", "slaapplaats", "housing", "house",
        "home", "homeless", "flat", "dak boven mijn hoofd",
    ),
    "wellbeing": (
        "goed voelen", "mij goed voelen", "me goed voelen", "je goed voelen", "in mijn vel",
        "in m n vel", "mentaal", "mentale", "stress", "depressie", "depressief", "angst",
        "angstig", "eenzaam", "piekeren", "psycholoog", "welzijn", "gezondheid", "moe",
        "burn out", "burnout", "verslaving", "wellbeing", "well being", "mental", "feeling good",
        "feel good", "lonely", "iemand om mee te praten",
    ),
    "papers": (
        "papieren", "papierwerk", "paperassen", "paperasse", "verblijf", "verblijfsvergunning",
        "identiteitskaart", "id kaart", "documenten", "formulieren", "administratie", "brieven",
        "belastingen", "mutualiteit", "ziekenfonds", "paperwork", "papers", "documents",
    ),
    "other": ("iets anders", "anders", "something else", "other"),
}  # fmt: skip

REACH: Phrases = {
    "any": (
        "maakt niet uit", "maakt nie uit", "maakt mij niet uit", "maakt me niet uit",
        "om het even", "egaal", "egal", "altijd", "wanneer je wilt", "wanneer ge wilt",
        "hele dag", "heel de dag", "de hele dag", "kan altijd", "boeit niet", "doesnt matter",
        "does not matter", "any time", "anytime", "whenever", "all day", "mnu",
    ),
    "morning": (
        "voormiddag", "voormiddags", "s morgens", "smorgens", "s ochtends", "sochtends",
        "ochtend", "morgens", "voor de middag", "morning", "mornings", "vm",
    ),
    "afternoon": (
        "namiddag", "namiddags", "s middags", "smiddags", "middag", "na de middag",
        "afternoon", "afternoons", "nm", "na school",
    ),
    "evening": (
        "avond", "avonds", "s avonds", "savonds", "na het werk", "na werk", "evening",
        "evenings", "tonight", "night",
    ),
}  # fmt: skip
DAYTIME = ("overdag", "daytime", "during the day")  # the morning and the afternoon

DONE_PHRASES = (
    "klaar", "k ben klaar", "ik ben klaar", "dat is alles", "das alles", "da is alles",
    "dat was het", "da was het", "dat is het", "dat was alles", "verder", "ga verder",
    "ga maar verder", "volgende", "door", "doorgaan", "niks meer", "niets meer", "niks",
    "niets", "geen", "dat is genoeg", "genoeg", "gedaan", "done", "next", "thats all",
    "that is all", "nothing else", "finished", "ready", "nee", "neen", "nie", "no", "nope",
    "nee dat is alles", "nee dank je", "nee niks", "nee niets", "nee hoor", "ok", "oke",
    "okay", "goed zo", "is goed", "dat is goed", "klopt", "dat klopt", "klopt zo", "👍",
)  # fmt: skip
_DONE_TAILS = ("klaar", "dat is alles", "das alles", "dat was het", "thats all", "verder")


def is_done(text: str) -> bool:
    """The whole answer says "that's all" ("klaar", "dat is alles", "nee niks meer")."""
    return text.strip() == "👍" or is_one_of(text, DONE_PHRASES)


def ends_with_done(text: str) -> bool:
    """Choices and "that's all" in one message: "werk en geld, dat is alles"."""
    words = fold(text).split()
    return any(
        len(words) > len(t.split()) and words[-len(t.split()) :] == t.split() for t in _DONE_TAILS
    )


def needs_in(text: str) -> tuple[str, ...]:
    """The needs a youth names: "ik zoek werk en een opleiding" → work, school."""
    return found_keys(text, NEEDS)


_CLOCK = re.compile(r"\b([01]?\d|2[0-3])\s*(?:u|uur|h|:[0-5]\d)")


def clock_parts(text: str) -> set[str]:
    """Times of day typed as hours: "na 17u" → evening, "tussen 10u en 14u" → both."""
    parts = set()
    for hour in (int(h) for h in _CLOCK.findall(text.casefold())):
        if 8 <= hour < 12:
            parts.add("morning")
        elif 12 <= hour < 17:
            parts.add("afternoon")
        elif 17 <= hour <= 21:
            parts.add("evening")
    return parts


def day_parts_in(text: str) -> tuple[str, ...]:
    """The day parts a youth names: "namiddag of 's avonds" → afternoon, evening."""
    found = found_keys(text, REACH)
    if not found and (hours := clock_parts(text)):  # hours only when no day part is named:
        found = tuple(k for k in REACH if k in hours)  # "Voormiddag (9u–12u)" is the morning
    if "any" in found:
        return ("any",)
    if found_keys(text, {"day": DAYTIME}):
        found = tuple(k for k in REACH if k in {*found, "morning", "afternoon"})
    return found


# --- single choices ------------------------------------------------------------------------------

SKIP_PHRASES = (
    "nee", "neen", "nie", "no", "nope", "niks", "niets", "nee niks", "nee niets", "nee hoor",
    "nee dank je", "nee bedankt", "nee merci", "overslaan", "sla over", "slaan we over",
    "skip", "skippen", "liever niet", "niet nodig", "geen", "nvt", "n v t", "x", "-", "/",
    "no thanks", "nothing", "pass", "volgende", "verder", "later", "ander keer", "een andere keer",
    "laat maar", "niks laat maar", "nee laat maar", "laat maar zitten", "toch niet", "toch niks",
)  # fmt: skip


def is_skip(text: str) -> bool:
    """The youth does not want to add anything ("nee", "niks", "overslaan")."""
    return text.strip() in {"-", "/", "x", "👎"} or is_one_of(text, SKIP_PHRASES)


REFERRALS: Phrases = {
    "friend": (
        "vriend", "vriendin", "vrienden", "vriendinnen", "maat", "maten", "makker", "kameraad",
        "matties", "mattie", "collega", "kennis", "kennissen", "friend", "friends", "mate",
    ),
    "social": (
        "sociale media", "social media", "socials", "instagram", "insta", "ig", "tiktok",
        "tik tok", "facebook", "fb", "snapchat", "snap", "youtube", "twitter", "reclame",
        "advertentie", "filmpje", "post",
    ),
    "vdab": ("vdab", "de vdab", "jobcoach", "vdab consulent", "trajectbegeleider"),
    "ocmw": (
        "ocmw", "sociaal huis", "sociale dienst", "maatschappelijk werker",
        "maatschappelijk werkster", "maatschappelijk assistent", "cpas", "leefloon",
    ),
    "school": (
        "school", "leerkracht", "leraar", "lerares", "juf", "meester", "clb",
        "leerlingenbegeleider", "leerlingbegeleider", "zorgleerkracht", "teacher", "hogeschool",
        "unief", "universiteit",
    ),
    "self": (
        "zelf gevonden", "zelf", "google", "gegoogeld", "googlen", "gezocht", "internet",
        "online", "website", "op het net", "myself", "found it myself",
    ),
    "other": (
        "iets anders", "anders", "jac", "caw", "straathoekwerk", "straathoekwerker",
        "jeugdhulp", "jeugdzorg", "politie", "dokter", "huisarts", "psycholoog", "jeugdhuis",
        "familie", "mama", "papa", "moeder", "vader", "mijn ma", "mijn pa", "broer", "zus",
        "zuster", "nonkel", "tante", "neef", "nicht", "buurman", "buurvrouw", "other",
        "family", "mom", "dad", "weet ik niet meer", "weet het niet meer", "vergeten",
    ),
}  # fmt: skip


def referral_in(text: str) -> str | None:
    """How the youth found us: "via een vriendin" → friend, "op insta" → social."""
    return first_key(text, REFERRALS)


SUMMARY: Phrases = {
    "edit": (
        "aanpassen", "pas aan", "aanpassing", "wijzigen", "wijzig", "veranderen", "verander",
        "fout", "klopt niet", "klopt nie", "niet juist", "nie juist", "verkeerd",
        "verbeteren", "edit", "change", "wrong", "not right", "nee", "neen", "nie", "no",
        "correctie", "niet correct", "not correct", "klopt toch niet",
    ),
    "send": (
        "verstuur", "versturen", "verstuurd", "stuur maar", "stuur door", "stuur het",
        "doorsturen", "verzend", "verzenden", "send", "submit", "klopt", "alles klopt",
        "klopt zo", "is juist", "alles juist", "correct", "in orde", "ja", "jaa", "yes", "ok",
        "oke", "okay", "goed", "is goed", "prima", "perfect", "top", "👍",
    ),
}  # fmt: skip


FIELDS: Phrases = {
    "name": ("naam", "voornaam", "bijnaam", "name"),
    "age": ("leeftijd", "oud", "jaar", "age", "jaren"),
    "place": (
        "woonplaats", "gemeente", "plaats", "stad", "dorp", "postcode", "adres", "woon",
        "place", "city", "town",
    ),
    "needs": ("hulp", "hulp bij", "help", "needs", "waarmee"),
    "referral": ("gevonden", "gevonden via", "hoe je ons vond", "vond", "leren kennen", "found"),
    "reach": (
        "bereikbaar", "bereiken", "bellen", "wanneer", "uur", "uren", "moment", "dagdeel",
        "reach", "when",
    ),
}  # fmt: skip


def field_in(text: str) -> str | None:
    """Which answer the youth wants to change: "mijn leeftijd is fout" → age."""
    return first_key(text, FIELDS)


def field_by_answer(text: str) -> str | None:
    """Which answer the youth means by naming a choice in it: "opleiding" → needs."""
    if needs_in(text):
        return "needs"
    if day_parts_in(text):
        return "reach"
    return "referral" if referral_in(text) not in (None, "other") else None


def summary_choice(text: str) -> str | None:
    """ "send", "edit", or None. Naming an answer ("mijn leeftijd") means edit."""
    if THUMBS_UP in text and not fold(text):
        return "send"
    found = found_keys(text, SUMMARY)
    if "edit" in found:
        return "edit"
    if "send" in found:
        return "send"
    return "edit" if field_in(text) else None


RHYTHMS: Phrases = {
    "2weeks": (
        "om de 2 weken", "om de twee weken", "om de 14 dagen", "2 weken", "twee weken",
        "tweewekelijks", "2wekelijks", "every two weeks", "every 2 weeks", "two weeks",
        "biweekly", "veertien dagen",
    ),
    "month": (
        "maandelijks", "elke maand", "iedere maand", "1 keer per maand", "een keer per maand",
        "keer per maand", "maand", "monthly", "every month", "month",
    ),
    "week": (
        "elke week", "iedere week", "wekelijks", "1 keer per week", "een keer per week",
        "keer per week", "week", "weekly", "every week",
    ),
    "none": (
        "liever niet", "nooit", "nee", "neen", "nie", "niet", "geen", "no", "never", "nope",
        "no thanks", "nee dank je", "hoeft niet", "moet niet",
    ),
}  # fmt: skip


def rhythm_in(text: str) -> str | None:
    """How often the youth wants a check-in: "om de 2 weken" → 2weeks, "nooit" → none."""
    if len(fold(text).split()) > 8:
        return None  # a longer message is something else, for the coach
    return first_key(text, RHYTHMS)


LANGUAGES: Phrases = {
    "en": ("engels", "english", "en", "eng", "in english", "in het engels", "inglis"),
    "nl": ("nederlands", "dutch", "vlaams", "nl", "in het nederlands", "in dutch", "hollands"),
}


def language_in(text: str) -> str | None:
    """A language typed after /taal: "engels", "English please" → en."""
    if len(fold(text).split()) > 4:
        return None
    return first_key(text, LANGUAGES)


RESUME: Phrases = {
    "restart": (
        "opnieuw", "opnieuw beginnen", "herbeginnen", "van voor af aan", "vanaf het begin",
        "alles opnieuw", "restart", "start over", "begin again",
    ),
    "go": (
        "verdergaan", "verder gaan", "verder", "doorgaan", "ga door", "ga verder", "continue",
        "go on", "ja", "jaa", "ok", "oke", "is goed",
    ),
}  # fmt: skip


def resume_choice(text: str) -> str | None:
    """/start mid-intake, then typed: "verder" → go, "opnieuw beginnen" → restart."""
    return first_key(text, RESUME)


PLACE_UNKNOWN = (
    "ik weet het niet", "weet ik niet", "geen idee", "weet niet", "k weet het niet",
    "kweet het niet", "kweetnie", "k weet het nie", "k weet nie", "kweet nie", "weet nie", "ik weet het nie", "geen flauw idee",
    "i dont know", "idk", "dunno", "no idea", "not sure", "ik weet het niet zeker",
)  # fmt: skip


def dont_know(text: str) -> bool:
    return is_one_of(text, PLACE_UNKNOWN)


ORDINALS: Phrases = {
    "0": ("1", "de eerste", "eerste", "eerst", "first", "de 1ste", "1ste", "nummer 1"),
    "1": ("2", "de tweede", "tweede", "second", "de 2de", "2de", "nummer 2"),
    "2": ("3", "de derde", "derde", "third", "de 3de", "3de", "nummer 3"),
}


def ordinal_in(text: str) -> int | None:
    """ "de tweede" → 1 (a pick among the places shown)."""
    for key, phrases in ORDINALS.items():
        if is_one_of(text, phrases):
            return int(key)
    return None


@cache
def known_words() -> frozenset[str]:
    """Every word of every table above: read as itself, never as a typo of another."""
    tables = (NEEDS, REACH, REFERRALS, SUMMARY, FIELDS, RHYTHMS, LANGUAGES, ORDINALS, RESUME)
    phrases = [p for t in tables for ps in t.values() for p in ps]
    phrases += [*YES_PHRASES, *NO_PHRASES, *DONE_PHRASES, *SKIP_PHRASES, *DAYTIME]
    return frozenset(w for p in phrases for w in p.split())
