"""A youth's conversation state: what the flows remember between two messages."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

Step = Literal[
    "new",  # never spoken
    "name",
    "age",
    "place",
    "place_confirm",
    "needs",
    "needs_text",
    "referral",
    "consent",
    "reach",
    "summary",
    "edit_pick",
    "resume_ask",  # /start mid-intake: continue or start over?
    "done",  # registered: a case exists
    "ended",  # signposted elsewhere (age, uncovered place, no consent)
]

INTAKE_STEPS: tuple[Step, ...] = (
    "name",
    "age",
    "place",
    "place_confirm",
    "needs",
    "needs_text",
    "referral",
    "consent",
    "reach",
    "summary",
    "edit_pick",
)


@dataclass(frozen=True)
class Answers:
    name: str = ""
    age: int | None = None
    municipality: str = ""  # official municipality, or "" when the youth does not know
    place_via: str = ""  # what the youth typed that matched (e.g. "Eisden", "3630")
    partnership_id: str = ""
    needs: tuple[str, ...] = ()
    needs_text: str = ""
    referral: str = ""
    consent: bool = False
    reach: tuple[str, ...] = ()
    entry_point: str = ""  # the poster or card the youth came through (flows.entry), "" none


@dataclass(frozen=True)
class Candidate:
    municipality: str
    via: str
    partnership_id: str  # "" = no partnership covers it


@dataclass(frozen=True)
class State:
    step: Step = "new"
    answers: Answers = field(default_factory=Answers)
    candidates: tuple[Candidate, ...] = ()  # places to confirm
    editing: bool = False  # answering one question again from the summary
    resume_step: Step = "new"  # where /start interrupted the intake
    stopped: bool = False
    auto_reply_at: str = ""  # ISO time of the last automatic answer after the intake
    appt_change: int = 0  # the appointment the youth is asking to move (0: none)
    appt_dayparts: tuple[str, ...] = ()  # the day parts they chose for it
    checkin_note: int = 0  # the check-in just answered: the next text is a note for it
    misses: int = 0  # typed answers in a row this step did not understand
    # A question outside the intake steps whose typed answer the next text may be:
    # "lang" after /taal, "rhythm" after the check-in question ("" : none).
    asking: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> State:
        if not data:
            return cls()
        answers = dict(data.get("answers") or {})
        for key in ("needs", "reach"):
            answers[key] = tuple(answers.get(key) or ())
        known = {f for f in Answers.__dataclass_fields__}
        candidates = tuple(Candidate(**c) for c in data.get("candidates") or ())
        return cls(
            step=data.get("step", "new"),
            answers=Answers(**{k: v for k, v in answers.items() if k in known}),
            candidates=candidates,
            editing=bool(data.get("editing", False)),
            resume_step=data.get("resume_step", "new"),
            stopped=bool(data.get("stopped", False)),
            auto_reply_at=str(data.get("auto_reply_at", "")),
            appt_change=int(data.get("appt_change") or 0),
            appt_dayparts=tuple(data.get("appt_dayparts") or ()),
            checkin_note=int(data.get("checkin_note") or 0),
            misses=int(data.get("misses") or 0),
            asking=str(data.get("asking") or ""),
        )

    def at(self, step: Step, **changes: Any) -> State:
        """At a (new) question: nothing missed yet."""
        return replace(self, **{"step": step, "misses": 0, **changes})

    def answer(self, **changes: Any) -> State:
        return replace(self, answers=replace(self.answers, **changes))

    @property
    def in_intake(self) -> bool:
        return self.step in INTAKE_STEPS
