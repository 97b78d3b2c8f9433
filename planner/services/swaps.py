"""Hand-overs and swaps between colleagues (vagtbytte): offering one's own published shift, seeing the
offers one could take, taking, approving, refusing, withdrawing, declining, expiry.

An offer is a `ShiftOffer` row; its state moves only by conditional UPDATEs guarded by the state it must
be in (like `services.set_job_state`), so of colleagues taking one offer at once exactly one wins, and a
withdrawal cannot cross an approval. Whether a colleague may take an offer is the independent checker's
answer on the current published version with the change applied (the rota's own problem, with the
absences stored since): every hard rule must hold for everyone. The planner approves a taken offer (the
rules are checked again then: the rota may have changed), unless the team approves automatically
(`Rules.auto_approve_swaps`) and the change leaves cover and skill mix as they were. An approval makes a
new published version (`services.versions.make_version`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, or_, select

from planner import change_notices, mapping
from planner.auth import Actor, require_planner, require_self_or_planner
from planner.errors import Conflict, Forbidden, InputError, NotFound
from planner.models import (
    LOCAL_ZONE,
    Period,
    Rota,
    ShiftOffer,
    ShiftOfferCreate,
    Staff,
    User,
    utcnow,
)
from planner.services._base import _commit, _person, audit, get
from planner.services.versions import (
    SHIFT_CHANGED,
    CellKey,
    CellValue,
    apply_cells,
    cells_of,
    current_rota,
    first_violation,
    live_problem,
    make_version,
    refusal,
    with_locks_moved,
)
from planner.texts import N_
from solver import check
from solver.problem import Problem
from solver.solution import Assignment

ACTIVE = ("open", "taken")
AUTOMATIC = "automatic"  # `decided_by` of an offer the team's setting approved
# Why an offer cannot move, by the state it is in (said when a take, approval or withdrawal comes late).
ENDED = {
    "taken": N_("this offer has already been taken and waits for the planner's approval"),
    "approved": N_("this offer has already been taken and approved"),
    "refused": N_("the planner has refused this offer"),
    "withdrawn": N_("this offer has been withdrawn"),
    "declined": N_("this offer has been declined"),
    "expired": N_("the shift has started: the offer can no longer be taken"),
    "open": N_("this offer has not been taken yet"),
}


SICKNESS = "sickness"  # `ShiftOffer.reason` of an offer ended by its giver's sickness


def _ended(offer: ShiftOffer) -> Conflict:
    """The true reason an offer can no longer move, from its state (and why it was withdrawn)."""
    if offer.state == "withdrawn" and offer.reason == SHIFT_CHANGED:
        return Conflict(N_("the offered shift has changed in the published rota: the offer has ended"))
    if offer.state == "withdrawn" and offer.reason == SICKNESS:
        return Conflict(N_("the offer has ended: the shift left the rota because of sickness"))
    return Conflict(ENDED.get(offer.state, ENDED["withdrawn"]))


def shift_start(problem: Problem, day: dt.date, shift: str) -> dt.datetime:
    """When a shift starts (Danish clock time; the day's start for a shift without a time), in UTC."""
    kind = next((s for s in problem.shift_types if s.code == shift), None)
    clock = kind.start if kind is not None and kind.start is not None else dt.time(0, 0)
    return dt.datetime.combine(day, clock, tzinfo=LOCAL_ZONE).astimezone(dt.UTC)


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.utcoffset() is not None else value.replace(tzinfo=dt.UTC)


def _cell(rota: Rota, code: str, day: dt.date) -> tuple[str, str | None] | None:
    return cells_of(mapping.rota_assignments(rota)).get((code, day))


# ---- offering -----------------------------------------------------------------------------------------


def offer_shift(period_id: int, data: ShiftOfferCreate, *, session: Session, actor: Actor) -> ShiftOffer:
    """Offer `data.staff_id`'s shift on `data.date` in the period's published rota: to everyone, to one
    colleague, or as a swap for that colleague's shift on `data.swap_date`. The person themselves (or
    their planner); the shift must not have started; one active offer per shift."""
    period = get(session, Period, period_id, "period", visible_to=actor)
    require_self_or_planner(actor, period.team_id, data.staff_id)
    person = _person(session, data.staff_id, period.team_id)
    rota = current_rota(session, period_id)
    if rota is None:
        raise Conflict(N_("period {period} has no published rota: nothing to offer yet"), period=period_id)
    mine = _cell(rota, person.code, data.date)
    if mine is None:
        raise InputError("date", N_("you have no shift on {date} in the published rota"), date=data.date)
    problem = mapping.rota_problem(rota)
    starts = shift_start(problem, data.date, mine[0])
    if starts <= utcnow():
        raise Conflict(N_("your shift on {date} has started: it can no longer be offered"), date=data.date)
    colleague: Staff | None = None
    swap: tuple[str, str | None] | None = None
    if data.to_staff_id is not None:
        if data.to_staff_id == data.staff_id:
            raise InputError("to_staff_id", N_("choose a colleague, not yourself"))
        try:
            colleague = _person(session, data.to_staff_id, period.team_id)
        except NotFound:
            raise InputError(
                "to_staff_id", N_("no colleague {key} in the team"), key=data.to_staff_id
            ) from None
    if data.swap_date is not None:
        assert colleague is not None  # the model requires it
        swap = _cell(rota, colleague.code, data.swap_date)
        if swap is None:
            raise InputError(
                "swap_date",
                N_("{name} has no shift on {date} in the published rota"),
                name=colleague.name or colleague.code,
                date=data.swap_date,
            )
        starts = min(starts, shift_start(problem, data.swap_date, swap[0]))
        if starts <= utcnow():
            raise Conflict(
                N_("the shift on {date} has started: it can no longer be swapped"), date=data.swap_date
            )
    already = session.exec(
        select(ShiftOffer.id).where(
            ShiftOffer.period_id == period_id,
            ShiftOffer.staff_id == data.staff_id,
            ShiftOffer.date == data.date,
            col(ShiftOffer.state).in_(ACTIVE),
        )
    ).first()
    if already is not None:
        raise Conflict(
            N_("your shift on {date} is already offered (offer {offer})"), date=data.date, offer=already
        )
    offer = ShiftOffer(
        period_id=period_id,
        staff_id=data.staff_id,
        date=data.date,
        shift=mine[0],
        route=mine[1],
        kind="swap" if swap is not None else "give",
        to_staff_id=data.to_staff_id,
        swap_date=data.swap_date,
        swap_shift=swap[0] if swap else None,
        swap_route=swap[1] if swap else None,
        note=data.note,
        starts_at=starts,
    )
    session.add(offer)
    session.flush()
    if colleague is not None:
        change_notices.offered(session, offer, period, [data.to_staff_id] if data.to_staff_id else [])
    else:
        change_notices.offered(session, offer, period, _who_could_take(session, rota, offer, person))
    audit(session, actor, period.team_id, "offer shift", f"offer {offer.id}", data=data, shift=mine[0])
    _commit(session)
    return offer


# ---- the change an offer makes ---------------------------------------------------------------------------


def offer_changes(offer: ShiftOffer, giver: str, taker: str) -> dict[CellKey, CellValue]:
    """The cells taking `offer` changes: the giver's shift to the taker; for a swap, the taker's shift on
    `swap_date` to the giver as well."""
    changes: dict[CellKey, CellValue] = {(giver, offer.date): None}
    if offer.swap_date is not None and offer.swap_shift is not None:
        changes[(taker, offer.swap_date)] = None
        changes[(giver, offer.swap_date)] = (offer.swap_shift, offer.swap_route)
    changes[(taker, offer.date)] = (offer.shift, offer.route)
    return changes


def _blocker(
    problem: Problem, assignments: Sequence[Assignment], changes: dict[CellKey, CellValue]
) -> tuple[str, dict[str, object]] | None:
    """Why the change cannot be made on these assignments, before any rule: a receiver already works
    that day (their own shift would be lost), or a giver no longer has the shift."""
    cells = cells_of(assignments)
    names = {p.id: p.name or p.id for p in problem.staff}
    for (staff, day), value in changes.items():
        if value is None:
            continue
        has = cells.get((staff, day))
        if has is not None and has != value and not _swapped_out(changes, staff, day, cells):
            return N_("{name} already has a shift on {date}"), {"name": names.get(staff, staff), "date": day}
    return None


def _swapped_out(changes: dict[CellKey, CellValue], staff: str, day: dt.date, cells: dict[Any, Any]) -> bool:
    """Whether the person's own shift that day leaves them in the same change (a swap on one day)."""
    return any(k[1] == day and k[0] != staff and v == cells.get((staff, day)) for k, v in changes.items())


def _still_offered(rota: Rota, offer: ShiftOffer, giver: str, taker: str) -> bool:
    """The rota still has the offered shift with the giver (and the swapped one with the taker)."""
    if _cell(rota, giver, offer.date) != (offer.shift, offer.route):
        return False
    if offer.swap_date is not None:
        return _cell(rota, taker, offer.swap_date) == (offer.swap_shift, offer.swap_route)
    return True


def evaluate(
    session: Session,
    rota: Rota,
    offer: ShiftOffer,
    giver: Staff,
    taker: Staff,
    *,
    base: Problem | None = None,
) -> tuple[Problem, list[Assignment], list[Assignment], dict[CellKey, CellValue]]:
    """The problem and the assignments before and after `taker` takes `offer` in `rota`; raises
    `Conflict` (the shift moved meanwhile, the taker works that day) or `RuleRefusal` (a hard rule)."""
    changes = offer_changes(offer, giver.code, taker.code)
    if not _still_offered(rota, offer, giver.code, taker.code):
        raise Conflict(N_("the offered shift is no longer as offered in the published rota"))
    problem = with_locks_moved(base if base is not None else live_problem(session, rota), changes)
    before = mapping.rota_assignments(rota)
    blocked = _blocker(problem, before, changes)
    if blocked is not None:
        raise Conflict(blocked[0], **blocked[1])
    after = apply_cells(before, changes)
    broken = first_violation(problem, after)
    if broken is not None:
        raise refusal(problem, broken)
    return problem, before, after, changes


def _who_could_take(session: Session, rota: Rota, offer: ShiftOffer, giver: Staff) -> list[int]:
    """The colleagues who could take `offer` now without breaking a hard rule (to tell them of it)."""
    base = live_problem(session, rota)
    out = []
    for person in session.exec(select(Staff).where(Staff.team_id == giver.team_id, Staff.id != giver.id)):
        try:
            evaluate(session, rota, offer, giver, person, base=base)
        except Conflict:
            continue
        if person.id is not None:
            out.append(person.id)
    return out


def _minutes(problem: Problem, assignments: Sequence[Assignment], code: str) -> int:
    return next(f.minutes for f in check.fulfilment(problem, assignments) if f.staff == code)


def _same_cover(problem: Problem, before: Sequence[Assignment], after: Sequence[Assignment]) -> bool:
    """Cover and skill mix unchanged: every cover slot (shift, skill) and route slot has as many people."""

    def counts(rows: Sequence[Assignment]) -> list[tuple[Any, ...]]:
        return [(c.date, c.shift, c.skill, c.route, c.assigned) for c in check.coverage(problem, rows)]

    return counts(before) == counts(after)


# ---- reading offers ---------------------------------------------------------------------------------


def _as_now(session: Session, offers: Sequence[ShiftOffer]) -> Sequence[ShiftOffer]:
    """Offers as they are now: an active one whose shift has started is shown `expired` (read paths do
    not write; the next change to it stores the state)."""
    now = utcnow()
    for offer in offers:
        if offer.state in ACTIVE and _aware(offer.starts_at) <= now:
            session.expunge(offer)
            offer.state = "expired"
    return offers


def expire_offers(session: Session) -> int:
    """Offers whose shift has started can no longer be taken: `open` and `taken` ones become `expired`
    (one UPDATE; the caller commits)."""
    result = session.execute(
        update(ShiftOffer)
        .where(col(ShiftOffer.state).in_(ACTIVE), col(ShiftOffer.starts_at) <= utcnow())
        .values(state="expired", reason="the shift started")
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def available_offers(staff_id: int, *, session: Session, actor: Actor) -> list[dict[str, Any]]:
    """The open offers `staff_id` could take now: of their team, to everyone or to them, not their own,
    not started, and taking it breaks no hard rule of anyone (the checker). Each with the giver's name,
    and what it does to the taker's hours in the period (`minutes_before`, `minutes_after`)."""
    person = get(session, Staff, staff_id, "staff", visible_to=actor)
    require_self_or_planner(actor, person.team_id, staff_id)
    offers = session.exec(
        select(ShiftOffer)
        .join(Period, col(Period.id) == col(ShiftOffer.period_id))
        .where(
            Period.team_id == person.team_id,
            ShiftOffer.state == "open",
            col(ShiftOffer.starts_at) > utcnow(),
            ShiftOffer.staff_id != staff_id,
            or_(col(ShiftOffer.to_staff_id).is_(None), col(ShiftOffer.to_staff_id) == staff_id),
        )
        .order_by(col(ShiftOffer.date), col(ShiftOffer.id))
    ).all()
    people = {s.id: s for s in session.exec(select(Staff).where(Staff.team_id == person.team_id))}
    rotas: dict[int, tuple[Rota, Problem] | None] = {}
    out = []
    for offer in offers:
        if offer.period_id not in rotas:
            rota = current_rota(session, offer.period_id)
            rotas[offer.period_id] = None if rota is None else (rota, live_problem(session, rota))
        found, giver = rotas[offer.period_id], people.get(offer.staff_id)
        if found is None or giver is None:
            continue
        try:
            problem, before, after, _ = evaluate(session, found[0], offer, giver, person, base=found[1])
        except Conflict:
            continue  # includes RuleRefusal: a hard rule would break
        out.append(
            {
                "offer": offer,
                "from_name": giver.name or giver.code,
                "minutes_before": _minutes(problem, before, person.code),
                "minutes_after": _minutes(problem, after, person.code),
            }
        )
    return out


def own_offers(staff_id: int, *, session: Session, actor: Actor) -> Sequence[ShiftOffer]:
    """The offers a person made, was named in, or took: every state, newest first."""
    person = get(session, Staff, staff_id, "staff", visible_to=actor)
    require_self_or_planner(actor, person.team_id, staff_id)
    mine = session.exec(
        select(ShiftOffer)
        .where(
            or_(
                ShiftOffer.staff_id == staff_id,
                ShiftOffer.taken_by == staff_id,
                ShiftOffer.to_staff_id == staff_id,
            )
        )
        .order_by(col(ShiftOffer.id).desc())
    ).all()
    return _as_now(session, mine)


def team_offers(
    team_id: int, *, state: str | None = None, session: Session, actor: Actor
) -> Sequence[ShiftOffer]:
    """The team's offers (the planner's view; `state="taken"`: the approvals waiting), oldest first."""
    require_planner(actor, team_id)
    query = (
        select(ShiftOffer)
        .join(Period, col(Period.id) == col(ShiftOffer.period_id))
        .where(Period.team_id == team_id)
    )
    if state is not None:
        query = query.where(ShiftOffer.state == state)
    offers = _as_now(session, session.exec(query.order_by(col(ShiftOffer.id))).all())
    return [o for o in offers if state is None or o.state == state]


def get_offer(offer_id: int, *, session: Session, actor: Actor) -> ShiftOffer:
    """An offer as `actor` may see it: the planner every offer of the team; staff their own, one named
    to them or taken by them, and one offered to everyone."""
    offer = get(session, ShiftOffer, offer_id, "offer", visible_to=actor)
    period = get(session, Period, offer.period_id, "period")
    if actor.can_plan(period.team_id):
        return offer
    me = actor.staff_id
    if me in (offer.staff_id, offer.to_staff_id, offer.taken_by):
        return offer
    if offer.to_staff_id is None:  # offered to the whole team: a late taker learns what became of it
        return offer
    raise NotFound("offer", offer_id)


# ---- moving an offer ---------------------------------------------------------------------------------


def _move(session: Session, offer_id: int, state: str, from_states: Sequence[str], **values: Any) -> bool:
    """Move an offer to `state` only from one of `from_states` (one conditional UPDATE)."""
    result = session.execute(
        update(ShiftOffer)
        .where(col(ShiftOffer.id) == offer_id, col(ShiftOffer.state).in_(from_states))
        .values(state=state, **values)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def _refused_move(session: Session, offer: ShiftOffer) -> Conflict:
    """The true reason an offer could not move: the state someone else moved it to."""
    session.rollback()
    session.refresh(offer)
    return _ended(offer)


def _expired(session: Session, offer: ShiftOffer) -> bool:
    """Whether the offer's shift has started (the offer is then marked `expired` and committed)."""
    if _aware(offer.starts_at) > utcnow():
        return False
    if offer.state in ACTIVE and offer.id is not None:
        _move(session, offer.id, "expired", ACTIVE, reason="the shift started")
        session.commit()
    return True


def take_offer(offer_id: int, *, session: Session, actor: Actor) -> ShiftOffer:
    """The signed-in staff member takes an offer. Refused: their own offer or one named to someone else
    (404), a started shift, an offer taken or withdrawn meanwhile (409, saying which), a broken hard rule
    (409, `RuleRefusal`). Of colleagues taking it at once, one wins: the offer moves from `open` to
    `taken` in one conditional UPDATE. With the team's automatic approval, and cover and skill mix
    unchanged, it is approved at once (a new published version)."""
    offer = get_offer(offer_id, session=session, actor=actor)
    period = get(session, Period, offer.period_id, "period")
    if actor.staff_id is None:
        raise Forbidden(N_("only a staff member can take a shift"))
    if actor.staff_id == offer.staff_id or offer.to_staff_id not in (None, actor.staff_id):
        raise NotFound("offer", offer_id)
    taker = _person(session, actor.staff_id, period.team_id)
    giver = _person(session, offer.staff_id, period.team_id)
    if _expired(session, offer):
        raise Conflict(ENDED["expired"])
    if offer.state != "open":
        raise _ended(offer)
    rota = current_rota(session, offer.period_id)
    if rota is None:
        raise Conflict(N_("period {period} has no published rota"), period=offer.period_id)
    problem, before, after, _ = evaluate(session, rota, offer, giver, taker)
    assert offer.id is not None
    if not _move(session, offer.id, "taken", ("open",), taken_by=taker.id, taken_at=utcnow()):
        raise _refused_move(session, offer)
    audit(
        session, actor, period.team_id, "take offer", f"offer {offer.id}", date=offer.date, shift=offer.shift
    )
    rules = mapping.team_rules(session, period.team_id)
    session.refresh(offer)
    if rules.auto_approve_swaps and _same_cover(problem, before, after):
        _approve(session, period, offer, giver, taker, actor=actor, decided_by=AUTOMATIC)
    else:
        change_notices.taken(session, offer, period)
    _commit(session)
    session.refresh(offer)
    return offer


def approve_offer(offer_id: int, *, session: Session, actor: Actor) -> ShiftOffer:
    """The planner approves a taken offer: the rules are checked again on the current published version
    (it may have changed since), and the change becomes a new published version."""
    offer = get(session, ShiftOffer, offer_id, "offer", visible_to=actor)
    period = get(session, Period, offer.period_id, "period")
    require_planner(actor, period.team_id)
    if _expired(session, offer):
        raise Conflict(ENDED["expired"])
    if offer.state != "taken" or offer.taken_by is None:
        raise _ended(offer)
    giver = _person(session, offer.staff_id, period.team_id)
    taker = _person(session, offer.taken_by, period.team_id)
    _approve(session, period, offer, giver, taker, actor=actor, decided_by=actor.username)
    _commit(session)
    session.refresh(offer)
    return offer


def _approve(
    session: Session,
    period: Period,
    offer: ShiftOffer,
    giver: Staff,
    taker: Staff,
    *,
    actor: Actor,
    decided_by: str,
) -> Rota:
    rota = current_rota(session, offer.period_id)
    if rota is None:
        raise Conflict(N_("period {period} has no published rota"), period=offer.period_id)
    problem, _, _, changes = evaluate(session, rota, offer, giver, taker)
    kind = "swap" if offer.kind == "swap" else "handover"
    new = make_version(
        session,
        period,
        rota,
        changes,
        kind=kind,
        actor=actor,
        reason=offer.note,
        approved_by=decided_by,
        offer_id=offer.id,
        problem=problem,
        who=_username(session, taker),
        told=(giver.code, taker.code),
    )
    assert offer.id is not None
    if not _move(
        session, offer.id, "approved", ("taken",), decided_by=decided_by, decided_at=utcnow(), rota_id=new.id
    ):
        raise _refused_move(session, offer)
    audit(session, actor, period.team_id, "approve offer", f"offer {offer.id}", rota=new.id, by=decided_by)
    session.refresh(offer)
    change_notices.answered(session, offer, period, change_notices.OFFER_APPROVED)
    return new


def _username(session: Session, person: Staff) -> str:
    """Who asked for an offer's change: the taker's account name (their code without one)."""
    name = session.exec(select(User.username).where(User.staff_id == person.id)).first()
    return name if name is not None else person.code


def refuse_offer(offer_id: int, reason: str = "", *, session: Session, actor: Actor) -> ShiftOffer:
    """The planner refuses a taken offer; the rota stays as it is."""
    offer = get(session, ShiftOffer, offer_id, "offer", visible_to=actor)
    period = get(session, Period, offer.period_id, "period")
    require_planner(actor, period.team_id)
    assert offer.id is not None
    if not _move(
        session,
        offer.id,
        "refused",
        ("taken",),
        decided_by=actor.username,
        decided_at=utcnow(),
        reason=reason,
    ):
        raise _refused_move(session, offer)
    audit(session, actor, period.team_id, "refuse offer", f"offer {offer.id}", reason=reason)
    session.refresh(offer)
    change_notices.answered(session, offer, period, change_notices.OFFER_REFUSED, reason)
    _commit(session)
    session.refresh(offer)
    return offer


def withdraw_offer(offer_id: int, *, session: Session, actor: Actor) -> ShiftOffer:
    """The giver (or the planner) withdraws an offer that is open or waits for approval."""
    offer = get_offer(offer_id, session=session, actor=actor)
    period = get(session, Period, offer.period_id, "period")
    require_self_or_planner(actor, period.team_id, offer.staff_id)
    assert offer.id is not None
    if not _move(session, offer.id, "withdrawn", ACTIVE, decided_by=actor.username, decided_at=utcnow()):
        raise _refused_move(session, offer)
    audit(session, actor, period.team_id, "withdraw offer", f"offer {offer.id}")
    _commit(session)
    session.refresh(offer)
    return offer


def decline_offer(offer_id: int, *, session: Session, actor: Actor) -> ShiftOffer:
    """The colleague an offer names declines it."""
    offer = get_offer(offer_id, session=session, actor=actor)
    period = get(session, Period, offer.period_id, "period")
    if offer.to_staff_id is None or actor.staff_id != offer.to_staff_id:
        raise Forbidden(N_("only the colleague an offer names can decline it"))
    assert offer.id is not None
    if not _move(session, offer.id, "declined", ("open",), decided_by=actor.username, decided_at=utcnow()):
        raise _refused_move(session, offer)
    audit(session, actor, period.team_id, "decline offer", f"offer {offer.id}")
    session.refresh(offer)
    change_notices.answered(session, offer, period, change_notices.OFFER_DECLINED)
    _commit(session)
    session.refresh(offer)
    return offer


def end_offers_of(session: Session, staff_id: int, first: dt.date, last: dt.date, reason: str) -> int:
    """Active offers of `staff_id`'s shifts from `first` to `last` end (`withdrawn`, with `reason`): the
    shifts left the rota (sickness). The caller commits."""
    result = session.execute(
        update(ShiftOffer)
        .where(
            col(ShiftOffer.state).in_(ACTIVE),
            or_(col(ShiftOffer.staff_id) == staff_id, col(ShiftOffer.to_staff_id) == staff_id),
            col(ShiftOffer.date) >= first,
            col(ShiftOffer.date) <= last,
        )
        .values(state="withdrawn", reason=reason, decided_at=utcnow())
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
