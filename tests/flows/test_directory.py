"""Place matching and lookups in the pure directory (no files other than the places list)."""

from __future__ import annotations

import tomllib
from datetime import date, datetime, time
from importlib import resources

import pytest

from flows.directory import (
    Directory,
    HelpLine,
    KnownPlace,
    Municipality,
    Partnership,
    PlaceMatch,
    normalise,
    pick,
    similarity,
)

OFFICE = {d: (time(9), time(17)) for d in range(4)} | {4: (time(9), time(12))}


def partnership(pid: str, *municipalities: Municipality, fallback: bool = False) -> Partnership:
    return Partnership(
        id=pid,
        name=pid.upper(),
        short_name=pid,
        municipalities=municipalities,
        organisations=("VDAB",),
        contact={"nl": "Een coach belt je.", "en": "A coach calls you."},
        first_response_workdays=2,
        working_hours=OFFICE,
        help_line_ids=("1813", "106"),
        is_fallback=fallback,
    )


def known_places() -> tuple[KnownPlace, ...]:
    raw = resources.files("flows.data").joinpath("places.toml").read_bytes()
    return tuple(
        KnownPlace(
            name=p["name"],
            postcodes=tuple(p["postcodes"]),
            deelgemeenten=tuple(p["deelgemeenten"]),
            province=p["province"],
            aliases=tuple(p.get("aliases", ())),
        )
        for p in tomllib.loads(raw.decode())["place"]
    )


def line(line_id: str, *situations: str) -> HelpLine:
    return HelpLine(
        id=line_id,
        name=line_id,
        number=line_id,
        url=None,
        hours={"nl": "Dag en nacht.", "en": "Day and night."},
        situations=situations,
        checked_on=date(2026, 11, 22),
        verified=True,
    )


MAASMECHELEN = Municipality(
    "Maasmechelen",
    ("3630", "3631"),
    ("Eisden", "Leut", "Meeswijk", "Mechelen-aan-de-Maas", "Opgrimbie", "Vucht", "Boorsem"),
)
WAM = partnership(
    "wam",
    Municipality("Kinrooi", ("3640",), ("Kessenich", "Molenbeersel", "Ophoven")),
    Municipality("Maaseik", ("3680",), ("Neeroeteren", "Opoeteren")),
    Municipality("Dilsen-Stokkem", ("3650",), ("Dilsen", "Elen", "Lanklaar", "Rotem", "Stokkem")),
    MAASMECHELEN,
)
SAMENWERKT = partnership(
    "samenwerkt",
    Municipality("Heusden-Zolder", ("3550",), ("Heusden", "Zolder", "Bolderberg", "Boekt")),
)
JOW = partnership("jow", Municipality("Ieper", ("8900", "8902"), ("Zillebeke",), to_confirm=True))
WWIN = partnership(
    "wwin",
    Municipality("Zwevegem", ("8550", "8551"), ("Heestert", "Moen")),
    Municipality("Kortrijk", ("8500", "8501"), ("Heule", "Marke")),
)
FALLBACK = partnership("vangnet", fallback=True)


@pytest.fixture(scope="module")
def directory() -> Directory:
    return Directory(
        partnerships=(WAM, SAMENWERKT, JOW, WWIN, FALLBACK),
        help_lines={"1813": line("1813", "suicide"), "106": line("106", "talk")},
        fallback=FALLBACK,
        known_places=known_places(),
    )


def only(found: PlaceMatch) -> tuple[str, str | None]:
    assert len(found.candidates) == 1, found
    return found.candidates[0].municipality, found.candidates[0].partnership_id


# --- exact ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "municipality", "via"),
    [
        ("Maasmechelen", "Maasmechelen", "Maasmechelen"),
        ("maasmechelen", "Maasmechelen", "Maasmechelen"),
        ("  MAASMECHELEN. ", "Maasmechelen", "Maasmechelen"),
        ("Eisden", "Maasmechelen", "Eisden"),
        ("mechelen aan de maas", "Maasmechelen", "Mechelen-aan-de-Maas"),
        ("Mechelen-aan-de-Maas", "Maasmechelen", "Mechelen-aan-de-Maas"),
        ("3630", "Maasmechelen", "3630"),
        ("B-3630", "Maasmechelen", "3630"),
        ("3630 Maasmechelen", "Maasmechelen", "3630"),
        ("3631", "Maasmechelen", "3631"),
        ("ik woon in eisden", "Maasmechelen", "Eisden"),
        ("Ik woon te Eisden", "Maasmechelen", "Eisden"),
        ("gemeente Maasmechelen", "Maasmechelen", "Maasmechelen"),
        ("Eisden, Maasmechelen", "Maasmechelen", "Eisden"),
        ("heusden zolder", "Heusden-Zolder", "Heusden-Zolder"),
        ("heusdenzolder", "Heusden-Zolder", "Heusden-Zolder"),
        ("Heusden-Zolder", "Heusden-Zolder", "Heusden-Zolder"),
        ("Heusden, Zolder", "Heusden-Zolder", "Heusden-Zolder"),
        ("Zolder", "Heusden-Zolder", "Zolder"),
        ("3550", "Heusden-Zolder", "3550"),
        ("Lanklaar", "Dilsen-Stokkem", "Lanklaar"),
        ("Zwevegem", "Zwevegem", "Zwevegem"),
        ("Zwévegem", "Zwevegem", "Zwevegem"),
        ("ZWEVEGEM", "Zwevegem", "Zwevegem"),
        ("Ieper", "Ieper", "Ieper"),
    ],
)
def test_exact_matches_route_to_the_partnership(
    directory: Directory, text: str, municipality: str, via: str
) -> None:
    found = directory.match_place(text)
    assert found.kind == "exact"
    assert found.candidates[0].municipality == municipality
    assert found.candidates[0].via == via
    assert found.candidates[0].partnership_id is not None
    assert found.candidates[0].score == 1.0


@pytest.mark.parametrize(
    ("text", "municipality"),
    [
        ("Gent", "Gent"),
        ("9000", "Gent"),
        ("Antwerpen", "Antwerpen"),
        ("2100", "Antwerpen"),
        ("Borgerhout", "Antwerpen"),
        ("Hasselt", "Hasselt"),
        ("Kortessem", "Hasselt"),  # merged into Hasselt on 1 January 2025
        ("Borgloon", "Tongeren-Borgloon"),
        ("Gooik", "Pajottegem"),
        ("Meulebeke", "Tielt"),
        ("Zwijndrecht", "Beveren-Kruibeke-Zwijndrecht"),
        ("St-Truiden", "Sint-Truiden"),
        ("Bruxelles", "Brussel"),
        ("Ixelles", "Elsene"),
        ("I live in Ghent", "Gent"),
        ("Aalst", "Aalst"),  # the city, not the deelgemeente of Sint-Truiden
    ],
)
def test_real_places_without_partnership_are_recognised(
    directory: Directory, text: str, municipality: str
) -> None:
    found = directory.match_place(text)
    assert found.kind == "exact"
    assert only(found) == (municipality, None)


def test_a_covered_municipality_is_not_shadowed_by_the_reference_list(
    directory: Directory,
) -> None:
    found = directory.match_place("Maaseik")
    assert only(found) == ("Maaseik", "wam")


def test_route_gives_the_partnership_or_the_fallback(directory: Directory) -> None:
    eisden = directory.match_place("Eisden").candidates[0]
    gent = directory.match_place("Gent").candidates[0]
    assert directory.route(eisden).id == "wam"
    assert directory.route(gent).id == "vangnet"


# --- fuzzy ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "municipality", "via"),
    [
        ("maasmechele", "Maasmechelen", "Maasmechelen"),
        ("Maasmechlen", "Maasmechelen", "Maasmechelen"),
        ("maasmeechelen", "Maasmechelen", "Maasmechelen"),
        ("eisde", "Maasmechelen", "Eisden"),
        ("Ieperr", "Ieper", "Ieper"),
        ("kortrik", "Kortrijk", "Kortrijk"),
        ("Zwevegm", "Zwevegem", "Zwevegem"),
        ("ik woon in maasmechele", "Maasmechelen", "Maasmechelen"),
        ("heusden zoldr", "Heusden-Zolder", "Heusden-Zolder"),
    ],
)
def test_typos_give_one_candidate_to_confirm(
    directory: Directory, text: str, municipality: str, via: str
) -> None:
    found = directory.match_place(text)
    assert found.kind == "fuzzy"
    assert found.candidates[0].municipality == municipality
    assert found.candidates[0].via == via
    assert 0.75 <= found.candidates[0].score < 1.0


def test_a_name_inside_a_longer_sentence_needs_confirming(directory: Directory) -> None:
    found = directory.match_place("ik woon in de buurt van Genk")
    assert found.kind == "fuzzy"
    assert only(found) == ("Genk", None)


# --- ambiguous -------------------------------------------------------------------------------


def test_heusden_is_ambiguous(directory: Directory) -> None:
    found = directory.match_place("Heusden")
    assert found.kind == "ambiguous"
    assert [(c.municipality, c.partnership_id) for c in found.candidates] == [
        ("Heusden-Zolder", "samenwerkt"),
        ("Destelbergen", None),
    ]
    assert {c.via for c in found.candidates} == {"Heusden"}


def test_a_postcode_and_a_name_that_disagree_are_ambiguous(directory: Directory) -> None:
    found = directory.match_place("3630 Gent")
    assert found.kind == "ambiguous"
    assert {c.municipality for c in found.candidates} == {"Maasmechelen", "Gent"}


def test_a_postcode_shared_by_two_municipalities_is_ambiguous() -> None:
    places = (KnownPlace("Alfa", ("1234",)), KnownPlace("Beta", ("1234",)))
    directory = Directory((FALLBACK,), {}, FALLBACK, places)
    found = directory.match_place("1234")
    assert found.kind == "ambiguous"
    assert [c.municipality for c in found.candidates] == ["Alfa", "Beta"]


# --- unknown -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["", "   ", "asdf", "🙂", "?!", "36300", "0000", "qwertyuiop", "ik weet het niet"]
)
def test_nonsense_is_unknown(directory: Directory, text: str) -> None:
    assert directory.match_place(text) == PlaceMatch("unknown")


def test_an_unknown_postcode_is_unknown(directory: Directory) -> None:
    assert directory.match_place("1999").kind == "unknown"


# --- helpers, lookups (speed is in `make bench`) -----------------------------------------------------------------


def test_normalise_strips_accents_and_punctuation() -> None:
    assert normalise("Zwévegem") == "zwevegem"
    assert normalise("Sint-Job-in-'t-Goor") == "sint job in t goor"
    assert normalise("B-3630.") == "b 3630"


def test_similarity_counts_a_swap_as_one_edit() -> None:
    assert similarity("gent", "gnet") == 0.75
    assert similarity("eisden", "eisden") == 1.0


def test_pick_falls_back_to_dutch() -> None:
    text = {"nl": "Hallo", "en": "Hello"}
    assert pick(text, "en") == "Hello"
    assert pick(text, "fr") == "Hallo"


def test_lookups(directory: Directory) -> None:
    assert directory.partnership("wam") is WAM
    assert directory.partnership("removed-long-ago") is FALLBACK
    assert directory.has_partnership("jow")
    assert directory.help_line("1813") is not None
    assert directory.help_line("nope") is None
    assert [h.id for h in directory.help_lines_for("suicide", "wam")] == ["1813"]


def test_working_hours() -> None:
    assert WAM.is_open(datetime(2026, 11, 23, 10, 0))  # Monday
    assert not WAM.is_open(datetime(2026, 11, 27, 13, 0))  # Friday afternoon
    assert not WAM.is_open(datetime(2026, 11, 28, 10, 0))  # Saturday
