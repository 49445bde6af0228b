"""Search by what was written: the youths whose messages hold some words.

The index behind it (migration 0020_message_search) covers what the youth and the workers
wrote, not the bot's own texts, which every youth got. SQLite: the FTS5 table
`messages_fts` (external content on `messages`, kept by triggers, unicode61 without
diacritics); PostgreSQL: a GIN index on `to_tsvector('simple', fold(text))`, where fold
drops the accents of Latin letters (`unaccent` is an extension; `translate` is built in).
Both take every word, the last one as a prefix ("rijbew" finds "rijbewijs").
"""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import (
    ColumnElement,
    Select,
    column,
    false,
    func,
    literal,
    literal_column,
    select,
    table,
)

from storage.models import Message

# Latin letters with accents and what they fold to (PostgreSQL's translate, one for one).
ACCENTED = "àáâãäåāăąçćčďèéêëēėęěğìíîïīįñńňòóôõöøōőřśşšťùúûüūůűųýÿźżž"
PLAIN = "aaaaaaaaacccdeeeeeeeegiiiiiinnnoooooooorssstuuuuuuuuyyzzz"
FOLD_FROM = ACCENTED + ACCENTED.upper()
FOLD_TO = PLAIN + PLAIN.upper()
FOLD = str.maketrans(FOLD_FROM, FOLD_TO)
# The SQLite tables the search adds (FTS5 keeps its index in shadow tables): none holds
# anything a `messages` row does not, and an erased youth's words leave them (see FORGET).
SQLITE_TABLES = frozenset(
    {"messages_fts"} | {f"messages_fts_{s}" for s in ("data", "idx", "docsize", "config")}
)
PG_INDEX = "ix_messages_text_search"
# The bot's texts are the same for everyone (a constant, as in the partial index's predicate).
INDEXED = Message.author != literal_column("'bot'")
# FTS5 merges deleted entries out of its index only when it rewrites it: after an erasure.
FORGET = "INSERT INTO messages_fts(messages_fts) VALUES ('optimize')"


def in_models(name: str | None, kind: str, _parents: object) -> bool:
    """Alembic's include_name: False for what this module adds outside the models."""
    ours = {"table": SQLITE_TABLES, "index": {PG_INDEX}}.get(kind, set())
    return name not in ours


SIMPLE: ColumnElement[str] = literal_column("'simple'::regconfig")  # no stemming, any language
WORD = re.compile(r"[^\W_]+")  # letters and digits: FTS5 and tsquery syntax never gets through
MAX_WORDS = 8
MAX_LETTERS = 64


def youths_saying(dialect: str, words: str) -> Select[tuple[int]]:
    """A select of youth ids whose messages (youth's and workers') match the words (all words,
    prefix match on the last one), for use in `Case.youth_id.in_(...)`."""
    found = terms(words)
    if not found:
        return select(Message.youth_id).where(false())
    condition = fts5_match(found) if dialect == "sqlite" else tsquery_match(found)
    return select(Message.youth_id).where(condition)


def terms(words: str) -> list[str]:
    """The words to look for, without punctuation or symbols, and not too many."""
    found = WORD.findall(unicodedata.normalize("NFKC", words[: MAX_WORDS * MAX_LETTERS * 4]))
    return [word[:MAX_LETTERS] for word in found[:MAX_WORDS]]


def fts5_match(found: list[str]) -> ColumnElement[bool]:
    """`messages.id IN (the rowids FTS5 matches)`: each word a quoted string, the last a prefix."""
    quoted = ['"' + word.replace('"', '""') + '"' for word in found]
    query = " ".join(quoted) + "*"
    index = table("messages_fts", column("rowid"))
    matching = literal_column("messages_fts").op("MATCH")(literal(query))
    matches = select(index.c.rowid).where(matching)
    return Message.id.in_(matches)


def tsquery_match(found: list[str]) -> ColumnElement[bool]:
    """The indexed expression `@@` all the words, the last one as a prefix."""
    folded = [word.translate(FOLD) for word in found]
    query = " & ".join([f"'{word}'" for word in folded[:-1]] + [f"'{folded[-1]}':*"])
    return INDEXED & document().op("@@")(func.to_tsquery(SIMPLE, literal(query)))


def document() -> ColumnElement[object]:
    """Exactly the expression the GIN index holds (constants inline, so the planner sees it)."""
    folded = func.translate(
        Message.text, literal_column(f"'{FOLD_FROM}'"), literal_column(f"'{FOLD_TO}'")
    )
    return func.to_tsvector(SIMPLE, folded)
