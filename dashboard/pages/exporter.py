"""Page « Exporter »: the current plan as files to download.

The five plan files (ZIP), the Excel workbook, the students' calendars
(ICS, one or all) and the class Gantt (HTML, PNG). Each file is made only
when its button is clicked (``st.download_button`` with a callable, run off
the script thread), so that the page opens at once.

With « Export pseudonymisé » ticked, every file is made from the
pseudonymised scenario (:func:`planner.privacy.shared_plan`): ids instead of
names, no tutor, address or reason (RGPD), and its name says so.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import plotly.graph_objects as go
import streamlit as st

from dashboard import state
from dashboard.charts import class_gantt
from dashboard.export_figures import gantt_html, gantt_png
from dashboard.ui import plain, show_notice, solved_or_hint
from models import Calendar, Plan, Scenario
from planner import exports
from planner.privacy import SharedPlan, pseudonymise, shared_plan
from planner.solve import SolveResult
from planner.validate import Verdict

_XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


#: The checkbox of pseudonymised exports.
PSEUDONYMOUS_LABEL = "Export pseudonymisé (identifiants seulement, pour partager)"
K_PSEUDONYMOUS = "export-pseudonyme"


def _slug(text: str) -> str:
    return re.sub(r"[^\w-]+", "-", text).strip("-").lower() or "plan"


class _Source:
    """What every download of the page is made from: the plan as it is, or
    (pseudonymous) its pseudonymised scenario, verdict and figures, checked
    once, on the first click that needs them."""

    def __init__(self, result: SolveResult, scenario: Scenario, pseudonymous: bool) -> None:
        assert result.plan is not None and result.verdict is not None
        self.plan: Plan = result.plan
        self.calendar: Calendar = result.calendar
        self.pseudonymous = pseudonymous
        self.named = scenario  # what the page shows (the teacher's own screen)
        self._scenario = scenario
        self._verdict: Verdict = result.verdict
        self._info: dict[str, Any] = result.solve_info()
        # The files' names (and the one-student calendar) need the scenario
        # only: pseudonymising it is cheap, checking the plan again is not.
        self.scenario = pseudonymise(scenario) if pseudonymous else scenario

    @functools.cached_property
    def _shared(self) -> SharedPlan:
        return shared_plan(self._scenario, self.calendar, self.plan, self._info)

    @property
    def verdict(self) -> Verdict:
        return self._shared.verdict if self.pseudonymous else self._verdict

    @property
    def info(self) -> dict[str, Any]:
        return self._shared.solve_info if self.pseudonymous else self._info


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
        f"Scénario « {plain(label)} » — plan {result.status.value} ; planning et agendas : "
        f"{len(exports.planned_students(scenario, plan))} élèves."
    )
    pseudonymous = st.checkbox(
        PSEUDONYMOUS_LABEL,
        key=K_PSEUDONYMOUS,
        help="Chaque fichier ci-dessous (ZIP, Excel, agendas, Gantt) remplace les noms des "
        "élèves, des enseignants et des entreprises par leurs identifiants, et ne contient ni "
        "tuteur, ni adresse, ni motif de dispense ou de durée réduite, ni note. Ces fichiers "
        "restent des données personnelles : ne les partagez qu'avec qui en a besoin.",
    )
    source = _Source(result, scenario, pseudonymous)
    stem = _slug(label) + ("-pseudonymise" if pseudonymous else "")
    _plan_files(source, stem)
    _calendars(source, stem)
    _gantt(source, stem)


def _plan_files(source: _Source, stem: str) -> None:
    st.subheader("Fichiers du plan")
    left, right = st.columns(2)
    with left:
        st.download_button(
            "Fichiers du plan (ZIP)",
            data=lambda: exports.plan_zip(
                source.scenario, source.calendar, source.plan, source.verdict, source.info
            ),
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
            data=lambda: exports.workbook_bytes(
                source.scenario, source.calendar, source.plan, source.verdict, source.info
            ),
            file_name=f"{stem}-planning.xlsx",
            mime=_XLSX_MIME,
            help="Feuille « Planning » imprimable (A4 paysage), une feuille par fichier du plan.",
            on_click="ignore",
            icon=":material/table_view:",
            key="export-xlsx",
        )


def _calendars(source: _Source, stem: str) -> None:
    scenario, plan = source.scenario, source.plan
    st.subheader("Agendas des élèves (ICS)")
    students = dict(exports.planned_students(source.named, plan))
    left, right = st.columns(2)
    with left:
        student_id = st.selectbox(
            "Élève",
            options=list(students),
            format_func=lambda sid: f"{students[sid]} ({sid})",
            key="export-ics-student",
        )
        if student_id is not None:
            # The file names the student by id when pseudonymised: so does its button.
            who = student_id if source.pseudonymous else students[student_id]
            st.download_button(
                f"Agenda de {plain(who)}",
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


def _gantt(source: _Source, stem: str) -> None:
    st.subheader("Diagramme de Gantt de la classe")

    def figure() -> go.Figure:
        return class_gantt(source.plan, source.scenario, source.calendar)

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
