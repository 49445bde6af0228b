"""Make the fake Bot API fixtures available to the self-test."""

from .fixtures import bot_api, telegram_api_spec, telegram_api_spec_path

__all__ = ["bot_api", "telegram_api_spec", "telegram_api_spec_path"]
