"""Settings from the environment and an optional .env file; nothing is read at import time."""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

ROLES = frozenset({"web", "receive", "process", "send", "schedule"})
WORKER_ROLES = frozenset({"worker", "coordinator", "admin"})
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


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
    # Telegram asks for about one message a second per chat (short bursts are fine).
    chat_rate: float = 1.0
    telegram_timeout: float = 15.0  # seconds before a Bot API call counts as timed out
    # Demo accounts on an empty database: only for a local run without SECRET_KEY.
    demo_accounts: bool = False
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

        def get(name: str, default: str = "") -> str:
            return env.get(name, default).strip()

        var_dir = Path(get("VAR_DIR", "var"))
        port = get("HTTP_PORT", "8080")
        if not port.isdigit() or not 0 < int(port) < 65536:
            raise SettingsError(f"HTTP_PORT: {port!r} is not a port number")
        public_url = get("PUBLIC_URL").rstrip("/")
        mode = get("TELEGRAM_MODE", "webhook" if public_url else "polling")
        if mode not in ("polling", "webhook"):
            raise SettingsError(f"TELEGRAM_MODE: {mode!r} must be polling or webhook")
        if mode == "webhook" and get("TELEGRAM_BOT_TOKEN") and not public_url:
            raise SettingsError("TELEGRAM_MODE=webhook needs PUBLIC_URL (https://…)")
        roles = frozenset(r.strip() for r in get("ROLES", ",".join(sorted(ROLES))).split(",") if r)
        if not roles <= ROLES:
            raise SettingsError(f"ROLES: unknown {sorted(roles - ROLES)}; known {sorted(ROLES)}")
        configured_secret = get("SECRET_KEY")
        secret_key = configured_secret or local_secret(var_dir / "secret_key")
        demo = get("DEMO_ACCOUNTS", "auto").lower()
        if demo not in ("auto", "yes", "no"):
            raise SettingsError(f"DEMO_ACCOUNTS: {demo!r} must be auto, yes or no")
        totp_roles = frozenset(
            r.strip().lower() for r in get("REQUIRE_TOTP_ROLES").split(",") if r.strip()
        )
        if not totp_roles <= WORKER_ROLES:
            raise SettingsError(
                f"REQUIRE_TOTP_ROLES: unknown {sorted(totp_roles - WORKER_ROLES)}; "
                f"known {sorted(WORKER_ROLES)}"
            )
        try:
            proxies = tuple(
                ipaddress.ip_network(p.strip(), strict=False)
                for p in get("TRUSTED_PROXIES").split(",")
                if p.strip()
            )
        except ValueError as exc:
            raise SettingsError(f"TRUSTED_PROXIES: {exc}") from None
        return cls(
            database_url=get("DATABASE_URL", f"sqlite+aiosqlite:///{var_dir / 'instap.db'}"),
            telegram_bot_token=get("TELEGRAM_BOT_TOKEN"),
            telegram_api_base_url=get("TELEGRAM_API_BASE_URL", cls.telegram_api_base_url),
            telegram_api_file_url=get("TELEGRAM_API_FILE_URL"),
            telegram_mode=mode,
            public_url=public_url,
            webhook_secret=get("WEBHOOK_SECRET") or derived(secret_key, "telegram-webhook"),
            http_host=get("HTTP_HOST", "127.0.0.1"),
            http_port=int(port),
            secret_key=secret_key,
            timezone=get("TIMEZONE", "Europe/Brussels"),
            partnerships_file=Path(get("PARTNERSHIPS_FILE", "partnerships.toml")),
            roles=roles,
            log_level=get("LOG_LEVEL", "INFO").upper(),
            log_content=get("LOG_CONTENT", "false").lower() in ("1", "true", "yes"),
            chat_rate=float(get("SEND_CHAT_RATE", "1.0")),
            telegram_timeout=float(get("TELEGRAM_TIMEOUT", "15")),
            demo_accounts=demo == "yes" or (demo == "auto" and not configured_secret),
            var_dir=var_dir,
            require_totp_roles=totp_roles,
            trusted_proxies=proxies,
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
