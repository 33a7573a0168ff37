"""Shared helpers of the page tests (Streamlit AppTest): the app, seeded
with a scenario and its result, and one solve of the default scenario per
test session."""

from __future__ import annotations

import functools
from pathlib import Path

from streamlit.testing.v1 import AppTest

from dashboard import state
from models import Scenario, load_scenario
from planner.solve import SolveResult, SolveSettings, solve

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard" / "app.py")
DEFAULT = ROOT / "scenarios" / "default.yaml"


@functools.cache
def default_solved() -> tuple[Scenario, SolveResult]:
    """The default scenario and its optimal plan (solved once per session)."""
    scenario = load_scenario(DEFAULT)
    result = solve(scenario, SolveSettings.of(scenario))
    assert result.plan is not None and result.verdict is not None and result.verdict.ok
    return scenario, result


def app_on(
    page: str | None,
    scenario: Scenario | None = None,
    result: SolveResult | None = None,
    label: str = "default",
    **extra: object,
) -> AppTest:
    """The app entry point, seeded, run once, then switched to ``pages/<page>.py``."""
    app = AppTest.from_file(APP, default_timeout=120)
    if scenario is not None:
        for key, value in state.seed_values(scenario, label, result).items():
            app.session_state[key] = value
    for key, value in extra.items():
        app.session_state[key] = value
    app.run()
    assert not app.exception, app.exception
    if page is not None:
        app.switch_page(f"pages/{page}.py").run()
        assert not app.exception, app.exception
    return app
