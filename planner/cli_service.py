"""The service's commands: `pusleplan serve`, `init-demo`, `reset-password`, `db upgrade`.

Registered by one line in `planner.cli.build_parser`. Passwords are generated (and printed once) or read
from the environment; none is written in the code. Only this module imports uvicorn, and only when
serving; it hands uvicorn the application by its import string (`APP_FACTORY`), so `planner` imports
nothing of `api` (the arrows run api → planner → solver only).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, select

from planner import auth, demo, migrate, services
from planner.auth import Actor
from planner.db import database_url, get_engine, sqlite_file_missing
from planner.errors import InputError
from planner.io import load_problem
from planner.models import Team

DEMO_PROBLEM = Path(__file__).resolve().parents[1] / "examples" / "uldum.json"
PLANNER_PASSWORD_ENV = "PUSLEPLAN_PLANNER_PASSWORD"
STAFF_PASSWORD_ENV = "PUSLEPLAN_STAFF_PASSWORD"
# The application uvicorn serves, by name: it builds its engine from DATABASE_URL (the one `serve` migrated).
APP_FACTORY = "api.main:create_app"


def add_service_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser("serve", help="run the HTTP service (migrates the database first)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument(
        "--workers",
        type=int,
        default=1,
        help="server processes (default 1); each runs its own solve-job queue (one solve at a time each)",
    )
    p.add_argument(
        "--log-level",
        default="info",
        choices=["critical", "error", "warning", "info", "debug"],
        help="uvicorn's log level (default info)",
    )
    p.add_argument(
        "--no-access-log", action="store_true", help="do not log a line per request (faster under load)"
    )
    p.add_argument(
        "--create-database",
        action="store_true",
        help="start on an empty new SQLite database when its file does not exist (without it, a missing "
        "file is an error: a lost database must not be replaced by an empty one unnoticed)",
    )
    p.set_defaults(command=serve)

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
        help="give an account a new password (printed once) and sign it out everywhere",
        description="Give an account a new password, printed once, and end its sign-ins: the way back in "
        "when a password is lost.",
    )
    p.add_argument("username", metavar="USER", help="the account's user name, e.g. planlaegger")
    p.set_defaults(command=reset_password)

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


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    missing = sqlite_file_missing(database_url())
    if missing and not args.create_database:
        raise InputError(
            "DATABASE_URL",
            f"no database file {missing}: `pusleplan init-demo` makes one with the example team, "
            "`pusleplan serve --create-database` starts on an empty one; if it was there before, restore "
            "it from a backup",
        )
    engine = get_engine()
    stale = prepare_database(engine)
    if stale:
        print(f"marked {stale} solve job(s) left running by the last run as failed", file=sys.stderr)
    options: dict[str, Any] = {
        "host": args.host,
        "port": args.port,
        "log_level": args.log_level,
        "access_log": not args.no_access_log,
    }
    if args.workers > 1:
        # Each process builds its own engine from DATABASE_URL; on SQLite their write transactions queue
        # on a file lock (`planner.db`), so none is lost. One process reuses this one (`get_engine`).
        engine.dispose()
    uvicorn.run(APP_FACTORY, factory=True, workers=args.workers, **options)
    return 0


def init_demo(args: argparse.Namespace) -> int:
    """The example team with its 8-week period open for wishes, a planner account and one account per
    person. Passwords come from the environment or are generated and printed here, once. `--force`
    starts a team of the same name over instead of adding a second one."""
    engine = get_engine()
    migrate.upgrade(engine)  # only: jobs of a running service are its own (`serve` fails stale ones)
    problem = load_problem(args.problem)
    name = problem.name or args.problem.stem
    planner_password = os.environ.get(PLANNER_PASSWORD_ENV) or None
    staff_password = os.environ.get(STAFF_PASSWORD_ENV) or None
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
    """A new password for one account, printed once; the account's sign-ins end."""
    engine = get_engine()
    migrate.upgrade(engine)
    with Session(engine) as session:
        user, password = auth.reset_password(args.username, session=session)
        services.audit(
            session, Actor.system(user.team_id), user.team_id, "reset password", f"user {user.username}"
        )
        session.commit()
    print(f"new password for {args.username} (shown only now; sign-ins so far have ended):")
    print(f"  {password}")
    return 0
