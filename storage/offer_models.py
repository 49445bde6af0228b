"""The group-offer tables: offers, their sessions and bookings (issue 15)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, Id


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


class OfferSession(Base):
    """One moment of an offer; a weekly series is one row per week."""

    __tablename__ = "offer_sessions"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(index=True)
    minutes: Mapped[int] = mapped_column(Integer)
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    walk_ins: Mapped[int] = mapped_column(Integer, default=0)  # came without a chat: counted only


class Booking(Base):
    """A youth's seat or waiting-list place for one session (one row per youth and session)."""

    __tablename__ = "bookings"
    __table_args__ = (
        UniqueConstraint("session_id", "youth_id"),
        Index("ix_bookings_queue", "session_id", "state", "created_at"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("offer_sessions.id", ondelete="CASCADE"))
    youth_id: Mapped[int] = mapped_column(ForeignKey("youths.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(12))  # booked | waiting | cancelled
    created_at: Mapped[datetime]  # the tap: the waiting list goes in this order
    updated_at: Mapped[datetime]
    attended: Mapped[bool | None]  # None until the leader saves who was there
