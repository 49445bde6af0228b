"""Backups of the whole database to one file, and back: `instap backup` / `instap restore`.

SQLite: SQLite's online backup API, a consistent copy while the service writes (WAL).
PostgreSQL: `pg_dump -Fc` and `pg_restore --clean --if-exists`, in one transaction. The
connection's parts go to them through the environment (PGPASSWORD, …), never on the command
line, where `ps` would show the password. A backup holds personal data: it is written 0600.
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Mapping
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from storage.files import private_sqlite

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
# asyncpg's ?ssl=… as libpq's PGSSLMODE (its values are libpq's names).
SSL_PARAMETERS = ("ssl", "sslmode")


class BackupError(Exception):
    """A backup or restore could not be made; the message says why, for the operator."""


@dataclass(frozen=True)
class Target:
    """The database in DATABASE_URL, as an operator reads it (never with the password)."""

    url: URL

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    @property
    def path(self) -> Path:
        return Path(self.url.database or "")

    def describe(self) -> str:
        if self.is_sqlite:
            return f"the SQLite database {self.path}"
        where = f"{self.url.host or 'localhost'}:{self.url.port or 5432}"
        return f"the PostgreSQL database {self.url.database} on {where} (as {self.url.username})"


def target(database_url: str) -> Target:
    found = Target(make_url(database_url))
    if found.is_sqlite and found.url.database in (None, "", ":memory:"):
        raise BackupError("DATABASE_URL is an in-memory SQLite database: nothing to back up")
    return found


def backup(database: Target, file: Path) -> None:
    """Write the whole database to `file` (replaced only once the new backup is complete)."""
    if not file.parent.is_dir():
        raise BackupError(f"no folder {file.parent} for the backup")
    partial = file.with_name(f".{file.name}.partial")
    partial.unlink(missing_ok=True)
    partial.touch(mode=0o600)
    try:
        if database.is_sqlite:
            sqlite_backup(database.path, partial)
        else:
            run("pg_dump", database.url, "--format=custom", f"--file={partial}")
        partial.replace(file)
    finally:
        partial.unlink(missing_ok=True)


def restore(database: Target, file: Path) -> None:
    """Replace what the database holds with the backup in `file`."""
    check_restorable(database, file)
    if database.is_sqlite:
        sqlite_restore(file, database.path)
    else:
        run(
            "pg_restore", database.url, "--clean", "--if-exists", "--no-owner", "--no-acl",
            "--single-transaction", f"--dbname={database.url.database}", str(file),
        )  # fmt: skip


def check_restorable(database: Target, file: Path) -> None:
    """Raise BackupError unless `file` is a backup of this kind of database."""
    kind = kind_of(file)
    if database.is_sqlite and kind != "sqlite":
        raise BackupError(f"{file} is not a SQLite backup ({kind}): DATABASE_URL is SQLite")
    if not database.is_sqlite and kind != "postgresql":
        raise BackupError(f"{file} is not a pg_dump backup ({kind}): DATABASE_URL is PostgreSQL")


def kind_of(file: Path) -> str:
    try:
        with file.open("rb") as f:
            start = f.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise BackupError(f"cannot read {file}: {exc.strerror}") from exc
    if start.startswith(SQLITE_MAGIC):
        return "sqlite"
    if start.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    return "not a backup made by `instap backup`"


def sqlite_backup(source: Path, file: Path) -> None:
    if not source.is_file():
        raise BackupError(f"no SQLite database at {source}")
    # One step (pages=-1): a consistent snapshot under one read transaction; writers in WAL
    # go on meanwhile, and what they commit after it started is not in this backup.
    reading = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    with closing(reading) as src, closing(sqlite3.connect(file)) as dst:
        src.backup(dst)
        checked(dst, file)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file


def sqlite_restore(file: Path, database: Path) -> None:
    with closing(sqlite3.connect(f"file:{file}?mode=ro", uri=True)) as src:
        checked(src, file)
        private_sqlite(database)
        with closing(sqlite3.connect(database, timeout=30)) as dst:
            # Through SQLite, under its write lock: the -wal file stays consistent with it.
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=WAL")


def checked(conn: sqlite3.Connection, file: Path) -> None:
    (result,) = conn.execute("PRAGMA integrity_check").fetchone()
    if result != "ok":
        raise BackupError(f"{file} failed SQLite's integrity check: {result}")


def run(tool: str, url: URL, *args: str) -> None:
    binary = find_bin(tool)
    if binary is None:
        raise BackupError(
            f"{tool} not found: install PostgreSQL's client tools (Debian: postgresql-client), "
            "the same major version as the server or newer"
        )
    done = subprocess.run(  # noqa: S603 (a fixed binary, no shell, no secret in the arguments)
        [binary, *args], env=pg_environment(url), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BackupError(f"{tool} failed (exit {done.returncode}): {done.stderr.strip()}")


def pg_environment(url: URL, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """libpq's variables for this URL, on top of the process's environment."""
    env = dict(os.environ if base is None else base)
    parts = {
        "PGHOST": url.host,
        "PGPORT": str(url.port) if url.port else None,
        "PGUSER": url.username,
        "PGPASSWORD": url.password,
        "PGDATABASE": url.database,
    }
    for name in SSL_PARAMETERS:
        value = url.query.get(name)
        if isinstance(value, str):
            parts["PGSSLMODE"] = value
    env.update({name: str(value) for name, value in parts.items() if value})
    return env


def find_bin(name: str) -> str | None:
    """On PATH, else the newest of Debian's PostgreSQL versions (/usr/lib/postgresql/N/bin)."""
    found = shutil.which(name)
    if found:
        return found
    candidates = glob.glob(f"/usr/lib/postgresql/*/bin/{name}")
    candidates.sort(key=lambda path: int(Path(path).parts[-3].split(".")[0]), reverse=True)
    return candidates[0] if candidates else None
