"""How the planner's messages name a person: as the team shows them, by name, and "name (staff code)"
where another person of the team has the same name, so two "Grethe Olsen" can be told apart.

The rule is the solver's (`solver.problem.Staff.label`, where the code is the person's id), applied to
people read from the database. No database writes here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from sqlmodel import Session, select

from planner.models import Staff


def person_labels(people: Iterable[Staff]) -> dict[int, str]:
    """Staff id → how to name the person among `people` (one team)."""
    team = list(people)
    names = Counter(p.name or p.code for p in team)
    return {
        p.id: f"{p.name or p.code} ({p.code})" if names[p.name or p.code] > 1 else p.name or p.code
        for p in team
        if p.id is not None
    }


def person_label(session: Session, staff_id: int) -> str:
    """How a message names the person `staff_id` (the team's people read to see whether names repeat);
    "staff <id>" for an id that does not exist."""
    person = session.get(Staff, staff_id)
    if person is None:
        return f"staff {staff_id}"
    team = session.exec(select(Staff).where(Staff.team_id == person.team_id)).all()
    return person_labels(team)[staff_id]
