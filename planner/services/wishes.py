"""Wishes, vetoes and standing wishes (individuelle aftaler): a person's own, or the planner's for them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Literal

from sqlalchemy import delete, func, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import make_transient_to_detached
from sqlmodel import Session, col, select

from planner import mapping, person_rules
from planner.auth import (
    Actor,
    require_planner,
    require_self_or_planner,
)
from planner.errors import (
    Conflict,
    Forbidden,
    InputError,
    RuleRefusal,
)
from planner.models import (
    Period,
    Staff,
    StandingWish,
    StandingWishCreate,
    Wish,
    WishCreate,
    WishKindName,
    WishUpdate,
    utcnow,
)
from planner.people import person_label
from planner.services._base import (
    _INSERT_WISH,
    STORED_DATA_CONFLICT,
    _check_person,
    _check_slot,
    _commit,
    _person,
    _require_editable,
    _row_values,
    audit,
    audit_now,
    get,
    log,
)
from planner.services.periods import get_period
from planner.services.teams import get_team
from planner.texts import N_

# ---- wishes -----------------------------------------------------------------------------------------


def _visible_staff(period_id: int, *, session: Session, actor: Actor, staff_id: int | None) -> int | None:
    """Whose records of a period the actor may list: anyone's (or all, None) for a planner, own for staff."""
    period = get_period(period_id, session=session, actor=actor)
    if staff_id is None and not actor.plans:
        staff_id = actor.staff_id
    if staff_id is not None:
        require_self_or_planner(actor, period.team_id, staff_id)
    return staff_id


def list_wishes(
    period_id: int,
    *,
    session: Session,
    actor: Actor,
    staff_id: int | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> Sequence[Wish]:
    """The planner sees everyone's wishes (or one person's); a staff member only their own. By date, a
    page of `limit` from `offset` (all without a limit)."""
    staff_id = _visible_staff(period_id, session=session, actor=actor, staff_id=staff_id)
    query = select(Wish).where(Wish.period_id == period_id)
    if staff_id is not None:
        query = query.where(Wish.staff_id == staff_id)
    query = query.order_by(col(Wish.date), col(Wish.id)).offset(offset).limit(limit)
    return session.exec(query).all()


def get_wish(wish_id: int, *, session: Session, actor: Actor) -> Wish:
    wish = get(session, Wish, wish_id, "wish", visible_to=actor)
    period = get(session, Period, wish.period_id, "period")
    require_self_or_planner(actor, period.team_id, wish.staff_id)
    return wish


def create_wish(period_id: int, data: WishCreate, *, session: Session, actor: Actor) -> Wish:
    period = get(session, Period, period_id, "period", visible_to=actor)
    require_self_or_planner(actor, period.team_id, data.staff_id)
    _check_person(session, data.staff_id, period.team_id)
    _require_editable(period, actor)
    _check_wish(session, period, data, data.staff_id, exclude=None)
    # The hot path at a deadline (docs/benchmarks.md): the wish and its audit entry are two Core INSERTs,
    # not ORM objects flushed by the unit of work; the wish returned is attached to the session as usual.
    values = {**_row_values(Wish, data), "period_id": period_id, "version": 1, "source": "own"}
    values["updated_at"] = utcnow()
    try:
        result = session.connection().execute(_INSERT_WISH, values)
        key = result.inserted_primary_key
        assert key is not None  # an INSERT of one row
        wish_id = key[0]
        audit_now(session, actor, period.team_id, "create wish", f"wish {wish_id}", data=data)
    except IntegrityError as exc:
        session.rollback()
        log.warning("commit refused by the database: %s", exc.orig)  # for the operator, not the client
        raise Conflict(STORED_DATA_CONFLICT) from None
    _commit(session)
    wish = Wish(id=wish_id, **values)
    make_transient_to_detached(wish)
    session.add(wish)  # persistent, as if loaded: no SQL
    return wish


def update_wish(wish_id: int, data: WishUpdate, *, session: Session, actor: Actor) -> Wish:
    """Change a wish if nobody changed it since the client read `data.version`; else 409."""
    wish = get_wish(wish_id, session=session, actor=actor)
    period = get(session, Period, wish.period_id, "period")
    _require_editable(period, actor)
    _check_wish(session, period, data, wish.staff_id, exclude=wish_id)
    values = {k: v for k, v in _row_values(Wish, data).items() if k != "version"}
    # One conditional UPDATE: of two writers with the same version exactly one matches (no lost write).
    result = session.execute(
        update(Wish)
        .where(col(Wish.id) == wish_id, col(Wish.version) == data.version)
        .values(**values, version=Wish.version + 1, updated_at=utcnow(), source="own")
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        current = session.get(Wish, wish_id)
        if current is None:
            raise Conflict(N_("wish {wish_id} was deleted by someone else; reload the page"), wish_id=wish_id)
        raise Conflict(
            N_(
                "wish {wish_id} was changed by someone else (your version {version}, now {now}); "
                "reload it and try again"
            ),
            wish_id=wish_id,
            version=data.version,
            now=current.version,
        )
    audit(session, actor, period.team_id, "change wish", f"wish {wish_id}", data=data)
    _commit(session)
    session.refresh(wish)
    return wish


def delete_wish(wish_id: int, *, session: Session, actor: Actor, version: int | None = None) -> None:
    wish = get_wish(wish_id, session=session, actor=actor)
    period = get(session, Period, wish.period_id, "period")
    _require_editable(period, actor)
    query = delete(Wish).where(col(Wish.id) == wish_id)
    if version is not None:
        query = query.where(col(Wish.version) == version)
    if session.execute(query).rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        raise Conflict(
            N_("wish {wish_id} was changed by someone else since version {version}; reload it"),
            wish_id=wish_id,
            version=version,
        )
    audit(session, actor, period.team_id, "delete wish", f"wish {wish_id}")
    _commit(session)


DayWishAction = Literal["want", "avoid", "clear", "veto", "unveto"]


def set_day_wish(
    period_id: int,
    staff_id: int,
    day: dt.date,
    action: DayWishAction,
    *,
    shift: str | None = None,
    seen: tuple[int, int] | None = None,
    session: Session,
    actor: Actor,
) -> None:
    """One tap on a day of the wish calendar: `want` / `avoid` a shift (a new wish, or the one the page
    showed changed, its weight kept), `clear` it, make the day a `veto` day or `unveto` it. `seen` is the
    (id, version) of the wish the page showed, None when it showed none; a wish changed meanwhile is a
    409 (`update_wish`). A tap the page did not expect is answered truthfully: wanting a shift the page
    showed no wish for while one is stored (another window, a double tap) is a `Conflict`; a second veto
    tap on a veto day changes nothing."""
    period = get_period(period_id, session=session, actor=actor)
    own = [
        w for w in list_wishes(period_id, session=session, actor=actor, staff_id=staff_id) if w.date == day
    ]
    if action in ("want", "avoid", "clear"):
        known = {s.code for s in mapping.team_rows(session, period.team_id)[1]}
        if shift not in known:
            raise InputError("shift", N_("unknown shift {shift!r}"), shift=shift)
    if action in ("clear", "unveto"):
        if seen is not None:
            delete_wish(seen[0], session=session, actor=actor, version=seen[1])
        return
    if action == "veto":
        if not any(w.kind == "veto" for w in own):
            create_wish(
                period_id, WishCreate(staff_id=staff_id, date=day, kind="veto"), session=session, actor=actor
            )
        return
    kind: WishKindName = "want" if action == "want" else "avoid"
    if seen is None:
        if any(w.shift == shift and w.route is None and w.kind != "veto" for w in own):
            raise Conflict(N_("a wish for {shift} on {day} exists already"), shift=shift, day=day.isoformat())
        data = WishCreate(staff_id=staff_id, date=day, kind=kind, shift=shift)
        create_wish(period_id, data, session=session, actor=actor)
        return
    current = get_wish(seen[0], session=session, actor=actor)
    update = WishUpdate(date=day, kind=kind, shift=shift, weight=current.weight, version=seen[1])
    update_wish(seen[0], update, session=session, actor=actor)


def _check_wish(session: Session, period: Period, data: Any, staff_id: int, *, exclude: int | None) -> None:
    """A veto within the limit and not on a worked day; a want not on a day off (`RuleRefusal`); and
    no second wish for what a stored one already says (`Conflict`)."""
    if data.kind == "veto" and (data.shift is not None or data.route is not None):
        raise InputError("kind", N_("a veto is a whole day off: give no shift or route"))
    # Check-then-insert is a race under READ COMMITTED (PostgreSQL): two requests could both see one veto
    # left, or both see no such wish yet. Locking the person's row serialises their wish writes until
    # commit; the queries below then see every committed wish. (SQLite ignores FOR UPDATE: its write
    # transactions are serial already, `BEGIN IMMEDIATE` in `planner.db`.)
    session.exec(select(Staff.id).where(Staff.id == staff_id).with_for_update()).one()
    _check_not_repeated(session, period, data, staff_id, exclude)
    if data.kind == "veto":
        _check_slot(session, period, data.date, None, None)
        limit = mapping.team_rules(session, period.team_id).max_vetoes
        query = (
            select(func.count())
            .select_from(Wish)
            .where(Wish.period_id == period.id, Wish.staff_id == staff_id, Wish.kind == "veto")
        )
        if exclude is not None:
            query = query.where(Wish.id != exclude)
        used = session.exec(query).one()
        if limit is not None and used >= limit:
            who = person_label(session, staff_id)
            raise RuleRefusal(
                "veto_limit", f"{who} has used all {limit} veto days of period {period.id}", limit=limit
            )
        # Not on a day the person has claimed a shift, or the planner locked them to one.
        person_rules.check_veto(session, period, staff_id, data.date)
    else:
        _check_slot(session, period, data.date, data.shift, data.route)
        if data.kind == "want":  # not on a day the person is off whatever the rota (avoid is harmless)
            person_rules.check_want(_person(session, staff_id, period.team_id), data.date)


def _check_not_repeated(
    session: Session, period: Period, data: Any, staff_id: int, exclude: int | None
) -> None:
    """One veto per day, and one wish per day, shift and route: the same wish again, or `want` beside
    `avoid` for one slot, is a 409 that names the stored wish to change instead."""
    same_day = (Wish.period_id == period.id) & (Wish.staff_id == staff_id) & (Wish.date == data.date)
    if data.kind == "veto":
        clash = same_day & (Wish.kind == "veto")
    else:
        shift = Wish.shift.is_(None) if data.shift is None else Wish.shift == data.shift  # type: ignore[union-attr]
        route = Wish.route.is_(None) if data.route is None else Wish.route == data.route  # type: ignore[union-attr]
        clash = same_day & (Wish.kind != "veto") & shift & route
    query = select(Wish.id, Wish.kind).where(clash)
    if exclude is not None:
        query = query.where(Wish.id != exclude)
    stored = session.exec(query).first()
    if stored is None:
        return
    wish_id, kind = stored
    if kind == data.kind:
        raise Conflict(N_("the same wish is already stored (wish {wish_id})"), wish_id=wish_id)
    raise Conflict(
        N_("this slot already has a {kind} wish (wish {wish_id}): change that one instead"),
        kind=kind,
        wish_id=wish_id,
    )


# ---- standing wishes (individuelle aftaler) ---------------------------------------------------------


def create_standing_wish(data: StandingWishCreate, *, session: Session, actor: Actor) -> StandingWish:
    """Propose an agreement (staff, for themselves) or record one (planner: approved at once)."""
    person = get(session, Staff, data.staff_id, "staff")
    require_self_or_planner(actor, person.team_id, person.id)  # type: ignore[arg-type]
    _, shifts, routes, _ = mapping.team_rows(session, person.team_id)
    if data.shift is not None and data.shift not in {s.code for s in shifts}:
        raise InputError("shift", N_("unknown shift {shift!r}"), shift=data.shift)
    if data.route is not None and data.route not in {r.code for r in routes}:
        raise InputError("route", N_("unknown route {route!r}"), route=data.route)
    row = StandingWish(**_row_values(StandingWish, data), approved=actor.plans)
    session.add(row)
    session.flush()
    audit(session, actor, person.team_id, "create standing wish", f"standing wish {row.id}", data=data)
    _commit(session)
    return row


def list_standing_wishes(team_id: int, *, session: Session, actor: Actor) -> Sequence[StandingWish]:
    get_team(team_id, session=session, actor=actor)
    query = select(StandingWish).join(Staff).where(Staff.team_id == team_id)
    if not actor.plans:
        query = query.where(StandingWish.staff_id == actor.staff_id)
    return session.exec(query.order_by(col(StandingWish.id))).all()


def approve_standing_wish(item_id: int, *, session: Session, actor: Actor) -> StandingWish:
    row = get(session, StandingWish, item_id, "standing wish", visible_to=actor)
    person = get(session, Staff, row.staff_id, "staff")
    require_planner(actor, person.team_id)
    row.approved = True
    session.add(row)
    audit(session, actor, person.team_id, "approve standing wish", f"standing wish {item_id}")
    _commit(session)
    return row


def delete_standing_wish(item_id: int, *, session: Session, actor: Actor) -> None:
    row = get(session, StandingWish, item_id, "standing wish", visible_to=actor)
    person = get(session, Staff, row.staff_id, "staff")
    require_self_or_planner(actor, person.team_id, row.staff_id)
    if row.approved and not actor.plans:
        raise Forbidden(N_("an approved agreement can only be ended by the planner"))
    session.delete(row)
    audit(session, actor, person.team_id, "delete standing wish", f"standing wish {item_id}")
    _commit(session)
