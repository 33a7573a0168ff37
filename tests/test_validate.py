"""The independent validator (planner.validate): one hand-made plan per rule."""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest

from models import Calendar, Plan, Scenario, scenario_from_dict
from planner import validate
from planner.calendar import build_calendar
from planner.counting import build_plan
from planner.validate import Verdict, Violation, format_verdict, validate_plan

D = dt.date
MISSIONS = [D(2027, 11, 16), D(2027, 11, 23), D(2027, 11, 30)]  # Tuesdays


def _raw() -> dict[str, Any]:
    return {
        "name": "validation",
        "training": {"first_date": "2026-09-01", "last_date": "2028-06-30", "zone": "A"},
        "progression": {
            "blocked": [{"start": "2027-10-18", "end": "2027-10-22", "label": "CCF E4"}],
            "missions": [
                {
                    "id": "m1",
                    "start": "2027-11-15",
                    "end": "2027-12-17",
                    "days": 3,
                    "weekdays": ["mardi"],
                    "max_per_week": 1,
                }
            ],
        },
        "students": [
            {"id": "s1", "name": "Alice Martin", "host": "h1"},
            {
                "id": "s2",
                "name": "Bruno Petit",
                "host": "h2",
                "reduced_weeks": 10,
                "reduction_reason": "force majeure",
                "unavailable": [
                    {"start": "2027-06-01", "end": "2027-06-04", "label": "opération"}
                ],
            },
            {"id": "s3", "name": "Chloé Roux", "route": "apprenti"},
            {"id": "s4", "name": "Driss Benali", "repeating": True, "new_internship": False},
        ],
        "hosts": [
            {"id": "h1", "name": "Boutique Lumière", "capacity": 1},
            {"id": "h2", "name": "Agence Horizon", "capacity": 2},
        ],
    }


def _scenario(rules: Mapping[str, Any] | None = None, **edits: Any) -> Scenario:
    raw = _raw()
    if rules:
        raw["rules"] = dict(rules)
    for key, value in edits.items():
        raw[key] = value
    return scenario_from_dict(raw)


@pytest.fixture(scope="module")
def calendar() -> Calendar:
    return build_calendar(_scenario())


def _weeks(calendar: Calendar, monday: dt.date, n: int) -> list[dt.date]:
    return [d.date for i in range(n) for d in calendar.weeks[monday + dt.timedelta(weeks=i)]]


def _good(calendar: Calendar) -> dict[str, list[dt.date]]:
    """A plan that satisfies every rule."""
    return {
        "s1": [
            *_weeks(calendar, D(2027, 1, 4), 6),
            *_weeks(calendar, D(2027, 5, 24), 6),
            *_weeks(calendar, D(2027, 9, 6), 4),
            *MISSIONS,
        ],
        "s2": [
            *_weeks(calendar, D(2027, 3, 1), 6),
            *_weeks(calendar, D(2027, 9, 6), 4),
            *MISSIONS,
        ],
        "s4": list(MISSIONS),
    }


def _check(
    scenario: Scenario, calendar: Calendar, dates: Mapping[str, Iterable[dt.date]]
) -> Verdict:
    return validate_plan(scenario, calendar, build_plan(scenario, calendar, dates))


def _only(verdict: Verdict) -> Violation:
    assert len(verdict.violations) == 1, verdict.violations
    return verdict.violations[0]


def test_good_plan_is_ok(calendar: Calendar) -> None:
    scenario = _scenario()
    verdict = _check(scenario, calendar, _good(calendar))
    assert verdict.ok and verdict.hard_violations == 0 and verdict.by_rule() == {}
    rows = {c.student_id: c for c in verdict.students}
    assert [c.student_id for c in verdict.students] == ["s1", "s2", "s3", "s4"]
    s1, s2, s3, s4 = rows["s1"], rows["s2"], rows["s3"], rows["s4"]
    assert (s1.required_weeks, s1.placed_weeks, s1.longest_block_weeks) == (16, 16.6, 6)
    assert (s1.holiday_days, s1.summer_rest_days, s1.exempt_reason, s1.ok) == (0, 60, None, True)
    assert (s2.required_weeks, s2.placed_weeks, s2.longest_block_weeks) == (10, 10.6, 6)
    assert (s3.required_weeks, s3.placed_weeks) == (0, 0.0)
    assert s3.exempt_reason is not None and s3.exempt_reason.startswith("apprenti")
    assert s4.placed_weeks == pytest.approx(0.6)
    assert s4.exempt_reason is not None and s4.exempt_reason.startswith("redoublant")


def test_r1_duration(calendar: Calendar) -> None:
    dates = _good(calendar)
    dates["s1"] = [d for d in dates["s1"] if d < D(2027, 9, 1) or d in MISSIONS]
    violation = _only(_check(_scenario(), calendar, dates))
    assert (violation.rule, violation.student_id) == ("R1", "s1")
    assert violation.amount == pytest.approx(3.4)  # 12,6 placed of 16
    assert violation.message.startswith("R1 : Alice Martin : 12,6 semaines placées < 16")
    assert "il manque 3,4 semaine" in violation.message


def test_r2_reduced_duration(calendar: Calendar) -> None:
    dates = _good(calendar)
    dates["s2"] = [d for d in dates["s2"] if not D(2027, 9, 27) <= d <= D(2027, 10, 1)]
    violation = _only(_check(_scenario(), calendar, dates))
    assert (violation.rule, violation.student_id) == ("R2", "s2")
    assert violation.amount == pytest.approx(0.4)  # 9,6 placed of 10
    assert "9,6 semaines placées < 10" in violation.message


def test_r3_exempt_student_with_days(calendar: Calendar) -> None:
    dates = _good(calendar)
    dates["s3"] = [D(2027, 3, 2), D(2027, 3, 3)]
    dates["s4"] = [*MISSIONS, D(2027, 3, 4)]  # mission days are allowed, not the other
    verdict = _check(_scenario(), calendar, dates)
    found = {(v.rule, v.student_id, v.amount) for v in verdict.violations}
    assert found == {("R3", "s3", 2), ("R3", "s4", 1)}
    assert not verdict.ok


def test_r4_block(calendar: Calendar) -> None:
    dates = _good(calendar)
    dates["s1"] = [
        *_weeks(calendar, D(2027, 1, 4), 5),
        *_weeks(calendar, D(2027, 3, 1), 5),
        *_weeks(calendar, D(2027, 5, 24), 5),
        *_weeks(calendar, D(2027, 9, 6), 1),
        *MISSIONS,
    ]
    violation = _only(_check(_scenario(), calendar, dates))
    assert (violation.rule, violation.student_id, violation.amount) == ("R4", "s1", 1)
    assert violation.message == "R4 : Alice Martin : bloc le plus long 5 semaine(s) < 6"


def test_r5_single_days_forbidden(calendar: Calendar) -> None:
    scenario = _scenario(rules={"allow_single_days": False})
    dates = _good(calendar)
    assert _check(scenario, calendar, dates).ok  # mission days stay allowed
    dates["s1"] = [*dates["s1"], D(2027, 3, 2), D(2027, 3, 3)]
    violation = _only(_check(scenario, calendar, dates))
    assert (violation.rule, violation.student_id, violation.amount) == ("R5", "s1", 2)


def test_r6_too_few_mission_days(calendar: Calendar) -> None:
    dates = _good(calendar)
    dates["s1"] = [d for d in dates["s1"] if d != D(2027, 11, 30)]
    dates["s4"] = [D(2027, 11, 16), D(2027, 11, 18)]  # a Thursday is not an allowed weekday
    verdict = _check(_scenario(), calendar, dates)
    found = {(v.rule, v.student_id, v.amount) for v in verdict.violations}
    # s4's Thursday also breaks R3: he is exempt of everything but missions.
    assert found == {("R6", "s1", 1), ("R6", "s4", 2), ("R3", "s4", 1)}


def test_r6_mission_days_full_week_do_not_count(calendar: Calendar) -> None:
    dates = _good(calendar)
    dates["s4"] = _weeks(calendar, D(2027, 11, 15), 1)  # a full week is no mission day
    found = {
        (v.rule, v.student_id, v.amount) for v in _check(_scenario(), calendar, dates).violations
    }
    assert found == {("R6", "s4", 3), ("R3", "s4", 5)}


def test_r6_max_per_week(calendar: Calendar) -> None:
    raw_missions = _raw()["progression"]["missions"]
    raw_missions[0]["weekdays"] = ["mardi", "mercredi"]
    scenario = _scenario(progression={**_raw()["progression"], "missions": raw_missions})
    dates = _good(calendar)
    dates["s4"] = [*MISSIONS, D(2027, 11, 17)]
    violation = _only(_check(scenario, calendar, dates))
    assert (violation.rule, violation.student_id, violation.amount) == ("R6", "s4", 1)
    assert "semaine du 2027-11-15" in violation.message


def test_r7_day_sanity(calendar: Calendar) -> None:
    scenario = _scenario()
    dates = _good(calendar)
    dates["s1"] = [
        *dates["s1"],
        D(2027, 10, 19),  # blocked: CCF E4
        D(2027, 3, 6),  # Saturday
        D(2027, 11, 11),  # Armistice
        D(2028, 7, 3),  # after the training
    ]
    dates["s2"] = [*dates["s2"], D(2027, 6, 2)]  # unavailable
    dates["zz"] = [D(2027, 3, 2)]
    verdict = _check(scenario, calendar, dates)
    r7 = verdict.by_rule()["R7"]
    assert list(verdict.by_rule()) == ["R7"]
    assert sorted((v.student_id or "", v.amount) for v in r7) == [
        ("", 1),
        ("s1", 1),
        ("s1", 1),
        ("s1", 1),
        ("s1", 1),
        ("s2", 1),
    ]
    text = " | ".join(v.message for v in r7)
    for expected in (
        "CCF E4",
        "week-end",
        "jour férié",
        "hors de la formation",
        "indisponibilité (opération)",
        "élève inconnu du scénario « zz »",
    ):
        assert expected in text


def test_r7_earliest_start(calendar: Calendar) -> None:
    raw = _raw()
    raw["students"][0]["earliest_start"] = "2027-01-06"
    scenario = scenario_from_dict(raw)
    violation = _only(_check(scenario, calendar, _good(calendar)))
    assert (violation.rule, violation.student_id, violation.amount) == ("R7", "s1", 2)
    assert "2027-01-04, 2027-01-05" in violation.message


def test_r8_holiday_days(calendar: Calendar) -> None:
    scenario = _scenario(rules={"max_holiday_days": 3})
    dates = _good(calendar)
    dates["s1"] = [*dates["s1"], *_weeks(calendar, D(2027, 2, 15), 1)]  # winter holidays
    verdict = _check(scenario, calendar, dates)
    violation = _only(verdict)
    assert (violation.rule, violation.student_id, violation.amount) == ("R8", "s1", 2)
    assert verdict.students[0].holiday_days == 5


def test_r9_summer_rest(calendar: Calendar) -> None:
    dates = _good(calendar)
    dates["s1"] = [
        *dates["s1"],
        *_weeks(calendar, D(2027, 7, 12), 1),
        *_weeks(calendar, D(2027, 8, 2), 1),
    ]
    verdict = _check(_scenario(), calendar, dates)
    violation = _only(verdict)
    # Rests: 07-03..07-11 (9), 07-17..08-01 (16), 08-07..08-31 (25).
    assert (violation.rule, violation.student_id, violation.amount) == ("R9", "s1", 3)
    assert verdict.students[0].summer_rest_days == 25
    assert "repos le plus long 25 jours < 28" in violation.message


def test_r10_host_not_selling(calendar: Calendar) -> None:
    raw = _raw()
    raw["hosts"][1]["sells_goods_or_services"] = False
    violation = _only(_check(scenario_from_dict(raw), calendar, _good(calendar)))
    assert (violation.rule, violation.student_id, violation.amount) == (
        "R10",
        "s2",
        52,
    )  # 29 (Easter Monday off) + 20 + 3
    assert "Agence Horizon" in violation.message


def test_r10_host_closed(calendar: Calendar) -> None:
    raw = _raw()
    raw["hosts"][0]["closures"] = [{"start": "2027-01-07", "end": "2027-01-12"}]
    violation = _only(_check(scenario_from_dict(raw), calendar, _good(calendar)))
    assert (violation.rule, violation.student_id, violation.amount) == ("R10", "s1", 4)


def test_r10_capacity_and_unknown_host(calendar: Calendar) -> None:
    scenario = _scenario()
    plan = build_plan(scenario, calendar, _good(calendar))
    moved = [
        dataclasses.replace(d, host_id="h1") if d.student_id == "s2" else d for d in plan.days
    ]
    verdict = validate_plan(scenario, calendar, Plan(days=tuple(moved)))
    wrong, violation = verdict.violations
    # s2 is not where the scenario puts him...
    assert (wrong.rule, wrong.student_id) == ("R10", "s2")
    assert "au lieu de « h2 »" in wrong.message
    # ...and s1 and s2 are both at h1 (capacity 1) on 20 Sept. 2027 days + 3 mission Tuesdays.
    assert (violation.rule, violation.student_id, violation.amount) == ("R10", None, 1)
    assert "23 jour(s)" in violation.message and "Bruno Petit" in violation.message
    unknown = [
        dataclasses.replace(d, host_id="hx") if d.student_id == "s4" else d for d in plan.days
    ]
    found = validate_plan(scenario, calendar, Plan(days=tuple(unknown))).violations
    assert {(v.rule, v.student_id, v.amount) for v in found} == {("R10", "s4", 3)}
    assert any("entreprise inconnue" in v.message for v in found)


def test_r10_host_changes_split_periods_and_are_checked(calendar: Calendar) -> None:
    raw = _raw()
    raw["students"][0]["host_changes"] = [{"start": "2027-09-01", "host": "h2"}]
    raw["students"][1]["host"] = None
    scenario = scenario_from_dict(raw)
    plan = build_plan(scenario, calendar, _good(calendar))
    hosts = {p.start: p.host_id for p in plan.periods if p.student_id == "s1"}
    assert hosts[D(2027, 1, 4)] == "h1" and hosts[D(2027, 9, 6)] == "h2"
    assert validate_plan(scenario, calendar, plan).ok
    stale = [
        dataclasses.replace(d, host_id="h1") if d.student_id == "s1" else d for d in plan.days
    ]
    violation = _only(validate_plan(scenario, calendar, Plan(days=tuple(stale))))
    # 4 weeks of September 2027 and the 3 mission days after the change.
    assert (violation.rule, violation.student_id, violation.amount) == ("R10", "s1", 23)


def test_host_none_is_not_checked(calendar: Calendar) -> None:
    raw = _raw()
    raw["students"][0].pop("host")
    assert _check(scenario_from_dict(raw), calendar, _good(calendar)).ok


def test_format_verdict(calendar: Calendar) -> None:
    scenario = _scenario()
    good = format_verdict(_check(scenario, calendar, _good(calendar)), scenario)
    assert "Alice Martin" in good and "16,6 / 16" in good and "✓" in good
    assert "dispensé : apprenti" in good
    assert "Aucune violation" in good
    dates = _good(calendar)
    dates["s1"] = [d for d in dates["s1"][5:] if not D(2027, 5, 24) <= d <= D(2027, 5, 28)]
    bad = format_verdict(_check(scenario, calendar, dates), scenario)
    assert "✗" in bad
    assert "R4 bloc de 6 semaines consécutives (1)" in bad
    assert "R1 durée de 16 semaines (1)" in bad
    assert bad.index("R1 durée") < bad.index("R4 bloc")


def test_validator_never_imports_the_formulation() -> None:
    for module in (
        validate,
        sys.modules["planner.counting"],
        sys.modules["planner.validate_visits"],
    ):
        tree = ast.parse(Path(str(module.__file__)).read_text(encoding="utf-8"))
        names: list[str] = []
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.extend(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                names.append("." * node.level + (node.module or ""))
        bad = [
            n
            for n in names
            if "formulation" in n or n.endswith((".visits", "planner.visits")) or "ortools" in n
        ]
        assert not bad, names
    code = (
        "import sys, planner.validate; "
        "bad = [m for m in sys.modules "
        "if m.startswith(('ortools', 'planner.formulation', 'planner.visits'))]; "
        "sys.exit(1 if bad else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
