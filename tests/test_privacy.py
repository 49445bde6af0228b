"""/mijngegevens holds every stored item; /vergeetmij leaves nothing; retention erases on time."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, inspect, select

from bot.ticks.privacy import ERASE_WITHIN, Privacy
from core.bus import Bus
from core.i18n import Translator
from inbox.appointments import Appointments
from inbox.service import Inbox
from storage import casework, offer_invites, offer_reminders, offers, outbox, search
from storage.db import Database
from storage.models import (
    Appointment,
    AuditEntry,
    Base,
    Case,
    CaseEvent,
    CaseNeed,
    CaseProfile,
    CaseSignal,
    CheckIn,
    Consent,
    Inbound,
    Message,
    Note,
    OutboxJob,
    Reminder,
    SafetyEvent,
    Worker,
    Youth,
)
from storage.offer_models import Booking, OfferInvitation, OfferMissed, OfferReminder
from storage.retention import Overdue
from tests.support.clock import Clock
from tests.support.dialog import directory
from tests.support.inbox import add_worker, link_telegram
from tests.support.outreach import USER, Life
from tests.support.rows import everything

NAME = "Noortje Vandersteen"
SECRETS = ("mijn geheime zin 4711", "notitie over de check-in 9931", "notitie van Sara 5521")


async def rich_life(db: Database, clock: Clock, media: Path) -> tuple[Life, Privacy]:
    """A youth with everything: answers, messages both ways, a note, an appointment with
    reminders, check-ins with a note, consents, a crisis message and a voice message file."""
    clock.set_local(date(2026, 11, 30), time(10))
    life = await Life.begin(db, clock, name=NAME)
    privacy = Privacy(db, life.engine.runtime, media, lambda p, c: None)
    sara = await add_worker(db, "Sara")
    await link_telegram(db, sara.id, "5001")
    await life.claim(sara.id)
    await life.press("checkin:week")
    await life.says(SECRETS[0])
    inbox = Inbox(db, directory(), Translator(), Bus(), lambda: None, clock=clock)
    await inbox.reply(sara, life.case_id, "Dag! Ik ben Sara, je coach.")
    await inbox.set_profile(sara, life.case_id, {"gender": "woman", "homeless": "yes"})
    async with db.transaction() as session:
        case = await session.get(Case, life.case_id)
        worker = await session.get(Worker, sara.id)
        assert case is not None and worker is not None
        await casework.add_note(session, case, worker, SECRETS[2], clock.now)
        youth = await session.get(Youth, life.youth_id)
        assert youth is not None
        voice = await outbox.add_message(
            session, youth, direction="in", author="youth", text="[voice]", buttons=None,
            now=clock.now, delivery="received",
        )  # fmt: skip
        voice.media = {"kind": "voice", "state": "stored", "path": "voice-1.ogg"}
    store_file(media / "voice-1.ogg", b"OggS fake voice of " + NAME.encode())
    await Appointments(inbox).create(
        sara, life.case_id, day=date(2026, 12, 10), at=time(14), minutes=60,
        place="Kantoor WAM!, Maasmechelen", kind="gesprek", note="Neem je id mee",
    )  # fmt: skip
    await sign_up_for_cooking(db, life, sara.id, clock)
    await life.live_until(clock.now + timedelta(days=8))
    await life.press(f"ci:{await life.open_checkin()}:2")
    await life.says(SECRETS[1])
    await life.says("ik wil niet meer leven")
    return life, privacy


async def sign_up_for_cooking(db: Database, life: Life, leader_id: int, clock: Clock) -> None:
    """A seat at WAM!'s cooking atelier in 11 days."""
    async with db.transaction() as session:
        offer = await offers.create_offer(
            session, partnership_id="wam", title="Samen koken", description="", kind="atelier",
            place="De Kring", address="Marktplein 9, Maasmechelen", capacity=8,
            leader_id=leader_id, now=clock.now,
        )  # fmt: skip
        start = clock.now + timedelta(days=11)
        (row,) = await offers.add_sessions(session, offer, [start], 120, clock.now)
        assert await offers.book(session, row.id, life.youth_id, clock.now) == "booked"
        booking = await offers.booking_of(session, row.id, life.youth_id)
        assert booking is not None
        await offer_reminders.plan(session, booking, start, [(60, start - timedelta(hours=1))])
        # Sara invited her to it, and after an earlier session of it we missed her.
        offer_invites.invited(session, row.id, life.youth_id, leader_id, clock.now)
        assert await offer_invites.first_miss(session, offer.id, life.youth_id, clock.now)


def store_file(path: Path, content: bytes) -> None:
    """As the media fetcher stores a youth's voice message."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


async def snapshot(db: Database, life: Life) -> dict[str, set[Any]]:
    """The ids of every row about the youth, table by table (a profile is one per case, a
    need is a case and its code)."""
    async with db.transaction() as session:

        async def ids(model: Any, *where: Any) -> set[int]:
            return set((await session.execute(select(model.id).where(*where))).scalars())

        def is_hers(model: Any) -> Any:
            return model.case_id.in_(select(Case.id).where(Case.youth_id == life.youth_id))

        needs = select(CaseNeed.case_id, CaseNeed.need).where(is_hers(CaseNeed))
        profiles = select(CaseProfile.case_id).where(is_hers(CaseProfile))

        appointments = await ids(Appointment, Appointment.youth_id == life.youth_id)
        cases = await ids(Case, Case.youth_id == life.youth_id)
        return {
            "youths": await ids(Youth, Youth.id == life.youth_id),
            "messages": await ids(Message, Message.youth_id == life.youth_id),
            "cases": await ids(Case, Case.youth_id == life.youth_id),
            "notes": await ids(Note, Note.case_id == life.case_id),
            "events": await ids(CaseEvent, CaseEvent.case_id == life.case_id),
            "appointments": appointments,
            "reminders": await ids(Reminder, Reminder.appointment_id.in_(appointments)),
            "check_ins": await ids(CheckIn, CheckIn.youth_id == life.youth_id),
            "consents": await ids(Consent, Consent.youth_id == life.youth_id),
            "safety": await ids(SafetyEvent, SafetyEvent.youth_id == life.youth_id),
            "deliveries": await ids(Inbound, Inbound.youth_key == f"web:{USER}"),
            "outbox": await ids(OutboxJob, OutboxJob.youth_id == life.youth_id),
            "audit": await ids(AuditEntry, AuditEntry.case_id.in_(cases)),
            "profiles": set((await session.execute(profiles)).scalars()),
            "needs": {tuple(row) for row in (await session.execute(needs)).all()},
            "signals": await ids(CaseSignal, is_hers(CaseSignal)),
            "bookings": await ids(Booking, Booking.youth_id == life.youth_id),
            "offer_reminders": await ids(
                OfferReminder,
                OfferReminder.booking_id.in_(
                    select(Booking.id).where(Booking.youth_id == life.youth_id)
                ),
            ),
            "invitations": await ids(OfferInvitation, OfferInvitation.youth_id == life.youth_id),
            "missed": await ids(OfferMissed, OfferMissed.youth_id == life.youth_id),
        }


# Each table: where its rows about the youth are in `snapshot`, or why it holds none.
TABLES = {
    "youths": "youths", "cases": "cases", "messages": "messages", "notes": "notes",
    "case_events": "events", "appointments": "appointments", "reminders": "reminders",
    "checkins": "check_ins", "consents": "consents", "safety_events": "safety",
    "inbound": "deliveries", "outbox": "outbox", "audit_log": "audit",
    "case_profiles": "profiles", "case_needs": "needs", "case_signals": "signals",
    "bookings": "bookings", "offer_reminders": "offer_reminders",
    "offer_invitations": "invitations", "offer_missed": "missed",
}  # fmt: skip
NOT_ABOUT_A_YOUTH = {
    "workers": "the coaches' accounts",
    "worker_sessions": "coaches' logins",
    "api_tokens": "coaches' API tokens",
    "login_attempts": "coaches' failed logins",
    "uncovered_demand": "counts of places without a partnership, nothing personal",
    "signposts": "counts of youths sent elsewhere, nothing personal",
    "channel_statuses": "a WhatsApp message id and its state (delivered, read), nothing personal",
    "offers": "a partnership's group offers (who leads it is a coach)",
    "counters": "service-wide totals (possible duplicate sends after a crash), nothing personal",
    "flood_slots": "the next send slot per bot and per chat, the chat as a digest of its id, "
    "deleted within a minute or so after the slot passed",
    "offer_sessions": "when an offer's sessions are; walk_in_names: the first names of walk-ins "
    "who agreed to be named, people without a chat or a case, so no youth of ours",
}


def test_every_table_is_either_in_the_export_test_or_holds_nothing_about_a_youth() -> None:
    """A new table makes this fail until the export (and `snapshot`) covers it."""
    assert set(Base.metadata.tables) == set(TABLES) | set(NOT_ABOUT_A_YOUTH)
    assert not set(TABLES) & set(NOT_ABOUT_A_YOUTH)


async def test_every_table_in_the_database_is_a_model_or_the_message_search(db: Database) -> None:
    """A table made by raw SQL in a migration is not in the models: only the search's are."""

    def names(conn: Connection) -> set[str]:
        return set(inspect(conn).get_table_names()) - {"alembic_version"}

    async with db.engine.connect() as conn:
        tables = await conn.run_sync(names)
    search_tables = search.SQLITE_TABLES if db.is_sqlite else frozenset()
    # FTS5's tables hold words of `messages` rows only, and lose them with the rows.
    assert tables == set(Base.metadata.tables) | search_tables


def exported_ids(data: dict[str, Any]) -> dict[str, set[Any]]:
    registrations = data["registrations"]
    return {
        "messages": {m["id"] for m in data["messages"]},
        "cases": {c["id"] for c in registrations},
        "notes": {n["id"] for c in registrations for n in c["notes_by_coaches"]},
        "events": {e["id"] for c in registrations for e in c["history"]},
        "appointments": {a["id"] for a in data["appointments"]},
        "reminders": {r["id"] for a in data["appointments"] for r in a["reminders"]},
        "check_ins": {c["id"] for c in data["check_ins"]},
        "consents": {c["id"] for c in data["permissions"]},
        "safety": {s["id"] for s in data["crisis_messages"]},
        "deliveries": {d["id"] for d in data["from_your_chat_app"]["deliveries"]},
        "youths": {data["you"]["id"]},
        "outbox": {j["id"] for j in data["sent_to_you"]},
        "audit": {a["id"] for a in data["who_looked_at_your_file"]},
        "profiles": {c["id"] for c in registrations if c["for_the_report"] is not None},
        "needs": {(c["id"], n) for c in registrations for n in c["help_with_for_the_report"]},
        "signals": {a["id"] for c in registrations for a in c["alerts"]},
        "bookings": {b["id"] for b in data["group_sessions"]},
        "offer_reminders": {r["id"] for b in data["group_sessions"] for r in b["reminders"]},
        "invitations": {i["id"] for i in data["group_invitations"]},
        "missed": {m["id"] for m in data["we_missed_you"]},
    }


async def test_mijngegevens_holds_every_stored_item(db: Database, tmp_path: Path) -> None:
    clock = Clock()
    life, _ = await rich_life(db, clock, tmp_path / "media")
    before = await snapshot(db, life)
    replies = await life.says("/mijngegevens")
    # Noor typed three messages and sent one voice message; Sara wrote once. The taps on
    # buttons, the command and the many automatic answers are not "her messages".
    assert replies[0].startswith(
        "Dit bewaren we over jou:\n"
        "📝 je antwoorden van de aanmelding\n"
        "✍️ berichten die jij stuurde: 4\n"
        "💬 berichten van je coach: 1\n"
        "📅 afspraken: 1\n"
    )
    assert "Je coach is Sara." in replies[0]
    assert "We bewaren dit zolang je bij ons aangemeld bent, en daarna nog een jaar." in replies[0]
    assert "In het bestand hieronder staat alles, ook onze automatische berichten." in replies[0]
    data = await exported(db, life)
    assert (data["format"], data["version"]) == ("instap-export", 1)
    got = exported_ids(data)
    assert set(before) == set(TABLES.values())
    for table, ids in before.items():
        assert ids <= got[table], f"{table}: missing {ids - got[table]}"
    assert ids and all(before[t] for t in before), before  # rich: every kind of row exists
    texts = {m["text"] for m in data["messages"]}
    assert SECRETS[0] in texts
    assert "Sara schrijft:\nDag! Ik ben Sara, je coach." in texts
    assert {m["from"] for m in data["messages"]} == {"you", "coach", "instap"}
    assert [m["kind"] for m in data["messages"] if m["from"] == "you"].count("voice") == 1
    assert data["registrations"][0]["your_answers"]["name"] == NAME
    assert data["registrations"][0]["partnership"] == "WAM! Wrap Around Maasland"
    assert data["registrations"][0]["notes_by_coaches"][0]["text"] == SECRETS[2]
    assert [c["your_note"] for c in data["check_ins"] if c["your_note"]] == [SECRETS[1]]
    assert {c["about"] for c in data["permissions"]} >= {"check-ins"}
    assert data["crisis_messages"][0]["about"] == "suicide"
    assert data["chat"]["where_you_are"] == "registered"
    report = data["registrations"][0]["for_the_report"]
    assert (report["gender"], report["homeless_or_without_a_home_of_your_own"]) == ("woman", "yes")
    assert (report["education"], report["filled_in_by"]) == ("unknown", "Sara")
    assert [a["what"] for a in data["registrations"][0]["alerts"]] == [
        "a low score at a check-in", "a message of yours made the team act fast",
    ]  # fmt: skip
    assert data["you"]["check_ins"] == "every week"
    assert data["erasure"] == {"on": None, "rule": "not while your registration is open"}
    # What we sent, as it went to the chat app, and who looked at her file (no content).
    sent = [j["exactly_as_sent"].get("text") for j in data["sent_to_you"]]
    assert "Sara schrijft:\nDag! Ik ben Sara, je coach." in sent
    looked = {(a["who"], a["what"]) for a in data["who_looked_at_your_file"]}
    assert ("Sara", "sent you a message") in looked
    assert all(set(a) == {"id", "at", "registration", "who", "what"}
               for a in data["who_looked_at_your_file"])  # fmt: skip


async def exported(db: Database, life: Life) -> dict[str, Any]:
    """The JSON file of the youth's latest /mijngegevens, as they download it."""
    async with db.transaction() as session:
        stmt = select(Message).where(Message.youth_id == life.youth_id).order_by(Message.id.desc())
        file = next(m for m in (await session.execute(stmt)).scalars() if m.media)
    assert file.media is not None and file.media["kind"] == "json"
    assert file.text == "Alles wat we over jou bewaren, in één bestand."
    data: dict[str, Any] = json.loads(file.media["content"])
    return data


INTERNAL = {"conversation_state", "appt_change", "appt_dayparts", "auto_reply_at", "state",
            "checkin_note", "partnership_id", "place_via", "needs_text", "case_ids", "flag",
            "wish", "late", "delivery", "author", "channel", "score", "kind_code"}  # fmt: skip


def keys(value: Any, path: str = "") -> set[str]:
    """Every field name in the document with where it is ("messages[].from"); not inside
    a history entry's "details", which are kept as recorded."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            found.add(f"{path}{key}")
            if key not in ("details", "exactly_as_sent"):  # kept as recorded
                found |= keys(item, f"{path}{key}.")
    elif isinstance(value, list):
        for item in value:
            found |= keys(item, path.removesuffix(".") + "[].")
    return found


async def test_the_export_speaks_plainly_and_every_field_is_documented(
    db: Database, tmp_path: Path
) -> None:
    clock = Clock()
    life, _ = await rich_life(db, clock, tmp_path / "media")
    await life.says("/mijngegevens")
    data = await exported(db, life)
    fields = keys(data)
    names = {f.rsplit(".", 1)[-1] for f in fields}
    assert not names & INTERNAL, names & INTERNAL
    doc = (Path(__file__).parents[1] / "docs" / "export-format.md").read_text("utf-8")
    missing = sorted(f for f in fields if f"`{f}`" not in doc)
    assert not missing, f"not in docs/export-format.md: {missing}"
    assert f"version {data['version']}" in doc.lower()


async def report_rows(db: Database, case_id: int) -> dict[str, int]:
    """How many profile, need and signal rows the case has (the report's copies)."""
    async with db.transaction() as session:
        return {
            model.__tablename__: len(
                (await session.execute(select(model).where(model.case_id == case_id))).all()
            )
            for model in (CaseProfile, CaseNeed, CaseSignal)
        }


async def test_vergeetmij_leaves_nothing_about_the_youth(db: Database, tmp_path: Path) -> None:
    clock = Clock()
    media = tmp_path / "media"
    life, privacy = await rich_life(db, clock, media)
    assert all((await report_rows(db, life.case_id)).values())
    found = await everything(db)
    assert NAME in found and all(s in found for s in SECRETS)  # the search works
    await life.says("/vergeetmij")
    final = await life.press(f"forget:yes:{int(clock.now.timestamp() // 60)}")
    assert final[0].startswith("Oké. Ik wis nu alles over jou.")
    # The last message is still on its way: erasing waits for it (at most ERASE_WITHIN).
    assert await privacy.tick() == 0
    clock.now += ERASE_WITHIN
    assert await privacy.tick() == 1
    found = await everything(db)
    for needle in (NAME, "Noortje", "Vandersteen", *SECRETS, f"'{USER}'", f"web:{USER}",
                   "voice-1.ogg", "Neem je id mee", "ik wil niet meer leven"):  # fmt: skip
        assert needle not in found, needle
    assert not list(media.iterdir())
    async with db.transaction() as session:
        case = await session.get(Case, life.case_id)
        assert case is not None
        assert (case.status, case.outcome, case.answers) == ("closed", "erased", {})
    assert await report_rows(db, life.case_id) == {
        "case_profiles": 0, "case_needs": 0, "case_signals": 0,
    }  # fmt: skip
    assert await privacy.tick() == 0  # done once


async def test_retention_erases_unfinished_intakes_and_old_closed_cases(
    db: Database, tmp_path: Path
) -> None:
    clock = Clock()
    clock.set_local(date(2026, 1, 5), time(10))
    life = await Life.begin(db, clock, name="Oud Dossier")
    async with db.transaction() as session:
        case = await session.get(Case, life.case_id)
        assert case is not None
        case.status, case.outcome, case.closed_at = "closed", "work", clock.now
        session.add(CaseProfile(case_id=case.id, gender="man", rural="yes", filled_at=clock.now))
    assert (await report_rows(db, life.case_id))["case_profiles"] == 1
    privacy = Privacy(db, life.engine.runtime, tmp_path / "media", lambda p, c: None)
    # Another youth starts an intake and leaves it after their name.
    await life.send({"type": "text", "text": "/start"}, user="halfway")
    await life.send({"type": "text", "text": "Halverwege Hanne"}, user="halfway")
    clock.now += timedelta(days=29)
    assert await due_rules(privacy, apply=False) == []
    clock.now += timedelta(days=2)
    assert await due_rules(privacy, apply=False) == ["unfinished_intake"]
    clock.now += timedelta(days=340)
    assert await due_rules(privacy, apply=True) == ["closed_case", "unfinished_intake"]
    found = await everything(db)
    assert "Halverwege Hanne" not in found and "Oud Dossier" not in found
    assert await report_rows(db, life.case_id) == {
        "case_profiles": 0, "case_needs": 0, "case_signals": 0,
    }  # fmt: skip
    assert await due_rules(privacy, apply=False) == []


async def due_rules(privacy: Privacy, *, apply: bool) -> list[str]:
    """The rules of the youths the retention job finds (and erases, with apply), counted too."""
    found: list[Overdue] = []
    assert await privacy.retention(apply=apply, each=found.append) == len(found)
    return sorted(d.rule for d in found)


def test_retention_periods_come_from_the_partnerships_file() -> None:
    wam = directory().partnership("wam")
    assert (wam.retention_unfinished_days, wam.retention_closed_days) == (30, 365)
    assert replace(wam, retention_closed_days=90).retention_closed_days == 90


async def test_vergeetmij_leaves_no_bytes_in_the_sqlite_files(tmp_path: Path) -> None:
    """Not only the rows: the database file and its WAL hold no trace of the youth afterwards
    (SQLite keeps deleted text in free pages and in instap.db-wal unless told otherwise)."""
    path = tmp_path / "instap.db"
    db = Database(f"sqlite+aiosqlite:///{path}")
    await db.migrate()
    try:
        clock = Clock()
        life, privacy = await rich_life(db, clock, tmp_path / "media")
        # The search index keeps words lowercased, a word's start shared with the one before.
        words = ("ersteen", "heime")
        needles = [n.encode() for n in (NAME, "Noortje", "Vandersteen", *SECRETS, *words)]

        def on_disk() -> bytes:
            return b"".join(p.read_bytes() for p in tmp_path.glob("instap.db*"))

        assert all(n in on_disk() for n in needles)  # the search works
        await life.says("/vergeetmij")
        await life.press(f"forget:yes:{int(clock.now.timestamp() // 60)}")
        clock.now += ERASE_WITHIN
        assert await privacy.tick() == 1
        left = on_disk()
        assert not [n for n in needles if n in left]
        wal = tmp_path / "instap.db-wal"
        assert not wal.exists() or wal.stat().st_size == 0
    finally:
        await db.dispose()
