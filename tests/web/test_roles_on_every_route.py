"""Issue 16: roles tested on every route. The test walks the application's route table (the API and the
pages) and asks each route as five people — nobody signed in, a staff member of team A (Mette), team A's
planner, team B's planner and the organisation's administrator — and compares what each gets with the
declarative table below. A route that is not in the table fails the test by name, so a new route has to
be classified before it can be merged.

Adding a route: put `"METHOD /path": "<kind>"` in `ROUTES` (the kinds are in `KINDS`); if it writes,
give it a body in `BODIES` (JSON for the API, form fields for pages) so that every role reaches the
permission check rather than a 422; if it needs a query or an id of its own, `QUERIES` / `PARAMS`.

Each route's ids are team A's (Mette's own where it is a person's), so a "no" for team B's planner is
the refusal of another team's data. What counts as let through ("ok"): a GET answers 2xx or 3xx; a
write may also answer 409 or 422 (it passed the permission check and met a rule about the data).
Refused ("no"): 403, or 404 where the refused may not know the thing exists. "anon": the API says 401,
a page sends the browser to the sign-in page.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from service.helpers import PASSWORD, START, World, build_world, login, ok
from sqlalchemy import Engine
from sqlmodel import Session, select

from api.web.common import SESSION_COOKIE
from planner import services
from planner.auth import SignInThrottle, csrf_token, reset_throttle
from planner.models import (
    CoverRule,
    Lock,
    Notification,
    Route,
    SelfPick,
    ShiftType,
    StandingWish,
    User,
    Wish,
)

ROLES = ("anon", "staff", "planner", "other_planner", "admin")

# What each role gets, by kind of route.
KINDS: dict[str, dict[str, str]] = {
    # anyone, signed in or not: sign-in, language, health, documentation, static files
    "public": dict(anon="ok", staff="ok", planner="ok", other_planner="ok", admin="ok"),
    # any signed-in account: its own sign-in, password and two-factor, the teams it is in
    "signed-in": dict(anon="anon", staff="ok", planner="ok", other_planner="ok", admin="ok"),
    # a team's members: its planners, and its staff (reading what the team shares, or their own data)
    "team": dict(anon="anon", staff="ok", planner="ok", other_planner="no", admin="no"),
    # the team's planners only
    "planner": dict(anon="anon", staff="no", planner="ok", other_planner="no", admin="no"),
    # a planner's pages that show their own (chosen) team: any planner, each their own team
    "planner-home": dict(anon="anon", staff="no", planner="ok", other_planner="ok", admin="no"),
    # a staff member's own pages
    "staff": dict(anon="anon", staff="ok", planner="no", other_planner="no", admin="no"),
    # the organisation: administrators only
    "admin": dict(anon="anon", staff="no", planner="no", other_planner="no", admin="ok"),
    # a member of a team (staff or planner), each their own: a calendar link (an administrator has no shifts)
    "member": dict(anon="anon", staff="ok", planner="ok", other_planner="ok", admin="no"),
    # a colleague's part of an offer (taking or declining it): the offer here is Mette's own, which she
    # cannot take or decline herself, and no one else asking is a colleague in her team
    "colleague": dict(anon="anon", staff="no", planner="no", other_planner="no", admin="no"),
    # a link from an e-mail, whose token is the key: without a valid one nobody gets in (links that work
    # are tested in tests/web/test_forgot_password.py)
    "link": dict(anon="no", staff="no", planner="no", other_planner="no", admin="no"),
    # making a team: an administrator, or a planner (who is told when they plan one already)
    "new-team": dict(anon="anon", staff="no", planner="ok", other_planner="ok", admin="ok"),
}

ROUTES: dict[str, str] = {
    # ---- service, documentation, sign-in
    "GET /": "public",
    "GET /docs": "public",
    "GET /health": "public",
    "GET /openapi.json": "public",
    "MOUNT /static": "public",
    "POST /token": "public",
    "POST /sign-out": "signed-in",
    "POST /sign-out-everywhere": "signed-in",
    "GET /me": "signed-in",
    "POST /me/password": "signed-in",
    "POST /me/two-factor": "signed-in",
    "POST /me/two-factor/confirm": "signed-in",
    "POST /me/two-factor/off": "signed-in",
    # ---- teams and their set-up
    "POST /teams": "new-team",
    "GET /teams": "signed-in",
    "GET /teams/{team_id}": "team",
    "GET /teams/{team_id}/staff": "team",
    "POST /teams/{team_id}/staff": "planner",
    "GET /staff/{item_id}": "team",
    "PUT /staff/{item_id}": "planner",
    "DELETE /staff/{item_id}": "planner",
    "GET /teams/{team_id}/shift-types": "team",
    "POST /teams/{team_id}/shift-types": "planner",
    "GET /shift-types/{item_id}": "team",
    "PUT /shift-types/{item_id}": "planner",
    "DELETE /shift-types/{item_id}": "planner",
    "GET /teams/{team_id}/routes": "team",
    "POST /teams/{team_id}/routes": "planner",
    "GET /routes/{item_id}": "team",
    "PUT /routes/{item_id}": "planner",
    "DELETE /routes/{item_id}": "planner",
    "GET /teams/{team_id}/cover": "team",
    "POST /teams/{team_id}/cover": "planner",
    "GET /cover/{item_id}": "team",
    "PUT /cover/{item_id}": "planner",
    "DELETE /cover/{item_id}": "planner",
    "GET /teams/{team_id}/rules": "team",
    "PUT /teams/{team_id}/rules": "planner",
    "POST /teams/{team_id}/users": "planner",
    "GET /teams/{team_id}/users": "planner",
    "GET /staff/{staff_id}/personal-data": "team",  # Mette's own, and her planner's
    "POST /staff/{staff_id}/erase": "planner",
    "POST /users/{user_id}/disable": "planner",
    "POST /users/{user_id}/enable": "planner",
    "POST /users/{user_id}/reset-password": "planner",
    "DELETE /users/{user_id}": "planner",
    "GET /teams/{team_id}/audit": "planner",
    "GET /teams/{team_id}/standing-wishes": "team",
    "POST /standing-wishes": "team",  # Mette proposes her own
    "POST /standing-wishes/{item_id}/approve": "planner",
    "DELETE /standing-wishes/{item_id}": "team",  # Mette withdraws her own proposal
    # ---- periods, wishes, picks
    "POST /teams/{team_id}/periods": "planner",
    "GET /teams/{team_id}/periods": "team",
    "GET /periods/{period_id}": "team",
    "POST /periods/{period_id}/open": "planner",
    "POST /periods/{period_id}/close": "planner",
    "GET /periods/{period_id}/submissions": "planner",
    "GET /periods/{period_id}/wishes": "team",
    "POST /periods/{period_id}/wishes": "team",
    "GET /wishes/{wish_id}": "team",
    "PUT /wishes/{wish_id}": "team",
    "DELETE /wishes/{wish_id}": "team",
    "GET /periods/{period_id}/open-slots": "team",
    "GET /periods/{period_id}/self-picks": "team",
    "POST /periods/{period_id}/self-picks": "team",
    "DELETE /self-picks/{pick_id}": "team",
    # ---- solving and rotas
    "POST /periods/{period_id}/solve": "planner",
    "GET /periods/{period_id}/solve-jobs": "planner",
    "GET /solve-jobs/{job_id}": "planner",
    "DELETE /solve-jobs/{job_id}": "planner",
    "GET /periods/{period_id}/rotas": "team",  # staff: the published ones
    "GET /periods/{period_id}/rota": "team",  # the published rota
    "GET /rotas/{rota_id}": "team",  # published: the team's
    "PUT /rotas/{rota_id}/cells/{staff_id}/{day}": "planner",
    "GET /periods/{period_id}/locks": "planner",
    "DELETE /locks/{lock_id}": "planner",
    "GET /rotas/{rota_id}/candidates": "planner",
    "GET /rotas/{rota_id}/compare/{other_id}": "planner",
    "POST /rotas/{rota_id}/publish": "planner",
    "GET /rotas/{rota_id}/export.csv": "team",
    "GET /rotas/{rota_id}/payroll.csv": "planner",
    "GET /periods/{period_id}/staff/{staff_id}/calendar.ics": "team",
    "GET /rotas/{rota_id}/print.pdf": "team",  # staff: their team's published rota
    "GET /rotas/{rota_id}/reasons": "team",  # staff: their own wishes' reasons in the published rota
    "POST /rotas/{rota_id}/reasons": "planner",
    "GET /periods/{period_id}/fixes": "planner",
    "POST /periods/{period_id}/fixes": "planner",
    "GET /teams/{team_id}/fairness": "team",  # staff: their own lines
    # ---- after publication: offers and swaps, sickness, changes, re-planning (team A's published rota)
    "POST /periods/{period_id}/offers": "team",  # Mette offers her own shift (the planner on her behalf)
    "GET /staff/{staff_id}/available-offers": "team",
    "GET /staff/{staff_id}/offers": "team",
    "GET /teams/{team_id}/offers": "planner",
    "GET /offers/{offer_id}": "team",
    "POST /offers/{offer_id}/take": "colleague",
    "POST /offers/{offer_id}/withdraw": "team",
    "POST /offers/{offer_id}/decline": "colleague",
    "POST /offers/{offer_id}/approve": "planner",
    "POST /offers/{offer_id}/refuse": "planner",
    "POST /sickness": "team",  # Mette reports herself sick (her planner may too)
    "GET /periods/{period_id}/changes": "planner",
    "GET /staff/{staff_id}/changes": "team",
    "PUT /periods/{period_id}/published/cells/{staff_id}/{day}": "planner",
    "POST /periods/{period_id}/replan": "planner",
    "GET /rotas/{rota_id}/replan-diff": "planner",
    # ---- the rota meeting (on a draft)
    "POST /rotas/{rota_id}/whatif": "planner",
    "POST /rotas/{rota_id}/meeting/moves": "planner",
    "GET /rotas/{rota_id}/meeting/moves": "planner",
    "POST /rotas/{rota_id}/meeting/undo": "planner",
    "POST /rotas/{rota_id}/meeting/redo": "planner",
    # ---- notifications, contact, password links, calendar feeds
    "GET /me/notifications": "signed-in",
    "POST /me/notifications/{notification_id}/read": "staff",  # Mette's own notification
    "POST /me/notifications/read-all": "signed-in",
    "GET /me/contact": "signed-in",
    "PUT /me/contact": "signed-in",
    "PUT /users/{user_id}/email": "planner",
    "POST /password-reset": "public",
    "POST /password-reset/confirm": "public",
    "GET /calendar/{token}.ics": "public",  # the secret URL is the key (Ali's feed)
    "GET /me/calendar-feed": "member",
    "POST /me/calendar-feed": "member",
    "DELETE /me/calendar-feed": "signed-in",  # stopping a link one has not is no error
    # ---- the organisation
    "GET /organisation/status": "admin",
    "GET /organisation/planners": "admin",
    "POST /organisation/planners": "admin",
    "PUT /organisation/planners/{user_id}/teams": "admin",
    # ---- pages: sign-in and one's own
    "GET /web": "signed-in",
    "GET /web/": "signed-in",
    "GET /web/sign-in": "public",
    "POST /web/sign-in": "public",
    "POST /web/sign-out": "public",  # signing out without a session is no error
    "POST /web/sign-out-everywhere": "public",
    "GET /web/language/{lang}": "public",
    "GET /web/me/password": "signed-in",
    "POST /web/me/password": "signed-in",
    # ---- pages: staff
    "GET /web/me": "signed-in",  # staff's home; a planner is sent to theirs
    "GET /web/me/periods/{period_id}": "staff",
    "POST /web/me/periods/{period_id}/days/{day_text}": "staff",
    "GET /web/me/routes": "staff",
    "POST /web/me/routes": "staff",
    "GET /web/me/periods/{period_id}/rota": "staff",
    "GET /web/me/periods/{period_id}/calendar.ics": "staff",
    # ---- pages: the planner's team set-up (their chosen team)
    "GET /web/team": "planner-home",
    "POST /web/team": "planner-home",
    "GET /web/team/rules": "planner-home",
    "POST /web/team/rules": "planner-home",
    "GET /web/team/staff/{staff_id}/account": "planner",
    "POST /web/team/staff/{staff_id}/account/{action}": "planner",
    "POST /web/team/staff/{staff_id}/account": "planner",
    "POST /web/team/agreements/{item_id}/approve": "planner",
    "GET /web/team/agreements/{item_id}/delete": "planner",
    "POST /web/team/agreements/{item_id}/delete": "planner",
    "GET /web/team/{slug}/new": "planner-home",
    "POST /web/team/{slug}/new": "planner-home",
    "GET /web/team/{slug}/{item_id}": "planner",
    "POST /web/team/{slug}/{item_id}": "planner",
    "GET /web/team/{slug}/{item_id}/delete": "planner",
    "POST /web/team/{slug}/{item_id}/delete": "planner",
    # ---- pages: periods, solves, rotas
    "GET /web/periods": "planner-home",
    "POST /web/periods": "planner-home",
    "GET /web/periods/{period_id}": "planner",
    "POST /web/periods/{period_id}/open": "planner",
    "POST /web/periods/{period_id}/close": "planner",
    "POST /web/periods/{period_id}/solve": "planner",
    "GET /web/jobs/{job_id}": "planner",
    "GET /web/jobs/{job_id}/progress": "planner",
    "POST /web/jobs/{job_id}/cancel": "planner",
    "GET /web/rotas/{rota_id}": "planner",
    "GET /web/rotas/{rota_id}/candidates": "planner",
    "GET /web/rotas/{rota_id}/cell": "planner",
    "POST /web/rotas/{rota_id}/cells/{staff_id}/{day}": "planner",
    "POST /web/rotas/{rota_id}/cells/{staff_id}/{day}/unlock": "planner",
    "POST /web/rotas/{rota_id}/resolve": "planner",
    "POST /web/rotas/{rota_id}/publish": "planner",
    "GET /web/rotas/{rota_id}/compare": "planner",
    "GET /web/rotas/{rota_id}/export.csv": "planner",
    "GET /web/rotas/{rota_id}/payroll.csv": "planner",
    "GET /web/periods/{period_id}/staff/{staff_id}/calendar.ics": "planner",
    "GET /web/rotas/{rota_id}/print": "team",  # staff: their team's published rota
    "GET /web/rotas/{rota_id}/print.pdf": "team",
    "GET /web/team/audit": "planner-home",
    "GET /web/fairness": "planner-home",
    "POST /web/fairness": "planner-home",
    "GET /web/periods/{period_id}/fixes": "planner",
    "POST /web/periods/{period_id}/fixes": "planner",
    "POST /web/rotas/{rota_id}/reasons": "planner",
    "GET /web/rotas/{rota_id}/meeting": "planner",
    "POST /web/rotas/{rota_id}/meeting/check": "planner",
    "POST /web/rotas/{rota_id}/meeting/accept": "planner",
    "POST /web/rotas/{rota_id}/meeting/undo": "planner",
    "POST /web/rotas/{rota_id}/meeting/redo": "planner",
    # ---- pages: after publication
    "GET /web/me/exchange": "staff",
    "POST /web/me/exchange/offer": "staff",
    "POST /web/me/exchange/{offer_id}/{action}": "staff",
    "GET /web/me/sick": "staff",
    "POST /web/me/sick": "staff",
    "GET /web/me/changes": "staff",
    "GET /web/periods/{period_id}/changes": "planner",
    "POST /web/periods/{period_id}/offers/{offer_id}/{action}": "planner",
    "POST /web/periods/{period_id}/sickness": "planner",
    "POST /web/periods/{period_id}/replan": "planner",
    "GET /web/rotas/{rota_id}/replan": "planner",
    "POST /web/rotas/{rota_id}/give": "planner",
    # ---- pages: one's own notifications, account, calendar link; a forgotten password
    "GET /web/me/notifications": "signed-in",
    "POST /web/me/notifications/{notification_id}/read": "staff",
    "POST /web/me/notifications/{notification_id}/open": "staff",
    "POST /web/me/notifications/read-all": "signed-in",
    "GET /web/me/account": "signed-in",
    "POST /web/me/account": "signed-in",
    "GET /web/me/calendar": "signed-in",
    "POST /web/me/calendar": "member",
    "POST /web/me/calendar/stop": "signed-in",
    "GET /web/forgot-password": "public",
    "POST /web/forgot-password": "public",
    "GET /web/reset-password": "link",
    "POST /web/reset-password": "link",
    # ---- pages: the organisation, and a planner's choice of team
    "GET /web/organisation": "admin",
    "POST /web/organisation/teams": "admin",
    "POST /web/organisation/planners": "admin",
    "POST /web/organisation/planners/{user_id}/teams": "admin",
    "POST /web/organisation/planners/{user_id}/reset-password": "admin",
    "POST /web/organisation/planners/{user_id}/{action}": "admin",
    "GET /web/teams": "planner-home",
    "POST /web/teams/{team_id}/choose": "planner",  # a team they plan
}

DAY = START.isoformat()  # the open period's first day (team A)
# Request bodies of the routes that write: JSON for the API, form fields for the pages ("{name}" is
# replaced by the world's id of that name).
BODIES: dict[str, dict[str, Any]] = {
    "POST /token": {"username": "nobody", "password": "wrong"},
    "POST /me/password": {"current_password": "wrong", "new_password": "tre grønne cykler i gården"},
    "POST /me/two-factor/confirm": {"code": "000000"},
    "POST /me/two-factor/off": {"code": "000000"},
    "POST /teams": {"name": "Hjemmeplejen Juelsminde"},
    "POST /teams/{team_id}/staff": {"code": "jens", "name": "Jens"},
    "PUT /staff/{item_id}": {"code": "mette", "name": "Mette", "skills": ["sosu-assistent"]},
    "POST /teams/{team_id}/shift-types": {"code": "nat2", "start": "23:00", "minutes": 480},
    "PUT /shift-types/{item_id}": {"code": "dag", "name": "Dagvagt", "start": "07:00", "minutes": 480},
    "POST /teams/{team_id}/routes": {"code": "uldum-9", "shifts": ["dag"]},
    "PUT /routes/{item_id}": {"code": "uldum-1", "name": "Uldum 1", "district": "Uldum", "shifts": ["dag"]},
    "POST /teams/{team_id}/cover": {"shift": "aften", "weekday": 5, "need": 1},
    "PUT /cover/{item_id}": {"shift": "dag", "need": 1},
    "PUT /teams/{team_id}/rules": {},
    "POST /teams/{team_id}/users": {"username": "hanne", "role": "planner", "password": PASSWORD},
    "POST /standing-wishes": {"staff_id": "{mette}", "kind": "want", "shift": "dag"},
    "POST /teams/{team_id}/periods": {"start": "2027-04-05", "days": 7},
    "POST /periods/{period_id}/wishes": {"staff_id": "{mette}", "date": DAY, "kind": "want", "shift": "dag"},
    "PUT /wishes/{wish_id}": {"date": DAY, "kind": "avoid", "shift": "aften", "version": 1},
    "POST /periods/{period_id}/self-picks": {"staff_id": "{mette}", "date": DAY, "shift": "aften"},
    "POST /periods/{period_id}/solve": {"time_limit": 1, "workers": 1},
    "PUT /rotas/{rota_id}/cells/{staff_id}/{day}": {"action": "lock"},
    "POST /organisation/planners": {"username": "birthe", "teams": ["{team_id}"]},
    "PUT /organisation/planners/{user_id}/teams": {"teams": ["{team_b}"]},
    "POST /web/sign-in": {"username": "mette", "password": PASSWORD},  # each browser then signs in again
    "POST /web/periods/{period_id}/solve": {"time_limit": "1", "workers": "1"},
    "POST /web/rotas/{rota_id}/resolve": {"time_limit": "1", "workers": "1"},
    "POST /web/organisation/teams": {"name": "Hjemmeplejen Hornsyld"},
    "POST /web/organisation/planners": {"username": "karen", "teams": "{team_id}"},
    "POST /rotas/{rota_id}/whatif": {"kind": "off", "staff_id": "{mette}", "date": "{day}", "repair": False},
    "POST /rotas/{rota_id}/meeting/moves": {"kind": "off", "staff_id": "{mette}", "date": "{day}", "base": 0},
    "POST /periods/{period_id}/fixes": {"kind": "max_hours", "staff": "mette", "value": 20000},
    "PUT /me/contact": {"email": "", "language": "da"},
    "POST /periods/{period_id}/offers": {"staff_id": "{mette}", "date": "{mette_day}"},
    "POST /sickness": {"staff_id": "{mette}", "start": "{sick_day}"},
    "PUT /periods/{period_id}/published/cells/{staff_id}/{day}": {"shift": None, "reason": "prøve"},
    "POST /periods/{period_id}/replan": {"from_date": "{sick_day}", "time_limit": 1},
    "POST /web/me/exchange/offer": {"date": "{mette_day}", "shift": "dag"},
    "POST /web/me/sick": {"start": "{sick_day}"},
    "POST /web/periods/{period_id}/sickness": {"staff_id": "{mette}", "start": "{sick_day}"},
    "POST /web/periods/{period_id}/replan": {"from_date": "{sick_day}", "time_limit": "1"},
    "POST /web/rotas/{rota_id}/give": {"staff_id": "{mette}", "date": "{sick_day}", "shift": "dag"},
    "PUT /users/{user_id}/email": {"email": "ali@example.dk"},
    "POST /password-reset": {"username": "mette"},
    "POST /password-reset/confirm": {"token": "not-a-token", "new_password": "tre grønne cykler i gården"},
    "POST /web/rotas/{rota_id}/meeting/check": {"kind": "off", "staff_id": "{mette}", "date": "{day}"},
    "POST /web/rotas/{rota_id}/meeting/accept": {"kind": "off", "staff_id": "{mette}", "date": "{day}"},
    "POST /web/me/account": {"email": "", "language": "da"},
    "POST /web/forgot-password": {"username": "mette"},
    "POST /web/reset-password": {"token": "not-a-token", "new_password": "tre grønne cykler i gården"},
}
QUERIES: dict[str, dict[str, str]] = {
    "GET /rotas/{rota_id}/candidates": {"date": "{day}", "shift": "dag"},
    "GET /web/rotas/{rota_id}/candidates": {"date": "{day}", "shift": "dag"},
    "GET /web/rotas/{rota_id}/cell": {"c": "{cell}"},
}
# Ids that differ from the world's for one route (a delete takes a spare, so that later routes still
# find what they need).
PARAMS: dict[str, dict[str, str]] = {
    "DELETE /staff/{item_id}": {"item_id": "{spare}"},
    "DELETE /shift-types/{item_id}": {"item_id": "{spare_shift}"},
    "DELETE /routes/{item_id}": {"item_id": "{spare_route}"},
    "DELETE /cover/{item_id}": {"item_id": "{spare_cover}"},
    "POST /staff/{staff_id}/erase": {"staff_id": "{spare_2}"},
    "DELETE /users/{user_id}": {"user_id": "{sara_account}"},
    "DELETE /standing-wishes/{item_id}": {"item_id": "{spare_agreement}"},
    "DELETE /wishes/{wish_id}": {"wish_id": "{spare_wish}"},
    "DELETE /locks/{lock_id}": {"lock_id": "{spare_lock}"},
    "POST /web/team/agreements/{item_id}/delete": {"item_id": "{spare_agreement_2}"},
    "POST /web/team/{slug}/{item_id}/delete": {"item_id": "{spare_3}"},
    "POST /periods/{period_id}/open": {"period_id": "{spare_period}"},
    "POST /periods/{period_id}/close": {"period_id": "{spare_period}"},
    "POST /web/periods/{period_id}/open": {"period_id": "{spare_period}"},
    "POST /web/periods/{period_id}/close": {"period_id": "{spare_period}"},
    "PUT /organisation/planners/{user_id}/teams": {"user_id": "{spare_planner}"},
    "POST /web/organisation/planners/{user_id}/teams": {"user_id": "{spare_planner}"},
    "POST /web/organisation/planners/{user_id}/reset-password": {"user_id": "{spare_planner}"},
    "POST /web/organisation/planners/{user_id}/{action}": {"user_id": "{spare_planner}"},
    "POST /web/teams/{team_id}/choose": {"team_id": "{team_id}"},
    "POST /web/me/exchange/{offer_id}/{action}": {"action": "withdraw"},
    "POST /web/periods/{period_id}/offers/{offer_id}/{action}": {"action": "approve"},
    **{
        route: {"rota_id": "{draft_id}"}
        for route in (
            "POST /rotas/{rota_id}/whatif",
            "POST /rotas/{rota_id}/meeting/moves",
            "GET /rotas/{rota_id}/meeting/moves",
            "POST /rotas/{rota_id}/meeting/undo",
            "POST /rotas/{rota_id}/meeting/redo",
            "GET /web/rotas/{rota_id}/meeting",
            "POST /web/rotas/{rota_id}/meeting/check",
            "POST /web/rotas/{rota_id}/meeting/accept",
            "POST /web/rotas/{rota_id}/meeting/undo",
            "POST /web/rotas/{rota_id}/meeting/redo",
        )
    },
}
# The same for one role: where two roles may each delete a thing, each deletes their own.
ROLE_PARAMS: dict[str, dict[str, dict[str, str]]] = {
    "DELETE /standing-wishes/{item_id}": {"planner": {"item_id": "{spare_agreement_3}"}},
    "DELETE /wishes/{wish_id}": {"planner": {"wish_id": "{spare_wish_2}"}},
    "DELETE /self-picks/{pick_id}": {"planner": {"pick_id": "{spare_pick}"}},
}
# Routes that end the caller's sign-in: the role signs in again after them.
SIGNS_OUT = {
    "POST /sign-out",
    "POST /sign-out-everywhere",
    "POST /web/sign-in",
    "POST /web/sign-out",
    "POST /web/sign-out-everywhere",
}
# Where a page sends the browser when it needs a sign-in.
SIGN_IN_PAGE = "/web/sign-in"


def routes_of(app: FastAPI) -> list[str]:
    """Every route of the app as "METHOD /path" (HEAD aside; a mounted app as "MOUNT /path"). Included
    routers are walked into (FastAPI keeps them as nested route groups)."""

    def walk(routes: list[Any]) -> Iterator[Any]:
        for route in routes:
            if hasattr(route, "effective_candidates"):
                yield from walk(route.effective_candidates())
            else:
                yield route

    out = []
    for route in walk(app.routes):
        methods = getattr(route, "methods", None) or {"MOUNT"}
        out += [f"{method} {route.path}" for method in sorted(methods) if method != "HEAD"]
    return out


@dataclass
class People:
    """The five people, each with an API token and a signed-in browser (its own cookies)."""

    world: World
    ids: dict[str, Any]
    usernames: dict[str, str]
    tokens: dict[str, dict[str, str]] = field(default_factory=dict)
    browsers: dict[str, TestClient] = field(default_factory=dict)

    def sign_in(self, role: str) -> None:
        # The wrong passwords the routes are asked with must not hold the next sign-in back.
        self.world.client.app.state.throttle = SignInThrottle()  # type: ignore[attr-defined]
        if role == "anon":
            self.tokens[role] = {}
            self.browsers.setdefault(role, TestClient(self.world.client.app, follow_redirects=False))
            return
        self.tokens[role] = login(self.world.client, self.usernames[role])
        browser = self.browsers.get(role) or TestClient(self.world.client.app, follow_redirects=False)
        browser.cookies.clear()
        answer = browser.post("/web/sign-in", data={"username": self.usernames[role], "password": PASSWORD})
        assert answer.status_code == 303, answer.text
        self.browsers[role] = browser

    def ask(
        self, role: str, method: str, url: str, body: dict[str, Any] | None, query: dict[str, str]
    ) -> Any:
        # Asking for a password link is held back after 3 per user name: each role asks afresh.
        self.world.client.app.state.reset_throttle = reset_throttle("memory://")  # type: ignore[attr-defined]
        if url.startswith("/web"):
            browser = self.browsers[role]
            token = browser.cookies.get(SESSION_COOKIE)
            data = {**(body or {}), **({"csrf": csrf_token(token)} if token else {})}
            form = data if method != "GET" else None
            return browser.request(method, url, data=form, params=query)
        client = self.world.client
        return client.request(method, url, json=body, params=query, headers=self.tokens[role])


def _fill(value: Any, ids: dict[str, Any]) -> Any:
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return ids[value[1:-1]]
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


def _set_up(world: World) -> People:
    """Team A (the service tests' Uldum team, its period open) with a solved second period and its draft
    rota, a lock, wishes, a pick, agreements and spares to delete; team B with its own planner; an
    administrator."""
    planner = world.as_("planner")
    team, mette = world.team, world.staff["mette"]
    with Session(world.engine) as session:
        services.create_admin("admin", PASSWORD, session=session)
        session.commit()
    admin = login(world.client, "admin")
    team_b = ok(world.client.post("/teams", json={"name": "Hjemmeplejen Tørring"}, headers=admin), 201)["id"]
    made = ok(
        world.client.post(
            "/organisation/planners", json={"username": "torben", "teams": [team_b]}, headers=admin
        ),
        201,
    )
    first = login(world.client, "torben", made["password"])
    change = {"current_password": made["password"], "new_password": PASSWORD}
    assert world.client.post("/me/password", json=change, headers=first).status_code == 204
    torben = login(world.client, "torben")
    assert world.client.post("/me/calendar-feed", headers=torben).status_code == 201

    def add(kind: str, body: dict[str, Any]) -> int:
        return int(ok(world.client.post(f"/teams/{team}/{kind}", json=body, headers=planner), 201)["id"])

    ids: dict[str, Any] = {
        "team_id": team,
        "team_b": team_b,
        "mette": mette,
        "staff_id": mette,
        "period_id": world.period,
        "spare": add("staff", {"code": "spare", "name": "Reserve"}),
        "spare_2": add("staff", {"code": "spare2", "name": "Reserve to"}),
        "spare_3": add("staff", {"code": "spare3", "name": "Reserve tre"}),
        "spare_shift": add("shift-types", {"code": "nat", "start": "23:00", "minutes": 480}),
        "spare_route": add("routes", {"code": "uldum-2", "shifts": ["dag"]}),
        "spare_cover": add("cover", {"shift": "dag", "weekday": 6, "need": 1}),
        "other_planner_account": made["id"],
        "lang": "en",
        "slug": "staff",
        "action": "disable",
        "day": (START + dt.timedelta(days=7)).isoformat(),
        "day_text": DAY,
        "cell": f"{mette}.0",
    }
    spare_planner = {"username": "vikar", "teams": [team_b]}
    ids["spare_planner"] = ok(
        world.client.post("/organisation/planners", json=spare_planner, headers=admin), 201
    )["id"]
    later = {"start": "2027-05-03", "days": 7, "name": "uge 18"}
    ids["spare_period"] = ok(world.post("planner", f"/teams/{team}/periods", json=later), 201)["id"]
    second = ok(
        world.post(
            "planner", f"/teams/{team}/periods", json={"start": ids["day"], "days": 7, "name": "uge 10"}
        ),
        201,
    )["id"]
    ok(world.post("planner", f"/periods/{second}/open"))
    ok(
        world.post(
            "mette",
            f"/periods/{second}/wishes",
            json={"staff_id": mette, "date": ids["day"], "kind": "want", "shift": "dag"},
        ),
        201,
    )
    ok(world.post("planner", f"/periods/{second}/close"))
    job = ok(world.post("planner", f"/periods/{second}/solve", json={"time_limit": 2, "workers": 1}), 202)
    job = ok(world.get("planner", f"/solve-jobs/{job['id']}"))
    assert job["state"] == "done", job
    rota = job["rota_id"]
    # A second draft of the same period for the rota meeting's routes (the first one is published).
    again = ok(world.post("planner", f"/periods/{second}/solve", json={"time_limit": 2, "workers": 1}), 202)
    again = ok(world.get("planner", f"/solve-jobs/{again['id']}"))
    assert again["state"] == "done", again
    ids["draft_id"] = again["rota_id"]
    ok(world.post("planner", f"/rotas/{rota}/publish"))  # tells the team: Mette gets a notification
    published = ok(world.get("planner", f"/rotas/{rota}"))
    worked = sorted(a["date"] for a in published["assignments"] if a["staff"] == "mette")
    assert worked, "Mette works in the published rota"
    ids["mette_day"] = worked[-1]  # her last shift: offered (and her sickness comes before it)
    ids["sick_day"] = worked[0]
    offer = {"staff_id": mette, "date": ids["mette_day"]}
    ids["offer_id"] = ok(world.post("mette", f"/periods/{second}/offers", json=offer), 201)["id"]
    ali = login(world.client, "ali")
    feed = ok(world.client.post("/me/calendar-feed", headers=ali), 201)
    ids["token"] = feed["url"].rsplit("/", 1)[1].removesuffix(".ics")
    for who in ("mette", "planner"):  # calendar links of their own, to read and stop
        ok(world.post(who, "/me/calendar-feed"), 201)
    ok(world.put("planner", f"/rotas/{rota}/cells/{mette}/{ids['day']}", json={"action": "lock"}))
    spare_day = (START + dt.timedelta(days=8)).isoformat()  # a lock of its own for the delete
    ok(world.put("planner", f"/rotas/{rota}/cells/{mette}/{spare_day}", json={"action": "lock"}))
    wish = {"staff_id": mette, "date": DAY, "kind": "avoid", "shift": "aften"}
    ids["wish_id"] = ok(world.post("mette", f"/periods/{world.period}/wishes", json=wish), 201)["id"]
    for n, name in ((2, "spare_wish"), (4, "spare_wish_2")):
        spare_wish = {**wish, "date": (START + dt.timedelta(days=n)).isoformat()}
        ids[name] = ok(world.post("mette", f"/periods/{world.period}/wishes", json=spare_wish), 201)["id"]
    for n, name in ((3, "pick_id"), (5, "spare_pick")):
        pick = {"staff_id": mette, "date": (START + dt.timedelta(days=n)).isoformat(), "shift": "dag"}
        ids[name] = ok(world.post("mette", f"/periods/{world.period}/self-picks", json=pick), 201)["id"]
    agreement = {"staff_id": mette, "kind": "want", "shift": "dag"}
    for name in ("item_id", "spare_agreement", "spare_agreement_2", "spare_agreement_3"):
        ids[name] = ok(world.post("mette", "/standing-wishes", json=agreement), 201)["id"]
    with Session(world.engine) as session:
        ids["lock_id"], ids["spare_lock"] = session.exec(select(Lock.id).order_by(Lock.date)).all()
        ids["sara_account"] = session.exec(select(User.id).where(User.username == "sara")).one()
        mette_account = session.exec(select(User.id).where(User.staff_id == mette)).one()
        ids["notification_id"] = session.exec(
            select(Notification.id).where(Notification.user_id == mette_account)
        ).first()
        assert ids["notification_id"] is not None
        ids["user_id"] = session.exec(select(User.id).where(User.username == "ali")).one()
        ids["ali"] = world.staff["ali"]
        ids["dag"] = session.exec(select(ShiftType.id).where(ShiftType.code == "dag")).one()
        ids["uldum_1"] = session.exec(select(Route.id).where(Route.code == "uldum-1")).one()
        ids["cover"] = session.exec(select(CoverRule.id).where(CoverRule.shift == "dag")).first()
        assert session.exec(select(SelfPick)).first() and session.exec(select(Wish)).first()
        assert session.exec(select(StandingWish)).first()
    ids |= {"rota_id": rota, "other_id": rota, "job_id": job["id"], "rota_period": second}
    usernames = {"staff": "mette", "planner": "planner", "other_planner": "torben", "admin": "admin"}
    people = People(world, ids, usernames)
    for role in ROLES:
        people.sign_in(role)
    return people


# Ids a route's own path names differently from the world's: the set-up records by kind.
def _path_ids(route: str, ids: dict[str, Any]) -> dict[str, Any]:
    path = route.split(" ", 1)[1]
    own = dict(ids)
    for prefix, key in (
        ("/staff/", "mette"),
        ("/shift-types/", "dag"),
        ("/routes/", "uldum_1"),
        ("/cover/", "cover"),
    ):
        if path.startswith(prefix + "{item_id}"):
            own["item_id"] = ids[key]
    if path.startswith("/web/team/{slug}/{item_id}"):
        own["item_id"] = ids["mette"]
    words = ("/rota", "/solve", "/locks", "/candidates", "calendar.ics", "/offers", "/changes", "/published")
    if any(word in path for word in (*words, "/replan", "/sickness")):
        own["period_id"] = ids["rota_period"]
    if path.startswith("/web/team/staff/{staff_id}/account"):
        own["staff_id"] = ids["ali"]
    for name, value in PARAMS.get(route, {}).items():
        own[name] = _fill(value, ids)
    return own


def _outcome(route: str, answer: Any) -> str:
    """What an answer means: ok, no (refused), anon (sign in first), or its status when none of those."""
    method = route.split(" ", 1)[0]
    status = answer.status_code
    to_sign_in = status == 303 and answer.headers.get("location", "").startswith(SIGN_IN_PAGE)
    if to_sign_in and route in SIGNS_OUT:
        return "ok"  # signed out: the sign-in page is where it should send the browser
    if status == 401 or to_sign_in:
        return "anon"
    if status in (403, 404):
        return "no"
    if status < 400 or (method != "GET" and status in (409, 422)):
        return "ok"
    return str(status)


@pytest.fixture
def people(engine: Engine) -> Iterator[People]:
    for world in build_world(engine):
        people = _set_up(world)
        yield people
        for browser in people.browsers.values():
            browser.close()


def test_every_route_is_classified(people: People) -> None:
    app = people.world.client.app
    unclassified = [r for r in routes_of(app) if r not in ROUTES]  # type: ignore[arg-type]
    assert unclassified == [], (
        f"routes missing from ROUTES in {__file__} (classify each: {', '.join(KINDS)}): {unclassified}"
    )
    gone = [r for r in ROUTES if r not in routes_of(app)]  # type: ignore[arg-type]
    assert gone == [], f"ROUTES names routes the app does not have: {gone}"


def test_each_role_gets_what_the_table_says_on_every_route(people: People) -> None:
    """Refused roles are asked first, those let through last (what they change cannot hide a refusal)."""
    wrong: list[str] = []
    for route in routes_of(people.world.client.app):  # type: ignore[arg-type]
        kind = ROUTES.get(route)
        if kind is None or route.startswith("MOUNT "):
            continue
        method, template = route.split(" ", 1)
        ids = _path_ids(route, people.ids)
        url = template.format(**{name: ids[name] for name in _names(template)})
        body = _fill(BODIES.get(route), people.ids)
        query = _fill(QUERIES.get(route, {}), ids)
        for role in sorted(ROLES, key=lambda r: KINDS[kind][r] == "ok"):
            if role in ROLE_PARAMS.get(route, {}):
                mine = ids | {k: _fill(v, people.ids) for k, v in ROLE_PARAMS[route][role].items()}
                url = template.format(**{name: mine[name] for name in _names(template)})
            answer = people.ask(role, method, url, body, query)
            got, expected = _outcome(route, answer), KINDS[kind][role]
            if got != expected:
                wrong.append(f"{route} as {role}: expected {expected}, got {got} ({answer.status_code})")
            if route in SIGNS_OUT:
                people.sign_in(role)
    assert wrong == [], "\n".join(wrong)


def _names(template: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


def test_a_new_route_is_found_unclassified() -> None:
    """What a helper adding a route meets: the walk finds it, under the name the table wants."""
    from sqlalchemy import create_engine

    from api.main import create_app

    app = create_app(create_engine("sqlite://"))

    @app.post("/teams/{team_id}/swaps")
    def swaps(team_id: int) -> None: ...

    assert [r for r in routes_of(app) if r not in ROUTES] == ["POST /teams/{team_id}/swaps"]
