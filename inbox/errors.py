"""What an inbox action can refuse; pages and the API turn these into 404/409/422 answers."""

from __future__ import annotations


class InboxError(Exception):
    """Base: the message is shown to the worker as it is (Dutch, plain)."""


class NotFound(InboxError):
    """No such thing in the worker's partnership (another partnership's case is 'not found')."""


class Forbidden(InboxError):
    """Known, but this role may not do it."""


class Conflict(InboxError):
    """Someone else was first (a claim), or the state changed meanwhile."""


class Invalid(InboxError):
    """A form field or API value is wrong; the message says which and why."""
