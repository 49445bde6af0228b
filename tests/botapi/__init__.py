"""A local Telegram Bot API server for end-to-end tests; see server.BotApiServer."""

from .objects import Call
from .server import DEFAULT_TOKEN, BotApiServer, WaitTimeout, default_spec_path
from .spec import Spec

__all__ = ["DEFAULT_TOKEN", "BotApiServer", "Call", "Spec", "WaitTimeout", "default_spec_path"]
