"""Query plans of what a service call really runs: capture its SELECTs, EXPLAIN each again.

`capturing(db)` records every SELECT (with its parameters) the engine sends while the block
runs; `full_scans(db, statements, tables)` re-runs each under the database's EXPLAIN and
returns the ones that read a whole table of `tables`:

- SQLite, `EXPLAIN QUERY PLAN`: a `SCAN <table>` line (with or without an index: a SCAN
  visits every row, in the index's order at best; a SEARCH is what an index buys).
- PostgreSQL, `EXPLAIN (FORMAT JSON)` with sequential scans, hash and merge joins off
  (`SET LOCAL`), so the planner takes an index whenever one CAN serve the query and joins
  by index lookups, as it does when the outer rows are few of very many (on the small test
  tables it would otherwise read them whole): a "Seq Scan" node, or an index scan without
  an "Index Cond" (the whole index: the planner's fallback when no index narrows the rows).
- Both: reading a *partial* index, whole or in part, is fine (it holds only what its WHERE
  says: open cases, planned check-ins, jobs to send); a search whose only condition is in
  `broad` for its table is
  not (e.g. cases by partnership alone: that partnership's whole history, closed included).

Each finding names the statement, its parameters and the plan, so whoever breaks a check
sees what to index.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection

from storage.db import Database
from storage.models import Base


@dataclass(frozen=True)
class Statement:
    sql: str
    params: Any  # as the driver got them (a tuple for aiosqlite and asyncpg)


@dataclass(frozen=True)
class FullScan:
    statement: Statement
    tables: tuple[str, ...]  # the guarded tables read whole
    plan: str

    def __str__(self) -> str:
        return (
            f"reads all of {', '.join(self.tables)}:\n  {self.statement.sql}\n"
            f"  params: {self.statement.params!r}\n  plan:\n{self.plan}"
        )


@contextmanager
def capturing(db: Database) -> Iterator[list[Statement]]:
    """Every distinct SELECT, UPDATE and DELETE the engine runs inside the block, in order
    (with the parameters of its first run; EXPLAIN without ANALYZE changes nothing)."""
    seen: list[Statement] = []
    known: set[str] = set()

    def record(
        _conn: Connection, _cursor: Any, sql: str, params: Any, _ctx: Any, many: bool
    ) -> None:
        start = sql.lstrip().upper()
        if many or not start.startswith(("SELECT", "WITH", "UPDATE", "DELETE")) or sql in known:
            return
        known.add(sql)
        seen.append(Statement(sql, params))

    engine = db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def analyze(db: Database) -> None:
    """Fresh planner statistics, as a running database has them."""
    async with db.engine.connect() as conn:
        await conn.exec_driver_sql("ANALYZE")
        await conn.commit()


@dataclass(frozen=True)
class Guard:
    """The tables not to read whole, and per table the columns that alone select history."""

    tables: tuple[str, ...]
    broad: Mapping[str, frozenset[str]]
    partial: frozenset[str]  # names of partial indexes (a whole one is read at no harm)

    @classmethod
    def of(cls, tables: Sequence[str], broad: Mapping[str, Iterable[str]]) -> Guard:
        partial = {
            index.name
            for table in Base.metadata.tables.values()
            for index in table.indexes
            if index.name
            and any(
                index.dialect_options[d].get("where") is not None for d in ("sqlite", "postgresql")
            )
        }
        return cls(
            tuple(tables),
            {t: frozenset(c) for t, c in broad.items()},
            frozenset(partial),
        )

    def too_broad(self, table: str, condition: str) -> bool:
        """The index condition narrows `table` only by columns that select history."""
        columns = {c.name for c in Base.metadata.tables[table].columns} | {"rowid"}
        used = set(re.findall(r"[a-z_]+", condition)) & columns
        return table in self.broad and bool(used) and used <= self.broad[table]


async def full_scans(db: Database, statements: Sequence[Statement], guard: Guard) -> list[FullScan]:
    """The statements whose plan reads a whole table (or too much of one) of the guard's."""
    found: list[FullScan] = []
    async with db.engine.connect() as conn:
        for statement in statements:
            if db.is_sqlite:
                scan = await sqlite_scan(conn, statement, guard)
            else:
                scan = await postgres_scan(conn, statement, guard)
            if scan is not None:
                found.append(scan)
        await conn.rollback()
    return found


def report(scans: Sequence[FullScan]) -> str:
    """A failure message: every statement that scans, with its plan."""
    return f"{len(scans)} statement(s) read a whole table:\n\n" + "\n\n".join(map(str, scans))


SQLITE_STEP = re.compile(r"(SCAN|SEARCH) (\w+)(?: USING (?:COVERING )?INDEX (\w+))?")


async def sqlite_scan(conn: Any, statement: Statement, guard: Guard) -> FullScan | None:
    result = await conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement.sql}", statement.params)
    lines = [str(row[3]) for row in result.all()]
    names = aliases(statement.sql, guard.tables)
    hit = set()
    for line in lines:
        step = SQLITE_STEP.match(line)
        if step is None or step.group(2) not in names:
            continue
        kind, table, index = step.group(1), names[step.group(2)], step.group(3)
        condition = re.search(r"\((.*)\)", line)
        if index in guard.partial:
            continue  # the index holds only open or due rows: reading it is not history
        whole = kind == "SCAN"
        if whole or guard.too_broad(table, condition[1] if condition else ""):
            hit.add(table)
    if not hit:
        return None
    return FullScan(statement, tuple(sorted(hit)), "\n".join(f"    {line}" for line in lines))


def aliases(sql: str, tables: Sequence[str]) -> dict[str, str]:
    """Name in the plan → table: the tables themselves and what they are called AS."""
    names = {t: t for t in tables}
    for table, alias in re.findall(r"\b(\w+) AS (\w+)", sql):
        if table in tables:
            names[alias] = table
    return names


async def postgres_scan(conn: Any, statement: Statement, guard: Guard) -> FullScan | None:
    for setting in ("enable_seqscan", "enable_hashjoin", "enable_mergejoin"):
        await conn.execute(text(f"SET LOCAL {setting} = off"))
    result = await conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {statement.sql}", statement.params)
    raw = result.scalar_one()
    plan = json.loads(raw) if isinstance(raw, str) else raw
    hit = sorted(
        {node["Relation Name"] for node in nodes(plan[0]["Plan"]) if reads_all(node, guard)}
    )
    if not hit:
        return None
    return FullScan(statement, tuple(hit), outline(plan[0]["Plan"]))


def nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("Plans", ()):
        yield from nodes(child)


def reads_all(node: dict[str, Any], guard: Guard) -> bool:
    table = node.get("Relation Name")
    if table not in guard.tables:
        return False
    kind = node["Node Type"]
    if kind == "Seq Scan":
        return True
    # A bitmap heap scan reads through the index scans below it.
    used = {n.get("Index Name") for n in nodes(node)} - {None}
    if used and used <= guard.partial:
        return False  # partial indexes hold only open or due rows: reading them is not history
    condition = node.get("Index Cond", node.get("Recheck Cond"))
    if kind in ("Index Scan", "Index Only Scan") and condition is None:
        return True
    return condition is not None and guard.too_broad(table, condition)


def outline(node: dict[str, Any], depth: int = 2) -> str:
    """A plan as indented lines: node type, relation and index, conditions and filters."""
    parts = [node["Node Type"]]
    if "Relation Name" in node:
        parts.append(f"on {node['Relation Name']}")
    if "Index Name" in node:
        parts.append(f"using {node['Index Name']}")
    for key in ("Index Cond", "Recheck Cond", "Filter"):
        if key in node:
            parts.append(f"{key}: {node[key]}")
    lines = ["  " * depth + " ".join(parts)]
    for child in node.get("Plans", ()):
        lines.append(outline(child, depth + 1))
    return "\n".join(lines)
