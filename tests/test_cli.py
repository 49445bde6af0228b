"""The `instap` command: a broken partnerships file or setting stops the start with a clear line."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from config.settings import Settings, SettingsError, read_env_file
from instap.cli import RedactToken, main
from tests.support.dialog import ROOT


def run_instap(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "instap", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_broken_partnerships_file_refuses_to_start_and_names_the_field(tmp_path: Path) -> None:
    broken = (ROOT / "partnerships.toml").read_text("utf-8").replace('"3630"', '"36300"', 1)
    path = tmp_path / "partnerships.toml"
    path.write_text(broken, "utf-8")
    result = run_instap(
        "run", env={"PARTNERSHIPS_FILE": str(path), "VAR_DIR": str(tmp_path)}, cwd=tmp_path
    )
    assert result.returncode == 2
    assert "partnerships.toml" in result.stderr
    assert "postcodes" in result.stderr and "36300" in result.stderr


def test_check_config_and_queue_commands(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = {"PARTNERSHIPS_FILE": str(ROOT / "partnerships.toml"), "VAR_DIR": str(tmp_path)}
    result = run_instap("check-config", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    result = run_instap("cases", "--partnership", "wam", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "no cases waiting" in result.stdout
    result = run_instap("blind-spots", env=env, cwd=tmp_path)
    assert "Places without a partnership" in result.stdout
    result = run_instap("retention", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "0 youths would be erased (retention periods in partnerships.toml):" in result.stdout


def test_settings_from_env_file_and_environment(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(
        "# comment\nHTTP_PORT=9001\nTELEGRAM_BOT_TOKEN='123:abc'\nexport LOG_LEVEL=debug\n", "utf-8"
    )
    assert read_env_file(env_file)["TELEGRAM_BOT_TOKEN"] == "123:abc"
    settings = Settings.load({"HTTP_PORT": "9002", "VAR_DIR": str(tmp_path)}, env_file)
    assert settings.http_port == 9002  # the environment wins
    assert settings.telegram_enabled and settings.telegram_mode == "polling"
    assert settings.log_level == "DEBUG"
    assert "123:abc" not in repr(settings)
    assert settings.database_url.startswith("sqlite+aiosqlite:///")
    webhook = Settings.load(
        {"VAR_DIR": str(tmp_path), "PUBLIC_URL": "https://x.example/", "SECRET_KEY": "k"}, env_file
    )
    assert webhook.telegram_mode == "webhook" and webhook.public_url == "https://x.example"
    assert webhook.webhook_secret and webhook.webhook_secret != "k"
    assert webhook.file_url == "https://api.telegram.org/file/bot"
    assert settings.trusted_proxies == ()  # X-Forwarded-For is ignored unless named
    proxied = Settings.load({"VAR_DIR": str(tmp_path), "TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/8"})
    assert [str(p) for p in proxied.trusted_proxies] == ["127.0.0.1/32", "10.0.0.0/8"]


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({"HTTP_PORT": "eighty"}, "HTTP_PORT"),
        ({"TELEGRAM_MODE": "carrier-pigeon"}, "TELEGRAM_MODE"),
        ({"TELEGRAM_MODE": "webhook", "TELEGRAM_BOT_TOKEN": "1:a"}, "PUBLIC_URL"),
        ({"ROLES": "web,dance"}, "ROLES"),
        ({"TRUSTED_PROXIES": "127.0.0.1,the-proxy"}, "TRUSTED_PROXIES"),
    ],
)
def test_bad_settings_name_the_setting(env: dict[str, str], names: str, tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match=names):
        Settings.load({"VAR_DIR": str(tmp_path), **env}, tmp_path / "none.env")


def test_the_bot_token_never_reaches_the_log() -> None:
    import logging

    record = logging.LogRecord(
        "x", logging.INFO, "f", 1, "POST %s failed", ("https://api/bot123:SECRET/getMe",), None
    )
    RedactToken("123:SECRET").filter(record)
    assert "SECRET" not in record.getMessage()


def test_the_whatsapp_templates_to_register_are_printed_from_the_file(tmp_path: Path) -> None:
    env = {"PARTNERSHIPS_FILE": str(ROOT / "partnerships.toml"), "VAR_DIR": str(tmp_path)}
    result = run_instap("whatsapp-templates", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "instap_bericht  (category UTILITY)\n  {{1}} = who wrote" in out
    assert (
        "  nl: Hoi! Er staat een bericht van {{1}} voor je klaar bij Instap. Tik op de knop of "
        "stuur iets terug, dan krijg je het meteen.\n      buttons (quick reply): Toon het bericht"
    ) in out
    assert "  en: Hi! A reminder from Instap: your appointment with {{1}} is {{2}}." in out
    assert "buttons (quick reply): Oké, ik kom | Dat past niet" in out
    listing = out.split("\n\n", 1)[1]  # the README shows them as printed: kept in step
    assert f"```\n{listing}```\n" in (ROOT / "README.md").read_text("utf-8")


def test_main_rejects_unknown_commands() -> None:
    with pytest.raises(SystemExit):
        main(["fly"])


def test_a_worker_who_lost_their_phone_gets_two_step_login_reset(tmp_path: Path) -> None:
    env = {"PARTNERSHIPS_FILE": str(ROOT / "partnerships.toml"), "VAR_DIR": str(tmp_path)}
    added = run_instap(
        "worker", "add", "--partnership", "wam", "--username", "jan", "--first-name", "Jan",
        "--role", "coordinator", env=env, cwd=tmp_path,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    db = tmp_path / "instap.db"
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE workers SET totp_secret = 'JBSWY3DPEHPK3PXP:0' WHERE username = 'jan'")
    result = run_instap("worker", "reset-2fa", "jan", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "two-step login is off for jan" in result.stdout
    with sqlite3.connect(db) as conn:
        secret = conn.execute("SELECT totp_secret FROM workers WHERE username = 'jan'").fetchone()
        audit = conn.execute("SELECT action FROM audit_log").fetchall()
    assert secret == (None,) and audit == [("totp_reset",)]
    missing = run_instap("worker", "reset-2fa", "nobody", env=env, cwd=tmp_path)
    assert missing.returncode == 2 and "no worker 'nobody'" in missing.stderr


def test_tokens_from_the_command_line_listed_revoked_and_ended_with_the_account(
    tmp_path: Path,
) -> None:
    env = {
        "PARTNERSHIPS_FILE": str(ROOT / "partnerships.toml"),
        "VAR_DIR": str(tmp_path),
        "REQUIRE_TOTP_ROLES": "coordinator,admin",
    }
    for username, role in (("jan", "coordinator"), ("sara", "worker")):
        added = run_instap(
            "worker", "add", "--partnership", "wam", "--username", username, "--first-name",
            username.title(), "--role", role, env=env, cwd=tmp_path,
        )  # fmt: skip
        assert added.returncode == 0, added.stderr

    # Jan must use two-step login and has not set it up: no token.
    refused = run_instap("worker", "token", "jan", env=env, cwd=tmp_path)
    assert refused.returncode == 2
    assert "jan is a coordinator, who must use two-step login" in refused.stderr
    db = tmp_path / "instap.db"
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE workers SET totp_secret = 'JBSWY3DPEHPK3PXP:0' WHERE username = 'jan'")
    made = run_instap("worker", "token", "jan", "--name", "rapport", "--scope", "read",
                      "--days", "30", env=env, cwd=tmp_path)  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert "bearer token #1 for jan (rapport, read, until " in made.stdout
    token = made.stdout.strip().splitlines()[-1]
    assert run_instap("worker", "token", "sara", env=env, cwd=tmp_path).returncode == 0

    listed = run_instap("worker", "tokens", "jan", env=env, cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert "#1" in listed.stdout and "rapport" in listed.stdout and "read" in listed.stdout
    assert "last used never" in listed.stdout and token not in listed.stdout
    with sqlite3.connect(db) as conn:
        stored = conn.execute("SELECT token_hash FROM api_tokens").fetchall()
    assert len(stored) == 2 and (token,) not in stored  # only hashes

    revoked = run_instap("worker", "revoke-token", "jan", "1", env=env, cwd=tmp_path)
    assert revoked.returncode == 0 and "token #1 of jan is revoked" in revoked.stdout
    again = run_instap("worker", "revoke-token", "jan", "1", env=env, cwd=tmp_path)
    assert again.returncode == 2 and "jan has no token #1" in again.stderr
    none = run_instap("worker", "tokens", "jan", env=env, cwd=tmp_path)
    assert "jan has no API tokens" in none.stdout

    # Sara leaves: she cannot log in, and her sessions and tokens are gone.
    with sqlite3.connect(db) as conn:
        sara = conn.execute("SELECT id FROM workers WHERE username = 'sara'").fetchone()[0]
        conn.execute(
            "INSERT INTO worker_sessions (id, worker_id, csrf, created_at, expires_at) "
            "VALUES ('x', ?, 'c', '2026-01-01', '2099-01-01')",
            (sara,),
        )
    ended = run_instap("worker", "deactivate", "sara", env=env, cwd=tmp_path)
    assert ended.returncode == 0, ended.stderr
    assert "sara can no longer log in; their sessions and API tokens ended" in ended.stdout
    with sqlite3.connect(db) as conn:
        left = [
            conn.execute(f"SELECT count(*) FROM {table} WHERE worker_id = ?", (sara,)).fetchone()
            for table in ("api_tokens", "worker_sessions")
        ]
    assert left == [(0,), (0,)]
    assert "sara" not in run_instap("worker", "list", "--partnership", "wam", env=env,
                                    cwd=tmp_path).stdout  # fmt: skip
