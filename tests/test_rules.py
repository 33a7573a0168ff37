"""One small instance per rule R1-R10: the solver's plan respects the rule
where a plan without it would not (or the scenario is reported infeasible
with the rule and the student named), and the validator flags a hand-made
plan that breaks it.

Every scenario blocks the whole training but a few weeks (see
``factories.py``), so each solve takes a fraction of a second.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest
from factories import (
    D_,
    EVERYTHING,
    SPRING,
    SUMMER_WEEKS,
    WINTER,
    B,
    C,
    D,
    check,
    dates_of_weeks,
    full_weeks_of,
    host,
    mission,
    mondays,
    raw_scenario,
    rules_of,
    run,
    scenario,
    span,
    student,
    summer_weeks_in,
    weeks_of,
)

from models import PeriodKind, PlanStatus, Scenario, scenario_from_dict
from planner.calendar import build_calendar
from planner.counting import tally
from planner.solve import SolveResult

REDUCED_9 = {"reduced_weeks": 9, "reduction_reason": "positionnement"}


def _solved(scn: Scenario) -> SolveResult:
    result = run(scn)
    assert result.status is PlanStatus.OPTIMAL, result.conflicts
    assert result.plan is not None and result.verdict is not None
    assert result.verdict.ok, result.verdict.violations
    return result


def _infeasible(scn: Scenario) -> SolveResult:
    result = run(scn)
    assert result.status is PlanStatus.INFEASIBLE
    assert result.plan is None
    return result


def _check_of(result: SolveResult, sid: str) -> Any:
    assert result.verdict is not None
    return next(c for c in result.verdict.students if c.student_id == sid)


def _conflicts(result: SolveResult) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    return [(c.students, c.rules) for c in result.conflicts]


# --- R1 duration ---------------------------------------------------------

SIXTEEN = [B, C, span(D(2027, 5, 10), 4)]  # exactly 16 eligible full weeks
FIFTEEN = [B, C, span(D(2027, 5, 10), 3)]


def test_r1_solver_places_all_sixteen_eligible_weeks() -> None:
    result = _solved(scenario([student("s1")], open_ranges=SIXTEEN))
    # Without R1 the cheapest plan is the 6-week block alone.
    assert full_weeks_of(result, "s1") == tuple(weeks_of(SIXTEEN))
    assert _check_of(result, "s1").placed_weeks == 16


def test_r1_fifteen_eligible_weeks_is_infeasible() -> None:
    result = _infeasible(scenario([student("s1")], open_ranges=FIFTEEN))
    assert _conflicts(result) == [(("s1",), ("R1",))]
    assert "au plus 15 possibles dont 15 semaines complètes" in result.conflicts[0].message


def test_r1_validator_flags_fifteen_weeks() -> None:
    scn = scenario([student("s1")], open_ranges=SIXTEEN)
    calendar = build_calendar(scn)
    verdict = check(scn, {"s1": dates_of_weeks(calendar, weeks_of(FIFTEEN))})
    assert rules_of(verdict) == [("s1", "R1")]
    assert verdict.violations[0].amount == 1
    assert verdict.violations[0].message.startswith("R1 : Élève s1 : 15 semaines placées < 16")


# --- R2 reduced duration -------------------------------------------------

REDUCED_10 = {"reduced_weeks": 10, "reduction_reason": "force majeure"}


def test_r2_reduced_student_gets_exactly_his_figure() -> None:
    result = _solved(scenario([student("s1", **REDUCED_10)], open_ranges=[B, C, D_]))
    row = _check_of(result, "s1")
    # 19 weeks are eligible; the surplus cost keeps the plan at 10 exactly.
    assert (row.required_weeks, row.placed_weeks) == (10, 10)
    assert len(full_weeks_of(result, "s1")) == 10
    assert row.longest_block_weeks >= 6


def test_r2_nine_eligible_weeks_for_ten_is_infeasible() -> None:
    open_ranges = [B, span(D(2027, 3, 1), 3)]
    result = _infeasible(scenario([student("s1", **REDUCED_10)], open_ranges=open_ranges))
    assert _conflicts(result) == [(("s1",), ("R2",))]


def test_r2_validator_flags_nine_weeks_for_ten() -> None:
    scn = scenario([student("s1", **REDUCED_10)])
    calendar = build_calendar(scn)
    verdict = check(scn, {"s1": dates_of_weeks(calendar, weeks_of([B, span(D(2027, 3, 1), 3)]))})
    assert rules_of(verdict) == [("s1", "R2")]
    assert verdict.violations[0].amount == 1
    assert "force majeure" in verdict.violations[0].message


def test_r2_reduced_below_nine_is_an_input_error() -> None:
    from models import ScenarioError

    with pytest.raises(ScenarioError) as caught:
        scenario([student("s1", reduced_weeks=8, reduction_reason="x")])
    (fault,) = caught.value.faults
    assert fault.field == "students[0] (id s1).reduced_weeks"
    assert "R2" in fault.message


# --- R3 exempt -----------------------------------------------------------

NOV_MISSIONS = mission("m1", D(2026, 11, 2), D(2026, 11, 20), days=3)
NOV_3W = span(D(2026, 11, 2), 3)


def test_r3_exempt_students_get_no_day_even_with_class_missions() -> None:
    students = [
        student("s1"),
        student("s2", exemption_reason="VAE"),
        student("s3", route="apprenti"),
        student("s4", route="experience"),
    ]
    scn = scenario(students, open_ranges=[NOV_3W, B, C, D_], missions=[NOV_MISSIONS])
    result = _solved(scn)
    assert result.plan is not None
    assert len(result.plan.dates_of("s1")) > 0
    for sid in ("s2", "s3", "s4"):
        assert result.plan.dates_of(sid) == set(), sid
        row = _check_of(result, sid)
        assert (row.required_weeks, row.placed_weeks, row.ok) == (0, 0, True)
    assert _check_of(result, "s2").exempt_reason == "R3 dispense de l'unité 6 : VAE"
    assert _check_of(result, "s3").exempt_reason.startswith("apprenti")
    assert _check_of(result, "s1").exempt_reason is None


def test_r3_repeating_student_keeping_his_internship_does_the_missions_only() -> None:
    students = [student("s1", repeating=True, new_internship=False)]
    scn = scenario(students, open_ranges=[NOV_3W, B, C, D_], missions=[NOV_MISSIONS])
    result = _solved(scn)
    assert result.plan is not None
    dates = sorted(result.plan.dates_of("s1"))
    assert len(dates) == 3
    assert all(D(2026, 11, 2) <= d <= D(2026, 11, 20) for d in dates)
    assert [p.kind for p in result.plan.periods] == [PeriodKind.MISSIONS]


def test_r3_validator_flags_a_day_for_an_exempt_student() -> None:
    scn = scenario([student("s1"), student("s2", exemption_reason="VAE")])
    calendar = build_calendar(scn)
    verdict = check(
        scn,
        {
            "s1": dates_of_weeks(calendar, weeks_of(SIXTEEN)),
            "s2": dates_of_weeks(calendar, mondays(D(2027, 1, 4), 1)),
        },
    )
    assert rules_of(verdict) == [("s2", "R3")]
    assert verdict.violations[0].amount == 5


# --- R4 block ------------------------------------------------------------

# Four runs of 5 teaching weeks in year 2, cut by blocked weeks, all
# preferred: without R4 the whole internship fits in them.
SHORT_RUNS = [
    span(D(2027, 9, 6), 5),
    span(D(2027, 11, 8), 5),
    span(D(2028, 1, 3), 5),
    span(D(2028, 3, 6), 5),
]


def _r4_scenario(**rules: Any) -> Scenario:
    return scenario(
        [student("s1")],
        open_ranges=[B, *SHORT_RUNS],
        preferred=[(run_, 10) for run_ in SHORT_RUNS],
        rules=rules or None,
    )


def test_r4_block_is_placed_although_short_runs_are_preferred() -> None:
    result = _solved(_r4_scenario())
    weeks = full_weeks_of(result, "s1")
    assert set(weeks_of([B])) <= set(weeks)  # the only possible 6-week run
    assert len(weeks) == 16
    assert _check_of(result, "s1").longest_block_weeks == 6
    assert result.plan is not None
    blocks = [p for p in result.plan.periods if p.kind is PeriodKind.BLOCK]
    assert [(p.start, p.end) for p in blocks] == [B]


def test_r4_control_without_block_rule_stays_in_short_runs() -> None:
    result = _solved(_r4_scenario(block_min_weeks=1))
    assert not set(weeks_of([B])) & set(full_weeks_of(result, "s1"))
    assert _check_of(result, "s1").longest_block_weeks == 5


def test_r4_no_six_consecutive_eligible_weeks_is_infeasible() -> None:
    result = _infeasible(scenario([student("s1")], open_ranges=SHORT_RUNS))
    assert _conflicts(result) == [(("s1",), ("R4",))]


def test_r4_validator_flags_runs_of_five() -> None:
    scn = scenario([student("s1")], open_ranges=SHORT_RUNS)
    calendar = build_calendar(scn)
    weeks = weeks_of(SHORT_RUNS[:3]) + mondays(D(2028, 3, 6), 1)
    verdict = check(scn, {"s1": dates_of_weeks(calendar, weeks)})
    assert rules_of(verdict) == [("s1", "R4")]
    assert verdict.violations[0].amount == 1
    assert "bloc le plus long 5 semaine(s) < 6" in verdict.violations[0].message


# --- R5 split ------------------------------------------------------------

# 15 full weeks plus two weeks with a blocked Wednesday: 8 single days.
PARTIAL = span(D(2027, 6, 7), 2)
CCF_DAYS = [(D(2027, 6, 9), D(2027, 6, 9)), (D(2027, 6, 16), D(2027, 6, 16))]


def _r5_scenario(**rules: Any) -> Scenario:
    return scenario(
        [student("s1")],
        open_ranges=[*FIFTEEN, PARTIAL],
        extra_blocked=CCF_DAYS,
        rules=rules or None,
    )


def _fifteen_weeks_and_single_days(scn: Scenario) -> list[dt.date]:
    calendar = build_calendar(scn)
    singles = [
        d.date
        for monday in weeks_of([PARTIAL])
        for d in calendar.weeks[monday]
        if d.open_to_internship
    ]
    assert len(singles) == 8
    return dates_of_weeks(calendar, weeks_of(FIFTEEN)) + singles


def test_r5_single_days_make_a_valid_plan_under_the_default_profile() -> None:
    scn = _r5_scenario()
    verdict = check(scn, {"s1": _fifteen_weeks_and_single_days(scn)})
    assert verdict.ok
    assert verdict.students[0].placed_weeks == pytest.approx(16.6)


def test_r5_solver_finds_a_plan_that_needs_single_days() -> None:
    result = run(_r5_scenario())
    assert result.status.has_plan
    assert result.verdict is not None and result.verdict.ok
    placed = result.plan.dates_of("s1") if result.plan else set()
    assert any(d.weekday() != 2 and D(2027, 6, 7) <= d <= D(2027, 6, 18) for d in placed)


def test_r5_without_single_days_the_same_scenario_is_infeasible() -> None:
    result = _infeasible(_r5_scenario(allow_single_days=False))
    assert _conflicts(result) == [(("s1",), ("R1",))]


def test_r5_validator_flags_single_days_when_the_profile_forbids_them() -> None:
    scn = _r5_scenario(allow_single_days=False)
    verdict = check(scn, {"s1": _fifteen_weeks_and_single_days(scn)})
    assert rules_of(verdict) == [("s1", "R5")]
    assert verdict.violations[0].amount == 8


def test_r5_solver_places_no_single_day_outside_missions() -> None:
    scn = scenario(
        [student("s1")],
        open_ranges=[NOV_3W, B, C, D_],
        missions=[NOV_MISSIONS],
        rules={"allow_single_days": False},
    )
    result = _solved(scn)
    assert result.plan is not None
    calendar = result.calendar
    in_weeks = {d.date for m in full_weeks_of(result, "s1") for d in calendar.weeks[m]}
    singles = sorted(result.plan.dates_of("s1") - in_weeks)
    assert len(singles) == 3
    assert all(D(2026, 11, 2) <= d <= D(2026, 11, 20) and d.weekday() in (1, 3) for d in singles)
    assert {p.kind for p in result.plan.periods} <= {
        PeriodKind.BLOCK,
        PeriodKind.PERIOD,
        PeriodKind.MISSIONS,
    }


def test_r5_validator_flags_one_hand_made_single_day() -> None:
    raw = raw_scenario([student("s1")], rules={"allow_single_days": False})
    scn = scenario_from_dict(raw)
    calendar = build_calendar(scn)
    extra = D(2027, 6, 21)  # a Monday of D, outside the 16 full weeks
    verdict = check(scn, {"s1": [*dates_of_weeks(calendar, weeks_of(SIXTEEN)), extra]})
    assert rules_of(verdict) == [("s1", "R5")]
    assert "2027-06-21" in verdict.violations[0].message
    # The default profile allows it.
    assert check(
        scenario([student("s1")]), {"s1": [*dates_of_weeks(calendar, weeks_of(SIXTEEN)), extra]}
    ).ok


# --- R6 missions ---------------------------------------------------------


@pytest.mark.parametrize(
    ("weeks", "days", "weekdays", "per_week"),
    [
        (3, 3, ("mardi", "jeudi"), 1),
        (2, 4, ("lundi", "mardi", "vendredi"), 2),
        (4, 2, ("mercredi",), 1),
    ],
)
def test_r6_mission_days_exact_on_allowed_weekdays(
    weeks: int, days: int, weekdays: tuple[str, ...], per_week: int
) -> None:
    window = span(D(2026, 11, 16), weeks)
    scn = scenario(
        [student("s1")],
        open_ranges=[window, B, C, D_],
        missions=[mission("m1", *window, days=days, weekdays=weekdays, max_per_week=per_week)],
    )
    result = _solved(scn)
    assert result.plan is not None
    in_window = sorted(d for d in result.plan.dates_of("s1") if window[0] <= d <= window[1])
    assert len(in_window) == days
    allowed = {"lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4}
    assert {d.weekday() for d in in_window} <= {allowed[w] for w in weekdays}
    per_monday = Counter(d - dt.timedelta(days=d.weekday()) for d in in_window)
    assert max(per_monday.values()) <= per_week
    assert not set(full_weeks_of(result, "s1")) & set(weeks_of([window]))
    missions = [p for p in result.plan.periods if p.kind is PeriodKind.MISSIONS]
    assert [p.days_in_company for p in missions] == [days]


def test_r6_mission_days_filling_a_whole_week_are_not_an_internal_error() -> None:
    window = span(D(2026, 11, 16), 1)
    every_day = ("lundi", "mardi", "mercredi", "jeudi", "vendredi")
    scn = scenario(
        [student("s1")],
        open_ranges=[window, B, C, D_],
        missions=[mission("m1", *window, days=5, weekdays=every_day, max_per_week=5)],
    )
    result = run(scn)
    # Either a plan the validator accepts, or R6 named as impossible.
    assert result.status in (PlanStatus.OPTIMAL, PlanStatus.INFEASIBLE), result.status
    if result.status is PlanStatus.INFEASIBLE:
        assert _conflicts(result) == [(("s1",), ("R6",))]


def test_r6_too_few_allowed_days_is_infeasible() -> None:
    window = span(D(2026, 11, 16), 1)
    scn = scenario(
        [student("s1")],
        open_ranges=[window, B, C, D_],
        missions=[mission("m1", *window, days=2, weekdays=("mardi",))],
    )
    result = _infeasible(scn)
    assert _conflicts(result) == [(("s1",), ("R6",))]


def test_r6_mission_only_for_listed_students() -> None:
    window = span(D(2026, 11, 16), 3)
    scn = scenario(
        [student("s1"), student("s2")],
        open_ranges=[window, B, C, D_],
        missions=[mission("m1", *window, days=3, students=["s2"])],
    )
    result = _solved(scn)
    assert result.plan is not None

    def in_window(sid: str) -> int:
        return sum(window[0] <= d <= window[1] for d in result.plan.dates_of(sid))  # type: ignore[union-attr]

    assert (in_window("s1"), in_window("s2")) == (0, 3)


def test_r6_validator_flags_missing_days_and_two_in_one_week() -> None:
    window = span(D(2026, 11, 16), 3)
    scn = scenario(
        [student("s1")], open_ranges=[EVERYTHING], missions=[mission("m1", *window, days=3)]
    )
    calendar = build_calendar(scn)
    two_in_a_week = [D(2026, 11, 17), D(2026, 11, 19)]  # Tuesday and Thursday
    verdict = check(scn, {"s1": [*dates_of_weeks(calendar, weeks_of(SIXTEEN)), *two_in_a_week]})
    assert rules_of(verdict) == [("s1", "R6"), ("s1", "R6")]
    assert [v.amount for v in verdict.violations] == [1, 1]
    assert "2 jour(s) de mission" in verdict.violations[0].message
    assert "semaine du 2026-11-16" in verdict.violations[1].message


def test_r6_validator_ignores_days_on_other_weekdays() -> None:
    window = span(D(2026, 11, 16), 3)
    scn = scenario(
        [student("s1")], open_ranges=[EVERYTHING], missions=[mission("m1", *window, days=3)]
    )
    calendar = build_calendar(scn)
    mondays_only = [D(2026, 11, 16), D(2026, 11, 23), D(2026, 11, 30)]
    verdict = check(scn, {"s1": [*dates_of_weeks(calendar, weeks_of(SIXTEEN)), *mondays_only]})
    assert rules_of(verdict) == [("s1", "R6")]
    assert verdict.violations[0].amount == 3


# --- R7 progression ------------------------------------------------------

CCF_C = (D(2027, 3, 10), D(2027, 3, 10))  # a Wednesday of C


def test_r7_no_day_on_a_blocked_date_even_inside_the_preferred_window() -> None:
    scn = scenario(
        [student("s1")], open_ranges=[B, C, D_], extra_blocked=[CCF_C], preferred=[(C, 10)]
    )
    result = _solved(scn)
    assert result.plan is not None
    dates = result.plan.dates_of("s1")
    week = {D(2027, 3, 8) + dt.timedelta(days=i) for i in range(5)}
    assert not dates & week
    assert set(weeks_of([C])) - set(full_weeks_of(result, "s1")) == {D(2027, 3, 8)}
    for date in dates:
        assert result.calendar.day(date).open_to_internship


@pytest.mark.parametrize("window", [B, C, D_], ids=["B", "C", "D"])
def test_r7_preferred_window_attracts_the_block(window: tuple[dt.date, dt.date]) -> None:
    scn = scenario([student("s1", **REDUCED_9)], open_ranges=[B, C, D_], preferred=[(window, 10)])
    result = _solved(scn)
    weeks = full_weeks_of(result, "s1")
    assert set(weeks_of([window])) <= set(weeks)
    assert result.plan is not None
    (block,) = [p for p in result.plan.periods if p.kind is PeriodKind.BLOCK]
    assert window[0] <= block.start and block.end <= window[1]


def test_r7_earliest_start_and_unavailability() -> None:
    away = {"start": "2027-05-10", "end": "2027-05-21", "label": "opération"}
    scn = scenario(
        [student("s1", earliest_start="2027-03-01", unavailable=[away])],
        open_ranges=[B, C, D_, span(D(2027, 9, 6), 5)],
    )
    result = _solved(scn)
    assert result.plan is not None
    dates = result.plan.dates_of("s1")
    assert min(dates) >= D(2027, 3, 1)
    assert not [d for d in dates if D(2027, 5, 10) <= d <= D(2027, 5, 21)]


def test_r7_validator_flags_a_day_on_a_blocked_date() -> None:
    scn = scenario([student("s1")], extra_blocked=[CCF_C])
    calendar = build_calendar(scn)
    verdict = check(scn, {"s1": [*dates_of_weeks(calendar, weeks_of(SIXTEEN[:1])), CCF_C[0]]})
    r7 = [v for v in verdict.violations if v.rule == "R7"]
    assert [(v.student_id, v.amount) for v in r7] == [("s1", 1)]
    assert "date bloquée" in r7[0].message and "2027-03-10" in r7[0].message


# --- R8 holidays ---------------------------------------------------------

# Jan 4 → Apr 30 2027 and D: 20 teaching weeks and 4 holiday weeks, the
# holiday weeks preferred (as if the progression wanted them).
JAN_APR = (D(2027, 1, 4), D(2027, 4, 30))


@pytest.mark.parametrize(("limit", "expected"), [(20, 20), (12, 10), (5, 5), (0, 0)])
def test_r8_holiday_days_capped(limit: int, expected: int) -> None:
    scn = scenario(
        [student("s1")],
        open_ranges=[JAN_APR, D_],
        preferred=[(WINTER, 10), (SPRING, 10)],
        rules={"max_holiday_days": limit},
    )
    result = _solved(scn)
    assert result.plan is not None
    assert tally(result.calendar, result.plan.dates_of("s1")).holiday_days == expected
    assert _check_of(result, "s1").holiday_days == expected


def test_r8_too_few_teaching_weeks_is_infeasible() -> None:
    scn = scenario(
        [student("s1")],
        open_ranges=[(D(2027, 1, 4), D(2027, 4, 23))],  # 12 teaching + 4 holiday weeks
        rules={"max_holiday_days": 5},
    )
    result = _infeasible(scn)
    assert len(result.conflicts) == 1
    assert result.conflicts[0].students == ("s1",)
    assert "R8" in result.conflicts[0].rules


def test_r8_validator_flags_twenty_holiday_days_over_fifteen() -> None:
    scn = scenario([student("s1")], open_ranges=[EVERYTHING], rules={"max_holiday_days": 15})
    calendar = build_calendar(scn)
    weeks = weeks_of([B, WINTER, C, SPRING])
    verdict = check(scn, {"s1": dates_of_weeks(calendar, weeks)})
    assert rules_of(verdict) == [("s1", "R8")]
    assert verdict.violations[0].amount == 5
    assert "20 jours" in verdict.violations[0].message


# --- R9 summer rest ------------------------------------------------------

# Apr 26 → Aug 27 2027 (10 teaching + 8 summer weeks) and 5 weeks in
# September-October; the summer weeks are preferred and R8 is relaxed.
SUMMER_OPEN = [(D(2027, 4, 26), D(2027, 8, 27)), span(D(2027, 9, 6), 5)]


def _r9_scenario(rest: int) -> Scenario:
    return scenario(
        [student("s1")],
        open_ranges=SUMMER_OPEN,
        preferred=[((SUMMER_WEEKS[0], SUMMER_WEEKS[-1] + dt.timedelta(days=4)), 10)],
        rules={"max_holiday_days": 60, "summer_rest_days": rest},
    )


def test_r9_plan_keeps_28_consecutive_free_days_in_summer() -> None:
    result = _solved(_r9_scenario(28))
    assert result.plan is not None
    rests = tally(result.calendar, result.plan.dates_of("s1")).summer_rest_days
    assert len(rests) == 1 and rests[0] >= 28
    # Summer is attractive: as many summer weeks as the rest leaves, i.e. 4.
    assert len(summer_weeks_in(full_weeks_of(result, "s1"))) == 4
    assert _check_of(result, "s1").summer_rest_days == rests[0]


def test_r9_control_without_summer_rest_takes_the_whole_summer() -> None:
    result = _solved(_r9_scenario(0))
    assert summer_weeks_in(full_weeks_of(result, "s1")) == SUMMER_WEEKS


def test_r9_summer_needed_for_duration_is_infeasible() -> None:
    scn = scenario(
        [student("s1")],
        open_ranges=[span(D(2027, 5, 10), 8), (SUMMER_WEEKS[0], D(2027, 8, 27))],  # 8 + 8 weeks
        rules={"max_holiday_days": 60},
    )
    result = _infeasible(scn)
    assert len(result.conflicts) == 1
    assert result.conflicts[0].students == ("s1",)
    assert "R9" in result.conflicts[0].rules


def test_r9_validator_flags_two_july_and_two_august_weeks() -> None:
    scn = scenario([student("s1")], open_ranges=[EVERYTHING])
    calendar = build_calendar(scn)
    summer = [D(2027, 7, 19), D(2027, 7, 26), D(2027, 8, 9), D(2027, 8, 16)]
    verdict = check(scn, {"s1": dates_of_weeks(calendar, [*weeks_of([B, C]), *summer])})
    assert rules_of(verdict) == [("s1", "R9")]
    # Free: Jul 3-18 (16 days), Jul 31-Aug 8 (9), Aug 21-31 (11).
    assert verdict.violations[0].amount == 12
    assert verdict.students[0].summer_rest_days == 16


# --- R10 host ------------------------------------------------------------


def test_r10_host_not_selling_is_infeasible() -> None:
    scn = scenario([student("s1", host="h1")], hosts=[host("h1", sells_goods_or_services=False)])
    result = _infeasible(scn)
    assert _conflicts(result) == [(("s1",), ("R10",))]
    assert "Entreprise h1 (h1)" in result.conflicts[0].message


def test_r10_exempt_student_at_a_host_not_selling_is_fine() -> None:
    scn = scenario(
        [student("s1", host="h1"), student("s2", route="apprenti", host="h2")],
        hosts=[host("h1"), host("h2", sells_goods_or_services=False)],
    )
    result = _solved(scn)
    assert result.plan is not None and result.plan.dates_of("s2") == set()


def test_r10_no_day_in_a_closure() -> None:
    closure = {"start": "2027-03-08", "end": "2027-03-19", "label": "inventaire"}
    scn = scenario(
        [student("s1", host="h1")],
        hosts=[host("h1", closures=[closure])],
        preferred=[(C, 10)],
    )
    result = _solved(scn)
    assert result.plan is not None
    dates = result.plan.dates_of("s1")
    assert not [d for d in dates if D(2027, 3, 8) <= d <= D(2027, 3, 19)]
    # The rest of the preferred window is used.
    assert {D(2027, 3, 1), D(2027, 3, 22), D(2027, 3, 29), D(2027, 4, 5)} <= set(
        full_weeks_of(result, "s1")
    )
    assert {d.host_id for d in result.plan.days} == {"h1"}


@pytest.mark.parametrize("capacity", [1, 2])
@pytest.mark.parametrize(
    "wanted",
    [[D_], [WINTER, SPRING]],
    ids=["teaching-weeks", "holiday-weeks"],
)
def test_r10_capacity(capacity: int, wanted: list[tuple[dt.date, dt.date]]) -> None:
    # Both students prefer the same weeks; holiday weeks are not teaching
    # weeks, so only R10 itself (not the class-sync rows) keeps them apart.
    scn = scenario(
        [student("s1", host="h1", **REDUCED_9), student("s2", host="h1", **REDUCED_9)],
        open_ranges=[JAN_APR, D_],
        hosts=[host("h1", capacity=capacity)],
        preferred=[(w, 10) for w in wanted],
    )
    result = _solved(scn)
    assert result.plan is not None
    shared = result.plan.dates_of("s1") & result.plan.dates_of("s2")
    if capacity == 1:
        assert shared == set()
        per_day = Counter(d.date for d in result.plan.days if d.host_id == "h1")
        assert max(per_day.values()) == 1
    else:  # control: both want the preferred weeks and may share them
        assert set(dates_of_weeks(result.calendar, weeks_of(wanted))) <= shared


def test_r10_validator_flags_host_not_selling_and_closure() -> None:
    closure = {"start": "2027-01-11", "end": "2027-01-15", "label": "inventaire"}
    scn = scenario(
        [student("s1", host="h1"), student("s2", host="h2")],
        hosts=[host("h1", sells_goods_or_services=False), host("h2", closures=[closure])],
    )
    calendar = build_calendar(scn)
    days = dates_of_weeks(calendar, weeks_of(SIXTEEN))
    verdict = check(scn, {"s1": days, "s2": days})
    assert rules_of(verdict) == [("s1", "R10"), ("s2", "R10")]
    assert [v.amount for v in verdict.violations] == [len(days), 5]
    assert "commercialisation" in verdict.violations[0].message
    assert "fermée" in verdict.violations[1].message


def test_r10_validator_flags_two_interns_at_a_one_place_host() -> None:
    scn = scenario(
        [student("s1", host="h1"), student("s2", host="h1")], hosts=[host("h1", capacity=1)]
    )
    calendar = build_calendar(scn)
    days = dates_of_weeks(calendar, weeks_of(SIXTEEN))
    verdict = check(scn, {"s1": days, "s2": days})
    assert rules_of(verdict) == [(None, "R10")]
    message = verdict.violations[0].message
    assert "Élève s1" in message and "Élève s2" in message
    assert verdict.violations[0].amount == 1


def test_sync_is_per_class_so_two_classes_may_go_out_at_different_times() -> None:
    # Two classes sharing one host of capacity 2: they cannot be out
    # together, and splitting one class would cost sync; per class, each
    # moves as one, one after the other, at no sync cost.
    hosts = [host("h", capacity=2)]
    students = [student(s, host="h", cohort=s[0]) for s in ("a1", "a2", "b1", "b2")]
    rules = {"required_weeks": 6, "min_reduced_weeks": 6}
    raw = raw_scenario(students, hosts=hosts, rules=rules, weights={"sync": 100})
    result = run(scenario_from_dict(raw))
    assert result.status is PlanStatus.OPTIMAL
    assert result.terms["sync"] == 0
    assert full_weeks_of(result, "a1") == full_weeks_of(result, "a2")
    assert full_weeks_of(result, "b1") == full_weeks_of(result, "b2")
    assert not set(full_weeks_of(result, "a1")) & set(full_weeks_of(result, "b1"))
