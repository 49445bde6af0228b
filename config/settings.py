"""Settings from the environment and an optional .env file; nothing is read at import time."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from config.environment import ROLES, Environment, Network
from config.problems import problems

__all__ = ["ROLES", "Network", "Settings", "SettingsError", "read_env_file"]


class SettingsError(Exception):
    """A setting is missing or malformed; the message names it."""


def read_env_file(path: Path) -> dict[str, str]:
    """Parse KEY=VALUE lines; '#' comments and blank lines are skipped, quotes stripped."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep:
            raise SettingsError(f"{path}:{number}: expected KEY=VALUE")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip().removeprefix("export ").strip()] = value
    return values


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite+aiosqlite:///var/instap.db"
    telegram_bot_token: str = field(default="", repr=False)
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_api_file_url: str = ""
    telegram_mode: str = "polling"  # polling | webhook
    public_url: str = ""
    telegram_bot_username: str = ""  # for the posters' t.me links; empty: asked with getMe
    webhook_secret: str = field(default="", repr=False)
    http_host: str = "127.0.0.1"
    http_port: int = 8080
    secret_key: str = field(default="", repr=False)
    timezone: str = "Europe/Brussels"
    partnerships_file: Path = Path("partnerships.toml")
    roles: frozenset[str] = ROLES
    log_level: str = "INFO"
    # Libraries that would log message texts (SQL parameters, Bot API payloads) stay at
    # WARNING unless this is on: for debugging on a test system only.
    log_content: bool = False
    log_format: str = "text"  # text | json (one object per line, for a log collector)
    # /metrics for a scraper elsewhere: `Authorization: Bearer <token>`; empty: loopback only.
    metrics_token: str = field(default="", repr=False)
    # Telegram asks for about one message a second per chat (short bursts are fine).
    chat_rate: float = 1.0
    telegram_timeout: float = 15.0  # seconds before a Bot API call counts as timed out
    # WhatsApp Cloud API: on when the token, phone number id and app secret are all set.
    whatsapp_access_token: str = field(default="", repr=False)
    whatsapp_phone_number_id: str = ""
    whatsapp_app_secret: str = field(default="", repr=False)
    whatsapp_verify_token: str = field(default="", repr=False)
    whatsapp_api_base_url: str = "https://graph.facebook.com/v23.0"
    # WhatsApp's pair rate limit: about one message per 6 seconds to one number, with bursts.
    whatsapp_chat_rate: float = 1 / 6
    # Demo accounts on an empty database: only for a local run without SECRET_KEY.
    demo_accounts: bool = False
    # With the demo accounts, two years of fake activity in their partnership (storage.demo):
    # `instap run --demo-data`, as `make run` starts it; off for everything else.
    demo_data: bool = False
    var_dir: Path = Path("var")
    # Inbox roles that must use two-step login (TOTP), e.g. {"coordinator", "admin"}.
    require_totp_roles: frozenset[str] = frozenset()
    # Reverse proxies whose X-Forwarded-For is believed (addresses or networks); none: the
    # connecting address is the client's, and the header is ignored.
    trusted_proxies: tuple[Network, ...] = ()

    @property
    def telegram_enabled(self) -> bool:
        return bool(self.telegram_bot_token)

    @property
    def web_base(self) -> str:
        """Where a youth opens the web chat: PUBLIC_URL, or this machine's address."""
        return self.public_url or f"http://{self.http_host}:{self.http_port}"

    @property
    def whatsapp_enabled(self) -> bool:
        return bool(
            self.whatsapp_access_token
            and self.whatsapp_phone_number_id
            and self.whatsapp_app_secret
        )

    @property
    def file_url(self) -> str:
        if self.telegram_api_file_url:
            return self.telegram_api_file_url
        base = self.telegram_api_base_url
        return base[: -len("/bot")] + "/file/bot" if base.endswith("/bot") else base

    @classmethod
    def load(
        cls, environ: Mapping[str, str] | None = None, env_file: Path | None = None
    ) -> Settings:
        """Read settings: the process environment wins over the .env file."""
        env = dict(read_env_file(env_file or Path(".env")))
        env.update(os.environ if environ is None else environ)
        given = {name: value for name, value in env.items() if value.strip()}  # empty: unset
        try:
            read = Environment.model_validate(given)
        except ValidationError as error:
            raise SettingsError(
                "; ".join(f"{loc[0]}: {text}" if loc else text for loc, text in problems(error))
            ) from None
        secret_key = read.SECRET_KEY or local_secret(read.VAR_DIR / "secret_key")
        return cls(
            database_url=read.DATABASE_URL or f"sqlite+aiosqlite:///{read.VAR_DIR / 'instap.db'}",
            telegram_bot_token=read.TELEGRAM_BOT_TOKEN,
            telegram_api_base_url=read.TELEGRAM_API_BASE_URL,
            telegram_api_file_url=read.TELEGRAM_API_FILE_URL,
            telegram_mode=read.mode,
            public_url=read.PUBLIC_URL,
            telegram_bot_username=read.TELEGRAM_BOT_USERNAME,
            webhook_secret=read.WEBHOOK_SECRET or derived(secret_key, "telegram-webhook"),
            http_host=read.HTTP_HOST,
            http_port=read.HTTP_PORT,
            secret_key=secret_key,
            timezone=read.TIMEZONE,
            partnerships_file=read.PARTNERSHIPS_FILE,
            roles=read.ROLES,
            log_level=read.LOG_LEVEL,
            log_content=read.LOG_CONTENT,
            log_format=read.LOG_FORMAT,
            metrics_token=read.METRICS_TOKEN,
            chat_rate=read.SEND_CHAT_RATE,
            telegram_timeout=read.TELEGRAM_TIMEOUT,
            whatsapp_access_token=read.WHATSAPP_ACCESS_TOKEN,
            whatsapp_phone_number_id=read.WHATSAPP_PHONE_NUMBER_ID,
            whatsapp_app_secret=read.WHATSAPP_APP_SECRET,
            whatsapp_verify_token=read.WHATSAPP_VERIFY_TOKEN
            or derived(secret_key, "whatsapp-verify"),
            whatsapp_api_base_url=read.WHATSAPP_API_BASE_URL,
            whatsapp_chat_rate=read.WHATSAPP_CHAT_RATE,
            demo_accounts=read.DEMO_ACCOUNTS == "yes"
            or (read.DEMO_ACCOUNTS == "auto" and not read.SECRET_KEY),
            var_dir=read.VAR_DIR,
            require_totp_roles=read.REQUIRE_TOTP_ROLES,
            trusted_proxies=read.TRUSTED_PROXIES,
        )


def local_secret(path: Path) -> str:
    """A secret key kept in var/ for a local run without .env (never used when SECRET_KEY is set)."""
    if path.is_file():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(32)
    path.write_text(key, encoding="utf-8")
    path.chmod(0o600)
    return key


def derived(secret_key: str, purpose: str) -> str:
    """A per-purpose secret derived from SECRET_KEY (Telegram allows A-Z a-z 0-9 _ -)."""
    import hashlib
    import hmac

    return hmac.new(secret_key.encode(), purpose.encode(), hashlib.sha256).hexdigest()
