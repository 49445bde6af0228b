"""A local WhatsApp Cloud API for end-to-end tests; see server.WhatsAppApiServer."""

from .objects import Button, Call, Row, SentMessage
from .server import API_VERSION, WhatsAppApiServer
from .spec import WaSpec, default_spec_path
from .users import WaitTimeout

__all__ = [
    "API_VERSION",
    "Button",
    "Call",
    "Row",
    "SentMessage",
    "WaSpec",
    "WaitTimeout",
    "WhatsAppApiServer",
    "default_spec_path",
]
