"""Page « Comparer »: KPIs, per-student differences and Gantts of 2-4 solved
scenarios on the same time axis."""

from __future__ import annotations

import streamlit as st

from dashboard import state
from dashboard.charts import stacked_gantts
from dashboard.ui import show_notice
from dashboard.views import diff_table, kpi_table
from planner.compare import compare_plans


def _render() -> None:
    st.title("Comparer")
    show_notice()
    results = state.saved_results()
    scenarios = state.saved_scenarios()
    labels = [label for label in results if label in scenarios]
    if len(labels) < 2:
        st.info(
            "Il faut au moins deux scénarios calculés pour comparer. Modifiez ou chargez un "
            "scénario (page « Scénario »), puis cliquez sur « Calculer » (page « Calcul ») : "
            f"chaque résultat est gardé ici. Résultats gardés : {len(labels)}."
        )
        return
    chosen = st.multiselect(
        "Scénarios à comparer (2 à 4)",
        options=labels,
        default=labels[-2:],
        max_selections=4,
        key="comparer.chosen",
        placeholder="Choisissez des scénarios calculés",
    )
    if len(chosen) < 2:
        st.warning("Choisissez au moins deux scénarios.")
        return

    st.subheader("Indicateurs")
    st.dataframe(kpi_table({label: results[label] for label in chosen}), width="stretch")

    st.subheader("Différences par élève")
    left, right = st.columns(2)
    which = "|".join(chosen)  # a new choice of scenarios resets A and B
    a = left.selectbox("Plan A", options=chosen, index=0, key=f"comparer.a.{which}")
    b = right.selectbox("Plan B", options=chosen, index=1, key=f"comparer.b.{which}")
    plan_a, plan_b = results[a].plan, results[b].plan
    if plan_a is not None and plan_b is not None and a != b:
        order = [s.id for s in scenarios[a].students] + [s.id for s in scenarios[b].students]
        diffs = compare_plans(plan_a, plan_b, order)
        if diffs:
            st.caption(f"{len(diffs)} élève(s) dont les jours en entreprise diffèrent de A à B.")
            st.dataframe(diff_table(diffs, scenarios[a]), hide_index=True, width="stretch")
        else:
            st.success("Les deux plans placent exactement les mêmes jours pour chaque élève.")
    else:
        st.caption("Choisissez deux plans différents.")

    st.subheader("Plans sur le même axe du temps")
    plans = {
        label: (plan, scenarios[label], results[label].calendar)
        for label in chosen
        if (plan := results[label].plan) is not None
    }
    st.plotly_chart(stacked_gantts(plans), width="stretch", key="comparer.gantts")


_render()
