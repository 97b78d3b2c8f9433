"""The web pages: server-rendered Jinja2 templates with htmx, under `/web` (static files under `/static`).

`router` gathers the page modules; every one of them is behind the CSRF check. Pages call
`planner.services` exactly as the API routes do: no business rules here.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends

from api.web import (
    after,
    audit,
    auth,
    fairness,
    feeds,
    meeting,
    notices,
    organisation,
    printing,
    review,
    setup,
    staff,
)
from api.web.common import check_csrf

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])
for module in (
    auth,
    staff,
    setup,
    review,
    meeting,
    notices,
    printing,
    feeds,
    audit,
    organisation,
    fairness,
    after,
):
    router.include_router(module.router)
