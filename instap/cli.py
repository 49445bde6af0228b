"""The `instap` command: run the service, migrate, and read the queue without the inbox."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import secrets
import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from config.partnerships import PartnershipsFileError, load_directory
from config.settings import Settings, SettingsError
from core import whatsapp_templates
from inbox.accounts import add_account
from instap.app import build, serve
from instap.demo import demo_command, summary
from instap.logs import formatter
from storage import backup, casework, registrations, workers
from storage.clock import utcnow
from storage.db import Database
from storage.demo import NotForDemo
from storage.retention import Overdue


class RedactToken(logging.Filter):
    """Keep the bot token out of every log line (it appears in Bot API URLs)."""

    def __init__(self, secret: str) -> None:
        super().__init__()
        self.secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secret:
            message = record.getMessage()
            if self.secret in message:
                record.msg = message.replace(self.secret, "<token>")
                record.args = None
        return True


CONTENT_LOGGERS = (
    "aiosqlite", "asyncpg", "sqlalchemy.engine", "telegram", "httpx", "httpcore", "aiohttp.access",
)  # fmt: skip


def setup_logging(settings: Settings) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(formatter(settings.log_format))
    handler.addFilter(RedactToken(settings.telegram_bot_token))
    logging.basicConfig(level=settings.log_level, handlers=[handler], force=True)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # it logs every tick at INFO
    for name in CONTENT_LOGGERS:  # they would log what youths write (SQL parameters, payloads)
        logging.getLogger(name).setLevel(settings.log_level if settings.log_content else "WARNING")


async def migrate(settings: Settings) -> None:
    db = Database(settings.database_url)
    await db.migrate()
    await db.dispose()
    print("database is up to date")


async def show_queue(settings: Settings, partnership: str | None) -> None:
    db = Database(settings.database_url)
    await db.migrate()
    async with db.transaction() as session:
        waiting = await registrations.waiting(session, partnership)
    await db.dispose()
    if not waiting:
        print("no cases waiting")
    for case in waiting:
        a = case.answers
        print(
            f"#{case.id} {case.partnership_id} {case.created_at:%Y-%m-%d %H:%M} UTC "
            f"{a.get('name')} ({a.get('age')}), {a.get('municipality') or '?'}; "
            f"needs: {', '.join(a.get('needs', []))}; via {case.channel}"
        )


async def show_blind_spots(settings: Settings) -> None:
    db = Database(settings.database_url)
    await db.migrate()
    async with db.transaction() as session:
        places = await registrations.uncovered_report(session)
        signposts = await registrations.signpost_report(session)
    await db.dispose()
    print("Places without a partnership (requests):")
    for place, n in places:
        print(f"  {place}: {n}")
    print(
        "Signposted elsewhere:",
        ", ".join(f"{k} {v}" for k, v in sorted(signposts.items())) or "none",
    )


async def retention(settings: Settings, apply: bool) -> None:
    """The nightly retention job, or (by default) its dry run for a coordinator.

    The youths are counted first and then printed as they are found (or erased): a
    hundred thousand never sit in memory.
    """
    service = build(settings)
    await service.db.migrate()
    try:
        due = await service.privacy.count_due()
        verb = "erased" if apply else "would be erased"
        print(f"{due} youths {verb} (retention periods in {settings.partnerships_file.name}):")
        await service.privacy.retention(apply=apply, each=print_due)
    finally:
        await service.db.dispose()


def print_due(item: Overdue) -> None:
    what = f"case #{item.case_id}" if item.case_id else "an unfinished intake"
    print(f"  {item.partnership_id}: {what}, {item.rule}, due {item.due:%Y-%m-%d}")


async def demo_data(settings: Settings, partnership: str | None, youths: int) -> int:
    directory = load_directory(settings.partnerships_file)
    db = Database(settings.database_url)
    await db.migrate()
    try:
        accounts, filled = await demo_command(db, directory, partnership, youths)
    except (NotForDemo, ValueError) as exc:
        print(f"instap: {exc}", file=sys.stderr)
        return 2
    finally:
        await db.dispose()
    for a in accounts:
        print(f"demo account {a.username:6} {a.password}   ({a.role}, shown once)")
    print(summary(filled, directory.partnership(filled.partnership_id).name))
    return 0


async def worker_command(settings: Settings, args: argparse.Namespace) -> int:
    directory = load_directory(settings.partnerships_file)
    db = Database(settings.database_url)
    await db.migrate()
    try:
        if args.action == "add":
            password = sys.stdin.readline().rstrip("\n") if args.password_stdin else None
            account = await add_account(
                db, directory, partnership_id=args.partnership, username=args.username,
                first_name=args.first_name, full_name=args.full_name or args.first_name,
                role=args.role, password=password, organisation=args.organisation,
            )  # fmt: skip
            print(f"added {account.username} ({account.role}, {account.partnership_id})")
            if not password:
                print(f"password: {account.password}  (shown once; the worker changes it later)")
        elif args.action == "list":
            async with db.transaction() as session:
                team = await workers.of_partnership(session, args.partnership)
            for w in team:
                flags = " (afwezig)" if w.absent else ""
                print(f"{w.username:20} {w.full_name:30} {w.role:12} capacity {w.capacity}{flags}")
        elif args.action == "token":
            token = secrets.token_urlsafe(32)
            async with db.transaction() as session:
                worker = await workers.by_username(session, args.username)
                if worker is None:
                    raise ValueError(f"no worker {args.username!r}")
                if worker.role in settings.require_totp_roles and not worker.totp_secret:
                    raise ValueError(
                        f"{args.username} is a {worker.role}, who must use two-step login "
                        "(REQUIRE_TOTP_ROLES): no token until it is set up under Mijn account"
                    )
                if not 1 <= args.days <= workers.MAX_TOKEN_DAYS:
                    raise ValueError(f"--days must be 1 to {workers.MAX_TOKEN_DAYS}")
                made = await workers.add_token(
                    session, worker, token, args.name, utcnow(), scope=args.scope, days=args.days
                )
                await casework.audit(session, worker.id, "add_token", None, utcnow())
            print(
                f"bearer token #{made.id} for {args.username} ({args.name}, {made.scope}, "
                f"until {made.expires_at:%Y-%m-%d}), shown once:\n{token}"
            )
        elif args.action == "tokens":
            async with db.transaction() as session:
                worker = await workers.by_username(session, args.username)
                if worker is None:
                    raise ValueError(f"no worker {args.username!r}")
                tokens = await workers.tokens_of(session, worker.id)
            if not tokens:
                print(f"{args.username} has no API tokens")
            for t in tokens:
                used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never"
                print(
                    f"#{t.id:<6} {t.name:20} {t.scope:6} until {t.expires_at:%Y-%m-%d}"
                    f"  last used {used}"
                )
        elif args.action == "revoke-token":
            async with db.transaction() as session:
                worker = await workers.by_username(session, args.username)
                if worker is None:
                    raise ValueError(f"no worker {args.username!r}")
                if not await workers.revoke_token(session, worker.id, args.id):
                    raise ValueError(f"{args.username} has no token #{args.id}")
                await casework.audit(session, worker.id, "revoke_token", None, utcnow())
            print(f"token #{args.id} of {args.username} is revoked: it no longer works")
        elif args.action == "deactivate":
            async with db.transaction() as session:
                worker = await workers.by_username(session, args.username)
                if worker is None:
                    raise ValueError(f"no worker {args.username!r}")
                await workers.deactivate(session, worker)
                await casework.audit(session, worker.id, "deactivated", None, utcnow())
            print(f"{args.username} can no longer log in; their sessions and API tokens ended")
        elif args.action == "reset-2fa":
            async with db.transaction() as session:
                worker = await workers.by_username(session, args.username)
                if worker is None:
                    raise ValueError(f"no worker {args.username!r}")
                workers.clear_totp(worker)
                await workers.close_all_sessions(session, worker.id)
                await casework.audit(session, worker.id, "totp_reset", None, utcnow())
            print(f"two-step login is off for {args.username}; they log in with their password")
            print("and set it up again under Mijn account. All their sessions were ended.")
    except ValueError as exc:
        print(f"instap: {exc}", file=sys.stderr)
        return 2
    finally:
        await db.dispose()
    return 0


def backup_command(settings: Settings, file: Path) -> int:
    try:
        database = backup.target(settings.database_url)
        backup.backup(database, file)
    except backup.BackupError as exc:
        print(f"instap: {exc}", file=sys.stderr)
        return 2
    print(f"backed up {database.describe()} to {file} ({size(file)})")
    print(
        "It holds personal data: keep it encrypted, off this machine, and only as long as needed."
    )
    return 0


def restore_command(settings: Settings, file: Path, yes: bool) -> int:
    try:
        database = backup.target(settings.database_url)
        backup.check_restorable(database, file)
        written = datetime.fromtimestamp(file.stat().st_mtime).astimezone()
        print(f"This replaces everything in {database.describe()}")
        print(f"with the backup {file} ({size(file)}, written {written:%Y-%m-%d %H:%M %Z}).")
        print("Stop every Instap instance first; they migrate the restored database at start.")
        if not yes:
            if not sys.stdin.isatty():
                print(
                    "instap: not restored: confirm with --yes (no terminal to ask)", file=sys.stderr
                )
                return 2
            if input("Type yes to restore: ").strip().lower() != "yes":
                print("not restored")
                return 1
        backup.restore(database, file)
    except backup.BackupError as exc:
        print(f"instap: {exc}", file=sys.stderr)
        return 2
    print(f"restored {database.describe()} from {file}")
    return 0


def size(file: Path) -> str:
    return f"{file.stat().st_size / 1e6:.1f} MB"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="instap", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="start the service (web chat, Telegram when configured)")
    run.add_argument(
        "--demo-data", action="store_true",
        help="with the demo accounts on an empty database, also add demo data (make run)",
    )  # fmt: skip
    sub.add_parser("migrate", help="bring the database schema up to date")
    sub.add_parser("check-config", help="validate the settings and the partnerships file")
    queue = sub.add_parser("cases", help="list the cases waiting in the queue")
    queue.add_argument("--partnership", help="only this partnership id, e.g. wam")
    sub.add_parser("blind-spots", help="count requests from places no partnership covers")
    sub.add_parser(
        "whatsapp-templates", help="the WhatsApp templates to register with Meta, with their texts"
    )
    keep = sub.add_parser("retention", help="who is past the retention period (a dry run)")
    keep.add_argument("--apply", action="store_true", help="erase them now (the nightly job)")
    fake = sub.add_parser(
        "demo-data", help="fill one partnership with two years of fake activity (empty database)"
    )
    fake.add_argument("--partnership", help="partnership id (default: the first in the file)")
    fake.add_argument("--youths", type=int, default=500, help="how many fake youths (500)")
    save = sub.add_parser("backup", help="back the whole database up to one file")
    save.add_argument("file", type=Path)
    back = sub.add_parser("restore", help="replace the database with a backup (service stopped)")
    back.add_argument("file", type=Path)
    back.add_argument("--yes", action="store_true", help="do not ask (scripts, no terminal)")
    worker = sub.add_parser("worker", help="manage inbox accounts").add_subparsers(
        dest="action", required=True
    )
    add = worker.add_parser("add", help="add a trajectgezel, coordinator or admin")
    add.add_argument("--partnership", required=True, help="partnership id, e.g. wam")
    add.add_argument("--username", required=True)
    add.add_argument("--first-name", required=True, help="shown to youths, e.g. Sara")
    add.add_argument("--full-name", default="")
    add.add_argument("--organisation", default="")
    add.add_argument("--role", default="worker", choices=workers.ROLES)
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    listing = worker.add_parser("list", help="list a partnership's accounts")
    listing.add_argument("--partnership", required=True)
    token = worker.add_parser("token", help="create an API bearer token for a worker")
    token.add_argument("username")
    token.add_argument("--name", default="api")
    token.add_argument(
        "--scope",
        default="write",
        choices=workers.TOKEN_SCOPES,
        help="read: GET only; write: everything (default)",
    )
    token.add_argument(
        "--days",
        type=int,
        default=workers.TOKEN_DAYS,
        help=f"how long it works (default {workers.TOKEN_DAYS})",
    )
    tokens = worker.add_parser("tokens", help="list a worker's API tokens (never the tokens)")
    tokens.add_argument("username")
    revoke = worker.add_parser("revoke-token", help="revoke one API token of a worker")
    revoke.add_argument("username")
    revoke.add_argument("id", type=int, help="the token's number, from `instap worker tokens`")
    deactivate = worker.add_parser(
        "deactivate", help="a worker who left: no more logins, sessions and tokens end"
    )
    deactivate.add_argument("username")
    reset = worker.add_parser(
        "reset-2fa", help="turn two-step login off for a worker who lost their phone"
    )
    reset.add_argument("username")
    args = parser.parse_args(argv)
    try:
        settings = Settings.load()
        setup_logging(settings)
        load_directory(settings.partnerships_file)
    except (SettingsError, PartnershipsFileError) as exc:
        print(f"instap: {exc}", file=sys.stderr)
        return 2
    if args.command == "run":
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(serve(replace(settings, demo_data=args.demo_data)))
    elif args.command == "migrate":
        asyncio.run(migrate(settings))
    elif args.command == "check-config":
        print(f"{settings.partnerships_file}: ok")
    elif args.command == "cases":
        asyncio.run(show_queue(settings, args.partnership))
    elif args.command == "blind-spots":
        asyncio.run(show_blind_spots(settings))
    elif args.command == "whatsapp-templates":
        print(whatsapp_templates.registration_text(whatsapp_templates.load()))
    elif args.command == "retention":
        asyncio.run(retention(settings, args.apply))
    elif args.command == "demo-data":
        return asyncio.run(demo_data(settings, args.partnership, args.youths))
    elif args.command == "backup":
        return backup_command(settings, args.file)
    elif args.command == "restore":
        return restore_command(settings, args.file, args.yes)
    elif args.command == "worker":
        return asyncio.run(worker_command(settings, args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
