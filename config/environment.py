"""The environment variables Instap reads, as one typed model; each field is named as its variable.

config.settings reads the environment (and .env) through it into Settings; a pydantic error
names the variable, so a wrong setting stops the start with a line that says which one.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from config.problems import show

Role = Literal["web", "receive", "process", "send", "schedule"]
WorkerRole = Literal["worker", "coordinator", "admin"]
ROLES: frozenset[Role] = frozenset({"web", "receive", "process", "send", "schedule"})
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def listed(value: object) -> object:
    """ "a, b" as ["a", "b"]."""
    return [p.strip() for p in value.split(",") if p.strip()] if isinstance(value, str) else value


def lower(value: object) -> object:
    return value.strip().lower() if isinstance(value, str) else value


def port(value: object) -> int:
    text = str(value).strip()
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ValueError(f"{show(value)} is not a port number")
    return int(text)


def network(value: object) -> Network:
    try:
        return ipaddress.ip_network(str(value).strip(), strict=False)
    except ValueError as exc:
        raise ValueError(str(exc)) from None


class Environment(BaseModel):
    """What an operator may set (env or .env); unset or empty means the default."""

    model_config = ConfigDict(extra="ignore", frozen=True, str_strip_whitespace=True)

    DATABASE_URL: str = ""  # empty: SQLite in VAR_DIR
    TELEGRAM_BOT_TOKEN: str = ""
    TELEGRAM_API_BASE_URL: str = "https://api.telegram.org/bot"
    TELEGRAM_API_FILE_URL: str = ""
    TELEGRAM_MODE: Literal["polling", "webhook"] | None = None  # None: webhook with PUBLIC_URL
    PUBLIC_URL: Annotated[str, AfterValidator(lambda url: url.rstrip("/"))] = ""
    WEBHOOK_SECRET: str = ""  # empty: derived from SECRET_KEY
    TELEGRAM_BOT_USERNAME: Annotated[str, AfterValidator(lambda name: name.lstrip("@"))] = ""
    HTTP_HOST: str = "127.0.0.1"
    HTTP_PORT: Annotated[int, BeforeValidator(port)] = 8080
    SECRET_KEY: str = ""  # empty: a local one kept in VAR_DIR
    TIMEZONE: str = "Europe/Brussels"
    PARTNERSHIPS_FILE: Path = Path("partnerships.toml")
    ROLES: Annotated[frozenset[Role], BeforeValidator(listed)] = ROLES
    LOG_LEVEL: Annotated[str, AfterValidator(str.upper)] = "INFO"
    LOG_CONTENT: Annotated[bool, BeforeValidator(lambda v: lower(v) in ("1", "true", "yes"))] = (
        False
    )
    LOG_FORMAT: Annotated[Literal["text", "json"], BeforeValidator(lower)] = "text"
    METRICS_TOKEN: str = ""  # empty: /metrics answers the loopback interface only
    SEND_CHAT_RATE: Annotated[float, Field(gt=0)] = 1.0
    TELEGRAM_TIMEOUT: Annotated[float, Field(gt=0)] = 15.0
    WHATSAPP_ACCESS_TOKEN: str = ""
    WHATSAPP_PHONE_NUMBER_ID: str = ""
    WHATSAPP_APP_SECRET: str = ""
    WHATSAPP_VERIFY_TOKEN: str = ""  # empty: derived from SECRET_KEY
    WHATSAPP_API_BASE_URL: Annotated[str, AfterValidator(lambda url: url.rstrip("/"))] = (
        "https://graph.facebook.com/v23.0"
    )
    WHATSAPP_CHAT_RATE: Annotated[float, Field(gt=0)] = 1 / 6
    DEMO_ACCOUNTS: Annotated[Literal["auto", "yes", "no"], BeforeValidator(lower)] = "auto"
    VAR_DIR: Path = Path("var")
    REQUIRE_TOTP_ROLES: Annotated[
        frozenset[Annotated[WorkerRole, BeforeValidator(lower)]], BeforeValidator(listed)
    ] = frozenset()
    TRUSTED_PROXIES: Annotated[
        tuple[Annotated[Network, BeforeValidator(network)], ...], BeforeValidator(listed)
    ] = ()

    @model_validator(mode="after")
    def webhook_has_an_address(self) -> Environment:
        if self.mode == "webhook" and self.TELEGRAM_BOT_TOKEN and not self.PUBLIC_URL:
            raise ValueError("TELEGRAM_MODE=webhook needs PUBLIC_URL (https://…)")
        return self

    @property
    def mode(self) -> Literal["polling", "webhook"]:
        return self.TELEGRAM_MODE or ("webhook" if self.PUBLIC_URL else "polling")
