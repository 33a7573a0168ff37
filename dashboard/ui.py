"""Small streamlit helpers shared by the pages (messages, faults)."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from dashboard import state
from models import Fault, Plan, Scenario
from planner.solve import SolveResult
from planner.validate import Verdict


def show_notice() -> None:
    """The message left by the previous run (end of a solve, a saved file...)."""
    notice = state.pop_notice()
    if notice is None:
        return
    kind, text = notice
    {"success": st.success, "info": st.info, "warning": st.warning, "error": st.error}.get(
        kind, st.info
    )(text)


def show_faults(faults: Sequence[Fault], title: str = "") -> None:
    """Faults of a scenario, one line each: field, then the French message."""
    if not faults:
        return
    lines = [f"- **{f.field or f.file}** : {f.message}" for f in faults]
    st.error("\n".join([title, *lines]) if title else "\n".join(lines), icon=":material/error:")


def no_plan_hint() -> None:
    """What to do when the current scenario has no plan yet."""
    st.info(
        "Aucun plan n'a encore été calculé pour le scénario courant. "
        "Allez à la page « Calcul » et cliquez sur « Calculer »."
    )
    st.page_link("pages/calcul.py", label="Aller à la page Calcul", icon=":material/calculate:")


def solved_or_hint() -> tuple[Scenario, SolveResult, Plan, Verdict] | None:
    """The current scenario with its plan and verdict; None (after saying
    how to get one) when it has not been solved yet."""
    result = state.current_result()
    if result is None or result.plan is None or result.verdict is None:
        no_plan_hint()
        return None
    return state.current_scenario(), result, result.plan, result.verdict
