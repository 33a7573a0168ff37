"""Entry point of the dashboard: ``streamlit run dashboard/app.py``.

Sets the page, loads the default scenario on first load, collects a solve
that ended while the teacher was on another page, and hands over to the
page chosen in the navigation.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard import state
from dashboard.ui import plain

PAGES = Path(__file__).resolve().parent / "pages"

st.set_page_config(page_title="stageplan", layout="wide")

state.ensure_initialised()
state.collect_finished_job()  # a solve that ended while on another page


@st.fragment(run_every=1.0)
def _watch_solve() -> None:
    """While a solve runs, whatever the page: say so, and rerun the app once it ends."""
    job = state.running_job()
    if job is None or job.done:
        st.rerun()
    ahead = job.ahead
    if ahead:
        st.info(f"« {plain(job.label)} » en attente : {ahead} calcul(s) avant le vôtre.")
    else:
        st.info(f"Calcul en cours pour « {plain(job.label)} »… ({job.elapsed_s:.0f} s)")


navigation = st.navigation(
    [
        st.Page(
            PAGES / "scenario.py", title="Scénario", icon=":material/edit_note:", default=True
        ),
        st.Page(PAGES / "calcul.py", title="Calcul", icon=":material/calculate:"),
        st.Page(PAGES / "classe.py", title="Vue de classe", icon=":material/calendar_month:"),
        st.Page(PAGES / "eleve.py", title="Élève", icon=":material/person:"),
        st.Page(PAGES / "visites.py", title="Visites", icon=":material/directions_car:"),
        st.Page(PAGES / "pourquoi.py", title="Pourquoi pas ?", icon=":material/help:"),
        st.Page(PAGES / "comparer.py", title="Comparer", icon=":material/compare:"),
        st.Page(PAGES / "exporter.py", title="Exporter", icon=":material/download:"),
        st.Page(PAGES / "documents.py", title="Documents", icon=":material/description:"),
    ]
)

with st.sidebar:
    st.caption("Scénario courant")
    st.markdown(f"**{plain(state.current_label())}**")
    st.caption(plain(state.current_scenario().name))
    if state.running_job() is not None:
        _watch_solve()

navigation.run()
