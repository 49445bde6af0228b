"""The tables. Names in code are English; the glossary in ARCHITECTURE.md maps them to Dutch."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage.types import JSONType, UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Id = BigInteger().with_variant(Integer(), "sqlite")  # SQLite autoincrements INTEGER only


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dict[str, Any]: JSONType,
        datetime: UTCDateTime(),
    }


class Youth(Base):
    """A young person as the channels know them (pseudonymous until they tell a name)."""

    __tablename__ = "youths"
    __table_args__ = (UniqueConstraint("channel", "channel_user_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))  # telegram | web
    channel_user_id: Mapped[str] = mapped_column(String(128))  # chat id / hashed web token
    lang: Mapped[str] = mapped_column(String(8), default="nl")
    state: Mapped[dict[str, Any]] = mapped_column(default=dict)
    stopped: Mapped[bool] = mapped_column(Boolean, default=False)
    unreachable: Mapped[bool] = mapped_column(Boolean, default=False)
    reminders: Mapped[bool] = mapped_column(Boolean, default=True)  # appointment reminders wanted
    # Check-ins and pacing (flows.checkins, flows.pacing): the youth decides the rhythm.
    checkin_rhythm: Mapped[str | None] = mapped_column(String(8))  # week|2weeks|month|none
    paused_until: Mapped[datetime | None]
    quiet_hours: Mapped[str | None] = mapped_column(
        String(16)
    )  # "22:00-10:00"; None: partnership's
    last_automated_at: Mapped[datetime | None]  # the last check-in or re-contact sent
    # /vergeetmij confirmed: erased once the last message to them is out (storage.privacy)
    erase_requested_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Inbound(Base):
    """Everything a channel delivered, stored before it is acknowledged."""

    __tablename__ = "inbound"
    __table_args__ = (
        UniqueConstraint("source", "external_id"),
        Index("ix_inbound_pending", "status", "youth_key", "id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    source: Mapped[str] = mapped_column(String(16))  # telegram | web
    external_id: Mapped[str] = mapped_column(String(160))  # update_id / web client id
    youth_key: Mapped[str] = mapped_column(String(160))  # one youth's events run in order
    payload: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending|done|failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime]
    processed_at: Mapped[datetime | None]


class Message(Base):
    """The conversation timeline: what the youth, the bot and (later) workers wrote."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    youth_id: Mapped[int] = mapped_column(ForeignKey("youths.id", ondelete="CASCADE"), index=True)
    direction: Mapped[str] = mapped_column(String(4))  # in | out
    author: Mapped[str] = mapped_column(String(16))  # youth | bot | worker
    text: Mapped[str] = mapped_column(Text)
    buttons: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    # pending | sent | delivered | read (WhatsApp's statuses) | failed
    delivery: Mapped[str] = mapped_column(String(16), default="pending")
    channel_message_id: Mapped[str | None] = mapped_column(String(128), index=True)
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))
    media: Mapped[dict[str, Any] | None] = mapped_column(JSONType)  # kind, file_id, path, mime
    # A worker's reply form carries a one-time reference: a double submit is stored once.
    client_ref: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]


class ChannelStatus(Base):
    """A WhatsApp status for a message whose wamid we did not know yet (it came first)."""

    __tablename__ = "channel_statuses"

    ref: Mapped[str] = mapped_column(String(128), primary_key=True)
    recipient: Mapped[str] = mapped_column(String(32), default="", index=True)  # erased with them
    status: Mapped[str] = mapped_column(String(16))  # sent | delivered | read | failed
    unreachable: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime]


class OutboxJob(Base):
    """A delivery to do: committed with the state change that caused it."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "not_before", "id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    # For a youth, or (a short notification) for a worker who linked their Telegram.
    youth_id: Mapped[int | None] = mapped_column(
        ForeignKey("youths.id", ondelete="CASCADE"), index=True
    )
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(24))  # message | edit | callback_answer
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))
    payload: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending|sending|sent…
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    timeouts: Mapped[int] = mapped_column(Integer, default=0)  # sends that may have arrived
    not_before: Mapped[datetime]
    claimed_until: Mapped[datetime | None]  # the lease, renewed by its sender's heartbeat
    claimed_by: Mapped[str | None] = mapped_column(String(64))  # that sender (storage.outbox)
    called_at: Mapped[datetime | None]  # the channel is being called: the result is not in yet
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]


class Case(Base):
    """One youth's path with one partnership: waiting in the queue until a worker takes it."""

    __tablename__ = "cases"
    __table_args__ = (
        # The coordinator's report counts the inflow of a period by created_at.
        Index("ix_cases_report_created", "partnership_id", "created_at"),
        # The six-month question's candidates only: closed and never asked (storage.sixmonths).
        Index(
            "ix_cases_six_month",
            "closed_at",
            sqlite_where=text("status = 'closed' AND six_month_asked_at IS NULL"),
            postgresql_where=text("status = 'closed' AND six_month_asked_at IS NULL"),
        ),
        # Registrations in a period and their first response; open cases now, by status,
        # municipality and worker: these indexes answer the report's queries alone.
        Index(
            "ix_cases_report_new",
            "partnership_id",
            "created_at",
            "first_response_at",
            "referral",
            "municipality",
            "worker_id",
        ),
        Index("ix_cases_report_open", "partnership_id", "status", "municipality", "worker_id"),
        # Registrations of a period by the poster or card they came through.
        Index("ix_cases_report_entry", "partnership_id", "created_at", "entry_point"),
        # Leavers of a period (closed_at), with what their figures read: covering.
        Index(
            "ix_cases_report_left",
            "partnership_id",
            "status",
            "closed_at",
            "outcome",
            "six_month_result",
            "municipality",
            "worker_id",
        ),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    youth_id: Mapped[int] = mapped_column(ForeignKey("youths.id", ondelete="CASCADE"), index=True)
    partnership_id: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(
        String(16), default="waiting"
    )  # waiting|active|paused|closed
    answers: Mapped[dict[str, Any]]
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"), index=True)
    outcome: Mapped[str | None] = mapped_column(String(32))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)  # a crisis message came in
    flag: Mapped[str | None] = mapped_column(String(16))  # aandacht | uit_beeld
    flagged_at: Mapped[datetime | None]
    unread: Mapped[int] = mapped_column(
        Integer, default=0
    )  # youth messages the worker has not seen
    claimed_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    last_youth_message_at: Mapped[datetime | None]
    # Copied from the intake answers when the case opens, so the report can count in SQL.
    municipality: Mapped[str | None] = mapped_column(String(120))
    referral: Mapped[str | None] = mapped_column(String(16))  # vdab | ocmw | … (intake REFERRALS)
    age: Mapped[int | None] = mapped_column(Integer)  # at registration
    # The poster or card (flows.entry key) the youth came through; set at registration only.
    entry_point: Mapped[str | None] = mapped_column(String(40))
    first_response_at: Mapped[datetime | None]  # a worker's first message to the youth
    # Six months after closing: asked once (with check-in consent), answered or not.
    six_month_asked_at: Mapped[datetime | None]
    six_month_result: Mapped[str | None] = mapped_column(String(16))  # storage.profiles
    six_month_answered_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class CaseNeed(Base):
    """What a youth asked help with at registration (one row per need), for the report."""

    __tablename__ = "case_needs"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    need: Mapped[str] = mapped_column(String(16), primary_key=True)


class CaseProfile(Base):
    """What the ESF+ report needs to know about a participant, filled in by the worker.

    Never asked in the intake. Every field may stay "unknown"; the values are in
    storage.profiles.
    """

    __tablename__ = "case_profiles"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    gender: Mapped[str] = mapped_column(String(16), default="unknown")
    labour_status: Mapped[str] = mapped_column(String(24), default="unknown")
    education: Mapped[str] = mapped_column(String(16), default="unknown")
    disability: Mapped[str] = mapped_column(String(8), default="unknown")
    third_country: Mapped[str] = mapped_column(String(8), default="unknown")
    foreign_background: Mapped[str] = mapped_column(String(8), default="unknown")
    minority: Mapped[str] = mapped_column(String(8), default="unknown")
    homeless: Mapped[str] = mapped_column(String(8), default="unknown")
    rural: Mapped[str] = mapped_column(String(8), default="unknown")
    qualification: Mapped[str] = mapped_column(String(8), default="unknown")  # on leaving
    filled_by: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))
    filled_at: Mapped[datetime]


class CaseSignal(Base):
    """A case turned "dringend" or "uit beeld": when, and when a worker followed it up."""

    __tablename__ = "case_signals"
    __table_args__ = (Index("ix_case_signals_report", "partnership_id", "raised_at"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    partnership_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))  # urgent | uit_beeld | aandacht
    raised_at: Mapped[datetime]
    followed_up_at: Mapped[datetime | None]  # cleared, or a worker wrote to the youth


class Worker(Base):
    """A trajectgezel, coordinator or admin, in one partnership."""

    __tablename__ = "workers"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    partnership_id: Mapped[str] = mapped_column(String(64), index=True)
    username: Mapped[str] = mapped_column(String(120), unique=True)
    first_name: Mapped[str] = mapped_column(String(60))
    full_name: Mapped[str] = mapped_column(String(120))
    organisation: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[str] = mapped_column(String(16), default="worker")  # worker|coordinator|admin
    password_hash: Mapped[str] = mapped_column(String(255))
    languages: Mapped[dict[str, Any]] = mapped_column(default=dict)  # {"codes": ["nl", "en"]}
    municipalities: Mapped[dict[str, Any]] = mapped_column(default=dict)  # {"names": [...]}
    capacity: Mapped[int] = mapped_column(Integer, default=15)
    absent: Mapped[bool] = mapped_column(Boolean, default=False)
    cover_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))
    telegram_chat_id: Mapped[str | None] = mapped_column(String(32))
    link_code_hash: Mapped[str | None] = mapped_column(String(64))
    link_code_expires: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Two-factor login (RFC 6238 TOTP): the base32 secret once the worker confirmed a code.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    locked_until: Mapped[datetime | None]  # too many failed logins: no login until then
    created_at: Mapped[datetime]


class WorkerSession(Base):
    """A login: the cookie holds the token, we keep only its hash."""

    __tablename__ = "worker_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the token
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id", ondelete="CASCADE"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class ApiToken(Base):
    """A bearer token for the JSON API, acting as one worker."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256: never the token
    name: Mapped[str] = mapped_column(String(60))
    scope: Mapped[str] = mapped_column(String(8), default="write")  # read | write
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]


class LoginAttempt(Base):
    """Failed logins, for throttling (no passwords, ever)."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    username: Mapped[str] = mapped_column(String(120), index=True)
    remote: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]


class Note(Base):
    """A private note on a case: workers only, never sent to the youth."""

    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class CaseEvent(Base):
    """What happened to a case (claimed, assigned, transferred, status) for its timeline."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))
    kind: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]


class AuditEntry(Base):
    """Who looked at or acted on which case, when: never any message content."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id"))
    action: Mapped[str] = mapped_column(String(40))
    case_id: Mapped[int | None] = mapped_column(Integer, index=True)
    at: Mapped[datetime]


class Consent(Base):
    """The consent ledger: every yes and no, with the text version it answered."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    youth_id: Mapped[int] = mapped_column(ForeignKey("youths.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    version: Mapped[str] = mapped_column(String(32))
    given: Mapped[bool] = mapped_column(Boolean)
    channel: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]


class UncoveredDemand(Base):
    """A place no partnership covers, asked for on a day: nothing personal (blind-spot report)."""

    __tablename__ = "uncovered_demand"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    place: Mapped[str] = mapped_column(String(120), index=True)
    day: Mapped[date] = mapped_column(Date)


class Signpost(Base):
    """A youth sent elsewhere (too young, too old, no consent): counted, nothing personal."""

    __tablename__ = "signposts"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    reason: Mapped[str] = mapped_column(String(32))
    day: Mapped[date] = mapped_column(Date)


class SafetyEvent(Base):
    """A crisis message was answered with help lines (the category only, never the text)."""

    __tablename__ = "safety_events"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    youth_id: Mapped[int] = mapped_column(ForeignKey("youths.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(32))
    phrase_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class Appointment(Base):
    """A meeting with a youth: when, how long, where, with whom, and what the youth said."""

    __tablename__ = "appointments"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    youth_id: Mapped[int] = mapped_column(ForeignKey("youths.id", ondelete="CASCADE"), index=True)
    partnership_id: Mapped[str] = mapped_column(String(64), index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(index=True)
    minutes: Mapped[int] = mapped_column(Integer)
    place: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(Text, default="")
    # proposed | confirmed | wants_change | cancelled | done | no_show
    state: Mapped[str] = mapped_column(String(16), default="proposed")
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    wish: Mapped[dict[str, Any]] = mapped_column(default=dict)  # day parts and reason to move
    version: Mapped[int] = mapped_column(Integer, default=1)  # +1 each time it is moved
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Reminder(Base):
    """A reminder due at a time: claimed by one scheduler tick, sent through the outbox once."""

    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint("appointment_id", "version", "offset_minutes"),
        Index("ix_reminders_due", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    appointment_id: Mapped[int] = mapped_column(ForeignKey("appointments.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    offset_minutes: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(
        String(16), default="pending"
    )  # pending|sent|skipped|cancelled
    sent_at: Mapped[datetime | None]


class CheckIn(Base):
    """A check-in or the one re-contact message: planned (one per youth), then sent or skipped."""

    __tablename__ = "checkins"
    __table_args__ = (
        Index("ix_checkins_due", "status", "due_at"),
        Index("ix_checkins_report", "kind", "sent_at", "case_id", "answered_at"),  # the report
        # At most one planned row per youth: planning twice updates the same row.
        Index(
            "uq_checkins_planned",
            "youth_id",
            unique=True,
            sqlite_where=text("status = 'planned'"),
            postgresql_where=text("status = 'planned'"),
        ),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    youth_id: Mapped[int] = mapped_column(ForeignKey("youths.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(12))  # checkin | recontact
    # planned | sent | answered | skipped | dropped
    status: Mapped[str] = mapped_column(String(12), default="planned")
    due_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    score: Mapped[int | None] = mapped_column(Integer)  # 1 (😞) … 5 (😄)
    note: Mapped[str | None] = mapped_column(Text)  # what the youth added, for the worker
    reason: Mapped[str | None] = mapped_column(String(16))  # why skipped or dropped
    created_at: Mapped[datetime]
