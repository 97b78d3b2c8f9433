"""The planner's team set-up pages under `/web/team`: staff, shift types, routes, cover rules, the
working-time rules, sign-in accounts and the individual agreements waiting for approval.

Every page needs `WebPlanner`. Forms are turned into the same pydantic models the JSON API takes
(`planner.models`), and the records are stored through `planner.services` exactly as `api/routes/teams.py`
does; a form with bad input comes back with the user's values and a message at each field (422), a clash
with stored data (a code already used, a person still referenced) with a message on the page (409).
Inputs are named after the model's field paths (`contract.weekly_hours`), so pydantic's error paths point
at them. No business rules here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from babel.numbers import format_decimal
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel
from starlette.datastructures import FormData

from api.deps import SessionDep
from api.web import i18n
from api.web.common import PREFIX, WebPlanner, field_errors, lang_of, redirect, render
from planner import auth, services
from planner.auth import Actor
from planner.errors import Conflict, InputError, NotFound
from planner.models import (
    CoverRuleCreate,
    RouteCreate,
    RulesUpdate,
    ShiftTypeCreate,
    StaffCreate,
    TeamCreate,
    UserCreate,
    UserPublic,
)
from planner.texts import N_
from solver import families
from solver.families import WeightSpec

router = APIRouter()

TEAM = f"{PREFIX}/team"
# Checkbox groups and multi-value inputs: read with `getlist`.
LIST_FIELDS = {
    "weekdays_off",
    "favourite_routes",
    "forbidden_next",
    "shifts",
    "weekdays",
    "forbidden_successions",
}
_SPLIT = re.compile(r"[,;\s]+")
_FLOAT_BOUND = re.compile(r"(?<=\d)\.0(?!\d)")


# pydantic messages of model-level checks (English, from `planner.models` / `solver.problem`) → form text.
_MODEL_MESSAGES = {
    "give date or weekday, not both": N_("Choose a weekday or a date, not both."),
    "exceeds max_minutes": N_("The least must not be more than the most."),
    "exceeds max_consecutive_work": N_("The least must not be more than the most."),
    "List should have at least 1 item": N_("Choose at least one."),  # pydantic's type `too_short`
    "is before start": N_("The last day must not be before the first."),
}


# ---- small helpers ----------------------------------------------------------------------------------


async def form_data(request: Request) -> FormData:
    """The posted form (already parsed by the CSRF check; Starlette keeps it)."""
    return await request.form()


PostedForm = Annotated[FormData, Depends(form_data)]


def _team(actor: Actor) -> int:
    if actor.team_id is None:
        raise NotFound("team", None)
    return actor.team_id


def _blank(value: Any) -> Any:
    """An empty field is "not set"."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _number(value: Any) -> Any:
    """A number as typed: blank → None, a Danish decimal comma is a point."""
    value = _blank(value)
    return value.replace(",", ".") if isinstance(value, str) else value


def _minutes_from_hours(value: Any) -> Any:
    """Hours typed in a form → whole minutes; what is not a number goes on to pydantic, which says so."""
    value = _number(value)
    if value is None:
        return None
    try:
        return round(float(value) * 60)
    except ValueError:
        return value


def _words(value: Any) -> list[str]:
    """A comma-separated list as typed ("sosu, medicin") → its items."""
    return [w for w in _SPLIT.split(str(value or "")) if w] if value else []


def _hours(minutes: float | None, lang: str) -> str:
    return "" if minutes is None else format_decimal(minutes / 60, "#,##0.##", locale=lang)


def _plain(value: float | None, lang: str) -> str:
    return "" if value is None else format_decimal(value, "#,##0.##", locale=lang)


def _field_number(value: float | None) -> str:
    """A number as an input's value: a point, no needless decimals (what `<input type=number>` takes)."""
    return "" if value is None else f"{round(value, 4):g}"


def _field_hours(minutes: float | None) -> str:
    return "" if minutes is None else _field_number(minutes / 60)


def _lookup(errors: dict[str, str]) -> Callable[[str], str | None]:
    """`err(name)`: the message for an input, also one about a part of it (`days_off.1`, `absences.0.end`)."""

    def err(name: str) -> str | None:
        if name in errors:
            return errors[name]
        return next((m for k, m in errors.items() if k.startswith(name + ".")), None)

    return err


def _scalars(form: FormData) -> dict[str, Any]:
    """Every posted field: the checkbox groups as lists, everything else as its text."""
    out: dict[str, Any] = {}
    for key in form:
        if key == "csrf":
            continue
        out[key] = list(form.getlist(key)) if key in LIST_FIELDS else form.get(key)
    for key in LIST_FIELDS:
        out.setdefault(key, [])
    return out


def _errors(exc: Exception, lang: str) -> dict[str, str]:
    """`field_errors`, with the model-level checks worded for people."""
    _ = i18n.translator(lang)
    errors = field_errors(exc, lang)
    for key, message in list(errors.items()):
        # A float bound (`ge=0` on a float field) reads "0.0"; a person writes 0.
        message = errors[key] = _FLOAT_BOUND.sub("", message).removeprefix("Value error, ")
        for fragment, text in _MODEL_MESSAGES.items():
            if fragment in message:
                errors[key] = _(text)
    return errors


def _weekday_list(days: Sequence[int], lang: str) -> str:
    _ = i18n.translator(lang)
    if len(set(days)) == 7:
        return _("Every day")
    if not days:
        return _("No days")
    names = i18n.weekday_names(lang, "abbreviated")
    return ", ".join(names[d] for d in sorted(set(days)))


def _rows(kind: str, team_id: int, session: Session, actor: Actor) -> list[Any]:
    return list(services.list_setup(kind, team_id, session=session, actor=actor))


# ---- the four set-up kinds: form ↔ model ------------------------------------------------------------


def _staff_form(row: Any, lang: str) -> dict[str, Any]:
    contract = row.contract or {}
    form: dict[str, Any] = {
        "code": row.code,
        "name": row.name,
        "skills": ", ".join(row.skills),
        "contract.weekly_hours": _field_number(contract.get("weekly_hours")),
        "contract.target_tolerance_minutes": str(contract.get("target_tolerance_minutes") or ""),
        "contract.min_minutes": _field_hours(contract.get("min_minutes")),
        "contract.max_minutes": _field_hours(contract.get("max_minutes")),
        "days_off": ", ".join(row.days_off),
        "weekdays_off": [str(d) for d in row.weekdays_off],
        "absences": "\n".join(
            " ".join(p for p in (a["start"], a["end"], a.get("reason", "")) if p) for a in row.absences
        ),
        "favourite_routes": list(row.favourite_routes),
        "favourite_districts": ", ".join(row.favourite_districts),
    }
    for key in ("min_consecutive_work", "max_consecutive_work", "min_consecutive_off", "max_weekends"):
        form[f"contract.{key}"] = "" if contract.get(key) is None else str(contract[key])
    form["contract.weekend_off_every"] = (
        "" if contract.get("weekend_off_every") is None else str(contract["weekend_off_every"])
    )
    for code, count in (contract.get("max_shifts") or {}).items():
        form[f"contract.max_shifts.{code}"] = str(count)
    return form


def _absences(text: Any) -> list[dict[str, Any]]:
    out = []
    for line in str(text or "").splitlines():
        parts = line.replace(",", " ").split()
        if parts:
            out.append(
                {
                    "start": parts[0],
                    "end": parts[1] if len(parts) > 1 else parts[0],
                    "reason": " ".join(parts[2:]),
                }
            )
    return out


def _staff_payload(form: dict[str, Any]) -> dict[str, Any]:
    contract: dict[str, Any] = {
        "weekly_hours": _number(form.get("contract.weekly_hours")),
        "min_minutes": _minutes_from_hours(form.get("contract.min_minutes")),
        "max_minutes": _minutes_from_hours(form.get("contract.max_minutes")),
        "max_shifts": {
            key.removeprefix("contract.max_shifts."): _number(value)
            for key, value in form.items()
            if key.startswith("contract.max_shifts.") and _blank(value) is not None
        },
    }
    tolerance = _number(form.get("contract.target_tolerance_minutes"))
    if tolerance is not None:
        contract["target_tolerance_minutes"] = tolerance
    for key in (
        "min_consecutive_work",
        "max_consecutive_work",
        "min_consecutive_off",
        "max_weekends",
        "weekend_off_every",
    ):
        contract[key] = _number(form.get(f"contract.{key}"))
    payload: dict[str, Any] = {
        "name": (form.get("name") or "").strip(),
        "skills": _words(form.get("skills")),
        "contract": contract,
        "days_off": _words(form.get("days_off")),
        "weekdays_off": form.get("weekdays_off", []),
        "absences": _absences(form.get("absences")),
        "favourite_routes": form.get("favourite_routes", []),
        "favourite_districts": [
            d.strip() for d in str(form.get("favourite_districts") or "").split(",") if d.strip()
        ],
    }
    if _blank(form.get("code")) is not None:
        payload["code"] = form["code"].strip()
    return payload


def _shift_form(row: Any, lang: str) -> dict[str, Any]:
    return {
        "code": row.code,
        "name": row.name,
        "start": row.start.strftime("%H:%M") if row.start else "",
        "minutes": str(row.minutes),
        "skills": ", ".join(row.skills),
        "forbidden_next": list(row.forbidden_next),
    }


def _shift_payload(form: dict[str, Any]) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "name": (form.get("name") or "").strip(),
        "start": _blank(form.get("start")),
        "skills": _words(form.get("skills")),
        "forbidden_next": form.get("forbidden_next", []),
    }
    for key in ("code", "minutes"):
        if _blank(form.get(key)) is not None:
            payload[key] = _number(form[key]) if key == "minutes" else form[key].strip()
    return payload


def _route_form(row: Any, lang: str) -> dict[str, Any]:
    return {
        "code": row.code,
        "name": row.name,
        "district": row.district,
        "skills": ", ".join(row.skills),
        "shifts": list(row.shifts),
        "weekdays": [str(d) for d in row.weekdays],
        "weight_unfilled": str(row.weight_unfilled),
    }


def _route_payload(form: dict[str, Any]) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "name": (form.get("name") or "").strip(),
        "district": (form.get("district") or "").strip(),
        "skills": _words(form.get("skills")),
        "shifts": form.get("shifts", []),
        "weekdays": form.get("weekdays", []),
    }
    if _blank(form.get("code")) is not None:
        payload["code"] = form["code"].strip()
    if _blank(form.get("weight_unfilled")) is not None:
        payload["weight_unfilled"] = _number(form["weight_unfilled"])
    return payload


def _cover_form(row: Any, lang: str) -> dict[str, Any]:
    return {
        "shift": row.shift,
        "skill": row.skill or "",
        "weekday": "" if row.weekday is None else str(row.weekday),
        "date": row.date.isoformat() if row.date else "",
        "need": str(row.need),
        "weight_under": str(row.weight_under),
        "weight_over": str(row.weight_over),
    }


def _cover_payload(form: dict[str, Any]) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "skill": _blank(form.get("skill")),
        "weekday": _blank(form.get("weekday")),
        "date": _blank(form.get("date")),
    }
    for key in ("shift", "need", "weight_under", "weight_over"):
        if _blank(form.get(key)) is not None:
            payload[key] = _number(form[key])
    return payload


@dataclass(frozen=True)
class Kind:
    """One kind of set-up record as the pages see it."""

    service: str  # the kind's name in `planner.services.SETUP`
    slug: str  # its part of the URL
    model: type[SQLModel]
    template: str
    new_title: str
    label: Callable[[Any, Callable[..., str]], str]  # "staff member mette", for titles and messages
    to_form: Callable[[Any, str], dict[str, Any]]
    to_payload: Callable[[dict[str, Any]], dict[str, Any]]
    blank: dict[str, Any]


KINDS = {
    "staff": Kind(
        "staff",
        "staff",
        StaffCreate,
        "setup/staff_form.html",
        N_("New staff member"),
        lambda row, _: _("staff member {code}", code=row.code),
        _staff_form,
        _staff_payload,
        {"contract.weekly_hours": "37"},
    ),
    "shift-types": Kind(
        "shift type",
        "shift-types",
        ShiftTypeCreate,
        "setup/shift_type_form.html",
        N_("New shift type"),
        lambda row, _: _("shift type {code}", code=row.code),
        _shift_form,
        _shift_payload,
        {"minutes": "480"},
    ),
    "routes": Kind(
        "route",
        "routes",
        RouteCreate,
        "setup/route_form.html",
        N_("New route"),
        lambda row, _: _("route {code}", code=row.code),
        _route_form,
        _route_payload,
        {"weekdays": [str(d) for d in range(7)], "weight_unfilled": "100"},
    ),
    "cover": Kind(
        "cover rule",
        "cover",
        CoverRuleCreate,
        "setup/cover_form.html",
        N_("New coverage rule"),
        lambda row, _: _("coverage rule {n}", n=row.id),
        _cover_form,
        _cover_payload,
        {"need": "1", "weight_under": "100", "weight_over": "1"},
    ),
}


def _kind(slug: str) -> Kind:
    kind = KINDS.get(slug)
    if kind is None:
        raise NotFound("page", slug)
    return kind


def _form_page(
    request: Request,
    session: Session,
    actor: Actor,
    kind: Kind,
    form: dict[str, Any],
    *,
    item: Any = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    team_id = _team(actor)
    _ = i18n.translator(lang_of(request))
    title = _("Edit {what}", what=kind.label(item, _)) if item is not None else _(kind.new_title)
    action = f"{TEAM}/{kind.slug}/{item.id}" if item is not None else f"{TEAM}/{kind.slug}/new"
    context = {
        "title": title,
        "action": action,
        "kind": kind,
        "item": item,
        "form": form,
        "errors": errors or {},
        "err": _lookup(errors or {}),
        "weekdays": list(enumerate(i18n.weekday_names(lang_of(request)))),
        "shift_types": _rows("shift type", team_id, session, actor),
        "routes": _rows("route", team_id, session, actor),
    }
    return render(request, kind.template, context, status_code=status_code)


def _save(
    request: Request, session: Session, actor: Actor, kind: Kind, posted: FormData, item: Any = None
) -> Response:
    """Create (`item` None) or replace a record from the posted form; the form again when it is wrong."""
    lang = lang_of(request)
    _ = i18n.translator(lang)
    team_id = _team(actor)
    form = _scalars(posted)
    try:
        data = kind.model.model_validate(kind.to_payload(form))
        if item is None:
            row = services.create_setup(kind.service, team_id, data, session=session, actor=actor)
        else:
            row = services.update_setup(kind.service, item.id, data, session=session, actor=actor)
    except (ValidationError, InputError) as exc:
        session.rollback()
        return _form_page(
            request, session, actor, kind, form, item=item, errors=_errors(exc, lang), status_code=422
        )
    except (Conflict, IntegrityError):
        # The only unique key of a set-up record is its code in the team.
        session.rollback()
        errors = {"code": _("This code is already used in the team.")}
        return _form_page(request, session, actor, kind, form, item=item, errors=errors, status_code=409)
    return redirect(request, f"{TEAM}?saved={kind.slug}-{row.id}#{kind.slug}")  # type: ignore[attr-defined]


# ---- the overview -----------------------------------------------------------------------------------


def _rule_lines(rules: Any, shift_names: dict[str, str], lang: str) -> list[str]:
    """The team's rules in words, as a team leader says them."""
    _ = i18n.translator(lang)
    lines = [
        _("{hours} hours of rest between shifts", hours=_hours(rules.min_rest_minutes, lang))
        if rules.min_rest_minutes is not None
        else _("No rest required between shifts"),
        _("{hours} hours of unbroken rest every week", hours=_hours(rules.weekly_rest_minutes, lang))
        if rules.weekly_rest_minutes is not None
        else _("No weekly rest required"),
        _("At most {hours} hours a week on average", hours=_plain(rules.max_average_weekly_hours, lang))
        if rules.max_average_weekly_hours is not None
        else _("No limit on average weekly hours"),
        _("At most {n} veto days per person in a period", n=rules.max_vetoes)
        if rules.max_vetoes is not None
        else _("No limit on veto days"),
    ]
    for first, second in rules.forbidden_successions:
        lines.append(
            _(
                "Never {first} straight after {second}",
                first=shift_names.get(second, second),
                second=shift_names.get(first, first),
            )
        )
    lines.append(
        _(
            "Hours for payroll: day from {day}, evening from {evening}, night from {night} (weekdays)",
            day=_clock(rules.pay_day_start, lang),
            evening=_clock(rules.pay_evening_start, lang),
            night=_clock(rules.pay_night_start, lang),
        )
    )
    return lines


def _clock(value: dt.time, lang: str) -> str:
    return value.strftime("%H.%M" if lang == "da" else "%H:%M")


def _weight_fields() -> list[tuple[str, WeightSpec]]:
    """The rules form's weight fields, one per weighted family of the registry: (form name, spec)."""
    return [(f"weights.{w.field}", w) for _, w in families.weighted()]


def _weight_lines(rules: Any) -> list[tuple[str, int]]:
    """(label, value) of every registered weight, as the team has it."""
    weights = rules.registered_weights()
    return [(w.label, getattr(weights, w.field)) for _, w in _weight_fields()]


@router.get("/web/team")
def overview(request: Request, session: SessionDep, actor: WebPlanner, saved: str | None = None) -> Response:
    """Everything the team is made of, with links to change it."""
    lang = lang_of(request)
    _ = i18n.translator(lang)
    if actor.team_id is None:
        return render(request, "setup/no_team.html", {"form": {"name": ""}, "errors": {}, "err": _lookup({})})
    team_id = actor.team_id
    team = services.get_team(team_id, session=session, actor=actor)
    staff = _rows("staff", team_id, session, actor)
    shifts = _rows("shift type", team_id, session, actor)
    routes = _rows("route", team_id, session, actor)
    cover = _rows("cover rule", team_id, session, actor)
    rules = services.get_rules(team_id, session=session, actor=actor)
    accounts = {
        u.staff_id: u.username
        for u in services.list_users(team_id, session=session, actor=actor)
        if u.staff_id is not None
    }
    shift_names = {s.code: s.name or s.code for s in shifts}
    names = {p.id: p.name or p.code for p in staff}
    weekdays = i18n.weekday_names(lang)
    agreements = []
    for wish in services.list_standing_wishes(team_id, session=session, actor=actor):
        what = shift_names.get(wish.shift, wish.shift) if wish.shift else _("any shift")
        if wish.route:
            what = f"{what}, {wish.route}"
        agreements.append(
            {
                "id": wish.id,
                "who": names.get(wish.staff_id, str(wish.staff_id)),
                "kind": _("would like") if wish.kind == "want" else _("would rather avoid"),
                "what": what,
                "days": _weekday_list(wish.weekdays or list(range(7)), lang),
                "note": wish.note,
                "approved": wish.approved,
            }
        )
    cover_rows = []
    for rule in cover:
        if rule.date is not None:
            day = i18n.date_long(rule.date, lang)
        elif rule.weekday is not None:
            day = weekdays[rule.weekday]
        else:
            day = _("Every day")
        cover_rows.append(
            {
                "id": rule.id,
                "shift": shift_names.get(rule.shift, rule.shift),
                "skill": rule.skill or _("Anyone"),
                "day": day,
                "need": rule.need,
            }
        )
    notice = None
    if saved == "rules":
        notice = _("Rules saved.")
    elif saved == "agreement":
        notice = _("Agreement approved: it applies to every period opened from now on.")
    elif saved:
        notice = _("Saved.")
    context = {
        "team": team,
        "staff": staff,
        "accounts": accounts,
        "shifts": shifts,
        "routes": [
            {
                "row": r,
                "shifts": ", ".join(shift_names.get(s, s) for s in r.shifts),
                "days": _weekday_list(r.weekdays, lang),
            }
            for r in routes
        ],
        "cover": cover_rows,
        "rule_lines": _rule_lines(rules, shift_names, lang),
        "weights": _weight_lines(rules),
        "waiting": [a for a in agreements if not a["approved"]],
        "approved": [a for a in agreements if a["approved"]],
        "hours": lambda minutes: _hours(minutes, lang),
        "plain": lambda value: _plain(value, lang),
        "notice": notice,
    }
    return render(request, "setup/overview.html", context)


@router.post("/web/team")
def create_team(
    request: Request, session: SessionDep, actor: WebPlanner, name: Annotated[str, Form()] = ""
) -> Response:
    """A planner without a team names it; the Danish default rules come with it."""
    try:
        data = TeamCreate.model_validate({"name": name.strip()} if name.strip() else {})
        services.create_team(data, session=session, actor=actor)
    except (ValidationError, InputError) as exc:
        session.rollback()
        errors = _errors(exc, lang_of(request))
        context = {"form": {"name": name}, "errors": errors, "err": _lookup(errors)}
        return render(request, "setup/no_team.html", context, status_code=422)
    return redirect(request, TEAM)


# ---- rules ------------------------------------------------------------------------------------------

PAY_BANDS = ("pay_day_start", "pay_evening_start", "pay_night_start")


def _rules_form(rules: Any, lang: str) -> dict[str, Any]:
    weights = rules.registered_weights()
    return {
        "min_rest_minutes": _field_hours(rules.min_rest_minutes),
        "weekly_rest_minutes": _field_hours(rules.weekly_rest_minutes),
        "max_average_weekly_hours": _field_number(rules.max_average_weekly_hours),
        "max_vetoes": "" if rules.max_vetoes is None else str(rules.max_vetoes),
        "forbidden_successions": [f"{a} {b}" for a, b in rules.forbidden_successions],
        **{name: getattr(rules, name).strftime("%H:%M") for name in PAY_BANDS},
        "fairness_from_history": "1" if rules.fairness_from_history else "",
        "auto_approve_swaps": bool(rules.auto_approve_swaps),
    } | {name: str(getattr(weights, w.field)) for name, w in _weight_fields()}


def _rules_page(
    request: Request,
    session: Session,
    actor: Actor,
    form: dict[str, Any],
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    shifts = _rows("shift type", _team(actor), session, actor)
    pairs = [(a, b) for a in shifts for b in shifts]
    context = {
        "form": form,
        "errors": errors or {},
        "err": _lookup(errors or {}),
        "pairs": pairs,
        "weights": _weight_fields(),
    }
    return render(request, "setup/rules_form.html", context, status_code=status_code)


@router.get("/web/team/rules")
def rules_form(request: Request, session: SessionDep, actor: WebPlanner) -> Response:
    rules = services.get_rules(_team(actor), session=session, actor=actor)
    return _rules_page(request, session, actor, _rules_form(rules, lang_of(request)))


@router.post("/web/team/rules")
def save_rules(request: Request, session: SessionDep, actor: WebPlanner, posted: PostedForm) -> Response:
    team_id = _team(actor)
    form = _scalars(posted)
    payload: dict[str, Any] = {
        "min_rest_minutes": _minutes_from_hours(form.get("min_rest_minutes")),
        "weekly_rest_minutes": _minutes_from_hours(form.get("weekly_rest_minutes")),
        "max_average_weekly_hours": _number(form.get("max_average_weekly_hours")),
        "max_vetoes": _number(form.get("max_vetoes")),
        "forbidden_successions": [tuple(p.split(" ", 1)) for p in form["forbidden_successions"] if " " in p],
        # a band left empty takes its Danish default
        **{name: form[name] for name in PAY_BANDS if _blank(form.get(name)) is not None},
        "fairness_from_history": form.get("fairness_from_history") == "1",
        "auto_approve_swaps": form.get("auto_approve_swaps") == "on",
    }
    # A weight left empty takes its default.
    payload["weights"] = {
        w.field: _number(form[name]) for name, w in _weight_fields() if _blank(form.get(name)) is not None
    }
    try:
        data = RulesUpdate.model_validate(payload)
        services.update_rules(team_id, data, session=session, actor=actor)
    except (ValidationError, InputError) as exc:
        session.rollback()
        return _rules_page(request, session, actor, form, _errors(exc, lang_of(request)), 422)
    return redirect(request, f"{TEAM}?saved=rules#rules")


# ---- accounts ---------------------------------------------------------------------------------------


def _person(staff_id: int, session: Session, actor: Actor) -> Any:
    return services.get_setup("staff", staff_id, session=session, actor=actor)


def _account_of(staff_id: int, session: Session, actor: Actor) -> UserPublic | None:
    for user in services.list_users(_team(actor), session=session, actor=actor):
        if user.staff_id == staff_id:
            return user
    return None


def _account_page(
    request: Request,
    person: Any,
    form: dict[str, Any],
    errors: dict[str, str] | None = None,
    status_code: int = 200,
    existing: UserPublic | None = None,
    notice: str | None = None,
) -> Response:
    context = {
        "notice": notice,
        "person": person,
        "form": form,
        "errors": errors or {},
        "err": _lookup(errors or {}),
        "existing": existing,
    }
    return render(request, "setup/account_form.html", context, status_code=status_code)


@router.get("/web/team/staff/{staff_id}/account")
def account_form(
    request: Request, session: SessionDep, actor: WebPlanner, staff_id: int, saved: str | None = None
) -> Response:
    person = _person(staff_id, session, actor)
    existing = _account_of(staff_id, session, actor)
    form = {"username": person.code, "email": existing.email if existing is not None else ""}
    notice = i18n.translator(lang_of(request))("Saved.") if saved == "email" else None
    return _account_page(request, person, form, existing=existing, notice=notice)


@router.post("/web/team/staff/{staff_id}/account/{action}")
def account_access(
    request: Request,
    session: SessionDep,
    actor: WebPlanner,
    staff_id: int,
    action: str,
    email: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    """Disable the person's sign-in (every session of it ends now) or enable it again; give it a
    one-time password (shown once; the person chooses their own at the next sign-in); or set its
    e-mail address (`email`: notifications and "forgot password" go there)."""
    if action not in ("disable", "enable", "reset-password", "email"):
        raise NotFound("page", action)
    person = _person(staff_id, session, actor)
    account = _account_of(staff_id, session, actor)
    if account is None or account.id is None:
        raise NotFound("user", staff_id)
    if action == "email":
        try:
            address = services.EmailAddress.model_validate({"email": email}).email
        except ValidationError as exc:
            errors = _errors(exc, lang_of(request))
            return _account_page(request, person, {"email": email}, errors, 422, account)
        services.set_user_email(account.id, address, session=session, actor=actor)
        return redirect(request, f"/web/team/staff/{staff_id}/account?saved=email")
    if action == "reset-password":
        given = services.reset_user_password(account.id, session=session, actor=actor)
        context = {"person": person, "username": given.username, "password": given.password, "reset": True}
        return render(request, "setup/account_done.html", context)
    services.set_user_disabled(account.id, action == "disable", session=session, actor=actor)
    return redirect(request, f"/web/team/staff/{staff_id}/account")


@router.post("/web/team/staff/{staff_id}/account")
def create_account(
    request: Request,
    session: SessionDep,
    actor: WebPlanner,
    staff_id: int,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
) -> Response:
    """A sign-in for one staff member; the password (typed, or made here) is shown once, never stored."""
    lang = lang_of(request)
    _ = i18n.translator(lang)
    team_id = _team(actor)
    person = _person(staff_id, session, actor)
    form = {"username": username}
    existing = _account_of(staff_id, session, actor)
    if existing is not None:
        message = _(
            "{name} already has a sign-in: {username}.",
            name=person.name or person.code,
            username=existing.username,
        )
        return _account_page(request, person, form, {"form": message}, 409, existing)
    chosen = password or auth.new_password()
    payload: dict[str, Any] = {"role": "staff", "staff_id": staff_id, "password": chosen}
    if username.strip():
        payload["username"] = username.strip()
    try:
        data = UserCreate.model_validate(payload)
        user = services.create_user(team_id, data, session=session, actor=actor)
    except (ValidationError, InputError) as exc:
        session.rollback()
        return _account_page(request, person, form, _errors(exc, lang), 422)
    except (Conflict, IntegrityError):
        session.rollback()
        return _account_page(request, person, form, {"username": _("This username is taken.")}, 409)
    context = {"person": person, "username": user.username, "password": chosen}
    # The one page that shows the password: never kept by a browser or proxy cache.
    return render(request, "setup/account_done.html", context, headers={"Cache-Control": "no-store"})


# ---- standing wishes (individual agreements) --------------------------------------------------------


@router.post("/web/team/agreements/{item_id}/approve")
def approve_agreement(request: Request, session: SessionDep, actor: WebPlanner, item_id: int) -> Response:
    services.approve_standing_wish(item_id, session=session, actor=actor)
    return redirect(request, f"{TEAM}?saved=agreement#agreements")


def _agreement(item_id: int, session: Session, actor: Actor) -> Any:
    for wish in services.list_standing_wishes(_team(actor), session=session, actor=actor):
        if wish.id == item_id:
            return wish
    raise NotFound("standing wish", item_id)


@router.get("/web/team/agreements/{item_id}/delete")
def confirm_delete_agreement(
    request: Request, session: SessionDep, actor: WebPlanner, item_id: int
) -> Response:
    _ = i18n.translator(lang_of(request))
    wish = _agreement(item_id, session, actor)
    person = _person(wish.staff_id, session, actor)
    what = f"{_('End the agreement')} ({person.name or person.code})"
    context = {"what": what, "action": f"{TEAM}/agreements/{item_id}/delete", "error": None}
    return render(request, "setup/confirm_delete.html", context)


@router.post("/web/team/agreements/{item_id}/delete")
def delete_agreement(request: Request, session: SessionDep, actor: WebPlanner, item_id: int) -> Response:
    services.delete_standing_wish(item_id, session=session, actor=actor)
    return redirect(request, f"{TEAM}#agreements")


# ---- create / edit / delete a set-up record ---------------------------------------------------------


@router.get("/web/team/{slug}/new")
def new_form(request: Request, session: SessionDep, actor: WebPlanner, slug: str) -> Response:
    kind = _kind(slug)
    return _form_page(request, session, actor, kind, dict(kind.blank))


@router.post("/web/team/{slug}/new")
def create_item(
    request: Request, session: SessionDep, actor: WebPlanner, slug: str, posted: PostedForm
) -> Response:
    return _save(request, session, actor, _kind(slug), posted)


@router.get("/web/team/{slug}/{item_id}")
def edit_form(request: Request, session: SessionDep, actor: WebPlanner, slug: str, item_id: int) -> Response:
    kind = _kind(slug)
    item = services.get_setup(kind.service, item_id, session=session, actor=actor)
    return _form_page(request, session, actor, kind, kind.to_form(item, lang_of(request)), item=item)


@router.post("/web/team/{slug}/{item_id}")
def update_item(
    request: Request, session: SessionDep, actor: WebPlanner, slug: str, item_id: int, posted: PostedForm
) -> Response:
    kind = _kind(slug)
    item = services.get_setup(kind.service, item_id, session=session, actor=actor)
    return _save(request, session, actor, kind, posted, item)


@router.get("/web/team/{slug}/{item_id}/delete")
def confirm_delete(
    request: Request, session: SessionDep, actor: WebPlanner, slug: str, item_id: int
) -> Response:
    """Deleting asks first (a page of its own: works without JavaScript)."""
    kind = _kind(slug)
    _ = i18n.translator(lang_of(request))
    item = services.get_setup(kind.service, item_id, session=session, actor=actor)
    context = {
        "what": _("Delete {what}", what=kind.label(item, _)),
        "action": f"{TEAM}/{slug}/{item_id}/delete",
        "error": None,
    }
    return render(request, "setup/confirm_delete.html", context)


@router.post("/web/team/{slug}/{item_id}/delete")
def delete_item(
    request: Request, session: SessionDep, actor: WebPlanner, slug: str, item_id: int
) -> Response:
    kind = _kind(slug)
    _ = i18n.translator(lang_of(request))
    item = services.get_setup(kind.service, item_id, session=session, actor=actor)
    label = kind.label(item, _)
    try:
        services.delete_setup(kind.service, item_id, session=session, actor=actor)
    except (Conflict, IntegrityError):
        session.rollback()
        error = _(
            "{what} cannot be deleted: it is still in use (wishes, own picks or agreements).",
            what=label[:1].upper() + label[1:],
        )
        if kind.service == "staff":  # a sign-in alone no longer blocks: it goes with the person
            error += " " + _("To end their access now, disable their sign-in.")
        context = {"what": _("Delete {what}", what=label), "action": None, "error": error}
        return render(request, "setup/confirm_delete.html", context, status_code=409)
    return redirect(request, f"{TEAM}#{slug}")
