"""Load benchmark of the service: wish submissions at the deadline, driven by `wrk` against uvicorn on
127.0.0.1.

    .venv/bin/python tests/benchmarks/service_load.py [--clients 50,200] [--duration 15] [--runs 3]
        [--staff 200] [--think 0,3000] [--serve-args "--workers 2" ...] [--mix 40]
        [--postgres postgresql+psycopg://user@host:port/db] [--write docs/benchmarks.md]

Needs `wrk` (a C load generator: it leaves the cores to the server), Debian's package:
`apt-get install -y wrk`. Each run:

1. makes a fresh SQLite database in a temporary directory: `pusleplan init-demo` (the Uldum team, its
   8-week period open for wishes), then more staff members with accounts until there are `--staff` of them,
   and one bearer token per member (stored as its SHA-256, as `POST /token` stores it; the driver mints them
   so that 200 Argon2 sign-ins do not dominate the set-up — one real sign-in checks the path);
2. starts `pusleplan serve` (the real command, with the options of one `--serve-args`; without any: the
   defaults, then `--workers 2 --no-access-log`) on a free port of 127.0.0.1;
3. warms the server up (2 s, 10 connections; not counted), then for each level of `--clients` runs
   `wrk -t1 -cN -dDs --timeout 30s -s tests/benchmarks/wishes.lua`: N connections, each request a
   `POST /periods/1/wishes` as a different staff member (round robin over the members) on that member's
   next distinct (day, shift, kind), back to back (closed loop; `--think T`: each connection waits
   0.5–1.5 × T ms before each request; keep 1.5 × T under uvicorn's 5-s keep-alive, or idle connections
   are closed and wrk counts the next request as a socket error);
4. checks the database: every 201 answer's wish id is stored (lost writes = acknowledged but missing),
   each stored wish has its audit entry, and no request failed (any non-201 answer, socket error or
   time-out counts as failed).

`--mix N` (the deadline mix of issue 17): the driver also stores N wishes per member beforehand, and each
member's requests take turns reading their own wishes (`GET /periods/1/wishes?staff_id=`), adding one
(`POST`) and changing one of the stored ones (`PUT /wishes/{id}`, version 1, each changed once). The check
then also covers changes: every 200 answer to a change must be stored (version 2), and a change stored
without its answer reaching wrk is counted as in flight at the end, never silently. Its table goes between
`<!-- service-mix:start -->` and `<!-- service-mix:end -->`.

`--postgres URL` runs the server on PostgreSQL: each run creates a fresh database on that server (the URL's
user must be allowed to), `init-demo` migrates it, and it is dropped afterwards.

Each configuration × think time is run `--runs` times. The table gives the median over the runs of each
figure (requests/s, p50/p95/p99 as wrk measured them from sending a request to its last byte, server CPU
per wish) and the range over the runs, and is written with `--write` between `<!-- service:start -->`
and `<!-- service:end -->`; the hand-written notes below the table, between `<!-- service:notes:start -->`
and `<!-- service:notes:end -->`, are kept. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import secrets
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from planner.bench.curtois import machine, write_section  # noqa: E402

LUA = Path(__file__).with_name("wishes.lua")
START, END = "<!-- service:start -->", "<!-- service:end -->"
NOTES_START, NOTES_END = "<!-- service:notes:start -->", "<!-- service:notes:end -->"


def markers(mix: bool, postgres: bool = False) -> tuple[str, str, str, str]:
    """The Markdown markers of the table and of its hand-written notes: one pair per benchmark (the mix
    on PostgreSQL has its own)."""
    name = ("service-mix-pg" if postgres else "service-mix") if mix else "service"
    return (
        f"<!-- {name}:start -->",
        f"<!-- {name}:end -->",
        f"<!-- {name}:notes:start -->",
        f"<!-- {name}:notes:end -->",
    )


STAFF_PASSWORD = "deadline-surge-2026"
WARM_UP = (10, 2)  # connections, seconds
INSTALL_HINT = "wrk is not installed: `apt-get install -y wrk` (Debian's package), then run this again"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wrk_version() -> str:
    found = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    first = (found.stdout or found.stderr).splitlines()[0]
    return " ".join(first.split()[:2])  # "wrk debian/4.1.0-3+b2"


# ---- the database ----------------------------------------------------------------------------------


def prepare(
    tmp: Path, env: dict[str, str], staff: int, mix: int = 0, *, levels_of_mix: int = 0
) -> tuple[int, list[str], list[str], list[tuple[int, str, list[int]]]]:
    """Fresh database with the demo team and `staff` members with tokens: (period id, dates, shift codes,
    [(staff id, token, ids of the `mix` wishes stored for them, `levels_of_mix` per level)]). The demo's
    own wishes are removed first: the deadline starts from an empty list, and a new wish never meets one
    of them in its slot (which the service refuses as a second wish for one slot)."""
    subprocess.run(
        [sys.executable, "-m", "planner.cli", "init-demo"], env=env, cwd=tmp, check=True, capture_output=True
    )
    os.environ["DATABASE_URL"] = env["DATABASE_URL"]
    from sqlalchemy import delete
    from sqlmodel import Session, select

    from planner.auth import _digest, hash_password
    from planner.db import make_engine
    from planner.models import ApiToken, Period, ShiftType, Staff, User, Wish, utcnow

    engine = make_engine(env["DATABASE_URL"])
    with Session(engine) as session:
        period = session.exec(select(Period)).one()
        session.execute(delete(Wish).where(Wish.period_id == period.id))  # type: ignore[arg-type]
        people = session.exec(select(Staff).order_by(Staff.id)).all()  # type: ignore[arg-type]
        template = people[0]
        password_hash = hash_password(STAFF_PASSWORD)  # one hash for the added accounts: Argon2 is slow
        for n in range(len(people), staff):
            person = Staff(
                team_id=template.team_id,
                code=f"vikar{n + 1:03d}",
                name=f"Vikar {n + 1}",
                skills=list(template.skills),
                contract=dict(template.contract),
            )
            session.add(person)
            session.flush()
            session.add(
                User(
                    username=person.code,
                    role="staff",
                    team_id=person.team_id,
                    staff_id=person.id,
                    password_hash=password_hash,
                )
            )
        session.commit()
        users = session.exec(select(User).where(User.role == "staff").order_by(User.id)).all()  # type: ignore[arg-type]
        tokens = []
        for user in users[:staff]:
            token = secrets.token_urlsafe(32)
            session.add(
                ApiToken(
                    token_hash=_digest(token), user_id=user.id, expires_at=utcnow() + dt.timedelta(hours=12)
                )
            )
            tokens.append((user.staff_id, token))
        shifts = [s.code for s in session.exec(select(ShiftType).where(ShiftType.team_id == period.team_id))]
        dates = [(period.start + dt.timedelta(days=d)).isoformat() for d in range(period.days)]
        members = []
        for staff_id, token in tokens:  # the wishes the mix changes: level n's k-th on day k, "avoid",
            # in a shift of its own (`level_shift`): no two stored wishes of a person share a slot, as the
            # service allows only one wish per slot
            per_level = levels_of_mix or mix
            wishes = [
                Wish(
                    period_id=period.id,
                    staff_id=staff_id,
                    date=period.start + dt.timedelta(days=(k % per_level) % period.days),
                    kind="avoid",
                    shift=level_shift(shifts, k // per_level),
                )
                for k in range(mix)
            ]
            session.add_all(wishes)
            session.flush()
            members.append((staff_id, token, [int(w.id) for w in wishes]))  # type: ignore[arg-type]
        session.commit()
        period_id = period.id
    engine.dispose()
    return period_id, dates, shifts, members


def level_shift(shifts: list[str], level: int) -> str:
    """The shift of level `level`'s stored wishes: the last, then the one before, …; never the first,
    which the new wishes of the mix fill first."""
    return shifts[-1 - level % max(1, len(shifts) - 1)]


State = tuple[set[int], int, set[int]]


def stored(url: str, period_id: int) -> State:
    """Wish ids of the period, the number of "create wish" audit entries, and the ids of changed wishes
    (version 2 or more)."""
    import sqlalchemy

    engine = sqlalchemy.create_engine(url, poolclass=sqlalchemy.pool.NullPool)
    try:
        with engine.connect() as c:
            rows = c.execute(
                sqlalchemy.text("SELECT id, version FROM wish WHERE period_id = :p"), {"p": period_id}
            ).all()
            audits = c.execute(
                sqlalchemy.text("SELECT count(*) FROM audit_entry WHERE action = 'create wish'")
            ).scalar_one()
    finally:
        engine.dispose()
    return {row[0] for row in rows}, int(audits), {row[0] for row in rows if row[1] >= 2}


def settled(db: str, period_id: int) -> State:
    """`stored` once the server has finished the requests still queued (unchanged for 0.5 s)."""
    last = stored(db, period_id)
    for _ in range(120):
        time.sleep(0.5)
        now = stored(db, period_id)
        if now == last:
            return now
        last = now
    return last


# ---- the server ------------------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of the process and its children (uvicorn's worker processes)."""
    try:
        import psutil
    except ImportError:
        return float("nan")
    try:
        proc = psutil.Process(pid)
        total = sum(sum(p.cpu_times()[:2]) for p in [proc, *proc.children(recursive=True)])
    except psutil.Error:
        return float("nan")
    return total


def wait_healthy(base: str, server: subprocess.Popen[bytes]) -> None:
    for _ in range(200):
        if server.poll() is not None:
            raise SystemExit(f"the server exited with {server.returncode}")
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise SystemExit("the server did not answer /health within 20 s")


# ---- wrk -------------------------------------------------------------------------------------------


# New wishes of one member in one wrk run, at most (15 s at ~200 requests/s over 200 members: about 15
# without the mix, 5 with it); each run starts its walk this far on.
SLOTS_PER_RUN = 18


def run_wrk(
    base: str,
    plan: Path,
    out: Path,
    connections: int,
    seconds: int,
    threads: int,
    think_ms: int = 0,
    mix: bool = False,
    first: int = 0,
) -> dict[str, Any]:
    """One wrk run. `first`: where each member's walk over their slots starts (the runs on one database
    take turns of `SLOTS_PER_RUN`, so no run repeats a wish an earlier one stored: the service allows one
    wish per slot)."""
    command = [
        "wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s",
        "-s", str(LUA), base,
    ]  # fmt: skip
    env = {**os.environ, "WISHES_PLAN": str(plan), "WISHES_OUT": str(out), "WISHES_THREADS": str(threads)}
    if think_ms:
        env["WISHES_THINK_MS"] = str(think_ms)
    if mix:
        env["WISHES_MIX"] = "1"
    env["WISHES_FIRST"] = str(first)
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    codes: dict[int, int] = {}
    ids: list[str] = []
    changes: list[str] = []
    result: dict[str, Any] = {}
    for line in out.read_text().splitlines():
        word, *rest = line.split()
        if word == "status":
            codes[int(rest[0])] = codes.get(int(rest[0]), 0) + int(rest[1])
        elif word == "id":
            ids.append(rest[0])
        elif word == "upd":
            changes.append(rest[0])
        elif word == "latency_us":
            result[f"p{rest[0]}"] = int(rest[1]) / 1000
        elif word == "errors":
            result["socket_errors"] = sum(int(x) for x in rest[:3]) + int(rest[4])
        else:
            result[word] = int(rest[0])
    result["codes"] = codes
    result["ids"] = ids
    result["changes"] = changes
    return result


def busy_cores(seconds: float = 2.0) -> float:
    """Cores busy over `seconds` by anything on the machine (from /proc/stat): measured while this
    benchmark runs nothing, it is the load other work (other sessions' test runs) puts on the cores."""

    def sample() -> tuple[int, int]:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = fields[3] + fields[4]
        return sum(fields[:8]) - idle, sum(fields[:8])

    try:
        busy0, total0 = sample()
        time.sleep(seconds)
        busy1, total1 = sample()
    except (OSError, ValueError, IndexError):
        return float("nan")
    return (os.cpu_count() or 1) * (busy1 - busy0) / max(1, total1 - total0)


def masked(url: str) -> str:
    """`url` with its password hidden, for the report."""
    import sqlalchemy

    return str(sqlalchemy.engine.make_url(url).render_as_string(hide_password=True))


def fresh_postgres(admin_url: str) -> tuple[str, Any]:
    """A new empty database on the server of `admin_url`: (its URL, a function that drops it)."""
    import sqlalchemy

    name = f"pusleplan_bench_{secrets.token_hex(4)}"
    admin = sqlalchemy.create_engine(
        admin_url, isolation_level="AUTOCOMMIT", poolclass=sqlalchemy.pool.NullPool
    )
    with admin.connect() as c:
        c.execute(sqlalchemy.text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as c:
            c.execute(sqlalchemy.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return str(sqlalchemy.engine.make_url(admin_url).set(database=name).render_as_string(False)), drop


def one_run(
    args: argparse.Namespace, serve_args: str, think: int, levels: list[int]
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    info: dict[str, Any] = {"busy_before": busy_cores()}  # before this run starts anything
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    mix = args.mix
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        if args.postgres:
            url, drop = fresh_postgres(args.postgres)
        else:
            url, drop = f"sqlite:///{tmp / 'bench.db'}", None
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "PUSLEPLAN_PLANNER_PASSWORD": "bench-planner-pw",
            "PUSLEPLAN_STAFF_PASSWORD": STAFF_PASSWORD,
            "PYTHONPATH": str(ROOT),
        }
        try:
            period_id, dates, shifts, members = prepare(
                tmp, env, args.staff, mix * len(levels), levels_of_mix=mix
            )
        except BaseException:
            if drop:
                drop()
            raise
        plans = []
        for n in range(len(levels)):  # each level changes its own slice of the stored wishes
            # wishes.lua changes a stored wish in the last shift of the header: this level's shift
            own = level_shift(shifts, n)
            ordered = [s for s in shifts if s != own] + [own]
            head = f"{period_id}\n{' '.join(dates)}\n{' '.join(ordered)}\n"
            plan = tmp / f"plan{n}.txt"
            plan.write_text(
                head
                + "".join(
                    " ".join([str(staff_id), token, *map(str, ids[n * mix : (n + 1) * mix])]) + "\n"
                    for staff_id, token, ids in members
                )
            )
            plans.append(plan)
        serve = [
            sys.executable,
            "-m",
            "api.cli",
            "serve",
            "--port",
            str(port),
            *shlex.split(serve_args),
        ]
        server = subprocess.Popen(
            serve, env=env, cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        results = []
        try:
            wait_healthy(base, server)
            signed_in = httpx.post(
                f"{base}/token",
                data={"username": "vikar200" if args.staff >= 200 else "anne.s", "password": STAFF_PASSWORD},
            )
            if signed_in.status_code != 200:
                print(f"note: sign-in answered {signed_in.status_code}", file=sys.stderr)
            run_wrk(base, plans[0], tmp / "warm.txt", WARM_UP[0], WARM_UP[1], 1)  # adds wishes only
            for n, clients in enumerate(levels):
                before, audits_before, changed_before = settled(url, period_id)
                cpu0 = cpu_seconds(server.pid)
                r = run_wrk(
                    base,
                    plans[n],
                    tmp / f"out{clients}.txt",
                    clients,
                    args.duration,
                    args.threads,
                    think,
                    mix=bool(mix),
                    first=(n + 1) * SLOTS_PER_RUN,  # the warm-up had the first turn
                )
                cpu = cpu_seconds(server.pid) - cpu0
                # requests in flight when wrk stopped still commit
                after, audits, changed_after = settled(url, period_id)
                new = after - before
                acknowledged = {int(i) for i in r["ids"] if i.isdigit()}
                changes = {int(i) for i in r["changes"] if i.isdigit()}
                changed = changed_after - changed_before
                good = {201, 200} if mix else {201}
                failed = sum(k for code, k in r["codes"].items() if code not in good) + r["socket_errors"]
                results.append(
                    {
                        "server": serve_args,
                        "think": think,
                        "clients": clients,
                        "requests": r["requests"],
                        "per_second": r["requests"] / (r["duration_us"] / 1e6),
                        "p50": r["p50"],
                        "p95": r["p95"],
                        "p99": r["p99"],
                        "mean": r["latency_mean_us"] / 1000,
                        "ok": sum(r["codes"].get(code, 0) for code in good),
                        "failed": failed,
                        "lost": len(acknowledged - new)
                        + (len(r["ids"]) - len(acknowledged))
                        + len(changes - changed)
                        + (len(r["changes"]) - len(changes)),
                        # stored, answer not received by wrk (still in flight when it stopped)
                        "in_flight": len(new - acknowledged) + len(changed - changes),
                        "changes": len(changes),
                        "audit_missing": len(new) - (audits - audits_before),
                        "cpu_ms": 1000 * cpu / max(1, r["requests"]),
                        "codes": r["codes"],
                    }
                )
                print(
                    {k: (round(v, 2) if isinstance(v, float) else v) for k, v in results[-1].items()},
                    flush=True,
                )
        finally:
            server.terminate()
            server.wait(20)
            if drop:
                drop()
    return results, info


# ---- the report ------------------------------------------------------------------------------------


def other_benchmarks() -> list[str]:
    """Other heavy processes on the machine (solver benchmarks, test runs), for the noise note."""
    found = subprocess.run(["pgrep", "-af", "planner.bench|pytest"], capture_output=True, text=True)
    return [line for line in found.stdout.splitlines() if str(os.getpid()) not in line.split()[0]]


def summarise(runs: list[list[dict[str, Any]]], levels: list[int]) -> list[dict[str, Any]]:
    """One row per level over `runs` (the runs of one server configuration and think time)."""
    rows = []
    for i, clients in enumerate(levels):
        per = [run[i] for run in runs]
        row: dict[str, Any] = {
            "clients": clients,
            "runs": len(per),
            "server": per[0]["server"],
            "think": per[0]["think"],
        }
        for key in ("per_second", "p50", "p95", "p99", "mean", "cpu_ms", "requests"):
            values = [r[key] for r in per]
            row[key] = statistics.median(values)
            row[key + "_range"] = (min(values), max(values))
        for key in ("failed", "lost", "audit_missing", "in_flight", "changes"):
            row[key] = sum(r[key] for r in per)
        row["total_requests"] = sum(r["requests"] for r in per)
        rows.append(row)
    return rows


def section(
    rows: list[dict[str, Any]], args: argparse.Namespace, command: str, noise: str, notes: str
) -> str:
    import fastapi
    import sqlalchemy
    import uvicorn

    def ms(row: dict[str, Any], key: str) -> str:
        lo, hi = row[key + "_range"]
        if row[key] >= 10:
            return f"{row[key]:.0f} ms ({lo:.0f}–{hi:.0f})"
        return f"{row[key]:.1f} ms ({lo:.1f}–{hi:.1f})"

    lines = [
        START,
        "## The service: wish submissions under load",
        "",
        f"Command: `{command}` — {dt.date.today().isoformat()}, {machine()}; load tool {wrk_version()} "
        f"(`-t{args.threads} --timeout 30s`, Lua script `tests/benchmarks/wishes.lua`) and server "
        f"(`pusleplan serve`: uvicorn {uvicorn.__version__} with uvloop + httptools, FastAPI "
        f"{fastapi.__version__}, SQLAlchemy {sqlalchemy.__version__}, SQLite file database in WAL mode) on "
        f"the same machine, 127.0.0.1; {args.staff} staff members, each with their own bearer token. Each "
        f"level runs {args.duration} s; {rows[0]['runs']} runs per row, each on a fresh database and server; "
        "figures are medians over the runs, the range over the runs in brackets. Think 0: each connection "
        "sends its next wish as soon as the answer came (closed loop), so the mean latency is about "
        "connections ÷ throughput; think T: each connection waits 0.5–1.5 × T before each wish. Server CPU: "
        "user + system time of the server processes per wish. Failed: any answer other than 201, socket "
        "errors and time-outs; lost: a 201 whose wish is not in the database, or a stored wish without its "
        "audit entry (over all runs). " + noise,
        "",
        "| server | think | connections | wishes/s | p50 | p95 | p99 | server CPU per wish | failed | lost |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lo, hi = r["per_second_range"]
        server = f"`{r['server']}`" if r["server"] else "defaults"
        lines.append(
            f"| {server} | {r['think'] / 1000:g} s | {r['clients']} | "
            f"{r['per_second']:.0f} ({lo:.0f}–{hi:.0f}) | "
            f"{ms(r, 'p50')} | {ms(r, 'p95')} | {ms(r, 'p99')} | {r['cpu_ms']:.1f} ms | "
            f"{r['failed']} of {r['total_requests']} | {r['lost'] + r['audit_missing']} |"
        )
    top = [r for r in rows if r["clients"] == max(x["clients"] for x in rows)]
    best = min(top, key=lambda r: r["p95"])
    closed = [r for r in top if r["think"] == 0]
    lines.append("")
    if closed:
        c = min(closed, key=lambda r: r["p95"])
        verdict = "reached" if c["p95"] < 50 else "**not reached**"
        lines.append(
            f"Goal of issue 4, p95 under 50 ms at {c['clients']} clients sending back to back: {verdict} "
            f"(best p95 {c['p95']:.0f} ms)."
        )
    if best["think"]:
        verdict = "reached" if best["p95"] < 50 else "**not reached**"
        lines[-1] += (
            f" With {best['think'] / 1000:g} s think time per client: {verdict} (p95 {best['p95']:.0f} ms)."
        )
    lines += ["", NOTES_START, notes.strip("\n"), NOTES_END, END]
    return "\n".join(lines)


def mix_section(
    rows: list[dict[str, Any]], args: argparse.Namespace, command: str, noise: str, notes: str
) -> str:
    """The table of the deadline mix (`--mix`): reads, new wishes and changes."""
    import fastapi
    import sqlalchemy
    import uvicorn

    start, end, notes_start, notes_end = markers(True, bool(args.postgres))

    def ms(row: dict[str, Any], key: str) -> str:
        lo, hi = row[key + "_range"]
        return f"{row[key]:.0f} ms ({lo:.0f}–{hi:.0f})" if row[key] >= 10 else f"{row[key]:.1f} ms"

    database = (
        f"PostgreSQL ({sqlalchemy.engine.make_url(args.postgres).drivername})"
        if args.postgres
        else "SQLite file database in WAL mode"
    )
    lines = [
        start,
        "## The service: a deadline mix of reads, new wishes and changes"
        + (" (PostgreSQL)" if args.postgres else " (SQLite)"),
        "",
        f"Command: `{command}` — {dt.date.today().isoformat()}, {machine()}; load tool {wrk_version()} "
        f"(`-t{args.threads} --timeout 30s`, `tests/benchmarks/wishes.lua` with `WISHES_MIX=1`) and server "
        f"(`pusleplan serve`: uvicorn {uvicorn.__version__}, FastAPI {fastapi.__version__}, SQLAlchemy "
        f"{sqlalchemy.__version__}, {database}) on the same machine, 127.0.0.1; {args.staff} staff members "
        f"with their own bearer tokens and {args.mix} stored wishes each per level. Each member's requests "
        "take turns: read their own wishes, add a wish, change a stored one (each changed once, with the "
        f"version read). Each level runs {args.duration} s; {rows[0]['runs']} runs per row, each on a fresh "
        "database and server; medians over the runs, the range in brackets. Failed: any answer other than "
        "200/201 (5xx, 409, …), socket errors and time-outs; lost: an acknowledged new wish or change that "
        "is not in the database, or a new wish without its audit entry; in flight: stored, but wrk had "
        "stopped before the answer came (the requests open when the level ends), over all runs. " + noise,
        "",
        "| server | think | connections | requests/s | p50 | p95 | p99 | failed | lost | in flight |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lo, hi = r["per_second_range"]
        server = f"`{r['server']}`" if r["server"] else "defaults"
        lines.append(
            f"| {server} | {r['think'] / 1000:g} s | {r['clients']} | "
            f"{r['per_second']:.0f} ({lo:.0f}–{hi:.0f}) | {ms(r, 'p50')} | {ms(r, 'p95')} | {ms(r, 'p99')} | "
            f"{r['failed']} of {r['total_requests']} | {r['lost'] + r['audit_missing']} | {r['in_flight']} |"
        )
    top = [r for r in rows if r["clients"] == max(x["clients"] for x in rows)]
    for r in top:
        met = r["failed"] == 0 and r["lost"] + r["audit_missing"] == 0 and r["p95"] < 1000
        lines += [
            "",
            f"Goal of issue 17 at {r['clients']} clients (`{r['server'] or 'defaults'}`, think "
            f"{r['think'] / 1000:g} s): 0 failed, 0 lost, p95 under 1 s — "
            + ("reached." if met else f"**not reached** (p95 {r['p95']:.0f} ms, {r['failed']} failed)."),
        ]
    lines += ["", notes_start, notes.strip("\n"), notes_end, end]
    return "\n".join(lines)


def kept_notes(doc: Path, mix: bool = False, postgres: bool = False) -> str:
    _, _, notes_start, notes_end = markers(mix, postgres)
    text = doc.read_text(encoding="utf-8") if doc.exists() else ""
    if notes_start in text and notes_end in text:
        return text.split(notes_start, 1)[1].split(notes_end, 1)[0]
    return "Notes: (none yet)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", default="50,200", help="connections per level (default 50,200)")
    parser.add_argument("--duration", type=int, default=15, help="seconds per level (default 15)")
    parser.add_argument("--runs", type=int, default=3, help="runs, each on a fresh database (default 3)")
    parser.add_argument("--staff", type=int, default=200, help="staff members with tokens (default 200)")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (default 1)")
    parser.add_argument(
        "--serve-args",
        action="append",
        help='options for `pusleplan serve`, e.g. "--workers 2"; repeat for several configurations '
        "(default: none, and --workers 2 --no-access-log)",
    )
    parser.add_argument(
        "--think",
        default="0",
        help="think times in ms per request, comma-separated (default 0: back to back)",
    )
    parser.add_argument(
        "--mix",
        type=int,
        default=0,
        help="the deadline mix: reads, new wishes and changes of N stored wishes per member and level "
        "(default 0: new wishes only)",
    )
    parser.add_argument(
        "--postgres",
        help="run on PostgreSQL: a server URL whose user may create databases (one fresh database per run)",
    )
    parser.add_argument("--write", type=Path, help="write the table into this Markdown file")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print(INSTALL_HINT, file=sys.stderr)
        return 2
    levels = [int(c) for c in args.clients.split(",")]
    configs = args.serve_args if args.serve_args is not None else ["", "--workers 2 --no-access-log"]
    thinks = [int(t) for t in args.think.split(",")]
    busy_before = other_benchmarks()
    rows, background = [], []
    for serve_args in configs:
        for think in thinks:
            runs = []
            for n in range(args.runs):
                results, info = one_run(args, serve_args, think, levels)
                runs.append(results)
                background.append(info["busy_before"])
                print(
                    f"[{serve_args or 'defaults'}, think {think} ms] run {n + 1} done "
                    f"(cores busy before it: {info['busy_before']:.2f})",
                    flush=True,
                )
            rows += summarise(runs, levels)
    busy = busy_before + other_benchmarks()
    for row in rows:
        print(row, flush=True)
    noise = (
        "Test or benchmark processes of this machine ran meanwhile (pgrep). "
        if busy
        else "No test or benchmark process of this machine was seen before or after the runs (pgrep). "
    ) + (
        "Cores kept busy by other work (other sessions on this machine) in the 2 s before each run "
        f"(/proc/stat): median {statistics.median(background):.1f}, "
        f"{min(background):.1f}–{max(background):.1f} over the runs"
        + (", so the server did not always have both cores." if max(background) > 0.3 else ".")
    )
    shown = [
        a.replace(args.postgres, masked(args.postgres)) if args.postgres else a
        for a in (argv if argv is not None else sys.argv[1:])
    ]
    command = "python tests/benchmarks/service_load.py " + " ".join(shlex.quote(a) for a in shown)
    render = mix_section if args.mix else section
    start, end, _, _ = markers(bool(args.mix), bool(args.postgres))
    if args.write:
        write_section(
            render(
                rows,
                args,
                command.strip(),
                noise,
                kept_notes(args.write, bool(args.mix), bool(args.postgres)),
            ),
            args.write,
            start=start,
            end=end,
        )
    else:
        print(render(rows, args, command.strip(), noise, "(notes)"))
    failed = sum(r["failed"] + r["lost"] + r["audit_missing"] for r in rows)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
