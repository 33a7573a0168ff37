"""The « Élève » page (Streamlit AppTest): a student's Gantt, periods and
visits and checklist of rules R1-R10 and R12."""

from __future__ import annotations

from page_support import app_on, default_solved

from planner.counting import tally


def _checklist(app: object) -> str:
    return "\n".join(m.value for m in app.markdown)  # type: ignore[attr-defined]


def test_without_a_plan_the_page_points_to_calcul() -> None:
    app = app_on("eleve")
    assert app.title[0].value == "Élève"
    assert "« Calcul »" in app.info[0].value


def test_student_page_shows_periods_and_rule_checklist() -> None:
    scenario, result = default_solved()
    assert result.plan is not None
    app = app_on("eleve", scenario, result)
    assert app.selectbox[0].label == "Élève" and len(app.selectbox[0].options) == 33
    app.selectbox[0].select("e01").run()
    assert not app.exception, app.exception
    assert len(app.get("plotly_chart")) == 1
    periods = app.dataframe[0].value
    assert len(periods) == sum(p.student_id == "e01" for p in result.plan.periods)
    assert set(periods.columns) >= {"Type", "Début", "Fin", "Semaines", "Entreprise"}
    counted = tally(result.calendar, result.plan.dates_of("e01"))
    text = _checklist(app)
    for rule in [f"R{i} " for i in range(1, 11)]:
        assert rule in text
    assert f"R4 bloc le plus long : {counted.longest_run_weeks} semaines ≥ 6" in text
    assert f"R8 jours en vacances : {counted.holiday_days} ≤ 20" in text
    assert f"R9 repos d'été : {counted.min_summer_rest} jours ≥ 28" in text
    assert "✗" not in text
    visits = result.plan.visits_of("e01")
    referent = scenario.teacher(result.plan.referent_of("e01") or "").name
    assert f"R12 visites : {len(visits)} ≥ {len(visits)} requise(s), par {referent}" in text
    shown = " ".join(periods["Visites (R12)"])
    assert all(v.date.strftime("%d/%m/%Y") in shown for v in visits)
    assert f"professeur référent (R12) : {referent}" in app.caption[0].value
    assert "Fenêtres préférées manquées : " in text  # « Pourquoi ce plan »
    assert f"Jours en vacances : {counted.holiday_days}" in text


def test_picking_an_exempt_student_shows_the_reason() -> None:
    scenario, result = default_solved()
    app = app_on("eleve", scenario, result)
    app.selectbox[0].select("e26").run()  # Kylian R., repeating: earlier internship kept
    assert not app.exception, app.exception
    assert "Dispensé(e) de stage : redoublant" in app.info[0].value
    text = _checklist(app)
    assert "R3 dispense : redoublant" in text
    assert "R6 missions" in text  # he still takes part in the missions
