"""The rota meeting's page (a projector or a shared screen; the team's planner only): the meeting's rota one
week at a time in large type, each cell with the shift and route and the person's marks of the day, the
week's holes and clashes beside it; picking a cell lists who could take it and offers what-if moves
(take, off, swap), whose check is shown at once; accepting stores the move as the planner's locks, and
undo / redo step through the meeting's moves. Plain links and forms: it works without JavaScript.

Every action calls `planner.services` as the JSON API (`api/routes/meeting.py`) does; the grid's rows
come from `planner.views.meeting`. No business rules here.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlmodel import Session

from api.deps import SessionDep
from api.web import i18n
from api.web.common import PREFIX, WebPlanner, error_text, field_errors, lang_of, redirect, render
from api.web.explain import say
from planner import services, whatif
from planner.auth import Actor
from planner.errors import Conflict, InputError
from planner.models import MoveAccept, MoveCheck
from planner.texts import N_
from planner.views import meeting as view
from solver import families
from solver.check import ROUTE_RULE

router = APIRouter()

BAD_REPAIR = N_("The repair could not be read: check the move again.")

LEGEND: dict[view.MarkKind, str] = {
    "want": N_("wants (a shift or the day)"),
    "avoid": N_("would rather avoid"),
    "veto": N_("veto: a guaranteed day off"),
    "absent": N_("absent or a fixed day off"),
    "pick": N_("picked it themselves"),
    "lock": N_("locked by the planner"),
}


def broken_text(b: whatif.Broken, labels: dict[str, str], lang: str) -> str:
    """A broken hard rule in `lang`: who, when, and the rule's name (the family's label)."""
    _ = i18n.translator(lang)
    name = "routes" if b.rule == ROUTE_RULE else str(b.rule)
    try:
        rule = _(families.get(name).label)
    except KeyError:
        rule = _("a rule of the plan")
    who = labels.get(b.staff or "", b.staff or "")
    when = i18n.date_short(b.date, lang) if b.date else ""
    head = ", ".join(part for part in (who, when) if part)
    return f"{head}: {rule}" if head else rule


def _cell_arg(value: str) -> tuple[int, dt.date] | None:
    """ "12.2027-03-11" (staff id, date) from a grid link; None when malformed."""
    try:
        staff, day = value.split(".", 1)
        return int(staff), dt.date.fromisoformat(day)
    except ValueError:
        return None


def _week_of(board: dict[str, Any], day: dt.date) -> int:
    return next((i for i, days in enumerate(view.weeks(board["problem"])) if day in days), 0)


def _context(
    request: Request, rota_id: int, session: Session, actor: Actor, week: int, cell: str = ""
) -> dict[str, Any]:
    lang = lang_of(request)
    board = services.meeting_board(rota_id, session=session, actor=actor)
    labels, ids = board["labels"], board["ids"]
    picked = _cell_arg(cell) if cell else None
    codes = {i: c for c, i in ids.items()}
    selected = None
    if picked is not None and picked[0] in codes:
        code, day = codes[picked[0]], picked[1]
        if board["problem"].horizon.start <= day <= board["problem"].horizon.last_day:
            week = _week_of(board, day)
            now = next((a for a in board["assignments"] if a.staff == code and a.date == day), None)
            selected = {
                "staff_id": picked[0],
                "staff": code,
                "name": labels.get(code, code),
                "day": day,
                "shift": now.shift if now else None,
                "route": now.route if now else None,
                "candidates": services.meeting_candidates(
                    rota_id, day, now.shift, now.route, session=session, actor=actor, owner=code
                )
                if now
                else [],
            }
    grid = view.week(board["problem"], board["assignments"], week, labels, board["locked"])
    _ = i18n.translator(lang)
    return {
        **board,
        "grid": grid,
        "week_no": grid.days[0].isocalendar()[1],
        "holes": [say(p.model_dump(mode="json"), lang) for p in grid.holes],
        "clashes": [say(p.model_dump(mode="json"), lang) for p in grid.clashes],
        "broken": [broken_text(b, labels, lang) for b in grid.broken],
        "legend": [(view.SYMBOLS[k], _(text)) for k, text in LEGEND.items()],
        "mark_words": {k: _(text) for k, text in LEGEND.items()},
        "selected": selected,
        "people": sorted(((i, labels.get(c, c)) for c, i in ids.items() if c in labels), key=lambda p: p[1]),
        "shift_types": [s.code for s in board["problem"].shift_types],
        "cost": None,
        "answer": None,
        "error": None,
        "errors": {},
    }


def _page(
    request: Request,
    rota_id: int,
    session: Session,
    actor: Actor,
    week: int = 0,
    cell: str = "",
    status_code: int = 200,
    **extra: Any,
) -> Response:
    context = _context(request, rota_id, session, actor, week, cell)
    context.update(extra)
    return render(request, "meeting/meeting.html", context, status_code=status_code)


@router.get("/web/rotas/{rota_id}/meeting")
def meeting_page(
    request: Request, rota_id: int, session: SessionDep, actor: WebPlanner, week: int = 0, c: str = ""
) -> Response:
    """The meeting's grid, one week (`week`, 0 = the period's first); `c` = "staff id.date" picks a cell."""
    return _page(request, rota_id, session, actor, week, c)


def _move_form(form: dict[str, str]) -> dict[str, Any]:
    """The move's fields from a form (empty fields left out)."""
    keys = ("kind", "staff_id", "date", "shift", "route", "other_id", "other_date")
    return {k: form[k].strip() for k in keys if form.get(k, "").strip()}


def _answer_view(answer: dict[str, Any], labels: dict[str, str], lang: str) -> dict[str, Any]:
    """The check's answer with its broken rules in words and the repair's cells JSON for the accept form."""
    broken = [
        broken_text(whatif.Broken(b["rule"], b["staff"], b["date"], b["message"]), labels, lang)
        for b in answer["broken"]
    ]
    repair = answer["repair"]
    cells = (
        [{"staff_id": c["staff_id"], "date": c["date"].isoformat(), **c["after"]} for c in repair["cells"]]
        if repair and repair["found"]
        else []
    )
    return {**answer, "broken_text": broken, "repair_json": json.dumps(cells)}


@router.post("/web/rotas/{rota_id}/meeting/check")
async def check_move(request: Request, rota_id: int, session: SessionDep, actor: WebPlanner) -> Response:
    """Check a what-if move and show the answer (nothing stored)."""
    form = {k: str(v) for k, v in (await request.form()).items()}
    move = _move_form(form)
    cell = form.get("c", "")
    lang = lang_of(request)
    try:
        answer = services.check_move(rota_id, MoveCheck.model_validate(move), session=session, actor=actor)
    except (ValidationError, InputError) as exc:
        session.rollback()
        errors = field_errors(exc, lang)
        return _page(
            request,
            rota_id,
            session,
            actor,
            cell=cell,
            status_code=422,
            errors=errors,
            error=" ".join(errors.values()),
        )
    except Conflict as exc:
        session.rollback()
        return _page(
            request, rota_id, session, actor, cell=cell, status_code=409, error=error_text(exc, lang)
        )
    board_labels = services.meeting_board(rota_id, session=session, actor=actor)["labels"]
    return _page(
        request,
        rota_id,
        session,
        actor,
        cell=cell,
        answer=_answer_view(answer, board_labels, lang),
        move=move,
    )


@router.post("/web/rotas/{rota_id}/meeting/accept")
async def accept_move(request: Request, rota_id: int, session: SessionDep, actor: WebPlanner) -> Response:
    """Accept a checked move (with its repair, when the form carries one): the planner's locks."""
    form = {k: str(v) for k, v in (await request.form()).items()}
    move = _move_form(form)
    cell = form.get("c", "")
    lang = lang_of(request)
    try:
        repair = json.loads(form.get("repair", "") or "[]")
        data = MoveAccept.model_validate(
            {**move, "base": form.get("base", ""), "repair": repair, "note": form.get("note", "")}
        )
        services.accept_move(rota_id, data, session=session, actor=actor)
    except json.JSONDecodeError:
        return _page(
            request,
            rota_id,
            session,
            actor,
            cell=cell,
            status_code=422,
            error=i18n.translator(lang)(BAD_REPAIR),
        )
    except (ValidationError, InputError) as exc:
        session.rollback()
        errors = field_errors(exc, lang)
        return _page(
            request,
            rota_id,
            session,
            actor,
            cell=cell,
            status_code=422,
            errors=errors,
            error=" ".join(errors.values()),
        )
    except Conflict as exc:
        session.rollback()
        return _page(
            request, rota_id, session, actor, cell=cell, status_code=409, error=error_text(exc, lang)
        )
    day = move.get("date", "")
    return redirect(request, f"{PREFIX}/rotas/{rota_id}/meeting?c={move.get('staff_id', '')}.{day}")


def _step(request: Request, rota_id: int, session: Session, actor: Actor, week: str, undo: bool) -> Response:
    lang = lang_of(request)
    try:
        if undo:
            services.undo_move(rota_id, session=session, actor=actor)
        else:
            services.redo_move(rota_id, session=session, actor=actor)
    except Conflict as exc:
        session.rollback()
        return _page(
            request, rota_id, session, actor, int(week or 0), status_code=409, error=error_text(exc, lang)
        )
    return redirect(request, f"{PREFIX}/rotas/{rota_id}/meeting?week={int(week or 0)}")


@router.post("/web/rotas/{rota_id}/meeting/undo")
def undo(
    request: Request, rota_id: int, session: SessionDep, actor: WebPlanner, week: Annotated[str, Form()] = "0"
) -> Response:
    """Undo the meeting's last accepted move (its locks go; the ones they replaced come back)."""
    return _step(request, rota_id, session, actor, week if week.isdigit() else "0", undo=True)


@router.post("/web/rotas/{rota_id}/meeting/redo")
def redo(
    request: Request, rota_id: int, session: SessionDep, actor: WebPlanner, week: Annotated[str, Form()] = "0"
) -> Response:
    """Redo the move undone last."""
    return _step(request, rota_id, session, actor, week if week.isdigit() else "0", undo=False)
