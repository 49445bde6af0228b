"""The catalogs: complete, not fuzzy, placeholders intact, and Dutch a 19-year-old reads easily."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from string import Formatter
from zoneinfo import ZoneInfo

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from core.i18n import Translator, language_of, split_text
from flows.model import Labels, msg

LOCALES = Path(__file__).resolve().parents[1] / "locales"
JARGON = ("neet", "traject", "activering", "indien", "gelieve", "reeds", "enkel", "u ", "uw ")
MAX_WORDS = 20


def catalog(lang: str) -> Catalog:
    with (LOCALES / lang / "LC_MESSAGES" / "instap.po").open("rb") as f:
        return read_po(f, locale=lang)


def template() -> Catalog:
    with (LOCALES / "instap.pot").open("rb") as f:
        return read_po(f)


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name}


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_message_is_translated_and_not_fuzzy(lang: str) -> None:
    cat = catalog(lang)
    ids = {m.id for m in template() if m.id}
    translated = {m.id for m in cat if m.id and m.string and not m.fuzzy}
    assert ids - translated == set(), f"untranslated or fuzzy in {lang}"
    assert not [m.id for m in cat if m.id and m.fuzzy]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_placeholders_match(lang: str) -> None:
    for message in catalog(lang):
        if message.id and message.string:
            assert placeholders(str(message.id)) == placeholders(str(message.string)), message.id


def test_the_template_is_up_to_date_with_the_code() -> None:
    """Every N_()/_() string in the code is in the template (run `make update` if not)."""
    from babel.messages.extract import extract_from_dir

    root = LOCALES.parent
    found: set[str] = set()
    method_map = [("flows/**.py", "python"), ("bot/**.py", "python"), ("inbox/**.py", "python")]
    for _, _, message, _, _ in extract_from_dir(
        str(root), method_map, keywords={"N_": None, "_": None}
    ):
        if isinstance(message, str):
            found.add(message)
    assert found - {m.id for m in template()} == set()


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?:])\s+", text) if s.strip()]


def test_dutch_sentences_are_short_and_plain() -> None:
    for message in catalog("nl"):
        if not message.id or "EEEE" in str(message.id):
            continue
        text = str(message.string or message.id)
        for sentence in sentences(text):
            words = [w for w in sentence.split() if re.search(r"\w", w)]
            assert len(words) <= MAX_WORDS, f"{len(words)} words: {sentence}"
        lowered = f" {text.lower()} "
        for word in JARGON:
            assert not re.search(rf"\b{re.escape(word.strip())}\b", lowered), f"{word!r} in {text}"


def test_dates_read_the_flemish_way() -> None:
    t = Translator("Europe/Brussels")
    brussels = ZoneInfo("Europe/Brussels")
    assert t.param(datetime(2023, 5, 4, 14, 0, tzinfo=brussels), "nl") == "donderdag 4 mei om 14u"
    assert (
        t.param(datetime(2023, 5, 4, 14, 30, tzinfo=brussels), "nl") == "donderdag 4 mei om 14u30"
    )
    # UTC in, Brussels out (summer time: UTC+2)
    assert t.param(datetime(2023, 5, 4, 12, 0, tzinfo=ZoneInfo("UTC")), "nl").endswith("om 14u")
    assert t.param(date(2026, 11, 24), "nl") == "dinsdag 24 november"
    assert t.param(date(2026, 11, 24), "en") == "Tuesday 24 November"
    assert t.param(Labels(("Werk", "Wonen")), "en") == "Work, Housing"
    assert t.text(msg("Hulp bij: {needs}", needs=Labels(("Werk",))), "nl") == "Hulp bij: Werk"


@pytest.mark.parametrize(
    ("tag", "lang"),
    [("nl", "nl"), ("nl-BE", "nl"), ("en-GB", "en"), ("fr", "nl"), (None, "nl"), ("xx-!!", "nl")],
)
def test_client_language_tags(tag: str | None, lang: str) -> None:
    assert language_of(tag) == lang


def test_long_texts_are_split_for_telegram() -> None:
    text = ("Een zin van een paar woorden. " * 400).strip()
    chunks = split_text(text)
    assert all(len(c) <= 4096 for c in chunks)
    assert " ".join(chunks).split() == text.split()


def test_youth_facing_texts_in_the_partnerships_file_are_short_and_plain() -> None:
    from tests.support.dialog import directory

    texts: list[str] = []
    for partnership in (*directory().partnerships, directory().fallback):
        texts.append(partnership.contact["nl"])
    for line in directory().help_lines.values():
        texts.append(line.hours["nl"])
    for text in texts:
        for sentence in sentences(text):
            words = [w for w in sentence.split() if re.search(r"\w", w)]
            assert len(words) <= MAX_WORDS, f"{len(words)} words: {sentence}"
        for word in ("neet", "traject", "activering", "indien", "gelieve"):
            assert not re.search(rf"\b{word}\b", text.lower()), f"{word!r} in {text}"
