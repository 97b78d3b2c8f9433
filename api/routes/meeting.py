"""The rota meeting on a draft: what-if moves (check, accept as locks, undo, redo) and the moves so far."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.deps import PlannerUser, SessionDep
from planner import services
from planner.models import MeetingMovePublic, MoveAccept, MoveCheck

router = APIRouter(tags=["rota meeting"])


@router.post("/rotas/{rota_id}/whatif")
def check_move(rota_id: int, move: MoveCheck, session: SessionDep, actor: PlannerUser) -> dict[str, Any]:
    """What a move does to the meeting's rota: the cells it changes, the hard rules it breaks, its cost
    (the checker's) and the change, and when it breaks a rule the best repair (a local re-solve around
    it). Nothing is stored; accept with the answer's `base` and the repair's cells. Planners only."""
    return services.check_move(rota_id, move, session=session, actor=actor)


@router.post("/rotas/{rota_id}/meeting/moves", response_model=MeetingMovePublic, status_code=201)
def accept_move(rota_id: int, move: MoveAccept, session: SessionDep, actor: PlannerUser) -> Any:
    """Accept a checked move (and its repair): its cells become the planner's locks with the reason
    "Rotamøde: …". 409 when the meeting has moved on since the check or the move breaks a rule."""
    return services.accept_move(rota_id, move, session=session, actor=actor)


@router.get("/rotas/{rota_id}/meeting/moves", response_model=list[MeetingMovePublic])
def meeting_moves(rota_id: int, session: SessionDep, actor: PlannerUser) -> Any:
    """The meeting's accepted moves of this draft, oldest first (`undone` ones can be redone)."""
    return services.meeting_moves(rota_id, session=session, actor=actor)


@router.post("/rotas/{rota_id}/meeting/undo", response_model=MeetingMovePublic)
def undo(rota_id: int, session: SessionDep, actor: PlannerUser) -> Any:
    """Undo the last accepted move: its locks are removed (the ones they replaced come back)."""
    return services.undo_move(rota_id, session=session, actor=actor)


@router.post("/rotas/{rota_id}/meeting/redo", response_model=MeetingMovePublic)
def redo(rota_id: int, session: SessionDep, actor: PlannerUser) -> Any:
    """Redo the move undone last."""
    return services.redo_move(rota_id, session=session, actor=actor)
