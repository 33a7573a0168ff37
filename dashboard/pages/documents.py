"""Page « Documents »: the conventions' status (R11), kept in the scenario,
and the conventions' annexes (R11) and attestations (R13) to download."""

from __future__ import annotations

import streamlit as st

from dashboard import state
from dashboard.document_views import convention_table, line_label, status_counts
from dashboard.ui import plain, show_notice, solved_or_hint
from models import ConventionStatus, Plan, Scenario
from planner.documents import (
    ConventionLine,
    DocumentError,
    convention_statuses,
    documents_zip,
    scenario_with_status,
)
from planner.solve import SolveResult

K_ZIPS = "documents.zips"


def _statuses(scenario: Scenario, plan: Plan) -> None:
    st.subheader("Suivi des conventions (R11)")
    lines = convention_statuses(scenario, plan)
    counts = status_counts(lines)
    columns = st.columns(len(counts))
    for column, (label, count) in zip(columns, counts.items(), strict=True):
        column.metric(label, count)
    stale = [line for line in lines if line.stale]
    if stale:
        st.warning(
            f"{len(stale)} suivi(s) ne correspondent plus à une période du plan (le plan a "
            "bougé après l'envoi) : ils sont en fin de tableau."
        )
    st.dataframe(convention_table(lines, scenario, plan), hide_index=True, width="stretch")
    _change_status(scenario, lines)


def _change_status(scenario: Scenario, lines: list[ConventionLine]) -> None:
    """Pick conventions (several at once: « all those sent today »), a status
    and a note; the scenario keeps them (R11)."""
    st.markdown("**Changer le statut de conventions**")
    choices = {line_label(line): line for line in lines}
    rev = state.revision()
    chosen = st.multiselect(
        "Conventions",
        options=list(choices),
        key=f"documents.chosen.{rev}",
        placeholder="Choisissez une ou plusieurs conventions",
    )
    left, right = st.columns(2)
    status = left.selectbox(
        "Nouveau statut",
        options=list(ConventionStatus),
        format_func=lambda s: s.label,
        key=f"documents.status.{rev}",
    )
    note = right.text_input("Note (facultatif)", max_chars=200, key=f"documents.note.{rev}")
    if st.button("Enregistrer les statuts dans le scénario", key="documents.save"):
        if not chosen or status is None:
            st.warning("Choisissez d'abord au moins une convention.")
            return
        _save(scenario, [choices[c] for c in chosen], status, note.strip())


def _save(
    scenario: Scenario, lines: list[ConventionLine], status: ConventionStatus, note: str
) -> None:
    for line in lines:
        scenario = scenario_with_status(
            scenario, line.student_id, line.start, line.end, status, note or None
        )
    state.set_scenario(scenario, state.current_label())
    state.set_notice(
        f"{len(lines)} convention(s) passée(s) à « {status.label} » dans le scénario courant. "
        "Pour les garder dans un fichier : page « Scénario », « Enregistrer sous… »."
    )
    st.rerun()


def _downloads(scenario: Scenario, result: SolveResult, plan: Plan) -> None:
    st.subheader("Conventions (R11) et attestations (R13)")
    st.caption(
        "Une annexe pédagogique par période (dates, lieu, horaires, tuteur, dates de visite, "
        "évaluation) et une attestation par élève, à partir des modèles de l'établissement."
    )
    with_pdf = st.checkbox(
        "Avec les PDF (LibreOffice, environ 30 s pour une classe)",
        value=False,
        key="documents.pdf",
    )
    zips: dict[str, bytes] = st.session_state.setdefault(K_ZIPS, {})
    key = f"{state.solve_key(scenario, result.settings)}.{with_pdf}"
    if st.button("Générer les documents", key="documents.generate"):
        with st.spinner("Génération des documents…"):
            try:
                zips[key] = documents_zip(scenario, result.calendar, plan, pdf=with_pdf)
            except DocumentError as error:
                st.error(plain(error))
    if key in zips:
        st.download_button(
            "Télécharger les documents (ZIP)",
            data=zips[key],
            file_name=f"{state.current_label()}-documents.zip",
            mime="application/zip",
            key="documents.download",
        )


def _render() -> None:
    st.title("Documents")
    show_notice()
    solved = solved_or_hint()
    if solved is None:
        return
    scenario, result, plan, _ = solved
    _statuses(scenario, plan)
    _downloads(scenario, result, plan)


_render()
