"""The database's commands: `pusleplan init-demo`, `reset-password`, `send-mail`, `db upgrade` (and `prepare_database`,
which `serve` runs first; `serve` itself is `api.cli`'s, the layer that has the application).

Registered by one line in `planner.cli.build_parser`. Passwords are generated (and printed once) or read
from the settings (`planner.settings`); none is written in the code.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session, select

from planner import auth, demo, migrate, outbox, services
from planner.auth import Actor
from planner.db import get_engine
from planner.errors import InputError
from planner.io import load_problem
from planner.models import Team
from planner.settings import settings

DEMO_PROBLEM = Path(__file__).resolve().parents[2] / "examples" / "uldum.json"
PLANNER_PASSWORD_ENV = "PUSLEPLAN_PLANNER_PASSWORD"
STAFF_PASSWORD_ENV = "PUSLEPLAN_STAFF_PASSWORD"


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

    p = commands.add_parser("db", help="database maintenance")
    p.add_argument("action", choices=["upgrade"], help="upgrade: apply the migrations")
    p.set_defaults(command=db_command)


def prepare_database(engine: Engine) -> int:
    """Migrate to the newest schema and fail the jobs a previous run left behind; returns how many."""
    migrate.upgrade(engine)
    with Session(engine) as session:
        return services.fail_stale_jobs(session=session)


def db_command(args: argparse.Namespace) -> int:
    migrate.upgrade(get_engine())
    print("database is at the newest schema")
    return 0


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
            replace=True,
        )
        session.commit()
    team, period = made.team, made.period
    for old in made.replaced:
        print(f"team {old} ({name}) removed with its periods, wishes, rotas and accounts")
    print(f"team {team.id}: {team.name}; period {period.id} ({period.start}, {period.days} days) is open")
    print("accounts (the passwords are shown only now):")
    for account in made.accounts:
        env, given = (
            (PLANNER_PASSWORD_ENV, planner_password)
            if account.role == "planner"
            else (STAFF_PASSWORD_ENV, staff_password)
        )
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
        services.audit(
            session, Actor.system(user.team_id), user.team_id, "reset password", f"user {user.username}"
        )
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
