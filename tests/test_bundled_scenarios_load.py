"""The bundled scenarios load, and the class list is what README.md says.

These tests guard the claims of README.md and of the scenarios'
descriptions: the route mix of ``scenarios/classe-nrc-2026.csv``, the hosts
over capacity, and that every student who owes an internship has enough
open weeks (R1/R2 and R4) in the feasible scenarios, and one does not in
the infeasible one. They do not solve (the solver tests do).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from models import (
    Calendar,
    Route,
    Scenario,
    Student,
    load_scenario,
    requirement_of,
    scenario_from_dict,
)
from planner.calendar import build_calendar

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
CLASS_LIST = "classe-nrc-2026.csv"
FEASIBLE = ("default.yaml", "bloc-novembre-annee2.yaml", "missions-hebdo.yaml")
INFEASIBLE = "infeasible-fin-tardive.yaml"
OTHER_INFEASIBLE = ("infeasible-semaines-bloquees.yaml", "infeasible-capacite.yaml")
ONE_WEEK = dt.timedelta(days=7)


def _scenario_files() -> list[Path]:
    return sorted(SCENARIOS.glob("*.yaml"))


@pytest.fixture(scope="module")
def default() -> Scenario:
    return load_scenario(SCENARIOS / "default.yaml")


def test_the_bundled_scenarios_are_all_there() -> None:
    names = {path.name for path in _scenario_files()}
    assert names == {*FEASIBLE, INFEASIBLE, *OTHER_INFEASIBLE}


@pytest.mark.parametrize("path", _scenario_files(), ids=lambda p: p.name)
def test_every_bundled_scenario_loads(path: Path) -> None:
    scenario = load_scenario(path)
    assert scenario.name.strip()
    assert scenario.description.strip()
    assert scenario.training.first_date == dt.date(2026, 9, 1)
    assert scenario.training.last_date == dt.date(2028, 6, 30)
    assert scenario.training.zone == "A"
    assert scenario.solver.time_limit_s == 60
    assert scenario.solver.seed == 0
    assert scenario.solver.workers == 1
    assert scenario.progression.blocked
    assert scenario.progression.preferred
    assert scenario.progression.missions
    assert all(host.sells_goods_or_services for host in scenario.hosts)
    assert all(r.label for r in scenario.progression.blocked)
    assert all(w.label for w in scenario.progression.preferred)


@pytest.mark.parametrize("name", FEASIBLE)
def test_class_scenarios_share_one_class_list(name: str, default: Scenario) -> None:
    text = (SCENARIOS / name).read_text(encoding="utf-8")
    assert re.search(rf"^students:\s*\{{\s*file:\s*{re.escape(CLASS_LIST)}\s*\}}", text, re.M)
    assert load_scenario(SCENARIOS / name).students == default.students


def test_rule_profile_is_the_default_but_for_one_shown_override() -> None:
    overrides = {path.name: load_scenario(path).rules.overrides() for path in _scenario_files()}
    assert overrides.pop("bloc-novembre-annee2.yaml") == {"max_holiday_days": 15}
    assert all(found == {} for found in overrides.values())
    profile = load_scenario(SCENARIOS / "default.yaml").rules
    assert profile.name == "bts-nrc"
    assert (profile.required_weeks, profile.block_min_weeks) == (16, 6)
    assert (profile.max_holiday_days, profile.summer_rest_days) == (20, 28)


# --- The class list: the mix README.md describes ---


def test_class_size_and_routes(default: Scenario) -> None:
    students = default.students
    assert len(students) == 33
    assert Counter(s.route for s in students) == {
        Route.SCOLAIRE: 29,
        Route.DISTANCE: 1,
        Route.APPRENTI: 2,
        Route.FORMATION_CONTINUE: 1,
    }
    (distance,) = [s for s in students if s.route is Route.DISTANCE]
    assert distance.effective_route is Route.SCOLAIRE


def test_reductions_exemption_and_repeating_student(default: Scenario) -> None:
    students = default.students
    reduced = sorted(s.reduced_weeks for s in students if s.reduced_weeks is not None)
    assert reduced == [10, 12]
    reasons = [s.reduction_reason or "" for s in students if s.reduced_weeks is not None]
    assert any("force majeure" in r for r in reasons)
    assert any("positionnement" in r for r in reasons)
    (vae,) = [s for s in students if s.exemption_reason]
    assert "validation des acquis" in (vae.exemption_reason or "")
    (repeating,) = [s for s in students if s.repeating]
    assert repeating.new_internship is False
    assert repeating.host is not None  # he still does his missions somewhere


def test_what_the_rules_ask_of_the_class(default: Scenario) -> None:
    requirements = {s.id: requirement_of(s, default.rules) for s in default.students}
    weeks = Counter(r.required_weeks for r in requirements.values())
    # 27 owe 16 weeks (one in continuing education), 2 a reduced figure;
    # the 2 apprentices, the VAE student and the repeating student owe none.
    assert weeks == {16: 27, 12: 1, 10: 1, 0: 4}
    exempt_no_missions = [s for s, r in requirements.items() if r.exempt and not r.missions]
    assert len(exempt_no_missions) == 3
    missions_only = [s for s, r in requirements.items() if r.exempt and r.missions]
    assert len(missions_only) == 1


def test_late_starters_unavailability_and_students_without_host(default: Scenario) -> None:
    students = default.students
    late = sorted(s.earliest_start for s in students if s.earliest_start is not None)
    assert late == [dt.date(2026, 11, 2), dt.date(2026, 11, 16), dt.date(2027, 1, 4)]
    assert sum(1 for s in students if s.unavailable) == 2
    owing = [s for s in students if _owes_days(s, default)]
    assert sum(1 for s in owing if s.host is None) == 2


def test_hosts_capacity_and_closures(default: Scenario) -> None:
    assert 20 <= len(default.hosts) <= 30
    interns = Counter(s.host for s in default.students if s.host and _owes_days(s, default))
    capacity = {h.id: h.capacity for h in default.hosts}
    shared = {host for host, count in interns.items() if count >= 2}
    over = {host for host, count in interns.items() if count > capacity[host]}
    assert len(shared) >= 3
    assert over == {"sport-horizon", "immo-rive-gauche"}
    closed = [h for h in default.hosts if h.closures]
    assert 2 <= len(closed) <= 3
    assert all(1 <= h.capacity <= 3 for h in default.hosts)


def test_hosts_tutors_team_host_change_and_named_referents(default: Scenario) -> None:
    # What the conventions (R11) and visits (R12) need, as the README says.
    assert all(h.town and h.postcode and h.tutor is not None for h in default.hosts)
    assert len({h.town for h in default.hosts}) >= 5  # visits can be grouped by town
    assert len(default.teachers) == 6
    assert [s.id for s in default.students if s.host_changes] == ["e12"]
    assert sum(1 for s in default.students if s.referent) == 4


# --- Enough open weeks: the feasible scenarios can be solved, d cannot ---


@pytest.mark.parametrize("name", FEASIBLE)
def test_every_student_has_room_for_his_internship(name: str) -> None:
    scenario = load_scenario(SCENARIOS / name)
    calendar = build_calendar(scenario)
    for student in scenario.students:
        requirement = requirement_of(student, scenario.rules)
        if not requirement.needs_block:
            continue
        weeks = _open_weeks(scenario, calendar, student)
        assert len(weeks) >= requirement.required_weeks + 4, student.id
        assert _longest_run(weeks) >= scenario.rules.block_min_weeks, student.id


def test_the_late_student_of_the_infeasible_scenario_has_no_room() -> None:
    scenario = load_scenario(SCENARIOS / INFEASIBLE)
    calendar = build_calendar(scenario)
    rooms = {s.id: _open_weeks(scenario, calendar, s) for s in scenario.students}
    assert len(rooms["a03"]) < scenario.rules.required_weeks
    assert _longest_run(rooms["a03"]) < scenario.rules.block_min_weeks
    for student_id in ("a01", "a02"):
        assert len(rooms[student_id]) >= scenario.rules.required_weeks
        assert _longest_run(rooms[student_id]) >= scenario.rules.block_min_weeks


def test_summer_2027_leaves_room_for_the_summer_rest(default: Scenario) -> None:
    (summer,) = build_calendar(default).summers
    assert summer.start.year == 2027
    length = (summer.end - summer.start).days + 1
    assert length >= default.rules.summer_rest_days + 14


def _owes_days(student: Student, scenario: Scenario) -> bool:
    requirement = requirement_of(student, scenario.rules)
    return requirement.required_weeks > 0 or requirement.missions


def _open_weeks(scenario: Scenario, calendar: Calendar, student: Student) -> list[dt.date]:
    """Mondays of the whole weeks this student could spend in company."""
    host = scenario.host(student.host)
    closed = student.unavailable + (host.closures if host else ())
    found = []
    for monday, days in calendar.weeks.items():
        if not calendar.is_whole_week(monday):
            continue
        if all(
            day.open_to_internship
            and (student.earliest_start is None or day.date >= student.earliest_start)
            and not any(day.date in r for r in closed)
            for day in days
        ):
            found.append(monday)
    return found


def _longest_run(mondays: list[dt.date]) -> int:
    best = run = 0
    previous = None
    for monday in sorted(mondays):
        run = run + 1 if previous is not None and monday - previous == ONE_WEEK else 1
        best = max(best, run)
        previous = monday
    return best


# --- README.md: the commands CI runs and the scenarios it lists ---


STREAMLIT_FLAGS = " --server.headless true --browser.gatherUsageStats false"


def test_readme_starts_with_the_two_commands() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# ")
    assert lines[1] == "```"
    assert ".venv/bin/pip install -q -e '.[dev]'" in lines[2]
    assert lines[2].endswith(".venv/bin/streamlit run dashboard/app.py" + STREAMLIT_FLAGS)
    assert lines[3].endswith(".venv/bin/python -m pytest")
    assert lines[4] == "```"


def test_readme_lists_every_bundled_scenario() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in _scenario_files():
        assert f"`{path.name}`" in readme


@pytest.mark.parametrize("doc", ["README.md", "docs/scenario-format.md"])
def test_the_documented_yaml_examples_load(doc: str) -> None:
    text = (ROOT / doc).read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", text, re.S)
    assert blocks
    for block in blocks:
        assert scenario_from_dict(yaml.safe_load(block), doc).students
