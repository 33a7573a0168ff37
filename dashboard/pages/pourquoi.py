"""Page « Pourquoi pas ? »: for a student and dates, the rules that keep
him from being placed there, or the cost of forcing that placement
(:func:`planner.whynot.why_not` on the current scenario and its plan)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from dashboard.ui import plain, show_notice, solved_or_hint
from models import Calendar, Plan
from planner.explain import TERM_LABELS
from planner.whynot import Outcome, WhyNot, WhyNotError, format_why_not, why_not

K_ANSWER = "pourquoi.answer"


def _free_week(calendar: Calendar, plan: Plan, student_id: str) -> tuple[dt.date, dt.date]:
    """The first whole week the student does not spend in company (default dates)."""
    placed = plan.dates_of(student_id)
    for monday, days in calendar.weeks.items():
        if calendar.is_whole_week(monday) and not placed & {d.date for d in days}:
            return monday, monday + dt.timedelta(days=4)
    return calendar.first_date, calendar.first_date


def _show(answer: WhyNot) -> None:
    if answer.outcome is Outcome.BLOCKED:
        st.error(f"Impossible : ces dates sont interdites ({', '.join(answer.rules)}).")
        for fault in answer.faults:
            st.markdown(f"- **{fault.rule}** : {plain(fault.message)}")
    elif answer.outcome is Outcome.INFEASIBLE:
        st.error(
            "Impossible : aucun plan ne respecte les règles avec ce placement "
            f"({', '.join(answer.rules) or 'règles'})."
        )
        for note in answer.notes:
            st.markdown(f"- {plain(note)}")
        for conflict in answer.conflicts:
            st.markdown(f"- **{', '.join(conflict.rules)}** : {plain(conflict.message)}")
            for lever in conflict.levers:
                st.markdown(f"    - levier : {plain(lever)}")
    elif answer.outcome is Outcome.NO_PLAN_IN_TIME:
        st.warning("Sans réponse : aucun plan trouvé dans le temps imparti.")
    else:
        delta = answer.delta
        if delta:
            st.warning(
                f"Placement possible, objectif {answer.objective:g} au lieu de "
                f"{answer.baseline_objective:g} ({delta:+g})."
            )
        else:
            st.success(f"Placement possible sans surcoût (objectif {answer.objective:g}).")
        if answer.changes:
            table = pd.DataFrame(
                {
                    "Critère": [TERM_LABELS[c.term] for c in answer.changes],
                    "Plan actuel": [c.before for c in answer.changes],
                    "Avec ce placement": [c.after for c in answer.changes],
                    "Écart": [c.delta for c in answer.changes],
                    "Poids": [c.weight for c in answer.changes],
                    "Écart pondéré": [c.weighted for c in answer.changes],
                }
            )
            st.dataframe(table, hide_index=True, width="stretch")
    with st.expander("Texte complet"):
        st.code(format_why_not(answer), language=None)


def _render() -> None:
    st.title("Pourquoi pas ?")
    show_notice()
    solved = solved_or_hint()
    if solved is None:
        return
    scenario, result, plan, _ = solved
    st.caption(
        "Choisissez un élève et des dates : la page dit quelles règles l'empêchent d'être en "
        "entreprise à ces dates, ou ce que coûterait ce placement (calcul avec ces jours imposés)."
    )
    students = {s.id: s for s in scenario.students}
    student_id = st.selectbox(
        "Élève",
        options=list(students),
        format_func=lambda sid: f"{students[sid].name} ({sid})",
        key="pourquoi.student",
    )
    calendar = result.calendar
    first, last = _free_week(calendar, plan, student_id)
    left, right = st.columns(2)
    low, high = calendar.first_date, calendar.last_date
    start = left.date_input("Du", first, low, high, key=f"pourquoi.start.{student_id}")
    end = right.date_input("Au", last, low, high, key=f"pourquoi.end.{student_id}")
    if st.button("Analyser", type="primary", key="pourquoi.run"):
        if not isinstance(start, dt.date) or not isinstance(end, dt.date):
            st.error("**dates** : choisissez une date de début et une date de fin.")
            return
        try:
            with st.spinner("Calcul avec ces dates imposées…"):
                answer = why_not(
                    scenario,
                    calendar,
                    student_id,
                    start,
                    end,
                    result.settings,
                    result.objective,
                    result.terms,
                )
        except WhyNotError as error:
            st.session_state.pop(K_ANSWER, None)
            st.error(f"**{error.field}** : {plain(error.message)}")
            return
        st.session_state[K_ANSWER] = answer
    shown = st.session_state.get(K_ANSWER)
    if isinstance(shown, WhyNot) and shown.student_id in students:
        st.subheader(f"{plain(shown.student_name)} du {shown.start} au {shown.end}")
        _show(shown)


_render()
