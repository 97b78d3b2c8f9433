"""The planner's pages for a period's end game: periods (list, create, open/close), who has submitted,
solving with live progress, the draft rota as a grid with cell editing (locks), re-solving from a draft,
comparing drafts, publishing and the exports.

Every page needs `WebPlanner`; each route calls `planner.services` exactly as the JSON API routes in
`api/routes/periods.py`, `solving.py` and `rotas.py` do, and `planner.views.review` turns a stored rota
into plain grid rows. No business rules here.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Annotated, Any

from babel.numbers import format_decimal
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup, escape
from pydantic import ValidationError
from sqlmodel import Session

from api import downloads
from api.deps import QueueDep, SessionDep
from api.web import after, i18n
from api.web import reasons as reason_words
from api.web.common import (
    PREFIX,
    WebPlanner,
    error_text,
    field_errors,
    is_htmx,
    lang_of,
    redirect,
    render,
)
from api.web.conflicts import conflict_text
from planner import services
from planner.auth import Actor
from planner.errors import Conflict, InputError, NotFound, PendingChanges, PeriodNotSolvable, RuleRefusal
from planner.models import (
    CellEdit,
    FixApply,
    Lock,
    PeriodCreate,
    PeriodOpen,
    Rota,
    SolveJob,
    SolveRequest,
    Staff,
    local,
)
from planner.payroll import By
from planner.texts import N_
from planner.views.review import (
    Cell,
    closeness,
    compared,
    grid_cell,
    job_elapsed,
    rota_grid,
    routes_in,
    staff_names,
)
from solver import families

try:  # H2's wording of a refused change in the reader's language (api/web/refusals.py)
    from api.web.refusals import refusal_text
except ImportError:  # pragma: no cover - until it exists: the refusal's own (English) message

    def refusal_text(exc: RuleRefusal, lang: str) -> str:
        return str(exc)


router = APIRouter()

ACTIVE = ("queued", "running", "stopping")  # the progress fragment polls while a job is in these
CANCELLABLE = ("queued", "running")
DEFAULT_TIME_LIMIT = 10

# Words for stored states (English; Danish in the catalogue, planner/texts.py): what a team leader calls them.
PERIOD_STATES = {
    "draft": N_("Not opened yet"),
    "open": N_("Open for wishes"),
    "closed": N_("Closed for wishes"),
    "solved": N_("Drafts ready"),
    "published": N_("Published"),
}
JOB_STATES = {
    "queued": N_("Waiting to start"),
    "running": N_("Solving"),
    "stopping": N_("Stopping"),
    "done": N_("Done"),
    "failed": N_("Failed"),
    "cancelled": N_("Cancelled"),
}
ROTA_STATES = {"draft": N_("Draft"), "published": N_("Published"), "superseded": N_("Replaced")}
ROTA_STATUS = {
    "OPTIMAL": N_("Best possible"),
    "FEASIBLE": N_("Good (not proven best)"),
    "INFEASIBLE": N_("No rota possible"),
    "UNKNOWN": N_("No rota found in time"),
}


def family_labels() -> dict[str, str]:
    """Each rule family's heading (English, translated on the page), from the registry."""
    return {spec.name: spec.label for spec in families.all_families()}


# ---- helpers ----------------------------------------------------------------------------------------


def _t(request: Request) -> Any:
    return i18n.translator(lang_of(request))


def _team(actor: Actor) -> int | None:
    return actor.team_id


def _blank(value: str) -> str | None:
    value = value.strip()
    return value or None


def _job_view(job: SolveJob, lang: str = i18n.DEFAULT_LANGUAGE) -> dict[str, Any]:
    """What the progress fragment shows of a job (its conflicts in `lang`)."""
    elapsed = job_elapsed(job)
    return {
        "job": job,
        "active": job.state in ACTIVE,
        "cancellable": job.state in CANCELLABLE,
        "conflicts": [conflict_text(c, lang) for c in job.conflicts] if job.outcome == "infeasible" else [],
        "outcome_text": OUTCOMES.get(job.outcome or "", ""),
        "elapsed": min(elapsed, job.time_limit),
        "elapsed_text": str(int(min(elapsed, job.time_limit))),  # whole seconds, as a clock counts
        "limit_text": f"{job.time_limit:g}",
        "state_text": JOB_STATES.get(job.state, job.state),
        "closeness": closeness(job.best_objective, job.best_bound),
        "created": local(job.created_at),
        "message": _job_message(job),
    }


# What a job ended with, in the jobs table (a link to the draft where there is one).
OUTCOMES = {
    "stopped_early": N_("Stopped early"),
    "infeasible": N_("No rota possible"),
    "no_rota_in_time": N_("No rota found in time"),
}


def _job_message(job: SolveJob) -> str:
    if job.state == "queued":
        return N_("The solve is waiting to start.")
    if job.state == "running":
        return N_("Solving…")
    if job.state == "stopping":
        return N_("Stopping: the best rota found so far is being kept…")
    if job.state == "done":
        if job.outcome == "stopped_early":
            return N_("Stopped early: the best rota found until then is kept as a draft.")
        if job.outcome == "infeasible":
            return N_("Done: no rota is possible, because these rules cannot all hold:")
        if job.outcome == "no_rota_in_time":
            return N_("Done: no rota was found within the time limit. Try again with more time.")
        return (
            N_("Done: the draft is ready.") if job.rota_id is not None else N_("Done, but no rota was found.")
        )
    if job.state == "cancelled":
        if job.started_at is not None:  # it ran: the planner stopped it before it had a rota
            return N_("The solve was stopped before it had found a rota.")
        return N_("The solve was cancelled.")
    return N_("The solve failed: {error}")


def _not_solvable(state: str) -> str:
    """Why a period cannot be solved now (English; the page translates it)."""
    if state == "draft":
        return N_(
            "The period has not been opened for wishes yet. Open it, and close it when the staff have sent "
            "their wishes; then you can make a rota."
        )
    return N_("The period is open for wishes. Close it for wishes first; then you can make a rota.")


def _period_context(period_id: int, session: Session, actor: Actor) -> dict[str, Any]:
    period = services.get_period(period_id, session=session, actor=actor)
    people = services.submissions(period_id, session=session, actor=actor)
    for person in people:  # the time stamps as the team's clock shows them
        person["last_change"] = local(person["last_change"]) if person["last_change"] else None
    jobs = list(services.list_jobs(period_id, session=session, actor=actor))
    rotas = list(services.list_rotas(period_id, session=session, actor=actor))
    return {
        "period": period,
        "last_day": period.last_day,
        "deadline": local(period.deadline),
        "state_text": PERIOD_STATES.get(period.state, period.state),
        "people": people,
        "sent": sum(1 for p in people if p["wishes"] or p["vetoes"] or p["self_picks"]),
        "jobs": [_job_view(j) for j in reversed(jobs)],
        "active_jobs": [_job_view(j) for j in jobs if j.state in ACTIVE],
        "rotas": [
            {"rota": r, "created": local(r.created_at), "status_text": ROTA_STATUS.get(r.status, r.status)}
            for r in reversed(rotas)
        ],
        "rota_states": ROTA_STATES,
        "solvable": services.solvable(period),
        "not_solvable": _not_solvable(period.state),
        "solve": {"time_limit": DEFAULT_TIME_LIMIT, "workers": 2, "seed": 0},
        "errors": {},
        "error": None,
    }


def _render_period(
    request: Request, period_id: int, session: Session, actor: Actor, status_code: int = 200, **extra: Any
) -> HTMLResponse:
    context = _period_context(period_id, session, actor)
    context.update(extra)
    return render(request, "review/period.html", context, status_code=status_code)


def _staff_ids(team_id: int, session: Session, actor: Actor) -> dict[str, int]:
    rows = services.list_setup("staff", team_id, session=session, actor=actor)
    return {s.code: s.id for s in rows if isinstance(s, Staff) and s.id is not None}


def cell_html(cell: Cell, staff_id: int | None, off: str, locked: str, *, focus: bool = False) -> str:
    """One grid cell: a button of the grid's GET form (htmx loads the cell's editor) showing the draft's
    shift and route, and a lock (with the locked value when it differs). Written here rather than as a
    template macro: a 100 × 56 grid has 5,600 of them, and this is ten times faster."""
    e = escape
    if cell.shift:
        inner = f"{e(cell.shift)} <small>{e(cell.route)}</small>" if cell.route else str(e(cell.shift))
    else:
        inner = f'<span class="vh">{e(off)}</span>'
    lock = cell.lock
    if lock is not None:
        if lock.changed:
            to = f"→ {e(lock.shift or off)}" + (f" <small>{e(lock.route)}</small>" if lock.route else "")
            inner += f' <span class="to {lock.css}">{to}</span>'
        inner += f'<span aria-hidden="true">🔒</span><span class="vh">{e(locked)}</span>'
    css = f' class="{cell.css}"' if cell.css else ""
    if staff_id is None:  # left the team since the solve: shown, not editable
        return f"<td{css}>{inner}</td>"
    auto = " autofocus" if focus else ""
    value = f"{staff_id}.{cell.day}"
    return (
        f'<td id="c{staff_id}-{cell.day}"{css}><button name="c" value="{value}"{auto}>{inner}</button></td>'
    )


def _rows_html(request: Request, context: dict[str, Any]) -> list[Markup]:
    """The grid's cells per row; buttons (editable cells) only in a draft."""
    _ = _t(request)
    off, locked = _("off"), _("locked")
    editable = context["editable"]
    return [
        Markup("".join(cell_html(c, row.staff_id if editable else None, off, locked) for c in row.cells))
        for row in context["grid"].rows
    ]


def _rota_context(rota_id: int, session: Session, actor: Actor, person: str | None = None) -> dict[str, Any]:
    rota = services.get_rota(rota_id, session=session, actor=actor)
    period = services.get_period(rota.period_id, session=session, actor=actor)
    # A draft shows the period's locks (changes for the next re-solve); a published (or replaced) rota
    # shows what was published, read-only.
    editable = rota.state == "draft"
    locks = services.list_locks(period.id, session=session, actor=actor) if editable else []  # type: ignore[arg-type]
    staff_ids = _staff_ids(period.team_id, session, actor)
    others = [r for r in services.list_rotas(period.id, session=session, actor=actor) if r.id != rota.id]  # type: ignore[arg-type]
    names = staff_names(rota)
    person = person if person in names else None
    return {
        "rota": rota,
        "period": period,
        "grid": rota_grid(rota, staff_ids, locks, explain_for=person),
        "editable": editable,
        "pending": services.pending_changes(rota_id, session=session, actor=actor),
        "person": person,
        "person_name": names.get(person or ""),
        "people": list(names.items()),
        "solvable": services.solvable(period),
        "not_solvable": _not_solvable(period.state),
        "others": others,
        "created": local(rota.created_at),
        "published_at": local(rota.published_at),
        "status_text": ROTA_STATUS.get(rota.status, rota.status),
        "closeness": closeness(rota.objective, rota.best_bound, rota.status == "OPTIMAL"),
        "state_text": ROTA_STATES.get(rota.state, rota.state),
        "families": family_labels(),
        "publishable": _publishable(rota),
        "solve": {"time_limit": DEFAULT_TIME_LIMIT, "workers": 2, "seed": 0},
        "errors": {},
        "error": None,
    }


def _publishable(rota: Rota) -> bool:
    return rota.state != "published" and rota.status in ("OPTIMAL", "FEASIBLE")


def _render_rota(
    request: Request,
    rota_id: int,
    session: Session,
    actor: Actor,
    status_code: int = 200,
    person: str | None = None,
    **extra: Any,
) -> HTMLResponse:
    lang = lang_of(request)
    context = _rota_context(rota_id, session, actor, person)
    context["conflicts"] = [conflict_text(c, lang) for c in context["rota"].conflicts]
    reasons = services.rota_reasons(rota_id, session=session, actor=actor)
    context["reasons_worked_out"] = reasons["worked_out"]
    worded = reason_words.views(reasons["reasons"], lang)
    context["reasons"] = [r for r in worded if r["status"] != "not_reached"]
    context["reasons_left"] = len(worded) - len(context["reasons"])
    context.update(extra)
    context["cells"] = _rows_html(request, context)
    context["hours"] = lambda minutes: format_decimal(minutes / 60, "0.0", locale=lang)
    return render(request, "review/rota.html", context, status_code=status_code)


def _start_solve(
    period_id: int, form: dict[str, Any], session: Session, actor: Actor, queue: QueueDep
) -> SolveJob:
    """Validate the solve form as the API validates its body, create the job and hand it to the queue."""
    data = SolveRequest.model_validate(form)
    return services.start_solve(period_id, data, queue=queue, session=session, actor=actor)


def _solve_from_page(
    request: Request,
    period_id: int,
    form: dict[str, Any],
    session: Session,
    actor: Actor,
    queue: QueueDep,
    back: Callable[..., Response],
) -> Response:
    """Start the solve the form asks for and go to its progress page; a refusal comes back on the page
    the form was on (`back(status, errors= | error=, solve=form)`), nothing stored."""
    try:
        job = _start_solve(period_id, form, session, actor, queue)
    except (ValidationError, InputError) as exc:
        session.rollback()
        return back(422, errors=field_errors(exc, lang_of(request)), solve=form)
    except PeriodNotSolvable as exc:
        session.rollback()
        return back(409, error=_t(request)(_not_solvable(exc.state)), solve=form)
    except Conflict as exc:
        session.rollback()
        return back(409, error=error_text(exc, lang_of(request)), solve=form)
    return redirect(request, f"{PREFIX}/jobs/{job.id}")


def _solve_form(time_limit: str, workers: str, seed: str) -> dict[str, Any]:
    form: dict[str, Any] = {"time_limit": time_limit.strip(), "workers": workers.strip() or 2}
    if seed.strip():
        form["seed"] = seed.strip()
    return form


# ---- periods ----------------------------------------------------------------------------------------


def _periods_page(
    request: Request, session: Session, actor: Actor, status_code: int = 200, **extra: Any
) -> HTMLResponse:
    team_id = _team(actor)
    periods = list(services.list_periods(team_id, session=session, actor=actor)) if team_id else []
    # A planner of several teams is told which one the page shows (`/web/teams` to choose another).
    team_name = None
    if len(actor.teams) > 1 and team_id is not None:
        team_name = services.get_team(team_id, session=session, actor=actor).name
    context: dict[str, Any] = {
        "team_id": team_id,
        "team_name": team_name,
        "periods": [
            {
                "period": p,
                "last_day": p.last_day,
                "deadline": local(p.deadline),
                "state_text": PERIOD_STATES.get(p.state, p.state),
            }
            for p in reversed(periods)
        ],
        "form": {"name": "", "start": "", "days": "56", "deadline": ""},
        "errors": {},
    }
    context.update(extra)
    return render(request, "review/periods.html", context, status_code=status_code)


@router.get("/web/periods")
def periods_page(request: Request, session: SessionDep, actor: WebPlanner) -> Response:
    """The team's planning periods and a form to create one."""
    return _periods_page(request, session, actor)


@router.post("/web/periods")
def create_period(
    request: Request,
    session: SessionDep,
    actor: WebPlanner,
    name: Annotated[str, Form()] = "",
    start: Annotated[str, Form()] = "",
    days: Annotated[str, Form()] = "",
    deadline: Annotated[str, Form()] = "",
) -> Response:
    form = {"name": name, "start": start, "days": days, "deadline": deadline}
    team_id = _team(actor)
    if team_id is None:
        raise NotFound("team", None)
    try:
        data = PeriodCreate.model_validate(
            {"name": name.strip(), "start": start.strip(), "days": days.strip(), "deadline": _blank(deadline)}
        )
        period = services.create_period(team_id, data, session=session, actor=actor)
    except (ValidationError, InputError) as exc:
        session.rollback()
        errors = field_errors(exc, lang_of(request))
        return _periods_page(request, session, actor, 422, form=form, errors=errors)
    return redirect(request, f"{PREFIX}/periods/{period.id}")


@router.get("/web/periods/{period_id}")
def period_page(request: Request, period_id: int, session: SessionDep, actor: WebPlanner) -> Response:
    """A period: its state, open/close, who has submitted, solves and drafts."""
    return _render_period(request, period_id, session, actor)


@router.post("/web/periods/{period_id}/open")
def open_period(
    request: Request,
    period_id: int,
    session: SessionDep,
    actor: WebPlanner,
    deadline: Annotated[str, Form()] = "",
) -> Response:
    try:
        data = PeriodOpen.model_validate({"deadline": _blank(deadline)})
        services.open_period(period_id, data, session=session, actor=actor)
    except (ValidationError, InputError) as exc:
        session.rollback()
        errors = field_errors(exc, lang_of(request))
        return _render_period(request, period_id, session, actor, 422, errors=errors, deadline_value=deadline)
    except Conflict as exc:
        session.rollback()
        return _render_period(
            request, period_id, session, actor, 409, error=error_text(exc, lang_of(request))
        )
    return redirect(request, f"{PREFIX}/periods/{period_id}")


@router.post("/web/periods/{period_id}/close")
def close_period(request: Request, period_id: int, session: SessionDep, actor: WebPlanner) -> Response:
    try:
        services.close_period(period_id, session=session, actor=actor)
    except Conflict as exc:
        session.rollback()
        return _render_period(
            request, period_id, session, actor, 409, error=error_text(exc, lang_of(request))
        )
    return redirect(request, f"{PREFIX}/periods/{period_id}")


@router.post("/web/periods/{period_id}/solve")
def start_solve(
    request: Request,
    period_id: int,
    session: SessionDep,
    actor: WebPlanner,
    queue: QueueDep,
    time_limit: Annotated[str, Form()] = str(DEFAULT_TIME_LIMIT),
    workers: Annotated[str, Form()] = "2",
    seed: Annotated[str, Form()] = "0",
) -> Response:
    """Start a solve of the (closed) period; the browser goes to the job's progress page."""
    form = _solve_form(time_limit, workers, seed)

    def back(status: int, **extra: Any) -> Response:
        return _render_period(request, period_id, session, actor, status, **extra)

    return _solve_from_page(request, period_id, form, session, actor, queue, back)


# ---- the smallest fixes of an infeasible period ------------------------------------------------------


@router.get("/web/periods/{period_id}/fixes")
def fixes_page(request: Request, period_id: int, session: SessionDep, actor: WebPlanner) -> Response:
    """The smallest relaxations that make the period solvable, each checked by a solve (this takes up
    to the settings' seconds), with a button that makes one and solves again."""
    period = services.get_period(period_id, session=session, actor=actor)
    lang = lang_of(request)
    found = services.period_fixes(period_id, session=session, actor=actor)
    fixes = [
        {
            "text": reason_words.fix_text(f, lang),
            "size": f["size"],
            "relaxations": json.dumps(f["relaxations"]),
        }
        for f in found
    ]
    context = {"period": period, "fixes": fixes, "solvable": services.solvable(period)}
    return render(request, "review/fixes.html", context)


@router.post("/web/periods/{period_id}/fixes")
def apply_fix(
    request: Request,
    period_id: int,
    session: SessionDep,
    actor: WebPlanner,
    queue: QueueDep,
    relaxations: Annotated[str, Form()] = "[]",
) -> Response:
    """Make the relaxations of one proposed fix (each checked again as the API checks it), then solve
    the period again; the browser goes to the new solve's progress page."""
    try:
        items = [FixApply.model_validate(r) for r in json.loads(relaxations)]
        if not items:
            raise InputError("relaxations", N_("choose a fix"))
        for item in items:
            services.apply_fix(period_id, item, session=session, actor=actor)
    except (ValueError, ValidationError, InputError, NotFound) as exc:
        session.rollback()
        if isinstance(exc, InputError | NotFound):
            text = error_text(exc, lang_of(request))
        else:  # not what the page sent: nothing to say about its parts
            text = _t(request)(N_("That change could not be read."))
        period = services.get_period(period_id, session=session, actor=actor)
        return render(
            request, "review/fixes.html", {"period": period, "fixes": [], "error": text}, status_code=422
        )

    def back(status: int, **extra: Any) -> Response:
        return _render_period(request, period_id, session, actor, status, **extra)

    return _solve_from_page(
        request, period_id, _solve_form(str(DEFAULT_TIME_LIMIT), "2", "0"), session, actor, queue, back
    )


# ---- solve jobs -------------------------------------------------------------------------------------


def _job_fragment(
    request: Request, job: SolveJob, *, announce: bool, note: str | None = None, status_code: int = 200
) -> HTMLResponse:
    context = {"v": _job_view(job, lang_of(request)), "announce": announce, "note": note}
    return render(request, "review/_job_progress.html", context, status_code=status_code)


@router.get("/web/jobs/{job_id}")
def job_page(request: Request, job_id: int, session: SessionDep, actor: WebPlanner) -> Response:
    """One solve: live progress while it runs, a link to its draft when done."""
    job = services.get_job(job_id, session=session, actor=actor)
    period = services.get_period(job.period_id, session=session, actor=actor)
    context = {"v": _job_view(job, lang_of(request)), "period": period}
    return render(request, "review/job.html", context)


@router.get("/web/jobs/{job_id}/progress")
def job_progress(
    request: Request, job_id: int, session: SessionDep, actor: WebPlanner, seen: str = ""
) -> Response:
    """The progress fragment htmx polls every second; it stops polling once the job has ended, and
    announces (screen readers) only a change of state since `seen`."""
    job = services.get_job(job_id, session=session, actor=actor)
    return _job_fragment(request, job, announce=job.state != seen)


@router.post("/web/jobs/{job_id}/cancel")
def cancel_job(
    request: Request, job_id: int, session: SessionDep, actor: WebPlanner, queue: QueueDep
) -> Response:
    note = None
    try:
        services.cancel_job(job_id, session=session, actor=actor)
        queue.cancel(job_id)
    except Conflict:
        session.rollback()
        note = N_("The solve had already ended.")
    if not is_htmx(request):
        return redirect(request, f"{PREFIX}/jobs/{job_id}")
    job = services.get_job(job_id, session=session, actor=actor)
    session.refresh(job)
    return _job_fragment(request, job, announce=True, note=note)


# ---- the draft rota ---------------------------------------------------------------------------------


@router.get("/web/rotas/{rota_id}")
def rota_page(
    request: Request, rota_id: int, session: SessionDep, actor: WebPlanner, person: str = ""
) -> Response:
    """The rota as a staff × days grid with cover, fulfilment, hours and the explanations (every one
    of them, or one `person`'s)."""
    return _render_rota(request, rota_id, session, actor, person=person or None)


def _cell_target(
    rota_id: int, staff_id: int, day: dt.date, session: Session, actor: Actor
) -> tuple[Rota, str, str, Lock | None]:
    """The rota, the person's code and name, and the cell's lock; 404 for a person or day not in it."""
    rota = services.get_rota(rota_id, session=session, actor=actor)
    period = services.get_period(rota.period_id, session=session, actor=actor)
    code = next((c for c, i in _staff_ids(period.team_id, session, actor).items() if i == staff_id), None)
    names = staff_names(rota)
    if code is None or code not in names:
        raise NotFound("person in this rota", staff_id)
    if not period.start <= day < period.start + dt.timedelta(days=period.days):
        raise NotFound("day in this rota", day.isoformat())
    lock = next(
        (
            lk
            for lk in services.list_locks(period.id, session=session, actor=actor)  # type: ignore[arg-type]
            if lk.staff_id == staff_id and lk.date == day
        ),
        None,
    )
    return rota, code, names[code], lock


def _parse_cell(rota: Rota, value: str) -> tuple[int, dt.date]:
    """ "12.3" (staff id, day number in the period) from a grid button."""
    try:
        staff, index = (int(part) for part in value.split(".", 1))
        start = dt.date.fromisoformat(str(rota.problem["horizon"]["start"]))
        if not 0 <= index < int(rota.problem["horizon"]["days"]):
            raise ValueError(index)
    except (ValueError, KeyError):
        raise NotFound("cell", value) from None
    return staff, start + dt.timedelta(days=index)


def _editor(
    request: Request,
    rota_id: int,
    staff_id: int,
    day: dt.date,
    session: Session,
    actor: Actor,
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
    shift: str | None = None,
    route: str | None = None,
) -> HTMLResponse:
    """The cell's editor. The route list holds only the routes that run in the chosen shift (`shift`,
    else the locked or drafted one) on that weekday; choosing another shift reloads it."""
    rota, code, name, lock = _cell_target(rota_id, staff_id, day, session, actor)
    current = grid_cell(rota, code, day, lock)
    problem = rota.problem
    shift_types = [s["code"] for s in problem.get("shift_types", [])]
    if shift not in shift_types:
        shift = (lock.shift if lock is not None else None) or current.shift
        shift = shift if shift in shift_types else (shift_types[0] if shift_types else None)
        route = (lock.route if lock is not None else None) or current.route
    context = {
        "rota": rota,
        "staff_id": staff_id,
        "name": name,
        "day": day,
        "cell": current,
        "shift_types": shift_types,
        "chosen_shift": shift,
        "chosen_route": route,
        "routes": routes_in(problem, shift, day),
        "errors": errors or {},
    }
    if not is_htmx(request):
        return render(request, "review/cell_page.html", context, status_code=status_code)
    headers = None
    if status_code != 200:
        # htmx swaps no 4xx answer, and the form aimed at the cell: show the messages in the editor.
        headers, status_code = {"HX-Retarget": "#cell-editor", "HX-Reswap": "innerHTML"}, 200
    return render(request, "review/_cell_editor.html", context, status_code=status_code, headers=headers)


@router.get("/web/rotas/{rota_id}/candidates")
def slot_candidates(
    request: Request, rota_id: int, session: SessionDep, actor: WebPlanner, date: dt.date, shift: str
) -> Response:
    """Who could take `shift` on `date` (the cell editor's "who could take it?", loaded when opened)."""
    found = services.slot_candidates(rota_id, date, shift, None, session=session, actor=actor)
    context = {"candidates": found, "shift": shift, "day": date, "rota_id": rota_id}
    context["give"] = after.give_targets(rota_id, session, actor)  # the published rota: give it to one
    template = "review/_candidates.html" if is_htmx(request) else "review/candidates_page.html"
    return render(request, template, context)


@router.get("/web/rotas/{rota_id}/cell")
def cell_editor(
    request: Request,
    rota_id: int,
    session: SessionDep,
    actor: WebPlanner,
    c: str = "",
    close: str = "",
    shift: str = "",
) -> Response:
    """The small editor of one cell (`c` = "staff id.day number", as the grid's buttons send it; `shift`:
    the shift chosen in it, whose routes it lists)."""
    if close:
        return HTMLResponse("")
    rota = services.get_rota(rota_id, session=session, actor=actor)
    staff_id, day = _parse_cell(rota, c)
    return _editor(request, rota_id, staff_id, day, session, actor, shift=shift or None)


def _cell_swap(
    request: Request, rota_id: int, staff_id: int, day: dt.date, session: Session, actor: Actor, said: str
) -> Response:
    """After an edit: the updated cell (htmx swaps it into the grid, focused) and a status line; a plain
    form post goes back to the rota page."""
    if not is_htmx(request):
        return redirect(request, f"{PREFIX}/rotas/{rota_id}")
    rota, code, name, lock = _cell_target(rota_id, staff_id, day, session, actor)
    _ = _t(request)
    context = {
        "rota": rota,
        "staff_id": staff_id,
        "cell": Markup(
            cell_html(grid_cell(rota, code, day, lock), staff_id, _("off"), _("locked"), focus=True)
        ),
        "said": _(said, name=name, day=i18n.date_short(day, lang_of(request))),
        # the publish box again: a change may have made the draft publishable or not
        "off": _("off"),
        "publishable": _publishable(rota),
        "pending": services.pending_changes(rota_id, session=session, actor=actor),
        "status_text": ROTA_STATUS.get(rota.status, rota.status),
    }
    return render(request, "review/_cell_swap.html", context)


@router.post("/web/rotas/{rota_id}/cells/{staff_id}/{day}")
def edit_cell(
    request: Request,
    rota_id: int,
    staff_id: int,
    day: dt.date,
    session: SessionDep,
    actor: WebPlanner,
    action: Annotated[str, Form()] = "",
    shift: Annotated[str, Form()] = "",
    route: Annotated[str, Form()] = "",
) -> Response:
    """Lock, change or clear one cell (a lock of the period, kept by the next re-solve). A change the
    rules refuse is explained in the editor; nothing is stored."""
    rota = _cell_target(rota_id, staff_id, day, session, actor)[0]
    chosen = {"shift": _blank(shift), "route": _blank(route)} if action == "change" else {}
    lang = lang_of(request)
    try:
        edit = CellEdit.model_validate({"action": action, **chosen})
        services.edit_cell(rota_id, staff_id, day, edit, session=session, actor=actor)
    except (ValidationError, InputError) as exc:
        session.rollback()
        errors = field_errors(exc, lang)
        wanted, on = chosen.get("shift"), chosen.get("route")
        if on and wanted and on not in {r["id"] for r in routes_in(rota.problem, wanted, day)}:
            errors["route"] = _t(request)(
                N_("Route {route} does not run in the shift {shift} on {day}."),
                route=on,
                shift=wanted,
                day=i18n.date_short(day, lang),
            )
        return _editor(
            request, rota_id, staff_id, day, session, actor, errors=errors, status_code=422, **chosen
        )
    except Conflict as exc:
        session.rollback()
        text = refusal_text(exc, lang) if isinstance(exc, RuleRefusal) else error_text(exc, lang)
        errors = {"form": text}
        return _editor(
            request, rota_id, staff_id, day, session, actor, errors=errors, status_code=409, **chosen
        )
    return _cell_swap(request, rota_id, staff_id, day, session, actor, N_("{name}, {day}: locked."))


@router.post("/web/rotas/{rota_id}/cells/{staff_id}/{day}/unlock")
def unlock_cell(
    request: Request, rota_id: int, staff_id: int, day: dt.date, session: SessionDep, actor: WebPlanner
) -> Response:
    """Remove the lock of one cell."""
    lock = _cell_target(rota_id, staff_id, day, session, actor)[3]
    if lock is not None:
        assert lock.id is not None
        services.delete_lock(lock.id, session=session, actor=actor)
    return _cell_swap(request, rota_id, staff_id, day, session, actor, N_("{name}, {day}: lock removed."))


@router.post("/web/rotas/{rota_id}/resolve")
def resolve(
    request: Request,
    rota_id: int,
    session: SessionDep,
    actor: WebPlanner,
    queue: QueueDep,
    time_limit: Annotated[str, Form()] = str(DEFAULT_TIME_LIMIT),
    workers: Annotated[str, Form()] = "2",
    seed: Annotated[str, Form()] = "0",
) -> Response:
    """Re-solve from this draft (minimal change; locks kept); the browser goes to the progress page."""
    rota = services.get_rota(rota_id, session=session, actor=actor)
    form = {**_solve_form(time_limit, workers, seed), "from_rota": rota_id}

    def back(status: int, **extra: Any) -> Response:
        return _render_rota(request, rota_id, session, actor, status, **extra)

    return _solve_from_page(request, rota.period_id, form, session, actor, queue, back)


@router.post("/web/rotas/{rota_id}/reasons")
def refresh_reasons(request: Request, rota_id: int, session: SessionDep, actor: WebPlanner) -> Response:
    """Work the reasons of the rota's unmet wishes and unfilled slots out again (within the budget)."""
    services.refresh_reasons(rota_id, session=session, actor=actor)
    return redirect(request, f"{PREFIX}/rotas/{rota_id}#reasons-h")


@router.post("/web/rotas/{rota_id}/publish")
def publish(request: Request, rota_id: int, session: SessionDep, actor: WebPlanner) -> Response:
    """Publish the draft (the page asks for confirmation first)."""
    try:
        services.publish_rota(rota_id, session=session, actor=actor)
    except PendingChanges as exc:
        session.rollback()
        error = _t(request)(
            N_("This draft cannot be published: {n} changed cells are not in it. Re-solve from it first."),
            n=len(exc.cells),
        )
        return _render_rota(request, rota_id, session, actor, 409, error=error)
    except Conflict as exc:
        session.rollback()
        return _render_rota(request, rota_id, session, actor, 409, error=error_text(exc, lang_of(request)))
    return redirect(request, f"{PREFIX}/rotas/{rota_id}")


@router.get("/web/rotas/{rota_id}/compare")
def compare(
    request: Request, rota_id: int, session: SessionDep, actor: WebPlanner, other: int | None = None
) -> Response:
    """What differs between this draft and another of the period (the earlier one is "before")."""
    rota = services.get_rota(rota_id, session=session, actor=actor)
    others = [r for r in services.list_rotas(rota.period_id, session=session, actor=actor) if r.id != rota_id]
    context: dict[str, Any] = {"rota": rota, "others": others, "other": other, "result": None}
    if other is not None:
        a, b = sorted((rota_id, other))
        result = services.compare_rotas(a, b, session=session, actor=actor)
        context.update(result=result, rows=compared(result, staff_names(rota)), before=a, after=b)
    return render(request, "review/compare.html", context)


# ---- exports ----------------------------------------------------------------------------------------


@router.get("/web/rotas/{rota_id}/export.csv")
def export_csv(
    rota_id: int, session: SessionDep, actor: WebPlanner, excel: bool = False, staff_id: int | None = None
) -> Response:
    """The rota as CSV (`excel=true`: the variant Danish Excel opens), as the API's export."""
    return downloads.rota_csv(rota_id, session=session, actor=actor, staff_id=staff_id, excel=excel)


@router.get("/web/rotas/{rota_id}/payroll.csv")
def payroll_csv(
    rota_id: int, session: SessionDep, actor: WebPlanner, excel: bool = False, by: By = "week"
) -> Response:
    """Hours for payroll as CSV, as the API's."""
    return downloads.payroll_csv(rota_id, session=session, actor=actor, excel=excel, by=by)


@router.get("/web/periods/{period_id}/staff/{staff_id}/calendar.ics")
def calendar(period_id: int, staff_id: int, session: SessionDep, actor: WebPlanner) -> Response:
    """One person's shifts in the published rota as iCalendar, as the API's calendar."""
    return downloads.person_ics(period_id, staff_id, session=session, actor=actor)
