"""Pinning and re-planning from the dashboard (Streamlit AppTest): lock a
period on the « Élève » page, unlock it, and re-plan with minimal change on
the « Calcul » page."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from page_support import app_on, default_solved

from dashboard import state
from dashboard.views import LOCKED_MARK, date_runs_fr, period_choice
from models import DayKind, PlanStatus, Scenario, scenario_from_dict
from models.scenario import LockedPeriod
from planner.locks import locked_dates
from planner.solve import SolveSettings

#: A week where e01 is not in company in the default plan: locking it forces changes.
LOCK_START, LOCK_END = dt.date(2026, 9, 28), dt.date(2026, 10, 2)


def _button(app: object, label: str) -> object:
    return next(b for b in app.button if b.label == label)  # type: ignore[attr-defined]


def _locked(scenario: Scenario, *locks: LockedPeriod) -> Scenario:
    raw = scenario.model_dump(mode="json")
    raw["locked"] = [lock.model_dump(mode="json") for lock in locks]
    return scenario_from_dict(raw)


def test_locking_then_unlocking_a_period_on_the_eleve_page() -> None:
    scenario, result = default_solved()
    assert result.plan is not None and not scenario.locked
    app = app_on("eleve", scenario, result)
    app.selectbox[0].select("e01").run()
    assert not app.exception, app.exception
    periods = [p for p in result.plan.periods if p.student_id == "e01"]
    block = next(p for p in periods if p.kind.value == "block")
    assert app.multiselect[0].options == [period_choice(p) for p in periods]
    app.multiselect[0].select(period_choice(block)).run()
    _button(app, "Verrouiller (convention signée)").click().run()  # type: ignore[attr-defined]
    assert not app.exception, app.exception

    current = app.session_state[state.K_SCENARIO]
    assert current.locked == (LockedPeriod(student="e01", start=block.start, end=block.end),)
    assert current.model_dump(exclude={"locked"}) == scenario.model_dump(exclude={"locked"})
    assert app.session_state[state.K_LABEL] == "default + verrou"
    # the old plan is still shown, said to be stale, with the locked period marked
    assert any("Recalculer en changeant le moins possible" in w.value for w in app.warning)
    assert any("Période verrouillée" in s.value for s in app.success)
    marks = list(app.dataframe[0].value["Verrou"])
    assert marks == [LOCKED_MARK if p == block else "" for p in periods]
    assert app.selectbox[0].value == "e01"

    _button(app, "Déverrouiller").click().run()  # type: ignore[attr-defined]
    assert not app.exception, app.exception
    assert app.session_state[state.K_SCENARIO].locked == ()
    assert not any(b.label == "Déverrouiller" for b in app.button)
    assert not app.warning  # back to the solved scenario: its own plan again
    assert set(app.dataframe[0].value["Verrou"]) == {""}


def test_calcul_replans_with_minimal_change_and_keeps_the_locked_days(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(state.SYNC_ENV, "1")  # AppTest cannot wait for a thread's rerun
    scenario, result = default_solved()
    assert result.plan is not None
    assert not any(LOCK_START <= d <= LOCK_END for d in result.plan.dates_of("e01"))
    locked = _locked(scenario, LockedPeriod(student="e01", start=LOCK_START, end=LOCK_END))
    previous = state.PreviousPlan(scenario, "default", result)
    app = app_on("calcul", locked, None, "default + verrou", **{state.K_PREVIOUS: previous})
    assert "Calculer" in [b.label for b in app.button]
    _button(app, "Recalculer en changeant le moins possible").click().run()  # type: ignore[attr-defined]
    assert not app.exception, app.exception

    (solved,) = app.session_state[state.K_LAST].values()
    assert solved.status is PlanStatus.OPTIMAL and solved.plan is not None
    days = set(locked_dates(locked, solved.calendar, "e01"))
    assert len(days) == 5 and days <= solved.plan.dates_of("e01")
    assert app.session_state[state.K_SAVED]["default + verrou"] is solved
    assert state.K_CACHE not in app.session_state  # a re-plan is not cached as a solve
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Jours-élèves changés"] == "5"
    assert metrics["Minimum"] == "prouvé"
    changes = next(d.value for d in app.dataframe if "Jours changés" in d.value.columns)
    (row,) = changes.to_dict("records")
    assert row["Élève"].endswith("(e01)")
    assert (row["Jours changés"], row["Jours ajoutés"], row["Jours retirés"]) == (5, 5, 0)
    assert row["Dates ajoutées"] == "du 28/09/2026 au 02/10/2026"
    assert any("minimum prouvé" in c.value for c in app.caption)


def test_calcul_shows_a_lock_that_breaks_a_rule_with_its_rule() -> None:
    scenario, result = default_solved()
    blocked = next(
        d.date
        for d in result.calendar.days
        if d.kind is DayKind.BLOCKED and d.date.weekday() == 0 and d.date > scenario.span.start
    )
    locked = _locked(scenario, LockedPeriod(student="e01", start=blocked, end=blocked))
    app = app_on("calcul", locked, None)
    errors = " ".join(e.value for e in app.error)
    assert "Période verrouillée en conflit" in errors
    assert "R7 la période verrouillée" in errors
    assert "_Règle : R7 " in errors
    # no previous plan in this session: nothing to re-plan from
    assert "Recalculer en changeant le moins possible" not in [b.label for b in app.button]


def test_date_runs_fr_joins_working_days_across_weekends() -> None:
    days = [dt.date(2027, 1, 7), dt.date(2027, 1, 8), dt.date(2027, 1, 11), dt.date(2027, 1, 13)]
    assert date_runs_fr(days) == "du 07/01/2027 au 11/01/2027, 13/01/2027"
    assert date_runs_fr([]) == ""


def test_replan_job_runs_on_a_background_thread() -> None:
    scenario, result = default_solved()
    locked = _locked(scenario, LockedPeriod(student="e01", start=LOCK_START, end=LOCK_END))
    previous = state.PreviousPlan(scenario, "default", result)
    job = state.ReplanJob(locked, SolveSettings.of(locked), "verrou", previous).start()
    assert job._thread is not None and job._thread.name == "stageplan-solve"
    deadline = time.monotonic() + 120
    while not job.done and time.monotonic() < deadline:
        time.sleep(0.05)
    assert job.done and job.error is None
    assert job.outcome is not None and job.outcome.total_changes == 5
    assert job.result is job.outcome.result
