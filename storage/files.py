"""Files that hold youths' data (the SQLite database and its -wal/-shm, media): for the
service's own user only, like var/secret_key."""

from __future__ import annotations

import os
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


def private_dir(path: Path) -> Path:
    """Make the folder (and missing parents) 0700; tighten it if it was there already."""
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    path.chmod(DIR_MODE)
    return path


def private_file(path: Path) -> Path:
    """Tighten a file someone else (a download) wrote to 0600."""
    path.chmod(FILE_MODE)
    return path


def private_sqlite(path: Path) -> None:
    """Create the database file 0600 before SQLite opens it: SQLite gives its -wal and -shm
    files the database's mode. An existing database (and its side files) is tightened.

    A missing folder is made 0700; an existing one is left as it is (it may be shared)."""
    if not path.parent.exists():
        path.parent.mkdir(mode=DIR_MODE, parents=True)
    os.close(os.open(path, os.O_CREAT | os.O_RDWR, FILE_MODE))
    for side in (path, *(path.with_name(path.name + s) for s in SQLITE_SIDE_FILES)):
        if side.exists():
            side.chmod(FILE_MODE)
