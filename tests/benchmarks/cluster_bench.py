"""Many teams at one deadline on the celery queue: makespan and per-team wait with 1 and 2 workers.

    python tests/benchmarks/cluster_bench.py [--teams 20] [--people 25] [--time-limit 10] [--workers 1 2]

For each worker count: a fresh database (a temporary SQLite file, or `--database-url`, e.g. a PostgreSQL
database that is emptied first), a Redis broker (`--broker-url`, or a `redis-server` started here), `W`
`pusleplan worker` processes of one solve each; then `--teams` teams (`examples/make_team.py`, 25 people
= the Uldum team) each submit one solve at the same moment (`--time-limit` s, `--threads` CP-SAT threads
per solve). Prints, per worker count, the makespan (first submit → last rota) and each team's wait (submit
→ its solve starts) and total (submit → rota). A script, not a test: it takes minutes
(teams × (limit + ~2 s) / workers).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "examples")]

from make_team import team as make_team  # noqa: E402
from service.cluster import Cluster, broker  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlmodel import Session, SQLModel  # noqa: E402

from planner import migrate, services  # noqa: E402
from planner.auth import Actor  # noqa: E402
from planner.db import make_engine  # noqa: E402
from planner.mapping import import_problem  # noqa: E402
from planner.models import SolveJob, SolveRequest  # noqa: E402
from planner.worker import CeleryQueue  # noqa: E402
from solver.problem import Problem  # noqa: E402


def run(args: argparse.Namespace, workers: int, directory: Path, broker_url: str) -> dict[str, object]:
    url = args.database_url or f"sqlite:///{directory / f'bench-{workers}.db'}"
    engine = make_engine(url)
    if args.database_url:  # start from nothing
        with engine.begin() as connection:
            SQLModel.metadata.drop_all(connection)
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    migrate.upgrade(engine)
    problem = Problem.model_validate(make_team(args.people))
    periods = []
    with Session(engine) as session:
        for i in range(args.teams):
            _, period = import_problem(session, problem, team_name=f"Hold {i + 1}")
            period.state = "closed"
            session.flush()
            periods.append((period.team_id, period.id))
        session.commit()
    # Production heartbeat settings: the figures are not disturbed by a test's fast stale checks.
    cluster = Cluster(
        directory,
        url,
        broker_url,
        {"PUSLEPLAN_JOB_HEARTBEAT_SECONDS": "10", "PUSLEPLAN_JOB_STALE_SECONDS": "120"},
    )
    queue = CeleryQueue(broker_url)
    try:
        cluster.start_workers(workers)
        request = SolveRequest(time_limit=args.time_limit, workers=args.threads)
        job_ids = []
        start = time.monotonic()
        with Session(engine) as session:
            for team_id, period_id in periods:
                job = services.create_solve_job(
                    period_id, request, session=session, actor=Actor.system(team_id)
                )
                assert job.id is not None
                job_ids.append(job.id)
        for job_id in job_ids:  # the wake-ups go out together, after all jobs are stored
            queue.submit(job_id)
        while True:
            with Session(engine) as session:
                rows = [session.get(SolveJob, j) for j in job_ids]
            if all(r is not None and r.state in ("done", "failed", "cancelled") for r in rows):
                break
            time.sleep(0.5)
        wall = time.monotonic() - start
    finally:
        queue.shutdown()
        cluster.close()
    ended = [r for r in rows if r is not None]
    first = min(r.created_at for r in ended)
    waits = sorted((r.started_at - r.created_at).total_seconds() for r in ended if r.started_at)
    totals = sorted((r.finished_at - r.created_at).total_seconds() for r in ended if r.finished_at)
    makespan = max((r.finished_at - first).total_seconds() for r in ended if r.finished_at)
    engine.dispose()
    return {
        "workers": workers,
        "done": sum(r.state == "done" and r.rota_id is not None for r in ended),
        "makespan": makespan,
        "wall": wall,
        "wait": (waits[0], statistics.median(waits), waits[-1]),
        "total": (totals[0], statistics.median(totals), totals[-1]),
        "per_solve": statistics.median(
            (r.finished_at - r.started_at).total_seconds() for r in ended if r.finished_at and r.started_at
        ),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--teams", type=int, default=20)
    parser.add_argument("--people", type=int, default=25)
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--threads", type=int, default=1, help="CP-SAT threads per solve (default 1)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--database-url", help="default: a temporary SQLite file per run")
    parser.add_argument("--broker-url", help="default: a redis-server started here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="pusleplan-bench-") as tmp:
        directory = Path(tmp)
        if args.broker_url:
            results = [run(args, w, directory, args.broker_url) for w in args.workers]
        else:
            with broker(directory) as url:
                results = [run(args, w, directory, url) for w in args.workers]
    print(
        f"{args.teams} teams of {args.people} people, {args.time_limit:g}-s solves of {args.threads} "
        "CP-SAT thread(s), submitted at once"
    )
    print("| workers | rotas | makespan | wait min / median / max | submit→rota min / median / max | solve |")
    print("| --- | --- | --- | --- | --- | --- |")
    for r in results:
        wait, total = r["wait"], r["total"]
        print(
            f"| {r['workers']} | {r['done']}/{args.teams} | {r['makespan']:.1f} s | "
            f"{wait[0]:.1f} / {wait[1]:.1f} / {wait[2]:.1f} s | "  # type: ignore[index]
            f"{total[0]:.1f} / {total[1]:.1f} / {total[2]:.1f} s | {r['per_solve']:.1f} s |"  # type: ignore[index]
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
