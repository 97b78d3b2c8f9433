"""Generate `examples/uldum.json`: a home-care team modelled on Hjemmeplejen Uldum (Hedensted).

Run `python examples/make_uldum.py`. The output is deterministic (`random.Random(2027)`, no set or
hash ordering), so re-running it reproduces the file byte for byte; `tests/test_docs_example.py`
checks that.

How the data is made:

1. The team (25 people), the shifts, the routes and the cover rules are written out below by hand.
2. Vetoes and wishes are drawn with the seeded generator, within limits that keep every day staffable
   (at most three vetoes on a date, never fewer than two nurses left on a date).
3. A simple greedy rota is built that obeys every hard rule of `docs/rules.md` (checked afterwards by
   an independent checker in this file). The self-picks and locks are taken from that rota, so they
   are consistent with each other and with the hard rules: the problem is feasible.
4. A short staffing summary is printed: slots vs. people per weekday and per week, and contract
   targets vs. slot minutes.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python examples/make_uldum.py` without an installed package
    sys.path.insert(0, str(ROOT))

from solver.problem import (  # noqa: E402
    Absence,
    Contract,
    Cover,
    Horizon,
    Lock,
    Problem,
    Route,
    Rules,
    SelfPick,
    ShiftType,
    Staff,
    Weights,
    Wish,
    WishKind,
)

OUT = Path(__file__).with_name("uldum.json")
SEED = 2027
START = dt.date(2027, 3, 1)  # Monday of ISO week 9
DAYS = 56  # weeks 9-16
HOLIDAYS = [
    dt.date(2027, 3, 25),  # Skærtorsdag
    dt.date(2027, 3, 26),  # Langfredag
    dt.date(2027, 3, 28),  # Påskedag (a Sunday: no effect on the norm)
    dt.date(2027, 3, 29),  # 2. påskedag
]
EASTER = [dt.date(2027, 3, d) for d in (24, 25, 26, 27, 28, 29)]
TOLERANCE = 4 * 60
WEEKDAY_NAMES = ["man", "tir", "ons", "tor", "fre", "lør", "søn"]

NURSE, ASSISTANT, HELPER = "sygeplejerske", "sosu-assistent", "sosu-hjaelper"
SKILLED = [ASSISTANT, NURSE]  # "sosu-assistent or sygeplejerske"
MON_FRI = list(range(5))

SHIFTS = [
    ShiftType(code="dag", name="Dagvagt", start=dt.time(7, 0), minutes=480),
    ShiftType(code="aften", name="Aftenvagt", start=dt.time(15, 0), minutes=480),
    ShiftType(code="nat", name="Nattevagt", start=dt.time(23, 0), minutes=480),
]

# 8 day routes (5 at weekends), 4 evening routes (3 at weekends), 1 night route
ROUTES = [
    Route(id="uldum-1", name="Uldum 1", district="Uldum", shifts=["dag"], skills=SKILLED),
    Route(id="uldum-2", name="Uldum 2", district="Uldum", shifts=["dag"]),
    Route(id="uldum-3", name="Uldum 3", district="Uldum", shifts=["dag"], weekdays=MON_FRI),
    Route(id="hornsyld-1", name="Hornsyld 1", district="Hornsyld", shifts=["dag"], skills=SKILLED),
    Route(id="hornsyld-2", name="Hornsyld 2", district="Hornsyld", shifts=["dag"]),
    Route(id="torring-1", name="Tørring 1", district="Tørring", shifts=["dag"], skills=SKILLED),
    Route(id="torring-2", name="Tørring 2", district="Tørring", shifts=["dag"], weekdays=MON_FRI),
    Route(
        id="sygepleje",
        name="Sygeplejeruten (sår, medicin, kateter)",
        district="Uldum",
        shifts=["dag"],
        skills=[NURSE],
        weekdays=MON_FRI,
        weight_unfilled=150,
    ),
    Route(id="aften-uldum", name="Uldum aften", district="Uldum", shifts=["aften"], skills=SKILLED),
    Route(id="aften-hornsyld", name="Hornsyld aften", district="Hornsyld", shifts=["aften"]),
    Route(id="aften-torring", name="Tørring aften", district="Tørring", shifts=["aften"]),
    Route(
        id="aften-4", name="Aften 4 (Uldum–Hornsyld)", district="Hornsyld", shifts=["aften"], weekdays=MON_FRI
    ),
    Route(
        id="nat",
        name="Nattevagt (hele området)",
        district="Uldum",
        shifts=["nat"],
        skills=SKILLED,
        weight_unfilled=200,
    ),
]


def _weekend(code: str, need: int) -> list[Cover]:
    return [Cover(shift=code, weekday=wd, need=need, weight_under=0, weight_over=2) for wd in (5, 6)]


# The routes price a missing person (`weight_unfilled`); the total counts only price extras.
COVER = [
    Cover(shift="dag", need=8, weight_under=0, weight_over=2),
    *_weekend("dag", 5),
    Cover(shift="aften", need=4, weight_under=0, weight_over=2),
    *_weekend("aften", 3),
    Cover(shift="nat", need=1, weight_under=0, weight_over=5),
    Cover(shift="dag", skill=NURSE, need=1, weight_under=50, weight_over=0),
]


@dataclass(frozen=True)
class Member:
    """One line of the team table (the hand-written part of a person)."""

    id: str
    name: str
    skill: str
    hours: float
    district: str
    nights: bool = True  # False: a standing "no nights" (max_shifts nat 0)
    weekend_every: int = 2
    min_off: int | None = None
    pickup: int | None = None  # school pick-up weekday: no evening shift then
    night_lover: bool = False
    weekend_lover: bool = False
    weekday_off: int | None = None
    day_off: dt.date | None = None
    max_weekends: int | None = None
    max_extra_hours: int | None = None  # a second job: a hard cap this far above the target


TEAM = [
    Member("anne.s", "Anne S.", NURSE, 37, "Uldum"),
    Member("birgitte.l", "Birgitte L.", NURSE, 37, "Hornsyld", nights=False, min_off=2),
    Member("karen.m", "Karen M.", NURSE, 30, "Tørring", weekend_every=3),
    Member("jonas.h", "Jonas H.", NURSE, 28, "Uldum", night_lover=True, max_extra_hours=8),
    Member("mette.k", "Mette K.", ASSISTANT, 37, "Uldum"),
    Member("lone.p", "Lone P.", ASSISTANT, 37, "Hornsyld", nights=False, min_off=2),
    Member("susanne.j", "Susanne J.", ASSISTANT, 37, "Tørring", weekend_every=3),
    Member("camilla.n", "Camilla N.", ASSISTANT, 32, "Uldum", pickup=1),
    Member("louise.b", "Louise B.", ASSISTANT, 30, "Hornsyld", nights=False, pickup=1),
    Member("henrik.t", "Henrik T.", ASSISTANT, 30, "Tørring", night_lover=True),
    Member("pia.r", "Pia R.", ASSISTANT, 28, "Uldum", min_off=2),
    Member("dorthe.v", "Dorthe V.", ASSISTANT, 28, "Hornsyld", weekend_every=3),
    Member("sofie.a", "Sofie A.", ASSISTANT, 24, "Tørring", weekend_lover=True),
    Member("maja.f", "Maja F.", ASSISTANT, 24, "Uldum", nights=False),
    Member("rikke.d", "Rikke D.", ASSISTANT, 24, "Hornsyld"),
    Member("hanne.g", "Hanne G.", HELPER, 37, "Uldum", nights=False, min_off=2),
    Member("tina.e", "Tina E.", HELPER, 32, "Hornsyld", pickup=3),
    Member("jytte.o", "Jytte O.", HELPER, 30, "Tørring", weekend_every=3),
    Member("charlotte.w", "Charlotte W.", HELPER, 28, "Uldum"),
    Member("marianne.c", "Marianne C.", HELPER, 28, "Hornsyld", min_off=2),
    Member("kirsten.i", "Kirsten I.", HELPER, 24, "Tørring", nights=False, weekday_off=2),
    Member("lars.u", "Lars U.", HELPER, 24, "Uldum", max_weekends=3),
    Member("ida.n", "Ida N.", HELPER, 24, "Hornsyld", weekend_lover=True),
    Member("freja.b", "Freja B.", HELPER, 24, "Tørring", weekend_every=3),
    Member("gitte.h", "Gitte H.", HELPER, 24, "Uldum", day_off=dt.date(2027, 4, 9)),
]

# Approved absences: the Easter school holiday is popular, plus two course days.
ABSENCES = {
    "mette.k": [Absence(start=dt.date(2027, 3, 20), end=dt.date(2027, 3, 28), reason="Ferie (påske)")],
    "tina.e": [Absence(start=dt.date(2027, 3, 22), end=dt.date(2027, 3, 28), reason="Ferie (påske)")],
    "hanne.g": [Absence(start=dt.date(2027, 3, 27), end=dt.date(2027, 4, 4), reason="Ferie")],
    "louise.b": [Absence(start=dt.date(2027, 3, 22), end=dt.date(2027, 3, 26), reason="Ferie (påske)")],
    "sofie.a": [Absence(start=dt.date(2027, 3, 24), end=dt.date(2027, 3, 31), reason="Ferie (påske)")],
    "karen.m": [Absence(start=dt.date(2027, 3, 10), end=dt.date(2027, 3, 10), reason="Kursus: sårpleje")],
    "lone.p": [Absence(start=dt.date(2027, 4, 14), end=dt.date(2027, 4, 14), reason="Kursus: forflytning")],
}


# ---- the random part: vetoes and wishes -------------------------------------------------------------


def dates() -> list[dt.date]:
    return [START + dt.timedelta(days=i) for i in range(DAYS)]


def _absent(pid: str, day: dt.date) -> bool:
    return any(a.start <= day <= a.end for a in ABSENCES.get(pid, []))


def _off_hard(m: Member, day: dt.date) -> bool:
    return _absent(m.id, day) or m.weekday_off == day.weekday() or m.day_off == day


def _route_ok(m: Member, route: Route, day: dt.date) -> bool:
    return day.weekday() in route.weekdays and (not route.skills or m.skill in route.skills)


def _favourites(rng: random.Random, m: Member) -> tuple[list[str], list[str]]:
    """Route favourites: night lovers name the night route, others a route or their whole district."""
    if m.night_lover:
        return ["nat"], []
    own = [
        r
        for r in ROUTES
        if r.district == m.district and r.id != "nat" and (not r.skills or m.skill in r.skills)
    ]
    if m.skill == NURSE and rng.random() < 0.6:
        return ["sygepleje"], [m.district]
    if rng.random() < 0.4:
        return [], [m.district]
    picks = rng.sample(own, k=min(2, len(own)))
    return [r.id for r in picks], []


def draw_vetoes(rng: random.Random) -> list[Wish]:
    """0–2 veto days each; Easter is popular, but never more than 3 vetoes on one date, never leaving
    fewer than two nurses on a date."""
    per_date: Counter[dt.date] = Counter()
    nurses_away: Counter[dt.date] = Counter()
    wishes: list[Wish] = []
    for m in TEAM:
        n = rng.choices([0, 1, 2], weights=[2, 3, 5])[0]
        chosen: list[dt.date] = []
        tries = 0
        while len(chosen) < n and tries < 50:
            tries += 1
            day = rng.choice(EASTER) if rng.random() < 0.35 else rng.choice(dates())
            nurse_away = sum(1 for o in TEAM if o.skill == NURSE and (_off_hard(o, day))) + nurses_away[day]
            if (
                day in chosen
                or _off_hard(m, day)
                or per_date[day] >= 3
                or (m.skill == NURSE and nurse_away >= 2)
                or any(abs((day - c).days) < 3 for c in chosen)
            ):
                continue
            chosen.append(day)
            per_date[day] += 1
            if m.skill == NURSE:
                nurses_away[day] += 1
        wishes += [Wish(staff=m.id, date=d, kind=WishKind.veto) for d in sorted(chosen)]
    return wishes


def draw_wishes(rng: random.Random, vetoes: list[Wish]) -> list[Wish]:
    """The soft wishes of the wish slips: at most one wish per person and date."""
    used: dict[str, set[dt.date]] = defaultdict(set)
    for v in vetoes:
        used[v.staff].add(v.date)
    wishes: list[Wish] = []

    def add(
        m: Member,
        day: dt.date,
        kind: WishKind,
        weight: int,
        shift: str | None = None,
        route: str | None = None,
    ):
        if day in used[m.id] or _off_hard(m, day) or not START <= day < START + dt.timedelta(days=DAYS):
            return
        used[m.id].add(day)
        wishes.append(Wish(staff=m.id, date=day, kind=kind, shift=shift, route=route, weight=weight))

    all_days = dates()
    saturdays = [d for d in all_days if d.weekday() == 5]
    for m in TEAM:
        # school pick-up: no evening on that weekday, every week
        if m.pickup is not None:
            for day in all_days:
                if day.weekday() == m.pickup:
                    add(m, day, WishKind.avoid, 2, shift="aften")
        # a weekend off for a family event (April is confirmation season), or weekends wanted
        if m.weekend_lover:
            for sat in rng.sample(saturdays[rng.randrange(2) :: 2], k=3):  # every other weekend
                add(m, sat, WishKind.want, 1)
                add(m, sat + dt.timedelta(days=1), WishKind.want, 1)
        elif rng.random() < 0.45:
            sat = rng.choice(saturdays[4:])
            reason_weight = rng.choice([2, 3, 3, 4])
            add(m, sat, WishKind.avoid, reason_weight)
            add(m, sat + dt.timedelta(days=1), WishKind.avoid, reason_weight)
        # Easter: many would like a day off, a few want to work it
        if rng.random() < 0.4:
            add(m, rng.choice(EASTER), WishKind.avoid, rng.choice([1, 2, 3]))
        # nights wanted by the night lovers, avoided by some who may work them
        if m.night_lover:
            for day in rng.sample(all_days, k=6):
                add(m, day, WishKind.want, 2, shift="nat", route="nat")
        elif m.nights and m.skill != HELPER and rng.random() < 0.5:
            for day in rng.sample(all_days, k=3):
                add(m, day, WishKind.avoid, 1, shift="nat")
        # day and evening preferences
        for _ in range(rng.randint(1, 4)):
            day = rng.choice(all_days)
            kind = rng.choice([WishKind.want, WishKind.want, WishKind.avoid])
            shift = rng.choice(["dag", "dag", "aften"])
            if kind is WishKind.want and shift == "aften" and m.pickup == day.weekday():
                continue
            add(m, day, kind, rng.choice([1, 1, 2]), shift=shift)
        # a citizen they follow (continuity): a route on a given date
        if rng.random() < 0.3:
            routes = [r for r in ROUTES if r.district == m.district and r.shifts == ["dag"]]
            route = rng.choice(routes)
            day = rng.choice([d for d in all_days if _route_ok(m, route, d)] or [START])
            if _route_ok(m, route, day):
                add(m, day, WishKind.want, 2, shift="dag", route=route.id)
        # a day off wanted without a veto
        if rng.random() < 0.5:
            add(m, rng.choice(all_days), WishKind.avoid, rng.choice([1, 2]))
    return wishes


# ---- a greedy rota that obeys every hard rule (source of self-picks and locks) ----------------------


class Draft:
    """A rota built day by day; every step keeps all hard rules of docs/rules.md."""

    def __init__(self, problem: Problem) -> None:
        self.p = problem
        self.days = dates()
        self.shift = {s.code: s for s in problem.shift_types}
        self.on: dict[str, list[str | None]] = {m.id: [None] * DAYS for m in problem.staff}
        self.route_of: dict[tuple[str, int], str] = {}
        self.minutes: Counter[str] = Counter()
        self.count: Counter[tuple[str, str]] = Counter()
        self.blocked: dict[str, set[int]] = defaultdict(set)
        self.avoid: set[tuple[str, int, str | None]] = set()
        self.want: set[tuple[str, int, str | None]] = set()
        for m in problem.staff:
            for i, day in enumerate(self.days):
                if (
                    day in m.days_off
                    or day.weekday() in m.weekdays_off
                    or any(a.start <= day <= a.end for a in m.absences)
                ):
                    self.blocked[m.id].add(i)
        for w in problem.wishes:
            i = problem.horizon.index(w.date)
            if w.kind is WishKind.veto:
                self.blocked[w.staff].add(i)
            elif w.kind is WishKind.avoid:
                self.avoid.add((w.staff, i, w.shift))
            else:
                self.want.add((w.staff, i, w.shift))
        self.target = {m.id: target_minutes(problem, m) for m in problem.staff}
        self.cap = {m.id: self.target[m.id] + m.contract.target_tolerance_minutes for m in problem.staff}
        for m in problem.staff:
            if m.contract.max_minutes is not None:
                self.cap[m.id] = min(self.cap[m.id], m.contract.max_minutes)

    def can(self, m: Staff, i: int, code: str) -> bool:
        row = self.on[m.id]
        c = m.contract
        if i in self.blocked[m.id] or row[i] is not None:
            return False
        if (m.id, i, code) in self.avoid or (m.id, i, None) in self.avoid:
            return False
        if code in c.max_shifts and self.count[(m.id, code)] >= c.max_shifts[code]:
            return False
        if self.minutes[m.id] + self.shift[code].minutes > self.cap[m.id]:
            return False
        return (
            self._rest(row, i, code)
            and self._runs(m, row, i)
            and self._weekend(m, row, i)
            and self._weekly(row, i, code)
        )

    def _rest(self, row: list[str | None], i: int, code: str) -> bool:
        limit = self.p.rules.min_rest_minutes or 0
        start = self.shift[code].start_minute or 0
        for back, base in ((1, 1440), (2, 2880)):
            prev = row[i - back] if i >= back else None
            if prev is not None:
                s = self.shift[prev]
                if base + start - ((s.start_minute or 0) + s.minutes) < limit:
                    return False
        return True

    def _runs(self, m: Staff, row: list[str | None], i: int) -> bool:
        c = m.contract
        run = 0
        while i - run - 1 >= 0 and row[i - run - 1] is not None:
            run += 1
        if c.max_consecutive_work is not None and run + 1 > c.max_consecutive_work:
            return False
        if c.min_consecutive_off is not None and i >= 1 and row[i - 1] is None:
            off = 0
            while i - off - 1 >= 0 and row[i - off - 1] is None:
                off += 1
            touches_start = i - off - 1 < 0
            if not touches_start and off < c.min_consecutive_off:
                return False
        return True

    def _weekend_index(self, i: int) -> int:
        return self.days[i].isocalendar()[1]

    def _weekend(self, m: Staff, row: list[str | None], i: int) -> bool:
        if self.days[i].weekday() < 5:
            return True
        weeks = sorted({self._weekend_index(j) for j in range(DAYS) if self.days[j].weekday() >= 5})
        worked = {self._weekend_index(j) for j in range(DAYS) if self.days[j].weekday() >= 5 and row[j]}
        w = self._weekend_index(i)
        if w in worked:
            return True
        c = m.contract
        if c.max_weekends is not None and len(worked) + 1 > c.max_weekends:
            return False
        n = c.weekend_off_every
        if n is not None:
            k = weeks.index(w)
            if k >= n - 1 and all(weeks[j] in worked for j in range(k - n + 1, k)):
                return False
        return True

    def _weekly(self, row: list[str | None], i: int, code: str) -> bool:
        """Windows ending at i-1 and i are fully known once day i is decided; each needs a rest day."""
        trial = list(row)
        trial[i] = code
        for end in (i - 1, i):
            w = end - 6
            if w < 0 or w > DAYS - 7:
                continue
            if not any(is_rest_day(self.p, trial, j, self.shift) for j in range(w, end + 1)):
                return False
        return True

    def put(self, m: Staff, i: int, code: str, route: str | None) -> None:
        self.on[m.id][i] = code
        self.minutes[m.id] += self.shift[code].minutes
        self.count[(m.id, code)] += 1
        if route is not None:
            self.route_of[(m.id, i)] = route

    def _score(
        self, m: Staff, i: int, route: Route, nurse_on_dag: bool, last_route: dict[str, str]
    ) -> tuple[float, str]:
        """Lower is better: who is most behind their target, with nudges towards a sensible rota."""
        code, day = route.shifts[0], self.days[i]
        # pace: shifts still to work per day still open to this person
        open_days = sum(1 for j in range(i, DAYS) if j not in self.blocked[m.id])
        left = (self.target[m.id] - self.minutes[m.id]) / 480 / max(1, open_days)
        bonus = 0.0
        if (m.id, i, code) in self.want or (m.id, i, None) in self.want:
            bonus += 0.3
        if route.id in m.favourite_routes or route.district in m.favourite_districts:
            bonus += 0.05
        if last_route.get(m.id) == route.id:
            bonus += 0.03
        if code == "nat" and i > 0 and self.on[m.id][i - 1] == "nat":
            bonus += 0.3  # nights come in runs
        if code == "dag" and not nurse_on_dag and NURSE in m.skills and route.skills:
            bonus += 1.0  # one nurse on every day shift
        if day.weekday() >= 5 and i >= 7 and not any(self.on[m.id][i - 7 : i - 5]):
            bonus += 0.2  # off last weekend: this one is theirs
        if day.weekday() == 6 and self.on[m.id][i - 1] is not None:
            bonus += 0.3  # a worked weekend is a whole weekend
        if code != "dag" and NURSE in m.skills:
            bonus -= 0.1  # nurses are wanted on the day shift
        if not route.skills and HELPER in m.skills:
            bonus += 0.05  # keep the assistants for the routes that need them
        return (-(left + bonus), m.id)

    def build(self) -> None:
        staff = self.p.staff
        rank = {s.code: k for k, s in enumerate(self.p.shift_types)}
        order = sorted(
            self.p.routes,
            key=lambda r: (r.id != "nat", r.skills != [NURSE], not r.skills, rank[r.shifts[0]], r.id),
        )
        last_route: dict[str, str] = {}
        for i, day in enumerate(self.days):
            for route in order:
                if day.weekday() not in route.weekdays:
                    continue
                code = route.shifts[0]
                nurse_on_dag = any(self.on[m.id][i] == "dag" and NURSE in m.skills for m in staff)

                able = [
                    m
                    for m in staff
                    if (not route.skills or any(s in m.skills for s in route.skills)) and self.can(m, i, code)
                ]
                if able:
                    best = min(able, key=lambda m: self._score(m, i, route, nurse_on_dag, last_route))
                    self.put(best, i, code, route.id)
                    last_route[best.id] = route.id


def is_rest_day(problem: Problem, row: list[str | None], j: int, shifts: dict[str, ShiftType]) -> bool:
    """docs/rules.md, hard rule 13: is day j a rest day for a person working `row`?"""
    if row[j] is not None:
        return False
    last = len(row) - 1
    if j == 0 or j == last or row[j - 1] is None or row[j + 1] is None:
        return True
    s, t = shifts[row[j - 1]], shifts[row[j + 1]]  # type: ignore[index]
    if s.start_minute is None or t.start_minute is None:
        return True
    return 2880 + t.start_minute - (s.start_minute + s.minutes) >= (problem.rules.weekly_rest_minutes or 0)


def target_minutes(problem: Problem, m: Staff) -> int:
    """docs/rules.md, soft rule 5: the contract target over the horizon."""
    if m.contract.weekly_hours is None:
        return 0
    d = sum(
        1
        for day in problem.horizon.dates()
        if day.weekday() < 5
        and day not in problem.horizon.public_holidays
        and not any(a.start <= day <= a.end for a in m.absences)
    )
    return round(m.contract.weekly_hours * 60 * d / 5)


def hard_violations(
    problem: Problem, on: dict[str, list[str | None]], route_of: dict[tuple[str, int], str]
) -> list[str]:
    """An independent check of hard rules 1–13 of docs/rules.md for a rota (one shift code or None a day)."""
    out: list[str] = []
    h = problem.horizon
    days = h.dates()
    n = len(days)
    shifts = {s.code: s for s in problem.shift_types}
    vetoes = {(w.staff, w.date) for w in problem.wishes if w.kind is WishKind.veto}
    slots: Counter[tuple[str, int]] = Counter()
    for (pid, i), rid in route_of.items():
        slots[(rid, i)] += 1
        r, m, code = problem.route(rid), problem.person(pid), on[pid][i]
        if code not in r.shifts or days[i].weekday() not in r.weekdays:
            out.append(f"{pid} on {rid} {days[i]} outside its shifts/days")
        if r.skills and not any(s in m.skills for s in r.skills):
            out.append(f"{pid} lacks skill for {rid}")
    out += [f"route slot {k} has {v} people" for k, v in slots.items() if v > 1]
    for lock in problem.locks:
        i = h.index(lock.date)
        if on[lock.staff][i] != lock.shift or (lock.route and route_of.get((lock.staff, i)) != lock.route):
            out.append(f"lock broken: {lock}")
    for m in problem.staff:
        row, c = on[m.id], m.contract
        for i, day in enumerate(days):
            code = row[i]
            if code is None:
                continue
            s = shifts[code]
            if s.skills and not any(k in m.skills for k in s.skills):
                out.append(f"{m.id} lacks shift skill {s.code}")
            if (
                day in m.days_off
                or day.weekday() in m.weekdays_off
                or (m.id, day) in vetoes
                or any(a.start <= day <= a.end for a in m.absences)
            ):
                out.append(f"{m.id} works on a day off {day}")
            for back, base in ((1, 1440), (2, 2880)):
                before = row[i - back] if i >= back else None
                if before is not None:
                    p = shifts[before]
                    banned = back == 1 and (
                        s.code in p.forbidden_next or (p.code, s.code) in problem.rules.forbidden_successions
                    )
                    rest = problem.rules.min_rest_minutes
                    if rest is not None and p.start_minute is not None and s.start_minute is not None:
                        banned = banned or base + s.start_minute - (p.start_minute + p.minutes) < rest
                    if banned:
                        out.append(f"{m.id}: {p.code} then {s.code} {back} day(s) later at {day}")
        for code, most in c.max_shifts.items():
            if sum(1 for x in row if x == code) > most:
                out.append(f"{m.id}: too many {code}")
        total = sum(shifts[x].minutes for x in row if x)
        cap = c.max_minutes
        if problem.rules.max_average_weekly_hours is not None:
            avg_cap = int(problem.rules.max_average_weekly_hours * 60 * n // 7)
            cap = avg_cap if cap is None else min(cap, avg_cap)
        if (c.min_minutes is not None and total < c.min_minutes) or (cap is not None and total > cap):
            out.append(f"{m.id}: {total} minutes outside bounds")
        worked = [x is not None for x in row]
        run = 0
        for i in range(n):
            run = run + 1 if worked[i] else 0
            if c.max_consecutive_work is not None and run > c.max_consecutive_work:
                out.append(f"{m.id}: run of {run} at {days[i]}")
        for k, state in ((c.min_consecutive_work, True), (c.min_consecutive_off, False)):
            if k is None:
                continue
            for a in range(n):
                for b in range(a + 2, min(n, a + k + 1)):
                    inner = worked[a + 1 : b]
                    if worked[a] != state and worked[b] != state and all(x == state for x in inner):
                        out.append(f"{m.id}: short run {days[a + 1]}…{days[b - 1]}")
        weekends: dict[int, bool] = {}
        for i, day in enumerate(days):
            if day.weekday() >= 5:
                key = day.isocalendar()[1]
                weekends[key] = weekends.get(key, False) or worked[i]
        flags = [weekends[k] for k in sorted(weekends)]
        if c.max_weekends is not None and sum(flags) > c.max_weekends:
            out.append(f"{m.id}: {sum(flags)} weekends")
        e = c.weekend_off_every
        if e is not None:
            for w in range(len(flags) - e + 1):
                if all(flags[w : w + e]):
                    out.append(f"{m.id}: no weekend off in {e} from weekend {w}")
        if problem.rules.weekly_rest_minutes is not None:
            for w in range(n - 6):
                if not any(is_rest_day(problem, row, j, shifts) for j in range(w, w + 7)):
                    out.append(f"{m.id}: no weekly rest in {days[w]}…")
    return out


# ---- assembling the problem -------------------------------------------------------------------------


def generate() -> tuple[Problem, Draft]:
    rng = random.Random(SEED)
    staff: list[Staff] = []
    for m in TEAM:
        routes, districts = _favourites(rng, m)
        contract = Contract(
            weekly_hours=m.hours,
            target_tolerance_minutes=TOLERANCE,
            max_shifts={} if m.nights else {"nat": 0},
            max_consecutive_work=6,
            min_consecutive_off=m.min_off,
            weekend_off_every=m.weekend_every,
            max_weekends=m.max_weekends,
        )
        staff.append(
            Staff(
                id=m.id,
                name=m.name,
                skills=[m.skill],
                contract=contract,
                absences=ABSENCES.get(m.id, []),
                weekdays_off=[] if m.weekday_off is None else [m.weekday_off],
                days_off=[] if m.day_off is None else [m.day_off],
                favourite_routes=routes,
                favourite_districts=districts,
            )
        )
    vetoes = draw_vetoes(rng)
    wishes = draw_wishes(rng, vetoes)
    problem = Problem(
        name="Hjemmeplejen Uldum, uge 9–16 2027",
        # Danish clock times: the night of Saturday 27 March 2027 (Easter) lasts 7 h when the clocks go
        # forward. The draft below counts nominal 8 h nights, which only overstates that one night's
        # hours, and no rest in this team's shift pattern is within an hour of its limit.
        horizon=Horizon(start=START, days=DAYS, public_holidays=HOLIDAYS, time_zone="Europe/Copenhagen"),
        shift_types=SHIFTS,
        staff=staff,
        routes=ROUTES,
        cover=COVER,
        rules=Rules(max_vetoes=2),
        weights=Weights(),
        wishes=sorted(vetoes + wishes, key=lambda w: (w.staff, w.date)),
    )
    # one person's hard cap: a second job, at most 8 h above the target
    for person, member in zip(problem.staff, TEAM, strict=True):
        if member.max_extra_hours is not None:
            person.contract.max_minutes = target_minutes(problem, person) + 60 * member.max_extra_hours

    draft = Draft(problem)
    draft.build()

    # self-picks: about a tenth of the draft, favouring wanted and favourite slots
    picks: list[SelfPick] = []
    for person in problem.staff:
        mine = sorted((i, code) for i, code in enumerate(draft.on[person.id]) if code)
        rng.shuffle(mine)
        liked = {ic: _liked(problem, draft, person, *ic) for ic in mine}
        mine.sort(key=lambda ic: not liked[ic])
        for i, code in mine[: rng.randint(1, 5)]:
            route = draft.route_of[(person.id, i)] if rng.random() < 0.8 else None
            picks.append(SelfPick(staff=person.id, date=draft.days[i], shift=code, route=route))
    problem.self_picks = sorted(picks, key=lambda s: (s.date, s.shift, s.staff))

    # locks: the planner's own decisions, also taken from the draft
    night = next(
        m for m in problem.staff if draft.on[m.id][problem.horizon.index(dt.date(2027, 3, 26))] == "nat"
    )
    i_fri = problem.horizon.index(dt.date(2027, 3, 26))
    locks = [
        Lock(staff=night.id, date=draft.days[i_fri], shift="nat", route=draft.route_of[(night.id, i_fri)])
    ]
    picked = {(s.staff, s.date) for s in problem.self_picks} | {(w.staff, w.date) for w in problem.wishes}
    nurse_id, i_nurse = next(
        (m.id, i)
        for i in range(21, DAYS)
        for m in problem.staff
        if draft.route_of.get((m.id, i)) == "sygepleje" and (m.id, draft.days[i]) not in picked
    )
    locks.append(Lock(staff=nurse_id, date=draft.days[i_nurse], shift="dag", route="sygepleje"))
    helper = problem.person("charlotte.w")
    i_off = next(
        i
        for i in range(7, DAYS)
        if draft.on[helper.id][i] is None
        and draft.days[i].weekday() < 5
        and (helper.id, draft.days[i]) not in picked
    )
    locks.append(Lock(staff=helper.id, date=draft.days[i_off], shift=None))
    problem.locks = locks

    problem = Problem.model_validate_json(problem.model_dump_json())  # run every validator once more
    problems = hard_violations(problem, draft.on, draft.route_of)
    if problems:
        raise SystemExit("the draft rota breaks hard rules:\n" + "\n".join(problems[:20]))
    return problem, draft


def _liked(problem: Problem, draft: Draft, person: Staff, i: int, code: str) -> bool:
    """A draft slot the person asked for or likes: the slots people claim first at the meeting."""
    route = problem.route(draft.route_of[(person.id, i)])
    return (
        (person.id, i, code) in draft.want
        or route.id in person.favourite_routes
        or route.district in person.favourite_districts
    )


def build() -> Problem:
    return generate()[0]


def render(problem: Problem) -> str:
    """The file text: defaults left out, except the rules and weights, which a reader wants to see."""
    data = problem.model_dump(mode="json", exclude_defaults=True)
    data["rules"] = problem.rules.model_dump(mode="json")
    data["weights"] = problem.weights.model_dump(mode="json")
    for lock in data.get("locks", []):
        lock.setdefault("shift", None)  # say "off" out loud
    order = ["name", "horizon", "shift_types", "staff", "routes", "cover", "rules", "weights"]
    ordered = {k: data[k] for k in order if k in data} | {k: v for k, v in data.items() if k not in order}
    return _dump(ordered, 0) + "\n"


def _dump(value: object, level: int, used: int = 0, width: int = 110) -> str:
    """JSON indented by two, with every list or object that fits on its line (`used` columns are taken
    already) written on that one line."""
    flat = json.dumps(value, ensure_ascii=False)
    if used + len(flat) <= width or not isinstance(value, dict | list) or not value:
        return flat
    pad, inner = "  " * level, "  " * (level + 1)
    if isinstance(value, dict):
        items = []
        for k, v in value.items():
            head = f"{inner}{json.dumps(k, ensure_ascii=False)}: "
            items.append(head + _dump(v, level + 1, len(head) + 1, width))
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    items = [inner + _dump(v, level + 1, len(inner) + 1, width) for v in value]
    return "[\n" + ",\n".join(items) + "\n" + pad + "]"


# ---- the staffing summary ---------------------------------------------------------------------------


def slots_on(problem: Problem, day: dt.date) -> Counter[str]:
    need: Counter[str] = Counter()
    for r in problem.routes:
        if day.weekday() in r.weekdays:
            for code in r.shifts:
                need[code] += 1
    return need


def available(problem: Problem, day: dt.date) -> list[Staff]:
    vetoes = {(w.staff, w.date) for w in problem.wishes if w.kind is WishKind.veto}
    return [
        m
        for m in problem.staff
        if day not in m.days_off
        and day.weekday() not in m.weekdays_off
        and (m.id, day) not in vetoes
        and not any(a.start <= day <= a.end for a in m.absences)
    ]


def summary(problem: Problem, draft: Draft) -> str:
    days = problem.horizon.dates()
    shift_len = {s.code: s.minutes for s in problem.shift_types}
    lines = [problem.name, ""]
    skills = Counter(m.skills[0] for m in problem.staff)
    lines.append(
        f"{len(problem.staff)} people ({', '.join(f'{v} {k}' for k, v in sorted(skills.items()))}), "
        f"{len(problem.routes)} routes, {len(days)} days from {days[0]}"
    )
    slot_total = sum(sum(slots_on(problem, d).values()) for d in days)
    slot_minutes = sum(shift_len[c] * n for d in days for c, n in slots_on(problem, d).items())
    targets = {m.id: target_minutes(problem, m) for m in problem.staff}
    tol = sum(m.contract.target_tolerance_minutes for m in problem.staff)
    target = sum(targets.values())
    lines.append(
        f"slots {slot_total} = {slot_minutes // 60} h; contract targets {target // 60} h "
        f"({100 * target / slot_minutes:.1f} %), ± tolerance {tol // 60} h"
    )
    kinds = Counter(w.kind.value for w in problem.wishes)
    lines.append(
        f"wishes {len(problem.wishes)} ({', '.join(f'{v} {k}' for k, v in sorted(kinds.items()))}), "
        f"self-picks {len(problem.self_picks)} "
        f"({100 * len(problem.self_picks) / slot_total:.1f} % of slots), "
        f"locks {len(problem.locks)}"
    )
    lines += ["", "per weekday: slots | people available (min..max) | nurses (min) | night-capable (min)"]
    for wd in range(7):
        ds = [d for d in days if d.weekday() == wd]
        av = [available(problem, d) for d in ds]
        nurses = min(sum(1 for m in a if NURSE in m.skills) for a in av)
        night = min(
            sum(1 for m in a if m.contract.max_shifts.get("nat") != 0 and set(m.skills) & set(SKILLED))
            for a in av
        )
        lines.append(
            f"  {WEEKDAY_NAMES[wd]}  {sum(slots_on(problem, ds[0]).values()):>3} | "
            f"{min(len(a) for a in av):>2}..{max(len(a) for a in av):<2} | {nurses} | {night}"
        )
    lines += [
        "",
        "per week: slots | norm shifts (what the contracts pay for that week: hours x norm days / 5 / 8 h)"
        " | person-days available",
    ]
    for w in range(len(days) // 7):
        ds = days[7 * w : 7 * w + 7]
        slots = sum(sum(slots_on(problem, d).values()) for d in ds)
        norm = 0.0
        for m in problem.staff:
            working = sum(
                1
                for d in ds
                if d.weekday() < 5
                and d not in problem.horizon.public_holidays
                and not any(a.start <= d <= a.end for a in m.absences)
            )
            norm += (m.contract.weekly_hours or 0) * working / 5 / 8
        person_days = sum(len(available(problem, d)) for d in ds)
        flag = "  short" if norm < slots else ""
        lines.append(f"  uge {ds[0].isocalendar()[1]:>2}  {slots} | {norm:5.1f} | {person_days}{flag}")
    avoid_day = Counter(w.date for w in problem.wishes if w.kind is WishKind.avoid and w.shift is None)
    lines += ["", "Easter: date  slots | available | available and not asking for the day off"]
    for d in days:
        if dt.date(2027, 3, 22) <= d <= dt.date(2027, 4, 4):
            n = len(available(problem, d))
            mark = " (helligdag)" if d in problem.horizon.public_holidays else ""
            lines.append(
                f"  {WEEKDAY_NAMES[d.weekday()]} {d:%d/%m}  {sum(slots_on(problem, d).values())} | {n} | "
                f"{n - avoid_day[d]}{mark}"
            )
    filled = len(draft.route_of)
    unfilled = Counter(
        draft.days[i] for i in range(DAYS) for _ in range(sum(slots_on(problem, draft.days[i]).values()))
    )
    for (_, i), _r in draft.route_of.items():
        unfilled[draft.days[i]] -= 1
    gaps = sorted((d, n) for d, n in unfilled.items() if n > 0)
    lines.append(
        f"greedy draft (hard rules kept, avoid-wishes treated as hard, no overtime beyond tolerance): "
        f"{filled}/{slot_total} slots filled"
    )
    if gaps:
        lines.append("  draft gaps: " + ", ".join(f"{d:%d/%m} {n}" for d, n in gaps))
    nurse_days = sum(
        1 for i in range(DAYS) if any(draft.on[m.id][i] == "dag" and NURSE in m.skills for m in problem.staff)
    )
    off_target = [m.id for m in problem.staff if abs(draft.minutes[m.id] - draft.target[m.id]) > TOLERANCE]
    lines.append(
        f"  draft: a nurse on {nurse_days}/{DAYS} day shifts; "
        f"{len(problem.staff) - len(off_target)}/{len(problem.staff)} people within target ± tolerance"
    )
    return "\n".join(lines)


def main() -> None:
    problem, draft = generate()
    OUT.write_text(render(problem), encoding="utf-8")
    print(summary(problem, draft))
    print(f"\nwrote {OUT} ({OUT.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
