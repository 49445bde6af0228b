"""Help lines as message parts: the one or two lines that fit, with their hours."""

from __future__ import annotations

from collections.abc import Iterable

from flows.context import Context
from flows.directory import pick
from flows.model import N_, Msg, msg

# What /hulp shows when a partnership names no lines of its own.
DEFAULT_HELP_LINES = ("1813", "106", "102", "112")


def help_line_parts(ids: Iterable[str], ctx: Context) -> tuple[Msg, ...]:
    """One message part per help line that exists in the directory, in the youth's language."""
    parts: list[Msg] = []
    for line_id in ids:
        line = ctx.directory.help_lines.get(line_id)
        if line is None:
            continue
        hours = pick(line.hours, ctx.lang)
        if line.number and line.url:
            parts.append(
                msg(
                    N_("📞 {name}: bel {number} of kijk op {url}. {hours}"),
                    name=line.name,
                    number=line.number,
                    url=line.url,
                    hours=hours,
                )
            )
        elif line.number:
            parts.append(
                msg(
                    N_("📞 {name}: bel {number}. {hours}"),
                    name=line.name,
                    number=line.number,
                    hours=hours,
                )
            )
        elif line.url:
            parts.append(
                msg(
                    N_("💬 {name}: kijk op {url}. {hours}"),
                    name=line.name,
                    url=line.url,
                    hours=hours,
                )
            )
    return tuple(parts)
