"""Worker passwords: argon2id hashes, and a few plain rules for new passwords."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 10
HASHER = PasswordHasher()  # argon2id with the library's recommended parameters
# A few of the most common passwords; the full list comes with the security issue.
COMMON = frozenset(
    {
        "wachtwoord",
        "password",
        "1234567890",
        "azertyuiop",
        "qwertyuiop",
        "welkom1234",
        "password123",
    }
)


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify_password(stored: str, password: str) -> bool:
    try:
        return HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str) -> str | None:
    """Why a new password is not good enough, in plain Dutch; None when it is fine."""
    if len(password) < MIN_LENGTH:
        return f"Kies een wachtwoord van minstens {MIN_LENGTH} tekens."
    if password.lower() in COMMON:
        return "Dat wachtwoord is te bekend. Kies een ander."
    return None
