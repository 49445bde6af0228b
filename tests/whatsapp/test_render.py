"""Our messages as WhatsApp bodies: buttons, lists, numbered options, long texts split."""

from __future__ import annotations

from bot.channels.whatsapp_render import (
    MAX_BODY,
    MAX_TEXT,
    Labels,
    document_body,
    numbered_choice,
    render_text,
    split_text,
)
from core.outgoing import Button, Rows

LABELS = Labels("Kies", "Kies een antwoord")


def rows(*labels: str) -> Rows:
    return tuple((Button(label, f"d{n}"),) for n, label in enumerate(labels))


def test_a_plain_text_is_a_text_message() -> None:
    [body] = render_text("32470123456", "Hoi Noor!", (), LABELS)
    assert body == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "32470123456",
        "type": "text",
        "text": {"body": "Hoi Noor!", "preview_url": False},
    }


def test_three_short_buttons_are_reply_buttons() -> None:
    [body] = render_text("3247", "Wat zoek je?", rows("Werk", "School", "Iets anders"), LABELS)
    assert body["type"] == "interactive"
    interactive = body["interactive"]
    assert interactive["type"] == "button"
    assert interactive["body"] == {"text": "Wat zoek je?"}
    assert [b["reply"] for b in interactive["action"]["buttons"]] == [
        {"id": "d0", "title": "Werk"},
        {"id": "d1", "title": "School"},
        {"id": "d2", "title": "Iets anders"},
    ]


def test_four_buttons_or_a_long_title_make_a_list() -> None:
    for labels in (("A", "B", "C", "D"), ("Ja", "Een titel van meer dan twintig")):
        [body] = render_text("3247", "Kies maar", rows(*labels), LABELS)
        interactive = body["interactive"]
        assert interactive["type"] == "list"
        assert interactive["action"]["button"] == "Kies"
        [section] = interactive["action"]["sections"]
        assert section["title"] == "Kies een antwoord"
        assert [r["id"] for r in section["rows"]] == [f"d{n}" for n in range(len(labels))]


def test_a_list_row_title_over_24_is_cut_and_shown_whole_below() -> None:
    title = "Ik wil graag een opleiding volgen"
    [body] = render_text("3247", "Kies", rows("Ja", title), LABELS)
    row = body["interactive"]["action"]["sections"][0]["rows"][1]
    assert len(row["title"]) <= 24 and row["title"].endswith("…")
    assert row["description"] == title


def test_more_than_ten_options_are_numbered_in_the_text() -> None:
    labels = [f"Gemeente {n}" for n in range(1, 13)]
    [body] = render_text("3247", "Waar woon je?", rows(*labels), LABELS)
    assert body["type"] == "text"
    assert body["text"]["body"].startswith("Waar woon je?\n\n1. Gemeente 1\n2. Gemeente 2\n")
    assert body["text"]["body"].endswith("12. Gemeente 12")
    assert numbered_choice("3", rows(*labels)) == Button("Gemeente 3", "d2")
    assert numbered_choice("13", rows(*labels)) is None
    assert numbered_choice("3", rows("Ja", "Nee")) is None  # those were real buttons


def test_a_long_text_is_split_at_sentences_with_the_buttons_on_the_last_part() -> None:
    sentence = "Dit is een zin van ongeveer vijftig tekens lang. "
    text = sentence * 200  # 10,000 characters
    bodies = render_text("3247", text, rows("Ja", "Nee"), LABELS)
    assert [b["type"] for b in bodies[:-1]] == ["text"] * (len(bodies) - 1)
    assert bodies[-1]["type"] == "interactive"
    assert len(bodies[-1]["interactive"]["body"]["text"]) <= MAX_BODY
    for body in bodies[:-1]:
        assert len(body["text"]["body"]) <= MAX_TEXT
        assert body["text"]["body"].endswith(".")  # cut after a sentence
    joined = " ".join(
        b["text"]["body"] if b["type"] == "text" else b["interactive"]["body"]["text"]
        for b in bodies
    )
    assert joined == text.strip()


def test_split_text_without_sentences_cuts_at_a_space_or_anywhere() -> None:
    assert split_text("kort", 10) == ["kort"]
    assert split_text("aaaa bbbb cccc", 10) == ["aaaa bbbb", "cccc"]
    assert split_text("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]


def test_a_document_names_its_file_and_caption() -> None:
    body = document_body("3247", "media-1", "afspraak.ics", "📅 Zet de afspraak in je agenda.")
    assert body["document"] == {
        "id": "media-1",
        "filename": "afspraak.ics",
        "caption": "📅 Zet de afspraak in je agenda.",
    }
