"""What a worker asks of the queue (filters, search, a cursor per list) read from a query string,
the same for the pages and the API; and waiting against the promise as a range of moments.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, tzinfo

from flows.intake import add_workdays
from flows.intake_questions import NEEDS
from inbox.errors import Invalid
from storage import queue
from storage.queue import KINDS, BadCursor, Filters, Kind

PAGE = 25  # cases per list and page
MAX_PAGE = 100
STATUSES = ("waiting", "active", "paused")
PROMISES = ("late", "almost_late")
CHANNELS = ("telegram", "whatsapp", "web")
LANGUAGES = ("nl", "en", "fr")
NEED_KEYS = tuple(key for key, _ in NEEDS)
MAX_TEXT = 120
# The query's names for each list's cursor on the pages (the API has one cursor for all).
CURSOR_PARAMS: dict[Kind, str] = {"waiting": "wachtend", "mine": "mijn", "team": "team"}
FILTER_PARAMS = (
    "status", "flag", "worker", "municipality", "need", "promise", "channel", "language", "q",
)  # fmt: skip


@dataclass(frozen=True)
class QueueAsk:
    """Filters and where each list starts; `problems` names what was left out as unknown."""

    filters: Filters = field(default_factory=Filters)
    promise: str = ""  # late | almost_late
    cursors: dict[Kind, str] = field(default_factory=dict)
    done: frozenset[Kind] = frozenset()  # the API's cursor: lists already read to the end
    limit: int = PAGE
    problems: tuple[str, ...] = ()

    def params(self, query: Mapping[str, str]) -> dict[str, str]:
        """The filters as they came (for links and the form), without the cursors."""
        return {name: query[name] for name in FILTER_PARAMS if query.get(name)}


def one_of(value: str, allowed: tuple[str, ...], name: str, problems: list[str]) -> str:
    if value and value not in allowed:
        problems.append(name)
        return ""
    return value


def ask_from(query: Mapping[str, str], *, coordinator: bool, api: bool = False) -> QueueAsk:
    """Read the filters (unknown values are left out and named in `problems`) and cursors."""
    problems: list[str] = []
    text = {name: query.get(name, "").strip()[:MAX_TEXT] for name in FILTER_PARAMS}
    worker = text["worker"]
    if worker and not (worker.isdigit() and len(worker) <= 15):
        problems.append("worker")
        worker = ""
    filters = Filters(
        status=one_of(text["status"], STATUSES, "status", problems),
        flag=one_of(text["flag"], queue.FLAGS, "flag", problems),
        worker_id=int(worker) if worker and coordinator else None,
        municipality=text["municipality"],
        need=one_of(text["need"], NEED_KEYS, "need", problems),
        channel=one_of(text["channel"], CHANNELS, "channel", problems),
        language=one_of(text["language"], LANGUAGES, "language", problems),
        search=text["q"],
    )
    promise = one_of(text["promise"], PROMISES, "promise", problems)
    limit = PAGE
    raw_limit = query.get("limit", "")
    if raw_limit:
        if raw_limit.isdigit() and 1 <= int(raw_limit) <= MAX_PAGE:
            limit = int(raw_limit)
        else:
            problems.append("limit")
    cursors: dict[Kind, str] = {}
    done: frozenset[Kind] = frozenset()
    if api and query.get("cursor"):
        try:
            cursors, done = read_api_cursor(query["cursor"])
        except BadCursor:
            problems.append("cursor")
    elif not api:
        cursors = {k: query[p] for k, p in CURSOR_PARAMS.items() if query.get(p)}
    for kind, cursor in list(cursors.items()):
        try:
            queue.decode(cursor, queue.ORDER[kind])
        except BadCursor:
            problems.append("cursor")
            del cursors[kind]  # the page shows that list from its start
    return QueueAsk(filters, promise, cursors, done, limit, tuple(problems))


def api_ask(query: Mapping[str, object], coordinator: bool) -> QueueAsk:
    """The API's query (already typed by the operation's parameters); Invalid for a bad one."""
    ask = ask_from({k: str(v) for k, v in query.items()}, coordinator=coordinator, api=True)
    if ask.problems:
        raise Invalid(f"Onbekende waarde voor: {', '.join(ask.problems)}.")
    return ask


def api_cursor(next_of: Mapping[str, str | None]) -> str | None:
    """One cursor for the next page of all lists (None: every list was read to the end)."""
    ahead = {kind: cursor for kind, cursor in next_of.items() if cursor}
    if not ahead:
        return None
    raw = json.dumps(ahead, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def read_api_cursor(cursor: str) -> tuple[dict[Kind, str], frozenset[Kind]]:
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error) as exc:
        raise BadCursor(cursor) from exc
    if not isinstance(raw, dict) or not raw:
        raise BadCursor(cursor)
    cursors: dict[Kind, str] = {}
    for kind in KINDS:
        value = raw.get(kind)
        if isinstance(value, str):
            cursors[kind] = value
        elif value is not None:
            raise BadCursor(cursor)
    if not cursors or set(raw) - set(cursors):
        raise BadCursor(cursor)
    return cursors, frozenset(k for k in KINDS if k not in cursors)


def promise_range(
    promise: str, today: date, workdays: int, tz: tzinfo
) -> tuple[datetime | None, datetime | None]:
    """Waiting since [from, before): late (the last day passed) or almost late (it is today).

    The last day (add_workdays of the day it came in) only grows with that day, so each state
    is a run of days ending at the last day that still has it.
    """

    def latest(*, before_today: bool) -> date:
        day = today
        while True:
            last = add_workdays(day, workdays)
            if (last < today) if before_today else (last <= today):
                return day
            day -= timedelta(days=1)

    def midnight_after(day: date) -> datetime:
        return datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)

    late_until = midnight_after(latest(before_today=True))
    if promise == "late":
        return None, late_until
    if promise == "almost_late":
        return late_until, midnight_after(latest(before_today=False))
    return None, None


def with_promise(ask: QueueAsk, today: date, workdays: int, tz: tzinfo) -> Filters:
    start, end = promise_range(ask.promise, today, workdays, tz)
    return replace(ask.filters, waiting_from=start, waiting_before=end)
