"""The database's commands: `pusleplan init-demo`, `reset-password`, `create-admin`, `send-mail`, `migrate`
(also `db upgrade`), `backup`, `restore`, and the solve worker `worker` (and `prepare_database`, which
`serve` runs first; `serve` itself is `api.cli`'s, the layer that has the application).

Registered by one line in `planner.cli.build_parser`. Passwords are generated (and printed once) or read
from the settings (`planner.settings`); none is written in the code.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session, select

from planner import auth, backup, demo, migrate, outbox, services
from planner.auth import Actor
from planner.db import database_url, get_engine
from planner.errors import InputError
from planner.io import load_problem
from planner.models import Team
from planner.settings import settings

DEMO_PROBLEM = Path(__file__).resolve().parents[2] / "examples" / "uldum.json"
PLANNER_PASSWORD_ENV = "PUSLEPLAN_PLANNER_PASSWORD"
STAFF_PASSWORD_ENV = "PUSLEPLAN_STAFF_PASSWORD"
ADMIN_PASSWORD_ENV = "PUSLEPLAN_ADMIN_PASSWORD"


def add_service_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser("init-demo", help="load the Uldum example team and create its accounts")
    p.add_argument(
        "--problem", type=Path, default=DEMO_PROBLEM, help="problem file (default: examples/uldum.json)"
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="start the demo team over (its wishes, rotas and accounts are replaced; other teams stay), "
        "or load it beside the teams the database holds",
    )
    p.set_defaults(command=init_demo)

    p = commands.add_parser(
        "reset-password",
        help="give an account a one-time password (printed once) and sign it out everywhere",
        description="Give an account a one-time password, printed once, and end its sign-ins: the way "
        "back in when a password is lost. At the next sign-in its owner chooses a new one.",
    )
    p.add_argument("username", metavar="USER", help="the account's user name, e.g. planlaegger")
    p.set_defaults(command=reset_password)

    p = commands.add_parser(
        "send-mail",
        help="send the deadline reminders and e-mails that are due, once (for cron; `serve` does it itself)",
        description="One round of the outbox: the deadline reminders that are due (in-app, and e-mail "
        "where wanted), then every e-mail that is due, each at most once (a row another sender has "
        "claimed is left to it). Exit code 0, also when a send failed (it is tried again later); "
        "without PUSLEPLAN_SMTP_HOST and PUSLEPLAN_SMTP_FROM nothing is e-mailed.",
    )
    p.set_defaults(command=send_mail)

    p = commands.add_parser(
        "create-admin",
        help="create an administrator account (a one-time password printed once, or one from stdin)",
        description="Create an administrator account: it creates teams and planner accounts and sees every "
        "team's status, but no person's wishes or absences. Without --password-stdin a one-time password "
        "is printed once, and its owner chooses a new one at the first sign-in.",
    )
    p.add_argument("username", metavar="USER", help="the account's user name, e.g. admin")
    p.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input (the password policy applies)",
    )
    p.set_defaults(command=create_admin)

    p = commands.add_parser("db", help="database maintenance")
    p.add_argument("action", choices=["upgrade"], help="upgrade: apply the migrations")
    p.set_defaults(command=db_command)

    p = commands.add_parser(
        "migrate",
        help="bring the database to the newest schema (once per release, before the servers start)",
        description="Apply the migrations. `serve` does this at its start unless "
        "PUSLEPLAN_MIGRATE_ON_START=0 (a cluster: run this once, then start the servers and workers).",
    )
    p.set_defaults(command=db_command)

    p = commands.add_parser(
        "backup",
        help="copy the whole database to FILE, while the service runs",
        description="SQLite: a consistent copy by the online backup API (the service may go on "
        "writing). PostgreSQL: pg_dump --format=custom.",
    )
    p.add_argument("file", type=Path, metavar="FILE", help="the backup file to write (replaced if there)")
    p.set_defaults(command=backup_command)

    p = commands.add_parser(
        "restore",
        help="replace the database by the backup FILE (stop the service first)",
        description="SQLite: the backup is checked and written into the database file. PostgreSQL: "
        "pg_restore --clean --single-transaction. Stop the servers and workers first; start them again "
        "after (a backup of an older release is migrated at the next start or by `pusleplan migrate`).",
    )
    p.add_argument("file", type=Path, metavar="FILE", help="a file written by `pusleplan backup`")
    p.set_defaults(command=restore_command)

    p = commands.add_parser(
        "worker",
        help="run a solve worker (PUSLEPLAN_QUEUE=celery): takes solve jobs from the database when woken",
        description="A Celery worker that solves jobs: it needs the database (DATABASE_URL) and the "
        "broker (PUSLEPLAN_BROKER_URL). Start one per machine; a solve uses the machine's cores.",
    )
    p.add_argument(
        "--concurrency",
        type=int,
        metavar="N",
        help="solves at once in this worker (default PUSLEPLAN_WORKER_CONCURRENCY, 1)",
    )
    p.add_argument("--loglevel", default="info", choices=["critical", "error", "warning", "info", "debug"])
    p.add_argument("--events", action="store_true", help="send task events (for Flower)")
    p.set_defaults(command=worker_command)


def prepare_database(engine: Engine, *, migrate_now: bool | None = None) -> int:
    """What a server does at its start: migrate to the newest schema (unless `migrate_now` is False, or
    by default `PUSLEPLAN_MIGRATE_ON_START=0`: then the database must be at it already) and, with the
    local queue, fail the jobs a previous run left behind; returns how many. With the celery queue the
    workers run the jobs, and a server's restart changes none of them (lost workers' jobs are recovered
    by the workers themselves)."""
    configured = settings()
    if migrate_now if migrate_now is not None else configured.migrate_on_start:
        migrate.upgrade(engine)
    elif not migrate.is_current(engine):
        raise InputError(
            "DATABASE_URL",
            "the database is not at the newest schema: run `pusleplan migrate` first "
            "(PUSLEPLAN_MIGRATE_ON_START=0 leaves the migrations to it)",
        )
    if configured.queue != "local":
        return 0
    with Session(engine) as session:
        return services.fail_stale_jobs(session=session)


def db_command(args: argparse.Namespace) -> int:
    migrate.upgrade(get_engine())
    print("database is at the newest schema")
    return 0


def backup_command(args: argparse.Namespace) -> int:
    for line in backup.backup(database_url(), args.file):
        print(line)
    return 0


def restore_command(args: argparse.Namespace) -> int:
    for line in backup.restore(database_url(), args.file):
        print(line)
    return 0


def worker_command(args: argparse.Namespace) -> int:
    from planner import worker  # celery is imported only by the commands that use it

    return worker.run_worker(concurrency=args.concurrency, loglevel=args.loglevel, events=args.events)


def init_demo(args: argparse.Namespace) -> int:
    """The example team with its 8-week period open for wishes, a planner account and one account per
    person. Passwords come from the environment or are generated and printed here, once. `--force`
    starts a team of the same name over instead of adding a second one."""
    engine = get_engine()
    migrate.upgrade(engine)  # only: jobs of a running service are its own (`serve` fails stale ones)
    problem = load_problem(args.problem)
    name = problem.name or args.problem.stem
    configured = settings()
    planner_password, staff_password = configured.planner_password, configured.staff_password
    admin_password = configured.admin_password
    with Session(engine, expire_on_commit=False) as session:
        if not args.force and session.exec(select(Team)).first() is not None:
            raise InputError(
                "init-demo",
                "the database already holds a team; `pusleplan reset-password USER` gives an account a new "
                "password, `pusleplan init-demo --force` starts the demo team over",
            )
        made = demo.load_demo(
            session,
            problem,
            name=name,
            planner_password=planner_password,
            staff_password=staff_password,
            admin_password=admin_password,
            replace=True,
        )
        session.commit()
    team, period = made.team, made.period
    for old in made.replaced:
        print(f"team {old} ({name}) removed with its periods, wishes, rotas and accounts")
    print(f"team {team.id}: {team.name}; period {period.id} ({period.start}, {period.days} days) is open")
    print("accounts (the passwords are shown only now):")
    passwords = {
        "admin": (ADMIN_PASSWORD_ENV, admin_password),
        "planner": (PLANNER_PASSWORD_ENV, planner_password),
        "staff": (STAFF_PASSWORD_ENV, staff_password),
    }
    for account in made.accounts:
        env, given = passwords[account.role]
        shown = f"(from ${env})" if given else account.password
        print(f"  {account.role:<8} {account.username:<16} {shown}")
    return 0


def reset_password(args: argparse.Namespace) -> int:
    """A one-time password for one account, printed once; the account's sign-ins end, and its owner
    chooses a new password at the next sign-in."""
    engine = get_engine()
    migrate.upgrade(engine)
    with Session(engine) as session:
        user, password = auth.reset_password(args.username, session=session)
        for team in services.account_teams(session, user) or (None,):
            services.audit(session, Actor.system(team), team, "reset password", f"user {user.username}")
        session.commit()
    print(
        f"one-time password for {args.username} (shown only now; sign-ins so far have ended; "
        "a new one is chosen at the next sign-in):"
    )
    print(f"  {password}")
    return 0


def send_mail(args: argparse.Namespace) -> int:
    """One outbox round (`planner.outbox.run_once`), reported in one line."""
    engine = get_engine()
    migrate.upgrade(engine)
    report = outbox.run_once(engine)
    line = (
        f"reminded {report.reminded}; e-mails sent {report.sent}, to be tried again {report.retrying}, "
        f"given up {report.failed}"
    )
    if not settings().mail_configured:
        line += " (e-mail is off: set PUSLEPLAN_SMTP_HOST and PUSLEPLAN_SMTP_FROM)"
    print(line)
    for error in report.errors:
        print(f"  {error}", file=sys.stderr)
    return 0


def create_admin(args: argparse.Namespace) -> int:
    """An administrator account: a one-time password printed once, or the password given on stdin."""
    password = None
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise InputError("--password-stdin", "no password on standard input")
    engine = get_engine()
    migrate.upgrade(engine)
    with Session(engine, expire_on_commit=False) as session:
        user, chosen = services.create_admin(args.username, password, session=session)
        session.commit()
    if password is not None:
        print(f"administrator {user.username} created")
        return 0
    print(
        f"administrator {user.username} created; one-time password (shown only now; a new one is chosen "
        "at the first sign-in):"
    )
    print(f"  {chosen}")
    return 0
