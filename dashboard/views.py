"""Tables and checklists the pages show, as pure functions (no streamlit).

They turn a scenario, a plan and the validator's verdict into French rows
for ``st.dataframe`` and friends; every rule is named by its id (R1-R10).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from models import (
    RULE_TITLES,
    Calendar,
    Period,
    Plan,
    PlanStatus,
    Route,
    Scenario,
    requirement_of,
)
from models.scenario import LockedPeriod
from planner.compare import StudentDiff
from planner.counting import (
    full_week_dates,
    mission_days,
    mission_windows_of,
    tally,
    visits_required,
)
from planner.explain import STUDENT_TERMS, TERM_LABELS, TERMS, Breakdown
from planner.replan import DayChanges
from planner.solve import SolveResult
from planner.validate import StudentCheck, Verdict, Violation

from .charts import (
    KIND_LABELS,
    fr_date,
    fr_weekday_date,
    fr_weeks,
    host_names,
    referent_of,
    teacher_names,
    teacher_students,
    weekly_visit_load,
)

STATUS_LABELS: dict[PlanStatus, str] = {
    PlanStatus.OPTIMAL: "optimal",
    PlanStatus.FEASIBLE: "réalisable (optimalité non prouvée)",
    PlanStatus.INFEASIBLE: "impossible : aucun plan ne respecte les règles",
    PlanStatus.UNKNOWN: "aucun plan trouvé dans le temps imparti",
    PlanStatus.INVALID: "plan rejeté par le validateur (erreur du modèle)",
}

ROUTE_LABELS: dict[Route, str] = {
    Route.SCOLAIRE: "scolaire",
    Route.APPRENTI: "apprenti",
    Route.FORMATION_CONTINUE: "formation continue",
    Route.FORMATION_CONTINUE_CONTRAT: "formation continue (contrat)",
    Route.PERFECTIONNEMENT: "perfectionnement",
    Route.DISTANCE: "formation à distance",
    Route.EXPERIENCE: "expérience professionnelle",
}

#: Rules a student's checklist shows, in order (R11-R13 are not planned here).
CHECKED_RULES = ("R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8", "R9", "R10")

SORT_KEYS = {
    "name": "Nom",
    "start": "Début de la première période",
    "route": "Parcours",
    "host": "Entreprise",
}
STATUS_FILTERS = {"all": "Tous", "ok": "Conformes (ok)", "ko": "Non conformes (ko)"}


def fr_number(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


# --- verdict ---


def verdict_rules(verdict: Verdict) -> pd.DataFrame:
    """One row per rule checked (R1-R10, and R12 when the scenario has
    teachers): respected, or how many violations."""
    by_rule = verdict.by_rule()
    rules = (*CHECKED_RULES, "R12") if verdict.visits_checked else CHECKED_RULES
    return pd.DataFrame(
        [
            {
                "Règle": rule,
                "Intitulé": RULE_TITLES[rule],
                "Verdict": "✓ respectée" if rule not in by_rule else "✗ violée",
                "Violations": len(by_rule.get(rule, ())),
            }
            for rule in rules
        ]
    )


def students_placed(verdict: Verdict) -> tuple[int, int]:
    """Students owing an internship whose weeks reach their requirement, and
    students owing one."""
    owing = [c for c in verdict.students if c.required_weeks > 0]
    return sum(c.placed_weeks >= c.required_weeks for c in owing), len(owing)


def students_table(verdict: Verdict, scenario: Scenario) -> pd.DataFrame:
    """The verdict per student (as students.csv, in French)."""
    names = {s.id: s.name for s in scenario.students}
    return pd.DataFrame(
        [
            {
                "Élève": names.get(c.student_id, c.student_id),
                "Semaines placées": c.placed_weeks,
                "Semaines requises": c.required_weeks,
                "Bloc le plus long": c.longest_block_weeks,
                "Jours en vacances": c.holiday_days,
                "Repos d'été (jours)": c.summer_rest_days,
                "Verdict": "✓" if c.ok else "✗",
                "Dispense": c.exempt_reason or "",
            }
            for c in verdict.students
        ]
    )


# --- KPIs and comparison ---


def kpi_row(result: SolveResult) -> dict[str, object]:
    """The figures of one solve that the comparison table lines up."""
    kpis = result.kpis
    row: dict[str, object] = {"Statut": STATUS_LABELS[result.status]}
    if result.verdict is not None:
        placed, owing = students_placed(result.verdict)
        row["Élèves placés"] = f"{placed} / {owing}"
    else:
        row["Élèves placés"] = "—"
    row |= {
        "Semaines d'enseignement perdues par élève": kpis.get("teaching_weeks_lost_per_student"),
        "Semaines d'enseignement où la classe est scindée": kpis.get("split_teaching_weeks"),
        "Jours en vacances (classe)": kpis.get("holiday_days"),
        "Périodes de semaines (fragmentation)": kpis.get("periods_of_weeks"),
        "Périodes de journées et missions": kpis.get("single_day_periods"),
        "Objectif": result.objective,
        "Temps de calcul (s)": round(result.build_time_s + result.solve_time_s, 1),
    }
    return row


def kpi_table(results: Mapping[str, SolveResult]) -> pd.DataFrame:
    """Indicators in rows, one column per solved scenario."""

    def text(value: object) -> str:
        if value is None:
            return "—"
        if isinstance(value, float):
            return fr_number(value)
        return str(value)

    frame = pd.DataFrame({label: kpi_row(r) for label, r in results.items()})
    return frame.map(text)


def _days_text(days: Sequence[dt.date], shown: int = 6) -> str:
    text = ", ".join(fr_date(d) for d in days[:shown])
    return text + (f"… (+{len(days) - shown})" if len(days) > shown else "")


def diff_table(diffs: Sequence[StudentDiff], scenario: Scenario) -> pd.DataFrame:
    """The students whose plan moved, with the days added and removed."""
    names = {s.id: s.name for s in scenario.students}

    def periods(spans: Sequence[object]) -> str:
        return " ; ".join(
            f"{KIND_LABELS[s.kind]} {fr_date(s.start)} → {fr_date(s.end)}"  # type: ignore[attr-defined]
            for s in spans
        )

    return pd.DataFrame(
        [
            {
                "Élève": names.get(d.student_id, d.student_id),
                "Jours ajoutés": len(d.added),
                "Jours retirés": len(d.removed),
                "Périodes du plan A": periods(d.periods_only_a),
                "Périodes du plan B": periods(d.periods_only_b),
                "Dates ajoutées": _days_text(d.added),
                "Dates retirées": _days_text(d.removed),
            }
            for d in diffs
        ],
        columns=[
            "Élève",
            "Jours ajoutés",
            "Jours retirés",
            "Périodes du plan A",
            "Périodes du plan B",
            "Dates ajoutées",
            "Dates retirées",
        ],
    )


# --- one student ---


def period_table(plan: Plan, scenario: Scenario, student_id: str) -> pd.DataFrame:
    """The periods of a student: kind, dates, weeks, host, holiday days, visits."""
    hosts = host_names(scenario)
    teachers = teacher_names(scenario)
    visits: dict[str, list[str]] = {}
    for v in plan.visits_of(student_id):
        text = f"{fr_date(v.date)} ({teachers.get(v.teacher_id, v.teacher_id)})"
        visits.setdefault(v.period_id, []).append(text)
    return pd.DataFrame(
        [
            {
                "Type": KIND_LABELS[p.kind],
                "Début": fr_date(p.start),
                "Fin": fr_date(p.end),
                "Semaines": p.weeks,
                "Jours en entreprise": p.days_in_company,
                "Jours en vacances": p.holiday_days,
                "Entreprise": hosts.get(p.host_id, p.host_id or "") or "entreprise à trouver",
                "Visites (R12)": ", ".join(visits.get(p.period_id, [])),
            }
            for p in plan.periods
            if p.student_id == student_id
        ],
        columns=[
            "Type",
            "Début",
            "Fin",
            "Semaines",
            "Jours en entreprise",
            "Jours en vacances",
            "Entreprise",
            "Visites (R12)",
        ],
    )


#: Marker of a locked period (text, not an emoji: the browser may lack the font).
LOCKED_MARK = "verrouillée"
PARTLY_LOCKED_MARK = "en partie verrouillée"


def lock_marks(plan: Plan, scenario: Scenario, student_id: str) -> list[str]:
    """For each period of the student (in :func:`period_table`'s order):
    ``verrouillée`` when all its days in company lie in the student's locks,
    ``en partie verrouillée`` when some do, else ''."""
    locks = scenario.locks_of(student_id)
    dates = plan.dates_of(student_id)
    marks = []
    for period in plan.periods:
        if period.student_id != student_id:
            continue
        days = [d for d in dates if period.start <= d <= period.end]
        locked = [d for d in days if any(lock.start <= d <= lock.end for lock in locks)]
        if days and len(locked) == len(days):
            marks.append(LOCKED_MARK)
        elif locked:
            marks.append(PARTLY_LOCKED_MARK)
        else:
            marks.append("")
    return marks


def period_choice(period: Period) -> str:
    """A period as one option of a list: ``Bloc du 04/01/2027 au 12/02/2027``."""
    return f"{KIND_LABELS[period.kind]} du {fr_date(period.start)} au {fr_date(period.end)}"


def lock_text(lock: LockedPeriod) -> str:
    """A lock in French: ``du 04/01/2027 au 12/02/2027 (convention signée)``."""
    return f"du {fr_date(lock.start)} au {fr_date(lock.end)} ({lock.label})"


def date_runs_fr(dates: Sequence[dt.date]) -> str:
    """Dates as French runs of working days (a weekend does not break a run):
    ``du 04/01/2027 au 08/01/2027, 15/01/2027``."""
    runs: list[list[dt.date]] = []
    for date in sorted(dates):
        if runs and _next_working(runs[-1][-1], date):
            runs[-1].append(date)
        else:
            runs.append([date])
    return ", ".join(
        fr_date(run[0]) if len(run) == 1 else f"du {fr_date(run[0])} au {fr_date(run[-1])}"
        for run in runs
    )


def _next_working(before: dt.date, after: dt.date) -> bool:
    """Whether only weekend days lie strictly between the two dates."""
    day = before + dt.timedelta(days=1)
    while day < after:
        if day.weekday() < 5:
            return False
        day += dt.timedelta(days=1)
    return after > before


def replan_table(changes: Sequence[DayChanges], scenario: Scenario) -> pd.DataFrame:
    """Per student moved by a re-plan: days added and removed, as French ranges."""
    names = {s.id: s.name for s in scenario.students}
    return pd.DataFrame(
        [
            {
                "Élève": f"{names.get(c.student_id, c.student_id)} ({c.student_id})",
                "Jours changés": c.count,
                "Jours ajoutés": len(c.added),
                "Jours retirés": len(c.removed),
                "Dates ajoutées": date_runs_fr(c.added),
                "Dates retirées": date_runs_fr(c.removed),
            }
            for c in changes
        ],
        columns=[
            "Élève",
            "Jours changés",
            "Jours ajoutés",
            "Jours retirés",
            "Dates ajoutées",
            "Dates retirées",
        ],
    )


@dataclass(frozen=True)
class RuleLine:
    """One line of a student's checklist.

    ``ok`` is None where the rule does not apply to the student.
    """

    rule: str
    text: str
    ok: bool | None
    details: tuple[str, ...] = ()

    @property
    def mark(self) -> str:
        return {True: "✓", False: "✗", None: "—"}[self.ok]


def rule_checklist(
    scenario: Scenario, calendar: Calendar, plan: Plan, verdict: Verdict, student_id: str
) -> list[RuleLine]:
    """Rules R1-R10 (and R12 when the scenario has teachers) for one student,
    each with its figure against the threshold."""
    student = next(s for s in scenario.students if s.id == student_id)
    check = next(c for c in verdict.students if c.student_id == student_id)
    requirement = requirement_of(student, scenario.rules)
    rules = scenario.rules
    broken: dict[str, list[Violation]] = {}
    for v in check.violations:
        broken.setdefault(v.rule, []).append(v)
    for v in verdict.violations:  # class-wide (host capacity) naming the student
        if v.student_id is None and student.name in v.message:
            broken.setdefault(v.rule, []).append(v)

    def line(rule: str, text: str, ok: bool | None) -> RuleLine:
        found = broken.get(rule, [])
        status = ok if ok is None else ok and not found
        return RuleLine(rule, f"{rule} {text}", status, tuple(v.message for v in found))

    dates = sorted(plan.dates_of(student_id))
    counted = tally(calendar, dates)
    weeks = fr_weeks(check.placed_weeks)
    lines = []
    if requirement.exempt:
        lines.append(line("R1", "durée : aucune semaine requise (dispense, R3)", None))
        lines.append(line("R2", "durée réduite : non concerné", None))
    elif student.reduced_weeks is None:
        lines.append(line("R1", f"durée : {weeks} ≥ {check.required_weeks}", True))
        lines.append(line("R2", "durée réduite : non concerné", None))
    else:
        lines.append(line("R1", "durée : remplacée par la durée réduite (R2)", None))
        lines.append(
            line(
                "R2",
                f"durée réduite : {weeks} ≥ {student.reduced_weeks} "
                f"(jamais moins de {rules.min_reduced_weeks} ; {student.reduction_reason})",
                True,
            )
        )
    if requirement.exempt:
        lines.append(line("R3", f"dispense : {requirement.exempt_reason}", True))
    else:
        lines.append(line("R3", "dispense : non concerné", None))
    if requirement.needs_block:
        lines.append(
            line(
                "R4",
                f"bloc le plus long : {fr_weeks(counted.longest_run_weeks)} "
                f"≥ {rules.block_min_weeks}",
                True,
            )
        )
    else:
        lines.append(line("R4", "bloc : non concerné", None))
    in_weeks = full_week_dates(calendar, counted.full_weeks)
    single = [d for d in dates if d not in in_weeks]
    allowed = "journées autorisées" if rules.allow_single_days else "semaines entières seulement"
    lines.append(
        line(
            "R5",
            f"fractionnement : {len(single)} jour(s) hors semaines complètes ({allowed})",
            True,
        )
    )
    windows = mission_windows_of(scenario, student_id)
    if windows:
        for window in windows:
            count = len(mission_days(window, single, excluded=()))
            lines.append(
                line(
                    "R6",
                    f"missions « {window.label} » : {count} jour(s) ≥ {window.days}",
                    count >= window.days,
                )
            )
    else:
        lines.append(line("R6", "missions : non concerné", None))
    lines.append(line("R7", "dates bloquées et indisponibilités : aucun jour placé dessus", True))
    lines.append(
        line("R8", f"jours en vacances : {counted.holiday_days} ≤ {rules.max_holiday_days}", True)
    )
    if counted.min_summer_rest is None:
        lines.append(line("R9", "repos d'été : pas d'été dans la formation", None))
    else:
        lines.append(
            line(
                "R9",
                f"repos d'été : {counted.min_summer_rest} jours ≥ {rules.summer_rest_days}",
                True,
            )
        )
    hosts = [scenario.host(h) for h in student.hosts]
    host_text = ", ".join(h.name for h in hosts if h is not None) or "non attribuée"
    lines.append(line("R10", f"entreprise : {host_text} (éligible, ouverte, capacité)", True))
    if verdict.visits_checked:
        lines.append(_visit_line(scenario, plan, student_id, line))
    return lines


def _visit_line(
    scenario: Scenario,
    plan: Plan,
    student_id: str,
    line: Callable[[str, str, bool | None], RuleLine],
) -> RuleLine:
    """R12: the student's visits against what his periods owe."""
    owed = sum(
        visits_required(p, scenario.rules) for p in plan.periods if p.student_id == student_id
    )
    if owed == 0:
        return line("R12", "visites : aucune période de semaines complètes", None)
    made = len(plan.visits_of(student_id))
    referent = plan.referent_of(student_id)
    who = teacher_names(scenario).get(referent or "", "référent non désigné")
    return line("R12", f"visites : {made} ≥ {owed} requise(s), par {who}", made >= owed)


# --- class view: sort and filter ---


def order_students(
    scenario: Scenario,
    plan: Plan,
    verdict: Verdict,
    *,
    sort_by: str = "name",
    routes: Sequence[str] = (),
    hosts: Sequence[str] = (),
    status: str = "all",
) -> list[str]:
    """Ids of the students to show, filtered and sorted.

    ``routes`` and ``hosts`` keep students of those routes / host ids (all
    when empty); ``status`` is ``all``, ``ok`` or ``ko``; ``sort_by`` is a
    key of :data:`SORT_KEYS`.
    """
    checks: dict[str, StudentCheck] = {c.student_id: c for c in verdict.students}
    first: dict[str, dt.date] = {}
    for p in plan.periods:
        if p.student_id not in first or p.start < first[p.student_id]:
            first[p.student_id] = p.start
    names = host_names(scenario)
    chosen = [
        s
        for s in scenario.students
        if (not routes or s.route.value in routes)
        and (not hosts or (s.host or "") in hosts)
        and (status == "all" or (s.id in checks and checks[s.id].ok == (status == "ok")))
    ]
    far = dt.date.max
    keys = {
        "name": lambda s: (s.name.casefold(), s.id),
        "start": lambda s: (first.get(s.id, far), s.name.casefold()),
        "route": lambda s: (s.route.value, s.name.casefold()),
        "host": lambda s: (names.get(s.host, "").casefold(), s.name.casefold()),
    }
    return [s.id for s in sorted(chosen, key=keys[sort_by])]


def cohorts_of(scenario: Scenario) -> list[str]:
    """The classes (cohorts) of a scenario, in order of first appearance."""
    return list(dict.fromkeys(s.cohort for s in scenario.students))


def plan_of(plan: Plan, student_ids: Collection[str]) -> Plan:
    """The part of ``plan`` that concerns ``student_ids`` (one class of a school)."""
    keep = set(student_ids)
    return Plan(
        days=tuple(d for d in plan.days if d.student_id in keep),
        periods=tuple(p for p in plan.periods if p.student_id in keep),
        visits=tuple(v for v in plan.visits if v.student_id in keep),
        referents=tuple(r for r in plan.referents if r[0] in keep),
    )


# --- why this plan (planner.explain) ---


def objective_table(breakdown: Breakdown) -> pd.DataFrame:
    """One row per term of the objective: value, weight, weighted cost, and
    a total row equal to the solver's objective."""
    rows: list[dict[str, object]] = [
        {
            "Critère": TERM_LABELS[term],
            "Valeur": breakdown.terms[term],
            "Poids": breakdown.weights[term],
            "Coût": breakdown.weighted[term],
        }
        for term in TERMS
    ]
    # Value and weight mean nothing for the total: missing (shown blank).
    rows.append({"Critère": "Total", "Valeur": None, "Poids": None, "Coût": breakdown.total})
    return pd.DataFrame(rows).astype({"Valeur": "Int64", "Poids": "Int64"})


def student_cost_table(breakdown: Breakdown, scenario: Scenario) -> pd.DataFrame:
    """Each student's weighted cost by term, costliest first."""
    names = {s.id: s.name for s in scenario.students}
    costs = sorted(breakdown.students, key=lambda c: (-c.total, c.student_id))
    return pd.DataFrame(
        [
            {
                "Élève": f"{names.get(c.student_id, c.student_id)} ({c.student_id})",
                **{TERM_LABELS[t]: c.weighted[t] for t in STUDENT_TERMS},
                "Coût total": c.total,
            }
            for c in costs
        ]
    )


def student_explanation(breakdown: Breakdown, student_id: str) -> list[str]:
    """The student's share of the objective, as French lines."""
    cost = breakdown.student(student_id)
    details = ", ".join(
        f"{TERM_LABELS[t].lower()} {cost.terms[t]} × {breakdown.weights[t]}"
        for t in STUDENT_TERMS
        if cost.terms[t]
    )
    holidays = cost.terms["holiday_days"]
    return [
        f"Coût de l'élève dans l'objectif : {cost.total}" + (f" ({details})" if details else ""),
        f"Fenêtres préférées manquées : {_spans_fr(cost.missed_ranges) or 'aucune'}",
        f"Jours en vacances : {holidays}"
        + (f" ({_spans_fr(cost.holiday_ranges)})" if holidays else ""),
    ]


def _spans_fr(spans: Sequence[tuple[dt.date, dt.date]]) -> str:
    return ", ".join(
        fr_date(a) if a == b else f"du {fr_date(a)} au {fr_date(b)}" for a, b in spans
    )


# --- teachers' visits (R12, Visites page) ---


@dataclass(frozen=True)
class VisitLoad:
    """R12 figures of a plan's visits.

    ``mean_per_week`` is over the teacher-weeks with at least one visit
    (the weeks a teacher goes out); ``per_teacher`` counts every teacher of
    the scenario, 0 for one without visits.
    """

    visits: int
    teacher_weeks: int
    max_per_week: int
    mean_per_week: float
    per_teacher: dict[str, int]


def visit_load(plan: Plan, scenario: Scenario) -> VisitLoad:
    """Visits, busiest teacher-week, mean per teacher-week, visits per teacher."""
    weekly = weekly_visit_load(plan)
    per_teacher = {t.id: 0 for t in scenario.teachers}
    for visit in plan.visits:
        per_teacher[visit.teacher_id] = per_teacher.get(visit.teacher_id, 0) + 1
    return VisitLoad(
        visits=len(plan.visits),
        teacher_weeks=len(weekly),
        max_per_week=max(weekly.values(), default=0),
        mean_per_week=len(plan.visits) / len(weekly) if weekly else 0.0,
        per_teacher=per_teacher,
    )


def teacher_load_table(plan: Plan, scenario: Scenario) -> pd.DataFrame:
    """One row per teacher: visit days, weekly maximum, visits, students
    followed, weeks with visits and the busiest week."""
    weekly = weekly_visit_load(plan)
    load = visit_load(plan, scenario)
    names = teacher_names(scenario)
    rows = []
    for teacher in scenario.teachers:
        weeks = {monday: n for (t, monday), n in weekly.items() if t == teacher.id}
        busiest = max(weeks, key=lambda m: (weeks[m], -m.toordinal()), default=None)
        rows.append(
            {
                "Enseignant": names[teacher.id],
                "Jours de visite": ", ".join(day.value for day in teacher.visit_days),
                "Maximum par semaine": teacher.max_visits_per_week,
                "Visites": load.per_teacher[teacher.id],
                "Élèves suivis": len(teacher_students(plan, scenario, teacher.id)),
                "Semaines avec visites": len(weeks),
                "Semaine la plus chargée": (
                    f"{weeks[busiest]} visite{'s' if weeks[busiest] > 1 else ''} "
                    f"(semaine du {fr_date(busiest)})"
                    if busiest
                    else "—"
                ),
            }
        )
    return pd.DataFrame(rows, columns=TEACHER_LOAD_COLUMNS)


TEACHER_LOAD_COLUMNS = (
    "Enseignant",
    "Jours de visite",
    "Maximum par semaine",
    "Visites",
    "Élèves suivis",
    "Semaines avec visites",
    "Semaine la plus chargée",
)
TRIP_COLUMNS = ("Date", "Ville", "Enseignant", "Visites", "Élèves", "Entreprises")


def visit_trips_table(
    plan: Plan, scenario: Scenario, teacher_id: str | None = None
) -> pd.DataFrame:
    """The visits grouped by date, town and teacher: one row per trip, so
    that a teacher sees which visits go together. A visit whose town is
    unknown (host to be found) is a trip of its own, town ``à préciser``.

    Parameters
    ----------
    teacher_id
        Only this teacher's trips; every teacher's when None.
    """
    students = {s.id: s.name for s in scenario.students}
    hosts = {h.id: h for h in scenario.hosts}
    names = teacher_names(scenario)
    # key: date, town ('' when unknown), teacher, and the student when the town is unknown
    trips: dict[tuple[dt.date, str, str, str], list[tuple[str, str]]] = {}
    for visit in plan.visits:
        if teacher_id is not None and visit.teacher_id != teacher_id:
            continue
        host = hosts.get(visit.host_id or "")
        town = visit.town or (host.town if host is not None else "")
        alone = "" if town else visit.student_id
        trips.setdefault((visit.date, town, visit.teacher_id, alone), []).append(
            (
                students.get(visit.student_id, visit.student_id),
                host.name if host is not None else "entreprise à trouver",
            )
        )
    rows = [
        {
            "Date": fr_weekday_date(date),
            "Ville": town or "à préciser",
            "Enseignant": names.get(teacher, teacher),
            "Visites": len(visits),
            "Élèves": ", ".join(student for student, _ in visits),
            "Entreprises": ", ".join(dict.fromkeys(host for _, host in visits)),
        }
        for (date, town, teacher, _), visits in sorted(
            trips.items(), key=lambda item: (item[0][0], item[0][1].casefold(), *item[0][2:])
        )
    ]
    return pd.DataFrame(rows, columns=TRIP_COLUMNS)


TEACHER_VISIT_COLUMNS = ("Date", "Élève", "Visite", "Entreprise", "Adresse", "Tuteur", "Période")


def teacher_visits_table(plan: Plan, scenario: Scenario, teacher_id: str) -> pd.DataFrame:
    """A teacher's visits in date order: the student, which visit of his
    period, the host, its address, the tutor and the period."""
    students = {s.id: s.name for s in scenario.students}
    hosts = {h.id: h for h in scenario.hosts}
    periods = {p.period_id: p for p in plan.periods}
    of_period: dict[str, list[dt.date]] = {}
    for visit in plan.visits:
        of_period.setdefault(visit.period_id, []).append(visit.date)
    rows = []
    for visit in sorted(
        (v for v in plan.visits if v.teacher_id == teacher_id), key=lambda v: (v.date, v)
    ):
        host = hosts.get(visit.host_id or "")
        dates = sorted(of_period[visit.period_id])
        period = periods.get(visit.period_id)
        tutor = host.tutor if host is not None else None
        rows.append(
            {
                "Date": fr_weekday_date(visit.date),
                "Élève": students.get(visit.student_id, visit.student_id),
                "Visite": f"{dates.index(visit.date) + 1} / {len(dates)}",
                "Entreprise": host.name if host is not None else "entreprise à trouver",
                "Adresse": (
                    ", ".join(
                        part
                        for part in (host.address, f"{host.postcode} {host.town}".strip())
                        if part
                    )
                    if host is not None
                    else visit.town
                ),
                "Tuteur": (
                    " — ".join(part for part in (tutor.name, tutor.email) if part)
                    if tutor is not None
                    else ""
                ),
                "Période": period_choice(period) if period is not None else visit.period_id,
            }
        )
    return pd.DataFrame(rows, columns=TEACHER_VISIT_COLUMNS)


REFERENT_COLUMNS = ("Élève", "Professeur référent", "Désigné par", "Visites", "Entreprise")


def referents_table(plan: Plan, scenario: Scenario) -> pd.DataFrame:
    """R12: each student with a referent teacher: who, whether the scenario
    or the planner named him, the student's visits and host(s)."""
    names = teacher_names(scenario)
    hosts = host_names(scenario)
    visits: dict[str, int] = {}
    for visit in plan.visits:
        visits[visit.student_id] = visits.get(visit.student_id, 0) + 1
    rows = []
    for student in scenario.students:
        referent = referent_of(plan, student)
        if referent is None:
            continue
        rows.append(
            {
                "Élève": student.name,
                "Professeur référent": names.get(referent, referent),
                "Désigné par": "le scénario" if student.referent else "le planificateur",
                "Visites": visits.get(student.id, 0),
                "Entreprise": ", ".join(hosts.get(h, h) for h in student.hosts) or "à trouver",
            }
        )
    return pd.DataFrame(rows, columns=REFERENT_COLUMNS)
