"""The planning grid the CP-SAT model is built on, computed once from the
scenario and its calendar.

Two reductions keep the model small without losing any optimal plan:

* **Weeks, then days.** A student's decisions are the full weeks he spends
  in company and single days (R5): the mission days (R6) and the open days
  of weeks that cannot be full for him (a blocked Wednesday, a closure).
  Single days inside weeks that could be full are left out of the normal
  grid (a full week serves better); the *complete* grid has them all and
  is used before any claim that no plan exists. R7 (blocked dates), the
  student's availability and R10 (closures, eligibility) remove ineligible
  weeks and days up front, so they need no constraint.
* **Interchangeable students share variables.** Students with the same
  requirement, availability, closures and missions, whose host cannot be
  over capacity, are one *group*. Copying one member's calendar onto
  another never raises the cost (per-student terms are equal and the set of
  calendars in each week can only shrink, so class synchronisation cannot
  get worse), hence some optimal plan gives them the same calendar.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

from models import (
    Calendar,
    CalendarDay,
    DayKind,
    Host,
    Requirement,
    Scenario,
    Student,
    requirement_of,
)

from ..locks import locked_dates

ONE_WEEK = dt.timedelta(days=7)


@dataclass(frozen=True)
class WeekInfo:
    """What the objective and rules need to know of one whole week."""

    monday: dt.date
    working_days: tuple[dt.date, ...]
    holiday_days: int
    teaching: bool
    open: bool
    preferred_weight: int


@dataclass(frozen=True)
class Group:
    """Interchangeable students sharing one set of variables.

    Attributes
    ----------
    students
        Ids of the members, in scenario order.
    requirement
        What each member owes (identical by construction).
    weeks
        Mondays of the whole weeks the members may spend in company.
    single_days
        Dates the members may spend in company as single days (R5).
    mission_days
        Dates of each mission window the members may spend as mission days
        (R6), by mission id; all are single days.
    host
        The host from the start, when its capacity can bind (else None:
        capacity is slack).
    host_changes
        ``(date, host)``: from that date on, the host (same None rule);
        only a student alone in his group has any.
    ineligible_host
        Id of a host that does not sell goods or services (R10), if any.
    first_concerned
        First Monday at which the members belong to the class (sync).
    cohort
        The members' class: synchronisation is counted per cohort.
    locked
        Locked working days (signed conventions) of the member: a student
        with a lock is always alone in his group.
    """

    index: int
    students: tuple[str, ...]
    requirement: Requirement
    weeks: tuple[dt.date, ...]
    single_days: tuple[dt.date, ...]
    mission_days: dict[str, tuple[dt.date, ...]]
    host: str | None
    ineligible_host: str | None
    first_concerned: dt.date
    locked: tuple[dt.date, ...] = ()
    host_changes: tuple[tuple[dt.date, str | None], ...] = ()
    cohort: str = ""

    @property
    def size(self) -> int:
        return len(self.students)

    def host_on(self, date: dt.date) -> str | None:
        """R10: the (capacity-bound) host of the members on ``date``."""
        host = self.host
        for start, changed in self.host_changes:
            if start > date:
                break
            host = changed
        return host

    @property
    def hosts(self) -> frozenset[str]:
        """Every capacity-bound host the members have over the training."""
        seen = {self.host, *(host for _, host in self.host_changes)}
        return frozenset(h for h in seen if h is not None)


class ModelData:
    """Scenario and calendar reduced to the grid of the CP-SAT model."""

    def __init__(
        self,
        scenario: Scenario,
        calendar: Calendar,
        *,
        collapse: bool = True,
        complete: bool = False,
        taken: Mapping[tuple[str, dt.date], int] | None = None,
    ):
        self.scenario = scenario
        self.calendar = calendar
        self.complete = complete
        self.profile = scenario.rules
        self.week_info = _week_infos(scenario, calendar)
        # Places of hosts taken by interns planned elsewhere (other classes
        # of a school), per host and date: R10 gives this model the rest.
        self.taken: Mapping[tuple[str, dt.date], int] = taken or {}
        self.coupled_hosts = _coupled_hosts(scenario) | {host for host, _ in self.taken}
        self.groups = self._build_groups(collapse)

    @cached_property
    def mondays(self) -> tuple[dt.date, ...]:
        return tuple(self.week_info)

    @cached_property
    def max_preferred_weight(self) -> int:
        return max((w.weight for w in self.scenario.progression.preferred), default=0)

    def preferred_weight_of(self, date: dt.date) -> int:
        """Weight of the best preferred window holding ``date`` (R7, soft)."""
        return max((w.weight for w in self.scenario.progression.preferred if date in w), default=0)

    def group_of(self, student_id: str) -> Group:
        return next(g for g in self.groups if student_id in g.students)

    def _build_groups(self, collapse: bool) -> tuple[Group, ...]:
        members: dict[tuple[object, ...], list[Student]] = defaultdict(list)
        for student in self.scenario.students:
            members[self._group_key(student, collapse)].append(student)
        return tuple(
            self._group(index, students) for index, students in enumerate(members.values())
        )

    @cached_property
    def interchangeable(self) -> tuple[tuple[int, ...], ...]:
        """Groups of students that share a crowded host and are otherwise
        identical: swapping their calendars changes nothing (symmetry)."""
        classes: dict[tuple[object, ...], list[int]] = defaultdict(list)
        for group in self.groups:
            if group.host is not None and group.size == 1 and not group.host_changes:
                student = next(s for s in self.scenario.students if s.id == group.students[0])
                classes[(group.host, *self._twin_key(student))].append(group.index)
        return tuple(tuple(members) for members in classes.values() if len(members) > 1)

    def _group_key(self, student: Student, collapse: bool) -> tuple[object, ...]:
        host = self.scenario.host(student.host)
        if (
            not collapse
            or (host is not None and host.id in self.coupled_hosts)
            or self.scenario.locks_of(student.id)
            or any(h in self.coupled_hosts for h in student.hosts)
        ):
            return ("alone", student.id)
        return self._twin_key(student)

    def _twin_key(self, student: Student) -> tuple[object, ...]:
        """What makes two students interchangeable, their host's capacity aside."""
        host = self.scenario.host(student.host)
        requirement = requirement_of(student, self.profile)
        missions = tuple(
            m.id for m in self.scenario.progression.missions if m.concerns(student.id)
        )
        return (
            student.cohort,
            requirement,
            student.earliest_start,
            student.unavailable,
            self._closed_spans(student),
            host.sells_goods_or_services if host else True,
            missions if requirement.missions else (),
            self.scenario.locks_of(student.id),
        )

    def _closed_spans(self, student: Student) -> tuple[tuple[dt.date, dt.date], ...]:
        """Date spans the student's hosts close to him (R10: closures, and a
        whole stint at a host that does not sell), over his host timeline."""
        far = dt.date.max
        starts = [self.calendar.first_date, *(c.start for c in student.host_changes)]
        hosts = [student.host, *(c.host for c in student.host_changes)]
        ends = [*(d - dt.timedelta(days=1) for d in starts[1:]), far]
        spans: list[tuple[dt.date, dt.date]] = []
        for start, end, host_id in zip(starts, ends, hosts, strict=True):
            host = self.scenario.host(host_id)
            if host is None:
                continue
            if not host.sells_goods_or_services:
                spans.append((start, end))
                continue
            spans.extend(
                (max(start, c.start), min(end, c.end))
                for c in host.closures
                if c.start <= end and start <= c.end
            )
        return tuple(spans)

    def _group(self, index: int, students: list[Student]) -> Group:
        student = students[0]
        host = self.scenario.host(student.host)
        requirement = requirement_of(student, self.profile)
        ineligible = (
            host.id
            if host is not None and not host.sells_goods_or_services and not student.host_changes
            else None
        )
        open_day = _DayTest(self.calendar, student, self.scenario)
        weeks: tuple[dt.date, ...] = ()
        missions: dict[str, tuple[dt.date, ...]] = {}
        owes_weeks = ineligible is None and requirement.required_weeks > 0
        if owes_weeks:
            weeks = tuple(
                monday
                for monday, info in self.week_info.items()
                if info.open and all(open_day(d) for d in info.working_days)
            )
        if ineligible is None and requirement.missions:
            missions = self._mission_days(student, open_day)
        single = {d for days in missions.values() for d in days}
        if owes_weeks and self.profile.allow_single_days:
            single.update(self._loose_days(open_day, set(weeks)))
        locked = locked_dates(self.scenario, self.calendar, student.id)
        if owes_weeks and self.profile.allow_single_days:
            single.update(self._lock_days(locked, open_day, set(weeks)))
        start = student.earliest_start or self.calendar.first_date
        return Group(
            index=index,
            students=tuple(s.id for s in students),
            requirement=requirement,
            weeks=weeks,
            single_days=tuple(sorted(single)),
            mission_days=missions,
            host=self._coupled(host.id if host is not None else None),
            host_changes=tuple(
                (change.start, self._coupled(change.host)) for change in student.host_changes
            ),
            ineligible_host=ineligible,
            first_concerned=start - dt.timedelta(days=start.weekday()),
            locked=locked,
            cohort=student.cohort,
        )

    def capacity_on(self, host: Host, date: dt.date) -> int:
        """R10: places of ``host`` left to this model's students on ``date``."""
        return host.capacity - self.taken.get((host.id, date), 0)

    def _coupled(self, host_id: str | None) -> str | None:
        return host_id if host_id in self.coupled_hosts else None

    def _lock_days(
        self, locked: tuple[dt.date, ...], open_day: _DayTest, full_weeks: set[dt.date]
    ) -> set[dt.date]:
        """Locked dates that need a single-day variable: those of a week not
        locked whole or not in the grid (a lock must always be representable).
        Dates where nothing may go are left out: :func:`planner.locks.check_locks`
        reports them before any solve."""
        days = set(locked)
        whole = {
            monday
            for monday in full_weeks
            if all(d in days for d in self.week_info[monday].working_days)
        }
        return {d for d in days if open_day(d) and d - dt.timedelta(days=d.weekday()) not in whole}

    def _loose_days(self, open_day: _DayTest, full_weeks: set[dt.date]) -> set[dt.date]:
        """Open days of the weeks that cannot be full (all open days when complete)."""
        return {
            day.date
            for monday, days in self.calendar.weeks.items()
            if self.complete or monday not in full_weeks
            for day in days
            if open_day(day.date)
        }

    def _mission_days(
        self, student: Student, open_day: _DayTest
    ) -> dict[str, tuple[dt.date, ...]]:
        days = {}
        for mission in self.scenario.progression.missions:
            if not mission.concerns(student.id):
                continue
            allowed = {w.number for w in mission.weekdays}
            days[mission.id] = tuple(
                d
                for d in mission.range.dates()
                if d in self.calendar and d.weekday() in allowed and open_day(d)
            )
        return days


class _DayTest:
    """Whether a student may be in company on a date (R7, R10, availability).

    The host is the one of that date (a student may change host); a day at
    a host that does not sell goods or services is closed (R10).
    """

    def __init__(self, calendar: Calendar, student: Student, scenario: Scenario):
        self._calendar = calendar
        self._student = student
        self._scenario = scenario
        self._earliest = student.earliest_start

    def __call__(self, date: dt.date) -> bool:
        day = self._calendar.day(date)
        if not day.open_to_internship:
            return False
        if self._earliest is not None and date < self._earliest:
            return False
        if any(date in r for r in self._student.unavailable):
            return False
        host = self._scenario.host_of(self._student, date)
        return host is None or (
            host.sells_goods_or_services and not any(date in r for r in host.closures)
        )


def _week_infos(scenario: Scenario, calendar: Calendar) -> dict[dt.date, WeekInfo]:
    infos = {}
    for monday, days in calendar.weeks.items():
        if not calendar.is_whole_week(monday):
            continue
        infos[monday] = WeekInfo(
            monday=monday,
            working_days=tuple(d.date for d in days),
            holiday_days=sum(d.school_holidays for d in days),
            teaching=any(d.kind is DayKind.TEACHING for d in days),
            open=all(d.open_to_internship for d in days),
            preferred_weight=_preferred_weight(scenario, days),
        )
    return infos


def _preferred_weight(scenario: Scenario, days: tuple[CalendarDay, ...]) -> int:
    """Weight of the best preferred window holding every working day of the week (R7)."""
    return max(
        (w.weight for w in scenario.progression.preferred if all(d.date in w for d in days)),
        default=0,
    )


def _places_days(requirement: Requirement) -> bool:
    return requirement.required_weeks > 0 or requirement.missions


def _coupled_hosts(scenario: Scenario) -> frozenset[str]:
    """Hosts whose interns may outnumber their capacity (R10 can bind)."""
    interns = Counter(
        host
        for s in scenario.students
        if _places_days(requirement_of(s, scenario.rules))
        for host in s.hosts
    )
    return frozenset(host.id for host in scenario.hosts if interns.get(host.id, 0) > host.capacity)
