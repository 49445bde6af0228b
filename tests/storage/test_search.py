"""Search by message text: a worker finds the youth who wrote about their driving licence."""

from __future__ import annotations

import re
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Select, select, text, update
from sqlalchemy.dialects import postgresql, sqlite

from storage import outbox, privacy, registrations, youths
from storage.clock import utcnow
from storage.db import MIGRATIONS, Database
from storage.models import Case, Message, Youth
from storage.search import PG_INDEX, youths_saying

WEIRD = ['"', "*", "-x", "OR", "(", "NOT rijbewijs", "rijbewijs AND", "NEAR(a b)", "a:b",
         "'", "\\", "''; drop table messages; --", "🙂🚗", "!&|:*<->", "\x00", "",
         "rijbewijs " * 500, "(" * 5000, "é" * 5000]  # fmt: skip


async def youth(db: Database, name: str, partnership: str = "wam") -> int:
    """A youth with an open case at the partnership; returns the youth's id."""
    async with db.transaction() as session:
        row = await youths.get_or_create(session, "telegram", name, "nl", utcnow())
        answers = {"name": name, "age": 19, "municipality": "Maasmechelen", "needs": ["work"]}
        await registrations.open_case(session, row, partnership, answers, utcnow())
        return row.id


async def says(db: Database, youth_id: int, words: str, author: str = "youth") -> int:
    """A message in the youth's conversation (from the youth, their worker or the bot)."""
    async with db.transaction() as session:
        row = await session.get(Youth, youth_id)
        assert row is not None
        message = await outbox.add_message(
            session, row, direction="in" if author == "youth" else "out", author=author,
            text=words, buttons=None, now=utcnow(),
        )  # fmt: skip
        return message.id


def in_queue(db: Database, partnership: str, words: str) -> Select[tuple[dict[str, Any]]]:
    """The intended use: the partnership's cases whose youth wrote (or was written) the words."""
    return select(Case.answers).where(
        Case.partnership_id == partnership,
        Case.youth_id.in_(youths_saying(db.engine.dialect.name, words)),
    )


async def found(db: Database, words: str, partnership: str = "wam") -> list[str]:
    """The first names a worker of the partnership sees for a search."""
    async with db.transaction() as session:
        answers = (await session.execute(in_queue(db, partnership, words))).scalars()
        return sorted(a["name"] for a in answers)


async def people(db: Database) -> dict[str, int]:
    """Noor wrote about her driving licence and her dog; Sara answered her about a café.
    Yusuf wrote about driving lessons in a cafe; the bot asked him about a licence. Lotte, at
    another partnership, lost her licence."""
    noor, yusuf = await youth(db, "Noor"), await youth(db, "Yusuf")
    lotte = await youth(db, "Lotte", "limburg")
    await says(db, noor, "Ik zoek hulp met mijn rijbewijs. Mijn hond heet Pluizebol.")
    await says(db, noor, "We zien elkaar donderdag in het café in Genk!", author="worker")
    await says(db, yusuf, "ik wil werk, ik heb rijles in een cafe gevolgd")
    await says(db, yusuf, "Heb je een rijbewijs?", author="bot")
    await says(db, lotte, "Mijn rijbewijs is ingetrokken")
    return {"noor": noor, "yusuf": yusuf, "lotte": lotte}


async def test_a_word_finds_the_youth_who_wrote_it_in_the_partnership(db: Database) -> None:
    await people(db)
    assert await found(db, "rijbewijs") == ["Noor"]  # not Lotte (limburg), not the bot's text
    assert await found(db, "rijbewijs", "limburg") == ["Lotte"]
    assert await found(db, "Rijbewijs.") == ["Noor"]
    assert await found(db, "donderdag") == ["Noor"]  # what her worker wrote to her
    assert await found(db, "vrachtwagen") == []


async def test_the_last_word_is_a_prefix(db: Database) -> None:
    await people(db)
    assert await found(db, "rijbew") == ["Noor"]
    assert await found(db, "rij") == ["Noor", "Yusuf"]  # rijbewijs, rijles
    assert await found(db, "rijbew hulp") == []  # only the last word is a prefix
    assert await found(db, "hulp rijbew") == ["Noor"]


async def test_accents_do_not_matter(db: Database) -> None:
    await people(db)
    assert await found(db, "cafe") == ["Noor", "Yusuf"]
    assert await found(db, "café") == ["Noor", "Yusuf"]
    assert await found(db, "CAFÉ GENK") == ["Noor"]


async def test_every_word_must_be_in_one_message(db: Database) -> None:
    await people(db)
    assert await found(db, "rijbewijs hond") == ["Noor"]
    assert await found(db, "hond rijbewijs") == ["Noor"]
    assert await found(db, "rijbewijs werk") == []  # Noor and Yusuf each wrote one of them
    assert await found(db, "werk rijles cafe") == ["Yusuf"]


async def test_weird_words_in_the_search_box_or_a_message_never_fail(db: Database) -> None:
    ids = await people(db)
    assert await found(db, '"rijbewijs"') == ["Noor"]
    assert await found(db, "-rijbewijs") == ["Noor"]  # a word, not "without"
    assert await found(db, "NOT rijbewijs") == []  # nobody wrote "not"
    assert await found(db, "rijbewijs " * 500) == ["Noor"]
    assert await found(db, "🙂") == []  # nothing to look for
    for words in WEIRD:
        assert set(await found(db, words)) <= {"Noor"}, words
    for words in WEIRD:  # a youth's message is user input too
        await says(db, ids["yusuf"], words.replace("\x00", ""))  # PostgreSQL text holds no NUL
    for words in WEIRD:
        assert set(await found(db, words)) <= {"Noor", "Yusuf"}, words
    assert await found(db, "near") == ["Yusuf"]


async def test_a_message_stored_or_changed_after_the_migration_is_found(db: Database) -> None:
    ids = await people(db)
    message = await says(db, ids["yusuf"], "Ik zoek een stageplaats als lasser")
    assert await found(db, "lasser") == ["Yusuf"]
    async with db.transaction() as session:
        await session.execute(
            update(Message).where(Message.id == message).values(text="Ik zoek een bakkerij")
        )
    assert await found(db, "lasser") == []
    assert await found(db, "bakker") == ["Yusuf"]


async def test_the_migration_indexes_the_messages_already_stored(db_url: str) -> None:
    db = Database(db_url)
    try:
        async with db.engine.begin() as conn:
            await conn.run_sync(upgrade, "0019_status_recipient")
        ids = await people(db)
        await says(db, ids["noor"], "Ik ben vorige week verhuisd")
        async with db.engine.begin() as conn:
            await conn.run_sync(upgrade, "head")
        assert await found(db, "verhuisd") == ["Noor"]
        assert await found(db, "rijbewijs") == ["Noor"]
        assert await found(db, "rijbewijs", "limburg") == ["Lotte"]
    finally:
        await db.dispose()


def upgrade(conn: Connection, revision: str) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, revision)


async def test_an_erased_youth_is_not_found_and_leaves_no_word_in_the_index(db: Database) -> None:
    ids = await people(db)
    assert await found(db, "pluizebol") == ["Noor"]
    assert "luizebol" in await index_bytes(db)  # the check below can see words
    async with db.transaction() as session:
        noor = await session.get(Youth, ids["noor"])
        assert noor is not None
        await privacy.erase(session, noor, "request", utcnow())
    await db.forget_freed()  # as the erasure tick does
    assert await found(db, "pluizebol") == []
    assert await found(db, "rijbewijs") == []
    assert await found(db, "rijbewijs", "limburg") == ["Lotte"]
    left = await index_bytes(db)
    for fragment in ("luizebol", "donderdag", "genk"):  # stored prefix-compressed
        assert fragment not in left, fragment


async def index_bytes(db: Database) -> str:
    """Everything the search index holds, as text (SQLite: FTS5's shadow tables; PostgreSQL:
    the indexed rows, since a GIN entry goes with its row)."""
    async with db.transaction() as session:
        if db.is_sqlite:
            query = (
                "SELECT block FROM messages_fts_data UNION ALL SELECT term FROM messages_fts_idx"
            )
            blocks = (await session.execute(text(query))).scalars()
            return "".join(repr(block) for block in blocks)
        texts = (await session.execute(select(Message.text))).scalars()
        return " ".join(texts).lower()


async def test_the_search_reads_the_index(db: Database) -> None:
    await people(db)
    async with db.transaction() as session:
        if db.is_sqlite:  # the worker's search as the queue runs it
            query = in_queue(db, "wam", "rijbewijs hond")
            sql = query.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True})
            plan = [
                str(row[-1]) for row in await session.execute(text(f"EXPLAIN QUERY PLAN {sql}"))
            ]
            assert any("messages_fts VIRTUAL TABLE" in step for step in plan), plan
            assert not [step for step in plan if re.match(r"SCAN messages\b(?!_)", step)], plan
        else:  # a handful of rows: the planner would rather read them, unless told not to
            query = youths_saying("postgresql", "rijbewijs hond")
            sql = query.compile(
                dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}
            )
            await session.execute(text("SET LOCAL enable_seqscan = off"))
            lines = "\n".join((await session.execute(text(f"EXPLAIN {sql}"))).scalars())
            assert f"Bitmap Index Scan on {PG_INDEX}" in lines, lines
