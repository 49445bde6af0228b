"""Worker passwords: argon2id hashes, and a few plain rules for new passwords."""

from __future__ import annotations

import gzip
import unicodedata
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 10
HASHER = PasswordHasher()  # argon2id with the library's recommended parameters
# 20,000 common passwords, lower case, one a line (from Django; see data/README.md).
COMMON_LIST = Path(__file__).parent / "data" / "common-passwords.txt.gz"
# What people here pick that an English-language list misses.
LOCAL_COMMON = frozenset(
    {
        "wachtwoord", "wachtwoord1", "wachtwoord12", "wachtwoord123", "wachtwoord1234",
        "wachtwoord!", "paswoord", "paswoord1", "paswoord123", "paswoord1234",
        "welkom", "welkom1", "welkom12", "welkom123", "welkom1234", "welkom12345", "welkom01",
        "welkom2024", "welkom2025", "welkom2026",
        "azerty", "azerty1", "azerty12", "azerty123", "azerty1234", "azertyuiop", "azertyuiop1",
        "azerty123456", "qsdfghjklm", "wxcvbn", "wxcvbnqsdf",
        "geheim", "geheim123", "geheim1234", "hallo", "hallo123", "hallo1234", "hallo12345",
        "instap", "instap123", "instap1234", "instap2024", "instap2025", "instap2026",
        "trajectgezel", "coordinator", "coördinator", "jongeren", "jongeren123",
        "vlaanderen", "vlaanderen1", "belgie", "belgië", "belgie123", "belgië123",
        "antwerpen", "antwerpen1", "gent12345", "brussel123", "limburg123", "genk123456",
        "hasselt123", "maasmechelen", "voetbal", "voetbal123", "voetbal1234",
        "zomer2024", "zomer2025", "zomer2026", "winter2024", "winter2025", "winter2026",
        "lente2025", "herfst2025", "januari2025", "september1", "ikhouvanjou", "schatje123",
        "letmein123", "wachtwoordje", "1234567890a", "a1234567890", "0123456789a",
    }
)  # fmt: skip


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list and the local additions, read once."""
    with gzip.open(COMMON_LIST, "rt", encoding="utf-8") as f:
        shipped = {line.strip().lower() for line in f if line.strip()}
    return frozenset(shipped) | LOCAL_COMMON


def normalise(password: str) -> str:
    """NFKC: the same password typed on another keyboard (a full-width "Ａ", a composed "é")
    hashes the same."""
    return unicodedata.normalize("NFKC", password)


def hash_password(password: str) -> str:
    return HASHER.hash(normalise(password))


def verify_password(stored: str, password: str) -> bool:
    """Check the normalised password; the raw one too, for hashes made before NFKC."""
    tries = dict.fromkeys((normalise(password), password))
    for typed in tries:
        try:
            if HASHER.verify(stored, typed):
                return True
        except (VerificationError, InvalidHashError):
            continue
    return False


def password_problem(password: str, username: str = "") -> str | None:
    """Why a new password is not good enough, in plain Dutch; None when it is fine.

    Give the username when there is one: a password equal to it is refused too.
    """
    stripped = normalise(password).strip()
    if not stripped:
        return "Een wachtwoord van alleen spaties kan niet. Kies een echt wachtwoord."
    if len(stripped) < MIN_LENGTH:  # spaces around it do not count
        return f"Kies een wachtwoord van minstens {MIN_LENGTH} tekens."
    lowered = stripped.lower()
    name = username.strip().lower()
    if name and lowered in {name, name.partition("@")[0]}:
        return "Je wachtwoord mag niet je gebruikersnaam zijn. Kies een ander."
    if lowered in common_passwords():
        return "Dat wachtwoord is te bekend. Kies een ander."
    return None
