"""What people are told of life after publication (issue 13): an offer for them, an offer waiting for the
planner's approval, its approval, refusal or decline, their shifts changed by a new version, a sickness
reported, and a hole on a shift they could take.

The kinds are registered here with `planner.notifications.register` (their texts are catalogue texts,
worded in Danish in `pusleplan.po`); the functions below find whom to tell and call
`notifications.notify` in the caller's transaction. Each event has a key of its own (`offer:12:taken`,
`rota-change:7`), so an event is never told twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import false
from sqlmodel import Session, col, select

from planner.models import Period, RotaChange, ShiftOffer, ShiftType, Staff, User
from planner.notifications import Kind, notify, period_params, register, team_user_ids
from planner.texts import N_

EXCHANGE_PAGE = "/web/me/exchange"

SHIFT_OFFER = register(
    Kind(
        "shift_offer",
        N_("A colleague offers a shift you can take"),
        N_("{name} offers {shift} on {shift_date}"),
        N_(
            "{name} offers {shift} on {shift_date}, and you can take it without breaking a working-time "
            "rule. See it under Shift swaps in pusleplan."
        ),
        link=EXCHANGE_PAGE,
    )
)
OFFER_TO_APPROVE = register(
    Kind(
        "offer_to_approve",
        N_("A shift swap waits for approval"),
        N_("{taker} has taken {shift} on {shift_date} from {name}"),
        N_("{taker} has taken {name}'s {shift} on {shift_date}. Approve or refuse it in pusleplan."),
        link="/web/periods/{period_id}/changes",
    )
)
OFFER_APPROVED = register(
    Kind(
        "offer_approved",
        N_("A shift swap of yours is approved"),
        N_("Approved: {shift} on {shift_date} goes from {name} to {taker}"),
        N_("{shift} on {shift_date} goes from {name} to {taker}. The rota is changed."),
        link="/web/me/changes",
    )
)
OFFER_REFUSED = register(
    Kind(
        "offer_refused",
        N_("A shift swap of yours is refused"),
        N_("Refused: {shift} on {shift_date} stays with {name}"),
        N_("The planner refused that {taker} takes {shift} on {shift_date} from {name}. {reason}"),
        link=EXCHANGE_PAGE,
    )
)
OFFER_DECLINED = register(
    Kind(
        "offer_declined",
        N_("A colleague declined your offer"),
        N_("{taker} declined {shift} on {shift_date}"),
        N_("{taker} declined your offer of {shift} on {shift_date}. You can offer it to everyone instead."),
        link=EXCHANGE_PAGE,
    )
)
SHIFTS_CHANGED = register(
    Kind(
        "shifts_changed",
        N_("My shifts are changed"),
        N_("Your shifts in {period} are changed"),
        N_("Your shifts in {period} are changed from {first_date}. See what changed in pusleplan."),
        link="/web/me/changes",
    )
)
SICKNESS_REPORTED = register(
    Kind(
        "sickness_reported",
        N_("Someone reports sick"),
        N_("{name} is sick from {first_date}"),
        N_(
            "{name} is sick from {first_date} to {last_date}. Their shifts are taken off the rota: "
            "re-plan from a date to fill them."
        ),
        link="/web/periods/{period_id}/changes",
    )
)
OPEN_SHIFT = register(
    Kind(
        "open_shift",
        N_("A shift you could take is open"),
        N_("{shift} on {shift_date} is open"),
        N_(
            "{shift} on {shift_date} is open (a colleague is sick), and you could take it without breaking "
            "a working-time rule. Tell your planner if you can."
        ),
        link="/web/me/periods/{period_id}/rota",
    )
)


def users_of(session: Session, staff_ids: Iterable[int | None]) -> list[int]:
    """The enabled accounts of these people."""
    ids = [i for i in staff_ids if i is not None]
    if not ids:
        return []
    rows = session.exec(
        select(User.id).where(col(User.staff_id).in_(ids), col(User.disabled) == false())
    ).all()
    return [i for i in rows if i is not None]


def _shift_name(session: Session, team_id: int, code: str | None) -> str:
    if code is None:
        return ""
    row = session.exec(select(ShiftType).where(ShiftType.team_id == team_id, ShiftType.code == code)).first()
    return (row.name or row.code) if row is not None else code


def _name(session: Session, staff_id: int | None) -> str:
    person = session.get(Staff, staff_id) if staff_id is not None else None
    return (person.name or person.code) if person is not None else ""


def offer_params(session: Session, offer: ShiftOffer, period: Period) -> dict[str, Any]:
    return {
        **period_params(period),
        "shift": _shift_name(session, period.team_id, offer.shift),
        "shift_date": offer.date.isoformat(),
        "name": _name(session, offer.staff_id),
        "taker": _name(session, offer.taken_by or offer.to_staff_id),
    }


def offered(session: Session, offer: ShiftOffer, period: Period, staff_ids: Iterable[int]) -> None:
    """An offer for these colleagues (the one it names, or those who could take it)."""
    notify(
        session,
        user_ids=users_of(session, staff_ids),
        kind=SHIFT_OFFER.name,
        params=offer_params(session, offer, period),
        key=f"offer:{offer.id}:open",
    )


def taken(session: Session, offer: ShiftOffer, period: Period) -> None:
    """A taken offer waits for the planners."""
    notify(
        session,
        user_ids=team_user_ids(session, period.team_id, staff=False, planners=True),
        kind=OFFER_TO_APPROVE.name,
        params=offer_params(session, offer, period),
        key=f"offer:{offer.id}:taken",
    )


def answered(session: Session, offer: ShiftOffer, period: Period, kind: Kind, reason: str = "") -> None:
    """An offer approved or refused (giver and taker are told) or declined (the giver)."""
    people = [offer.staff_id] if kind is OFFER_DECLINED else [offer.staff_id, offer.taken_by]
    notify(
        session,
        user_ids=users_of(session, people),
        kind=kind.name,
        params={**offer_params(session, offer, period), "reason": reason},
        key=f"offer:{offer.id}:{kind.name}",
    )


def shifts_changed(session: Session, period: Period, change: RotaChange, *, told: Iterable[str] = ()) -> None:
    """Everyone with a changed cell in `change`, but those told otherwise (`told`: their codes); each is
    told from the first of *their own* changed days ("changed from 6 March"), not the change's first."""
    skip = set(told)
    first: dict[str, dt.date] = {}
    for cell in change.cells:
        if cell["staff"] not in skip:
            day = dt.date.fromisoformat(cell["date"])
            first[cell["staff"]] = min(day, first.get(cell["staff"], day))
    if not first:
        return
    ids = dict(
        session.exec(
            select(Staff.code, Staff.id).where(Staff.team_id == period.team_id, col(Staff.code).in_(first))
        ).all()
    )
    for code in sorted(first):
        notify(
            session,
            user_ids=users_of(session, [ids.get(code)]),
            kind=SHIFTS_CHANGED.name,
            params={**period_params(period), "first_date": first[code].isoformat()},
            key=f"rota-change:{change.id}",
        )


def sickness(session: Session, person: Staff, first: dt.date, last: dt.date, period: Period) -> None:
    """The planners hear of a sickness (keyed by the person and the span)."""
    notify(
        session,
        user_ids=team_user_ids(session, person.team_id, staff=False, planners=True),
        kind=SICKNESS_REPORTED.name,
        params={
            **period_params(period),
            "name": person.name or person.code,
            "first_date": first.isoformat(),
            "last_date": last.isoformat(),
        },
        key=f"sick:{person.id}:{first.isoformat()}:{last.isoformat()}",
    )


def hole(
    session: Session, period: Period, rota_id: int, day: dt.date, shift: str, staff_ids: Iterable[int]
) -> None:
    """A hole in the rota that these colleagues could fill without breaking a rule."""
    notify(
        session,
        user_ids=users_of(session, staff_ids),
        kind=OPEN_SHIFT.name,
        params={
            **period_params(period),
            "shift": _shift_name(session, period.team_id, shift),
            "shift_date": day.isoformat(),
        },
        key=f"hole:{rota_id}:{day.isoformat()}:{shift}",
    )
