"""One person's data on request (GDPR articles 15 and 17; issue 17): everything stored about them as one
document, and erasure.

**Export** (`personal_data`): the person's record, their account (no password hash; with its e-mail
address and choices) and its notifications, wishes, self-picks, standing wishes, the planner's locks of
their cells, the shift offers they made, were named in or took, the recorded changes of published rotas
that touched their cells, their rows of every rota (assignments, fulfilment, penalties), and the audit
entries they made or that name them. For the person themself and the planner.

**Erase** (`erase_person`, the planner only): what is theirs alone goes — the record (with contract,
absences and their reasons, days off, favourites), the account and its sign-ins (its notifications,
e-mails and password links with it), wishes, self-picks, standing wishes, locks, shift offers. What the
team must keep (the rotas that were worked, the audit trail) stays, with the person replaced by a
pseudonym (`erased-<n>`): their code and name are removed from every stored rota, recorded rota change
(whose reason goes: a sickness's may be health data) and solve result, and the audit entries lose the
details that named them. The erasure itself is audited under the pseudonym.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import delete, or_
from sqlmodel import Session, SQLModel, col, select

from planner import services
from planner.auth import Actor, end_sign_ins, require_planner, require_self_or_planner
from planner.errors import Conflict
from planner.models import (
    AuditEntry,
    Lock,
    Notification,
    Period,
    Rota,
    RotaChange,
    SelfPick,
    ShiftOffer,
    SolveJob,
    Staff,
    StaffPublic,
    StandingWish,
    User,
    Wish,
)
from planner.texts import N_


def _rows(session: Session, model: type[SQLModel], staff_id: int) -> list[Any]:
    return list(session.exec(select(model).where(model.staff_id == staff_id)).all())  # type: ignore[attr-defined]


def _periods(session: Session, team_id: int) -> list[int]:
    return [p for p in session.exec(select(Period.id).where(Period.team_id == team_id)).all() if p]


def personal_data(staff_id: int, *, session: Session, actor: Actor) -> dict[str, Any]:
    """Everything stored about one person, as JSON-ready data."""
    person = services.get(session, Staff, staff_id, "staff", visible_to=actor)
    require_self_or_planner(actor, person.team_id, staff_id)
    account = session.exec(select(User).where(User.staff_id == staff_id)).first()
    rotas = session.exec(
        select(Rota).where(col(Rota.period_id).in_(_periods(session, person.team_id))).order_by(col(Rota.id))
    ).all()
    if not actor.can_plan(person.team_id):
        rotas = [r for r in rotas if r.state != "draft"]  # drafts are the planner's work
    mine = person.code

    def own(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [item for item in items if item.get("staff") == mine]

    named = [col(AuditEntry.target) == f"staff {staff_id}"]
    if account is not None:
        named.append(col(AuditEntry.who) == account.username)
    audit = session.exec(
        select(AuditEntry)
        .where(AuditEntry.team_id == person.team_id, or_(*named))
        .order_by(col(AuditEntry.id))
    ).all()
    return {
        "person": StaffPublic.model_validate(person, from_attributes=True).model_dump(mode="json"),
        "account": None
        if account is None
        else {
            "username": account.username,
            "role": account.role,
            "created_at": account.created_at.isoformat(),
            "disabled": account.disabled,
            "email": account.email,
            "language": account.language,
            "email_kinds": account.email_kinds,
        },
        "notifications": []
        if account is None
        else [
            _plain(n)
            for n in session.exec(
                select(Notification).where(Notification.user_id == account.id).order_by(col(Notification.id))
            ).all()
        ],
        "wishes": [_plain(w) for w in _rows(session, Wish, staff_id)],
        "self_picks": [_plain(p) for p in _rows(session, SelfPick, staff_id)],
        "standing_wishes": [_plain(s) for s in _rows(session, StandingWish, staff_id)],
        "locks": [_plain(lock) for lock in _rows(session, Lock, staff_id)],
        "shift_offers": [_plain(o) for o in _offers(session, staff_id)],
        "rota_changes": [
            {**_plain(c), "cells": own(c.cells)}
            for c in session.exec(
                select(RotaChange)
                .where(col(RotaChange.period_id).in_(_periods(session, person.team_id)))
                .order_by(col(RotaChange.id))
            ).all()
            if own(c.cells)
        ],
        "rotas": [
            {
                "rota_id": r.id,
                "period_id": r.period_id,
                "state": r.state,
                "assignments": own(r.assignments),
                "fulfilment": own(r.fulfilment),
                "penalties": own(r.penalties),
            }
            for r in rotas
        ],
        "audit": [_plain(e) for e in audit],
    }


def _offers(session: Session, staff_id: int) -> list[ShiftOffer]:
    """Shift offers the person made, was named in, or took."""
    return list(
        session.exec(
            select(ShiftOffer)
            .where(
                or_(
                    col(ShiftOffer.staff_id) == staff_id,
                    col(ShiftOffer.to_staff_id) == staff_id,
                    col(ShiftOffer.taken_by) == staff_id,
                )
            )
            .order_by(col(ShiftOffer.id))
        ).all()
    )


def _plain(row: SQLModel) -> dict[str, Any]:
    return row.model_dump(mode="json")


def erase_person(staff_id: int, *, session: Session, actor: Actor) -> dict[str, Any]:
    """Erase one person (see the module's docstring); returns what was removed, by kind."""
    person = services.get(session, Staff, staff_id, "staff", visible_to=actor)
    team_id = person.team_id
    require_planner(actor, team_id)
    # A solve still running would store a rota with the person in it after the erasure.
    active = session.exec(
        select(SolveJob.id)
        .join(Period, col(Period.id) == SolveJob.period_id)
        .where(Period.team_id == team_id, col(SolveJob.state).in_(services.ACTIVE_JOB_STATES))
    ).first()
    if active is not None:
        raise Conflict(
            N_(
                "solve job {job} of the team is still queued or running: wait for it to end, or stop "
                "it, then erase"
            ),
            job=active,
        )
    pseudonym = f"erased-{staff_id}"
    code, name = person.code, person.name
    account = session.exec(select(User).where(User.staff_id == staff_id)).first()
    counts: dict[str, Any] = {}
    if account is not None:
        assert account.id is not None
        counts["sign_ins"] = end_sign_ins(session, account.id)
        username = account.username
        session.delete(account)
        session.flush()
    else:
        username = None
    for key, model in (
        ("wishes", Wish),
        ("self_picks", SelfPick),
        ("standing_wishes", StandingWish),
        ("locks", Lock),
    ):
        result = session.execute(delete(model).where(col(model.staff_id) == staff_id))
        counts[key] = int(getattr(result, "rowcount", 0) or 0)
    offers = _offers(session, staff_id)
    for offer in offers:
        session.delete(offer)
    counts["shift_offers"] = len(offers)
    session.flush()

    scrub = _Scrubber(words=(code, name, username or ""), pseudonym=pseudonym)
    periods = _periods(session, team_id)
    touched_rotas: set[int | None] = set()
    for rota in session.exec(select(Rota).where(col(Rota.period_id).in_(periods))).all():
        for field in ("problem", "assignments", "penalties", "fulfilment", "coverage", "conflicts"):
            value = getattr(rota, field)
            cleaned = scrub(value)
            if cleaned != value:
                setattr(rota, field, cleaned)
                touched_rotas.add(rota.id)
        session.add(rota)
    for change in session.exec(select(RotaChange).where(col(RotaChange.period_id).in_(periods))).all():
        cells = scrub(change.cells)
        named = username is not None and username in (change.who, change.approved_by)
        if cells != change.cells or named:
            change.cells = cells
            change.reason = ""  # a sickness's reason may be health data
            if username is not None and change.who == username:
                change.who = pseudonym
            if username is not None and change.approved_by == username:
                change.approved_by = pseudonym
            session.add(change)
    for job in session.exec(select(SolveJob).where(col(SolveJob.period_id).in_(periods))).all():
        job.conflicts = scrub(job.conflicts)
        session.add(job)
    entries = session.exec(select(AuditEntry).where(AuditEntry.team_id == team_id)).all()
    for entry in entries:
        touched = entry.target == f"staff {staff_id}" or scrub(entry.detail) != entry.detail
        entry.target = scrub(entry.target)
        if username is not None and entry.who == username:
            entry.who = pseudonym
            touched = True
        if touched:
            entry.detail = {"erased": "personal data erased on request"}
            session.add(entry)
    counts["rotas_pseudonymised"] = len(touched_rotas)
    session.delete(person)
    session.flush()
    services.audit(session, actor, team_id, "erase person", pseudonym, **counts)
    session.commit()
    return {"pseudonym": pseudonym, "removed": counts}


class _Scrubber:
    """Replaces a person in stored JSON: a field whose value is their code becomes the pseudonym, their
    entry in a problem's staff list loses everything personal, and texts naming them are reworded."""

    def __init__(self, *, words: tuple[str, ...], pseudonym: str) -> None:
        """`words`: the person's code first, then their name and user name."""
        self.code, self.pseudonym = words[0], pseudonym
        self._patterns = [
            re.compile(rf"(?<![\w.-]){re.escape(word)}(?![\w.-])") for word in words if word.strip()
        ]

    def __call__(self, value: Any) -> Any:
        return self._walk(value)

    def _walk(self, value: Any) -> Any:
        if isinstance(value, dict):
            if value.get("id") == self.code and "contract" in value:  # the person in a problem's staff list
                return {"id": self.pseudonym, "name": "", "skills": value.get("skills", [])}
            return {k: self._walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._walk(v) for v in value]
        if isinstance(value, str):
            if value == self.code:
                return self.pseudonym
            if value.startswith("staff ") or not value:  # "staff 3": an id, not a name
                return value
            for pattern in self._patterns:  # whole words only: "Ali" is not erased from "Natalie"
                value = pattern.sub(self.pseudonym, value)
            return value
        return value
