"""Telegram's flood limits, as the fake Bot API enforces them in flood mode.

Telegram documents its limits only in words (Bots FAQ, "My bot is hitting limits, how do I
avoid this?"): in a single chat avoid more than one message per second ("we may allow short
bursts that go over this limit, but eventually you'll begin receiving 429 errors"), in a
group no more than 20 messages per minute, and not more than about 30 messages per second
overall. It publishes no algorithm, so this model is ours:

- Each limit is a token bucket (`Limit`: `rate` tokens a second, at most `burst` saved up):
  every chat its own, by the sign of its id (private chats positive, groups negative), and
  one for the whole bot. A call takes a token from its chat's bucket and from the overall
  one, or, when either is empty, gets what Telegram answers: 429 "Too Many Requests: retry
  after N" with ``parameters.retry_after`` = N, the whole seconds until both have a token
  again (at least 1). A refused call takes no token and does nothing.
- What counts is what puts a message in a chat or changes one there (`LIMITED`): the
  send* methods, copies, forwards, and the edits (the FAQ speaks of messages; a bot that
  edits a message many times a second is throttled too, and Instap's sender paces edits
  like messages). `answerCallbackQuery` and `sendChatAction` are not limited, nor is
  anything else (getUpdates, setMyCommands, deleteMessage, getFile).
- The defaults allow a short burst: 5 to one private chat, 30 overall, 10 in a group. A
  sender that keeps to 1/s per chat and 30/s overall with smaller bursts of its own never
  meets them, even when its sends arrive a little bunched (the network, a busy event loop);
  one that keeps a 30/s budget per instance, with three instances, meets them within a
  second.

A refusal is a *flood violation*, recorded in `Flood.violations` (method, chat, retry_after),
apart from the spec violations of `BotApiServer.violations`. `Flood.histogram()` counts the
accepted limited calls per wall-clock second, for tests and the benchmarks.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["LIMITED", "Flood", "FloodLimits", "Limit", "Violation"]

LIMITED = frozenset(
    {
        "sendMessage", "sendPhoto", "sendDocument", "sendVideo", "sendAudio", "sendVoice",
        "sendAnimation", "sendVideoNote", "sendSticker", "sendLocation", "sendVenue",
        "sendContact", "sendPoll", "sendDice", "sendMediaGroup", "sendInvoice", "sendPaidMedia",
        "copyMessage", "copyMessages", "forwardMessage", "forwardMessages",
        "editMessageText", "editMessageCaption", "editMessageMedia", "editMessageReplyMarkup",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Limit:
    """`rate` calls a second on average, bursts of up to `burst`."""

    rate: float
    burst: float


@dataclass(frozen=True)
class FloodLimits:
    overall: Limit = Limit(30.0, 30.0)
    private_chat: Limit = Limit(1.0, 5.0)
    group_chat: Limit = Limit(20 / 60, 10.0)


@dataclass(frozen=True)
class Violation:
    method: str
    chat_id: str
    retry_after: int
    at: float


@dataclass
class _Bucket:
    limit: Limit
    tokens: float
    stamp: float

    def refill(self, now: float) -> None:
        self.tokens = min(self.limit.burst, self.tokens + (now - self.stamp) * self.limit.rate)
        self.stamp = now

    def wait(self) -> float:
        """Seconds until a token is there (0: there is one now)."""
        missing = 1 - self.tokens
        return 0.0 if missing <= 1e-9 else missing / self.limit.rate  # 1e-9: float rounding


@dataclass
class Flood:
    """The buckets of one bot and what they let through and refused."""

    limits: FloodLimits = field(default_factory=FloodLimits)
    clock: Callable[[], float] = time.monotonic
    wall: Callable[[], float] = time.time
    violations: list[Violation] = field(default_factory=list)
    sends: list[float] = field(default_factory=list)  # wall-clock times of accepted calls
    _buckets: dict[str, _Bucket] = field(default_factory=dict)

    def check(self, method: str, chat_id: object) -> int:
        """Take the tokens for one call; 0 when it may go, else the retry_after it gets."""
        if method not in LIMITED:
            return 0
        chat = str(chat_id)
        buckets = [self._bucket("*", self.limits.overall), self._chat_bucket(chat)]
        now = self.clock()
        for bucket in buckets:
            bucket.refill(now)
        wait = max(bucket.wait() for bucket in buckets)
        if wait > 0:
            retry_after = max(1, math.ceil(wait))
            self.violations.append(Violation(method, chat, retry_after, self.wall()))
            return retry_after
        for bucket in buckets:
            bucket.tokens -= 1
        self.sends.append(self.wall())
        return 0

    def histogram(self) -> dict[int, int]:
        """Accepted limited calls per wall-clock second (`int(time.time())`), in order."""
        return dict(sorted(Counter(int(at) for at in self.sends).items()))

    def peak(self) -> int:
        """The most accepted limited calls in any one wall-clock second."""
        return max(self.histogram().values(), default=0)

    def _chat_bucket(self, chat: str) -> _Bucket:
        group = chat.startswith(("-", "@"))  # groups and channels: negative ids, @names
        return self._bucket(chat, self.limits.group_chat if group else self.limits.private_chat)

    def _bucket(self, key: str, limit: Limit) -> _Bucket:
        if key not in self._buckets:
            self._buckets[key] = _Bucket(limit, limit.burst, self.clock())
        return self._buckets[key]
