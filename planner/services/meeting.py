"""The rota meeting on a draft: what-if moves checked at once (`planner.whatif`), accepted as the planner's
locks with a reason ("Rotamøde: …"), undone and redone, and the meeting's view of the rota.

The meeting's rota is the draft with the cells of its accepted moves (`MeetingMove`, state `done`), and
its problem the draft's with those cells as locks: each move is checked on what the meeting has decided
so far, and a repair never undoes an earlier move. Accepting stores a lock of the period for every cell
the move (and its repair) changes, so the next re-solve keeps them, and remembers the lock each replaced:
undo puts those back, redo sets the move's again. One list of moves per draft, shared by the team's
planners (a meeting has one screen); accepting a new move drops the moves undone before it (no redo
after a new decision). A check answers with `base`, the meeting's last accepted move it was made on;
accepting with another `base` is refused (the meeting moved on: check again).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from planner import mapping, meeting, whatif
from planner.auth import Actor, require_planner
from planner.errors import Conflict, InputError
from planner.models import Lock, MeetingMove, MoveAccept, MoveCheck, MoveRequest, Period, Rota, Staff
from planner.people import person_labels
from planner.services._base import _commit, audit, get
from planner.services.rotas import get_rota
from planner.texts import DEFAULT_LANGUAGE, N_, translator
from solver import check
from solver.problem import Lock as ProblemLock
from solver.problem import Problem
from solver.solution import Assignment

# The request's name for each field `planner.whatif.MoveError` names.
_FIELDS = {"staff": "staff_id", "other": "other_id", "date": "date", "other_date": "other_date"}
_FIELDS |= {"shift": "shift", "route": "route"}

REASON = N_("Rota meeting: {what}")
WHAT = {
    "take_from": N_("{name} takes {other}'s {shift} on {date}"),
    "take": N_("{name} takes {shift} on {date}"),
    "swap": N_("{name} ({date}) and {other} ({other_date}) swap"),
    "off": N_("{name} off on {date}"),
}


# ---- the meeting's rota -----------------------------------------------------------------------------


def _draft(rota_id: int, session: Session, actor: Actor) -> tuple[Rota, Period]:
    """The rota, if it is a draft the actor plans; a published or replaced rota is refused by name."""
    rota = get_rota(rota_id, session=session, actor=actor)
    period = get(session, Period, rota.period_id, "period")
    require_planner(actor, period.team_id)
    if rota.state == "superseded":
        raise Conflict(
            N_("rota {rota} has been replaced by a newer published rota: the meeting cannot change it"),
            rota=rota_id,
        )
    if rota.state != "draft":
        raise Conflict(
            N_(
                "rota {rota} is published: the meeting changes drafts only (re-solve from it for a new draft)"
            ),
            rota=rota_id,
        )
    return rota, period


def _moves(session: Session, rota_id: int) -> list[MeetingMove]:
    return list(
        session.exec(select(MeetingMove).where(MeetingMove.rota_id == rota_id).order_by(col(MeetingMove.id)))
    )


def _head(moves: Sequence[MeetingMove]) -> int:
    """The meeting's last accepted move still done (0: none): what a check was made on."""
    return max((m.id or 0 for m in moves if m.state == "done"), default=0)


def meeting_rota(rota: Rota, moves: Sequence[MeetingMove]) -> tuple[Problem, list[Assignment]]:
    """The draft's problem and rota with the done moves' cells: set in the rota, locks in the problem
    (replacing a lock the draft's problem had on the same cell)."""
    problem = mapping.rota_problem(rota)
    cells: dict[tuple[str, dt.date], whatif.Cell] = {}
    for move in moves:
        if move.state == "done":
            for c in move.cells:
                day = dt.date.fromisoformat(c["date"])
                cells[c["staff"], day] = whatif.Cell(c["staff"], day, c["shift"], c["route"])
    assignments = whatif.apply(mapping.rota_assignments(rota), [(c, c) for c in cells.values()])
    locks = [lk for lk in problem.locks if (lk.staff, lk.date) not in cells]
    locks += [ProblemLock(staff=c.staff, date=c.date, shift=c.shift, route=c.route) for c in cells.values()]
    return problem.model_copy(update={"locks": locks}), assignments


def _people(session: Session, team_id: int) -> tuple[dict[int, Staff], dict[str, int], dict[str, str]]:
    """The team's people by id, their ids by code, and their labels by code."""
    people = {
        p.id: p for p in session.exec(select(Staff).where(Staff.team_id == team_id)) if p.id is not None
    }
    labels = person_labels(people.values())
    return people, {p.code: i for i, p in people.items()}, {p.code: labels[i] for i, p in people.items()}


def _code(people: dict[int, Staff], staff_id: int | None, field: str) -> str | None:
    if staff_id is None:
        return None
    person = people.get(staff_id)
    if person is None:
        raise InputError(field, N_("staff {staff} is not in this team"), staff=staff_id)
    return person.code


def _move(people: dict[int, Staff], req: MoveRequest) -> whatif.Move:
    code = _code(people, req.staff_id, "staff_id")
    assert code is not None
    return whatif.Move(
        kind=req.kind,
        staff=code,
        date=req.date,
        shift=req.shift,
        route=req.route,
        other=_code(people, req.other_id, "other_id"),
        other_date=req.other_date,
    )


def _input(exc: whatif.MoveError) -> InputError:
    return InputError(_FIELDS.get(exc.field, exc.field), exc.template, **exc.params)


# ---- the answer -------------------------------------------------------------------------------------


def _cell(
    before: whatif.Cell, after: whatif.Cell, ids: dict[str, int], labels: dict[str, str]
) -> dict[str, Any]:
    return {
        "staff_id": ids.get(before.staff),
        "staff": before.staff,
        "name": labels.get(before.staff, before.staff),
        "date": before.date,
        "before": {"shift": before.shift, "route": before.route},
        "after": {"shift": after.shift, "route": after.route},
    }


def _answer(answer: whatif.WhatIf, base: int, ids: dict[str, int], labels: dict[str, str]) -> dict[str, Any]:
    repair = answer.repair
    return {
        "base": base,
        "holds": answer.holds,
        "cells": [_cell(b, a, ids, labels) for b, a in answer.cells],
        "broken": [
            {
                "rule": str(b.rule),
                "staff": b.staff,
                "name": labels.get(b.staff or "", b.staff),
                "date": b.date,
                "message": b.message,
            }
            for b in answer.broken
        ],
        "cost_before": answer.cost_before,
        "cost": answer.cost,
        "cost_change": answer.cost_change,
        "repair": None
        if repair is None
        else {
            "found": repair.found,
            "optimal": repair.optimal,
            "impossible": repair.impossible,
            "cells": [_cell(b, a, ids, labels) for b, a in repair.cells],
            "cost": repair.cost,
            "cost_change": repair.cost_change,
            "seconds": round(repair.seconds, 3),
        },
    }


def check_move(rota_id: int, req: MoveCheck, *, session: Session, actor: Actor) -> dict[str, Any]:
    """What the move does to the meeting's rota: the cells it changes, the hard rules it breaks (the
    checker's), its cost and the change, and — when it breaks a rule and `req.repair` — the best repair
    (`planner.whatif`). Nothing is stored. The team's planner only, on a draft; a move that does not fit
    the rota is a 422 naming its field."""
    rota, period = _draft(rota_id, session, actor)
    people, ids, labels = _people(session, period.team_id)
    moves = _moves(session, rota_id)
    problem, assignments = meeting_rota(rota, moves)
    try:
        answer = whatif.what_if(problem, assignments, _move(people, req), repair=req.repair)
    except whatif.MoveError as exc:
        raise _input(exc) from None
    return _answer(answer, _head(moves), ids, labels)


# ---- accepting, undo, redo --------------------------------------------------------------------------


def _reason(req: MoveAccept, people: dict[int, Staff], cells: list[tuple[whatif.Cell, whatif.Cell]]) -> str:
    """ "Rota meeting: …" in the team's language (Danish): the planner's note, else the move in words."""
    _ = translator(DEFAULT_LANGUAGE)
    if req.note.strip():
        return _(REASON, what=req.note.strip())[:300]
    name = people[req.staff_id].name
    other = people[req.other_id].name if req.other_id in people else ""
    moved = next(a for _b, a in cells if a.staff == people[req.staff_id].code)
    kind = "take_from" if req.kind == "take" and other else req.kind
    what = _(
        WHAT[kind],
        name=name,
        other=other,
        shift=(moved.shift or "") + (f" {moved.route}" if moved.route else ""),
        date=req.date.isoformat(),
        other_date=(req.other_date or req.date).isoformat(),
    )
    return _(REASON, what=what)[:300]


def _lock_row(session: Session, period_id: int, staff_id: int, day: dt.date) -> Lock | None:
    return session.exec(
        select(Lock).where(Lock.period_id == period_id, Lock.staff_id == staff_id, Lock.date == day)
    ).first()


def _set_locks(session: Session, period_id: int, cells: list[dict[str, Any]], reason: str) -> None:
    """Lock every cell to its value, remembering in each cell the lock it replaces (None: there was none)."""
    for c in cells:
        day = dt.date.fromisoformat(c["date"])
        row = _lock_row(session, period_id, c["staff_id"], day)
        c["previous"] = (
            None if row is None else {"shift": row.shift, "route": row.route, "reason": row.reason}
        )
        if row is None:
            row = Lock(period_id=period_id, staff_id=c["staff_id"], date=day)
        row.shift, row.route, row.reason = c["shift"], c["route"], reason
        session.add(row)
    session.flush()


def _guard(session: Session, rota_id: int) -> None:
    """Hold the rota's row until commit: two planners' accepts (or undos) of one meeting take turns."""
    session.exec(select(Rota.id).where(Rota.id == rota_id).with_for_update()).first()


def accept_move(rota_id: int, req: MoveAccept, *, session: Session, actor: Actor) -> MeetingMove:
    """Store the move and the repair's cells (`req.repair`, from the check) as the planner's locks with
    the reason "Rota meeting: …" (Danish). Refused (409) when the meeting has moved on since the check
    (`req.base`), when the rota is no longer a draft, or when the rota after the move (and repair) breaks
    a hard rule it did not break before; a repair cell outside the move's window is a 422."""
    rota, period = _draft(rota_id, session, actor)
    _guard(session, rota_id)
    people, ids, labels = _people(session, period.team_id)
    moves = _moves(session, rota_id)
    if req.base != _head(moves):
        raise Conflict(
            N_(
                "the meeting has changed since this move was checked (a move was accepted, undone or "
                "redone): check it again"
            )
        )
    problem, assignments = meeting_rota(rota, moves)
    try:
        cells = whatif.move_cells(problem, assignments, _move(people, req))
    except whatif.MoveError as exc:
        raise _input(exc) from None
    after = whatif.apply(assignments, cells)
    if req.repair:
        free = whatif.window(problem, cells)
        fixes = []
        for i, fix in enumerate(req.repair):
            code = _code(people, fix.staff_id, f"repair.{i}.staff_id")
            assert code is not None
            if (code, fix.date) not in free:
                raise InputError(
                    f"repair.{i}",
                    N_("the repair may not change {name} on {date}: it is outside the move's window"),
                    name=labels[code],
                    date=fix.date,
                )
            cell = whatif.Cell(code, fix.date, fix.shift, fix.route)
            fixes.append((cell, cell))
        after = whatif.apply(after, fixes)
    before = {(b.rule, b.staff, b.date, b.message) for b in whatif.broken(problem, assignments)}
    new = [b for b in whatif.broken(problem, after) if (b.rule, b.staff, b.date, b.message) not in before]
    if new:
        raise Conflict(
            N_(
                "the move breaks {n} rule(s) ({first}): accept it with a repair that keeps them, or throw "
                "it away"
            ),
            n=len(new),
            first=new[0].message,
        )
    changed = whatif.diff(assignments, after)
    reason = _reason(req, people, cells)
    stored = [
        {
            "staff_id": ids[a.staff],
            "staff": a.staff,
            "date": a.date.isoformat(),
            "shift": a.shift,
            "route": a.route,
            "before": {"shift": b.shift, "route": b.route},
        }
        for b, a in changed
    ]
    _set_locks(session, period.id or 0, stored, reason)
    session.execute(
        delete(MeetingMove).where(col(MeetingMove.rota_id) == rota_id, col(MeetingMove.state) == "undone")
    )
    move = MeetingMove(
        rota_id=rota_id, period_id=period.id or 0, reason=reason, cells=stored, created_by=actor.username
    )
    session.add(move)
    session.flush()
    audit(
        session,
        actor,
        period.team_id,
        "meeting move",
        f"rota {rota_id}",
        move=move.id,
        reason=reason,
        cost=check.objective(problem, after),
        cells=len(stored),
    )
    _commit(session)
    session.refresh(move)
    return move


def undo_move(rota_id: int, *, session: Session, actor: Actor) -> MeetingMove:
    """Undo the meeting's last accepted move: each of its cells gets back the lock it replaced (or none).
    Refused (409) when there is nothing to undo."""
    _rota, period = _draft(rota_id, session, actor)
    _guard(session, rota_id)
    done = [m for m in _moves(session, rota_id) if m.state == "done"]
    if not done:
        raise Conflict(N_("there is no move of the meeting to undo"))
    move = done[-1]
    for c in reversed(move.cells):
        row = _lock_row(session, period.id or 0, c["staff_id"], dt.date.fromisoformat(c["date"]))
        previous = c.get("previous")
        if previous is None:
            if row is not None:
                session.delete(row)
            continue
        if row is None:
            row = Lock(
                period_id=period.id or 0, staff_id=c["staff_id"], date=dt.date.fromisoformat(c["date"])
            )
        row.shift, row.route, row.reason = previous["shift"], previous["route"], previous.get("reason")
        session.add(row)
    move.state = "undone"
    session.add(move)
    audit(session, actor, period.team_id, "meeting undo", f"rota {rota_id}", move=move.id, reason=move.reason)
    _commit(session)
    session.refresh(move)
    return move


def redo_move(rota_id: int, *, session: Session, actor: Actor) -> MeetingMove:
    """Redo the move undone last (the first of those undone after the last one done): its locks again.
    Refused (409) when there is nothing to redo."""
    _rota, period = _draft(rota_id, session, actor)
    _guard(session, rota_id)
    undone = [m for m in _moves(session, rota_id) if m.state == "undone"]
    if not undone:
        raise Conflict(N_("there is no undone move of the meeting to redo"))
    move = undone[0]
    cells = [dict(c) for c in move.cells]
    _set_locks(session, period.id or 0, cells, move.reason)
    move.cells, move.state = cells, "done"
    session.add(move)
    audit(session, actor, period.team_id, "meeting redo", f"rota {rota_id}", move=move.id, reason=move.reason)
    _commit(session)
    session.refresh(move)
    return move


def meeting_moves(rota_id: int, *, session: Session, actor: Actor) -> list[MeetingMove]:
    """The meeting's moves of this draft, oldest first (done, then any undone ones that redo can bring
    back)."""
    _draft(rota_id, session, actor)
    return _moves(session, rota_id)


# ---- the meeting's page -----------------------------------------------------------------------------


def meeting_board(rota_id: int, *, session: Session, actor: Actor) -> dict[str, Any]:
    """What the meeting's page shows of a draft: the meeting's problem and rota, its moves (`base`: the
    last done; whether undo and redo have something to do), the people's ids and labels by code, and the
    cells the period's locks hold (the meeting's and the cell editor's)."""
    rota, period = _draft(rota_id, session, actor)
    people, ids, labels = _people(session, period.team_id)
    moves = _moves(session, rota_id)
    problem, assignments = meeting_rota(rota, moves)
    locks = session.exec(select(Lock).where(Lock.period_id == period.id)).all()
    return {
        "rota": rota,
        "period": period,
        "problem": problem,
        "assignments": assignments,
        "moves": moves,
        "base": _head(moves),
        "can_undo": any(m.state == "done" for m in moves),
        "can_redo": any(m.state == "undone" for m in moves),
        "ids": ids,
        "labels": labels,
        "locked": [(people[lk.staff_id].code, lk.date) for lk in locks if lk.staff_id in people],
    }


def meeting_candidates(
    rota_id: int,
    day: dt.date,
    shift: str,
    route: str | None,
    *,
    session: Session,
    actor: Actor,
    owner: str | None = None,
) -> list[dict[str, Any]]:
    """Who could take `shift` (`route`) on `day` in the meeting's rota (`planner.meeting.slot_candidates`
    on the draft with the meeting's moves), each with their staff id. With `owner` (the code of the person
    whose cell it is), each also with what the meeting's move "takes it from them" would do — the owner
    then off: `take` = {`holds`, `cost_change`} by the checker (`planner.whatif`, no repair), since the
    list's own `cost_change` keeps the owner on the shift too; then ordered by that: those whose take
    keeps every rule first, cheapest first. The team's planner, on a draft."""
    rota, period = _draft(rota_id, session, actor)
    _people_, ids, _labels = _people(session, period.team_id)
    problem, assignments = meeting_rota(rota, _moves(session, rota_id))
    if not problem.horizon.start <= day <= problem.horizon.last_day:
        raise InputError(
            "date",
            N_("{date} is not in the rota ({first} – {last})"),
            date=day,
            first=problem.horizon.start,
            last=problem.horizon.last_day,
        )
    if shift not in {s.code for s in problem.shift_types}:
        raise InputError("shift", N_("unknown shift {shift!r}"), shift=shift)
    if route is not None and route not in {r.id for r in problem.routes}:
        raise InputError("route", N_("unknown route {route!r}"), route=route)
    found = meeting.slot_candidates(problem, assignments, day, shift, route)
    out = []
    for c in found:
        row = {**c, "staff_id": ids.get(c["staff"])}
        if owner is not None and owner != c["staff"]:
            answer = whatif.what_if(
                problem, assignments, whatif.Move("take", c["staff"], day, other=owner), repair=False
            )
            row["take"] = {"holds": answer.holds, "cost_change": answer.cost_change}
        out.append(row)
    if owner is not None:  # the meeting's question: who could take it from them, best first
        out.sort(
            key=lambda r: (
                (not r["take"]["holds"], r["take"]["cost_change"], r["name"])
                if "take" in r
                else (True, 0, r["name"])
            )
        )
    return out
