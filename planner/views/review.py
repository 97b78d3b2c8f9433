"""Read helpers for the planner's review pages: a stored `Rota` (with the problem it answers) and the
period's locks turned into plain row data for a staff × days grid, a coverage summary, per-person wish
fulfilment and hours, the explanations grouped by rule family, and a readable comparison of two rotas.

Everything here is computed from rows the caller already read through `planner.services` (which did the
role checks): no queries, no FastAPI, no business decisions. The grid is built once per request in
plain Python (dicts keyed by (person, day)), so a template only loops over ready values: 100 people × 56
days stays far below a second.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from planner.models import Lock, Rota, SolveJob, local
from planner.texts import N_
from solver import families

# How many explanations of one rule family the page lists at once (the rest behind "and N more").
TOP_PER_FAMILY = 8


def family_order() -> list[str]:
    """The soft families in the order a planner reads them (gaps first, then people, then polish): the
    registry's order (`solver/families.py`), a family registered later at the end."""
    return [spec.name for spec in families.soft_families()]


@dataclass(frozen=True, slots=True)
class LockMark:
    """A planner's lock on a cell; `changed` when it differs from what the draft has there."""

    id: int
    shift: str | None
    route: str | None
    css: str
    changed: bool


@dataclass(frozen=True, slots=True)
class Cell:
    day: int  # index into the grid's days
    shift: str | None
    route: str | None
    css: str  # "shift-N" by the team's shift-type order, "" when off
    lock: LockMark | None


@dataclass(slots=True)
class Row:
    code: str
    name: str
    staff_id: int | None  # None when the person has left the team since the solve (not editable)
    cells: list[Cell]
    wishes_made: int = 0
    wishes_granted: int = 0
    minutes: int = 0
    target_minutes: int | None = None

    @property
    def wish_percent(self) -> int | None:
        return round(100 * self.wishes_granted / self.wishes_made) if self.wishes_made else None


@dataclass(frozen=True, slots=True)
class CoverCell:
    need: int
    assigned: int

    @property
    def short(self) -> bool:
        return self.assigned < self.need


@dataclass(slots=True)
class CoverRow:
    shift: str
    skill: str | None
    css: str
    cells: list[CoverCell | None]  # None: no cover rule that day


@dataclass(slots=True)
class PenaltyGroup:
    """One family's explanations, costliest first: `top` shown at once, `rest` behind "and N more"."""

    family: str
    cost: int
    count: int
    top: list[dict[str, Any]]
    rest: list[dict[str, Any]] = field(default_factory=list)


@dataclass(slots=True)
class Grid:
    rota_id: int
    days: list[dt.date]
    shift_types: list[dict[str, Any]]  # code, name, css
    routes: list[dict[str, Any]]  # id, name, shifts
    rows: list[Row]
    coverage: list[CoverRow]
    unfilled_routes: list[list[str]]  # per day: route ids left without a person
    penalties: list[PenaltyGroup] = field(default_factory=list)
    unfilled_slots: int = 0

    def day_of(self, index: int) -> dt.date:
        return self.days[index]


def shift_classes(problem: Mapping[str, Any]) -> dict[str, str]:
    """Shift code → its colour class, by the team's shift-type order (8 colours, then they repeat)."""
    return {s["code"]: f"shift-{i % 8}" for i, s in enumerate(problem.get("shift_types", []))}


def period_days(problem: Mapping[str, Any]) -> list[dt.date]:
    horizon = problem["horizon"]
    start = dt.date.fromisoformat(str(horizon["start"]))
    return [start + dt.timedelta(days=i) for i in range(int(horizon["days"]))]


def _lock_mark(lock: Lock, current: tuple[str | None, str | None], css: Mapping[str, str]) -> LockMark:
    assert lock.id is not None
    return LockMark(
        lock.id,
        lock.shift,
        lock.route,
        css.get(lock.shift, "") if lock.shift else "",
        (lock.shift, lock.route) != current,
    )


def rota_grid(
    rota: Rota, staff_ids: Mapping[str, int], locks: Iterable[Lock], *, explain_for: str | None = None
) -> Grid:
    """The rota as rows of cells (people in the problem's order × the period's days), with coverage,
    unfilled routes, per-person fulfilment and hours, and the explanations grouped by family (only the
    costs of person `explain_for` when given). `staff_ids` maps a person's code to their staff id;
    `locks` are the period's locks to mark (none for a rota as published)."""
    assert rota.id is not None
    problem = rota.problem
    days = period_days(problem)
    index = {d.isoformat(): i for i, d in enumerate(days)}
    css = shift_classes(problem)
    code_of = {v: k for k, v in staff_ids.items()}

    worked: dict[tuple[str, int], tuple[str, str | None]] = {}
    for a in rota.assignments:
        i = index.get(a["date"])
        if i is not None:
            worked[(a["staff"], i)] = (a["shift"], a.get("route"))
    locked: dict[tuple[str, int], Lock] = {}
    for lock in locks:
        code = code_of.get(lock.staff_id)
        i = index.get(lock.date.isoformat())
        if code is not None and i is not None:
            locked[(code, i)] = lock
    fulfilment = {f["staff"]: f for f in rota.fulfilment}

    rows: list[Row] = []
    for person in problem.get("staff", []):
        code = person["id"]
        cells: list[Cell] = []
        for i in range(len(days)):
            shift, route = worked.get((code, i), (None, None))
            found = locked.get((code, i))
            mark = _lock_mark(found, (shift, route), css) if found is not None else None
            cells.append(Cell(i, shift, route, css.get(shift, "") if shift else "", mark))
        row = Row(code, person.get("name") or code, staff_ids.get(code), cells)
        f = fulfilment.get(code)
        if f is not None:
            row.wishes_made, row.wishes_granted = f["made"], f["granted"]
            row.minutes, row.target_minutes = f["minutes"], f["target_minutes"]
        rows.append(row)

    cover_cells: dict[tuple[str, str | None], list[CoverCell | None]] = {}
    unfilled_routes: list[list[str]] = [[] for _ in days]
    unfilled = 0
    for c in rota.coverage:
        i = index.get(c["date"])
        if i is None:
            continue
        unfilled += max(0, c["need"] - c["assigned"])
        if c.get("route"):
            if c["assigned"] < c["need"]:
                unfilled_routes[i].append(c["route"])
            continue
        key = (c["shift"], c.get("skill"))
        cover_cells.setdefault(key, [None] * len(days))[i] = CoverCell(c["need"], c["assigned"])
    order = {code: n for n, code in enumerate(css)}
    coverage = [
        CoverRow(shift, skill, css.get(shift, ""), cells)
        for (shift, skill), cells in sorted(
            cover_cells.items(), key=lambda kv: (order.get(kv[0][0], len(order)), kv[0][1] or "")
        )
    ]
    return Grid(
        rota_id=rota.id,
        days=days,
        shift_types=[
            {"code": s["code"], "name": s.get("name") or s["code"], "css": css[s["code"]]}
            for s in problem.get("shift_types", [])
        ],
        routes=[
            {"id": r["id"], "name": r.get("name") or r["id"], "shifts": r.get("shifts", [])}
            for r in problem.get("routes", [])
        ],
        rows=rows,
        coverage=coverage,
        unfilled_routes=unfilled_routes,
        penalties=penalty_groups(rota.penalties, staff=explain_for),
        unfilled_slots=unfilled,
    )


def grid_cell(rota: Rota, staff_code: str, day: dt.date, lock: Lock | None) -> Cell:
    """One cell of `rota_grid` (for swapping a single edited cell back into the page)."""
    days = period_days(rota.problem)
    css = shift_classes(rota.problem)
    iso = day.isoformat()
    current = next(
        (
            (a["shift"], a.get("route"))
            for a in rota.assignments
            if a["staff"] == staff_code and a["date"] == iso
        ),
        (None, None),
    )
    mark = _lock_mark(lock, current, css) if lock is not None else None
    shift, route = current
    return Cell(days.index(day), shift, route, css.get(shift, "") if shift else "", mark)


def penalty_groups(
    penalties: Sequence[Mapping[str, Any]], top: int = TOP_PER_FAMILY, *, staff: str | None = None
) -> list[PenaltyGroup]:
    """The fired soft rules by family (costliest family first within the reading order), each with its
    `top` costliest explanations and the rest (every explanation stays reachable); `staff`: only the
    costs of that person."""
    by_family: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for p in penalties:
        if staff is None or p.get("staff") == staff:
            by_family[p["family"]].append(p)
    rank = {f: i for i, f in enumerate(family_order())}
    groups = []
    for family, items in by_family.items():
        items.sort(key=lambda p: (-p["cost"], p.get("date") or "", p.get("staff") or ""))
        groups.append(
            PenaltyGroup(
                family,
                sum(p["cost"] for p in items),
                len(items),
                [dict(p) for p in items[:top]],
                [dict(p) for p in items[top:]],
            )
        )
    groups.sort(key=lambda g: (rank.get(g.family, len(rank)), -g.cost))
    return groups


def cell_text(cell: Mapping[str, Any] | None) -> str:
    """ "dag uldum-1", "dag", or "" (off): one cell of a comparison."""
    if not cell:
        return ""
    return f"{cell['shift']} {cell['route']}" if cell.get("route") else str(cell["shift"])


def compared(result: Mapping[str, Any], names: Mapping[str, str]) -> list[dict[str, Any]]:
    """`services.compare_rotas`' changed cells as rows for a table: person's name, date, before, after
    (`a` is the earlier rota)."""
    return [
        {
            "name": names.get(c["staff"], c["staff"]),
            "date": dt.date.fromisoformat(c["date"]),
            "before": cell_text(c["a"]),
            "after": cell_text(c["b"]),
        }
        for c in result["cells"]
    ]


def staff_names(rota: Rota) -> dict[str, str]:
    return {p["id"]: p.get("name") or p["id"] for p in rota.problem.get("staff", [])}


def closeness(objective: int | None, bound: float | None, proven: bool = False) -> tuple[str, dict[str, Any]]:
    """How close a rota is to the best possible, as a planner reads it (a message id and its params).

    The bound is a proven lower bound on the cost of every rota, so `objective / bound` caps how much more
    this rota costs than the best possible one: "at most X % above" with X rounded up, never down."""
    if objective is None:
        return N_("How close to the best possible: not known yet"), {}
    if proven or (bound is not None and bound >= objective):
        return N_("The best possible rota (proven)"), {}
    if bound is None or bound <= 0:
        return N_("How close to the best possible: not known yet"), {}
    percent = math.ceil(100 * (objective - bound) / bound)
    return N_("At most {percent} % above the best possible"), {"percent": percent}


def job_elapsed(job: SolveJob, now: dt.datetime | None = None) -> float:
    """Seconds a job has run, by the clock: from its start until `now` while it runs (the solver reports
    only when it finds a better rota, which can be seconds apart), until its end once it ended (the
    solver's own figure when it gave one)."""
    started = local(job.started_at)
    if started is None:
        return job.elapsed or 0.0
    if job.state not in ("running", "stopping"):
        if job.elapsed is not None:
            return job.elapsed
        end = local(job.finished_at) or now or dt.datetime.now(dt.UTC)
    else:
        end = now or dt.datetime.now(dt.UTC)
    return max(0.0, (end - started).total_seconds())


def routes_in(problem: Mapping[str, Any], shift: str | None, day: dt.date) -> list[dict[str, Any]]:
    """The routes (id, name) that run in `shift` on `day`'s weekday: what a cell can be set to."""
    if shift is None:
        return []
    return [
        {"id": r["id"], "name": r.get("name") or r["id"]}
        for r in problem.get("routes", [])
        if shift in r.get("shifts", []) and day.weekday() in r.get("weekdays", range(7))
    ]


__all__ = [
    "Grid",
    "compared",
    "grid_cell",
    "job_elapsed",
    "local",
    "penalty_groups",
    "rota_grid",
    "routes_in",
]
