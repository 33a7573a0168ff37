"""« Pourquoi pas là ? » (:mod:`planner.whynot`): the rules that keep a
student from given dates, or the cost of forcing him there; and the
``stageplan whynot`` command."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from factories import SETTINGS, WINTER, B, C, D, host, raw_scenario, run, student

from models import PlanStatus, Scenario, scenario_from_dict
from planner.calendar import build_calendar
from planner.cli import main
from planner.whynot import Outcome, WhyNot, WhyNotError, format_why_not, why_not

#: Six-week requirement: one block in B or C is a whole plan; B is preferred.
SIX = {"required_weeks": 6, "min_reduced_weeks": 6, "block_min_weeks": 6}
INVENTORY = {"start": "2027-03-08", "end": "2027-03-12", "label": "inventaire"}
#: A blocked week (outside the open ranges B, C and the winter holidays).
BLOCKED_WEEK = (D(2027, 5, 3), D(2027, 5, 7))
CLOSED_WEEK = (D(2027, 3, 8), D(2027, 3, 12))
C_WEEK_3 = (D(2027, 3, 15), D(2027, 3, 19))


def _raw(**rules: Any) -> dict[str, Any]:
    return raw_scenario(
        [student("s1", host="h1"), student("s2")],
        open_ranges=(B, C, WINTER),
        rules={**SIX, "max_holiday_days": 5, **rules},
        preferred=[(B, 5)],
        hosts=[host("h1", closures=[INVENTORY])],
    )


def _scn() -> Scenario:
    return scenario_from_dict(_raw())


def _why(span: tuple[dt.date, dt.date], sid: str = "s1") -> tuple[WhyNot, float]:
    scn = _scn()
    base = run(scn)
    assert base.status is PlanStatus.OPTIMAL and base.objective is not None
    answer = why_not(
        scn, build_calendar(scn), sid, span[0], span[1], SETTINGS, base.objective, base.terms
    )
    return answer, base.objective


def test_a_range_on_a_blocked_date_names_r7() -> None:
    answer, _ = _why(BLOCKED_WEEK)
    assert answer.outcome is Outcome.BLOCKED
    assert answer.rules == ("R7",)
    assert answer.objective is None
    text = format_why_not(answer)
    assert "R7" in text and "dates bloquées" in text and "2027-05-03" in text


def test_a_range_on_a_host_closure_names_r10() -> None:
    answer, _ = _why(CLOSED_WEEK)
    assert answer.outcome is Outcome.BLOCKED
    assert answer.rules == ("R10",)
    assert "fermeture" in format_why_not(answer) and "inventaire" in format_why_not(answer)


def test_the_other_student_is_not_bound_by_the_closure() -> None:
    answer, _ = _why(CLOSED_WEEK, sid="s2")
    assert answer.outcome is Outcome.FEASIBLE
    assert answer.rules == ()


def test_a_costly_range_gives_the_objective_and_the_grown_terms() -> None:
    answer, baseline = _why(C_WEEK_3)
    assert answer.outcome is Outcome.FEASIBLE, format_why_not(answer)
    assert answer.objective is not None and answer.objective > baseline
    assert answer.delta == answer.objective - baseline
    grown = {c.term for c in answer.grown}
    # A week of C on top of the preferred block in B: a second period,
    # surplus days, a week outside the preferred window, the class split.
    assert {"fragmentation", "surplus_days", "preferred", "sync"} <= grown
    assert sum(c.weighted for c in answer.changes) == answer.delta
    text = format_why_not(answer)
    assert f"au lieu de {baseline:g}" in text
    assert "Périodes de semaines (fractionnement) : +1" in text


def test_the_baseline_is_solved_when_unknown() -> None:
    scn = _scn()
    answer = why_not(scn, build_calendar(scn), "s1", *C_WEEK_3, SETTINGS, None)
    assert answer.baseline_objective == run(scn).objective
    assert answer.grown


def test_forcing_many_holiday_days_is_infeasible_with_r8() -> None:
    answer, _ = _why(WINTER)  # 10 holiday days, 5 allowed
    assert answer.outcome is Outcome.INFEASIBLE
    assert "R8" in answer.rules
    text = format_why_not(answer)
    assert "R8 : 10 jours en vacances imposés par cette période > 5" in text


@pytest.mark.parametrize(
    ("sid", "start", "end", "field"),
    [
        ("zz", D(2027, 1, 4), D(2027, 1, 8), "élève"),
        ("s1", D(2027, 1, 8), D(2027, 1, 4), "fin"),
        ("s1", D(2026, 8, 24), D(2026, 8, 28), "dates"),
        ("s1", D(2027, 1, 9), D(2027, 1, 10), "dates"),  # a weekend only
    ],
)
def test_bad_requests_name_the_field(sid: str, start: dt.date, end: dt.date, field: str) -> None:
    scn = _scn()
    with pytest.raises(WhyNotError) as caught:
        why_not(scn, build_calendar(scn), sid, start, end, SETTINGS, 0.0)
    assert caught.value.field == field


# --- CLI ---


@pytest.fixture(scope="module")
def plan_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("whynot")
    source = root / "tiny.yaml"
    source.write_text(yaml.safe_dump(_raw(), allow_unicode=True), encoding="utf-8")
    out = root / "plan"
    assert main(["solve", str(source), "--out", str(out), "--workers", "2", "--quiet"]) == 0
    return out


def _whynot(plan: Path, sid: str, start: str, end: str) -> int:
    return main(["whynot", str(plan), "--student", sid, "--from", start, "--to", end])


def test_cli_whynot_reports_the_cost(plan_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    baseline = json.loads((plan_dir / "summary.json").read_text(encoding="utf-8"))["objective"]
    assert _whynot(plan_dir, "s1", "2027-03-15", "2027-03-19") == 0
    out = capsys.readouterr().out
    assert f"au lieu de {baseline:g}" in out
    assert "Ce qui coûte plus" in out and "fractionnement" in out


def test_cli_whynot_reports_blocked_rules(
    plan_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _whynot(plan_dir, "s1", "2027-03-08", "2027-03-12") == 0
    assert "R10" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("zz", "2027-03-15", "2027-03-19"), "--student"),
        (("s1", "2027-03-19", "2027-03-15"), "--to"),
        (("s1", "2029-01-01", "2029-01-05"), "--from/--to"),
        (("s1", "15/03/2027", "2027-03-19"), "--from"),
    ],
)
def test_cli_whynot_bad_input_exits_2(
    plan_dir: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, str, str], field: str
) -> None:
    assert _whynot(plan_dir, *args) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{field} : "), err


def test_cli_whynot_unreadable_plan_exits_2(tmp_path: Path) -> None:
    assert _whynot(tmp_path / "absent", "s1", "2027-03-15", "2027-03-19") == 2
