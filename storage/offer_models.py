"""The group-offer tables: offers, their sessions and bookings (issue 15)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, Id
from storage.types import JSONType


class Offer(Base):
    """A group offer of a partnership (groepswerk, atelier, …): what, where, for how many."""

    __tablename__ = "offers"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    partnership_id: Mapped[str] = mapped_column(String(64), index=True)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(16))  # groepswerk|atelier|netwerkmoment|infosessie
    place: Mapped[str] = mapped_column(String(120))
    address: Mapped[str] = mapped_column(String(300))
    capacity: Mapped[int] = mapped_column(Integer)  # 1 … 200 seats per session
    leader_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    open: Mapped[bool] = mapped_column(Boolean, default=True)  # False: by invitation only
    created_at: Mapped[datetime]
    # "Voor wie": empty lists and no ages = everyone (storage.offer_fit)
    for_needs: Mapped[list[str]] = mapped_column(JSONType, default=list)  # intake need keys
    for_municipalities: Mapped[list[str]] = mapped_column(JSONType, default=list)
    age_min: Mapped[int | None]
    age_max: Mapped[int | None]


class OfferSession(Base):
    """One moment of an offer; a weekly series is one row per week."""

    __tablename__ = "offer_sessions"
    __table_args__ = (Index("ix_offer_sessions_offer_starts", "offer_id", "starts_at"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(index=True)
    minutes: Mapped[int] = mapped_column(Integer)
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    walk_ins: Mapped[int] = mapped_column(Integer, default=0)  # came without a chat: counted only
    # first names of walk-ins who agreed to be named (not youths of ours; the count stays)
    walk_in_names: Mapped[list[str]] = mapped_column(JSONType, default=list)


class Booking(Base):
    """A youth's seat or waiting-list place for one session (one row per youth and session)."""

    __tablename__ = "bookings"
    __table_args__ = (
        UniqueConstraint("session_id", "youth_id"),
        Index("ix_bookings_queue", "session_id", "state", "created_at"),
        Index("ix_bookings_attended", "session_id", "attended", "youth_id"),  # the report
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("offer_sessions.id", ondelete="CASCADE"))
    youth_id: Mapped[int] = mapped_column(ForeignKey("youths.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(12))  # booked | waiting | cancelled
    late: Mapped[bool] = mapped_column(Boolean, default=False)  # "Ik ben te laat" on a reminder
    created_at: Mapped[datetime]  # the tap: the waiting list goes in this order
    updated_at: Mapped[datetime]
    attended: Mapped[bool | None]  # None until the leader saves who was there


class OfferReminder(Base):
    """A reminder of a booked seat, due at a time: claimed by one tick, sent once.

    `starts_at` is the session's start it was planned for: a moved session leaves it stale,
    and the tick skips a stale one (like an appointment reminder's version).
    """

    __tablename__ = "offer_reminders"
    __table_args__ = (
        UniqueConstraint("booking_id", "starts_at", "offset_minutes"),
        Index("ix_offer_reminders_due", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime]
    offset_minutes: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(
        String(16), default="pending"
    )  # pending|sent|skipped|cancelled
    sent_at: Mapped[datetime | None]


class OfferInvitation(Base):
    """A worker invited a youth to a session: once per youth and session, however often sent."""

    __tablename__ = "offer_invitations"
    __table_args__ = (UniqueConstraint("session_id", "youth_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("offer_sessions.id", ondelete="CASCADE"))
    youth_id: Mapped[int] = mapped_column(ForeignKey("youths.id", ondelete="CASCADE"), index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"))
    created_at: Mapped[datetime]


class OfferMissed(Base):
    """ "We hebben je gemist" was sent: at most once per offer (a series) and youth."""

    __tablename__ = "offer_missed"
    __table_args__ = (UniqueConstraint("offer_id", "youth_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"))
    youth_id: Mapped[int] = mapped_column(ForeignKey("youths.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
