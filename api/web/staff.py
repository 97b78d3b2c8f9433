"""The staff pages, made for a phone between two visits: my periods, the wish calendar of a period (want /
avoid a shift, veto days, claiming open slots), my favourite routes, and my published rota with its
calendar file and why a wish was not granted.

Every page needs `WebUser` with a staff account; a staff member only ever sees and changes their own
records, because every call goes through `planner.services` (and `planner.views.staff` for the favourite
routes), which check the role exactly as for the JSON API. One form per day: each button posts an action
(`do`) for that day; htmx swaps just that day's card and updates the veto counter and the spoken status
line; without JavaScript the same form posts and the page comes back at that day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any, get_args

from babel.dates import format_date, format_datetime, format_time
from babel.numbers import format_decimal
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from api import downloads
from api.deps import SessionDep
from api.web import i18n
from api.web import reasons as reason_words
from api.web.auth import home_of
from api.web.common import PREFIX, WebUser, error_text, field_errors, is_htmx, lang_of, redirect, render
from api.web.refusals import refusal_text
from planner import mapping, services
from planner.auth import Actor
from planner.db import READ_ONLY
from planner.errors import Conflict, Forbidden, InputError, NotFound, PeriodClosed, RuleRefusal
from planner.models import (
    Period,
    Route,
    SelfPickCreate,
    ShiftType,
    Staff,
    local,
)
from planner.person_rules import DayOff
from planner.services import FavouriteRouteError
from planner.services.wishes import DayWishAction
from planner.texts import N_
from planner.views import staff as staff_view
from planner.views.staff import DayView

router = APIRouter()

HOME = f"{PREFIX}/me"

# Words for a period's state as staff see it (English; Danish in the catalogue, planner/texts.py).
PERIOD_STATES = {
    "open": N_("Open for wishes"),
    "closed": N_("Closed for wishes"),
    "solved": N_("Rota being made"),
    "published": N_("Rota published"),
}


# ---- helpers ----------------------------------------------------------------------------------------


def _t(request: Request) -> Callable[..., str]:
    return i18n.translator(lang_of(request))


def _read(session: Session) -> None:
    """Begin a read-only transaction (SQLite: no write lock, so readers never queue behind writers).
    Only when no transaction is running: before the page reads, or after a write committed/rolled back."""
    if not session.in_transaction():
        session.connection(execution_options=READ_ONLY)


def _shift_types(team_id: int, session: Session, actor: Actor) -> list[ShiftType]:
    rows = services.list_setup("shift type", team_id, session=session, actor=actor)
    return [s for s in rows if isinstance(s, ShiftType)]


def _routes(team_id: int, session: Session, actor: Actor) -> list[Route]:
    return [
        r for r in services.list_setup("route", team_id, session=session, actor=actor) if isinstance(r, Route)
    ]


def _person(staff_id: int, session: Session, actor: Actor) -> Staff:
    person = services.get_setup("staff", staff_id, session=session, actor=actor)
    assert isinstance(person, Staff)
    return person


def _day_month(day: dt.date, lang: str) -> str:
    """ "6. marts" / "March 6"."""
    return format_date(day, "d. MMMM" if lang == "da" else "MMMM d", locale=lang)


def off_label(off: DayOff, lang: str) -> str:
    """A day off's badge: "Fravær" or "Fast fridag"."""
    _ = i18n.translator(lang)
    return _("Absence") if off.code == "absence" else _("Fixed day off")


def off_text(off: DayOff, lang: str) -> str:
    """What a day off means, with its reason: "Kursus: sårpleje. Du har ingen vagter denne dag."."""
    _ = i18n.translator(lang)
    if off.code == "absence" and off.start is not None and off.end is not None:
        reason = off.reason or _("Absence")
        if off.start == off.end:
            return _("{reason}. You have no shifts on this day.", reason=reason)
        span = {"start": _day_month(off.start, lang), "end": _day_month(off.end, lang)}
        return _("{reason}, {start} – {end}. You have no shifts on this day.", reason=reason, **span)
    if off.code == "weekday_off" and off.weekday is not None:
        weekday = i18n.weekday_names(lang)[off.weekday]
        return _(
            "Every {weekday} is a fixed day off for you. You have no shifts on this day.", weekday=weekday
        )
    return _("A fixed day off. You have no shifts on this day.")


def _me(request: Request, actor: Actor) -> int:
    if actor.staff_id is None:
        raise Forbidden(_t(request)(N_("This page is for staff members; planners plan on the period pages.")))
    return actor.staff_id


def day_title(day: dt.date, lang: str) -> str:
    """ "mandag 1. marts" / "Monday, March 1": a day card's heading."""
    return format_date(day, "EEEE d. MMMM" if lang == "da" else "EEEE, MMMM d", locale=lang)


def clock(value: dt.time | None, lang: str) -> str:
    return format_time(value, "HH.mm" if lang == "da" else "HH:mm", locale=lang) if value else ""


def deadline_text(value: dt.datetime | None, lang: str) -> str:
    """ "fredag 5. marts kl. 12.00" / "Friday, March 5 at 12:00": a deadline in Danish local time, the
    weekday first (care workers think in weekdays), no seconds."""
    when = local(value)
    if when is None:
        return ""
    pattern = "EEEE d. MMMM 'kl.' HH.mm" if lang == "da" else "EEEE, MMMM d 'at' HH:mm"
    return format_datetime(when, pattern, locale=lang)


def subtitle(period: Period, label: str) -> str:
    """The period's own name when it says more than its weeks ("uge 9" next to "Uge 9" says nothing)."""
    return period.name if period.name.strip().lower() != label.strip().lower() else ""


def _weeks_label(period: Period, _: Callable[..., str], template: str) -> str:
    first, last = staff_view.week_span(period)
    if first == last:
        return _("Wishes for week {first}", first=first) if template == "wishes" else _("Week {n}", n=first)
    if template == "wishes":
        return _("Wishes for week {first}–{last}", first=first, last=last)
    return _("Week {first}–{last}", first=first, last=last)


def _closed_reason(period: Period, lang: str) -> str:
    _ = i18n.translator(lang)
    if period.state == "open" and period.deadline is not None:
        return _(
            "Wishes can no longer be changed: the deadline was {when}.",
            when=deadline_text(period.deadline, lang),
        )
    return _("Wishes can no longer be changed: the period is closed for wishes.")


def _common(lang: str) -> dict[str, Any]:
    return {
        "day_title": lambda d: day_title(d, lang),
        "clock": lambda t: clock(t, lang),
        "deadline_text": lambda d: deadline_text(d, lang),
    }


# ---- home -------------------------------------------------------------------------------------------


@router.get("/web/me")
def home(request: Request, session: SessionDep, actor: WebUser) -> Response:
    """The staff home: my team's periods, the open one first and prominent (a planner or an
    administrator is sent to theirs)."""
    if actor.is_planner or actor.is_admin:
        return RedirectResponse(home_of(actor), status_code=303)
    _me(request, actor)
    _read(session)
    lang, _ = lang_of(request), _t(request)
    periods: list[dict[str, Any]] = []
    if actor.team_id is not None:
        rows = services.list_periods(actor.team_id, session=session, actor=actor)
        for p in staff_view.period_order(rows):
            periods.append(
                {
                    "period": p,
                    "weeks": _weeks_label(p, _, "weeks"),
                    "subtitle": subtitle(p, _weeks_label(p, _, "weeks")),
                    "wishes": _weeks_label(p, _, "wishes"),
                    "last_day": p.last_day,
                    "state_text": PERIOD_STATES.get(p.state, p.state),
                    "editable": staff_view.wishes_open(p),
                }
            )
    open_ones = [p for p in periods if p["period"].state == "open"]
    context = {
        "periods": periods,
        "featured": open_ones[0] if len(open_ones) == 1 else None,
        **_common(lang),
    }
    return render(request, "staff/home.html", context)


# ---- the wish calendar ------------------------------------------------------------------------------


def _calendar(
    request: Request, period_id: int, session: Session, actor: Actor, only: dt.date | None = None
) -> dict[str, Any]:
    """What the calendar page (or one day's card, `only`) shows, read through the services."""
    staff_id = _me(request, actor)
    _read(session)
    lang = lang_of(request)
    period = services.get_period(period_id, session=session, actor=actor)
    if period.state == "draft":
        raise NotFound("period", period_id)  # not opened yet: staff have nothing to see
    shifts = _shift_types(period.team_id, session, actor)
    wishes = list(services.list_wishes(period_id, session=session, actor=actor, staff_id=staff_id))
    picks = services.list_self_picks(period_id, session=session, actor=actor, staff_id=staff_id)
    slots = services.open_slots(period_id, session=session, actor=actor)
    rules = services.get_rules(period.team_id, session=session, actor=actor)
    person = _person(staff_id, session, actor)
    serves = {
        r.code for r in staff_view.routes_served(person, _routes(period.team_id, session, actor), shifts)
    }
    off = staff_view.days_off(person, period)
    days = staff_view.calendar_days(period, shifts, wishes, picks, slots, only=only, off=off, serves=serves)
    used = staff_view.vetoes_used(wishes)
    limit = rules.max_vetoes
    editable = staff_view.wishes_open(period)
    today = dt.date.today()
    return {
        # What the person has asked for so far (the top of the page; updated with every tap).
        "asked": {
            "wants": sum(1 for w in wishes if w.kind == "want"),
            "avoids": sum(1 for w in wishes if w.kind == "avoid"),
            "vetoes": used,
            "claims": len(list(picks)),
            "favourites": len(person.favourite_routes),
            "days_off": len(off),
        },
        "this_week": today.isocalendar()[:2] if period.start <= today <= period.last_day else None,
        "period": period,
        "last_day": period.last_day,
        "weeks_label": _weeks_label(period, _t(request), "weeks"),
        "subtitle": subtitle(period, _weeks_label(period, _t(request), "weeks")),
        "weeks": staff_view.weeks(days),
        "days": days,
        "editable": editable,
        "closed_reason": None if editable else _closed_reason(period, lang),
        "vetoes_used": used,
        "veto_limit": limit,
        "vetoes_left": None if limit is None else max(0, limit - used),
        "shift_names": {s.code: s.name or s.code for s in shifts},
        "route_names": {r["route"]: r.get("name") or r["route"] for s in slots for r in s["routes"]},
        "errors": {},
        "error_kinds": {},
        "said": "",
        "base": f"{HOME}/periods/{period_id}",
        "off_label": lambda o: off_label(o, lang),
        "off_text": lambda o: off_text(o, lang),
        **_common(lang),
    }


@router.get("/web/me/periods/{period_id}")
def period_page(request: Request, period_id: int, session: SessionDep, actor: WebUser) -> Response:
    """A period as a calendar: per day and shift my want/avoid wish, the veto day, the open slots."""
    return render(request, "staff/period.html", _calendar(request, period_id, session, actor))


def _parse_day(period: Period, value: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise NotFound("day", value) from None
    if not period.start <= day <= period.last_day:
        raise NotFound("day", value)
    return day


def _ref(value: str) -> tuple[int, int] | None:
    """A wish reference `id.version` from a button; None when the button has none (nothing stored)."""
    if not value:
        return None
    ident, _, version = value.partition(".")
    if not ident.isdigit() or not version.isdigit():
        raise InputError("do", N_("not a wish reference: {value!r}"), value=value)
    return int(ident), int(version)


# The day card's wish buttons (`services.set_day_wish`) and what the page says after each.
_DAY_ACTIONS: dict[str, DayWishAction] = {a: a for a in get_args(DayWishAction)}
_DAY_TEXTS: dict[DayWishAction, str] = {
    "want": N_("{day}: you want {shift}."),
    "avoid": N_("{day}: you would rather avoid {shift}."),
    "clear": N_("{day}: no wish for {shift}."),
    "veto": N_("{day} is a veto day."),
    "unveto": N_("{day} is no longer a veto day."),
}


def _act(
    do: str, period: Period, day: dt.date, staff_id: int, session: Session, actor: Actor
) -> tuple[str, dict[str, str]]:
    """Carry out one button of a day card through the services; the English message and its values.

    A button's `do` is `verb:shift:extra`: `want|avoid|clear:<shift>:<id.version>` (the wish the card
    showed, empty when none), `veto::`, `unveto::<id.version>`, `claim:<shift>:<route>` (route may be
    empty) or `release::<self-pick id>`. The services check that every id is the person's own."""
    assert period.id is not None
    period_id = period.id
    verb, shift, extra = ([*do.split(":"), "", ""])[:3]
    shift_names = {s.code: s.name or s.code for s in _shift_types(period.team_id, session, actor)}

    action = _DAY_ACTIONS.get(verb)
    if action is not None:
        if action in ("want", "avoid", "clear") and shift not in shift_names:
            raise InputError("do", N_("unknown shift {shift!r}"), shift=shift)
        seen = _ref(extra)
        services.set_day_wish(
            period_id, staff_id, day, action, shift=shift or None, seen=seen, session=session, actor=actor
        )
        return _DAY_TEXTS[action], {"shift": shift_names.get(shift, shift)}
    if verb == "claim":
        pick = SelfPickCreate(staff_id=staff_id, date=day, shift=shift, route=extra or None)
        services.create_self_pick(period.id, pick, session=session, actor=actor)
        return N_("{day}: you took {shift}."), {"shift": shift_names.get(shift, shift)}
    if verb == "release" and extra.isdigit():
        services.delete_self_pick(int(extra), session=session, actor=actor)
        return N_("{day}: you released your shift."), {}
    raise InputError("do", N_("unknown action {do!r}"), do=do)


def _refusal(exc: Exception, do: str, view: DayView | None, period: Period, lang: str) -> str:
    """A refused action in words for the person (the services' reasons are technical English)."""
    _ = i18n.translator(lang)
    verb = do.partition(":")[0]
    if isinstance(exc, PeriodClosed):
        return _closed_reason(period, lang)
    if isinstance(exc, RuleRefusal):  # a planning rule: said from its code and values
        return refusal_text(exc, lang)
    if isinstance(exc, Conflict):
        # A race the database caught (a unique constraint): what the day shows now says which.
        if verb == "claim" and view is not None:
            if view.pick is not None:
                return _("You already have a shift that day. Release it first.")
            return _("Someone else has just taken that slot.")
        # A stale wish version, a wish stored meanwhile: the card now shows what is saved.
        return _("This was changed in another window. The day now shows what is saved; try again.")
    if isinstance(exc, InputError):
        if exc.field == "do":
            return _("Unknown action.")
        return f"{exc.field}: {exc.message}"
    if isinstance(exc, ValidationError):
        return "; ".join(f"{k}: {v}" for k, v in field_errors(exc, lang).items())
    return error_text(exc, lang)


@router.post("/web/me/periods/{period_id}/days/{day_text}")
def day_action(
    request: Request,
    period_id: int,
    day_text: str,
    session: SessionDep,
    actor: WebUser,
    do: Annotated[str, Form()] = "",
) -> Response:
    """One button of a day card (`do`): want / avoid / clear a shift, veto / unveto the day, claim or
    release a slot. htmx gets the day's card back; a plain form post returns to the calendar there."""
    staff_id = _me(request, actor)
    lang, _ = lang_of(request), _t(request)
    period = services.get_period(period_id, session=session, actor=actor)
    day = _parse_day(period, day_text)
    try:
        message, values = _act(do, period, day, staff_id, session, actor)
    except (Conflict, InputError, ValidationError) as exc:
        session.rollback()
        context = _calendar(request, period_id, session, actor, only=day if is_htmx(request) else None)
        view = next((d for d in context["days"] if d.date == day), None)
        text = _refusal(exc, do, view, period, lang)
        status = 422 if isinstance(exc, InputError | ValidationError) else 409
        context["errors"] = {day: text}
        if isinstance(exc, RuleRefusal) and exc.code == "veto_limit":
            context["error_kinds"] = {day: "veto-limit"}
        if is_htmx(request):
            context.update(days=[view] if view else [], said=text, said_bad=True)
            return render(request, "staff/day_swap.html", context, status_code=status)
        context["error"] = _("Could not save: see the day marked below.")
        context["error_day"] = day
        return render(request, "staff/period.html", context, status_code=status)
    said = _(message, day=day_title(day, lang), **values)
    if not is_htmx(request):
        return RedirectResponse(f"{HOME}/periods/{period_id}#day-{day.isoformat()}", status_code=303)
    context = _calendar(request, period_id, session, actor, only=day)
    # The tapped button may be gone (a claim button after claiming): move focus to its counterpart.
    verb = do.partition(":")[0]
    context.update(said=said, focus={"claim": "release", "release": "veto"}.get(verb))
    return render(request, "staff/day_swap.html", context)


# ---- favourite routes -------------------------------------------------------------------------------


def _favourites_page(
    request: Request,
    session: Session,
    actor: Actor,
    *,
    ranked: list[str] | None = None,
    error: str | None = None,
    said: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    staff_id = _me(request, actor)
    _read(session)
    person = _person(staff_id, session, actor)
    # Only the routes the person has the skills for are offered (the service refuses the others).
    routes = staff_view.routes_served(
        person, _routes(person.team_id, session, actor), _shift_types(person.team_id, session, actor)
    )
    by_code = {r.code: r for r in routes}
    if ranked is None:
        # a deleted route, or one the person lacks the skills for now, drops out
        ranked = [c for c in person.favourite_routes if c in by_code]
    context = {
        "ranked": ranked,
        "by_code": by_code,
        "others": [r for r in routes if r.code not in ranked],
        "routes": routes,
        "error": error,
        "said": said,
    }
    template = "staff/favourites_swap.html" if is_htmx(request) else "staff/favourites.html"
    return render(request, template, context, status_code=status_code)


@router.get("/web/me/routes")
def favourites_page(request: Request, session: SessionDep, actor: WebUser) -> Response:
    """My favourite routes, ranked; up/down/remove/add buttons (no drag and drop needed)."""
    return _favourites_page(request, session, actor)


@router.post("/web/me/routes")
def save_favourites(
    request: Request,
    session: SessionDep,
    actor: WebUser,
    routes: Annotated[list[str] | None, Form()] = None,
    action: Annotated[str, Form()] = "",
) -> Response:
    """Apply one button (`action`: up/down/remove/add:code) to the posted ranking and store it."""
    staff_id = _me(request, actor)
    _ = _t(request)
    ranked = staff_view.moved([r.strip() for r in routes or [] if r.strip()], action)
    try:
        person = services.set_favourite_routes(staff_id, ranked, session=session, actor=actor)
    except FavouriteRouteError as exc:
        session.rollback()
        text = (
            _("The route {route} is not one of your team's routes.", route=exc.value)
            if exc.reason == "unknown"
            else _("The route {route} is on the list twice.", route=exc.value)
        )
        return _favourites_page(request, session, actor, ranked=ranked, error=text, status_code=422)
    except RuleRefusal as exc:  # a route the person lacks the skills for (posted by hand)
        session.rollback()
        kept = [c for c in ranked if c != exc.params.get("route")]
        text = refusal_text(exc, lang_of(request))
        return _favourites_page(request, session, actor, ranked=kept, error=text, status_code=409)
    if not is_htmx(request):
        return redirect(request, f"{HOME}/routes")
    _read(session)
    names = {r.code: r.name or r.code for r in _routes(person.team_id, session, actor)}
    said = (
        _("Saved: {routes}.", routes=", ".join(f"{i}. {names.get(c, c)}" for i, c in enumerate(ranked, 1)))
        if ranked
        else _("Saved: no favourite routes.")
    )
    return _favourites_page(request, session, actor, said=said)


# ---- my rota ----------------------------------------------------------------------------------------


@router.get("/web/me/periods/{period_id}/rota")
def rota_page(request: Request, period_id: int, session: SessionDep, actor: WebUser) -> Response:
    """My shifts in the published rota, the calendar file, and why a wish was not granted."""
    staff_id = _me(request, actor)
    _read(session)
    lang = lang_of(request)
    period = services.get_period(period_id, session=session, actor=actor)
    context: dict[str, Any] = {
        "period": period,
        "weeks_label": _weeks_label(period, _t(request), "weeks"),
        "subtitle": subtitle(period, _weeks_label(period, _t(request), "weeks")),
        "last_day": period.last_day,
        **_common(lang),
    }
    try:
        person, problem, shifts, rota = services.person_shifts(
            period_id, staff_id, session=session, actor=actor
        )
    except NotFound:
        context["rota"] = None
        return render(request, "staff/rota.html", context)
    shift_types = {s.code: s for s in problem.shift_types}
    routes = {r.id: r for r in problem.routes}
    rows = []
    for a in sorted(shifts, key=lambda a: a.date):
        s = shift_types.get(a.shift)
        end = None
        if s is not None and s.start is not None:
            end = (dt.datetime.combine(a.date, s.start) + dt.timedelta(minutes=s.minutes)).time()
        route = routes.get(a.route) if a.route else None
        rows.append(
            {
                "date": a.date,
                "shift": (s.name or s.code) if s else a.shift,
                "css": f"shift-{list(shift_types).index(a.shift) % 8}" if s else "",
                "start": s.start if s else None,
                "end": end,
                "route": (route.name or route.id) if route else (a.route or ""),
            }
        )
    fulfilment = staff_view.my_fulfilment(rota, person.code)
    row_of = {r["date"]: r for r in rows}
    weeks = [
        {
            "number": w.number,
            "year": w.year,
            "hours": format_decimal(round(w.minutes / 60, 2), locale=lang),
            "target": None
            if w.target_minutes is None
            else format_decimal(round(w.target_minutes / 60, 2), locale=lang),
            "days": [{"date": d.date, "row": row_of.get(d.date), "colleagues": d.colleagues} for d in w.days],
        }
        for w in staff_view.my_rota_weeks(problem, mapping.rota_assignments(rota), person.code)
    ]
    # The counterfactual reasons of her own unmet wishes, by the wish they are about.
    assert rota.id is not None
    own_reasons = services.rota_reasons(rota.id, session=session, actor=actor)["reasons"]
    reasons = {
        (r["date"], r["shift"] or "", r["route"] or ""): r for r in reason_words.views(own_reasons, lang)
    }
    ledger = services.fairness_ledger(period.team_id, session=session, actor=actor)["lines"]
    context.update(
        rota=rota,
        rows=rows,
        weeks=weeks,
        fulfilment=fulfilment,
        hours=_hours(fulfilment, lang),
        explanations=[
            {
                "sentence": _why(e, shift_types, routes, lang),
                "text": e.text,
                "reason": reasons.get((e.date.isoformat() if e.date else "", e.shift or "", e.route or "")),
            }
            for e in staff_view.my_explanations(rota, person.code)
        ],
        fairness=next((line for line in ledger if line["period"] == period.id), None),
    )
    return render(request, "staff/rota.html", context)


def _why(e: staff_view.Explanation, shift_types: dict[str, Any], routes: dict[str, Any], lang: str) -> str:
    """A not-granted wish in the person's words ("mandag 1. marts: du ønskede Dagvagt (Uldum 1), …")."""
    _ = i18n.translator(lang)
    shift = shift_types.get(e.shift) if e.shift else None
    route = routes.get(e.route) if e.route else None
    shift_text = (shift.name or shift.code) if shift else (e.shift or "")
    route_text = (route.name or route.id) if route else (e.route or "")
    if shift_text and route_text:
        what = f"{shift_text} ({route_text})"
    elif route_text:
        what = _("route {route}", route=route_text)
    else:
        what = shift_text or _("a shift")
    day = day_title(e.date, lang) if e.date else ""
    if e.kind == "want":
        return _("{day}: you wanted {what}, but it could not be granted.", day=day, what=what)
    if e.kind == "avoid":
        return _("{day}: you asked to avoid {what}, but you are on it.", day=day, what=what)
    if e.kind == "pick":
        return _("{day}: your own pick {what} was changed.", day=day, what=what)
    return e.text


def _hours(fulfilment: dict[str, Any] | None, lang: str) -> dict[str, str] | None:
    if not fulfilment:
        return None

    def h(minutes: int | None) -> str:
        return "" if minutes is None else format_decimal(round(minutes / 60, 2), locale=lang)

    return {"hours": h(fulfilment.get("minutes")), "target": h(fulfilment.get("target_minutes"))}


@router.get("/web/me/periods/{period_id}/calendar.ics")
def calendar_file(request: Request, period_id: int, session: SessionDep, actor: WebUser) -> Response:
    """My shifts in the published rota as an iCalendar file (for the phone's calendar)."""
    staff_id = _me(request, actor)
    _read(session)
    return downloads.person_ics(period_id, staff_id, session=session, actor=actor)
