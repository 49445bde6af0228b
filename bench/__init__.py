"""Benchmarks that print figures: `python -m bench [--quick] [names…]` (or `make bench`).

Performance is measured here, never in timed tests. Each module has `run(quick) -> list[Result]`:
- flows:    `flows.conversation.step` over complete intakes (pure, no I/O);
- places:   `Directory.match_place` over names, postcodes, deelgemeenten and typos;
- safety:   `flows.safety.detect` over 200-character messages, and recall / false alarms
            on the crisis case file and the held-out file;
- pipeline: inbound store → Engine/Dispatcher → outbox drained by the Sender, on SQLite
            (and PostgreSQL when BENCH_POSTGRES_URL is set);
- checkins: the scheduler tick sending due check-ins, and an idle tick with nothing due;
- report:   the coordinator's report for a year and a quarter over 100,000 demo youths, on
            SQLite (seeded once into .bench/) and PostgreSQL.
"""
