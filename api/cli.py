"""The `pusleplan` command, composed here at the top of the layers: the planner's commands (`solve`,
`check`, `schema`, `bench`, `init-demo`, `reset-password`, `db`, `migrate`, `backup`, `restore`, `worker`;
`planner.cli`) and `serve`, which runs
this package's HTTP service under uvicorn. The console script and `python -m api.cli` start here, so
no module below `api` names the application (the arrows run api → planner → solver only).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from planner import cli
from planner.cli.service import prepare_database
from planner.db import database_url, get_engine, sqlite_file_missing
from planner.errors import InputError

# The application uvicorn serves, by name (several worker processes each import it): it builds its
# engine from DATABASE_URL, the database `serve` migrated.
APP_FACTORY = "api.main:create_app"


def add_serve(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser("serve", help="run the HTTP service (migrates the database first)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument(
        "--workers",
        type=int,
        default=1,
        help="server processes (default 1); with the local queue each runs its own solve-job queue (one "
        "solve at a time each); with PUSLEPLAN_QUEUE=celery the workers solve",
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
    p.add_argument(
        "--no-migrate",
        action="store_true",
        help="do not migrate at start (as PUSLEPLAN_MIGRATE_ON_START=0): the database must be at the "
        "newest schema already (`pusleplan migrate`, run once for a cluster)",
    )
    p.set_defaults(command=serve)


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
    stale = prepare_database(engine, migrate_now=False if args.no_migrate else None)
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


def main(argv: list[str] | None = None) -> int:
    """The whole command line (the console script passes its exit code to `sys.exit`)."""
    return cli.main(argv, extra=(add_serve,))


if __name__ == "__main__":
    sys.exit(main())
