"""Run the benchmarks and print one compact table."""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import sqlite3
import sys
import time
from collections.abc import Callable, Sequence

from bench.common import Result, table

BENCHMARKS = (
    "flows",
    "places",
    "safety",
    "pipeline",
    "checkins",
    "report",
    "retention",
    "inbox",
    "fleet",
)


def runner(name: str) -> Callable[[bool], list[Result]]:
    module = importlib.import_module(f"bench.{name}")
    run: Callable[[bool], list[Result]] = module.run
    return run


def header(quick: bool) -> str:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"instap bench ({'quick' if quick else 'full'}): Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, {os.cpu_count()} CPUs, load {load}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small N: all done in seconds")
    parser.add_argument(
        "names", nargs="*", metavar="name",
        help=f"run only these ({', '.join(BENCHMARKS)}); default: all",
    )  # fmt: skip
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    names = args.names or BENCHMARKS
    print(header(args.quick), flush=True)
    results: list[Result] = []
    start = time.perf_counter()
    for name in names:
        t0 = time.perf_counter()
        results += runner(name)(args.quick)
        print(f"  {name}: {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
    print()
    print(table(results))
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"\n(all benchmarks: {time.perf_counter() - start:.1f} s; load at the end {load})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
