"""Parse Telegram formatted text (HTML, MarkdownV2, Markdown) into plain text and entities.

Stricter than Telegram in one place: a bare ``&`` in HTML is rejected, because it almost
always means user input was interpolated without ``html.escape``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["FormatError", "Parsed", "parse_formatted", "utf16_len"]


class FormatError(ValueError):
    """Raised with Telegram's wording after "can't parse entities: "."""


@dataclass
class Parsed:
    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def parse_formatted(text: str, parse_mode: str | None) -> Parsed:
    """Return the plain text and entities, or raise FormatError."""
    mode = (parse_mode or "").lower()
    if not mode:
        return Parsed(text)
    if mode == "html":
        return _parse_html(text)
    if mode == "markdownv2":
        return _MarkdownV2(text).parse()
    if mode == "markdown":
        return _parse_markdown_legacy(text)
    raise FormatError(f"unsupported parse_mode {parse_mode!r}")


# --- HTML -------------------------------------------------------------------------------

_HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
    "tg-time": "date_time",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_TAG_RE = re.compile(r"([a-zA-Z][a-zA-Z0-9-]*)(.*)$", re.S)
_ATTR_RE = re.compile(r"""([a-zA-Z][a-zA-Z0-9_-]*)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?""")
_ENTITY_RE = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]+);")


@dataclass
class _Open:
    tag: str
    start: int  # UTF-16 offset in the output
    attrs: dict[str, str]


def _parse_html(text: str) -> Parsed:
    out: list[str] = []
    out_len = 0
    stack: list[_Open] = []
    entities: list[dict[str, Any]] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "<":
            end = text.find(">", i)
            if end == -1:
                raise FormatError(f"Unclosed start tag at byte offset {_byte_offset(text, i)}")
            inner = text[i + 1 : end]
            if inner.startswith("/"):
                name = inner[1:].strip().lower()
                if not stack:
                    raise FormatError(f"Unexpected end tag at byte offset {_byte_offset(text, i)}")
                top = stack.pop()
                if name and name != top.tag:
                    raise FormatError(
                        f"Unmatched end tag at byte offset {_byte_offset(text, i)}, "
                        f'expected "</{top.tag}>", found "</{name}>"'
                    )
                entity = _html_entity(top, out_len)
                if entity is not None:
                    entities.append(entity)
            else:
                match = _TAG_RE.match(inner)
                name = match.group(1).lower() if match else ""
                if name not in _HTML_TAGS:
                    raise FormatError(
                        f'Unsupported start tag "{name}" at byte offset {_byte_offset(text, i)}'
                    )
                attrs = {
                    key.lower(): value.strip("\"'")
                    for key, value in _ATTR_RE.findall(match.group(2) if match else "")
                }
                if name == "span" and attrs.get("class") != "tg-spoiler":
                    raise FormatError(
                        f'Tag "span" must have class "tg-spoiler" at byte offset '
                        f"{_byte_offset(text, i)}"
                    )
                stack.append(_Open(name, out_len, attrs))
            i = end + 1
            continue
        if ch == "&":
            match = _ENTITY_RE.match(text, i)
            decoded = _decode_entity(match.group(1)) if match else None
            if match is None or decoded is None:
                raise FormatError(
                    f"Unescaped '&' at byte offset {_byte_offset(text, i)}; use &amp;"
                )
            out.append(decoded)
            out_len += utf16_len(decoded)
            i = match.end()
            continue
        out.append(ch)
        out_len += utf16_len(ch)
        i += 1
    if stack:
        raise FormatError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return Parsed("".join(out), entities)


def _decode_entity(body: str) -> str | None:
    if body.startswith(("#x", "#X")):
        code = int(body[2:], 16)
    elif body.startswith("#"):
        code = int(body[1:])
    else:
        return _NAMED_ENTITIES.get(body)
    return chr(code) if 0 < code <= 0x10FFFF else None


def _html_entity(opened: _Open, end: int) -> dict[str, Any] | None:
    length = end - opened.start
    if length <= 0:
        return None
    kind = _HTML_TAGS[opened.tag]
    entity: dict[str, Any] = {"type": kind, "offset": opened.start, "length": length}
    if kind == "text_link":
        href = opened.attrs.get("href", "")
        if href.startswith("tg://user?id="):
            entity["type"] = "text_mention"
            user_id = int(re.sub(r"\D", "", href.split("=", 1)[1]) or 0)
            entity["user"] = {"id": user_id, "is_bot": False, "first_name": "User"}
        else:
            entity["url"] = href
    elif kind == "blockquote" and "expandable" in opened.attrs:
        entity["type"] = "expandable_blockquote"
    elif kind == "custom_emoji":
        entity["custom_emoji_id"] = opened.attrs.get("emoji-id", "")
    elif kind == "date_time":
        entity["unix_time"] = int(opened.attrs.get("unix", "0") or 0)
    return entity


# --- MarkdownV2 ---------------------------------------------------------------------------

_MDV2_RESERVED = set("_*[]()~`>#+-=|{}.!")
_MDV2_MARKERS = {
    "*": "bold",
    "_": "italic",
    "__": "underline",
    "~": "strikethrough",
    "||": "spoiler",
}


class _MarkdownV2:
    def __init__(self, text: str) -> None:
        self.text = text
        self.out: list[str] = []
        self.out_len = 0
        self.entities: list[dict[str, Any]] = []
        self.stack: list[tuple[str, int, int]] = []  # marker, output offset, byte offset

    def _emit(self, s: str) -> None:
        self.out.append(s)
        self.out_len += utf16_len(s)

    def _error_reserved(self, ch: str) -> FormatError:
        return FormatError(
            f"Character '{ch}' is reserved and must be escaped with the preceding '\\'"
        )

    def _read_until(self, i: int, closer: str, what: str) -> tuple[str, int]:
        """Read an escaped run up to `closer`; return (content, index after closer)."""
        buf: list[str] = []
        start = i
        while i < len(self.text):
            ch = self.text[i]
            if ch == "\\" and i + 1 < len(self.text):
                buf.append(self.text[i + 1])
                i += 2
                continue
            if self.text.startswith(closer, i):
                return "".join(buf), i + len(closer)
            buf.append(ch)
            i += 1
        raise FormatError(
            f"Can't find end of {what} entity at byte offset {_byte_offset(self.text, start)}"
        )

    def parse(self) -> Parsed:
        text = self.text
        i = 0
        while i < len(text):
            ch = text[i]
            if ch == "\\":
                if i + 1 >= len(text):
                    raise self._error_reserved("\\")
                self._emit(text[i + 1])
                i += 2
                continue
            if text.startswith("```", i):
                body, i = self._read_until(i + 3, "```", "Pre")
                lang, sep, rest = body.partition("\n")
                content = rest if sep and lang and " " not in lang else body
                self._add("pre", self.out_len, utf16_len(content))
                self._emit(content)
                continue
            if ch == "`":
                body, i = self._read_until(i + 1, "`", "Code")
                self._add("code", self.out_len, utf16_len(body))
                self._emit(body)
                continue
            marker = text[i : i + 2] if text[i : i + 2] in ("__", "||") else ch
            if marker in _MDV2_MARKERS:
                self._toggle(marker, i)
                i += len(marker)
                continue
            if ch == "[" or (ch == "!" and text.startswith("![", i)):
                i = self._link(i + (2 if ch == "!" else 1))
                continue
            if ch == ">" and (i == 0 or text[i - 1] == "\n"):
                i += 1
                continue
            if ch in _MDV2_RESERVED:
                raise self._error_reserved(ch)
            self._emit(ch)
            i += 1
        if self.stack:
            marker, _, byte_off = self.stack[-1]
            name = _MDV2_MARKERS[marker].capitalize()
            raise FormatError(f"Can't find end of {name} entity at byte offset {byte_off}")
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return Parsed("".join(self.out), self.entities)

    def _add(self, kind: str, offset: int, length: int, **extra: Any) -> None:
        if length > 0:
            self.entities.append({"type": kind, "offset": offset, "length": length, **extra})

    def _toggle(self, marker: str, i: int) -> None:
        if self.stack and self.stack[-1][0] == marker:
            _, start, _ = self.stack.pop()
            self._add(_MDV2_MARKERS[marker], start, self.out_len - start)
            return
        if any(m == marker for m, _, _ in self.stack):
            top = self.stack[-1]
            raise FormatError(
                f"Can't find end of {_MDV2_MARKERS[top[0]].capitalize()} entity at byte "
                f"offset {top[2]}"
            )
        self.stack.append((marker, self.out_len, _byte_offset(self.text, i)))

    def _link(self, i: int) -> int:
        start = self.out_len
        label, i = self._read_until(i, "]", "TextUrl")
        if not self.text.startswith("(", i):
            raise self._error_reserved("]")
        url, i = self._read_until(i + 1, ")", "TextUrl")
        self._emit(label)
        self._add("text_link", start, self.out_len - start, url=url)
        return i


# --- legacy Markdown ----------------------------------------------------------------------

_LEGACY = {"*": "bold", "_": "italic", "`": "code"}


def _parse_markdown_legacy(text: str) -> Parsed:
    out: list[str] = []
    entities: list[dict[str, Any]] = []
    i = 0
    out_len = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text) and text[i + 1] in "_*`[":
            out.append(text[i + 1])
            out_len += 1
            i += 2
            continue
        closer = "```" if text.startswith("```", i) else ch if ch in _LEGACY else None
        if ch == "[":
            closer = "]"
        if closer is None:
            out.append(ch)
            out_len += utf16_len(ch)
            i += 1
            continue
        body_start = i + len(closer)
        end = text.find(closer, body_start)
        if end == -1:
            raise FormatError(
                f"Can't find end of the entity starting at byte offset {_byte_offset(text, i)}"
            )
        body = text[body_start:end]
        i = end + len(closer)
        kind = "pre" if closer == "```" else "text_link" if closer == "]" else _LEGACY[ch]
        entity: dict[str, Any] = {"type": kind, "offset": out_len, "length": utf16_len(body)}
        if kind == "text_link":
            if not text.startswith("(", i) or text.find(")", i) == -1:
                raise FormatError(
                    f"Can't find end of the entity starting at byte offset {_byte_offset(text, i)}"
                )
            close = text.find(")", i)
            entity["url"] = text[i + 1 : close]
            i = close + 1
        if body:
            entities.append(entity)
        out.append(body)
        out_len += utf16_len(body)
    return Parsed("".join(out), entities)
