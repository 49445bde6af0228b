"""Queue assignment: suggestions, fair capacity-aware auto-assignment, requeue on absence."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.assignment import (
    REASONS,
    Candidate,
    Suggestion,
    WaitingCase,
    auto_assign,
    needs_requeue,
    suggest,
)

MONDAY = datetime(2025, 5, 5, 9, 0)


def person(
    pid: int,
    name: str,
    capacity: int = 10,
    open_cases: int = 0,
    *,
    absent: bool = False,
    role: str = "worker",
    languages: tuple[str, ...] = ("nl",),
    municipalities: tuple[str, ...] = (),
) -> Candidate:
    return Candidate(
        id=pid,
        first_name=name,
        languages=frozenset(languages),
        municipalities=frozenset(municipalities),
        capacity=capacity,
        open_cases=open_cases,
        absent=absent,
        role=role,
    )


def case(
    cid: int, minutes: int = 0, language: str = "nl", municipality: str = "Gent"
) -> WaitingCase:
    return WaitingCase(
        id=cid,
        created_at=MONDAY + timedelta(minutes=minutes),
        language=language,
        municipality=municipality,
    )


def counts(pairs: list[tuple[int, int]]) -> Counter[int]:
    return Counter(worker for _, worker in pairs)


# ── auto_assign: the Done-when ─────────────────────────────────────────────────────


SARA = person(1, "Sara", 20, 0, municipalities=("Gent",))
TOM = person(2, "Tom", 20, 3, municipalities=("Merelbeke",), languages=("nl", "en"))
LIEN = person(3, "Lien", 15, 0, absent=True, municipalities=("Gent",))
AHMED = person(4, "Ahmed", 10, 2, languages=("nl", "ar", "fr"), municipalities=("Gent",))
EVA = person(5, "Eva", 12, 1, municipalities=("Lochristi",))
JAN = person(9, "Jan", 30, 0, role="coordinator", municipalities=("Gent",))
TEAM = (SARA, TOM, LIEN, AHMED, EVA, JAN)


def test_fifty_cases_over_five_workers_with_one_absent() -> None:
    cases = [case(100 + i, minutes=i, municipality=("Gent", "Merelbeke")[i % 2]) for i in range(50)]
    pairs = auto_assign(cases, TEAM)

    assert len(pairs) == 50 and len({c for c, _ in pairs}) == 50
    got = counts(pairs)
    after = {w.id: w.open_cases + got[w.id] for w in TEAM}
    # Nobody over capacity; the absent one and the coordinator get none.
    assert all(after[w.id] <= w.capacity for w in TEAM)
    assert got[LIEN.id] == 0 and got[JAN.id] == 0

    # Within one of fair. The fair level is the fraction of capacity everyone present would
    # be at if all open cases (old and new) were spread exactly in proportion to capacity;
    # a worker's fair share is that level times their capacity.
    present = [w for w in TEAM if w.role == "worker" and not w.absent]
    level = Fraction(sum(after[w.id] for w in present), sum(w.capacity for w in present))
    for w in present:
        share = level * w.capacity
        assert abs(after[w.id] - share) <= 1, (w.first_name, after[w.id], float(share))
    # And pairwise: measured at B's fill level, A is never more than one case ahead
    # (for every pair of present workers that both still have room).
    with_room = [w for w in present if after[w.id] < w.capacity]
    for a in with_room:
        for b in with_room:
            assert after[a.id] - Fraction(after[b.id], b.capacity) * a.capacity <= 1

    # The concrete outcome, so a change in the rule shows up here.
    assert after == {1: 18, 2: 18, 3: 0, 4: 9, 5: 11, 9: 0}


def test_surplus_stays_unassigned_and_everyone_is_exactly_full() -> None:
    team = (
        person(1, "Sara", 5, 2),
        person(2, "Tom", 4, 0),
        person(3, "Lien", 10, 0, absent=True),
        person(4, "Ahmed", 3, 3),  # already full
        person(9, "Jan", 10, 0, role="coordinator"),
    )
    cases = [case(200 + i, minutes=i) for i in range(20)]
    pairs = auto_assign(cases, team)

    got = counts(pairs)
    assert {w.first_name: w.open_cases + got[w.id] for w in team} == {
        "Sara": 5,
        "Tom": 4,
        "Lien": 0,
        "Ahmed": 3,
        "Jan": 0,
    }
    # The seven oldest are served; the thirteen youngest wait.
    assert [c for c, _ in pairs] == [200 + i for i in range(7)]


# ── auto_assign: one case, who gets it (table) ─────────────────────────────────────────────

WHO_GETS_IT = [
    (
        "lowest load ratio wins, not fewest cases",
        [person(1, "Sara", 20, 4), person(2, "Tom", 5, 2)],
        case(1),
        1,  # Sara 4/20 = 0.2 < Tom 2/5 = 0.4
    ),
    (
        "same ratio: fewer open cases",
        [person(1, "Sara", 20, 10), person(2, "Tom", 10, 5)],
        case(1),
        2,
    ),
    (
        "same load: municipality match",
        [person(1, "Sara", 10, 2), person(2, "Tom", 10, 2, municipalities=("Gent",))],
        case(1, municipality="Gent"),
        2,
    ),
    (
        "municipality match is compared without case",
        [person(1, "Sara", 10, 2), person(2, "Tom", 10, 2, municipalities=("GENT",))],
        case(1, municipality="gent"),
        2,
    ),
    (
        "same load and place: language match",
        [person(1, "Sara", 10, 2), person(2, "Tom", 10, 2, languages=("nl", "ar"))],
        case(1, language="ar"),
        2,
    ),
    (
        "all equal: lowest id",
        [person(2, "Tom", 10, 2), person(1, "Sara", 10, 2)],
        case(1),
        1,
    ),
    (
        "load beats a municipality match",
        [person(1, "Sara", 10, 3, municipalities=("Gent",)), person(2, "Tom", 10, 2)],
        case(1, municipality="Gent"),
        2,
    ),
    (
        "absent, full and zero-capacity workers are skipped",
        [
            person(1, "Sara", 10, 0, absent=True),
            person(2, "Tom", 4, 4),
            person(3, "Lien", 0, 0),
            person(4, "Ahmed", 10, 9),
        ],
        case(1),
        4,
    ),
    (
        "coordinators are never auto-assigned",
        [person(9, "Jan", 30, 0, role="coordinator"), person(4, "Ahmed", 10, 9)],
        case(1),
        4,
    ),
    (
        "nobody eligible: the case waits",
        [person(9, "Jan", 30, 0, role="admin"), person(1, "Sara", 10, 0, absent=True)],
        case(1),
        None,
    ),
]


@pytest.mark.parametrize(
    ("workers", "waiting", "expected"),
    [row[1:] for row in WHO_GETS_IT],
    ids=[row[0] for row in WHO_GETS_IT],
)
def test_who_gets_the_case(
    workers: list[Candidate], waiting: WaitingCase, expected: int | None
) -> None:
    pairs = auto_assign([waiting], workers)
    assert pairs == ([] if expected is None else [(waiting.id, expected)])


def test_oldest_case_first_then_lowest_id() -> None:
    cases = [case(3, minutes=5), case(2, minutes=0), case(1, minutes=0), case(4, minutes=10)]
    pairs = auto_assign(cases, [person(1, "Sara", 3, 0)])
    assert [c for c, _ in pairs] == [1, 2, 3]


def test_load_grows_between_cases() -> None:
    # Sara is the better match each time, but after her first case Tom is less loaded.
    team = [person(1, "Sara", 10, 0, municipalities=("Gent",)), person(2, "Tom", 10, 0)]
    pairs = auto_assign([case(1, 0), case(2, 1), case(3, 2)], team)
    assert pairs == [(1, 1), (2, 2), (3, 1)]


def test_duplicate_ids_are_a_bug() -> None:
    with pytest.raises(ValueError, match="worker"):
        auto_assign([case(1)], [person(1, "Sara"), person(1, "Tom")])
    with pytest.raises(ValueError, match="case"):
        auto_assign([case(1), case(1)], [person(1, "Sara")])


def test_candidate_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="role"):
        person(1, "Sara", role="youth")
    with pytest.raises(ValueError, match="negative"):
        person(1, "Sara", capacity=-1)


# ── auto_assign: properties ────────────────────────────────────────────────────────────────

ROLE = st.sampled_from(["worker", "worker", "worker", "coordinator", "admin"])
PLACES = st.frozensets(st.sampled_from(["Gent", "Merelbeke", "Lochristi"]), max_size=2)
LANGS = st.frozensets(st.sampled_from(["nl", "en", "fr", "ar"]), max_size=3)


@st.composite
def teams(draw: st.DrawFn) -> list[Candidate]:
    size = draw(st.integers(0, 7))
    team = []
    for pid in draw(st.lists(st.integers(1, 50), min_size=size, max_size=size, unique=True)):
        capacity = draw(st.integers(0, 12))
        team.append(
            Candidate(
                id=pid,
                first_name=f"w{pid}",
                languages=draw(LANGS),
                municipalities=draw(PLACES),
                capacity=capacity,
                open_cases=draw(st.integers(0, capacity + 3)),  # sometimes already over
                absent=draw(st.booleans()),
                role=draw(ROLE),
            )
        )
    return team


@st.composite
def queues(draw: st.DrawFn) -> list[WaitingCase]:
    size = draw(st.integers(0, 40))
    ids = draw(st.lists(st.integers(1, 1000), min_size=size, max_size=size, unique=True))
    return [
        WaitingCase(
            id=cid,
            # Few distinct times, so equal created_at (and the id tie-break) is common.
            created_at=MONDAY + timedelta(hours=draw(st.integers(0, 5))),
            language=draw(st.sampled_from(["nl", "en", "fr", "ar"])),
            municipality=draw(st.sampled_from(["Gent", "Merelbeke", "Lochristi"])),
        )
        for cid in ids
    ]


def eligible(w: Candidate) -> bool:
    return w.role == "worker" and not w.absent


@settings(max_examples=300, deadline=None)
@given(team=teams(), cases=queues(), data=st.data())
def test_auto_assign_properties(
    team: list[Candidate], cases: list[WaitingCase], data: st.DataObject
) -> None:
    pairs = auto_assign(cases, team)
    got = counts(pairs)
    by_id = {w.id: w for w in team}

    # Every assigned case is a real case, assigned once, to someone in the team.
    assigned = [c for c, _ in pairs]
    assert len(assigned) == len(set(assigned))
    assert set(assigned) <= {c.id for c in cases}
    assert set(got) <= set(by_id)

    # Never to the absent or non-workers; never over capacity (nor further over it).
    for w in team:
        if not eligible(w):
            assert got[w.id] == 0
        if got[w.id]:
            assert w.open_cases + got[w.id] <= w.capacity

    # Oldest first: the assigned cases are exactly the oldest ones, and as many as fit.
    order = [c.id for c in sorted(cases, key=lambda c: (c.created_at, c.id))]
    assert sorted(assigned, key=order.index) == order[: len(assigned)]
    room = sum(max(w.capacity - w.open_cases, 0) for w in team if eligible(w))
    assert len(assigned) == min(len(cases), room)

    # Fair: whoever got a case was, before their last one, no fuller than anyone who still
    # has room now (A's last case put A at most one case ahead of B's fill level).
    after = {w.id: w.open_cases + got[w.id] for w in team}
    for a in (w for w in team if got[w.id]):
        for b in (w for w in team if eligible(w) and after[w.id] < w.capacity):
            assert Fraction(after[a.id] - 1, a.capacity) <= Fraction(after[b.id], b.capacity)

    # Deterministic: the order in which storage lists workers and cases does not matter.
    shuffled = auto_assign(data.draw(st.permutations(cases)), data.draw(st.permutations(team)))
    assert shuffled == pairs


# ── suggest ────────────────────────────────────────────────────────────────────────────────


def test_municipality_match_ranks_first_among_workers_with_room() -> None:
    team = [
        person(1, "Sara", 20, 0, languages=("nl", "en")),  # emptiest, but not from Gent
        person(2, "Tom", 10, 6, municipalities=("Gent",)),
        person(4, "Ahmed", 10, 5, municipalities=("Gent",), languages=("nl", "en")),
    ]
    ranked = suggest(case(1, language="en", municipality="Gent"), team)
    assert [s.worker_id for s in ranked] == [4, 2, 1]
    assert ranked[0].reasons == ("municipality", "language", "capacity")
    assert ranked[1].reasons == ("municipality", "capacity")
    assert ranked[2].reasons == ("language", "capacity")


SUGGEST_TABLE = [
    (
        "absent never suggested, even as the only match",
        [
            person(3, "Lien", 10, 0, absent=True, municipalities=("Gent",)),
            person(1, "Sara", 10, 9),
        ],
        [1],
    ),
    (
        "a full worker comes after everyone with room",
        [
            person(1, "Sara", 10, 10, municipalities=("Gent",)),
            person(2, "Tom", 10, 9),
            person(4, "Ahmed", 5, 4),
        ],
        [4, 2, 1],
    ),
    (
        "among the full: matches, then the least over capacity",
        [
            person(1, "Sara", 10, 12),
            person(2, "Tom", 10, 10),
            person(4, "Ahmed", 10, 14, municipalities=("Gent",)),
            person(5, "Eva", 0, 0),
        ],
        [4, 2, 1],
    ),
    (
        "same fit: most free room relative to capacity, then lowest id",
        [
            person(5, "Eva", 10, 5),
            person(2, "Tom", 4, 1),
            person(1, "Sara", 8, 2),
        ],
        [1, 2, 5],
    ),
    (
        "coordinators can be suggested",
        [person(9, "Jan", 30, 0, role="coordinator", municipalities=("Gent",))],
        [9],
    ),
]


@pytest.mark.parametrize(
    ("workers", "expected"),
    [row[1:] for row in SUGGEST_TABLE],
    ids=[row[0] for row in SUGGEST_TABLE],
)
def test_suggest_order(workers: list[Candidate], expected: list[int]) -> None:
    assert [s.worker_id for s in suggest(case(1), workers)] == expected


def test_full_worker_is_marked_full() -> None:
    (only,) = suggest(case(1), [person(1, "Sara", 4, 4, municipalities=("Gent",))])
    assert only == Suggestion(
        worker_id=1, score=only.score, reasons=("municipality", "language", "full")
    )


def test_suggest_limit() -> None:
    team = [person(i, f"w{i}", 10, i) for i in range(1, 7)]
    assert [s.worker_id for s in suggest(case(1), team)] == [1, 2, 3]
    assert [s.worker_id for s in suggest(case(1), team, limit=5)] == [1, 2, 3, 4, 5]
    assert suggest(case(1), team, limit=0) == []
    assert suggest(case(1), []) == []


@settings(max_examples=200, deadline=None)
@given(team=teams(), waiting=queues().filter(bool).map(lambda q: q[0]))
def test_suggest_properties(team: list[Candidate], waiting: WaitingCase) -> None:
    ranked = suggest(waiting, team, limit=len(team))
    by_id = {w.id: w for w in team}
    assert {s.worker_id for s in ranked} == {w.id for w in team if not w.absent}
    full = [by_id[s.worker_id].open_cases >= by_id[s.worker_id].capacity for s in ranked]
    assert full == sorted(full)  # every worker with room before every full one
    scores = [s.score for s in ranked]
    assert scores == sorted(scores, reverse=True) and all(0 <= x <= 1 for x in scores)
    assert all(set(s.reasons) <= set(REASONS) for s in ranked)


# ── needs_requeue ──────────────────────────────────────────────────────────────────────────

REQUEUE_TABLE = [
    ("present worker keeps their cases", person(1, "Sara"), None, False),
    ("absent, no cover", person(1, "Sara", absent=True), None, True),
    ("absent, cover present", person(1, "Sara", absent=True), person(2, "Tom"), False),
    (
        "absent, cover also absent",
        person(1, "Sara", absent=True),
        person(3, "Lien", absent=True),
        True,
    ),
    (
        "coordinator covers",
        person(1, "Sara", absent=True),
        person(9, "Jan", role="coordinator"),
        False,
    ),
    ("covering for yourself is no cover", person(1, "Sara", absent=True), SARA, True),
]


@pytest.mark.parametrize(
    ("worker", "cover", "expected"),
    [row[1:] for row in REQUEUE_TABLE],
    ids=[row[0] for row in REQUEUE_TABLE],
)
def test_needs_requeue(worker: Candidate, cover: Candidate | None, expected: bool) -> None:
    assert needs_requeue(worker, cover) is expected
