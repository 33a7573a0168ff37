"""The bundled infeasible scenarios: the explanation names the right
students and rules, its levers are actionable, and applying the lever it
names gives a validated optimal plan."""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from pathlib import Path

import pytest

from models import PlanStatus, Scenario, load_scenario
from planner.calendar import build_calendar
from planner.cli import main
from planner.diagnose import Conflict, diagnose
from planner.solve import SolveSettings, solve

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
RANGE = re.compile(r"débloquer « (?P<label>[^»]+) » \((?P<start>[\d-]+)\.\.(?P<end>[\d-]+)\)")

#: scenario -> (students named, rules named)
EXPECTED = {
    "infeasible-fin-tardive.yaml": ({"a03"}, {"R1"}),
    "infeasible-semaines-bloquees.yaml": ({"b01", "b02", "b03"}, {"R1"}),
    "infeasible-capacite.yaml": ({"c01", "c02"}, {"R1", "R10"}),
}


def _explain(name: str) -> tuple[Scenario, tuple[Conflict, ...]]:
    scenario = load_scenario(SCENARIOS / name)
    calendar = build_calendar(scenario)
    started = time.perf_counter()
    conflicts = diagnose(scenario, calendar)
    elapsed = time.perf_counter() - started
    print(f"\n{name} : explication en {elapsed:.2f} s")
    for conflict in conflicts:
        print(f"  - {conflict.message}")
        for lever in conflict.levers:
            print(f"    levier : {lever}")
    return scenario, conflicts


def _assert_optimal(scenario: Scenario) -> None:
    result = solve(scenario, SolveSettings.of(scenario, seed=0, workers=1))
    assert result.status is PlanStatus.OPTIMAL
    assert result.verdict is not None and result.verdict.ok


def test_every_infeasible_scenario_is_covered() -> None:
    assert {p.name for p in SCENARIOS.glob("infeasible*.yaml")} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_explanation_names_students_and_rules(name: str) -> None:
    scenario, conflicts = _explain(name)
    students, rules = EXPECTED[name]
    assert conflicts
    assert {s for c in conflicts for s in c.students} == students
    assert {r for c in conflicts for r in c.rules} == rules
    names = {s.id: s.name for s in scenario.students}
    for conflict in conflicts:
        assert conflict.levers, conflict
        for student in conflict.students:
            assert f"{names[student]} ({student})" in conflict.message


def test_late_start_lever_moves_the_arrival() -> None:
    scenario, (conflict,) = _explain("infeasible-fin-tardive.yaml")
    assert any(lever.startswith("réduction de durée (R2") for lever in conflict.levers)
    (arrival,) = [lever for lever in conflict.levers if "earliest_start" in lever]
    found = re.search(r"au (\d{4}-\d{2}-\d{2}) au plus tard", arrival)
    assert found is not None
    day = dt.date.fromisoformat(found.group(1))
    assert day < dt.date(2028, 2, 1)
    students = tuple(
        s.model_copy(update={"earliest_start": day}) if s.id == "a03" else s
        for s in scenario.students
    )
    _assert_optimal(scenario.model_copy(update={"students": students}))


def test_blocked_weeks_lever_unblocks_the_smallest_range() -> None:
    scenario, conflicts = _explain("infeasible-semaines-bloquees.yaml")
    texts = {c.levers for c in conflicts}
    assert len(texts) == 1  # the three students get the same levers
    (levers,) = texts
    assert levers[0].startswith("réduction de durée (R2, décision de positionnement")
    first = next(m for lever in levers if (m := RANGE.search(lever)))
    assert first.group("label") == "Semaines de soutien"
    blocked = tuple(r for r in scenario.progression.blocked if r.label != first.group("label"))
    assert len(blocked) == len(scenario.progression.blocked) - 1
    progression = scenario.progression.model_copy(update={"blocked": blocked})
    _assert_optimal(scenario.model_copy(update={"progression": progression}))


def test_capacity_lever_raises_the_capacity() -> None:
    scenario, (conflict,) = _explain("infeasible-capacite.yaml")
    (raise_,) = [lever for lever in conflict.levers if lever.startswith("augmenter la capacité")]
    assert "(agence-littoral) à 2" in raise_
    assert any(lever.startswith("placer un élève chez une autre") for lever in conflict.levers)
    hosts = tuple(
        h.model_copy(update={"capacity": 2}) if h.id == "agence-littoral" else h
        for h in scenario.hosts
    )
    _assert_optimal(scenario.model_copy(update={"hosts": hosts}))
    # Each student alone has a plan: the conflict is the shared place.
    for student in ("c01", "c02"):
        alone = tuple(s for s in scenario.students if s.id != student)
        _assert_optimal(scenario.model_copy(update={"students": alone}))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_cli_writes_the_explanation(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "plan"
    argv = ["solve", str(SCENARIOS / name), "--out", str(out), "--quiet", "--workers", "1"]
    assert main(argv) == 3
    err = capsys.readouterr().err
    assert "levier : " in err
    assert sorted(p.name for p in out.iterdir()) == ["explanation.json"]
    body = json.loads((out / "explanation.json").read_text(encoding="utf-8"))
    assert body["status"] == "INFEASIBLE"
    students, rules = EXPECTED[name]
    assert {s for c in body["conflicts"] for s in c["students"]} == students
    assert {r for c in body["conflicts"] for r in c["rules"]} == rules
    for conflict in body["conflicts"]:
        assert conflict["message"] and conflict["levers"]
