"""KPIs computed from a plan, on hand-made plans (no solver)."""

from __future__ import annotations

from factories import B, C, D, dates_of_weeks, mondays, scenario, student

from planner.calendar import build_calendar
from planner.counting import build_plan
from planner.kpis import plan_kpis
from planner.validate import validate_plan


def _kpis(students: list[dict[str, object]], weeks: dict[str, list[D]]) -> dict[str, object]:
    scn = scenario(students, open_ranges=[B, C])
    calendar = build_calendar(scn)
    dates = {sid: dates_of_weeks(calendar, mondays_) for sid, mondays_ in weeks.items()}
    plan = build_plan(scn, calendar, dates)
    return plan_kpis(scn, calendar, plan, validate_plan(scn, calendar, plan))


def test_weeks_the_class_spends_together_are_not_split() -> None:
    together = mondays(D(2027, 1, 4), 6)

    kpis = _kpis([student("s1"), student("s2")], {"s1": together, "s2": together})

    assert kpis["split_teaching_weeks"] == 0
    assert kpis["periods_of_weeks"] == 2


def test_each_week_one_student_is_out_alone_splits_the_class() -> None:
    first = mondays(D(2027, 1, 4), 6)
    second = first[:4] + mondays(D(2027, 3, 1), 2)

    kpis = _kpis([student("s1"), student("s2")], {"s1": first, "s2": second})

    # Weeks 5-6 of January (s1 alone) and the two March weeks (s2 alone).
    assert kpis["split_teaching_weeks"] == 4
    assert kpis["periods_of_weeks"] == 3


def test_exempt_students_do_not_count_as_owing_or_splitting() -> None:
    weeks = mondays(D(2027, 1, 4), 6)

    kpis = _kpis([student("s1"), student("a1", route="apprenti")], {"s1": weeks, "a1": []})

    assert kpis["students_owing_internship"] == 1
    assert kpis["students_exempt"] == 1
    assert kpis["split_teaching_weeks"] == 0
    assert kpis["teaching_weeks_lost_per_student"] == 6.0


def test_synchronisation_is_counted_per_class() -> None:
    january, march = mondays(D(2027, 1, 4), 6), mondays(D(2027, 3, 1), 6)
    weeks = {"a1": january, "a2": january, "b1": march, "b2": march}
    one_class = [student(s) for s in weeks]
    two_classes = [student(s, cohort=s[0]) for s in weeks]

    # One class out in January and March halves: 12 split weeks...
    assert _kpis(one_class, weeks)["split_teaching_weeks"] == 12
    # ...two classes each moving as one: none.
    assert _kpis(two_classes, weeks)["split_teaching_weeks"] == 0
