"""The administrator's pages under `/web/organisation` (every team's status, new teams, planner accounts
and the teams each plans) and a planner's choice of team under `/web/teams` (a planner of several teams
works in one at a time: the chosen team is a cookie, checked against the teams they plan on every
request by `api.web.common.get_web_user`).

No business rules here: the pages call `planner.services` as `api/routes/organisation.py` does.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlmodel import Session
from starlette.datastructures import FormData

from api.deps import SessionDep
from api.web import i18n
from api.web.common import (
    PREFIX,
    TEAM_COOKIE,
    WebAdmin,
    WebPlanner,
    error_text,
    field_errors,
    lang_of,
    redirect,
    render,
)
from api.web.review import PERIOD_STATES
from planner import services
from planner.auth import Actor
from planner.errors import Conflict, InputError, NotFound
from planner.models import PlannerCreate, PlannerTeams, TeamCreate, local

router = APIRouter()

ORGANISATION = f"{PREFIX}/organisation"
YEAR = 365 * 24 * 3600


async def _form(request: Request) -> FormData:
    return await request.form()  # parsed already by the CSRF check


PostedForm = Annotated[FormData, Depends(_form)]


def _team_ids(form: FormData) -> list[int]:
    """The ticked teams of a form (`teams` check boxes); anything but a number is left out."""
    return [int(v) for v in form.getlist("teams") if isinstance(v, str) and v.isascii() and v.isdigit()]


def _overview(
    request: Request,
    session: Session,
    actor: Actor,
    *,
    errors: dict[str, str] | None = None,
    form: dict[str, Any] | None = None,
    status_code: int = 200,
    saved: str | None = None,
) -> Response:
    lang = lang_of(request)
    _ = i18n.translator(lang)
    teams = services.organisation_status(session=session, actor=actor)
    rows = []
    for team in teams:
        periods = [
            {
                "period": p,
                "state_text": _(PERIOD_STATES.get(p.state, p.state)),
                "deadline": local(p.deadline),
            }
            for p in team.periods
        ]
        published = team.latest_published
        rows.append(
            {
                "team": team,
                "periods": periods,
                "published_at": local(published.published_at) if published else None,
            }
        )
    notices = {
        "team": _("The team is created."),
        "teams": _("The planner's teams are saved."),
    }
    context = {
        "rows": rows,
        "teams": teams,
        "planners": services.list_planners(session=session, actor=actor),
        "errors": errors or {},
        "form": form or {},
        "notice": notices.get(saved or ""),
    }
    return render(request, "organisation/overview.html", context, status_code=status_code)


@router.get("/web/organisation")
def overview(request: Request, session: SessionDep, actor: WebAdmin, saved: str | None = None) -> Response:
    """Every team's status, the planner accounts, and forms for a new team and a new planner."""
    return _overview(request, session, actor, saved=saved)


@router.post("/web/organisation/teams")
def create_team(
    request: Request, session: SessionDep, actor: WebAdmin, name: Annotated[str, Form()] = ""
) -> Response:
    try:
        services.create_team(TeamCreate.model_validate({"name": name.strip()}), session=session, actor=actor)
    except ValidationError as exc:
        session.rollback()
        errors = {f"team_{k}": v for k, v in field_errors(exc, lang_of(request)).items()}
        return _overview(request, session, actor, errors=errors, form={"team_name": name}, status_code=422)
    return redirect(request, f"{ORGANISATION}?saved=team")


@router.post("/web/organisation/planners")
def create_planner(request: Request, session: SessionDep, actor: WebAdmin, form: PostedForm) -> Response:
    username = str(form.get("username") or "")
    teams = _team_ids(form)
    try:
        data = PlannerCreate.model_validate({"username": username, "teams": teams})
        made = services.create_planner(data, session=session, actor=actor)
    except (ValidationError, InputError, Conflict) as exc:
        session.rollback()
        lang = lang_of(request)
        said = (
            field_errors(exc, lang) if not isinstance(exc, Conflict) else {"username": error_text(exc, lang)}
        )
        errors = {f"planner_{k}": v for k, v in said.items()}
        form_values = {"planner_username": username, "planner_teams": teams}
        return _overview(request, session, actor, errors=errors, form=form_values, status_code=422)
    return render(
        request, "organisation/password.html", {"username": made.username, "password": made.password}
    )


@router.post("/web/organisation/planners/{user_id}/teams")
def set_planner_teams(
    request: Request, user_id: int, session: SessionDep, actor: WebAdmin, form: PostedForm
) -> Response:
    services.set_planner_teams(user_id, PlannerTeams(teams=_team_ids(form)), session=session, actor=actor)
    return redirect(request, f"{ORGANISATION}?saved=teams#planner-{user_id}")


@router.post("/web/organisation/planners/{user_id}/reset-password")
def reset_planner_password(request: Request, user_id: int, session: SessionDep, actor: WebAdmin) -> Response:
    """A one-time password for a planner who lost theirs, shown once."""
    given = services.reset_user_password(user_id, session=session, actor=actor)
    context = {"username": given.username, "password": given.password, "reset": True}
    return render(request, "organisation/password.html", context)


@router.post("/web/organisation/planners/{user_id}/{action}")
def block_planner(
    request: Request, user_id: int, action: str, session: SessionDep, actor: WebAdmin
) -> Response:
    """Block a planner's sign-in (every sign-in of theirs ends) or open it again."""
    if action not in ("disable", "enable"):
        raise NotFound("page", action)
    services.set_user_disabled(user_id, action == "disable", session=session, actor=actor)
    return redirect(request, f"{ORGANISATION}#planner-{user_id}")


# ---- a planner's choice of team ---------------------------------------------------------------------


@router.get("/web/teams")
def choose_team_page(request: Request, session: SessionDep, actor: WebPlanner) -> Response:
    """The teams a planner plans, the one their pages show now marked."""
    teams = services.list_teams(session=session, actor=actor)
    return render(request, "organisation/teams.html", {"teams": teams})


@router.post("/web/teams/{team_id}/choose")
def choose_team(request: Request, team_id: int, actor: WebPlanner) -> Response:
    """Work in `team_id` from now on (in this browser): the periods and team pages show it."""
    if team_id not in actor.teams:
        raise NotFound("team", team_id)
    response = redirect(request, f"{PREFIX}/periods")
    response.set_cookie(TEAM_COOKIE, str(team_id), max_age=YEAR, httponly=True, samesite="lax", path="/")
    return response
