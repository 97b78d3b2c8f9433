"""The pages of life after publication (issue 13).

Staff, on the phone: "Vagtbytte" (the colleagues' shifts I could take, with what they do to my hours; my
own offers; offering one of my shifts to everyone, to a colleague, or as a swap), "Meld syg", and
"Mine ændringer" (my history of changes). The planner: a period's changes after publication — offers
waiting for approval, sickness for anyone, re-planning from a date, and every recorded change — and a
re-plan's draft compared person by person before it is published.

Every action goes through `planner.services`, which check the role exactly as for the JSON API; a
refusal is said on the page in the reader's language (409/422 with the page again).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from babel.dates import format_date
from babel.numbers import format_decimal
from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlmodel import Session, select

from api.deps import QueueDep, SessionDep
from api.web import i18n
from api.web.common import PREFIX, WebPlanner, WebUser, error_text, field_errors, lang_of, redirect, render
from api.web.refusals import refusal_text
from planner import services
from planner.auth import Actor
from planner.db import READ_ONLY
from planner.errors import Conflict, Forbidden, InputError, NotFound, RuleRefusal
from planner.models import (
    ReplanRequest,
    Route,
    ShiftOffer,
    ShiftOfferCreate,
    ShiftType,
    SicknessReport,
    SolveJob,
    Staff,
    local,
    utcnow,
)
from planner.services.sickness import today
from planner.services.swaps import shift_start
from planner.texts import N_

router = APIRouter()

EXCHANGE = f"{PREFIX}/me/exchange"
SICK = f"{PREFIX}/me/sick"
MY_CHANGES = f"{PREFIX}/me/changes"

OFFER_STATES = {
    "open": N_("Open"),
    "taken": N_("Taken, waiting for the planner"),
    "approved": N_("Approved"),
    "refused": N_("Refused by the planner"),
    "withdrawn": N_("Withdrawn"),
    "declined": N_("Declined"),
    "expired": N_("Expired: the shift has started"),
}
CHANGE_KINDS = {
    "handover": N_("Hand-over"),
    "swap": N_("Swap"),
    "sickness": N_("Sickness"),
    "replan": N_("Re-plan"),
    "edit": N_("Planner's change"),
}


def _read(session: Session) -> None:
    if not session.in_transaction():
        session.connection(execution_options=READ_ONLY)


def _me(actor: Actor) -> int:
    if actor.staff_id is None:
        raise Forbidden(N_("This page is for staff members; planners plan on the period pages."))
    return actor.staff_id


def _said(exc: Exception, lang: str) -> str:
    if isinstance(exc, RuleRefusal):
        return refusal_text(exc, lang)
    if isinstance(exc, InputError | ValidationError):
        return " ".join(field_errors(exc, lang).values())
    return error_text(exc, lang)


def _day(day: dt.date, lang: str) -> str:
    """ "lørdag 6/3" / "Saturday 3/6"."""
    return format_date(day, "EEEE d/M" if lang == "da" else "EEEE M/d", locale=lang)


def _hours(minutes: int, lang: str) -> str:
    return format_decimal(round(minutes / 60, 2), locale=lang)


class _Names:
    """Shift, route and person names of a team, for sentences."""

    def __init__(self, session: Session, team_id: int, actor: Actor) -> None:
        shifts = services.list_setup("shift type", team_id, session=session, actor=actor)
        routes = services.list_setup("route", team_id, session=session, actor=actor)
        self.shifts = {s.code: s.name or s.code for s in shifts if isinstance(s, ShiftType)}
        self.routes = {r.code: r.name or r.code for r in routes if isinstance(r, Route)}
        people = session.exec(select(Staff).where(Staff.team_id == team_id)).all()
        self.people = {p.id: p.name or p.code for p in people}
        self.codes = {p.code: p.name or p.code for p in people}

    def cell(self, shift: str | None, route: str | None) -> str:
        if shift is None:
            return ""
        name = self.shifts.get(shift, shift)
        return f"{name} ({self.routes.get(route, route)})" if route else name


# ---- staff: vagtbytte -------------------------------------------------------------------------------


def _offer_view(offer: ShiftOffer, names: _Names, lang: str) -> dict[str, Any]:
    _ = i18n.translator(lang)
    what = _("{shift} {day}", shift=names.cell(offer.shift, offer.route), day=_day(offer.date, lang))
    if offer.swap_date is not None:
        what = _(
            "{what} for {other}",
            what=what,
            other=_(
                "{shift} {day}",
                shift=names.cell(offer.swap_shift, offer.swap_route),
                day=_day(offer.swap_date, lang),
            ),
        )
    return {
        "offer": offer,
        "what": what,
        "from": names.people.get(offer.staff_id, ""),
        "to": names.people.get(offer.to_staff_id, "") if offer.to_staff_id else "",
        "taker": names.people.get(offer.taken_by, "") if offer.taken_by else "",
        "state": _(OFFER_STATES.get(offer.state, offer.state)),
    }


def _my_future_shifts(
    session: Session, actor: Actor, staff_id: int, names: _Names, lang: str
) -> list[dict[str, Any]]:
    """My shifts in the current published rotas that have not started: what I can offer."""
    assert actor.team_id is not None
    out = []
    for period in services.list_periods(actor.team_id, session=session, actor=actor):
        if period.state != "published" or period.id is None:
            continue
        try:
            _, problem, shifts, _rota = services.person_shifts(
                period.id, staff_id, session=session, actor=actor
            )
        except NotFound:
            continue
        for a in sorted(shifts, key=lambda a: a.date):
            if shift_start(problem, a.date, a.shift) > utcnow():
                out.append(
                    {
                        "period": period.id,
                        "date": a.date,
                        "label": f"{_day(a.date, lang)}: {names.cell(a.shift, a.route)}",
                    }
                )
    return out


def _exchange_page(
    request: Request,
    session: Session,
    actor: Actor,
    *,
    error: str | None = None,
    note: str | None = None,
    status_code: int = 200,
) -> Response:
    staff_id = _me(actor)
    lang = lang_of(request)
    assert actor.team_id is not None
    _read(session)
    names = _Names(session, actor.team_id, actor)
    available = [
        {
            **_offer_view(a["offer"], names, lang),
            "from": a["from_name"],
            "hours_before": _hours(a["minutes_before"], lang),
            "hours_after": _hours(a["minutes_after"], lang),
        }
        for a in services.available_offers(staff_id, session=session, actor=actor)
    ]
    mine = [_offer_view(o, names, lang) for o in services.own_offers(staff_id, session=session, actor=actor)]
    colleagues = sorted(((i, n) for i, n in names.people.items() if i != staff_id), key=lambda x: x[1])
    context = {
        "available": available,
        "mine": mine,
        "me": staff_id,
        "shifts": _my_future_shifts(session, actor, staff_id, names, lang),
        "colleagues": colleagues,
        "error": error,
        "note": note,
    }
    return render(request, "staff/exchange.html", context, status_code=status_code)


@router.get("/web/me/exchange")
def exchange_page(request: Request, session: SessionDep, actor: WebUser, done: str = "") -> Response:
    """Vagtbytte: colleagues' shifts I could take, my offers, and offering one of mine."""
    _ = i18n.translator(lang_of(request))
    notes = {
        "offered": _("Your shift is offered. You will see here when someone takes it."),
        "taken": _("You have taken the shift. It is yours when the planner approves."),
        "approved": _("You have taken the shift. It is in your rota now."),
        "withdrawn": _("Your offer is withdrawn."),
        "declined": _("You declined the offer."),
    }
    return _exchange_page(request, session, actor, note=notes.get(done))


@router.post("/web/me/exchange/offer")
def offer_from_page(
    request: Request,
    session: SessionDep,
    actor: WebUser,
    shift: Annotated[str, Form()] = "",
    to: Annotated[str, Form()] = "",
    swap_date: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    """Offer one of my shifts (`shift`: "period:date"): to everyone, to a colleague, or as a swap."""
    staff_id = _me(actor)
    lang = lang_of(request)
    try:
        period_text, _, day = shift.partition(":")
        if not period_text.isdigit():
            raise InputError("date", N_("choose one of your shifts"))
        data = ShiftOfferCreate.model_validate(
            {
                "staff_id": staff_id,
                "date": day,
                "to_staff_id": int(to) if to.isdigit() else None,
                "swap_date": swap_date or None,
                "note": note,
            }
        )
        services.offer_shift(int(period_text), data, session=session, actor=actor)
    except (ValidationError, InputError, Conflict, NotFound) as exc:
        session.rollback()
        return _exchange_page(
            request,
            session,
            actor,
            error=_said(exc, lang),
            status_code=409 if isinstance(exc, Conflict) else 422,
        )
    return redirect(request, f"{EXCHANGE}?done=offered")


@router.post("/web/me/exchange/{offer_id}/{action}")
def offer_action(
    request: Request, offer_id: int, action: str, session: SessionDep, actor: WebUser
) -> Response:
    """Take, withdraw or decline an offer from the page."""
    _me(actor)
    do = {"take": services.take_offer, "withdraw": services.withdraw_offer, "decline": services.decline_offer}
    if action not in do:
        raise NotFound("page", action)
    try:
        offer = do[action](offer_id, session=session, actor=actor)
    except Conflict as exc:
        session.rollback()
        return _exchange_page(request, session, actor, error=_said(exc, lang_of(request)), status_code=409)
    done = {"take": offer.state, "withdraw": "withdrawn", "decline": "declined"}[action]
    return redirect(request, f"{EXCHANGE}?done={done}")


# ---- staff: meld syg ---------------------------------------------------------------------------------


def _sick_page(
    request: Request,
    form: dict[str, str],
    *,
    error: str | None = None,
    done: int | None = None,
    status_code: int = 200,
) -> Response:
    context = {"form": form, "error": error, "done": done}
    return render(request, "staff/sick.html", context, status_code=status_code)


@router.get("/web/me/sick")
def sick_page(request: Request, actor: WebUser, done: str = "") -> Response:
    """Meld syg: today, or from a date to a date."""
    _me(actor)
    return _sick_page(
        request, {"start": today().isoformat(), "end": ""}, done=int(done) if done.isdigit() else None
    )


@router.post("/web/me/sick")
def report_sick_from_page(
    request: Request,
    session: SessionDep,
    actor: WebUser,
    start: Annotated[str, Form()] = "",
    end: Annotated[str, Form()] = "",
) -> Response:
    staff_id = _me(actor)
    form = {"start": start, "end": end}
    try:
        data = SicknessReport.model_validate({"staff_id": staff_id, "start": start, "end": end or None})
        versions = services.report_sick(data, session=session, actor=actor)
    except (ValidationError, InputError, Conflict) as exc:
        session.rollback()
        return _sick_page(request, form, error=_said(exc, lang_of(request)), status_code=422)
    return redirect(request, f"{SICK}?done={len(versions)}")


# ---- staff: mine ændringer ------------------------------------------------------------------------------


def change_sentence(entry: dict[str, Any], names: _Names, lang: str) -> str:
    """One change of a person's shift, in their words: "Aftenvagt lørdag 14/3 overtaget af Jonas"."""
    _ = i18n.translator(lang)
    before, after, other = entry["before"], entry["after"], entry["other"]
    day = _day(entry["date"], lang)
    if before and not after:
        shift = names.cell(before["shift"], before.get("route"))
        if other:
            return _("{shift} {day} taken over by {name}", shift=shift, day=day, name=other)
        if entry["kind"] == "sickness":
            return _("{shift} {day} taken off: sick", shift=shift, day=day)
        return _("{shift} {day} taken off your rota", shift=shift, day=day)
    if after and not before:
        shift = names.cell(after["shift"], after.get("route"))
        if other:
            return _("{shift} {day} taken over from {name}", shift=shift, day=day, name=other)
        return _("{shift} {day} added to your rota", shift=shift, day=day)
    return _(
        "{day}: {before} changed to {after}",
        day=day,
        before=names.cell(before["shift"], before.get("route")),
        after=names.cell(after["shift"], after.get("route")),
    )


@router.get("/web/me/changes")
def my_changes(request: Request, session: SessionDep, actor: WebUser) -> Response:
    """Mine ændringer: every change to my published shifts, newest first."""
    staff_id = _me(actor)
    lang = lang_of(request)
    _ = i18n.translator(lang)
    _read(session)
    assert actor.team_id is not None
    names = _Names(session, actor.team_id, actor)
    rows = [
        {
            "when": format_date(
                (local(e["at"]) or e["at"]).date(), "d. MMMM" if lang == "da" else "MMMM d", locale=lang
            ),
            "sentence": change_sentence(e, names, lang),
        }
        for e in services.person_changes(staff_id, session=session, actor=actor)
    ]
    return render(request, "staff/changes.html", {"rows": rows})


# ---- the planner: changes of a period -----------------------------------------------------------------


def _planner_page(
    request: Request,
    period_id: int,
    session: Session,
    actor: Actor,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    lang = lang_of(request)
    _ = i18n.translator(lang)
    _read(session)
    period = services.get_period(period_id, session=session, actor=actor)
    names = _Names(session, period.team_id, actor)
    waiting = [
        _offer_view(o, names, lang)
        for o in services.team_offers(period.team_id, state="taken", session=session, actor=actor)
        if o.period_id == period_id
    ]
    changes = []
    for c in services.period_changes(period_id, session=session, actor=actor):
        cells = [
            _(
                "{name} {day}: {before} → {after}",
                name=names.codes.get(cell["staff"], cell["staff"]),
                day=_day(dt.date.fromisoformat(cell["date"]), lang),
                before=names.cell(cell["before"]["shift"], cell["before"]["route"])
                if cell["before"]
                else _("off"),
                after=names.cell(cell["after"]["shift"], cell["after"]["route"])
                if cell["after"]
                else _("off"),
            )
            for cell in c.cells
        ]
        changes.append(
            {"change": c, "kind": _(CHANGE_KINDS.get(c.kind, c.kind)), "cells": cells, "at": local(c.at)}
        )
    drafts = [
        r
        for r in services.list_rotas(period_id, session=session, actor=actor)
        if r.state == "draft" and r.job_id is not None and _is_replan(session, r.job_id)
    ]
    current = services.current_rota(session, period_id)
    context = {
        "period": period,
        "waiting": waiting,
        "changes": changes,
        "drafts": drafts,
        "current": current,
        "people": sorted(names.people.items(), key=lambda x: x[1]),
        "error": error,
        "today_value": max(period.start, min(today(), period.last_day)).isoformat(),
    }
    return render(request, "review/changes.html", context, status_code=status_code)


def _is_replan(session: Session, job_id: int) -> bool:
    job = session.get(SolveJob, job_id)
    return job is not None and job.fixed_before is not None


@router.get("/web/periods/{period_id}/changes")
def period_changes_page(request: Request, period_id: int, session: SessionDep, actor: WebPlanner) -> Response:
    """After publication: offers waiting for approval, sickness, re-planning, and every change."""
    return _planner_page(request, period_id, session, actor)


@router.post("/web/periods/{period_id}/offers/{offer_id}/{action}")
def decide_offer(
    request: Request,
    period_id: int,
    offer_id: int,
    action: str,
    session: SessionDep,
    actor: WebPlanner,
    reason: Annotated[str, Form()] = "",
) -> Response:
    """Approve or refuse a taken offer."""
    try:
        if action == "approve":
            services.approve_offer(offer_id, session=session, actor=actor)
        elif action == "refuse":
            services.refuse_offer(offer_id, reason, session=session, actor=actor)
        else:
            raise NotFound("page", action)
    except Conflict as exc:
        session.rollback()
        return _planner_page(
            request, period_id, session, actor, error=_said(exc, lang_of(request)), status_code=409
        )
    return redirect(request, f"{PREFIX}/periods/{period_id}/changes")


@router.post("/web/periods/{period_id}/sickness")
def planner_sickness(
    request: Request,
    period_id: int,
    session: SessionDep,
    actor: WebPlanner,
    staff_id: Annotated[str, Form()] = "",
    start: Annotated[str, Form()] = "",
    end: Annotated[str, Form()] = "",
) -> Response:
    """The planner reports someone of the team sick."""
    try:
        data = SicknessReport.model_validate(
            {"staff_id": staff_id if staff_id.isdigit() else 0, "start": start, "end": end or None}
        )
        services.report_sick(data, session=session, actor=actor)
    except (ValidationError, InputError, Conflict, NotFound) as exc:
        session.rollback()
        return _planner_page(
            request, period_id, session, actor, error=_said(exc, lang_of(request)), status_code=422
        )
    return redirect(request, f"{PREFIX}/periods/{period_id}/changes")


@router.post("/web/periods/{period_id}/replan")
def replan_from_page(
    request: Request,
    period_id: int,
    session: SessionDep,
    actor: WebPlanner,
    queue: QueueDep,
    from_date: Annotated[str, Form()] = "",
    time_limit: Annotated[str, Form()] = "10",
) -> Response:
    """Re-plan from a date: the solve's progress page links to the draft and who would change."""
    try:
        data = ReplanRequest.model_validate({"from_date": from_date, "time_limit": time_limit or 10})
        job = services.replan(period_id, data, queue=queue, session=session, actor=actor)
    except (ValidationError, InputError, Conflict, NotFound) as exc:
        session.rollback()
        return _planner_page(
            request, period_id, session, actor, error=_said(exc, lang_of(request)), status_code=422
        )
    return redirect(request, f"{PREFIX}/jobs/{job.id}")


@router.get("/web/rotas/{rota_id}/replan")
def replan_diff_page(request: Request, rota_id: int, session: SessionDep, actor: WebPlanner) -> Response:
    """Who would change if this draft were published over the current rota, person by person."""
    lang = lang_of(request)
    _ = i18n.translator(lang)
    _read(session)
    diff = services.replan_diff(rota_id, session=session, actor=actor)
    rota = services.get_rota(rota_id, session=session, actor=actor)
    period = services.get_period(rota.period_id, session=session, actor=actor)
    names = _Names(session, period.team_id, actor)
    people = [
        {
            "name": p["name"],
            "cells": [
                _(
                    "{day}: {before} → {after}",
                    day=_day(dt.date.fromisoformat(c["date"]), lang),
                    before=names.cell(c["before"]["shift"], c["before"]["route"])
                    if c["before"]
                    else _("off"),
                    after=names.cell(c["after"]["shift"], c["after"]["route"]) if c["after"] else _("off"),
                )
                for c in p["cells"]
            ],
        }
        for p in diff["people"]
    ]
    context = {"diff": diff, "people": people, "rota": rota, "period": period}
    return render(request, "review/replan.html", context)


# ---- the planner: giving an open shift of the published rota to someone ----------------------------


def give_targets(rota_id: int, session: Session, actor: Actor) -> dict[str, int] | None:
    """For the candidates list of the period's current published rota: each person's id by code (the
    list then offers "give the shift to …"); None for a draft or an older version."""
    rota = services.get_rota(rota_id, session=session, actor=actor)
    if rota.state != "published":
        return None
    period = services.get_period(rota.period_id, session=session, actor=actor)
    people = session.exec(select(Staff).where(Staff.team_id == period.team_id)).all()
    return {p.code: p.id for p in people if p.id is not None}


@router.post("/web/rotas/{rota_id}/give")
def give_shift(
    request: Request,
    rota_id: int,
    session: SessionDep,
    actor: WebPlanner,
    staff_id: Annotated[str, Form()] = "",
    date: Annotated[str, Form()] = "",
    shift: Annotated[str, Form()] = "",
) -> Response:
    """The planner gives a shift of the published rota to someone (a new version, checked)."""
    rota = services.get_rota(rota_id, session=session, actor=actor)
    try:
        if not staff_id.isdigit():
            raise InputError("staff_id", N_("choose who gets the shift"))
        day = dt.date.fromisoformat(date)
        new = services.edit_published_cell(
            rota.period_id, int(staff_id), day, (shift, None), reason="", session=session, actor=actor
        )
    except ValueError as exc:
        session.rollback()
        message = _said(exc, lang_of(request)) if isinstance(exc, InputError) else str(exc)
        return _planner_page(request, rota.period_id, session, actor, error=message, status_code=422)
    except Conflict as exc:
        session.rollback()
        return _planner_page(
            request, rota.period_id, session, actor, error=_said(exc, lang_of(request)), status_code=409
        )
    return redirect(request, f"{PREFIX}/rotas/{new.id}")
