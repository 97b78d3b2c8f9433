"""A refused change (`planner.errors.RuleRefusal`: a rule's name as `code`, its values as `params`) in the
reader's language, for the staff calendar and the planner's cell editor.

One wording per rule, written from the values alone (never from the English message): dates as the
pages write them (`i18n.date_short`), hours and minutes as people say them, shifts and routes by their
names. The wordings name no person ("you" only where only the person can meet it: their own claim,
their veto days), so the planner reads the same sentence about the cell they edit. A code without a
wording here (a rule added to the checker later) is still said in words: "the change breaks the rule
on …" with the rule's name in Danish, or the rule's code where even the name is new.
`tests/web/test_refusals.py` checks every code and every rule name of `solver/check.py`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from api.web import i18n
from planner.errors import RuleRefusal
from planner.texts import N_

Translate = Callable[..., str]

# The checker's rule names (solver/check.py) and the codes of planner.person_rules, in words.
RULE_NAMES = {
    "one_shift_a_day": N_("one shift a day"),
    "skills": N_("skills"),
    "route": N_("routes"),
    "days_off": N_("days off"),
    "absence": N_("absences"),
    "day_off": N_("fixed days off"),
    "weekday_off": N_("fixed days off"),
    "veto": N_("veto days"),
    "veto_limit": N_("veto days"),
    "claimed": N_("veto days"),
    "lock": N_("locked cells"),
    "taken": N_("one person a route"),
    "route_locked": N_("one person a route"),
    "succession": N_("the order of shifts"),
    "daily_rest": N_("the daily rest"),
    "max_shifts": N_("the most shifts of a type"),
    "minutes": N_("working hours"),
    "max_consecutive_work": N_("the most working days in a row"),
    "min_consecutive_work": N_("the fewest working days in a row"),
    "min_consecutive_off": N_("the fewest days off in a row"),
    "weekends": N_("working weekends"),
    "weekend_off_every": N_("weekends off"),
    "weekly_rest": N_("the weekly rest"),
    "unknown_reference": N_("known shifts, routes and people"),
}


def duration(minutes: int, lang: str) -> str:
    """ "8 timer", "1 time", "10 timer og 30 minutter" / "8 hours", "10 hours 30 minutes"."""
    _ = i18n.translator(lang)
    hours, rest = divmod(abs(minutes), 60)
    if hours and rest:
        return _("{hours} hours {minutes} minutes", hours=hours, minutes=rest)
    if hours == 1:
        return _("1 hour")
    return _("{hours} hours", hours=hours) if hours else _("{minutes} minutes", minutes=rest)


def _skills(values: Any, _: Translate) -> str:
    skills = list(values or [])
    if len(skills) == 1:
        return _("the skill {skills}", skills=skills[0])
    return _("one of the skills {skills}", skills=", ".join(skills))


class _Values:
    """A refusal's params as the page writes them (dates, durations, names)."""

    def __init__(self, params: Mapping[str, Any], lang: str) -> None:
        self.p, self.lang = params, lang
        self._ = i18n.translator(lang)

    def date(self, key: str = "date") -> str:
        value = self.p[key]
        return i18n.date_short(
            value if isinstance(value, dt.date) else dt.date.fromisoformat(value), self.lang
        )

    def shift(self, prefix: str = "") -> str:
        return str(self.p.get(f"{prefix}shift_name") or self.p[f"{prefix}shift"])

    def route(self) -> str:
        return str(self.p.get("route_name") or self.p["route"])

    def what(self) -> str:
        """The shift, with its route when there is one: "Dagvagt (Uldum 1)"."""
        if self.p.get("route"):
            return self._("{shift} ({route})", shift=self.shift(), route=self.route())
        return self.shift()

    def duration(self, key: str) -> str:
        return duration(int(self.p[key]), self.lang)


def _absence(v: _Values, _: Translate) -> str:
    reason = v.p.get("reason") or ""
    if v.p.get("start") == v.p.get("end") or v.p.get("start") is None:
        date = v.date("start") if v.p.get("start") else v.date()
        if reason:
            return _("Absent {date} ({reason}): no shift that day.", date=date, reason=reason)
        return _("Absent {date}: no shift that day.", date=date)
    span = {"start": v.date("start"), "end": v.date("end")}
    if reason:
        return _("Absent {start} – {end} ({reason}): no shifts then.", reason=reason, **span)
    return _("Absent {start} – {end}: no shifts then.", **span)


def _lock(v: _Values, _: Translate) -> str:
    if not v.p.get("shift"):
        return _("The planner has locked {date} as a day off.", date=v.date())
    return _("The planner has locked {date} to {what}.", date=v.date(), what=v.what())


def _taken(v: _Values, _: Translate) -> str:
    if v.p.get("by") == "lock":
        return _("The planner has given {what} on {date} to someone else.", what=v.what(), date=v.date())
    return _("Someone else has just taken that slot.")


def _daily_rest(v: _Values, _: Translate) -> str:
    pair = {
        "shift": v.shift(),
        "date": v.date(),
        "next_shift": v.shift("next_"),
        "next_date": v.date("next_date"),
        "need": v.duration("need"),
    }
    if int(v.p["rest"]) <= 0:
        return _(
            "No rest between {shift} {date} and {next_shift} {next_date}: at least {need} is required.",
            **pair,
        )
    return _(
        "Only {rest} rest between {shift} {date} and {next_shift} {next_date}: at least {need} is required.",
        rest=v.duration("rest"),
        **pair,
    )


def _weekends(v: _Values, _: Translate) -> str:
    if int(v.p["count"]) == 1:
        return _("1 working weekend: at most {limit}.", limit=v.p["limit"])
    return _("{count} working weekends: at most {limit}.", count=v.p["count"], limit=v.p["limit"])


def _route(v: _Values, _: Translate) -> str:
    why = v.p.get("why")
    if why == "weekday":
        return _("Route {route} does not run that day ({date}).", route=v.route(), date=v.date())
    if why == "shift":
        return _("Route {route} does not run in {shift}.", route=v.route(), shift=v.shift())
    return _("Route {route} needs {skills}.", route=v.route(), skills=_skills(v.p.get("skills"), _))


_WORDINGS: dict[str, Callable[[_Values, Translate], str]] = {
    "absence": _absence,
    "day_off": lambda v, _: _("{date} is a fixed day off: no shift that day.", date=v.date()),
    "weekday_off": lambda v, _: _(
        "Every {weekday} is a fixed day off: no shift that day.",
        weekday=i18n.weekday_names(v.lang)[int(v.p["weekday"])],
    ),
    "veto": lambda v, _: _("{date} is a veto day: no shift that day.", date=v.date()),
    "claimed": lambda v, _: _(
        "You have taken {what} that day: release it before making the day a veto day.", what=v.what()
    ),
    "veto_limit": lambda v, _: _(
        "You have used all {limit} veto days. Remove another veto day first.", limit=v.p["limit"]
    ),
    "lock": _lock,
    "one_shift_a_day": lambda v, _: _(
        "You already have a shift that day ({what}). Release it first.", what=v.what()
    ),
    "taken": _taken,
    "route_locked": lambda v, _: _(
        "{what} on {date} is locked to {name}.", what=v.what(), date=v.date(), name=v.p["name"]
    ),
    "daily_rest": _daily_rest,
    "succession": lambda v, _: _(
        "{next_shift} may not follow {shift} ({date} → {next_date}).",
        next_shift=v.shift("next_"),
        shift=v.shift(),
        date=v.date(),
        next_date=v.date("next_date"),
    ),
    "weekly_rest": lambda v, _: _(
        "No rest day of {need} in the 7 days from {date}: one is required in every 7 days.",
        need=v.duration("need"),
        date=v.date(),
    ),
    "max_consecutive_work": lambda v, _: _(
        "{days} working days in a row ({start} – {end}): at most {limit}.",
        days=v.p["days"],
        start=v.date("start"),
        end=v.date("end"),
        limit=v.p["limit"],
    ),
    "max_shifts": lambda v, _: _(
        "{count} × {shift} in the period: at most {limit}.",
        count=v.p["count"],
        shift=v.shift(),
        limit=v.p["limit"],
    ),
    "minutes": lambda v, _: _(
        "{hours} of work in the period: at most {limit}.",
        hours=v.duration("minutes"),
        limit=v.duration("limit"),
    ),
    "weekends": _weekends,
    "weekend_off_every": lambda v, _: _(
        "Working weekends in a row from {date}: one weekend off in every {every} is required.",
        date=v.date(),
        every=v.p["every"],
    ),
    "skills": lambda v, _: _(
        "{shift} needs {skills}.", shift=v.shift(), skills=_skills(v.p.get("skills"), _)
    ),
    "route": _route,
}

CODES = frozenset(_WORDINGS)


def rule_name(code: str, lang: str) -> str | None:
    """The rule's name in words ("den daglige hvile"); None for a rule not known here."""
    name = RULE_NAMES.get(code)
    return i18n.translator(lang)(name) if name else None


def refusal_text(exc: RuleRefusal, lang: str) -> str:
    """The refusal in `lang`: the rule's own wording with its values, or, for a code without one (or
    values it lacks), that the change breaks the rule, by name."""
    _ = i18n.translator(lang)
    wording = _WORDINGS.get(exc.code)
    if wording is not None:
        try:
            return wording(_Values(exc.params, lang), _)
        except (KeyError, TypeError, ValueError):
            pass  # values missing or malformed: say which rule instead
    name = rule_name(exc.code, lang)
    if name is None:
        return _("The change breaks a rule of the plan ({rule}).", rule=exc.code)
    return _("The change breaks the rule on {rule}.", rule=name)
