"""Validate Bot API calls against the official spec (``api.json``) plus Telegram's own limits.

The spec gives ``methods[name].fields`` and ``types[name].fields`` (each field with ``name``,
``types`` and ``required``) and ``types[name].subtypes`` for unions.  Values arrive decoded
(see :meth:`Spec.decode_form_value`); uploaded multipart files are passed separately.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .formatting import FormatError, parse_formatted

__all__ = ["FieldSpec", "Problem", "Spec"]

_SCALARS = {"Integer", "String", "Boolean", "Float", "True"}
_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "callback_game",
    "pay",
    "copy_text",
)
_CHAT_ACTIONS = {
    "typing",
    "upload_photo",
    "record_video",
    "upload_video",
    "record_voice",
    "upload_voice",
    "upload_document",
    "choose_sticker",
    "find_location",
    "record_video_note",
    "upload_video_note",
}
_PARSE_MODES = {"html", "markdownv2", "markdown"}
_TEXT_LIMITS = {"sendMessage": 4096, "editMessageText": 4096}
_STRING_LIMITS = {
    ("setMyDescription", "description"): 512,
    ("setMyShortDescription", "short_description"): 120,
    ("setMyName", "name"): 64,
    ("answerCallbackQuery", "text"): 200,
}
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_LANG_RE = re.compile(r"^([a-z]{2})?$")
_TAG_RE = re.compile(r'(?:must be |always ")([a-z_]+)')


@dataclass(frozen=True)
class Problem:
    """One spec violation: what goes into ``server.violations`` and what Telegram answers."""

    violation: str
    description: str


@dataclass(frozen=True)
class FieldSpec:
    name: str
    types: tuple[str, ...]
    required: bool


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int):
        return "Integer"
    if isinstance(value, float):
        return "Float"
    if isinstance(value, str):
        return "String"
    if isinstance(value, list):
        return "Array"
    if isinstance(value, dict):
        return "Object"
    return type(value).__name__


class Spec:
    """The Bot API as described by ``api.json``."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.version: str = str(data.get("version", "?"))
        self._methods: dict[str, dict[str, FieldSpec]] = {
            name: self._fields(body) for name, body in data["methods"].items()
        }
        self._returns: dict[str, list[str]] = {
            name: list(body.get("returns", [])) for name, body in data["methods"].items()
        }
        self._types: dict[str, dict[str, FieldSpec]] = {
            name: self._fields(body) for name, body in data["types"].items()
        }
        # Discriminator values, e.g. ("type", "photo") -> InputMediaPhoto, read from the
        # descriptions 'must be photo' / 'always "kicked"'.
        self._tags: dict[tuple[str, str], str] = {}
        for tname, body in data["types"].items():
            for f in body.get("fields", []):
                found = _TAG_RE.search(str(f.get("description", "")))
                if f["name"] in ("type", "source", "status") and found:
                    self._tags[(tname, f["name"])] = found.group(1)
        self._subtypes: dict[str, list[str]] = {
            name: list(body["subtypes"])
            for name, body in data["types"].items()
            if body.get("subtypes")
        }
        self._lower = {name.lower(): name for name in self._methods}

    @staticmethod
    def _fields(body: Mapping[str, Any]) -> dict[str, FieldSpec]:
        return {
            f["name"]: FieldSpec(f["name"], tuple(f["types"]), bool(f["required"]))
            for f in body.get("fields", [])
        }

    @classmethod
    def load(cls, path: str | Path) -> Spec:
        with open(path, encoding="utf-8") as fh:
            return cls(json.load(fh))

    # --- lookup -------------------------------------------------------------------------

    def canonical_method(self, name: str) -> str | None:
        """Return the spec's spelling of a method name (Telegram ignores case)."""
        return self._lower.get(name.lower())

    def method_fields(self, method: str) -> dict[str, FieldSpec]:
        return self._methods[method]

    def returns(self, method: str) -> list[str]:
        return self._returns.get(method, [])

    def has_type(self, name: str) -> bool:
        return name in self._types

    # --- decoding -----------------------------------------------------------------------

    def decode_form_value(self, method: str, name: str, raw: str) -> Any:
        """Decode one form field the way Telegram does: JSON unless the field is a String."""
        spec = self._methods.get(method, {}).get(name)
        types = spec.types if spec else ()
        if types and all(t == "String" for t in types):
            return raw
        try:
            value = json.loads(raw)
        except ValueError:
            return raw
        if "String" in types and self._check(value, types, name, None):
            return raw  # e.g. a file_id or "@channel" that happens to look like JSON
        if not types and not isinstance(value, dict | list | bool | int | float):
            return raw
        return value

    # --- validation ---------------------------------------------------------------------

    def validate_call(
        self, method: str, params: Mapping[str, Any], files: Mapping[str, object]
    ) -> list[Problem]:
        """Check a decoded call against the spec; return every problem found."""
        fields = self._methods[method]
        problems: list[Problem] = []
        attached = {
            v.removeprefix("attach://") for v in _walk_strings(params) if v.startswith("attach://")
        }
        for name in attached - set(files):
            problems.append(
                Problem(
                    f"{method}: attach://{name} refers to no uploaded file",
                    f"Bad Request: file attach://{name} not found",
                )
            )
        for name in files:
            if name in params or name in attached:
                continue
            spec = fields.get(name)
            if spec is None or "InputFile" not in " ".join(spec.types):
                problems.append(
                    Problem(
                        f"{method}: uploaded file part '{name}' is not an InputFile parameter",
                        f"Bad Request: unexpected file {name}",
                    )
                )
        for spec in fields.values():
            if spec.required and spec.name not in params and spec.name not in files:
                problems.append(
                    Problem(
                        f"{method}: missing required parameter '{spec.name}'",
                        f"Bad Request: {spec.name} is empty",
                    )
                )
        for name, value in params.items():
            spec = fields.get(name)
            if spec is None:
                problems.append(
                    Problem(
                        f"{method}: unknown parameter '{name}'",
                        f"Bad Request: unknown parameter {name}",
                    )
                )
                continue
            problems.extend(self._check(value, spec.types, f"{method}.{name}", files))
        problems.extend(self._method_rules(method, params))
        return problems

    def validate_object(self, type_name: str, value: object, path: str = "") -> list[str]:
        """Check an object (e.g. an Update this server produces) against the spec."""
        return self.validate_value((type_name,), value, path or type_name)

    def validate_value(self, types: tuple[str, ...], value: object, path: str) -> list[str]:
        """Check a value against alternative spec types such as ("Message", "Boolean")."""
        return [p.violation for p in self._check(value, types, path, None)]

    def _check(
        self,
        value: object,
        types: tuple[str, ...],
        path: str,
        files: Mapping[str, object] | None,
    ) -> list[Problem]:
        if len(types) > 1 and all(t.startswith("Array of ") for t in types):
            # "Array of A, B and C" is one array whose items may each be any of A, B, C.
            if not isinstance(value, list):
                return [_mismatch(path, " or ".join(types), value)]
            inner = tuple(t.removeprefix("Array of ") for t in types)
            return [
                p
                for index, item in enumerate(value)
                for p in self._check(item, inner, f"{path}[{index}]", files)
            ]
        if len(types) > 1 and isinstance(value, dict):
            types = self._narrow(value, types)
        best: list[Problem] | None = None
        for type_name in types:
            problems = self._check_one(value, type_name, path, files)
            if not problems:
                return []
            if best is None or len(problems) < len(best):
                best = problems
        if len(types) > 1 and best and all(_shallow_mismatch(p, path) for p in best):
            msg = f"{path}: expected {' or '.join(types)}, got {_kind(value)}"
            return [Problem(msg, f"Bad Request: {msg}")]
        return best or []

    def _narrow(self, value: Mapping[str, Any], types: tuple[str, ...]) -> tuple[str, ...]:
        """Pick the candidate object types an object most plausibly means."""
        for key in ("type", "source", "status"):
            tag = value.get(key)
            if isinstance(tag, str):
                chosen = tuple(t for t in types if self._tags.get((t, key)) == tag)
                if chosen:
                    return chosen

        def misfit(type_name: str) -> int:
            fields = self._types.get(type_name)
            if fields is None:
                return 1000
            missing = sum(1 for f in fields.values() if f.required and f.name not in value)
            return missing + sum(1 for k in value if k not in fields)

        objects = [t for t in types if t in self._types and t not in self._subtypes]
        if len(objects) != len(types):
            return types
        lowest = min(misfit(t) for t in objects)
        return tuple(t for t in objects if misfit(t) == lowest)

    def _check_one(
        self, value: object, type_name: str, path: str, files: Mapping[str, object] | None
    ) -> list[Problem]:
        if type_name.startswith("Array of "):
            if not isinstance(value, list):
                return [_mismatch(path, type_name, value)]
            inner = (type_name.removeprefix("Array of "),)
            out: list[Problem] = []
            for index, item in enumerate(value):
                out.extend(self._check(item, inner, f"{path}[{index}]", files))
            return out
        if type_name in _SCALARS:
            ok = {
                "Integer": isinstance(value, int) and not isinstance(value, bool),
                "Float": isinstance(value, int | float) and not isinstance(value, bool),
                "String": isinstance(value, str),
                "Boolean": isinstance(value, bool),
                "True": value is True,
            }[type_name]
            return [] if ok else [_mismatch(path, type_name, value)]
        if type_name == "InputFile":
            # Uploaded as a multipart part named like the field, or referenced by attach://.
            if isinstance(value, str) and value.startswith("attach://"):
                return []
            return (
                []
                if files is not None and path.rsplit(".", 1)[-1] in files
                else [_mismatch(path, type_name, value)]
            )
        if type_name in self._subtypes:
            return self._check_union(value, type_name, path, files)
        if type_name not in self._types:
            return [Problem(f"{path}: unknown spec type {type_name}", "Bad Request: bad type")]
        if not isinstance(value, dict):
            return [_mismatch(path, type_name, value)]
        return self._check_fields(value, type_name, path, files)

    def _check_union(
        self, value: object, union: str, path: str, files: Mapping[str, object] | None
    ) -> list[Problem]:
        return self._check(value, tuple(self._subtypes[union]), path, files)

    def _check_fields(
        self,
        value: Mapping[str, Any],
        type_name: str,
        path: str,
        files: Mapping[str, object] | None,
    ) -> list[Problem]:
        fields = self._types[type_name]
        out: list[Problem] = []
        for spec in fields.values():
            if spec.required and spec.name not in value:
                msg = f"{path}: {type_name} is missing required field '{spec.name}'"
                out.append(Problem(msg, f"Bad Request: {msg}"))
        for name, item in value.items():
            known = fields.get(name)
            if known is None:
                msg = f"{path}: unknown field '{name}' for {type_name}"
                out.append(Problem(msg, f"Bad Request: {msg}"))
            else:
                out.extend(self._check(item, known.types, f"{path}.{name}", files))
        out.extend(_type_rules(type_name, value, path))
        return out

    # --- Telegram's limits beyond the type system ---------------------------------------

    def _method_rules(self, method: str, params: Mapping[str, Any]) -> list[Problem]:
        out: list[Problem] = []
        mode = params.get("parse_mode")
        if isinstance(mode, str) and mode and mode.lower() not in _PARSE_MODES:
            out.append(
                Problem(
                    f"{method}: unsupported parse_mode {mode!r}",
                    f"Bad Request: unsupported parse_mode {mode}",
                )
            )
            mode = None
        for key in ("text", "caption"):
            raw = params.get(key)
            if not isinstance(raw, str) or key not in self._methods[method]:
                continue
            if "parse_mode" not in self._methods[method]:
                plain = raw
            else:
                try:
                    plain = parse_formatted(raw, mode if isinstance(mode, str) else None).text
                except FormatError as exc:
                    out.append(
                        Problem(
                            f"{method}: can't parse entities ({mode}) in {key}: {exc} "
                            f"-- {raw[:80]!r}",
                            f"Bad Request: can't parse entities: {exc}",
                        )
                    )
                    continue
            stripped = plain.strip()
            limit = _TEXT_LIMITS.get(method)
            if key == "text" and limit is not None:
                if not stripped:
                    out.append(
                        Problem(
                            f"{method}: text is empty after stripping",
                            "Bad Request: message text is empty",
                        )
                    )
                elif len(stripped) > limit:
                    out.append(
                        Problem(
                            f"{method}: text has {len(stripped)} characters (max {limit})",
                            "Bad Request: message is too long",
                        )
                    )
            if key == "caption" and len(stripped) > 1024:
                out.append(
                    Problem(
                        f"{method}: caption has {len(stripped)} characters (max 1024)",
                        "Bad Request: message caption is too long",
                    )
                )
        for (m, key), limit in _STRING_LIMITS.items():
            value = params.get(key)
            if m == method and isinstance(value, str) and len(value) > limit:
                out.append(
                    Problem(
                        f"{method}: {key} has {len(value)} characters (max {limit})",
                        f"Bad Request: {key} is too long",
                    )
                )
        if method == "sendChatAction" and params.get("action") not in _CHAT_ACTIONS:
            out.append(
                Problem(
                    f"sendChatAction: unknown action {params.get('action')!r}",
                    "Bad Request: wrong parameter action in request",
                )
            )
        secret = params.get("secret_token")
        if method == "setWebhook" and isinstance(secret, str) and not _SECRET_RE.match(secret):
            out.append(
                Problem(
                    "setWebhook: secret_token must be 1-256 characters of A-Z a-z 0-9 _ -",
                    "Bad Request: secret token contains unallowed characters",
                )
            )
        lang = params.get("language_code")
        named = method.endswith(("MyCommands", "Description", "Name"))
        if isinstance(lang, str) and named and not _LANG_RE.match(lang):
            out.append(
                Problem(
                    f"{method}: language_code {lang!r} is not a two-letter ISO 639-1 code",
                    "Bad Request: LANG_CODE_INVALID",
                )
            )
        commands = params.get("commands")
        if method == "setMyCommands" and isinstance(commands, list) and len(commands) > 100:
            out.append(
                Problem("setMyCommands: more than 100 commands", "Bad Request: too many commands")
            )
        return out


def _type_rules(type_name: str, value: Mapping[str, Any], path: str) -> list[Problem]:
    out: list[Problem] = []
    if type_name == "InlineKeyboardButton":
        label = value.get("text")
        if isinstance(label, str) and not label.strip():
            out.append(
                Problem(
                    f"{path}: button text is empty",
                    "Bad Request: can't parse inline keyboard button: Text must be non-empty",
                )
            )
        actions = [a for a in _BUTTON_ACTIONS if a in value]
        if len(actions) != 1:
            out.append(
                Problem(
                    f"{path}: InlineKeyboardButton {label!r} must have exactly one action "
                    f"field, has {actions or 'none'}",
                    "Bad Request: can't parse inline keyboard button: "
                    "Text buttons are unallowed in the inline keyboard",
                )
            )
        data = value.get("callback_data")
        if isinstance(data, str) and not 1 <= len(data.encode("utf-8")) <= 64:
            out.append(
                Problem(
                    f"{path}: callback_data {data!r} is {len(data.encode('utf-8'))} bytes "
                    "(must be 1-64 bytes UTF-8)",
                    "Bad Request: BUTTON_DATA_INVALID",
                )
            )
        url = value.get("url")
        if isinstance(url, str) and not re.match(r"^(https?|tg)://\S+$", url):
            out.append(
                Problem(f"{path}: invalid button url {url!r}", "Bad Request: BUTTON_URL_INVALID")
            )
    elif type_name == "InlineKeyboardMarkup":
        rows = value.get("inline_keyboard")
        if isinstance(rows, list):
            count = sum(len(r) for r in rows if isinstance(r, list))
            if count > 100:
                out.append(
                    Problem(f"{path}: {count} buttons (max 100)", "Bad Request: BUTTONS_TOO_MUCH")
                )
    elif type_name == "KeyboardButton":
        label = value.get("text")
        if isinstance(label, str) and not label.strip():
            out.append(
                Problem(
                    f"{path}: keyboard button text is empty", "Bad Request: BUTTON_TEXT_INVALID"
                )
            )
    elif type_name == "BotCommand":
        command = value.get("command")
        if isinstance(command, str) and not _COMMAND_RE.match(command):
            out.append(
                Problem(
                    f"{path}: command {command!r} must be 1-32 chars of a-z 0-9 _",
                    "Bad Request: BOT_COMMAND_INVALID",
                )
            )
        description = value.get("description")
        if isinstance(description, str) and not 1 <= len(description) <= 256:
            out.append(
                Problem(
                    f"{path}: command description must be 1-256 characters",
                    "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID",
                )
            )
    return out


def _mismatch(path: str, type_name: str, value: object) -> Problem:
    msg = f"{path}: expected {type_name}, got {_kind(value)} {_short(value)}"
    return Problem(msg, f"Bad Request: {msg}")


def _shallow_mismatch(problem: Problem, path: str) -> bool:
    return problem.violation.startswith(f"{path}: expected ")


def _short(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def _walk_strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _walk_strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _walk_strings(v)]
    return []
