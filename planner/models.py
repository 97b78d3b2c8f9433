"""The stored data: one SQLModel family per entity (`XBase`, `XCreate`, `X(table=True)`, `XPublic`).

Table models hold what is stored; `Create` models are what a client sends and are validated with the
solver's own constraints (`solver.problem.Id`, `Contract`, `Absence`), so the API rejects with 422 what
the solver would reject later. Lists and nested records are JSON columns. Datetimes are timezone-aware
(stored as UTC); a deadline sent without a zone is Danish local time.
The schema is created and changed only by the migrations in `planner/migrations/`.
No FastAPI here, and no business rules: those live in `planner.services`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from pydantic import (
    FiniteFloat,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError
from sqlalchemy import JSON, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from planner import credentials
from solver import families
from solver.problem import MAX_HORIZON_MINUTES, Absence, Contract, Id, Weights

PeriodState = Literal["draft", "open", "closed", "solved", "published"]
# "stopping": the planner asked a running job to stop; it keeps the best rota found so far.
JobState = Literal["queued", "running", "stopping", "done", "failed", "cancelled"]
# What a job ended with: a rota, a rota of a search stopped early, or no rota (the hard rules cannot
# all hold; none found within the time limit). None while it runs, and when it failed or was cancelled
# before it had one.
JobOutcome = Literal["rota", "stopped_early", "infeasible", "no_rota_in_time"]
RotaState = Literal["draft", "published", "superseded"]
# An administrator creates teams and planner accounts and sees every team's status, not its people's
# data (`planner.services.organisation`); planning a team takes a `TeamPlanner` row, whatever the role.
Role = Literal["admin", "planner", "staff"]
# The accounts a team's planner creates in the team (an administrator account only `pusleplan
# create-admin` makes).
TeamRole = Literal["planner", "staff"]
# How a published rota changed into its next version (`RotaChange.kind`).
RotaChangeKind = Literal["handover", "swap", "sickness", "replan", "edit"]
# An offered shift (`ShiftOffer.state`): `open` for takers; `taken` waits for the planner's approval;
# `approved` is in the rota; the others ended it without a change (`expired`: the shift started first).
OfferState = Literal["open", "taken", "approved", "refused", "withdrawn", "declined", "expired"]
OfferKind = Literal["give", "swap"]
WishKindName = Literal["want", "avoid", "veto"]


LOCAL_ZONE = ZoneInfo("Europe/Copenhagen")
# Integer columns are 32-bit on PostgreSQL (SQLite would store anything): inputs stay within that range.
INT_MAX = 2**31 - 1


def utcnow() -> dt.datetime:
    """Now, timezone-aware in UTC (what every datetime column holds)."""
    return dt.datetime.now(dt.UTC)


def local(value: dt.datetime | None) -> dt.datetime | None:
    """A stored time stamp (UTC; SQLite gives it back without a zone) in Danish local time."""
    if value is None:
        return None
    if value.utcoffset() is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(LOCAL_ZONE)


# The years a period or a deadline may fall in: wider than any rota, narrow enough that every date and
# time stamp converts between zones and fits the database.
FIRST_YEAR, LAST_YEAR = 2000, 2100

# How long the lists of a request may be (issue 17 item 5): far beyond any real team, short enough that
# one request cannot store megabytes that every later page has to carry.
MAX_CODES = 50  # skills, shifts, forbidden successors of one record
MAX_DAYS = 400  # dates in a list: a period is at most 366 days
MAX_FAVOURITES = 200
District = Annotated[str, StringConstraints(min_length=1, max_length=100)]
# A clock time of the team's own zone, "07:00" or "07:00:00": no offset, so not JSON Schema's `time`
# format (RFC 3339 requires one), which the OpenAPI document would otherwise promise.
ClockTime = Annotated[
    dt.time,
    WithJsonSchema(
        {"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?$", "examples": ["07:00"]}
    ),
]
# A shift code followed by one that may not come next ([from, to]); a list rather than a tuple so the
# OpenAPI document has no `prefixItems`, which OpenAPI 3.0 tools read wrongly.
Succession = Annotated[list[Id], Field(min_length=2, max_length=2)]


def _in_years(value: dt.date) -> None:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise PydanticCustomError(
            "year_out_of_range",
            "must be in the years {first}–{last}",
            {"first": str(FIRST_YEAR), "last": str(LAST_YEAR)},  # text: a page must not write "2.000"
        )


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None:
        _in_years(value)
    if value is not None and value.utcoffset() is None:
        return value.replace(tzinfo=LOCAL_ZONE)
    return value


def _sane_date(value: dt.date) -> dt.date:
    _in_years(value)
    return value


def _json(default: Any = None, **kwargs: Any) -> Any:
    factory = list if default is None else default
    return Field(default_factory=factory, sa_type=JSON, **kwargs)


def _weekdays(value: list[int]) -> list[int]:
    for day in value:
        if not 0 <= day <= 6:
            raise ValueError(f"weekday must be 0 (Monday) … 6 (Sunday), got {day}")
    return value


# ---- team -------------------------------------------------------------------------------------------


class TeamBase(SQLModel):
    name: str = Field(min_length=1, max_length=200)


class TeamCreate(TeamBase):
    pass


class Team(TeamBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    created_at: dt.datetime = Field(default_factory=utcnow)


class TeamPublic(TeamBase):
    id: int


# ---- staff ------------------------------------------------------------------------------------------


class StaffBase(SQLModel):
    code: str = Field(min_length=1, max_length=64, description="The person's id in rotas and exports.")
    name: str = Field(default="", max_length=200)


class StaffCreate(StaffBase):
    code: Id
    skills: list[Id] = Field(default=[], max_length=MAX_CODES)
    contract: Contract = Contract()
    days_off: list[dt.date] = Field(default=[], max_length=MAX_DAYS)
    weekdays_off: list[int] = Field(default=[], max_length=7)
    absences: list[Absence] = Field(default=[], max_length=MAX_DAYS)
    favourite_routes: list[Id] = Field(default=[], max_length=MAX_FAVOURITES)
    favourite_districts: list[District] = Field(default=[], max_length=MAX_FAVOURITES)

    _check_weekdays = field_validator("weekdays_off")(_weekdays)


class Staff(StaffBase, table=True):
    __table_args__ = (UniqueConstraint("team_id", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    skills: list[str] = _json()
    contract: dict[str, Any] = _json(dict)
    days_off: list[str] = _json()
    weekdays_off: list[int] = _json()
    absences: list[dict[str, Any]] = _json()
    favourite_routes: list[str] = _json()
    favourite_districts: list[str] = _json()


class StaffPublic(StaffCreate):
    id: int
    team_id: int


class ColleaguePublic(SQLModel):
    """A colleague as a staff member sees them: who they are and what they can do. Their contract, days
    off, absences (whose reasons may be health data) and favourites are for themselves and the planner."""

    model_config = {"extra": "forbid"}  # a full record is never read as a colleague's
    id: int
    team_id: int
    code: str
    name: str
    skills: list[str]


# ---- shift types, routes, cover ---------------------------------------------------------------------


class ShiftTypeBase(SQLModel):
    code: str = Field(min_length=1, max_length=64)
    name: str = Field(default="", max_length=200)
    start: ClockTime | None = None
    minutes: int = Field(gt=0, le=16 * 60)


class ShiftTypeCreate(ShiftTypeBase):
    code: Id
    skills: list[Id] = Field(default=[], max_length=MAX_CODES)
    forbidden_next: list[Id] = Field(default=[], max_length=MAX_CODES)


class ShiftType(ShiftTypeBase, table=True):
    __tablename__ = "shift_type"
    __table_args__ = (UniqueConstraint("team_id", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    skills: list[str] = _json()
    forbidden_next: list[str] = _json()


class ShiftTypePublic(ShiftTypeCreate):
    id: int
    team_id: int


class RouteBase(SQLModel):
    code: str = Field(min_length=1, max_length=64)
    name: str = Field(default="", max_length=200)
    district: str = Field(default="", max_length=200)
    weight_unfilled: int = Field(default=100, ge=0, le=1_000_000)


class RouteCreate(RouteBase):
    code: Id
    skills: list[Id] = Field(default=[], max_length=MAX_CODES)
    shifts: list[Id] = Field(min_length=1, max_length=MAX_CODES)
    weekdays: list[int] = Field(default=[0, 1, 2, 3, 4, 5, 6], max_length=7)

    _check_weekdays = field_validator("weekdays")(_weekdays)


class Route(RouteBase, table=True):
    __table_args__ = (UniqueConstraint("team_id", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    skills: list[str] = _json()
    shifts: list[str] = _json()
    weekdays: list[int] = _json()


class RoutePublic(RouteCreate):
    id: int
    team_id: int


class CoverRuleBase(SQLModel):
    shift: str = Field(min_length=1, max_length=64)
    skill: str | None = Field(default=None, max_length=64)
    date: dt.date | None = None
    weekday: int | None = Field(default=None, ge=0, le=6)
    need: int = Field(ge=0, le=INT_MAX)
    weight_under: int = Field(default=100, ge=0, le=1_000_000)
    weight_over: int = Field(default=1, ge=0, le=1_000_000)


class CoverRuleCreate(CoverRuleBase):
    @model_validator(mode="after")
    def _one_selector(self) -> CoverRuleCreate:
        if self.date is not None and self.weekday is not None:
            raise ValueError("give date or weekday, not both")
        return self


class CoverRule(CoverRuleBase, table=True):
    __tablename__ = "cover_rule"
    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)


class CoverRulePublic(CoverRuleBase):
    id: int
    team_id: int


# ---- rules ------------------------------------------------------------------------------------------


class RulesBase(SQLModel):
    """Working-time rules with the Danish defaults, and the weights of the team-wide soft rules."""

    min_rest_minutes: int | None = Field(default=11 * 60, ge=0, le=INT_MAX)
    weekly_rest_minutes: int | None = Field(default=35 * 60, ge=0, le=INT_MAX)
    max_average_weekly_hours: FiniteFloat | None = Field(default=48, gt=0, le=7 * 24)
    max_vetoes: int | None = Field(default=2, ge=0, le=INT_MAX)
    # Payroll's time bands (`planner.payroll`), local clock times of a weekday: day hours from
    # `pay_day_start`, evening hours from `pay_evening_start`, night hours from `pay_night_start` until
    # the next day's `pay_day_start`. Danish defaults 06–17, 17–23, 23–06 (the common agreements' evening
    # and night supplements); Saturday, Sunday and public holidays are bands of their own all day.
    pay_day_start: ClockTime = Field(
        default=dt.time(6), description="Payroll: weekday day hours start here (and night hours end)."
    )
    pay_evening_start: ClockTime = Field(default=dt.time(17), description="Payroll: evening hours start.")
    pay_night_start: ClockTime = Field(default=dt.time(23), description="Payroll: night hours start.")

    @field_validator("pay_day_start", "pay_evening_start", "pay_night_start")
    @classmethod
    def _bands_in_order(cls, value: dt.time, info: ValidationInfo) -> dt.time:
        value = value.replace(tzinfo=None)  # a clock time of the team's own zone (an offset means nothing)
        if info.field_name == "pay_day_start":
            return value
        before = "pay_day_start" if info.field_name == "pay_evening_start" else "pay_evening_start"
        earlier = info.data.get(before)
        if isinstance(earlier, dt.time) and value <= earlier:
            raise PydanticCustomError(
                "pay_band_order",
                "must be later than {before} ({earlier})",
                {"before": before, "earlier": earlier.strftime("%H:%M")},
            )
        return value

    fairness_from_history: bool = Field(
        default=False,
        description="Weigh fairness by earlier periods: the next solve gives each person a fairness credit "
        "from the fairness ledger's running totals, so those whose wishes were met least are favoured.",
    )
    auto_approve_swaps: bool = Field(
        default=False,
        description="A taken shift offer goes into the published rota at once, without the planner, when "
        "every hard rule holds and cover and skill mix are unchanged.",
    )


def default_weights() -> dict[str, int]:
    """Every registered soft-rule weight at its default (`solver/families.py`)."""
    return Weights().model_dump()


def without_unregistered_weights(stored: Any) -> Any:
    """Stored weights as the registry has them now: a weight of a family no longer registered is left
    out, one registered since the row was written takes its default (in `Weights`)."""
    if not isinstance(stored, dict):
        return stored
    known = {w.field for _, w in families.weighted()}
    return {name: value for name, value in stored.items() if name in known}


class RulesUpdate(RulesBase):
    forbidden_successions: list[Succession] = Field(default=[], max_length=MAX_CODES * MAX_CODES)
    weights: Weights = Field(
        default_factory=Weights,
        description="The team-wide soft-rule weights, one per weighted rule family (`docs/rules.md`); "
        "a weight left out takes its default.",
    )


class Rules(RulesBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", unique=True)
    forbidden_successions: list[list[str]] = _json()
    # One number per weighted family of the registry, by its weight field (`{"continuity": 3, …}`).
    weights: dict[str, int] = _json(default_weights)

    def registered_weights(self) -> Weights:
        """The stored weights as the registry has them now (`without_unregistered_weights`), defaults
        filled in."""
        return Weights.model_validate(without_unregistered_weights(self.weights))


class RulesPublic(RulesUpdate):
    team_id: int

    _known_weights = field_validator("weights", mode="before")(without_unregistered_weights)


# ---- periods ----------------------------------------------------------------------------------------


class PeriodBase(SQLModel):
    name: str = Field(default="", max_length=200)
    start: dt.date
    days: int = Field(default=56, ge=1, le=366)
    deadline: dt.datetime | None = Field(default=None, description="Wishes close for staff at this time.")

    @property
    def last_day(self) -> dt.date:
        """The period's last date (`days` dates from `start`)."""
        return self.start + dt.timedelta(days=self.days - 1)


class PeriodCreate(PeriodBase):
    public_holidays: list[dt.date] = Field(default=[], max_length=MAX_DAYS)

    _check_deadline = field_validator("deadline")(_aware)
    _check_start = field_validator("start")(_sane_date)


class Period(PeriodBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    state: str = Field(default="draft", max_length=16)
    public_holidays: list[str] = _json()
    created_at: dt.datetime = Field(default_factory=utcnow)


class PeriodPublic(PeriodCreate):
    id: int
    team_id: int
    state: PeriodState


class PeriodOpen(SQLModel):
    deadline: dt.datetime | None = Field(default=None, description="Keep the current deadline when absent.")

    _check_deadline = field_validator("deadline")(_aware)


# ---- wishes, self-picks, locks, standing wishes ------------------------------------------------------


class WishBase(SQLModel):
    date: dt.date
    kind: str = Field(max_length=8)
    shift: str | None = Field(default=None, max_length=64)
    route: str | None = Field(default=None, max_length=64)
    weight: int = Field(default=1, ge=0, le=1_000_000)


class WishCreate(WishBase):
    staff_id: int
    kind: WishKindName
    shift: Id | None = None
    route: Id | None = None


class WishUpdate(WishBase):
    """A changed wish; `version` is the one the client last read (a stale version gives 409)."""

    kind: WishKindName
    shift: Id | None = None
    route: Id | None = None
    version: int = Field(ge=1, le=INT_MAX)


class Wish(WishBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    period_id: int = Field(foreign_key="period.id", index=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    version: int = Field(default=1)
    source: str = Field(default="own", max_length=16, description="own, or standing (an agreement)")
    updated_at: dt.datetime = Field(default_factory=utcnow)


class WishPublic(WishBase):
    id: int
    period_id: int
    staff_id: int
    version: int
    source: str


class SelfPickBase(SQLModel):
    date: dt.date
    shift: str = Field(min_length=1, max_length=64)
    route: str | None = Field(default=None, max_length=64)


class SelfPickCreate(SelfPickBase):
    staff_id: int


class SelfPick(SelfPickBase, table=True):
    __tablename__ = "self_pick"
    __table_args__ = (
        UniqueConstraint("period_id", "staff_id", "date"),
        UniqueConstraint("period_id", "date", "shift", "route"),
    )
    id: int | None = Field(default=None, primary_key=True)
    period_id: int = Field(foreign_key="period.id", index=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    weight: int = Field(default=10, ge=0)
    created_at: dt.datetime = Field(default_factory=utcnow)


class SelfPickPublic(SelfPickBase):
    id: int
    period_id: int
    staff_id: int
    weight: int


class Lock(SQLModel, table=True):
    """A planner's decision on one cell: the person works exactly this shift (route), or is off (null)."""

    __table_args__ = (UniqueConstraint("period_id", "staff_id", "date"),)
    id: int | None = Field(default=None, primary_key=True)
    period_id: int = Field(foreign_key="period.id", index=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    date: dt.date
    shift: str | None = Field(default=None, max_length=64)
    route: str | None = Field(default=None, max_length=64)
    # Why the planner decided it, when a reason was given ("Rotamøde: …" for a move of the rota meeting).
    reason: str | None = Field(default=None, max_length=300)


class LockPublic(SQLModel):
    id: int
    period_id: int
    staff_id: int
    date: dt.date
    shift: str | None
    route: str | None
    reason: str | None = None


class CellEdit(SQLModel):
    """`lock`: keep the draft's cell; `change`: this shift (and route) instead; `clear`: off that day."""

    action: Literal["lock", "change", "clear"]
    shift: Id | None = None
    route: Id | None = None


# ---- the rota meeting: what-if moves -----------------------------------------------------------------


class MoveRequest(SQLModel):
    """A what-if move of the rota meeting. `take`: `staff_id` works `shift` (`route`) on `date`; with
    `other_id`, that person's cell that day (they are then off; `shift` defaults to theirs). `swap`: the
    cells (`staff_id`, `date`) and (`other_id`, `other_date`) exchange contents. `off`: `staff_id` is off
    on `date`."""

    kind: Literal["take", "swap", "off"]
    staff_id: int = Field(ge=1, le=INT_MAX)
    date: dt.date
    shift: Id | None = None
    route: Id | None = None
    other_id: int | None = Field(default=None, ge=1, le=INT_MAX)
    other_date: dt.date | None = None


class MoveCheck(MoveRequest):
    repair: bool = Field(default=True, description="Look for the best repair when the move breaks a rule.")


class MoveCell(SQLModel):
    """One cell of a repair, as the check answered it (a null shift: off)."""

    staff_id: int = Field(ge=1, le=INT_MAX)
    date: dt.date
    shift: Id | None = None
    route: Id | None = None


class MoveAccept(MoveRequest):
    base: int = Field(
        ge=0, le=INT_MAX, description="The check's `base`: the meeting's last accepted move it was made on."
    )
    repair: list[MoveCell] = Field(
        default=[], max_length=2000, description="The repair's cells from the check, to store with the move."
    )
    note: str = Field(default="", max_length=200, description="The planner's words for the reason.")


class MeetingMove(SQLModel, table=True):
    """A move accepted in the rota meeting: the locks it set (each with the lock it replaced, so undo
    puts that back). `state`: `done`, or `undone` (redo sets it again)."""

    __tablename__ = "meeting_move"
    id: int | None = Field(default=None, primary_key=True)
    rota_id: int = Field(foreign_key="rota.id", index=True)
    period_id: int = Field(foreign_key="period.id", index=True)
    state: str = Field(default="done", max_length=8)
    reason: str = Field(default="", max_length=300)
    cells: list[dict[str, Any]] = _json()
    created_by: str = Field(default="", max_length=100)
    created_at: dt.datetime = Field(default_factory=utcnow)


class MeetingMovePublic(SQLModel):
    id: int
    rota_id: int
    state: str
    reason: str
    cells: list[dict[str, Any]]
    created_by: str
    created_at: dt.datetime


class FixApply(SQLModel):
    """One relaxation of a proposed fix (`GET /periods/{id}/fixes`) to make in the stored input: the
    person (`staff`, their code), the date of a veto or lock to drop, the shift type of a `max_shifts`
    limit, and the new value (minutes for hours, a count otherwise; null: no limit)."""

    kind: Literal[
        "drop_veto",
        "drop_lock",
        "min_hours",
        "max_hours",
        "max_consecutive_work",
        "min_consecutive_work",
        "min_consecutive_off",
        "max_weekends",
        "weekend_off_every",
        "max_shifts",
    ]
    staff: Id
    date: dt.date | None = None
    shift: Id | None = None
    value: int | None = Field(default=None, ge=0, le=MAX_HORIZON_MINUTES)


class StandingWishBase(SQLModel):
    """An individual agreement (*individuel aftale*), applied to every new period once approved."""

    kind: str = Field(max_length=8)
    shift: str | None = Field(default=None, max_length=64)
    route: str | None = Field(default=None, max_length=64)
    weight: int = Field(default=5, ge=0, le=1_000_000)
    note: str = Field(default="", max_length=500)


class StandingWishCreate(StandingWishBase):
    staff_id: int
    kind: Literal["want", "avoid"]
    weekdays: list[int] = Field(
        default=[], max_length=7, description="0 = Monday … 6 = Sunday; empty: every day."
    )

    _check_weekdays = field_validator("weekdays")(_weekdays)


class StandingWish(StandingWishBase, table=True):
    __tablename__ = "standing_wish"
    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    weekdays: list[int] = _json()
    approved: bool = False
    created_at: dt.datetime = Field(default_factory=utcnow)


class StandingWishPublic(StandingWishBase):
    id: int
    staff_id: int
    weekdays: list[int]
    approved: bool


# ---- solving and rotas ------------------------------------------------------------------------------


class SolveRequest(SQLModel):
    time_limit: FiniteFloat = Field(default=10.0, gt=0, le=3600)
    workers: int = Field(default=2, ge=1, le=16)
    seed: int = Field(default=0, ge=0, le=INT_MAX)
    from_rota: int | None = Field(default=None, description="Re-solve from this draft (minimal change).")
    keep_weight: int = Field(default=5, ge=0, le=1000, description="Cost of changing a cell of `from_rota`.")
    fixed_before: dt.date | None = Field(
        default=None, description="With `from_rota`: every cell before this date stays as it is there."
    )


class SolveJob(SQLModel, table=True):
    __tablename__ = "solve_job"
    id: int | None = Field(default=None, primary_key=True)
    period_id: int = Field(foreign_key="period.id", index=True)
    state: str = Field(default="queued", max_length=16, index=True)
    time_limit: float
    workers: int
    seed: int
    from_rota: int | None = None
    keep_weight: int = 5
    fixed_before: dt.date | None = None
    created_by: str = Field(default="", max_length=100)
    created_at: dt.datetime = Field(default_factory=utcnow)
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    elapsed: float | None = None
    best_objective: int | None = None
    best_bound: float | None = None
    error: str | None = None
    rota_id: int | None = None
    outcome: str | None = Field(default=None, max_length=16)
    conflicts: list[dict[str, Any]] = _json()  # the solver's, when the outcome is `infeasible`
    # Which run of the job this is: a job whose worker was lost is run again (`attempts` + 1); only the
    # current attempt may write progress or end the job, so a late old run stores nothing.
    attempts: int = 0
    heartbeat_at: dt.datetime | None = None  # the worker running it was alive then (celery queue)
    worker: str | None = Field(default=None, max_length=200)  # host:pid of the process running it


class SolveJobPublic(SQLModel):
    id: int
    period_id: int
    state: JobState
    time_limit: float
    from_rota: int | None
    fixed_before: dt.date | None = None
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    elapsed: float | None
    best_objective: int | None
    best_bound: float | None
    error: str | None
    rota_id: int | None
    outcome: JobOutcome | None
    conflicts: list[dict[str, Any]]


class Rota(SQLModel, table=True):
    """One solved rota of a period; kept for good, never overwritten (a re-solve makes a new one). After
    publication every recorded change (`RotaChange`) makes a new published version (`from_rota` the one
    before, which becomes `superseded`): a period has at most one `published` rota, its current one."""

    __table_args__ = (
        Index(
            "uq_rota_one_published",
            "period_id",
            unique=True,
            sqlite_where=text("state = 'published'"),
            postgresql_where=text("state = 'published'"),
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    period_id: int = Field(foreign_key="period.id", index=True)
    state: str = Field(default="draft", max_length=16)
    # The job that found it: at most one rota per job (a unique index; NULLs, hand-made rotas, repeat),
    # so a job whose result is stored twice (two workers, a retry) cannot give two drafts.
    job_id: int | None = Field(default=None, index=True, unique=True)
    from_rota: int | None = None
    created_at: dt.datetime = Field(default_factory=utcnow)
    published_at: dt.datetime | None = None
    status: str = Field(max_length=16)
    objective: int | None = None
    best_bound: float | None = None
    wall_time: float = 0.0
    stopped_early: bool = False  # the planner stopped the search: the best rota found until then
    problem: dict[str, Any] = _json(dict)
    assignments: list[dict[str, Any]] = _json()
    penalties: list[dict[str, Any]] = _json()
    fulfilment: list[dict[str, Any]] = _json()
    coverage: list[dict[str, Any]] = _json()
    conflicts: list[dict[str, Any]] = _json()
    # The counterfactual reasons of its unmet wishes and short slots (`solver.counterfactual.Reason`s),
    # worked out after the solve; None until then.
    reasons: list[dict[str, Any]] | None = Field(default=None, sa_type=JSON)


class RotaSummary(SQLModel):
    id: int
    period_id: int
    state: RotaState
    job_id: int | None
    from_rota: int | None
    created_at: dt.datetime
    published_at: dt.datetime | None
    status: str
    objective: int | None
    best_bound: float | None
    wall_time: float
    stopped_early: bool


class RotaPublic(RotaSummary):
    assignments: list[dict[str, Any]]
    penalties: list[dict[str, Any]]
    fulfilment: list[dict[str, Any]]
    coverage: list[dict[str, Any]]
    conflicts: list[dict[str, Any]]
    unfilled: list[dict[str, Any]] = []


class RotaChange(SQLModel, table=True):
    """One recorded change of a published rota: the version it made (`rota_id`) from the one before
    (`from_rota`), what kind, who asked and who approved, and each changed cell before and after
    (`cells`: `{"staff", "date", "before": {"shift", "route"} | null, "after": … | null}`)."""

    __tablename__ = "rota_change"
    id: int | None = Field(default=None, primary_key=True)
    period_id: int = Field(foreign_key="period.id", index=True)
    rota_id: int = Field(foreign_key="rota.id", index=True)
    from_rota: int = Field(foreign_key="rota.id")
    kind: str = Field(max_length=16)
    who: str = Field(max_length=100)
    approved_by: str | None = Field(default=None, max_length=100)
    at: dt.datetime = Field(default_factory=utcnow)
    reason: str = Field(default="", max_length=500)
    offer_id: int | None = None
    cells: list[dict[str, Any]] = _json()


class RotaChangePublic(SQLModel):
    id: int
    period_id: int
    rota_id: int
    from_rota: int
    kind: RotaChangeKind
    who: str
    approved_by: str | None
    at: dt.datetime
    reason: str
    offer_id: int | None
    cells: list[dict[str, Any]]


class ShiftOfferCreate(SQLModel):
    """A shift of one's own in the published rota, offered: to everyone (`to_staff_id` null), to one
    colleague, or (`swap_date` given) as a swap for that colleague's shift on `swap_date`."""

    staff_id: int = Field(ge=1, le=INT_MAX)
    date: dt.date
    to_staff_id: int | None = Field(default=None, ge=1, le=INT_MAX)
    swap_date: dt.date | None = None
    note: str = Field(default="", max_length=500)

    _check_date = field_validator("date")(_sane_date)

    @model_validator(mode="after")
    def _swap_needs_colleague(self) -> ShiftOfferCreate:
        if self.swap_date is not None and self.to_staff_id is None:
            raise PydanticCustomError("swap_needs_colleague", "a swap names the colleague (to_staff_id)")
        return self


class ShiftOffer(SQLModel, table=True):
    """An offered shift (vagtbytte). `state` moves only by conditional UPDATEs (`services.swaps`), so
    two colleagues taking it at once cannot both win. A shift has at most one active offer (a partial
    unique index: a double tap stores one)."""

    __tablename__ = "shift_offer"
    __table_args__ = (
        Index(
            "uq_shift_offer_active",
            "period_id",
            "staff_id",
            "date",
            unique=True,
            sqlite_where=text("state IN ('open', 'taken')"),
            postgresql_where=text("state IN ('open', 'taken')"),
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    period_id: int = Field(foreign_key="period.id", index=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    date: dt.date
    shift: str = Field(max_length=64)
    route: str | None = Field(default=None, max_length=64)
    kind: str = Field(default="give", max_length=8)
    to_staff_id: int | None = Field(default=None, foreign_key="staff.id")
    swap_date: dt.date | None = None
    swap_shift: str | None = Field(default=None, max_length=64)
    swap_route: str | None = Field(default=None, max_length=64)
    note: str = Field(default="", max_length=500)
    state: str = Field(default="open", max_length=16, index=True)
    starts_at: dt.datetime  # the shift's start: the offer expires then
    created_at: dt.datetime = Field(default_factory=utcnow)
    taken_by: int | None = Field(default=None, foreign_key="staff.id")
    taken_at: dt.datetime | None = None
    decided_by: str | None = Field(default=None, max_length=100)
    decided_at: dt.datetime | None = None
    reason: str = Field(default="", max_length=500)
    rota_id: int | None = None  # the version the approval made


class ShiftOfferPublic(SQLModel):
    id: int
    period_id: int
    staff_id: int
    date: dt.date
    shift: str
    route: str | None
    kind: OfferKind
    to_staff_id: int | None
    swap_date: dt.date | None
    swap_shift: str | None
    swap_route: str | None
    note: str
    state: OfferState
    starts_at: dt.datetime
    created_at: dt.datetime
    taken_by: int | None
    taken_at: dt.datetime | None
    decided_by: str | None
    decided_at: dt.datetime | None
    reason: str
    rota_id: int | None


class OfferDecision(SQLModel):
    reason: str = Field(default="", max_length=500)


class SicknessReport(SQLModel):
    """Sick from `start` to `end` (both included; `end` absent: that day only)."""

    staff_id: int = Field(ge=1, le=INT_MAX)
    start: dt.date
    end: dt.date | None = None
    reason: str = Field(default="syg", max_length=200)

    _check_start = field_validator("start")(_sane_date)

    @model_validator(mode="after")
    def _ordered(self) -> SicknessReport:
        if self.end is not None:
            _in_years(self.end)
            if self.end < self.start:
                raise PydanticCustomError("end_before_start", "end is before start")
        return self


class ReplanRequest(SQLModel):
    """Re-plan the published rota from `from_date`: every cell before it stays; from it on a minimal-change
    re-solve fills the holes (a draft to compare and publish)."""

    from_date: dt.date
    time_limit: FiniteFloat = Field(default=10.0, gt=0, le=600)
    keep_weight: int = Field(default=5, ge=1, le=1000)


# ---- users, tokens, audit ---------------------------------------------------------------------------


class UserBase(SQLModel):
    username: str = Field(min_length=1, max_length=100, unique=True, index=True)
    role: str = Field(max_length=16)
    team_id: int | None = Field(default=None, foreign_key="team.id")
    staff_id: int | None = Field(default=None, foreign_key="staff.id")


class UserCreate(UserBase):
    """A new account. The user name is stored trimmed and in lower case; the password must pass the
    policy of `planner.credentials` (a 422 on `password` says which rule it breaks)."""

    role: TeamRole
    password: str = Field(max_length=credentials.MAX_LENGTH)

    @field_validator("username")
    @classmethod
    def _normal_username(cls, value: str) -> str:
        value = credentials.normal_username(value)
        if not value:
            raise PydanticCustomError("string_too_short", "String should have at least 1 character")
        return value

    @field_validator("password")
    @classmethod
    def _policy(cls, value: str, info: ValidationInfo) -> str:
        problem = credentials.password_problem(value, info.data.get("username", ""))
        if problem:
            text = credentials.ERROR_TEXTS[problem]
            raise PydanticCustomError(problem, text, {"min_length": credentials.MIN_LENGTH})
        return value


class User(UserBase, table=True):
    __tablename__ = "app_user"
    id: int | None = Field(default=None, primary_key=True)
    password_hash: str = Field(max_length=500)
    created_at: dt.datetime = Field(default_factory=utcnow)
    disabled: bool = Field(default=False, description="Disabled by the planner: no sign-in, no token.")
    # A one-time password was given (the planner's reset, `pusleplan reset-password`): until the person
    # chooses their own, their sign-in may only do that.
    must_change_password: bool = False
    # Two-factor sign-in (TOTP, RFC 6238): the shared secret (base32), whether it is confirmed and asked
    # at sign-in, and the last time step used (a code is accepted once).
    totp_secret: str | None = Field(default=None, max_length=64)
    totp_enabled: bool = False
    totp_last_step: int | None = None
    # Notifications (`planner.notifications`): where e-mail goes (None: in-app only), the language texts
    # are written in, and the person's own choice per kind (`{"rota_published": false}`; a kind left out
    # takes its default).
    email: str | None = Field(default=None, max_length=254)
    language: str = Field(default="da", max_length=8)
    email_kinds: dict[str, bool] = _json(dict)


class UserPublic(UserBase):
    id: int
    disabled: bool = False
    must_change_password: bool = False
    email: str | None = None
    teams: list[int] = Field(
        default=[], description="The teams a planner account plans (`team_id` is a staff account's one team)."
    )


class TeamPlanner(SQLModel, table=True):
    """A planner (or an administrator) plans a team: one row per account and team. A planner account may
    plan several teams; its own `team_id` stays empty (only a staff account belongs to one team)."""

    __tablename__ = "team_planner"
    user_id: int = Field(foreign_key="app_user.id", primary_key=True)
    team_id: int = Field(foreign_key="team.id", primary_key=True, index=True)
    created_at: dt.datetime = Field(default_factory=utcnow)


class PasswordChange(SQLModel):
    """Choosing one's own password: the one in use, and the new one (the policy of `planner.credentials`;
    the user name and the person's and team's names are checked by the service)."""

    current_password: str = Field(max_length=credentials.MAX_LENGTH)
    new_password: str = Field(max_length=credentials.MAX_LENGTH)

    @field_validator("new_password")
    @classmethod
    def _policy(cls, value: str) -> str:
        problem = credentials.password_problem(value)
        if problem:
            text = credentials.ERROR_TEXTS[problem]
            raise PydanticCustomError(problem, text, {"min_length": credentials.MIN_LENGTH})
        return value


class OneTimePassword(SQLModel):
    """A password the planner gave an account (shown once): its owner must choose their own at sign-in."""

    username: str
    password: str


class ApiToken(SQLModel, table=True):
    """A bearer token, stored as its SHA-256: the database never holds a usable token."""

    __tablename__ = "api_token"
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    created_at: dt.datetime = Field(default_factory=utcnow)
    expires_at: dt.datetime


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_entry"
    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(default_factory=utcnow, index=True)
    who: str = Field(max_length=100)
    team_id: int | None = Field(default=None, index=True)
    action: str = Field(max_length=100)
    target: str = Field(default="", max_length=200)
    detail: dict[str, Any] = _json(dict)


class AuditEntryPublic(SQLModel):
    id: int
    at: dt.datetime
    who: str
    action: str
    target: str
    detail: dict[str, Any]


# ---- notifications, the e-mail outbox, password reset links -----------------------------------------


class Notification(SQLModel, table=True):
    """One thing a person is told of (in-app): a registered kind (`planner.notifications`) and the
    values that fill its text, said in the reader's language when shown. `key` names the event: one
    notification per (event, person), however often it is reported."""

    __table_args__ = (UniqueConstraint("key", "user_id"),)
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=64)
    params: dict[str, Any] = _json(dict)
    key: str = Field(max_length=200)
    created_at: dt.datetime = Field(default_factory=utcnow, index=True)
    read_at: dt.datetime | None = None


class NotificationPublic(SQLModel):
    id: int
    kind: str
    subject: str = Field(description="The text in the reader's language (`Accept-Language`).")
    body: str
    link: str | None = Field(description="The page it is about, a path of this service.")
    created_at: dt.datetime
    read: bool


class NotificationList(SQLModel):
    unread: int = Field(description="The person's unread notifications, all of them (not only this page).")
    items: list[NotificationPublic]


OutboxState = Literal["pending", "sending", "sent", "failed"]


class OutboxMail(SQLModel, table=True):
    """An e-mail to send, written in the transaction of the event; sent later by the outbox worker
    (`planner.outbox`). `state` moves pending → sending → sent (or back to pending with a later
    `next_attempt_at` after a failure, and failed after the last attempt), each move one conditional
    UPDATE: a row is claimed by one sender only, and one that was claimed is never sent again."""

    __tablename__ = "outbox_mail"
    __table_args__ = (UniqueConstraint("key", "user_id"),)
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=64)
    params: dict[str, Any] = _json(dict)
    key: str = Field(max_length=200)
    to_address: str = Field(max_length=254)
    language: str = Field(default="da", max_length=8)
    state: str = Field(default="pending", max_length=16, index=True)
    attempts: int = 0
    next_attempt_at: dt.datetime = Field(default_factory=utcnow)
    created_at: dt.datetime = Field(default_factory=utcnow)
    claimed_at: dt.datetime | None = None
    sent_at: dt.datetime | None = None
    last_error: str | None = Field(default=None, max_length=2000)


class PasswordResetToken(SQLModel, table=True):
    """A link to choose a new password ("Glemt adgangskode?"), stored as the SHA-256 of its secret: the
    database never holds a usable link. Single use (`used_at`), valid until `expires_at`."""

    __tablename__ = "password_reset_token"
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    user_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    created_at: dt.datetime = Field(default_factory=utcnow)
    expires_at: dt.datetime
    used_at: dt.datetime | None = None


# ---- calendar subscriptions -------------------------------------------------------------------------


class CalendarFeed(SQLModel, table=True):
    """A secret subscription URL (`/calendar/{token}.ics`) of one account: a person's own shifts
    (`staff_id`), or the whole team's (a planner's, `staff_id` None). Only the token's SHA-256 is
    stored; renewing replaces the row, so the old URL stops working at once."""

    __tablename__ = "calendar_feed"
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    user_id: int = Field(foreign_key="app_user.id", unique=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    created_at: dt.datetime = Field(default_factory=utcnow)


class CalendarFeedPublic(SQLModel):
    """A subscription as its owner sees it: the URL only right after it was made (it is not stored)."""

    team_id: int
    staff_id: int | None
    created_at: dt.datetime
    url: str | None = Field(default=None, description="https URL; shown once, when made or renewed.")
    webcal: str | None = Field(default=None, description="The same as webcal://, for phone calendars.")


# ---- the organisation: teams, their planners, their status ------------------------------------------


class PlannerCreate(SQLModel):
    """A new planner account, made by an administrator: it plans `teams` and signs in first with a
    one-time password (shown once) and then chooses its own."""

    username: str = Field(min_length=1, max_length=100)
    teams: list[int] = Field(default=[], max_length=MAX_CODES, description="The teams it plans.")

    @field_validator("username")
    @classmethod
    def _normal_username(cls, value: str) -> str:
        value = credentials.normal_username(value)
        if not value:
            raise PydanticCustomError("string_too_short", "String should have at least 1 character")
        return value


class PlannerTeams(SQLModel):
    """The teams a planner account plans, as a whole (teams left out are no longer its)."""

    teams: list[int] = Field(max_length=MAX_CODES)


class PlannerPublic(SQLModel):
    id: int
    username: str
    role: Role
    teams: list[int]
    disabled: bool
    must_change_password: bool


class PlannerAccount(PlannerPublic):
    """A planner account just made, with its one-time password (shown only in this answer)."""

    password: str


class PeriodStatus(SQLModel):
    id: int
    name: str
    start: dt.date
    days: int
    state: PeriodState
    deadline: dt.datetime | None


class PublishedStatus(SQLModel):
    rota_id: int
    period_id: int
    published_at: dt.datetime | None


class TeamStatus(SQLModel):
    """Where one team is, as an administrator sees it: no person's data, only the team's progress."""

    id: int
    name: str
    planners: list[str] = Field(description="User names of the accounts that plan the team.")
    staff: int = Field(description="How many people the team has.")
    periods: list[PeriodStatus] = Field(
        description="Periods not yet published or not yet over, earliest first."
    )
    solves_queued: int
    solves_running: int = Field(description="Running, or stopping with the best rota found so far.")
    latest_published: PublishedStatus | None
