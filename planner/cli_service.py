"""The service's commands: `pusleplan serve`, `pusleplan init-demo`, `pusleplan db upgrade`.

Registered by one line in `planner.cli.build_parser`. Passwords are generated (and printed once) or read
from the environment; none is written in the code. Only this module imports uvicorn, and only when
serving (the API package is imported lazily, so `planner` stays free of FastAPI at import time).
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, select

from planner import migrate, services
from planner.auth import hash_password
from planner.db import get_engine
from planner.errors import InputError
from planner.io import load_problem
from planner.models import Period, Staff, Team, User

DEMO_PROBLEM = Path(__file__).resolve().parents[1] / "examples" / "uldum.json"
PLANNER_USERNAME = "planlaegger"
PLANNER_PASSWORD_ENV = "PUSLEPLAN_PLANNER_PASSWORD"
STAFF_PASSWORD_ENV = "PUSLEPLAN_STAFF_PASSWORD"


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
    p.set_defaults(command=serve)

    p = commands.add_parser("init-demo", help="load the Uldum example team and create its accounts")
    p.add_argument(
        "--problem", type=Path, default=DEMO_PROBLEM, help="problem file (default: examples/uldum.json)"
    )
    p.add_argument("--force", action="store_true", help="load it even if the database holds teams already")
    p.set_defaults(command=init_demo)

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

    from api.main import create_app

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
        # Several processes need the app as an import string; each builds its engine from DATABASE_URL.
        # On SQLite their write transactions queue on a file lock (`planner.db`), so none is lost.
        engine.dispose()
        uvicorn.run("api.main:create_app", factory=True, workers=args.workers, **options)
    else:
        uvicorn.run(create_app(engine), **options)
    return 0


def init_demo(args: argparse.Namespace) -> int:
    """The example team with its 8-week period open for wishes, a planner account and one account per
    person. Passwords come from the environment or are generated and printed here, once."""
    from planner import mapping

    engine = get_engine()
    prepare_database(engine)
    problem = load_problem(args.problem)
    with Session(engine, expire_on_commit=False) as session:
        if session.exec(select(Team)).first() is not None and not args.force:
            raise InputError(
                "init-demo", "the database already holds a team; use --force to add the demo anyway"
            )
        team, period = mapping.import_problem(session, problem)
        period.state = "open"
        session.add(period)
        planner_password = os.environ.get(PLANNER_PASSWORD_ENV) or secrets.token_urlsafe(12)
        staff_password = os.environ.get(STAFF_PASSWORD_ENV)
        planner_name = _free_username(session, PLANNER_USERNAME)
        accounts = [(planner_name, "planner", None, planner_password)]
        people = session.exec(select(Staff).where(Staff.team_id == team.id).order_by(Staff.id)).all()  # type: ignore[arg-type]
        for person in people:
            name = _free_username(session, person.code)
            accounts.append((name, "staff", person.id, staff_password or secrets.token_urlsafe(9)))
        for username, role, staff_id, password in accounts:
            session.add(
                User(
                    username=username,
                    role=role,
                    team_id=team.id,
                    staff_id=staff_id,
                    password_hash=hash_password(password),
                )
            )
        services.audit(session, services.Actor.system(team.id), team.id, "init demo", f"team {team.id}")
        session.commit()
        assert isinstance(period, Period)
    print(f"team {team.id}: {team.name}; period {period.id} ({period.start}, {period.days} days) is open")
    print("accounts (the passwords are shown only now):")
    for username, role, _, password in accounts:
        shown = "(from $" + (PLANNER_PASSWORD_ENV if role == "planner" else STAFF_PASSWORD_ENV) + ")"
        from_env = (role == "planner" and os.environ.get(PLANNER_PASSWORD_ENV)) or (
            role == "staff" and staff_password
        )
        print(f"  {role:<8} {username:<16} {shown if from_env else password}")
    return 0


def _free_username(session: Session, wanted: str) -> str:
    name, n = wanted, 1
    while session.exec(select(User).where(User.username == name)).first() is not None:
        n += 1
        name = f"{wanted}{n}"
    return name
