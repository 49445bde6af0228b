"""Time-based one-time codes (RFC 6238: HMAC-SHA-1, 6 digits, 30 s steps), standard library only.

Any authenticator app (FreeOTP, Aegis, Google Authenticator, Microsoft Authenticator…) reads the
`otpauth://` link or the secret typed in by hand.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode

DIGITS = 6
PERIOD = 30  # seconds per step
WINDOW = 1  # steps accepted before and after the current one (clocks drift)
SECRET_BYTES = 20  # 160 bits, as RFC 4226 recommends for SHA-1
ISSUER = "Instap"

Digest = Callable[..., Any]


def new_secret() -> str:
    """A fresh random secret in base32 (32 letters and digits, no padding)."""
    return base64.b32encode(secrets.token_bytes(SECRET_BYTES)).decode().rstrip("=")


def key_of(secret: str) -> bytes:
    """The raw key of a base32 secret; spaces and lower case (as people type it) are fine."""
    cleaned = "".join(secret.split()).upper()
    return base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))


def step_of(moment: datetime | float) -> int:
    """The step number (T in RFC 6238) of a moment: whole periods since the Unix epoch."""
    seconds = moment.timestamp() if isinstance(moment, datetime) else moment
    return int(seconds // PERIOD)


def code_at(key: bytes, step: int, *, digits: int = DIGITS, digest: Digest = hashlib.sha1) -> str:
    """The code for one step (RFC 4226's HOTP with the step as the counter)."""
    mac = hmac.new(key, struct.pack(">Q", step), digest).digest()
    offset = mac[-1] & 0x0F
    number = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


def clean_code(code: str) -> str:
    """What someone typed, without spaces (apps show "123 456"); "" if it is no code at all."""
    code = "".join(code.split())
    return code if len(code) == DIGITS and code.isascii() and code.isdigit() else ""


def matching_step(secret: str, code: str, now: datetime, window: int = WINDOW) -> int | None:
    """The step (now ± window) whose code this is, or None. The caller refuses a used step."""
    typed = clean_code(code)
    if not typed:
        return None
    key, current = key_of(secret), step_of(now)
    found = None
    for step in range(current - window, current + window + 1):
        if hmac.compare_digest(code_at(key, step).encode(), typed.encode()):
            found = step  # no early return: every try costs the same
    return found


def uri(secret: str, account: str, issuer: str = ISSUER) -> str:
    """The otpauth:// link an authenticator app reads (usually from a QR code)."""
    label = quote(f"{issuer}:{account}", safe=":@")
    query = urlencode(
        {"secret": secret, "issuer": issuer, "algorithm": "SHA1", "digits": DIGITS,
         "period": PERIOD}
    )  # fmt: skip
    return f"otpauth://totp/{label}?{query}"


def grouped(secret: str) -> str:
    """The secret in groups of four, to type over without losing your place."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
