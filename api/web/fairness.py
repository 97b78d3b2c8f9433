"""The planner's fairness page: the fairness ledger across the team's published periods (wish weight
asked and met, weekends and nights, running totals), the credit each person gets in the next solve, and
the team setting "weigh fairness by earlier periods". Calls `planner.services` as the API does."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from api.deps import SessionDep
from api.web.common import PREFIX, WebPlanner, redirect, render
from planner import services
from planner.errors import NotFound
from planner.models import RulesUpdate

router = APIRouter()


def share(asked: int, met: int) -> int | None:
    """Whole per cent of the wish weight asked that was met (None when nothing was asked)."""
    return round(100 * met / asked) if asked else None


def by_period(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The ledger's lines grouped by period, newest first, each person's line with its share met."""
    periods: dict[int, dict[str, Any]] = {}
    for line in lines:
        period = periods.setdefault(
            line["period"],
            {"id": line["period"], "name": line["period_name"], "start": line["period_start"], "lines": []},
        )
        period["lines"].append({**line, "share": share(line["asked"], line["met"])})
    return sorted(periods.values(), key=lambda p: p["start"], reverse=True)


def totals(lines: list[dict[str, Any]], credits: dict[str, int]) -> list[dict[str, Any]]:
    """Each person's running total after the last period they were in, with the next solve's credit;
    the least served first."""
    last: dict[str, dict[str, Any]] = {}
    for line in lines:
        last[line["staff"]] = line
    rows = [
        {
            "staff": code,
            "name": line["name"],
            **line["total"],
            "share": share(line["total"]["asked"], line["total"]["met"]),
            "credit": credits.get(code, 0),
        }
        for code, line in last.items()
    ]
    return sorted(rows, key=lambda r: (r["share"] if r["share"] is not None else 101, r["name"]))


@router.get("/web/fairness")
def fairness_page(request: Request, session: SessionDep, actor: WebPlanner) -> Response:
    """Fairness across periods, for the planner's team."""
    if actor.team_id is None:
        raise NotFound("team", None)
    ledger = services.fairness_ledger(actor.team_id, session=session, actor=actor)
    context = {
        "on": ledger["weigh_by_history"],
        "totals": totals(ledger["lines"], ledger.get("credits", {})),
        "periods": by_period(ledger["lines"]),
    }
    return render(request, "review/fairness.html", context)


@router.post("/web/fairness")
def set_weighing(
    request: Request, session: SessionDep, actor: WebPlanner, on: Annotated[str, Form()] = ""
) -> Response:
    """Switch "weigh fairness by earlier periods" on or off (the team's rules, audited)."""
    if actor.team_id is None:
        raise NotFound("team", None)
    rules = services.get_rules(actor.team_id, session=session, actor=actor)
    data = RulesUpdate.model_validate(
        {
            **rules.model_dump(exclude={"id", "team_id"}),
            "weights": rules.registered_weights().model_dump(),
            "fairness_from_history": on == "1",
        }
    )
    services.update_rules(actor.team_id, data, session=session, actor=actor)
    return redirect(request, f"{PREFIX}/fairness")
