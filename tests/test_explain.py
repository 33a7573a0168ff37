"""« Pourquoi ce plan » (planner.explain): the objective recomputed from the
plan, term by term and student by student, equals the solver's."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from factories import (
    D_,
    B,
    C,
    D,
    host,
    mission,
    run,
    scenario,
    span,
    student,
)
from page_support import default_solved

from models import Scenario, load_scenario
from planner.cli import main
from planner.counting import build_plan
from planner.explain import (
    TERMS,
    Breakdown,
    format_breakdown,
    objective_breakdown,
    split_weeks_text,
)
from planner.plan_io import write_plan
from planner.solve import SolveResult, SolveSettings, solve

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"

NOV = span(D(2026, 11, 2), 3)
NOV_MISSIONS = mission("m1", D(2026, 11, 2), D(2026, 11, 20), days=3)
REDUCED_9 = {"reduced_weeks": 9, "reduction_reason": "positionnement"}
CCF_C = (D(2027, 3, 10), D(2027, 3, 10))  # a Wednesday of C: that week cannot be full
# 15 full weeks at most in B, C and MAY_5W: 16 weeks need single days
MAY_5W = span(D(2027, 5, 10), 5)
CCF_MAY = (D(2027, 5, 12), D(2027, 5, 12))


def _breakdown(scn: Scenario, result: SolveResult) -> Breakdown:
    assert result.plan is not None and result.status.has_plan
    return objective_breakdown(scn, result.calendar, result.plan)


def _assert_matches_solver(breakdown: Breakdown, result: SolveResult) -> None:
    assert breakdown.terms == result.terms
    assert breakdown.total == result.objective
    weighted = {t: sum(s.weighted.get(t, 0) for s in breakdown.students) for t in TERMS}
    weighted["sync"] = breakdown.weighted["sync"]
    assert sum(weighted.values()) == result.objective  # by student + class-level sync


@pytest.fixture(scope="module")
def default() -> tuple[Scenario, SolveResult, Breakdown]:
    scn, result = default_solved()  # one solve of default.yaml, shared with the page tests
    return scn, result, _breakdown(scn, result)


def test_default_breakdown_sums_to_the_solver_objective(
    default: tuple[Scenario, SolveResult, Breakdown],
) -> None:
    scn, result, breakdown = default
    _assert_matches_solver(breakdown, result)
    for term in TERMS:
        assert breakdown.terms[term] == result.terms[term], term
    assert len(breakdown.split_weeks) == result.kpis["split_teaching_weeks"]
    assert [s.student_id for s in breakdown.students] == [s.id for s in scn.students]


def test_default_breakdown_per_student(default: tuple[Scenario, SolveResult, Breakdown]) -> None:
    _, result, breakdown = default
    assert result.verdict is not None
    checks = {c.student_id: c for c in result.verdict.students}
    for cost in breakdown.students:
        assert cost.terms["holiday_days"] == checks[cost.student_id].holiday_days
        assert len(cost.holiday_dates) == cost.terms["holiday_days"]
        assert (cost.terms["preferred"] > 0) == bool(cost.missed_dates)
    # e26 repeats and keeps his internship: mission days only, all surplus
    e26 = breakdown.student("e26")
    assert result.plan is not None
    missions = len(result.plan.dates_of("e26"))
    assert missions > 0
    assert e26.terms == {
        "preferred": 0,
        "fragmentation": 0,
        "holiday_days": 0,
        "surplus_days": missions,
        "single_days": missions,
    }


def test_format_breakdown_is_french_and_shows_the_total(
    default: tuple[Scenario, SolveResult, Breakdown],
) -> None:
    scn, _, breakdown = default
    text = format_breakdown(breakdown, scn)
    assert f"objectif {breakdown.total}" in text
    assert "Hors des fenêtres préférées" in text
    assert "Classe partagée" in text
    assert "fenêtres préférées manquées" in text
    assert str(breakdown.split_weeks[0]) in text


@pytest.mark.slow
@pytest.mark.parametrize("name", ["bloc-novembre-annee2.yaml", "missions-hebdo.yaml"])
def test_other_bundled_breakdowns_sum_to_the_solver_objective(name: str) -> None:
    scn = load_scenario(SCENARIOS / name)
    result = solve(scn, SolveSettings.of(scn))
    _assert_matches_solver(_breakdown(scn, result), result)


TINY = {
    # weeks of C with a blocked Wednesday: single days, weighted preferred days
    "single-days": lambda: scenario(
        [student("s1"), student("s2")],
        open_ranges=[B, C, MAY_5W],
        extra_blocked=[CCF_C, CCF_MAY],
        preferred=[(C, 10), (B, 3), (MAY_5W, 7)],
    ),
    # missions, a reduced student, a repeating one with missions only, an
    # exempt one, a host too small for its interns
    "missions": lambda: scenario(
        [
            student("s1", host="h1", **REDUCED_9),
            student("s2", host="h1", **REDUCED_9),
            student("s5"),
            student("s3", repeating=True, new_internship=False),
            student("s4", exemption_reason="VAE"),
        ],
        open_ranges=[NOV, B, C, D_],
        hosts=[host("h1", capacity=1)],
        missions=[NOV_MISSIONS],
        preferred=[(D_, 10)],
    ),
    # every weight changed
    "weights": lambda: scenario(
        [student("s1"), student("s2", earliest_start="2027-01-11"), student("s3", **REDUCED_9)],
        open_ranges=[NOV, B, C, D_],
        missions=[mission("m1", D(2026, 11, 2), D(2026, 11, 20), days=2, students=["s1"])],
        preferred=[(C, 7)],
        weights={
            "preferred": 3,
            "sync": 11,
            "fragmentation": 5,
            "holiday_days": 2,
            "surplus_days": 4,
            "single_days": 2,
        },
    ),
}


@pytest.mark.parametrize("case", sorted(TINY))
def test_tiny_breakdown_sums_to_the_solver_objective(case: str) -> None:
    scn = TINY[case]()
    result = run(scn)
    _assert_matches_solver(_breakdown(scn, result), result)


def test_exempt_and_mission_only_students() -> None:
    scn = TINY["missions"]()
    result = run(scn)
    breakdown = _breakdown(scn, result)
    assert result.plan is not None
    assert set(breakdown.student("s4").terms.values()) == {0}  # owes nothing, no day
    assert breakdown.student("s4").missed_text == "aucune"
    s3 = breakdown.student("s3")
    assert s3.terms["surplus_days"] == len(result.plan.dates_of("s3")) == 3
    assert s3.terms["preferred"] == 0  # mission days cost nothing there


def test_single_days_cost_a_fifth_of_a_week_rounded_up() -> None:
    scn = TINY["single-days"]()
    result = run(scn)
    breakdown = _breakdown(scn, result)
    assert breakdown.terms["single_days"] >= 2 * 5  # 15 full weeks + 5 days, each
    for cost in breakdown.students:
        assert cost.terms["preferred"] > 0  # May: weeks miss 3, days ceil(3 / 5) = 1
    _assert_matches_solver(breakdown, result)


def test_hand_edited_plan_shortfall_is_not_a_negative_surplus() -> None:
    scn = TINY["missions"]()
    result = run(scn)
    assert result.plan is not None
    dates = {s.id: sorted(result.plan.dates_of(s.id))[:5] for s in scn.students}
    edited = build_plan(scn, result.calendar, dates)
    breakdown = objective_breakdown(scn, result.calendar, edited)
    assert all(s.terms["surplus_days"] >= 0 for s in breakdown.students)


def test_cli_explain_prints_the_breakdown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scn = TINY["missions"]()
    result = run(scn)
    assert result.plan is not None and result.verdict is not None
    out = tmp_path / "plan"
    write_plan(out, scn, result.calendar, result.plan, result.verdict, result.solve_info())
    assert main(["explain", str(out)]) == 0
    printed = capsys.readouterr().out
    assert result.objective is not None
    assert f"objectif {int(result.objective)} " in printed
    assert "Jours au-delà du dû" in printed


def test_cli_explain_on_an_unreadable_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["explain", str(tmp_path / "absent")]) == 2
    error = capsys.readouterr().err
    assert "Plan illisible" in error


def test_breakdown_dates_are_dates(default: tuple[Scenario, SolveResult, Breakdown]) -> None:
    _, _, breakdown = default
    for cost in breakdown.students:
        assert all(isinstance(d, dt.date) for d in cost.missed_dates)
        assert list(cost.missed_dates) == sorted(cost.missed_dates)


def test_the_weeks_splitting_a_class_are_listed_per_class_in_a_school() -> None:
    """A school's 10 classes split in the same week read « 28/09, 28/09… »
    as one list; per class, each date says which class it splits."""
    monday, later = dt.date(2026, 9, 28), dt.date(2026, 10, 5)

    def text(by_class: dict[str, tuple[dt.date, ...]]) -> str:
        return split_weeks_text(Breakdown({}, (), by_class), lambda d: f"{d:%d/%m}")

    assert text({"c01": (monday, later)}).endswith("la classe est partagée : 28/09, 05/10")
    school = text({"c01": (monday,), "c02": (), "c03": (monday, later)})
    assert school.endswith("par classe — c01 : 28/09; c03 : 28/09, 05/10")
    assert text({"c01": (), "c02": ()}).endswith("— aucune")
    assert text({}).endswith(": aucune")
