"""Levers: changes of a scenario that lift a conflict, each one checked.

A reduction of duration, a blocked range to unblock, an arrival date, a
host's capacity, a rule-profile figure. A lever is only offered once the
same small feasibility check, run again on the changed scenario, finds a
plan for the students in conflict.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from ortools.sat.python import cp_model

from models import Calendar, DateRange, Scenario, Student, requirement_of

from .calendar import build_calendar
from .conflict import Conflict, student_label
from .formulation import ModelData, StagePlanModel, configure_solver

#: Seconds allowed to each small feasibility check.
_CHECK_SECONDS = 10.0
#: At most this many ranges (blocked dates, closures...) offered as levers.
_MAX_RANGE_LEVERS = 3
#: At most this many ranges tried as levers, smallest first.
_MAX_RANGE_TRIALS = 12


def _feasible(scenario: Scenario, calendar: Calendar, student_ids: tuple[str, ...]) -> bool:
    """Whether the named students of ``scenario`` have a plan on their own."""
    students = tuple(s for s in scenario.students if s.id in student_ids)
    sub = scenario.model_copy(update={"students": students})
    # Every rule switched on, no objective: feasibility only.
    model = StagePlanModel(
        ModelData(sub, calendar, collapse=False, complete=True), switch_rules=True
    )
    model.model.add_assumptions(list(model.switches.literals.values()))
    solver = cp_model.CpSolver()
    configure_solver(solver, _CHECK_SECONDS, seed=0, workers=1)
    return solver.solve(model.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


#: A range as a lever: its text, the range, the edit removing it, and whether
#: that edit changes the calendar.
_Range = tuple[str, DateRange, Callable[[Scenario], Scenario], bool]


class _Levers:
    """Tries changes of the scenario on the students of one conflict."""

    def __init__(self, scenario: Scenario, calendar: Calendar, conflict: Conflict):
        self.scenario = scenario
        self.calendar = calendar
        self.ids = conflict.students
        self.students = tuple(s for s in scenario.students if s.id in self.ids)
        self.found: list[str] = []

    def lifts(self, edited: Scenario, *, new_calendar: bool = False) -> bool:
        calendar = build_calendar(edited) if new_calendar else self.calendar
        return _feasible(edited, calendar, self.ids)

    def with_students(self, edit: Callable[[Student], dict[str, object]]) -> Scenario:
        students = tuple(
            s.model_copy(update=edit(s)) if s.id in self.ids else s for s in self.scenario.students
        )
        return self.scenario.model_copy(update={"students": students})

    def with_rules(self, **update: object) -> Scenario:
        return self.scenario.model_copy(
            update={"rules": self.scenario.rules.model_copy(update=update)}
        )


def with_levers(
    scenario: Scenario, calendar: Calendar, conflict: Conflict, host_id: str | None = None
) -> Conflict:
    levers = _Levers(scenario, calendar, conflict)
    rules = set(conflict.rules)
    if "R10" in rules and host_id is None:
        _lever_selling_host(levers)
    if host_id is not None:
        _lever_capacity(levers, host_id)
    reduction = _reduction(levers) if rules & {"R1", "R2"} else None
    if reduction is not None and levers.lifts(reduction):
        levers.found.append(_reduction_text(levers))
        reduction = None  # enough alone: no need to pair it with a range
    rest = _range_levers(levers)
    if reduction is not None:
        _lever_reduction_and_range(levers, reduction, rest)
    _lever_arrival(levers)
    if "R8" in rules:
        _lever_holiday_days(levers)
    if "R9" in rules:
        _lever_summer_rest(levers)
    if "R6" in rules:
        _lever_missions(levers)
    return Conflict(conflict.students, conflict.rules, conflict.message, tuple(levers.found))


def _lever_selling_host(levers: _Levers) -> None:
    if levers.lifts(levers.with_students(lambda s: {"host": None})):
        levers.found.append(
            "placer l'élève dans une entreprise dont l'activité principale est la "
            "commercialisation de biens et de services (R10)"
        )


def _lever_capacity(levers: _Levers, host_id: str) -> None:
    host = levers.scenario.host(host_id)
    assert host is not None

    def with_capacity(capacity: int) -> Scenario:
        hosts = tuple(
            h.model_copy(update={"capacity": capacity}) if h.id == host_id else h
            for h in levers.scenario.hosts
        )
        return levers.scenario.model_copy(update={"hosts": hosts})

    needed = _smallest(
        host.capacity + 1, len(levers.students), lambda n: levers.lifts(with_capacity(n))
    )
    if needed is not None:
        levers.found.append(f"augmenter la capacité de {host.name} ({host.id}) à {needed} (R10)")
    movable = []
    for student in levers.students:
        moved = levers.scenario.model_copy(
            update={
                "students": tuple(
                    s.model_copy(update={"host": None}) if s.id == student.id else s
                    for s in levers.scenario.students
                )
            }
        )
        if levers.lifts(moved):
            movable.append(student_label(student))
    if movable:
        levers.found.append(f"placer un élève chez une autre entreprise ({' ou '.join(movable)})")


def _reduction(levers: _Levers) -> Scenario | None:
    """The scenario with the least reduction R2 allows for the students, if any."""
    floor = levers.scenario.rules.min_reduced_weeks
    owing = [
        s
        for s in levers.students
        if requirement_of(s, levers.scenario.rules).required_weeks > floor
    ]
    if not owing:
        return None
    return levers.with_students(
        lambda s: (
            {"reduced_weeks": floor, "reduction_reason": "décision de positionnement"}
            if s in owing
            else {}
        )
    )


def _reduction_text(levers: _Levers) -> str:
    floor = levers.scenario.rules.min_reduced_weeks
    return f"réduction de durée (R2, décision de positionnement, au moins {floor} semaines)"


def _candidate_ranges(
    levers: _Levers,
) -> list[tuple[str, DateRange, Callable[[Scenario], Scenario], bool]]:
    """Ranges that keep the students out of company in their window, smallest first.

    Each comes with its lever text, the scenario edit that removes it, and
    whether the edit changes the calendar.
    """
    scenario = levers.scenario
    starts = [s.earliest_start or levers.calendar.first_date for s in levers.students]
    window = DateRange(
        start=min(starts, default=levers.calendar.first_date), end=levers.calendar.last_date
    )
    found: list[_Range] = []
    for blocked in scenario.progression.blocked:
        if blocked.end < window.start or blocked.start > window.end:
            continue

        def unblock(scn: Scenario, gone: DateRange = blocked) -> Scenario:
            kept = tuple(r for r in scn.progression.blocked if r != gone)
            progression = scn.progression.model_copy(update={"blocked": kept})
            return scn.model_copy(update={"progression": progression})

        found.append((f"débloquer {_range_text(blocked)} (R7)", blocked, unblock, True))
    for student in levers.students:
        for away in student.unavailable:

            def free(scn: Scenario, who: str = student.id, gone: DateRange = away) -> Scenario:
                students = tuple(
                    s.model_copy(
                        update={"unavailable": tuple(r for r in s.unavailable if r != gone)}
                    )
                    if s.id == who
                    else s
                    for s in scn.students
                )
                return scn.model_copy(update={"students": students})

            found.append(
                (
                    f"lever l'indisponibilité de {student_label(student)} {_range_text(away)}",
                    away,
                    free,
                    False,
                )
            )
    for host in {h.id: h for s in levers.students if (h := scenario.host(s.host))}.values():
        for closure in host.closures:

            def open_(scn: Scenario, where: str = host.id, gone: DateRange = closure) -> Scenario:
                hosts = tuple(
                    h.model_copy(update={"closures": tuple(r for r in h.closures if r != gone)})
                    if h.id == where
                    else h
                    for h in scn.hosts
                )
                return scn.model_copy(update={"hosts": hosts})

            found.append(
                (
                    f"lever la fermeture de {host.name} {_range_text(closure)} (R10)",
                    closure,
                    open_,
                    False,
                )
            )
    found.sort(key=lambda item: (_working_days(levers.calendar, item[1]), item[1].start))
    return found[:_MAX_RANGE_TRIALS]


def _range_levers(levers: _Levers) -> list[_Range]:
    """Offer the ranges whose removal alone lifts the conflict; return the others."""
    rest: list[_Range] = []
    kept = 0
    for candidate in _candidate_ranges(levers):
        text, _, edit, new_calendar = candidate
        if kept < _MAX_RANGE_LEVERS and levers.lifts(
            edit(levers.scenario), new_calendar=new_calendar
        ):
            levers.found.append(text)
            kept += 1
        else:
            rest.append(candidate)
    return rest


def _lever_reduction_and_range(levers: _Levers, reduced: Scenario, ranges: list[_Range]) -> None:
    """Neither alone lifts the conflict: a reduction together with one range."""
    count = 0
    for text, _, edit, new_calendar in ranges:
        if count == _MAX_RANGE_LEVERS:
            break
        if levers.lifts(edit(reduced), new_calendar=new_calendar):
            levers.found.append(f"{_reduction_text(levers)} et {text}")
            count += 1


def _lever_arrival(levers: _Levers) -> None:
    """The latest Monday each late student would have to arrive by."""
    for student in levers.students:
        if student.earliest_start is None:
            continue
        first = levers.calendar.first_date
        mondays = [m for m in levers.calendar.weeks if first <= m < student.earliest_start]
        if first not in mondays and first < student.earliest_start:
            mondays.insert(0, first)

        def arriving(day: dt.date, who: str = student.id) -> Scenario:
            students = tuple(
                s.model_copy(update={"earliest_start": day}) if s.id == who else s
                for s in levers.scenario.students
            )
            return levers.scenario.model_copy(update={"students": students})

        def arrives(i: int, days: list[dt.date] = mondays) -> bool:
            return levers.lifts(arriving(days[i]))

        latest = _largest_index(len(mondays), arrives)
        if latest is not None:
            levers.found.append(
                f"avancer l'arrivée de {student_label(student)} (earliest_start) au "
                f"{mondays[latest].isoformat()} au plus tard"
            )


def _lever_holiday_days(levers: _Levers) -> None:
    current = levers.scenario.rules.max_holiday_days
    needed = _smallest(
        current + 1, 400, lambda n: levers.lifts(levers.with_rules(max_holiday_days=n))
    )
    if needed is not None:
        levers.found.append(
            f"autoriser plus de jours en vacances (max_holiday_days : {needed} au lieu de "
            f"{current}, R8)"
        )


def _lever_summer_rest(levers: _Levers) -> None:
    current = levers.scenario.rules.summer_rest_days
    values = list(range(current - 1, -1, -1))  # decreasing: feasibility grows along it
    index = _smallest(
        0, len(values) - 1, lambda i: levers.lifts(levers.with_rules(summer_rest_days=values[i]))
    )
    if index is not None:
        levers.found.append(
            f"raccourcir le repos d'été (summer_rest_days : {values[index]} jours au lieu de "
            f"{current}, R9)"
        )


def _lever_missions(levers: _Levers) -> None:
    scenario = levers.scenario
    for mission in scenario.progression.missions:
        if not any(mission.concerns(s.id) for s in levers.students):
            continue

        def with_days(days: int, which: str = mission.id) -> Scenario:
            missions = tuple(
                m.model_copy(update={"days": days}) if m.id == which else m
                for m in scenario.progression.missions
            )
            progression = scenario.progression.model_copy(update={"missions": missions})
            return scenario.model_copy(update={"progression": progression})

        values = list(range(mission.days - 1, 0, -1))

        def fits(i: int, days: list[int] = values) -> bool:
            return levers.lifts(with_days(days[i]))

        index = _smallest(0, len(values) - 1, fits)
        if index is not None:
            levers.found.append(
                f"ramener la mission « {mission.label} » ({mission.id}) à {values[index]} "
                f"jours au lieu de {mission.days} (R6)"
            )


def _smallest(low: int, high: int, works: Callable[[int], bool]) -> int | None:
    """Least n in [low, high] with works(n), works being monotone; None if none."""
    if low > high or not works(high):
        return None
    while low < high:
        middle = (low + high) // 2
        if works(middle):
            high = middle
        else:
            low = middle + 1
    return low


def _largest_index(count: int, works: Callable[[int], bool]) -> int | None:
    """Largest i < count with works(i), works holding up to some index; None if none."""
    if count == 0 or not works(0):
        return None
    low, high = 0, count - 1
    while low < high:
        middle = (low + high + 1) // 2
        if works(middle):
            low = middle
        else:
            high = middle - 1
    return low


def _working_days(calendar: Calendar, span: DateRange) -> int:
    return sum(
        1 for days in calendar.weeks.values() for day in days if span.start <= day.date <= span.end
    )


def _range_text(span: DateRange) -> str:
    label = f"« {span.label} » " if span.label else ""
    return f"{label}({span.start.isoformat()}..{span.end.isoformat()})"
