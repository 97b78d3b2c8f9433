"""Solve jobs: start (202), follow, cancel."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, status

from api.deps import PlannerUser, QueueDep, SessionDep
from planner import services
from planner.models import SolveJobPublic, SolveRequest

router = APIRouter(tags=["solving"])


@router.post(
    "/periods/{period_id}/solve", status_code=status.HTTP_202_ACCEPTED, response_model=SolveJobPublic
)
def start_solve(
    period_id: int, session: SessionDep, actor: PlannerUser, queue: QueueDep, data: SolveRequest | None = None
) -> Any:
    """Start a solve of a closed period (or a re-solve from a draft with `from_rota`); returns the job."""
    return services.start_solve(period_id, data or SolveRequest(), queue=queue, session=session, actor=actor)


@router.get("/periods/{period_id}/solve-jobs", response_model=list[SolveJobPublic])
def list_jobs(period_id: int, session: SessionDep, actor: PlannerUser) -> Any:
    """The period's solve jobs."""
    return services.list_jobs(period_id, session=session, actor=actor)


@router.get("/solve-jobs/{job_id}", response_model=SolveJobPublic)
def get_job(job_id: int, session: SessionDep, actor: PlannerUser) -> Any:
    """State and progress of a solve: elapsed seconds, best objective and bound so far."""
    return services.get_job(job_id, session=session, actor=actor)


@router.delete("/solve-jobs/{job_id}", response_model=SolveJobPublic)
def cancel_job(job_id: int, session: SessionDep, actor: PlannerUser, queue: QueueDep) -> Any:
    """Stop a solve: a queued one is cancelled; a running one stops its search and keeps the best rota
    found so far as a draft marked stopped early (state `stopping`, then `done`; `cancelled` if it had
    none)."""
    job = services.cancel_job(job_id, session=session, actor=actor)
    queue.cancel(job_id)
    return job
