"""Page « Visites »: the teachers' follow-up visits (R12) of the solved plan.

The weekly load of each teacher against his maximum, the visits grouped by
date and town, one teacher's visits over his students' periods, and the
referent of each student. The figures and tables come from pure functions
(``dashboard.charts``, ``dashboard.views``); this page only lays them out.
"""

from __future__ import annotations

import streamlit as st

from dashboard import state
from dashboard.charts import teacher_gantt, teacher_load_chart, teacher_names
from dashboard.ui import plain, show_notice, solved_or_hint
from dashboard.views import (
    fr_number,
    referents_table,
    teacher_load_table,
    teacher_visits_table,
    visit_load,
    visit_trips_table,
)
from models import Calendar, Plan, Scenario


def _render() -> None:
    st.title("Visites")
    show_notice()
    if not state.current_scenario().teachers:
        st.info(
            "Le scénario ne nomme aucun enseignant : les visites de suivi (R12) ne sont "
            "pas planifiées. Ajoutez l'équipe pédagogique au scénario (`teachers:`, une "
            "liste ou `{file: equipe.csv}`), avec les jours de visite et le nombre "
            "maximal de visites par semaine de chacun, puis relancez le calcul."
        )
        return
    solved = solved_or_hint()
    if solved is None:
        return
    scenario, result, plan, _ = solved
    calendar = result.calendar
    st.caption(f"Scénario « {plain(state.current_label())} » — plan {result.status.value}.")
    if not plan.visits:
        st.info(
            "Ce plan ne compte aucune visite (R12) : aucune période ne demande de visite, "
            "ou le plan a été calculé sans l'étape des visites. Relancez le calcul."
        )
    else:
        _load(scenario, plan, calendar)
        _trips(scenario, plan)
        _teacher(scenario, plan, calendar)
    st.subheader("Professeurs référents")
    referents = referents_table(plan, scenario)
    if referents.empty:
        st.info("Aucun élève n'a encore de professeur référent.")
    else:
        st.dataframe(referents, hide_index=True, width="stretch")


def _load(scenario: Scenario, plan: Plan, calendar: Calendar) -> None:
    load = visit_load(plan, scenario)
    cols = st.columns(4)
    cols[0].metric("Visites", load.visits, help="Visites de suivi planifiées (R12)")
    cols[1].metric(
        "Maximum par enseignant et semaine",
        load.max_per_week,
        help="La semaine la plus chargée d'un enseignant",
    )
    cols[2].metric(
        "Moyenne par enseignant et semaine",
        fr_number(load.mean_per_week),
        help="Sur les semaines où l'enseignant fait au moins une visite",
    )
    busy = sum(1 for n in load.per_teacher.values() if n)
    cols[3].metric(
        "Enseignants qui visitent",
        f"{busy} / {len(scenario.teachers)}",
        help="Enseignants de l'équipe ayant au moins une visite",
    )
    st.subheader("Charge des enseignants par semaine")
    st.plotly_chart(
        teacher_load_chart(plan, scenario, calendar),
        width="stretch",
        key="visites.load",
    )
    st.dataframe(teacher_load_table(plan, scenario), hide_index=True, width="stretch")


def _trips(scenario: Scenario, plan: Plan) -> None:
    st.subheader("Visites par date et par ville")
    st.caption("Une ligne par déplacement : un enseignant, un jour, une ville.")
    st.dataframe(visit_trips_table(plan, scenario), hide_index=True, width="stretch")


def _teacher(scenario: Scenario, plan: Plan, calendar: Calendar) -> None:
    st.subheader("Visites d'un enseignant")
    names = teacher_names(scenario)
    teacher_id = st.selectbox(
        "Enseignant",
        options=list(names),
        format_func=names.__getitem__,
        key=f"visites.teacher.{state.revision()}",
    )
    if teacher_id is None:
        return
    visits = teacher_visits_table(plan, scenario, teacher_id)
    if visits.empty:
        st.info(f"{plain(names[teacher_id])} n'a aucune visite dans ce plan.")
        return
    st.plotly_chart(
        teacher_gantt(plan, scenario, calendar, teacher_id),
        width="stretch",
        key="visites.gantt",
    )
    st.dataframe(visits, hide_index=True, width="stretch")


_render()
