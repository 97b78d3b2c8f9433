"""Periods: create, open for wishes (standing agreements become wishes), close, and who has submitted."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from planner import mapping
from planner.auth import (
    Actor,
    require_member,
    require_planner,
)
from planner.errors import (
    Conflict,
    InputError,
)
from planner.models import (
    Notification,
    Period,
    PeriodCreate,
    PeriodOpen,
    SelfPick,
    Staff,
    StandingWish,
    Team,
    User,
    Wish,
    utcnow,
)
from planner.notifications import notify, period_params, team_user_ids
from planner.services._base import (
    _commit,
    _row_values,
    audit,
    get,
)
from planner.services.teams import get_team
from planner.texts import N_

# ---- periods ----------------------------------------------------------------------------------------


def create_period(team_id: int, data: PeriodCreate, *, session: Session, actor: Actor) -> Period:
    get(session, Team, team_id, "team", visible_to=actor)
    require_planner(actor, team_id)
    last = data.last_day
    for i, day in enumerate(data.public_holidays):
        if not data.start <= day <= last:
            raise InputError(
                f"public_holidays[{i}]",
                N_("date {day} is outside the period {first} … {last}"),
                day=day,
                first=data.start,
                last=last,
            )
    period = Period(team_id=team_id, **_row_values(Period, data))
    session.add(period)
    session.flush()
    audit(session, actor, team_id, "create period", f"period {period.id}", data=data)
    _commit(session)
    return period


def list_periods(team_id: int, *, session: Session, actor: Actor) -> Sequence[Period]:
    get_team(team_id, session=session, actor=actor)
    return session.exec(select(Period).where(col(Period.team_id) == team_id).order_by(col(Period.id))).all()


def get_period(period_id: int, *, session: Session, actor: Actor) -> Period:
    period = get(session, Period, period_id, "period", visible_to=actor)
    require_member(actor, period.team_id)
    return period


def open_period(period_id: int, data: PeriodOpen, *, session: Session, actor: Actor) -> Period:
    """Open for wishes (from `draft`; approved standing wishes are added), or reopen (from `closed` or
    `solved`); a new deadline may be given."""
    period = get(session, Period, period_id, "period", visible_to=actor)
    require_planner(actor, period.team_id)
    if period.state not in ("draft", "closed", "solved"):
        raise Conflict(
            N_("period {period} is {state}; only a draft, closed or solved period can open"),
            period=period_id,
            state=period.state,
        )
    first_opening = period.state == "draft"
    if first_opening:
        _apply_standing_wishes(session, period)
    if data.deadline is not None:
        period.deadline = data.deadline
    before, period.state = period.state, "open"
    session.add(period)
    if first_opening:  # every staff member of the team may now enter wishes (a reopening tells nobody)
        notify(
            session,
            user_ids=team_user_ids(session, period.team_id),
            kind="period_open",
            params=period_params(period),
            key=f"period-open:{period_id}",
        )
    audit(
        session,
        actor,
        period.team_id,
        "open period",
        f"period {period_id}",
        was=before,
        deadline=period.deadline,
    )
    _commit(session)
    return period


def close_period(period_id: int, *, session: Session, actor: Actor) -> Period:
    period = get(session, Period, period_id, "period", visible_to=actor)
    require_planner(actor, period.team_id)
    if period.state != "open":
        raise Conflict(N_("period {period} is {state}, not open"), period=period_id, state=period.state)
    period.state = "closed"
    session.add(period)
    audit(session, actor, period.team_id, "close period", f"period {period_id}")
    _commit(session)
    return period


def submissions(period_id: int, *, session: Session, actor: Actor) -> list[dict[str, Any]]:
    """Per person: how many wishes, vetoes and self-picks they have in the period (who has submitted),
    and when the latest of those was made or changed (`last_change`, UTC; None when there is none — a
    deleted wish leaves no time behind)."""
    period = get(session, Period, period_id, "period", visible_to=actor)
    require_planner(actor, period.team_id)
    staff = mapping.team_rows(session, period.team_id)[0]
    counts: dict[int | None, Counter[str]] = defaultdict(Counter)
    latest: dict[int | None, dt.datetime] = {}

    def seen(staff_id: int | None, at: dt.datetime) -> None:
        if staff_id not in latest or at > latest[staff_id]:
            latest[staff_id] = at

    for w in session.exec(select(Wish).where(Wish.period_id == period_id, Wish.source == "own")):
        counts[w.staff_id]["vetoes" if w.kind == "veto" else "wishes"] += 1
        seen(w.staff_id, w.updated_at)
    for p in session.exec(select(SelfPick).where(SelfPick.period_id == period_id)):
        counts[p.staff_id]["self_picks"] += 1
        seen(p.staff_id, p.created_at)
    return [
        {
            "staff_id": s.id,
            "code": s.code,
            "name": s.name,
            "wishes": counts[s.id]["wishes"],
            "vetoes": counts[s.id]["vetoes"],
            "self_picks": counts[s.id]["self_picks"],
            "last_change": latest.get(s.id),
        }
        for s in staff
    ]


# How long before the deadline for wishes each reminder goes to those who have entered nothing yet.
REMINDERS = ((dt.timedelta(hours=24), "deadline_24h"), (dt.timedelta(hours=48), "deadline_48h"))


def remind_deadlines(*, session: Session, now: dt.datetime | None = None) -> int:
    """Remind the staff of every open period whose deadline for wishes is within 48 h (the `deadline_48h`
    reminder) or 24 h (`deadline_24h`) and who have entered nothing yet (no wish of their own, no veto,
    no self-pick): each reminder once per person and period (its key), the 24 h one alone when the period
    opened later than 48 h before. The service's periodic round (`planner.outbox`) runs it; returns how
    many people were reminded now. Commits."""
    now = now or utcnow()
    soonest = now + REMINDERS[-1][0]
    periods = session.exec(
        select(Period).where(
            Period.state == "open",
            col(Period.deadline).is_not(None),
            col(Period.deadline) > now,
            col(Period.deadline) <= soonest,
        )
    ).all()
    kinds = [name for _, name in REMINDERS]
    counted = select(func.count()).select_from(Notification).where(col(Notification.kind).in_(kinds))
    before = session.exec(counted).one()
    for period in periods:
        assert period.id is not None and period.deadline is not None
        deadline = period.deadline if period.deadline.utcoffset() else period.deadline.replace(tzinfo=dt.UTC)
        kind = next(name for within, name in REMINDERS if deadline - now <= within)
        entered = set(
            session.exec(select(Wish.staff_id).where(Wish.period_id == period.id, Wish.source == "own")).all()
        ) | set(session.exec(select(SelfPick.staff_id).where(SelfPick.period_id == period.id)).all())
        silent = session.exec(
            select(User.id, User.staff_id).where(
                col(User.id).in_(team_user_ids(session, period.team_id)), col(User.staff_id).is_not(None)
            )
        ).all()
        notify(
            session,
            user_ids=[user_id for user_id, staff_id in silent if staff_id not in entered and user_id],
            kind=kind,
            params=period_params(period),
            key=f"{kind}:{period.id}",
        )
    made = session.exec(counted).one() - before
    session.commit()
    return made


def _apply_standing_wishes(session: Session, period: Period) -> None:
    """Every approved agreement of the team becomes wishes of the period, on each matching day."""
    assert period.id is not None  # a stored period
    session.execute(delete(Wish).where(col(Wish.period_id) == period.id, col(Wish.source) == "standing"))
    _, _, routes, _ = mapping.team_rows(session, period.team_id)
    runs = {r.code: r for r in routes}
    agreements = session.exec(
        select(StandingWish).join(Staff).where(Staff.team_id == period.team_id, StandingWish.approved)
    ).all()
    for sw in agreements:
        for i in range(period.days):
            day = period.start + dt.timedelta(days=i)
            if sw.weekdays and day.weekday() not in sw.weekdays:
                continue
            route = runs.get(sw.route) if sw.route else None
            if route is not None and (
                day.weekday() not in route.weekdays or (sw.shift and sw.shift not in route.shifts)
            ):
                continue
            session.add(
                Wish(
                    period_id=period.id,
                    staff_id=sw.staff_id,
                    date=day,
                    kind=sw.kind,
                    shift=sw.shift,
                    route=sw.route,
                    weight=sw.weight,
                    source="standing",
                )
            )
