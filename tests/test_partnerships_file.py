"""The partnerships file: the shipped one loads, and each kind of mistake is named precisely."""

from __future__ import annotations

import re
from datetime import time
from pathlib import Path

import pytest

from config.partnerships import PartnershipsFileError, load_directory, load_places
from flows.directory import pick

SHIPPED = Path(__file__).resolve().parent.parent / "partnerships.toml"

MINIMAL = """\
[[help_line]]
id = "1813"
name = "Zelfmoordlijn 1813"
number = "1813"
url = "zelfmoord1813.be"
situations = ["suicide"]
checked_on = 2026-11-22
verified = true
hours.nl = "Dag en nacht."

[[partnership]]
id = "wam"
name = "WAM! Wrap Around Maasland"
short_name = "WAM!"
organisations = ["VDAB"]
first_response_workdays = 2
help_line_ids = ["1813"]
contact.nl = "Een trajectgezel belt je."
working_hours = { mon = "09:00-17:00", fri = "09:00-12:00" }

[[partnership.municipalities]]
name = "Maasmechelen"
postcodes = ["3630", "3631"]
deelgemeenten = ["Eisden"]

[[partnership]]
id = "vangnet"
name = "VDAB of JAC"
short_name = "VDAB"
first_response_workdays = 2
is_fallback = true
contact.nl = "Bel VDAB."
working_hours = {}
"""


def write(tmp_path: Path, text: str, name: str = "partnerships.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error_for(tmp_path: Path, text: str) -> PartnershipsFileError:
    path = write(tmp_path, text)
    with pytest.raises(PartnershipsFileError) as caught:
        load_directory(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: "), message
    return caught.value


def replaced(old: str, new: str, text: str = MINIMAL) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


# --- the shipped file -------------------------------------------------------------------------


def test_the_shipped_file_loads() -> None:
    directory = load_directory(SHIPPED)
    ids = [p.id for p in directory.partnerships]
    assert ids == ["wam", "samenwerkt", "jow", "wwin", "boest", "vangnet"]
    assert directory.fallback.id == "vangnet"
    assert directory.fallback.is_fallback
    assert set(directory.help_lines) == {
        "112", "101", "1813", "106", "102", "jac", "caw", "1712", "druglijn",
    }  # fmt: skip
    wam = directory.partnership("wam")
    maasmechelen = next(m for m in wam.municipalities if m.name == "Maasmechelen")
    assert {"Eisden", "Leut", "Meeswijk", "Mechelen-aan-de-Maas", "Opgrimbie", "Vucht"} <= set(
        maasmechelen.deelgemeenten
    )
    assert directory.partnership("samenwerkt").locations[0].address.startswith("Marktplein 9")
    assert directory.match_place("Eisden").candidates[0].partnership_id == "wam"
    assert directory.match_place("9000").candidates[0].partnership_id is None


def test_the_shipped_file_marks_what_is_unconfirmed() -> None:
    directory = load_directory(SHIPPED)
    assert all(m.to_confirm for m in directory.partnership("jow").municipalities)
    assert all(m.to_confirm for m in directory.partnership("wwin").municipalities)
    assert not directory.help_lines["106"].verified
    assert not directory.help_lines["druglijn"].verified


def test_the_shipped_texts_are_short_and_in_both_languages() -> None:
    directory = load_directory(SHIPPED)
    texts = [p.contact for p in directory.partnerships] + [
        h.hours for h in directory.help_lines.values()
    ]
    for text in texts:
        assert set(text) == {"nl", "en"}
        for lang in ("nl", "en"):
            for sentence in re.split(r"(?<=[.!?])\s+", pick(text, lang)):
                assert len(sentence.split()) <= 20, sentence
    for partnership in directory.partnerships:
        assert partnership.first_response_workdays == 2
        assert partnership.working_hours[0] == (time(9), partnership.working_hours[0][1])
        assert 1 <= len(partnership.help_line_ids) <= 4


def test_every_covered_municipality_is_in_the_places_list() -> None:
    directory = load_directory(SHIPPED)
    places = {p.name: p for p in directory.known_places}
    for partnership in directory.partnerships:
        for municipality in partnership.municipalities:
            assert municipality.name in places, municipality.name
            assert set(municipality.postcodes) == set(places[municipality.name].postcodes)


def test_the_places_list_has_all_flemish_and_brussels_municipalities() -> None:
    places = load_places()
    by_province: dict[str, int] = {}
    for place in places:
        by_province[place.province] = by_province.get(place.province, 0) + 1
    assert by_province == {
        "Limburg": 38,
        "Antwerpen": 67,
        "Vlaams-Brabant": 63,
        "West-Vlaanderen": 62,
        "Oost-Vlaanderen": 55,
        "Brussels Hoofdstedelijk Gewest": 19,
    }
    names = {p.name for p in places}
    merged = {"Pajottegem", "Tessenderlo-Ham", "Tongeren-Borgloon", "Bilzen-Hoeselt"}
    assert merged <= names
    assert not {"Borgloon", "Kortessem", "Borsbeek", "Melle", "Ruiselede"} & names
    codes = [c for p in places for c in p.postcodes]
    assert len(codes) == len(set(codes))


# --- broken variants --------------------------------------------------------------------------


def test_the_minimal_file_loads(tmp_path: Path) -> None:
    directory = load_directory(write(tmp_path, MINIMAL))
    assert directory.partnership("wam").working_hours == {
        0: (time(9), time(17)),
        4: (time(9), time(12)),
    }


def test_missing_name(tmp_path: Path) -> None:
    error = error_for(tmp_path, replaced('name = "WAM! Wrap Around Maasland"\n', ""))
    assert error.field == "partnership[0].name"
    assert "missing" in error.problem


def test_bad_postcode(tmp_path: Path) -> None:
    path = write(tmp_path, replaced('"3631"]', '"36300"]'))
    with pytest.raises(PartnershipsFileError) as caught:
        load_directory(path)
    assert str(caught.value) == (
        f"{path}: partnership[0].municipalities[0].postcodes[1]: "
        '"36300" is not a 4-digit Belgian postcode'
    )


def test_duplicate_municipality(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        "is_fallback = true",
        "is_fallback = false",
    ).replace(
        "working_hours = {}\n",
        'working_hours = {}\n\n[[partnership.municipalities]]\nname = "maasmechelen"\n'
        'postcodes = ["3630"]\n\n[[partnership]]\nid = "x"\nname = "X"\nshort_name = "X"\n'
        'first_response_workdays = 1\nis_fallback = true\ncontact.nl = "Bel."\n'
        "working_hours = {}\n",
    )
    error = error_for(tmp_path, text)
    assert error.field == "partnership[1].municipalities[0].name"
    assert 'already covered by partnership "wam"' in error.problem


def test_unknown_key(tmp_path: Path) -> None:
    error = error_for(tmp_path, replaced("deelgemeenten = ", "deelgemeentes = "))
    assert error.field == "partnership[0].municipalities[0].deelgemeentes"
    assert "unknown field" in error.problem


def test_unknown_top_level_key(tmp_path: Path) -> None:
    error = error_for(tmp_path, "partnerships = []\n" + MINIMAL)
    assert error.field == "partnerships"


@pytest.mark.parametrize(
    ("hours", "problem"),
    [
        ('"09.00-17.00"', 'is not like "09:00-17:00"'),
        ('"17:00-09:00"', "start must be before the end"),
        ('"09:00-25:00"', 'is not like "09:00-17:00"'),
        ("9", "must be non-empty text"),
    ],
)
def test_bad_hours(tmp_path: Path, hours: str, problem: str) -> None:
    error = error_for(tmp_path, replaced('mon = "09:00-17:00"', f"mon = {hours}"))
    assert error.field == "partnership[0].working_hours.mon"
    assert problem in error.problem


def test_unknown_day(tmp_path: Path) -> None:
    error = error_for(tmp_path, replaced('mon = "09:00-17:00"', 'ma = "09:00-17:00"'))
    assert error.field == "partnership[0].working_hours.ma"
    assert "unknown day" in error.problem


def test_unknown_help_line_id(tmp_path: Path) -> None:
    error = error_for(tmp_path, replaced('help_line_ids = ["1813"]', 'help_line_ids = ["1831"]'))
    assert error.field == "partnership[0].help_line_ids[0]"
    assert 'unknown help line "1831"' in error.problem


def test_no_fallback(tmp_path: Path) -> None:
    error = error_for(tmp_path, replaced("is_fallback = true\n", ""))
    # Without is_fallback the second partnership needs municipalities: that is reported first.
    assert error.field == "partnership[1].municipalities"


def test_no_fallback_at_all(tmp_path: Path) -> None:
    text = replaced("is_fallback = true\n", "")
    text = text.replace(
        "working_hours = {}\n",
        'working_hours = {}\n\n[[partnership.municipalities]]\nname = "Gent"\n'
        'postcodes = ["9000"]\n',
    )
    error = error_for(tmp_path, text)
    assert error.field == "partnership"
    assert "is_fallback" in error.problem


def test_two_fallbacks(tmp_path: Path) -> None:
    text = replaced(
        'help_line_ids = ["1813"]', 'help_line_ids = ["1813"]\nis_fallback = true'
    ).replace("[[partnership.municipalities]]", "[[partnership.locations]]", 1)
    text = text.replace('postcodes = ["3630", "3631"]\ndeelgemeenten = ["Eisden"]', 'address = "x"')
    error = error_for(tmp_path, text)
    assert error.field == "partnership[1].is_fallback"


def test_duplicate_partnership_id(tmp_path: Path) -> None:
    error = error_for(tmp_path, replaced('id = "vangnet"', 'id = "wam"'))
    assert error.field == "partnership[1].id"
    assert "already used" in error.problem


@pytest.mark.parametrize(
    ("old", "new", "field", "problem"),
    [
        ("contact.nl =", "contact.en =", "partnership[0].contact.nl", "Dutch"),
        ("checked_on = 2026-11-22", 'checked_on = "2026-11-22"', "help_line[0].checked_on", "date"),
        ('["suicide"]', '["suicidal"]', "help_line[0].situations[0]", "unknown situation"),
        ("verified = true\n", "", "help_line[0].verified", "missing"),
        ("first_response_workdays = 2", "first_response_workdays = -1",
         "partnership[0].first_response_workdays", "whole number"),
        ('number = "1813"', 'number = "bel ons"', "help_line[0].number", "phone number"),
    ],
)  # fmt: skip
def test_other_mistakes(tmp_path: Path, old: str, new: str, field: str, problem: str) -> None:
    error = error_for(tmp_path, replaced(old, new))
    assert error.field == field
    assert problem in error.problem


def test_syntax_error_and_missing_file(tmp_path: Path) -> None:
    error = error_for(tmp_path, "[[partnership]\nid = 1\n")
    assert "TOML syntax error" in error.problem
    with pytest.raises(PartnershipsFileError, match="file not found"):
        load_directory(tmp_path / "nope.toml")


def test_bad_places_file(tmp_path: Path) -> None:
    places = write(tmp_path, '[[place]]\nname = "Gent"\npostcodes = ["900"]\n', "places.toml")
    with pytest.raises(PartnershipsFileError) as caught:
        load_directory(write(tmp_path, MINIMAL), places)
    assert str(caught.value) == (
        f'{places}: place[0].postcodes[0]: "900" is not a 4-digit Belgian postcode'
    )


WRONG_VALUES = ["1", '"x"', "[]", '[["a"]]', "{}", "true", "2026-01-01", "1.5", "[{}]", '"  "']


def test_a_value_of_any_wrong_kind_is_named_not_a_crash(tmp_path: Path) -> None:
    lines = MINIMAL.splitlines()
    for i, line in enumerate(lines):
        key, sep, _ = line.partition(" = ")
        for value in WRONG_VALUES if sep else ():
            path = write(tmp_path, "\n".join([*lines[:i], f"{key} = {value}", *lines[i + 1 :]]))
            try:
                load_directory(path)
            except PartnershipsFileError as error:
                assert str(error).startswith(f"{path}: "), error


ENTRY = '\n[[partnership.entry_points]]\nkey = "{key}"\nlabel = "Affiche {key}"\n'


def with_entries(*keys: str, number: str = "") -> str:
    """WAM! with these entry points (and a WhatsApp number when given)."""
    extra = f'whatsapp_number = "{number}"\n' if number else ""
    text = replaced('id = "wam"\n', f'id = "wam"\n{extra}')
    return text.replace('deelgemeenten = ["Eisden"]\n', 'deelgemeenten = ["Eisden"]\n' + "".join(ENTRY.format(key=k) for k in keys))  # fmt: skip


def test_entry_points_load_with_the_partnership(tmp_path: Path) -> None:
    found = load_directory(write(tmp_path, with_entries("ocmw-maaseik", number="32470123456")))
    wam = found.partnership("wam")
    assert wam.whatsapp_number == "32470123456"
    assert [(e.key, e.label, e.partnership_id) for e in wam.entry_points] == [
        ("ocmw-maaseik", "Affiche ocmw-maaseik", "wam")
    ]
    assert found.entry_point("ocmw-maaseik") == wam.entry_points[0]
    assert found.entry_point("nope") is None


@pytest.mark.parametrize(
    ("text", "field", "problem"),
    [
        (with_entries("ocmw", "ocmw"), "partnership[0].entry_points[1].key", "already used"),
        (with_entries("OCMW Gent"), "partnership[0].entry_points[0].key", "short code"),
        (with_entries(number="+32 470 12 34 56"), "partnership[0].whatsapp_number", "digits"),
    ],
)
def test_bad_entry_points_are_named(tmp_path: Path, text: str, field: str, problem: str) -> None:
    error = error_for(tmp_path, text)
    assert (error.field, problem in error.problem) == (field, True), error.problem
