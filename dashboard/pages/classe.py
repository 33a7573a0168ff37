"""Page « Vue de classe »: the class Gantt, the weekly strip and a few KPIs."""

from __future__ import annotations

import streamlit as st

from dashboard import state
from dashboard.charts import class_gantt, host_names, weekly_strip
from dashboard.ui import plain, show_notice, solved_or_hint
from dashboard.views import (
    ROUTE_LABELS,
    SORT_KEYS,
    STATUS_FILTERS,
    cohorts_of,
    fr_number,
    order_students,
    plan_of,
    students_placed,
)
from models import Route


def _render() -> None:
    st.title("Vue de classe")
    show_notice()
    solved = solved_or_hint()
    if solved is None:
        return
    scenario, result, plan, verdict = solved
    kpis = result.kpis
    st.caption(f"Scénario « {plain(state.current_label())} » — plan {result.status.value}.")

    placed, owing = students_placed(verdict)
    cols = st.columns(5)
    cols[0].metric("Élèves placés", f"{placed} / {owing}", help="Durée requise atteinte (R1, R2)")
    cols[1].metric(
        "Semaines scindées",
        kpis.get("split_teaching_weeks", "—"),
        help="Semaines d'enseignement où une partie de la classe est en entreprise "
        "toute la semaine et l'autre non (synchronisation)",
    )
    cols[2].metric(
        "Cours perdus / élève",
        fr_number(kpis.get("teaching_weeks_lost_per_student", 0)),
        help="Semaines d'enseignement passées en entreprise, en moyenne par élève",
    )
    cols[3].metric(
        "Jours en vacances",
        kpis.get("holiday_days", "—"),
        help="Jours en entreprise pendant les vacances scolaires, toute la classe (R8)",
    )
    cols[4].metric(
        "Périodes",
        f"{kpis.get('periods_of_weeks', '—')} / {kpis.get('single_day_periods', '—')}",
        help="Périodes de semaines / périodes de journées et de missions (fragmentation)",
    )

    members = list(scenario.students)
    cohorts = cohorts_of(scenario)
    if len(cohorts) > 1:
        # A school or an académie: one class at a time (a Gantt of every
        # student of 100 classes would be unreadable, and slow to draw).
        cohort = st.selectbox(
            "Classe",
            options=cohorts,
            key="classe.cohort",
            help=f"Le scénario compte {len(cohorts)} classes : le diagramme en montre une.",
        )
        members = [s for s in scenario.students if s.cohort == cohort]
        plan = plan_of(plan, [s.id for s in members])
        # The class's students only (its rows, its exempt count, its strip).
        scenario = scenario.model_copy(update={"students": tuple(members)})
    hosts = host_names(scenario)
    used_routes = sorted({s.route for s in scenario.students}, key=list(Route).index)
    used_hosts = sorted({s.host or "" for s in members}, key=lambda h: hosts.get(h or None, h))
    left, mid, right, last = st.columns([1, 1, 2, 1])
    sort_by = left.selectbox(
        "Trier par", options=list(SORT_KEYS), format_func=SORT_KEYS.__getitem__, key="classe.sort"
    )
    routes = mid.multiselect(
        "Parcours",
        options=[r.value for r in used_routes],
        format_func=lambda r: ROUTE_LABELS[Route(r)],
        key="classe.routes",
        placeholder="Tous",
    )
    chosen_hosts = right.multiselect(
        "Entreprise",
        options=used_hosts,
        format_func=lambda h: hosts.get(h or None, h),
        # Per class: its hosts are the options, so a choice made for one
        # class is not carried to another.
        key="classe.hosts" if len(cohorts) <= 1 else f"classe.hosts.{cohort}",
        placeholder="Toutes",
    )
    status = last.selectbox(
        "Verdict",
        options=list(STATUS_FILTERS),
        format_func=STATUS_FILTERS.__getitem__,
        key="classe.status",
    )
    ids = order_students(
        scenario,
        plan,
        verdict,
        sort_by=sort_by,
        routes=routes,
        hosts=chosen_hosts,
        status=status,
    )
    if not ids:
        st.warning("Aucun élève ne correspond à ces filtres.")
    else:
        st.plotly_chart(
            class_gantt(plan, scenario, result.calendar, students=ids),
            width="stretch",
            key="classe.gantt",
        )
    st.plotly_chart(
        weekly_strip(plan, scenario, result.calendar), width="stretch", key="classe.strip"
    )


_render()
