"""Errors as the Graph API answers them: ``{"error": {message, type, code, error_subcode,
error_data, fbtrace_id}}`` with an HTTP status.

Codes used here (Meta's "Error codes" page for the Cloud API):
100 invalid parameter, 190 bad access token, 131008 required parameter missing,
131009 parameter value not valid, 131026 message undeliverable, 131047 re-engagement
(outside the 24-hour window), 131056 pair rate limit, 130429 throughput limit,
131000 something went wrong, 131016 service unavailable, 132000 template parameter count,
132001 template does not exist, 132018 template parameter format.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

__all__ = ["MetaError", "invalid_parameter"]

_trace_ids = itertools.count(1)
# error_subcode values are not documented per code; these stand in so clients can read one.
_SUBCODES = {100: 2494010, 131008: 2494010, 131009: 2494010, 190: 463}


@dataclass
class MetaError(Exception):
    """One error answer; ``violation`` says whether the client broke the API (a test bug)."""

    status: int
    code: int
    message: str
    details: str = ""
    violation: bool = True
    error_type: str = "OAuthException"

    def __str__(self) -> str:
        return f"{self.code} {self.message}" + (f": {self.details}" if self.details else "")

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {
            "message": f"(#{self.code}) {self.message}",
            "type": self.error_type,
            "code": self.code,
            "error_subcode": _SUBCODES.get(self.code, self.code),
            "fbtrace_id": f"AtestTrace{next(_trace_ids):06d}",
        }
        if self.details:
            error["error_data"] = {"messaging_product": "whatsapp", "details": self.details}
        return {"error": error}


_TITLES = {100: "Invalid parameter", 131008: "Required parameter is missing"}


def invalid_parameter(details: str, *, code: int = 131009) -> MetaError:
    """A client mistake in a parameter's value (400, a violation)."""
    return MetaError(400, code, _TITLES.get(code, "Parameter value is not valid"), details=details)
