"""Exact decomposition of a scenario into independent parts.

Two students interact in the placement model only through their class
(synchronisation, ``sync``, is counted per cohort) and through a crowded
host (R10 capacity can bind: more interns than places). Students linked by
neither can be planned apart: the objective is a sum over classes and
students, the constraints never join them. So the optimum of the whole is
the union of the parts' optima, and its bound the sum of their bounds.

A school or an académie whose classes do not share crowded hosts splits
into its classes; this is what lets a large scenario solve in parts of a
class's size (issue 6).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from models import Scenario, requirement_of


def independent_parts(scenario: Scenario) -> list[tuple[str, ...]]:
    """Student ids of each independent part, in scenario order.

    Every student of a part shares a class or a crowded host (transitively)
    with another; locked students stay with their class like any other.
    """
    crowded = _crowded_hosts(scenario)
    links = Links()
    for student in scenario.students:
        for link in [
            f"class:{student.cohort}",
            *(f"host:{h}" for h in student.hosts if h in crowded),
        ]:
            links.join(f"student:{student.id}", link)
    parts: dict[str, list[str]] = {}
    for student in scenario.students:
        parts.setdefault(links.root(f"student:{student.id}"), []).append(student.id)
    return [tuple(members) for members in parts.values()]


class Links:
    """Union-find over names: which names are linked, transitively."""

    def __init__(self) -> None:
        self._parent: dict[str, str] = {}

    def root(self, node: str) -> str:
        """The representative of ``node``'s linked set."""
        parent = self._parent
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]  # path halving
            node = parent[node]
        return node

    def join(self, first: str, second: str) -> None:
        """Link two names (and so their sets)."""
        self._parent[self.root(second)] = self.root(first)


def sub_scenario(scenario: Scenario, student_ids: Iterable[str]) -> Scenario:
    """The scenario restricted to some students: their hosts' constraints,
    their missions and locks, no teachers (visits are planned on the whole)."""
    keep = set(student_ids)
    missions = tuple(
        m
        if m.students == "all"
        else m.model_copy(update={"students": tuple(s for s in m.students if s in keep)})
        for m in scenario.progression.missions
    )
    return scenario.model_copy(
        update={
            "students": tuple(s for s in scenario.students if s.id in keep),
            "locked": tuple(lock for lock in scenario.locked if lock.student in keep),
            "progression": scenario.progression.model_copy(update={"missions": missions}),
            "teachers": (),
            "conventions": (),
        }
    )


def _crowded_hosts(scenario: Scenario) -> frozenset[str]:
    """Hosts with more interns owing days than places (R10 can bind)."""
    interns = Counter(
        host
        for s in scenario.students
        if requirement_of(s, scenario.rules).required_weeks > 0
        or requirement_of(s, scenario.rules).missions
        for host in s.hosts
    )
    return frozenset(h.id for h in scenario.hosts if interns.get(h.id, 0) > h.capacity)
