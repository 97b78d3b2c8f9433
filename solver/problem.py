"""The planning problem: what goes into the solver.

Pure pydantic: this module reads no files, database, network or environment. Every cross reference
(a wish for a person, a lock on a shift, a route's shift) is validated here, and every error names the
field and the offending value, so the command line and the service can show it as it is.

The exact meaning of every field, and the exact objective, are documented in `docs/problem-format.md`;
`solver/check.py` implements that document independently of the CP-SAT model.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    PrivateAttr,
    ValidationError,
    create_model,
    field_validator,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, InitErrorDetails, PydanticCustomError

from solver import families

Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-æøåÆØÅ]+$")]
Weight = Annotated[int, Field(ge=0, le=1_000_000)]
# Minutes in the longest horizon a problem may have (a leap year): a bound on every total of minutes, so
# no number reaches the solver that it cannot hold (a tolerance of 10^30 once failed a solve).
MAX_HORIZON_MINUTES = 366 * 24 * 60


MINUTES_PER_DAY = 1440
MAX_SHIFT_MINUTES = 16 * 60


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class Horizon(_Strict):
    """The period to plan: `days` consecutive dates from `start`."""

    start: dt.date
    days: int = Field(ge=1, le=366)
    public_holidays: list[dt.date] = Field(default_factory=list)
    time_zone: str | None = Field(
        default=None,
        description="IANA zone of the shifts' clock times, e.g. Europe/Copenhagen: hours and rests then "
        "follow the real length across a clock change. Null: clock times as nominal (every day 24 h).",
    )

    @property
    def last_day(self) -> dt.date:
        """The horizon's last date."""
        return self.start + dt.timedelta(days=self.days - 1)

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is None:
            return value
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            raise ValueError(f"unknown IANA time zone {value!r} (e.g. 'Europe/Copenhagen')") from None
        return value

    def dates(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=i) for i in range(self.days)]

    def index(self, day: dt.date) -> int:
        return (day - self.start).days

    def contains(self, day: dt.date) -> bool:
        return 0 <= self.index(day) < self.days


class ShiftType(_Strict):
    """A kind of shift. `start` is a clock time; a shift whose end passes midnight is a night shift.

    `start` may be omitted (imported benchmarks have no clock times); the clock-based rest rules then
    ignore that shift, and only explicit `forbidden_next` successions apply to it.
    """

    code: Id
    name: str = ""
    start: dt.time | None = None
    minutes: int = Field(gt=0, le=MAX_SHIFT_MINUTES)
    skills: list[Id] = Field(default_factory=list, description="Any one of these is required; empty: anyone.")
    forbidden_next: list[Id] = Field(
        default_factory=list, description="Shift codes that may not follow this shift on the next day."
    )

    @property
    def start_minute(self) -> int | None:
        return None if self.start is None else self.start.hour * 60 + self.start.minute


class Absence(_Strict):
    """Approved absence (holiday, course, sick leave): no shift on these dates, and the contract target
    is reduced by the weekdays it covers."""

    start: dt.date
    end: dt.date
    reason: str = Field(default="", max_length=200)

    @model_validator(mode="after")
    def _ordered(self) -> Absence:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class Contract(_Strict):
    """Working-time terms of one person over the horizon. All minute bounds are totals over the horizon."""

    weekly_hours: float | None = Field(
        default=None, ge=0, le=60, description="37 full time; gives the target over the horizon."
    )
    target_tolerance_minutes: int = Field(default=0, ge=0, le=MAX_HORIZON_MINUTES)
    min_minutes: int | None = Field(default=None, ge=0, le=MAX_HORIZON_MINUTES)
    max_minutes: int | None = Field(default=None, ge=0, le=MAX_HORIZON_MINUTES)
    max_shifts: dict[Id, int] = Field(
        default_factory=dict, description="Per shift code, most shifts of that type; 0 forbids the type."
    )
    min_consecutive_work: int | None = Field(default=None, ge=1, le=366)
    max_consecutive_work: int | None = Field(default=None, ge=1, le=366)
    min_consecutive_off: int | None = Field(default=None, ge=1, le=366)
    max_weekends: int | None = Field(default=None, ge=0, le=53)
    weekend_off_every: int | None = Field(
        default=None, ge=1, le=53, description="n: at least one weekend off in every n consecutive weekends."
    )

    @field_validator("max_shifts")
    @classmethod
    def _non_negative(cls, value: dict[str, int]) -> dict[str, int]:
        for code, count in value.items():
            if not 0 <= count <= 366:
                raise ValueError(f"max_shifts[{code!r}] must be 0 … 366 (days in a horizon), got {count}")
        return value

    @model_validator(mode="after")
    def _ordered(self) -> Contract:
        if (
            self.min_minutes is not None
            and self.max_minutes is not None
            and self.min_minutes > self.max_minutes
        ):
            raise ValueError(f"min_minutes {self.min_minutes} exceeds max_minutes {self.max_minutes}")
        if (
            self.min_consecutive_work is not None
            and self.max_consecutive_work is not None
            and self.min_consecutive_work > self.max_consecutive_work
        ):
            raise ValueError(
                f"min_consecutive_work {self.min_consecutive_work} exceeds "
                f"max_consecutive_work {self.max_consecutive_work}"
            )
        return self


class Staff(_Strict):
    """One person who can be rostered."""

    id: Id
    name: str = ""
    skills: list[Id] = Field(default_factory=list)
    contract: Contract = Field(default_factory=Contract)
    days_off: list[dt.date] = Field(default_factory=list, description="Fixed days off (hard).")
    weekdays_off: list[int] = Field(
        default_factory=list, description="Fixed weekdays off, 0 = Monday … 6 = Sunday (hard)."
    )
    absences: list[Absence] = Field(default_factory=list)
    favourite_routes: list[Id] = Field(default_factory=list, description="Route ids, best first.")
    favourite_districts: list[str] = Field(default_factory=list)
    fairness_credit: int = Field(
        default=0,
        ge=0,
        le=1000,
        description="Per cent added to the weight of the person's wishes and self-picks (docs/rules.md, "
        "'Fairness credit'): given by the planner to those earlier periods served worst.",
    )

    def weighed(self, weight: int) -> int:
        """A wish's or self-pick's weight with the person's fairness credit (docs/rules.md):
        weight + ⌊(weight · credit + 50) / 100⌋ (the per cent of the weight, rounded half up)."""
        return weight + (weight * self.fairness_credit + 50) // 100

    @field_validator("weekdays_off")
    @classmethod
    def _weekdays(cls, value: list[int]) -> list[int]:
        for day in value:
            if not 0 <= day <= 6:
                raise ValueError(f"weekday must be 0 (Monday) … 6 (Sunday), got {day}")
        return value

    # Set by the Problem that holds the person: "name (id)" where another person has the same name.
    _label: str | None = PrivateAttr(default=None)

    @property
    def label(self) -> str:
        """How the solver names the person in explanations, violations and conflicts."""
        return self._label or self.name or self.id

    def absent_on(self, day: dt.date) -> bool:
        """An absence (holiday, course, leave) covers `day`."""
        return any(a.start <= day <= a.end for a in self.absences)

    def off_on(self, day: dt.date) -> bool:
        """`day` is a day off whatever the rota: a fixed day off, a weekday off or an absence."""
        return day in self.days_off or day.weekday() in self.weekdays_off or self.absent_on(day)


class Route(_Strict):
    """A home-care route (køreliste). On each of its days and shifts it is one slot for exactly one person."""

    id: Id
    name: str = ""
    district: str = ""
    skills: list[Id] = Field(default_factory=list, description="Any one of these is required; empty: anyone.")
    shifts: list[Id] = Field(min_length=1)
    weekdays: list[int] = Field(default_factory=lambda: list(range(7)))
    weight_unfilled: Weight = 100

    @field_validator("weekdays")
    @classmethod
    def _weekdays(cls, value: list[int]) -> list[int]:
        for day in value:
            if not 0 <= day <= 6:
                raise ValueError(f"weekday must be 0 (Monday) … 6 (Sunday), got {day}")
        return value


class Cover(_Strict):
    """How many people a shift needs. Without `date` or `weekday` it applies to every day; a `weekday`
    rule overrides an every-day rule and a `date` rule overrides both, for the same (shift, skill).
    With `skill`, only people who have that skill count."""

    shift: Id
    skill: Id | None = None
    date: dt.date | None = None
    weekday: int | None = Field(default=None, ge=0, le=6)
    need: int = Field(ge=0)
    weight_under: Weight = 100
    weight_over: Weight = 1

    @model_validator(mode="after")
    def _one_selector(self) -> Cover:
        if self.date is not None and self.weekday is not None:
            raise ValueError("give date or weekday, not both")
        return self


class WishKind(StrEnum):
    want = "want"
    avoid = "avoid"
    veto = "veto"


class Wish(_Strict):
    """A person's wish for one date.

    - `want` with `shift`: work that shift; with `route`: work that route; with neither: work that day.
    - `avoid` likewise: not that shift / route / not at all that day.
    - `veto`: a guaranteed day off (hard); limited per person by `rules.max_vetoes`.
    Soft wishes cost `weight` when not granted.
    """

    staff: Id
    date: dt.date
    kind: WishKind
    shift: Id | None = None
    route: Id | None = None
    weight: Weight = 1

    @model_validator(mode="after")
    def _veto_is_a_day(self) -> Wish:
        if self.kind is WishKind.veto and (self.shift is not None or self.route is not None):
            raise ValueError("a veto is a whole day off: give no shift or route")
        return self


class SelfPick(_Strict):
    """A slot the person claimed in the puzzle phase: kept wherever possible, `weight` if changed."""

    staff: Id
    date: dt.date
    shift: Id
    route: Id | None = None
    weight: Weight = 10


class KeepCell(_Strict):
    """A cell of the draft a re-solve starts from: kept unless changing it pays, `weight` if changed.

    Not a wish: it counts in neither fulfilment nor fairness, and is never shown to staff as theirs."""

    staff: Id
    date: dt.date
    shift: Id
    route: Id | None = None
    weight: Weight = 5


class HistoryDay(_Strict):
    """One person's day before the horizon (the previous period's rota): a fixed fact that the rules at
    the horizon's start read (docs/rules.md, "Before the horizon"). `shift` is the shift worked; null:
    known to be off. A day without an entry is not known."""

    staff: Id
    date: dt.date
    shift: Id | None = None


class Lock(_Strict):
    """A planner's decision (hard): the person works exactly this shift (and route) on this date, or,
    with `shift` null, is off that date."""

    staff: Id
    date: dt.date
    shift: Id | None = None
    route: Id | None = None

    @model_validator(mode="after")
    def _route_needs_shift(self) -> Lock:
        if self.route is not None and self.shift is None:
            raise ValueError("a lock with a route needs its shift")
        return self


class Rules(_Strict):
    """Working-time rules. Defaults are the Danish ones; `null` switches a rule off."""

    min_rest_minutes: int | None = Field(default=11 * 60, ge=0, description="Daily rest between shifts.")
    weekly_rest_minutes: int | None = Field(
        default=35 * 60, ge=0, description="One rest period of this length in every 7 days."
    )
    max_average_weekly_hours: float | None = Field(default=48, gt=0)
    max_vetoes: int | None = Field(default=2, ge=0, description="Veto days per person per period.")
    forbidden_successions: list[tuple[Id, Id]] = Field(
        default_factory=list, description="Extra (shift, next-day shift) pairs that may not follow."
    )

    @classmethod
    def none(cls) -> Rules:
        """No working-time rules at all (imported benchmarks carry their own)."""
        return cls(
            min_rest_minutes=None, weekly_rest_minutes=None, max_average_weekly_hours=None, max_vetoes=None
        )


@functools.cache
def _weights_model(specs: tuple[families.WeightSpec, ...]) -> type[BaseModel]:
    """A model with one whole-number field per registered weight (its default and bounds)."""
    fields: dict[str, Any] = {w.field: (int, Field(default=w.default, ge=w.ge, le=w.le)) for w in specs}
    return create_model("RegisteredWeights", __config__=ConfigDict(extra="forbid"), **fields)


class Weights(BaseModel):
    """Weights of the soft rules that are not carried on a record of their own: one field per weighted
    family of the registry (`solver/families.py`), e.g. `weights.continuity`, including families
    registered after this module was imported. A missing field takes the family's default; an unknown
    one, or a value outside the family's bounds, is an error naming the field."""

    model_config = ConfigDict(extra="allow")

    if TYPE_CHECKING:

        def __getattr__(self, field: str) -> int: ...

    @model_validator(mode="before")
    @classmethod
    def _registered(cls, data: Any) -> Any:
        if isinstance(data, Weights):
            data = data.model_dump()
        if not isinstance(data, dict):
            raise ValueError(f"weights must be an object of weight names and numbers, got {data!r}")
        specs = tuple(w for _, w in families.weighted())
        known = {w.field for w in specs}
        unknown = [
            InitErrorDetails(
                type=PydanticCustomError(
                    "unknown_weight",
                    "unknown weight {name} (known: {known})",
                    {"name": repr(name), "known": ", ".join(w.field for w in specs)},
                ),
                loc=(name,),
                input=value,
            )
            for name, value in data.items()
            if name not in known
        ]
        if unknown:
            raise ValidationError.from_exception_data("Weights", unknown)
        # Each weight's own errors carry its name in their path (`weights.continuity`).
        return _weights_model(specs).model_validate(data).model_dump()

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """The registered weights as the object's properties (the class itself declares none)."""
        schema = handler(core_schema)
        schema = handler.resolve_ref_schema(schema)
        schema["properties"] = {
            w.field: {
                "type": "integer",
                "minimum": w.ge,
                "maximum": w.le,
                "default": w.default,
                "title": w.label,
                "description": w.description,
            }
            for _, w in families.weighted()
        }
        schema["additionalProperties"] = False
        return schema


class Problem(_Strict):
    """A complete planning problem."""

    name: str = ""
    horizon: Horizon
    shift_types: list[ShiftType] = Field(min_length=1)
    staff: list[Staff]
    routes: list[Route] = Field(default_factory=list)
    cover: list[Cover] = Field(default_factory=list)
    rules: Rules = Field(default_factory=Rules)
    weights: Weights = Field(default_factory=Weights)
    wishes: list[Wish] = Field(default_factory=list)
    self_picks: list[SelfPick] = Field(default_factory=list)
    keep: list[KeepCell] = Field(
        default_factory=list, description="Cells of the draft a re-solve starts from (kept when cheap)."
    )
    locks: list[Lock] = Field(default_factory=list)
    history: list[HistoryDay] = Field(
        default_factory=list,
        description="Each person's last days before the horizon (shift, or null: off), read by the rules "
        "at the horizon's start.",
    )

    # ---- lookups -----------------------------------------------------------------------------------

    def shift(self, code: str) -> ShiftType:
        return next(s for s in self.shift_types if s.code == code)

    def person(self, staff_id: str) -> Staff:
        return next(p for p in self.staff if p.id == staff_id)

    def route(self, route_id: str) -> Route:
        return next(r for r in self.routes if r.id == route_id)

    def history_days(self) -> int:
        """How many days before the horizon the rules read (entries older than that change nothing)."""
        return history_days(self.rules, [p.contract for p in self.staff])

    @model_validator(mode="after")
    def _labels(self) -> Problem:
        """Name people as the team tells them apart: "name (id)" where two or more share a name."""
        names = Counter(p.name or p.id for p in self.staff)
        for p in self.staff:
            name = p.name or p.id
            p._label = f"{name} ({p.id})" if names[name] > 1 else None
        return self

    # ---- validation of cross references ------------------------------------------------------------

    @model_validator(mode="after")
    def _references(self) -> Problem:
        errors: list[str] = []
        _unique(errors, "shift_types", [s.code for s in self.shift_types], "code")
        _unique(errors, "staff", [p.id for p in self.staff], "id")
        _unique(errors, "routes", [r.id for r in self.routes], "id")
        shifts = {s.code for s in self.shift_types}
        people = {p.id for p in self.staff}
        routes = {r.id: r for r in self.routes}
        h = self.horizon

        def date_in(path: str, day: dt.date) -> None:
            if not h.contains(day):
                last = h.last_day
                errors.append(f"{path}: date {day} is outside the horizon {h.start} … {last}")

        def known(path: str, value: str | None, pool: set[str] | dict[str, Route], what: str) -> None:
            if value is not None and value not in pool:
                errors.append(f"{path}: unknown {what} {value!r}")

        def route_runs(path: str, route_id: str | None, shift: str | None, day: dt.date) -> None:
            if route_id is None or route_id not in routes:
                return
            route = routes[route_id]
            if shift is not None and shift not in route.shifts:
                errors.append(f"{path}: route {route_id!r} does not run in shift {shift!r}")
            if day.weekday() not in route.weekdays:
                errors.append(f"{path}: route {route_id!r} does not run on {day} ({day.strftime('%A')})")

        for day in h.public_holidays:
            date_in("horizon.public_holidays", day)
        for i, s in enumerate(self.shift_types):
            for code in s.forbidden_next:
                known(f"shift_types[{i}].forbidden_next", code, shifts, "shift")
        for i, p in enumerate(self.staff):
            for code in p.contract.max_shifts:
                known(f"staff[{i}].contract.max_shifts", code, shifts, "shift")
            for day in p.days_off:
                date_in(f"staff[{i}].days_off", day)
            for code in p.favourite_routes:
                known(f"staff[{i}].favourite_routes", code, routes, "route")
        for i, r in enumerate(self.routes):
            for code in r.shifts:
                known(f"routes[{i}].shifts", code, shifts, "shift")
        for i, c in enumerate(self.cover):
            known(f"cover[{i}].shift", c.shift, shifts, "shift")
            if c.date is not None:
                date_in(f"cover[{i}].date", c.date)
        for a, b in self.rules.forbidden_successions:
            known("rules.forbidden_successions", a, shifts, "shift")
            known("rules.forbidden_successions", b, shifts, "shift")
        cells: tuple[tuple[str, Sequence[Wish | SelfPick | KeepCell | Lock]], ...] = (
            ("wishes", self.wishes),
            ("self_picks", self.self_picks),
            ("keep", self.keep),
            ("locks", self.locks),
        )
        for field, records in cells:
            for i, rec in enumerate(records):
                path = f"{field}[{i}]"
                known(f"{path}.staff", rec.staff, people, "staff id")
                known(f"{path}.shift", rec.shift, shifts, "shift")
                known(f"{path}.route", rec.route, routes, "route")
                date_in(f"{path}.date", rec.date)
                route_runs(path, rec.route, rec.shift, rec.date)
        if self.rules.max_vetoes is not None:
            vetoes = Counter(w.staff for w in self.wishes if w.kind is WishKind.veto)
            for staff_id, count in sorted(vetoes.items()):
                if count > self.rules.max_vetoes:
                    errors.append(
                        f"wishes: staff {staff_id!r} has {count} veto days, "
                        f"at most {self.rules.max_vetoes} allowed"
                    )
        levels = Counter((c.shift, c.skill, c.date, c.weekday) for c in self.cover)
        for (shift, skill, on_date, weekday), count in levels.items():
            if count > 1:
                where = (
                    f"date {on_date}"
                    if on_date
                    else f"weekday {weekday}"
                    if weekday is not None
                    else "every day"
                )
                errors.append(f"cover: {count} rules for shift {shift!r}, skill {skill!r} on {where}")
        seen_history: set[tuple[str, dt.date]] = set()
        for i, past in enumerate(self.history):
            path = f"history[{i}]"
            known(f"{path}.staff", past.staff, people, "staff id")
            known(f"{path}.shift", past.shift, shifts, "shift")
            if past.date >= h.start:
                errors.append(f"{path}.date: date {past.date} is not before the horizon start {h.start}")
            if (past.staff, past.date) in seen_history:
                errors.append(f"{path}: staff {past.staff!r} already has a history day on {past.date}")
            seen_history.add((past.staff, past.date))
        seen_locks: set[tuple[str, dt.date]] = set()
        for i, lock in enumerate(self.locks):
            key = (lock.staff, lock.date)
            if key in seen_locks:
                errors.append(f"locks[{i}]: staff {lock.staff!r} already has a lock on {lock.date}")
            seen_locks.add(key)
        if errors:
            raise ValueError("; ".join(errors))
        return self


def history_days(rules: Rules, contracts: Iterable[Contract]) -> int:
    """How many days before the horizon the rules read (docs/rules.md, "Before the horizon"): 2 for the
    daily rest and successions, 8 for the weekly rest, `k` for a consecutive-days limit `k`, and
    `7·(n−1) + 1` for a weekend off in every `n`."""
    reach = 2
    if rules.weekly_rest_minutes is not None:
        reach = 8
    for c in contracts:
        for k in (c.max_consecutive_work, c.min_consecutive_work, c.min_consecutive_off):
            reach = max(reach, k or 0)
        if c.weekend_off_every is not None and c.weekend_off_every > 1:
            reach = max(reach, 7 * (c.weekend_off_every - 1) + 1)
    return reach


def _unique(errors: list[str], field: str, values: list[str], key: str) -> None:
    for value, count in Counter(values).items():
        if count > 1:
            errors.append(f"{field}: duplicate {key} {value!r}")
