"""Why no plan exists: the students who cannot be placed and the rules
that stop them.

First each student alone (a student that cannot be placed on his own is
the clearest cause), then the students of each over-subscribed host
together (R10 capacity), then the whole class. Each time the rules are
made conditional on assumption literals; CP-SAT's infeasible core is then
shrunk to a minimal set by deletion.

Each conflict then gets its *levers* (:mod:`planner.levers`): changes of
the scenario, each checked to lift it.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from models import RULE_TITLES, Calendar, Scenario, Student, requirement_of

from .conflict import Conflict, student_label
from .formulation import Group, ModelData, StagePlanModel, configure_solver
from .levers import with_levers

#: Seconds allowed to each small feasibility check.
_CHECK_SECONDS = 10.0


def diagnose(scenario: Scenario, calendar: Calendar) -> tuple[Conflict, ...]:
    """Name the students and rules that make ``scenario`` infeasible."""
    conflicts = [c for s in scenario.students if (c := _alone(scenario, calendar, s))]
    if conflicts:
        return tuple(with_levers(scenario, calendar, c) for c in conflicts)
    crowded = [(h, c) for h in _crowded_hosts(scenario) if (c := _host(scenario, calendar, h))]
    if crowded:
        return tuple(with_levers(scenario, calendar, c, host_id=h) for h, c in crowded)
    # The whole class: no lever search (each check would solve the class).
    whole = _conflict(scenario, calendar, scenario.students, "la classe entière")
    return (whole,) if whole else ()


def _alone(scenario: Scenario, calendar: Calendar, student: Student) -> Conflict | None:
    host = scenario.host(student.host)
    requirement = requirement_of(student, scenario.rules)
    if host is not None and not host.sells_goods_or_services and not requirement.exempt:
        return Conflict(
            (student.id,),
            ("R10",),
            f"{student_label(student)} : R10 l'entreprise {host.name} ({host.id}) n'a pas "
            "pour activité principale la commercialisation de biens et de services ; "
            "aucun stage n'y est possible",
        )
    return _conflict(scenario, calendar, (student,), student_label(student))


def _host(scenario: Scenario, calendar: Calendar, host_id: str) -> Conflict | None:
    students = tuple(s for s in scenario.students if s.host == host_id)
    host = scenario.host(host_id)
    assert host is not None
    return _conflict(scenario, calendar, students, f"les élèves de {host.name} ({host.id})")


def _crowded_hosts(scenario: Scenario) -> list[str]:
    counts = {h.id: 0 for h in scenario.hosts}
    for student in scenario.students:
        if student.host is not None:
            counts[student.host] += 1
    return [h.id for h in scenario.hosts if counts[h.id] > h.capacity]


def _conflict(
    scenario: Scenario, calendar: Calendar, students: tuple[Student, ...], who: str
) -> Conflict | None:
    sub = scenario.model_copy(update={"students": students})
    data = ModelData(sub, calendar, collapse=False, complete=True)
    model = StagePlanModel(data, switch_rules=True)
    literals = model.switches.literals
    core = _minimal_core(model, list(literals.values()))
    if core is None:
        return None
    names = {lit.index: key for key, lit in literals.items()}
    keys = sorted({names[lit.index] for lit in core}, key=lambda k: (int(k[0][1:]), k[1]))
    rules = tuple(dict.fromkeys(rule for rule, _ in keys))
    involved = _students_of(keys, data) or tuple(s.id for s in students)
    return Conflict(involved, rules, _message(who, rules, data, involved))


def _minimal_core(
    model: StagePlanModel, assumptions: list[cp_model.IntVar]
) -> list[cp_model.IntVar] | None:
    """A minimal infeasible subset of ``assumptions``, or None if feasible."""
    core = _core(model, assumptions)
    if core is None:
        return None
    for literal in list(core):
        trial = [lit for lit in core if lit.index != literal.index]
        if _core(model, trial) is not None:
            core = trial
    return core


def _core(
    model: StagePlanModel, assumptions: list[cp_model.IntVar]
) -> list[cp_model.IntVar] | None:
    model.model.clear_assumptions()
    model.model.add_assumptions(assumptions)
    solver = cp_model.CpSolver()
    configure_solver(solver, _CHECK_SECONDS, seed=0, workers=1)
    status = solver.solve(model.model)
    if status != cp_model.INFEASIBLE:
        return None
    by_index = {lit.index: lit for lit in assumptions}
    return [
        by_index[i] for i in solver.sufficient_assumptions_for_infeasibility() if i in by_index
    ]


def _students_of(keys: list[tuple[str, str]], data: ModelData) -> tuple[str, ...]:
    found: list[str] = []
    for _, owner in keys:
        if owner.startswith("g"):
            found.extend(data.groups[int(owner[1:])].students)
    return tuple(dict.fromkeys(found))


def _message(who: str, rules: tuple[str, ...], data: ModelData, students: tuple[str, ...]) -> str:
    listed = " + ".join(f"{r} ({RULE_TITLES[r]})" for r in rules)
    verdict = "impossibles ensemble" if len(rules) > 1 else "impossible à respecter"
    text = f"{who} : {listed} {verdict}"
    details = [_grid_detail(data, s) for s in students]
    return text + "".join(f"\n    - {d}" for d in details if d)


def _grid_detail(data: ModelData, student_id: str) -> str:
    """What the calendar leaves to one student: weeks he needs, weeks he can have."""
    student = next(s for s in data.scenario.students if s.id == student_id)
    group = data.group_of(student_id)
    reasons = ["R7 dates bloquées"]
    if student.earliest_start:
        reasons.append(f"arrivée le {student.earliest_start.isoformat()}")
    if student.unavailable:
        reasons.append("indisponibilités")
    host = data.scenario.host(student.host)
    if host is not None and host.closures:
        reasons.append("fermetures de l'entreprise R10")
    needed = group.requirement.required_weeks
    reachable = _weeks_text(_reachable_units(data, group) / 5)
    return (
        f"{student_label(student)} : {needed} semaines requises, au plus {reachable} "
        f"possibles dont {len(group.weeks)} semaines complètes ({', '.join(reasons)})"
    )


def _reachable_units(data: ModelData, group: Group) -> int:
    """Most weeks (in fifths) the calendar lets the group spend in company."""
    full = set(group.weeks)
    singles = set(group.single_days)
    units = 5 * len(full)
    for monday, working in data.calendar.weeks.items():
        if monday in full:
            continue
        open_days = sum(1 for d in working if d.date in singles)
        whole = data.calendar.is_whole_week(monday)
        units += min(open_days, len(working) - 1) if whole else open_days
    return units


def _weeks_text(weeks: float) -> str:
    return f"{weeks:g}".replace(".", ",")


__all__ = ["Conflict", "diagnose"]
