"""Page « Élève »: one student's periods and his checklist of rules R1-R10."""

from __future__ import annotations

import streamlit as st

from dashboard.charts import student_gantt
from dashboard.ui import show_notice, solved_or_hint
from dashboard.views import ROUTE_LABELS, period_table, rule_checklist, student_explanation
from models import requirement_of
from planner.explain import objective_breakdown

_COLOURS = {True: "green", False: "red", None: "gray"}


def _render() -> None:
    st.title("Élève")
    show_notice()
    solved = solved_or_hint()
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
    host = scenario.host(student.host)
    st.caption(
        f"Parcours : {ROUTE_LABELS[student.route]} — entreprise : "
        f"{host.name if host is not None else 'non attribuée'} — "
        f"{requirement.required_weeks} semaine(s) requise(s)."
    )
    if requirement.exempt:
        st.info(f"Dispensé(e) de stage : {requirement.exempt_reason}")

    st.plotly_chart(
        student_gantt(plan, scenario, calendar, student_id), width="stretch", key="eleve.gantt"
    )
    st.subheader("Périodes")
    table = period_table(plan, scenario, student_id)
    if table.empty:
        st.write("Aucun jour en entreprise dans ce plan.")
    else:
        st.dataframe(table, hide_index=True, width="stretch")
    st.subheader("Règles R1 à R10")
    lines = rule_checklist(scenario, calendar, plan, verdict, student_id)
    columns = st.columns(2)
    for index, line in enumerate(lines):
        with columns[0 if index < (len(lines) + 1) // 2 else 1]:
            st.markdown(f":{_COLOURS[line.ok]}[**{line.mark}**] {line.text}")
            for detail in line.details:
                st.caption(detail)
    st.subheader("Pourquoi ce plan")
    breakdown = objective_breakdown(scenario, calendar, plan)
    for text in student_explanation(breakdown, student_id):
        st.markdown(f"- {text}")


_render()
