"""The deployment files an operator starts Instap with: the container image (Dockerfile), two
instances on PostgreSQL (compose.yaml) and the systemd units (deploy/).

What matters is always checked by reading the files; the real linters (`docker compose
config`, `podman compose config`, hadolint, `systemd-analyze verify`) run too where they are
installed, and the output says which ones were not there.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.engine import make_url

from config.settings import ROLES
from tests.support.dialog import ROOT

DOCKERFILE = ROOT / "Dockerfile"
COMPOSE = ROOT / "compose.yaml"
UNITS = ROOT / "deploy"
SERVICE = UNITS / "instap.service"
SECRET_NAMES = re.compile(r"PASSWORD|SECRET|TOKEN|DATABASE_URL")
INSTALLED = "/opt/instap/.venv/bin/instap"  # where the units expect Instap


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text("utf-8"))
    return loaded


def instances(services: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: s for name, s in services.items() if s.get("build") == "."}


def stages() -> list[list[str]]:
    """The Dockerfile's stages, each a list of its instructions (continuation lines joined)."""
    text = DOCKERFILE.read_text("utf-8").replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines()]
    found: list[list[str]] = []
    for line in lines:
        if not line or line.startswith("#"):
            continue
        if line.upper().startswith("FROM "):
            found.append([])
        found[-1].append(line)
    return found


def unit(path: Path) -> list[tuple[str, str, str]]:
    """A systemd unit as (section, key, value), in order; keys may repeat."""
    section, entries = "", []
    for raw in path.read_text("utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, _, value = line.partition("=")
        entries.append((section, key, value))
    return entries


def test_compose_runs_two_instances_on_a_healthy_postgresql() -> None:
    services = compose()["services"]
    db = services["db"]
    assert db["image"].startswith("postgres:")
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert any(v.endswith(":/var/lib/postgresql/data") for v in db["volumes"])  # kept on restart
    assert "postgres-data" in compose()["volumes"]
    apps = instances(services)
    assert len(apps) == 2
    roles = [frozenset(a["environment"]["ROLES"].split(",")) for a in apps.values()]
    # Both have every role: one receives from Telegram at a time (an advisory lock), the
    # other takes over when it dies; the ticks claim each due row once.
    assert roles == [ROLES, ROLES]
    for name, app in apps.items():
        assert app["depends_on"]["db"]["condition"] == "service_healthy", name
        assert app["env_file"] == ".env", name
        assert app["environment"]["HTTP_HOST"] == "0.0.0.0", name  # reachable from its port
        assert all(p.startswith("127.0.0.1:") for p in app["ports"]), name  # behind a proxy


def test_compose_holds_no_secret_only_references_to_the_env_file() -> None:
    services = compose()["services"]
    checked = 0
    for name, service in services.items():
        for key, value in service.get("environment", {}).items():
            if SECRET_NAMES.search(key):
                rest = re.sub(r"\$\{[A-Z_]+:\?[^}]*\}", "", str(value))  # ${NAME:?why}: from .env
                inline = make_url(rest).password if key == "DATABASE_URL" else rest
                assert not inline, f"{name}: {key} holds a secret; take it from .env"
                checked += 1
    assert checked >= 5  # the database password and both instances' URL and SECRET_KEY
    keys = {s["environment"]["SECRET_KEY"] for s in instances(services).values()}
    assert len(keys) == 1  # both instances sign sessions with the same key


def test_the_image_is_multi_stage_slim_pinned_and_runs_unprivileged() -> None:
    builder, *_, runtime = stages()
    assert len(stages()) >= 2
    assert re.fullmatch(r"FROM python:3\.11-slim-\S+ AS builder", builder[0], re.IGNORECASE)
    assert runtime[0] == "FROM python:3.11-slim-bookworm"
    assert any("-c constraints.txt" in line for line in builder)  # the pinned versions
    assert not any("[dev]" in line for stage in stages() for line in stage)  # no dev tools
    assert any("pybabel compile" in line for line in builder)  # the .mo catalogs
    assert any(line.startswith("COPY --from=builder") for line in runtime)
    users = [line.split()[1] for line in runtime if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    (check,) = [line for line in runtime if line.startswith("HEALTHCHECK ")]
    assert "/healthz" in check
    assert "EXPOSE 8080" in runtime
    assert runtime[-1] == 'CMD ["instap", "run"]'
    ignored = (ROOT / ".dockerignore").read_text("utf-8").split()
    assert {".env", ".git", ".venv", "var"} <= set(ignored)  # no secrets or data in the image


def test_the_systemd_units_are_hardened() -> None:
    for path in (SERVICE, UNITS / "instap-backup.service"):
        found = {(key, value) for section, key, value in unit(path) if section == "Service"}
        keys = {key for key, _ in found}
        for setting in (
            ("NoNewPrivileges", "yes"), ("ProtectSystem", "strict"), ("ProtectHome", "yes"),
            ("PrivateTmp", "yes"), ("CapabilityBoundingSet", ""), ("DynamicUser", "yes"),
            ("StateDirectoryMode", "0700"), ("SystemCallFilter", "@system-service"),
            ("Environment", "VAR_DIR=%S/instap"), ("UMask", "0077"),
        ):  # fmt: skip
            assert setting in found, f"{path.name}: {setting[0]}={setting[1]}"
        assert {"StateDirectory", "EnvironmentFile", "RestrictAddressFamilies"} <= keys
    service = dict((key, value) for _, key, value in unit(SERVICE))
    assert service["Restart"] == "on-failure"
    assert service["ExecStart"] == f"{INSTALLED} run"


def test_compose_config_where_docker_or_podman_compose_is_installed(tmp_path: Path) -> None:
    for tool in (["docker", "compose"], ["podman", "compose"], ["docker-compose"]):
        if shutil.which(tool[0]) and run([*tool, "version"]).returncode == 0:
            break
    else:
        print("compose.yaml: no docker compose or podman compose here; structural checks only")
        return
    shutil.copy(COMPOSE, tmp_path / "compose.yaml")
    (tmp_path / ".env").write_text("POSTGRES_PASSWORD=test\nSECRET_KEY=test\n", "utf-8")
    checked = run([*tool, "config", "-q"], cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    print(f"compose.yaml: `{' '.join(tool)} config -q` ok")


def test_hadolint_where_installed() -> None:
    if not shutil.which("hadolint"):
        print("Dockerfile: hadolint not on PATH; structural checks only")
        return
    linted = run(["hadolint", str(DOCKERFILE)])
    assert linted.returncode == 0, linted.stdout + linted.stderr
    print("Dockerfile: hadolint ok")


def test_systemd_analyze_verify_where_installed(tmp_path: Path) -> None:
    if not shutil.which("systemd-analyze"):
        print("deploy/*.service: systemd-analyze not on PATH; structural checks only")
        return
    here = str(Path(sys.executable).parent / "instap")  # verify wants the binary to exist
    for path in UNITS.glob("instap*"):
        (tmp_path / path.name).write_text(path.read_text("utf-8").replace(INSTALLED, here))
    names = sorted(str(p) for p in tmp_path.iterdir())
    verified = run(["systemd-analyze", "verify", *names])
    complaints = [line for line in verified.stderr.splitlines() if str(tmp_path) in line]
    assert verified.returncode == 0 and not complaints, verified.stderr
    exposure = run(["systemd-analyze", "security", "--offline=true", str(tmp_path / SERVICE.name)])
    level = re.search(r"Overall exposure level for instap\.service: ([\d.]+)", exposure.stdout)
    if level:  # systemd 252 and newer
        assert float(level.group(1)) <= 2.0, exposure.stdout
    print(f"deploy/: systemd-analyze verify ok; exposure {level.group(1) if level else '?'}")


def run(command: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120)
