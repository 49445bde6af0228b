"""The layout the README's design section draws, checked: who may import whom, module size.

Dependencies point one way, from the pure centre outwards:
flows ← storage ← config, core ← bot, inbox ← instap.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OURS = ("flows", "storage", "config", "core", "bot", "inbox", "instap")
# What each package may import of ours; anything not listed is a wrong-way dependency.
MAY_USE: dict[str, set[str]] = {
    "flows": set(),
    "storage": {"flows"},
    "config": {"flows"},
    "core": {"flows", "storage"},
    "bot": {"flows", "storage", "config", "core"},
    "inbox": {"flows", "storage", "config", "core"},
    "instap": {"flows", "storage", "config", "core", "bot", "inbox"},
}
MAX_LINES = 500


def modules(package: str) -> list[Path]:
    return sorted(p for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts)


def imported(path: Path) -> set[str]:
    """The top-level names a module imports, at any depth (also inside functions)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def uses() -> dict[str, dict[str, list[str]]]:
    """package → package it imports → the modules that do."""
    graph: dict[str, dict[str, list[str]]] = {p: {} for p in OURS}
    for package in OURS:
        for path in modules(package):
            for name in imported(path) & set(OURS) - {package}:
                graph[package].setdefault(name, []).append(str(path.relative_to(ROOT)))
    return graph


def test_dependencies_point_one_way() -> None:
    wrong = {
        f"{package} → {other}": where
        for package, targets in uses().items()
        for other, where in targets.items()
        if other not in MAY_USE[package]
    }
    assert wrong == {}


def test_no_import_cycle_between_packages() -> None:
    graph = {p: set(t) for p, t in uses().items()}
    done: set[str] = set()

    def visit(package: str, path: tuple[str, ...]) -> None:
        assert package not in path, " → ".join((*path, package))
        if package in done:
            return
        for other in graph[package]:
            visit(other, (*path, package))
        done.add(package)

    for package in OURS:
        visit(package, ())


# Standard-library modules that would give a flow I/O, a clock of its own or translations.
NOT_IN_FLOWS = {"asyncio", "gettext", "socket", "sqlite3", "subprocess", "threading", "urllib"}


def test_flows_use_only_the_standard_library_and_no_io() -> None:
    for path in modules("flows"):
        outside = imported(path) - set(sys.stdlib_module_names) - {"flows", "__future__"}
        assert not outside, f"{path.relative_to(ROOT)} imports {sorted(outside)}"
        io = imported(path) & NOT_IN_FLOWS
        assert not io, f"{path.relative_to(ROOT)} imports {sorted(io)}"


def test_no_source_module_over_500_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): n
        for package in OURS
        for path in modules(package)
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


# The outgoing message is typed (core/outgoing.py) and rendered by each channel; a payload
# dict built anywhere else is a second place for the same concept.
PAYLOAD_KEYS = {"buttons", "chat_id"}
MAY_BUILD_PAYLOADS = ("bot/channels/", "core/outgoing.py")


def hand_built_payloads(path: Path) -> list[int]:
    """Lines with a dict literal (or dict(...) call) that has a "buttons" or "chat_id" key."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Dict):
            keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            keys = {k.arg for k in node.keywords} if node.func.id == "dict" else set()
        else:
            continue
        if keys & PAYLOAD_KEYS:
            lines.append(node.lineno)
    return lines


def test_no_hand_built_payload_outside_the_channel_renderers() -> None:
    found = {
        f"{where}:{line}"
        for package in OURS
        for path in modules(package)
        if not (where := str(path.relative_to(ROOT))).startswith(MAY_BUILD_PAYLOADS)
        for line in hand_built_payloads(path)
    }
    assert found == set()
