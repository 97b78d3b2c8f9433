"""The built-in rule families of `docs/rules.md`, as `solver.families` registers them on first use.

Hard families first, in the order the checker lists them and the model adds them, then the soft ones
in the review page's order. Labels are the planner's English names of the families; the weights'
defaults and bounds are those of `docs/problem-format.md`. Imports the model's rule modules, the
checker and the greedy start, so only `solver.families` imports this module (lazily: the rule modules
import the problem types, whose `Weights` read the registry).
"""

from __future__ import annotations

from solver import check, greedy
from solver.families import N_, Family, FamilySpec, MessageSpec, Msg, WeightSpec
from solver.rules import assignment, cover, keep, rest, sequences, wishes, workload

_WHO = ("who", "staff")
_CELL = (*_WHO, "date", "shift", "route")

HARD: tuple[FamilySpec, ...] = (
    # One shift a day and shift skills need no constraint: the variables are built that way.
    FamilySpec(Family.ONE_SHIFT_A_DAY, True, N_("One shift a day"), check=check.hard_one_shift_a_day),
    FamilySpec(Family.SKILLS, True, N_("Shift skills"), check=check.hard_skills),
    FamilySpec(Family.ROUTES, True, N_("Routes"), model=assignment.add_routes, check=check.hard_routes),
    FamilySpec(
        Family.DAYS_OFF,
        True,
        N_("Days off"),
        (
            MessageSpec(Msg.DAYS_OFF_FIXED, N_("fixed day off {date}"), ("staff", "date")),
            MessageSpec(Msg.DAYS_OFF_WEEKDAY, N_("fixed day off every {weekday_name}"), ("staff", "weekday")),
            MessageSpec(
                Msg.DAYS_OFF_ABSENCE,
                N_("absence {start} … {end}{reason_part}"),
                ("staff", "start", "end", "reason"),
            ),
            MessageSpec(Msg.DAYS_OFF_VETO, N_("veto day {date}"), ("staff", "date")),
        ),
        model=assignment.add_days_off,
        check=check.hard_days_off,
    ),
    FamilySpec(
        Family.LOCK,
        True,
        N_("Locks"),
        (
            MessageSpec(Msg.LOCK_OFF, N_("lock: off on {date}"), ("staff", "date")),
            MessageSpec(
                Msg.LOCK_SHIFT, N_("lock: {shift} on {date}{route_part}"), ("staff", "date", "shift", "route")
            ),
            MessageSpec(
                Msg.LOCK_IMPOSSIBLE,
                N_("lock: {shift} on {date}{route_part} (not qualified or not allowed)"),
                ("staff", "date", "shift", "route"),
            ),
        ),
        model=assignment.add_locks,
        check=check.hard_locks,
    ),
    FamilySpec(
        Family.SUCCESSION,
        True,
        N_("Daily rest and shift successions"),
        (MessageSpec(Msg.SUCCESSION_REST, N_("daily rest and shift successions"), ("staff",)),),
        model=rest.add_successions,
        check=check.hard_successions,
    ),
    FamilySpec(
        Family.MAX_SHIFTS,
        True,
        N_("Shifts per type"),
        (MessageSpec(Msg.MAX_SHIFTS_LIMIT, N_("at most {n} {shift} shifts"), ("staff", "n", "shift")),),
        model=workload.add_max_shifts,
        check=check.hard_max_shifts,
    ),
    FamilySpec(
        Family.MINUTES,
        True,
        N_("Hours in the period"),
        (
            MessageSpec(
                Msg.MINUTES_AT_LEAST, N_("at least {hours:g} hours in the period"), ("staff", "hours")
            ),
            MessageSpec(Msg.MINUTES_AT_MOST, N_("at most {hours:g} hours in the period"), ("staff", "hours")),
        ),
        model=workload.add_minutes,
        check=check.hard_minutes,
    ),
    FamilySpec(
        Family.MAX_CONSECUTIVE_WORK,
        True,
        N_("Most working days in a row"),
        (
            MessageSpec(
                Msg.MAX_CONSECUTIVE_WORK_LIMIT, N_("at most {n} working days in a row"), ("staff", "n")
            ),
        ),
        model=sequences.add_max_consecutive_work,
        check=check.hard_max_consecutive_work,
    ),
    FamilySpec(
        Family.MIN_CONSECUTIVE_WORK,
        True,
        N_("Fewest working days in a row"),
        (
            MessageSpec(
                Msg.MIN_CONSECUTIVE_WORK_LIMIT, N_("at least {n} working days in a row"), ("staff", "n")
            ),
        ),
        model=sequences.add_min_consecutive_work,
        check=check.hard_min_consecutive_work,
    ),
    FamilySpec(
        Family.MIN_CONSECUTIVE_OFF,
        True,
        N_("Fewest days off in a row"),
        (MessageSpec(Msg.MIN_CONSECUTIVE_OFF_LIMIT, N_("at least {n} days off in a row"), ("staff", "n")),),
        model=sequences.add_min_consecutive_off,
        check=check.hard_min_consecutive_off,
    ),
    FamilySpec(
        Family.WEEKENDS,
        True,
        N_("Weekends"),
        (
            MessageSpec(Msg.WEEKENDS_AT_MOST, N_("at most {n} working weekends"), ("staff", "n")),
            MessageSpec(Msg.WEEKENDS_OFF_EVERY, N_("a weekend off in every {n}"), ("staff", "n")),
        ),
        model=sequences.add_weekends,
        check=check.hard_weekends,
    ),
    FamilySpec(
        Family.WEEKLY_REST,
        True,
        N_("Weekly rest"),
        (
            MessageSpec(
                Msg.WEEKLY_REST_NEEDED, N_("weekly rest of {hours} h in every 7 days"), ("staff", "hours")
            ),
        ),
        model=rest.add_weekly_rest,
        check=check.hard_weekly_rest,
    ),
)

SOFT: tuple[FamilySpec, ...] = (
    FamilySpec(
        Family.COVER,
        False,
        N_("Cover"),
        (
            MessageSpec(
                Msg.COVER_UNDER,
                N_("{date} {shift_skill}: {n} short of {need} needed"),
                ("date", "shift", "skill", "n", "need"),
            ),
            MessageSpec(
                Msg.COVER_OVER,
                N_("{date} {shift_skill}: {n} more than {need} needed"),
                ("date", "shift", "skill", "n", "need"),
            ),
        ),
        model=cover.penalize_cover,
        check=check.soft_cover,
    ),
    FamilySpec(
        Family.ROUTE,
        False,
        N_("Routes without a carer"),
        (
            MessageSpec(
                Msg.ROUTE_UNFILLED,
                N_("{date} {shift}: route {route_name} has nobody"),
                ("date", "shift", "route", "route_name"),
            ),
        ),
        model=cover.penalize_unfilled_routes,
        check=check.soft_route,
    ),
    FamilySpec(
        Family.WISH,
        False,
        N_("Wishes"),
        (
            MessageSpec(Msg.WISH_WANT, N_("{who}, {date}: wanted {what}, not given"), _CELL),
            MessageSpec(Msg.WISH_AVOID, N_("{who}, {date}: asked to avoid {what}"), _CELL),
        ),
        model=wishes.penalize_wishes,
        check=check.soft_wish,
        greedy=greedy.wish_cost,
    ),
    FamilySpec(
        Family.SELF_PICK,
        False,
        N_("Self-picked shifts"),
        (MessageSpec(Msg.SELF_PICK_CHANGED, N_("{who}, {date}: own pick {what} was changed"), _CELL),),
        model=wishes.penalize_self_picks,
        check=check.soft_self_pick,
    ),
    FamilySpec(
        Family.KEEP,
        False,
        N_("Changed from the draft"),
        (MessageSpec(Msg.KEEP_CHANGED, N_("{who}, {date}: changed from the draft ({slot})"), _CELL),),
        model=keep.penalize_keep,
        check=check.soft_keep,
    ),
    FamilySpec(
        Family.CONTRACT,
        False,
        N_("Contract hours"),
        (
            MessageSpec(
                Msg.CONTRACT_OFF_TARGET,
                N_("{who}: {hours} h outside the contract target of {target:g} h"),
                (*_WHO, "hours", "target"),
            ),
        ),
        model=workload.penalize_contract_target,
        check=check.soft_contract,
        weight=WeightSpec(
            "contract_hour",
            5,
            N_("Each hour away from the contract"),
            "Per started hour outside target ± tolerance.",
        ),
        greedy=greedy.contract_cost,
    ),
    FamilySpec(
        Family.FAIRNESS,
        False,
        N_("Fair share of wishes"),
        (
            MessageSpec(
                Msg.FAIRNESS_WORST, N_("the least-served person has {unmet} unmet wish weight"), ("unmet",)
            ),
        ),
        model=wishes.penalize_unfairness,
        check=check.soft_fairness,
        reads_terms=True,
        weight=WeightSpec(
            "fairness", 2, N_("Fair share of wishes"), "Per unit of the largest unmet wish weight of anyone."
        ),
    ),
    FamilySpec(
        Family.CONTINUITY,
        False,
        N_("Same carers on a route"),
        (
            MessageSpec(
                Msg.CONTINUITY_CARERS,
                N_("route {route_name}: {carers} different carers"),
                ("route", "route_name", "carers"),
            ),
        ),
        model=wishes.penalize_continuity,
        check=check.soft_continuity,
        weight=WeightSpec(
            "continuity", 3, N_("Same carers on a route"), "Per carer on a route beyond the first."
        ),
        greedy=greedy.continuity_cost,
    ),
    FamilySpec(
        Family.FAVOURITE,
        False,
        N_("Favourite routes"),
        (
            MessageSpec(
                Msg.FAVOURITE_OUTSIDE,
                N_("{who}, {date}: route {route_name} is not a favourite"),
                (*_CELL, "route_name"),
            ),
        ),
        model=wishes.penalize_route_favourites,
        check=check.soft_favourite,
        weight=WeightSpec(
            "route_not_favourite",
            1,
            N_("A route that is not a favourite"),
            "Per route slot given to someone with favourites, outside them.",
        ),
        greedy=greedy.favourite_cost,
    ),
)

SPECS = HARD + SOFT
