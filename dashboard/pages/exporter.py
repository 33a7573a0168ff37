"""Page « Exporter »: the current plan as files to download.

The five plan files (ZIP), the Excel workbook, the students' calendars
(ICS, one or all) and the class Gantt (HTML, PNG). Each file is made only
when its button is clicked (``st.download_button`` with a callable, run off
the script thread), so that the page opens at once.
"""

from __future__ import annotations

import re

import plotly.graph_objects as go
import streamlit as st

from dashboard import state
from dashboard.charts import class_gantt
from dashboard.export_figures import gantt_html, gantt_png
from dashboard.ui import show_notice, solved_or_hint
from models import Scenario
from planner import exports
from planner.solve import SolveResult

_XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _slug(text: str) -> str:
    return re.sub(r"[^\w-]+", "-", text).strip("-").lower() or "plan"


def _render() -> None:
    st.title("Exporter")
    show_notice()
    solved = solved_or_hint()
    if solved is None:
        return
    scenario, result, plan, verdict = solved
    if not verdict.ok:
        st.error(
            f"Ce plan enfreint {verdict.hard_violations} règle(s) : il n'est pas "
            "exporté. Relancez le calcul dans la page « Calcul »."
        )
        return
    label = state.current_label()
    st.caption(
        f"Scénario « {label} » — plan {result.status.value} ; planning et agendas : "
        f"{len(exports.planned_students(scenario, plan))} élèves."
    )
    _plan_files(scenario, result, _slug(label))
    _calendars(scenario, result, _slug(label))
    _gantt(scenario, result, _slug(label))


def _plan_files(scenario: Scenario, result: SolveResult, stem: str) -> None:
    plan, verdict = result.plan, result.verdict
    assert plan is not None and verdict is not None
    info = result.solve_info()
    st.subheader("Fichiers du plan")
    left, right = st.columns(2)
    with left:
        st.download_button(
            "Fichiers du plan (ZIP)",
            data=lambda: exports.plan_zip(scenario, result.calendar, plan, verdict, info),
            file_name=f"{stem}-plan.zip",
            mime="application/zip",
            help="calendar.csv, days.csv, periods.csv, students.csv et summary.json, "
            "comme les écrit « stageplan solve ».",
            on_click="ignore",
            icon=":material/folder_zip:",
            key="export-plan-zip",
        )
    with right:
        st.download_button(
            "Classeur Excel",
            data=lambda: exports.workbook_bytes(scenario, result.calendar, plan, verdict, info),
            file_name=f"{stem}-planning.xlsx",
            mime=_XLSX_MIME,
            help="Feuille « Planning » imprimable (A4 paysage), une feuille par fichier du plan.",
            on_click="ignore",
            icon=":material/table_view:",
            key="export-xlsx",
        )


def _calendars(scenario: Scenario, result: SolveResult, stem: str) -> None:
    plan = result.plan
    assert plan is not None
    st.subheader("Agendas des élèves (ICS)")
    students = dict(exports.planned_students(scenario, plan))
    left, right = st.columns(2)
    with left:
        student_id = st.selectbox(
            "Élève",
            options=list(students),
            format_func=lambda sid: f"{students[sid]} ({sid})",
            key="export-ics-student",
        )
        if student_id is not None:
            st.download_button(
                f"Agenda de {students[student_id]}",
                data=lambda: exports.student_ics(scenario, plan, student_id),
                file_name=exports.ics_file_name(scenario, student_id),
                mime="text/calendar",
                on_click="ignore",
                icon=":material/event:",
                key="export-ics-one",
            )
    with right:
        st.download_button(
            "Tous les agendas (ZIP)",
            data=lambda: exports.all_ics_zip(scenario, plan),
            file_name=f"{stem}-agendas.zip",
            mime="application/zip",
            help="Un fichier .ics par élève, à importer dans un agenda.",
            on_click="ignore",
            icon=":material/calendar_month:",
            key="export-ics-all",
        )


def _gantt(scenario: Scenario, result: SolveResult, stem: str) -> None:
    plan = result.plan
    assert plan is not None
    st.subheader("Diagramme de Gantt de la classe")

    def figure() -> go.Figure:
        return class_gantt(plan, scenario, result.calendar)

    left, right = st.columns(2)
    with left:
        st.download_button(
            "Gantt interactif (HTML)",
            data=lambda: gantt_html(figure()),
            file_name=f"{stem}-gantt.html",
            mime="text/html",
            help="Page autonome, lisible sans connexion.",
            on_click="ignore",
            icon=":material/html:",
            key="export-gantt-html",
        )
    with right:
        st.download_button(
            "Gantt en image (PNG)",
            data=lambda: gantt_png(figure()),
            file_name=f"{stem}-gantt.png",
            mime="image/png",
            help="Image dessinée par Chromium ; quelques secondes.",
            on_click="ignore",
            icon=":material/image:",
            key="export-gantt-png",
        )


_render()
