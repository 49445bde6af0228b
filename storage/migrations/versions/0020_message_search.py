"""Search by message text: FTS5 on SQLite, a GIN index on PostgreSQL (issue 16)

Revision ID: 0020_message_search
Revises: 0019_status_recipient
Create Date: 2027-02-20 10:00:00

What the youth and the workers wrote (not the bot's texts, which everyone got) becomes
searchable; storage/search.py queries it. SQLite: an FTS5 table with external content on
messages, kept in step by triggers and filled from the messages already stored. PostgreSQL:
a partial GIN index on the 'simple' tsvector of the text with accents folded by translate
(built in; unaccent would be an extension). The expression must stay exactly the one
storage.search.document() builds, or the planner does not use the index
(tests/storage/test_search.py checks the plan).

A later batch migration on messages (SQLite recreates the table) drops these triggers: it
must create them again (tests/storage/test_search.py finds a message stored at head).
"""

from __future__ import annotations

from alembic import op

revision = "0020_message_search"
down_revision = "0019_status_recipient"
branch_labels = None
depends_on = None

FOLD_FROM = "àáâãäåāăąçćčďèéêëēėęěğìíîïīįñńňòóôõöøōőřśşšťùúûüūůűųýÿźżžÀÁÂÃÄÅĀĂĄÇĆČĎÈÉÊËĒĖĘĚĞÌÍÎÏĪĮÑŃŇÒÓÔÕÖØŌŐŘŚŞŠŤÙÚÛÜŪŮŰŲÝŸŹŻŽ"
FOLD_TO = "aaaaaaaaacccdeeeeeeeegiiiiiinnnoooooooorssstuuuuuuuuyyzzzAAAAAAAAACCCDEEEEEEEEGIIIIIINNNOOOOOOOORSSSTUUUUUUUUYYZZZ"
DOCUMENT = f"to_tsvector('simple'::regconfig, translate(text, '{FOLD_FROM}', '{FOLD_TO}'))"
# FTS5 needs the old text to take a row out; only rows by the youth or a worker are in it.
SQLITE = [
    "CREATE VIRTUAL TABLE messages_fts USING fts5(text, content='messages', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages WHEN new.author <> 'bot' "
    "BEGIN INSERT INTO messages_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages WHEN old.author <> 'bot' "
    "BEGIN INSERT INTO messages_fts(messages_fts, rowid, text) "
    "VALUES ('delete', old.id, old.text); END",
    "CREATE TRIGGER messages_fts_update AFTER UPDATE OF text, author ON messages BEGIN "
    "INSERT INTO messages_fts(messages_fts, rowid, text) "
    "SELECT 'delete', old.id, old.text WHERE old.author <> 'bot'; "
    "INSERT INTO messages_fts(rowid, text) SELECT new.id, new.text WHERE new.author <> 'bot'; "
    "END",
    "INSERT INTO messages_fts(rowid, text) SELECT id, text FROM messages WHERE author <> 'bot'",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE:
            op.execute(statement)
    else:
        op.execute(
            f"CREATE INDEX ix_messages_text_search ON messages USING gin ({DOCUMENT}) "
            "WHERE author <> 'bot'"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER messages_fts_{trigger}")
        op.execute("DROP TABLE messages_fts")
    else:
        op.execute("DROP INDEX ix_messages_text_search")
