"""The « Documents » page (Streamlit AppTest): conventions' status kept in
the scenario (R11), and the documents' ZIP (R11, R13)."""

from __future__ import annotations

import io
import zipfile

from page_support import app_on, default_solved

from dashboard import state
from models import ConventionStatus


def test_without_a_plan_the_page_points_to_calcul() -> None:
    app = app_on("documents")
    assert app.title[0].value == "Documents"
    assert "« Calcul »" in app.info[0].value


def test_statuses_changed_together_are_kept_in_the_scenario_and_the_plan_stays() -> None:
    scenario, result = default_solved()
    assert result.plan is not None
    app = app_on("documents", scenario, result)
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Conventions à envoyer"] == str(len(result.plan.periods))
    first, second = result.plan.periods[:2]
    picker = next(m for m in app.multiselect if m.label == "Conventions")
    labels = [o for o in picker.options if f"({first.student_id})" in o][:2]
    picker.set_value(labels)
    next(s for s in app.selectbox if s.label == "Nouveau statut").set_value(ConventionStatus.SENT)
    next(t for t in app.text_input if t.label == "Note (facultatif)").input("envoi du 12/11")
    app.button(key="documents.save").click().run()
    assert not app.exception, app.exception
    records = app.session_state[state.K_SCENARIO].conventions
    assert [(r.student, r.start, r.end, r.status, r.note) for r in records] == [
        (p.student_id, p.start, p.end, ConventionStatus.SENT, "envoi du 12/11")
        for p in (first, second)
    ]
    # A status is not a reason to solve again: the plan is still shown.
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Conventions envoyées"] == "2"
    assert "2 convention(s) passée(s) à « envoyée »" in app.success[0].value


def test_generate_docx_and_download_the_zip() -> None:
    scenario, result = default_solved()
    assert result.plan is not None
    app = app_on("documents", scenario, result)
    app.button(key="documents.generate").click().run()
    assert not app.exception, app.exception
    data = next(iter(app.session_state["documents.zips"].values()))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
    assert "conventions.csv" in names
    annexes = [n for n in names if n.startswith("conventions/") and n.endswith(".docx")]
    assert len(annexes) == len(result.plan.periods)
    assert not [n for n in names if n.endswith(".pdf")]  # PDF only when asked
    assert app.get("download_button")
