"""The rota for the wall: a stored `Rota` cut into printable sheets (A4 landscape), for the print page
and its PDF (`api/web/printing.py`).

A sheet holds at most `DAYS_PER_SHEET` days (two weeks: 14 columns of "shift code + route id" fit A4
landscape at 8 pt) and every person of the rota; a team longer than one page continues on the next
page with the table's header repeated (the browser and WeasyPrint repeat `<thead>`). A period is cut at
ISO-week boundaries so no week is split over two sheets; one week is one sheet. Under each sheet's
people come the cover rows (assigned / needed per shift and day) and the routes left unfilled.

Reads only the rota row the caller got through `planner.services` (which checked who may see it): no
queries, no FastAPI.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from planner.errors import InputError, NotFound
from planner.models import Rota
from planner.texts import N_
from planner.views.review import period_days, shift_classes

DAYS_PER_SHEET = 14


@dataclass(frozen=True, slots=True)
class PrintCell:
    shift: str  # "" when off
    route: str  # "" without a route
    css: str


@dataclass(slots=True)
class PrintRow:
    code: str
    name: str
    cells: list[PrintCell]
    minutes: int = 0  # worked on the sheet's days


@dataclass(slots=True)
class PrintCover:
    shift: str
    skill: str | None
    css: str
    cells: list[tuple[int, int] | None]  # (assigned, need) per day; None: no cover rule that day


@dataclass(slots=True)
class Sheet:
    days: list[dt.date]
    rows: list[PrintRow]
    cover: list[PrintCover]
    unfilled_routes: list[list[str]]

    @property
    def weeks(self) -> list[int]:
        """The ISO week numbers of the sheet's days, in order."""
        return list(dict.fromkeys(d.isocalendar()[1] for d in self.days))


@dataclass(slots=True)
class PrintRota:
    rota_id: int
    state: str
    published_at: dt.datetime | None
    created_at: dt.datetime
    first: dt.date
    last: dt.date
    sheets: list[Sheet]
    shift_types: list[dict[str, Any]] = field(default_factory=list)  # code, name, css, start, end
    routes: list[dict[str, Any]] = field(default_factory=list)  # id, name, district
    week: str | None = None  # "2027-W10" when only that week
    period_weeks: list[str] = field(default_factory=list)  # every ISO week of the rota's period


def parse_week(value: str) -> tuple[int, int]:
    """ "2027-W10" → (2027, 10); anything else is a 422 naming `week`."""
    try:
        year, number = value.strip().upper().split("-W")
        day = dt.date.fromisocalendar(int(year), int(number), 1)
    except ValueError:
        raise InputError("week", N_("write the week as year-Wnumber, e.g. 2027-W10")) from None
    iso = day.isocalendar()
    return iso[0], iso[1]


def period_weeks(days: list[dt.date]) -> list[str]:
    """The ISO weeks ("2027-W09") of `days`, in order."""
    seen: list[str] = []
    for d in days:
        year, week, _ = d.isocalendar()
        label = f"{year}-W{week:02d}"
        if label not in seen:
            seen.append(label)
    return seen


def _chunks(days: list[dt.date]) -> list[list[dt.date]]:
    """Consecutive runs of at most `DAYS_PER_SHEET` days, cut only where a week begins (a period that
    does not start on a Monday gets its short first week on the first sheet)."""
    out: list[list[dt.date]] = []
    for d in days:
        if (
            not out
            or (d.weekday() == 0 and len(out[-1]) + 7 > DAYS_PER_SHEET)
            or len(out[-1]) >= DAYS_PER_SHEET
        ):
            out.append([])
        out[-1].append(d)
    return out


def print_rota(rota: Rota, *, week: str | None = None) -> PrintRota:
    """The rota as sheets: the whole period, or only ISO `week` ("2027-W10"; a week the period does not
    touch is a 404)."""
    assert rota.id is not None
    problem = rota.problem
    days = all_days = period_days(problem)
    if week is not None:
        year, number = parse_week(week)
        days = [d for d in days if d.isocalendar()[:2] == (year, number)]
        if not days:
            raise NotFound("week in this rota", week)
        week = f"{year}-W{number:02d}"
    css = shift_classes(problem)
    minutes = {s["code"]: int(s.get("minutes", 0)) for s in problem.get("shift_types", [])}
    worked = {(a["staff"], a["date"]): (a["shift"], a.get("route") or "") for a in rota.assignments}
    sheets = []
    for chunk in _chunks(days):
        rows = []
        for person in problem.get("staff", []):
            cells = []
            total = 0
            for d in chunk:
                shift, route = worked.get((person["id"], d.isoformat()), ("", ""))
                cells.append(PrintCell(shift, route, css.get(shift, "")))
                total += minutes.get(shift, 0)
            rows.append(PrintRow(person["id"], person.get("name") or person["id"], cells, total))
        index = {d.isoformat(): i for i, d in enumerate(chunk)}
        cover: dict[tuple[str, str | None], list[tuple[int, int] | None]] = {}
        unfilled: list[list[str]] = [[] for _ in chunk]
        for c in rota.coverage:
            i = index.get(c["date"])
            if i is None:
                continue
            if c.get("route"):
                if c["assigned"] < c["need"]:
                    unfilled[i].append(c["route"])
                continue
            cover.setdefault((c["shift"], c.get("skill")), [None] * len(chunk))[i] = (
                c["assigned"],
                c["need"],
            )
        order = {code: n for n, code in enumerate(css)}
        rows_cover = [
            PrintCover(shift, skill, css.get(shift, ""), cells)
            for (shift, skill), cells in sorted(
                cover.items(), key=lambda kv: (order.get(kv[0][0], len(order)), kv[0][1] or "")
            )
        ]
        sheets.append(Sheet(chunk, rows, rows_cover, unfilled))
    shift_types = []
    for s in problem.get("shift_types", []):
        start = dt.time.fromisoformat(s["start"]) if s.get("start") else None
        end = None
        if start is not None:
            end = (
                dt.datetime.combine(dt.date(2000, 1, 1), start) + dt.timedelta(minutes=s["minutes"])
            ).time()
        shift_types.append(
            {
                "code": s["code"],
                "name": s.get("name") or s["code"],
                "css": css[s["code"]],
                "start": start,
                "end": end,
            }
        )
    return PrintRota(
        rota_id=rota.id,
        state=rota.state,
        published_at=rota.published_at,
        created_at=rota.created_at,
        first=days[0],
        last=days[-1],
        sheets=sheets,
        shift_types=shift_types,
        routes=[
            {"id": r["id"], "name": r.get("name") or r["id"], "district": r.get("district") or ""}
            for r in problem.get("routes", [])
        ],
        week=week,
        period_weeks=period_weeks(all_days),
    )
