"""In-memory state of the fake WhatsApp Cloud API, free of I/O.

The clock (for the 24-hour customer service window), the registered templates, the media
store, what our service sent, blocked numbers, and the queue of webhooks to deliver.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from core.whatsapp_templates import load
from tests.support.waits import Changes

from . import inbound
from .errors import MetaError, invalid_parameter
from .objects import JSON, Call, Event, Media, SentMessage, parse_sent
from .templates import Registered, check_template, show_template

__all__ = ["WINDOW_SECONDS", "PendingWebhook", "WaState"]

WINDOW_SECONDS = 24 * 3600
_FREE_FORM_EXEMPT = {"template"}


@dataclass
class PendingWebhook:
    """One webhook body waiting for (successful) delivery."""

    label: str  # "message wamid…" / "status delivered wamid…", for the transcript
    body: JSON
    attempts: int = 0


class WaState(Changes):
    """The data behind the server; the server adds HTTP and the simulated users."""

    def __init__(
        self, *, access_token: str, phone_number_id: str, display_phone_number: str
    ) -> None:
        self.access_token = access_token
        self.phone_number_id = phone_number_id
        self.display_phone_number = display_phone_number
        self.clock: Callable[[], float] = time.time
        self.offset = 0.0
        self.reads = False  # post "read" statuses after "delivered"
        # (messages, seconds): more sends to one user in that time -> 131056 (off by default;
        # Meta allows bursts, then about one message per 6 seconds per user).
        self.pair_rate_limit: tuple[int, float] | None = None
        self.templates: dict[tuple[str, str], Registered] = {}
        self.media: dict[str, Media] = {}
        self.sent: list[SentMessage] = []
        self.received: dict[str, JSON] = {}  # wamid -> inbound message object
        self.read_receipts: list[str] = []  # inbound wamids our service marked as read
        self.last_inbound: dict[str, float] = {}
        self.names: dict[str, str] = {}
        self.blocked: dict[str, str] = {}  # phone -> "error" | "status"
        self.calls: list[Call] = []
        self.violations: list[str] = []
        self.events: list[Event] = []
        self.pending: list[PendingWebhook] = []
        self.delivered: list[JSON] = []
        self._ids = itertools.count(1)
        Changes.__init__(self)

    # --- change notification ------------------------------------------------------------

    # --- clock and window ---------------------------------------------------------------

    @property
    def now(self) -> float:
        """The server's clock: real time plus what advance() added."""
        return self.clock() + self.offset

    def advance(self, *, hours: float = 0, minutes: float = 0, seconds: float = 0) -> None:
        """Move the server's clock forward (the 24-hour window closes after hours=24)."""
        self.offset += hours * 3600 + minutes * 60 + seconds

    def close_window(self, phone: str) -> None:
        """Act as if `phone` last wrote more than 24 hours ago."""
        self.last_inbound[phone] = self.now - WINDOW_SECONDS - 1

    def window_open(self, phone: str) -> bool:
        last = self.last_inbound.get(phone)
        return last is not None and self.now - last < WINDOW_SECONDS

    def register_template(
        self,
        name: str,
        lang: str,
        params: int = 0,
        body: str | None = None,
        buttons: tuple[str, ...] | list[str] = (),
    ) -> None:
        """Make template `name` in language `lang` known: `params` body variables, the body
        with {{1}}… (what the youth reads) and its quick-reply button titles."""
        self.templates[(name, lang)] = Registered(name, lang, params, body, tuple(buttons))

    def register_templates_file(self, path: Path) -> list[str]:
        """Register every template of an Instap templates file (config/whatsapp_templates.toml)
        in every language, as a partnership registers them with Meta; returns "name/lang"s."""
        done = []
        for spec in load(path).values():
            for lang, wording in spec.wordings.items():
                self.register_template(
                    spec.name, lang, len(spec.variables), wording.body, wording.buttons
                )
                done.append(f"{spec.name}/{lang}")
        return done

    def block(self, phone: str, mode: str = "error") -> None:
        """Sends to `phone` fail: 131026 in the answer ("error") or a failed status ("status")."""
        if mode not in ("error", "status"):
            raise ValueError("mode is 'error' or 'status'")
        self.blocked[phone] = mode

    def unblock(self, phone: str) -> None:
        self.blocked.pop(phone, None)

    # --- ids and log --------------------------------------------------------------------

    def new_wamid(self, phone: str) -> str:
        return f"wamid.HBgL{phone}FQIAEhgU{next(self._ids):016X}AA=="

    def new_media_id(self) -> str:
        return str(1_000_000_000_000_000 + next(self._ids))

    def log(self, phone: str, who: str, text: str) -> None:
        self.events.append(Event(phone, who, text, self.now))
        self.notify()

    def transcript_text(self, phone: str | None = None) -> str:
        """A readable log of the conversation(s), one line per event."""
        lines = []
        for event in self.events:
            if phone is None or event.phone == phone:
                stamp = time.strftime("%H:%M:%S", time.localtime(event.at))
                prefix = f"[{event.phone}] " if phone is None else ""
                lines.append(f"{stamp} {prefix}{event.who}: {event.text}")
        return "\n".join(lines)

    # --- webhooks -----------------------------------------------------------------------

    @property
    def _metadata(self) -> tuple[str, str]:
        return self.display_phone_number, self.phone_number_id

    def queue_webhook(self, label: str, value: JSON) -> None:
        self.pending.append(PendingWebhook(label, inbound.envelope(value)))
        self.notify()

    def receive(self, phone: str, message: JSON, *, name: str | None, log: str) -> str:
        """A user's message: stamp it, open the window, queue its webhook; return its wamid."""
        if name:
            self.names[phone] = name
        display = self.names.setdefault(phone, "Noor")
        stamped = {
            "from": phone,
            "id": self.new_wamid(phone),
            "timestamp": str(int(self.now)),
            **message,
        }
        wamid = str(stamped["id"])
        self.received[wamid] = stamped
        self.last_inbound[phone] = self.now
        self.log(phone, display, log)
        self.queue_webhook(
            f"message {wamid}", inbound.messages_value(self._metadata, phone, display, stamped)
        )
        return wamid

    def queue_status(
        self, sent: SentMessage, status: str, errors: list[JSON] | None = None
    ) -> None:
        category = "utility" if sent.type == "template" else "service"
        entry = inbound.status_object(
            sent.wamid, status, sent.to, int(self.now), category=category, errors=errors
        )
        sent.statuses.append(status)
        self.queue_webhook(
            f"status {status} {sent.wamid}", inbound.statuses_value(self._metadata, entry)
        )

    # --- our service's sends ------------------------------------------------------------

    def check_send(self, body: JSON) -> None:
        """Raise the MetaError Meta answers for a valid request it still refuses."""
        to = _wa_id(str(body.get("to", "")))
        if not 7 <= len(to) <= 15:
            raise invalid_parameter(f"to {body.get('to')!r} is not a phone number", code=100)
        kind = str(body.get("type", "text"))
        if kind == "template":
            check_template(self.templates, body.get("template") or {})
        if self.blocked.get(to) == "error":
            raise MetaError(
                400,
                131026,
                "Message undeliverable",
                details="The recipient blocked the business or cannot receive messages.",
                violation=False,
            )
        self._check_pair_rate(to)
        if kind not in _FREE_FORM_EXEMPT and not self.window_open(to):
            raise MetaError(
                400,
                131047,
                "Re-engagement message",
                details="Message failed to send because more than 24 hours have passed since "
                "the customer last replied to this number.",
                violation=False,
            )

    def _check_pair_rate(self, to: str) -> None:
        if self.pair_rate_limit is None:
            return
        count, seconds = self.pair_rate_limit
        if sum(1 for s in self.sent_to(to) if self.now - s.at < seconds) >= count:
            raise MetaError(
                429,
                131056,
                "(Business Account, Consumer Account) pair rate limit hit",
                details=f"more than {count} messages to {to} within {seconds} s",
                violation=False,
            )

    def accept_send(self, body: JSON) -> SentMessage:
        """Record a send that passed every check; queue its statuses; return it."""
        to = _wa_id(str(body["to"]))
        sent = parse_sent(body, self.new_wamid(to), to, self.now)
        if sent.type == "template":
            registered = self.templates[(str(sent.template_name), str(sent.template_lang))]
            show_template(sent, registered)
        self.sent.append(sent)
        self.log(to, "service", sent.summary())
        if self.blocked.get(to) == "status":
            error = {
                "code": 131026,
                "title": "Message undeliverable",
                "message": "Message undeliverable",
                "error_data": {"details": "The recipient cannot receive this message."},
            }
            self.queue_status(sent, "failed", [error])
            return sent
        self.queue_status(sent, "sent")
        self.queue_status(sent, "delivered")
        if self.reads:
            self.queue_status(sent, "read")
        return sent

    def sent_to(self, phone: str) -> list[SentMessage]:
        """What our service sent to `phone` (accepted sends only), oldest first."""
        wa_id = _wa_id(phone)
        return [s for s in self.sent if s.to == wa_id]

    def find_sent(self, wamid: str) -> SentMessage | None:
        return next((s for s in self.sent if s.wamid == wamid), None)


def _wa_id(phone: str) -> str:
    """The WhatsApp id of a number as given: digits only (``+32 470…`` -> ``32470…``)."""
    return "".join(ch for ch in phone if ch.isdigit())
