"""Page « Élève »: one student's periods, visits and checklist of rules R1-R12,
and the locking of his periods (signed conventions)."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from dashboard import state
from dashboard.charts import student_gantt
from dashboard.ui import plain, show_faults, show_notice, solved_or_hint
from dashboard.views import (
    LOCKED_MARK,
    ROUTE_LABELS,
    lock_marks,
    lock_text,
    period_choice,
    period_table,
    rule_checklist,
    student_explanation,
)
from models import RULE_TITLES, Plan, Scenario, ScenarioError, requirement_of, scenario_from_dict
from models.scenario import LockedPeriod
from planner.calendar import CalendarError
from planner.explain import objective_breakdown
from planner.locks import check_locks
from planner.solve import SolveResult
from planner.validate import Verdict

_COLOURS = {True: "green", False: "red", None: "gray"}
LOCK_SUFFIX = " + verrou"


def _shown() -> tuple[Scenario, SolveResult, Plan, Verdict] | None:
    """The plan to show: the current scenario's, else (after a lock or another
    change) the last plan of the previous scenario revision, said so."""
    result = state.current_result()
    previous = state.previous_plan()
    stale = result is None or result.plan is None
    if stale and previous is not None and previous.result.verdict is not None:
        st.warning(
            f"Le scénario a changé depuis le dernier plan calculé (« {plain(previous.label)} ») : "
            "ce plan est celui d'avant le changement. Page « Calcul » : "
            "« Recalculer en changeant le moins possible »."
        )
        return previous.scenario, previous.result, previous.plan, previous.result.verdict
    return solved_or_hint()


def _with_locks(scenario: Scenario, locks: Sequence[LockedPeriod], notice: str) -> None:
    """The current scenario with those locks becomes a new revision."""
    raw = scenario.model_dump(mode="json")
    raw["locked"] = [lock.model_dump(mode="json") for lock in locks]
    try:
        changed = scenario_from_dict(raw)
    except ScenarioError as error:
        show_faults(error.faults, "Verrou refusé :")
        return
    label = state.current_label()
    if not label.endswith(LOCK_SUFFIX):
        label += LOCK_SUFFIX
    state.set_scenario(changed, label)
    state.set_notice(notice + " Recalculez le plan à la page « Calcul ».")
    st.rerun()


def _locks(plan: Plan, student_id: str) -> None:
    """Lock periods of the shown plan, list the student's locks, unlock them."""
    scenario = state.current_scenario()
    if student_id not in {s.id for s in scenario.students}:
        return
    rev = state.revision()
    periods = {period_choice(p): p for p in plan.periods if p.student_id == student_id}
    if periods:
        chosen = st.multiselect(
            "Périodes à verrouiller",
            options=list(periods),
            key=f"eleve.lock.{rev}.{student_id}",
            placeholder="Choisissez une ou plusieurs périodes",
            help="Une période verrouillée (convention signée) ne bouge plus aux calculs suivants.",
        )
        button_key = f"eleve.lock_button.{rev}.{student_id}"
        if st.button("Verrouiller (convention signée)", key=button_key):
            new = [
                LockedPeriod(student=student_id, start=periods[c].start, end=periods[c].end)
                for c in chosen
            ]
            new = [lock for lock in new if lock not in scenario.locked]
            if not new:
                st.warning("Choisissez d'abord une période non verrouillée.")
            else:
                text = ", ".join(lock_text(lock) for lock in new)
                _with_locks(scenario, (*scenario.locked, *new), f"Période verrouillée : {text}.")
    locks = scenario.locks_of(student_id)
    if not locks:
        st.caption("Aucune période verrouillée pour cet élève.")
        return
    st.markdown("**Périodes verrouillées (conventions signées)**")
    for index, lock in enumerate(locks):
        cols = st.columns([4, 1])
        cols[0].markdown(f"- {LOCKED_MARK} : {plain(lock_text(lock))}")
        if cols[1].button("Déverrouiller", key=f"eleve.unlock.{rev}.{student_id}.{index}"):
            kept = list(scenario.locked)
            kept.remove(lock)
            _with_locks(scenario, kept, f"Période déverrouillée : {lock_text(lock)}.")
    try:
        faults = check_locks(scenario, state.calendar_of(scenario))
    except CalendarError:
        return
    for fault in faults:
        if fault.student == student_id:
            rule = f"{fault.rule} {RULE_TITLES.get(fault.rule, '')}"
            st.error(f"{plain(fault.message)}\n\n_Règle : {rule}_")


def _render() -> None:
    st.title("Élève")
    show_notice()
    solved = _shown()
    if solved is None:
        return
    scenario, result, plan, verdict = solved
    calendar = result.calendar
    students = {s.id: s for s in scenario.students}
    student_id = st.selectbox(
        "Élève",
        options=list(students),
        format_func=lambda sid: f"{students[sid].name} ({sid})",
        key="eleve.student",
    )
    if student_id is None:
        return
    student = students[student_id]
    requirement = requirement_of(student, scenario.rules)
    hosts = [scenario.host(h) for h in student.hosts]
    referent = plan.referent_of(student_id)
    teacher = scenario.teacher(referent).name if referent else "non désigné"
    host_text = ", ".join(h.name for h in hosts if h is not None) or "à trouver"
    st.caption(
        f"Parcours : {ROUTE_LABELS[student.route]} — entreprise : {plain(host_text)} — "
        f"{requirement.required_weeks} semaine(s) requise(s) — professeur référent (R12) : "
        f"{plain(teacher)}."
    )
    if requirement.exempt:
        st.info(f"Dispensé(e) de stage : {plain(requirement.exempt_reason)}")

    st.plotly_chart(
        student_gantt(plan, scenario, calendar, student_id), width="stretch", key="eleve.gantt"
    )
    st.subheader("Périodes")
    table = period_table(plan, scenario, student_id)
    if table.empty:
        st.write("Aucun jour en entreprise dans ce plan.")
    else:
        table["Verrou"] = lock_marks(plan, state.current_scenario(), student_id)
        st.dataframe(table, hide_index=True, width="stretch")
    _locks(plan, student_id)
    st.subheader(f"Règles {verdict.rules_text}")
    lines = rule_checklist(scenario, calendar, plan, verdict, student_id)
    columns = st.columns(2)
    for index, line in enumerate(lines):
        with columns[0 if index < (len(lines) + 1) // 2 else 1]:
            st.markdown(f":{_COLOURS[line.ok]}[**{line.mark}**] {plain(line.text)}")
            for detail in line.details:
                st.caption(plain(detail))
    st.subheader("Pourquoi ce plan")
    breakdown = objective_breakdown(scenario, calendar, plan)
    for text in student_explanation(breakdown, student_id):
        st.markdown(f"- {plain(text)}")


_render()
