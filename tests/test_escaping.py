"""Every user-provided text is shown as written: a student, a host, a tutor
and a teacher named ``<img src=x onerror=alert(1)>**gras** [lien](...)``
and such a scenario label render on every page (Streamlit AppTest) with
their Markdown and HTML escaped, and the figures' texts hold ``&lt;img``,
never ``<img``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from factories import B, C, D, raw_scenario, span, student
from page_support import app_on
from streamlit.testing.v1 import AppTest

from dashboard import state
from dashboard.charts import (
    class_gantt,
    period_hover,
    progression_timeline,
    stacked_gantts,
    student_gantt,
    teacher_gantt,
    teacher_load_chart,
    visit_hover,
)
from dashboard.ui import plain
from models import Scenario, scenario_from_dict
from planner.solve import SolveResult, SolveSettings, solve

HOSTILE = "<img src=x onerror=alert(1)>**gras** [lien](javascript:alert(1))"
SIXTEEN = [B, C, span(D(2027, 5, 10), 4)]
#: What must never reach a Markdown body unescaped (plotly reads HTML only: ``<img``).
RAW = ("<img", "**gras**", "[lien]")


def hostile_raw() -> dict[str, Any]:
    raw = raw_scenario(
        [
            student("s1", name=HOSTILE, host="h1", referent="t1"),
            student("s2", name="Léa M.", host="h2"),
        ],
        open_ranges=SIXTEEN,
        hosts=[
            {
                "id": "h1",
                "name": HOSTILE,
                "address": HOSTILE,
                "town": "Lyon",
                "tutor": {"name": HOSTILE, "email": "t@exemple.fr"},
            },
            {"id": "h2", "name": "Librairie", "town": "Lyon"},
        ],
    )
    raw["teachers"] = [
        {"id": "t1", "name": HOSTILE, "visit_days": ["mardi", "jeudi"], "town": "Lyon"},
        {"id": "t2", "name": "M. Durand", "visit_days": ["lundi"], "town": "Lyon"},
    ]
    raw["progression"]["blocked"][0]["label"] = HOSTILE
    raw["conventions"] = [
        {"student": "s1", "start": "2027-01-04", "end": "2027-02-12", "note": HOSTILE}
    ]
    return raw


@pytest.fixture(scope="module")
def hostile() -> tuple[Scenario, SolveResult]:
    scenario = scenario_from_dict(hostile_raw())
    result = solve(scenario, SolveSettings(time_limit_s=20, seed=0, workers=2))
    assert result.plan is not None and result.verdict is not None and result.verdict.ok
    assert result.plan.visits
    return scenario, result


# --- the helper ------------------------------------------------------------------


def test_plain_escapes_markdown_html_and_directives() -> None:
    assert plain(HOSTILE) == (
        r"&lt;img src=x onerror=alert(1)&gt;\*\*gras\*\* \[lien\](javascript:alert(1))"
    )
    assert (
        plain(":red[rouge] $x$ _a_ `b` ~c~ a|b") == r":red\[rouge\] \$x\$ \_a\_ \`b\` \~c\~ a\|b"
    )
    assert plain("R&D <b>\\") == r"R&amp;D &lt;b&gt;\\"
    assert plain("deux\nlignes\r\n") == "deux lignes "
    # A mark that would start a heading, a list or a rule; plain sentences stay as written.
    assert [plain(t) for t in ("# titre", "- a", "+ b", "12. c", "3) d")] == [
        r"\# titre",
        r"\- a",
        r"\+ b",
        r"12\. c",
        r"3\) d",
    ]
    assert plain("Hugo B. (e02) : 16 semaines") == "Hugo B. (e02) : 16 semaines"


# --- figures ---------------------------------------------------------------------


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)
    elif hasattr(value, "tolist"):  # numpy arrays of a figure
        yield from _strings(value.tolist())


def _figure_texts(figure: Any) -> list[str]:
    return list(_strings(json.loads(figure.to_json())))


def test_hover_texts_escape_names(hostile: tuple[Scenario, SolveResult]) -> None:
    scenario, result = hostile
    assert result.plan is not None
    period = next(p for p in result.plan.periods if p.student_id == "s1")
    text = period_hover(period, "s1", HOSTILE)
    assert "&lt;img" in text and "<img" not in text
    visit = next(v for v in result.plan.visits if v.student_id == "s1")
    text = visit_hover(visit, "s1", scenario.host("h1"))
    assert "&lt;img" in text and "<img" not in text
    assert "<b>" in text  # the figure's own markup stays


def test_every_figure_escapes_user_text(hostile: tuple[Scenario, SolveResult]) -> None:
    scenario, result = hostile
    plan, calendar = result.plan, result.calendar
    assert plan is not None
    figures = {
        "class_gantt": class_gantt(plan, scenario, calendar),
        "student_gantt": student_gantt(plan, scenario, calendar, "s1"),
        "teacher_gantt": teacher_gantt(plan, scenario, calendar, "t1"),
        "teacher_load_chart": teacher_load_chart(plan, scenario, calendar),
        "stacked_gantts": stacked_gantts(
            {HOSTILE: (plan, scenario, calendar), "B": (plan, scenario, calendar)}
        ),
        "progression_timeline": progression_timeline(scenario, calendar),
    }
    for name, figure in figures.items():
        texts = _figure_texts(figure)
        assert not [t for t in texts if "<img" in t], name
        assert any("&lt;img" in t for t in texts), name


# --- pages -----------------------------------------------------------------------


#: Elements whose body Streamlit renders as Markdown.
_MARKDOWN_TYPES = {
    "markdown",
    "caption",
    "title",
    "header",
    "subheader",
    "error",
    "warning",
    "info",
    "success",
    "toast",
}
#: Widgets whose label Streamlit renders as Markdown (the options of a list are plain text).
_LABELLED_TYPES = {"button", "download_button", "checkbox", "metric", "text_input"}


class Rendered:
    """The Markdown sources of a page's main area, and its figures' texts."""

    def __init__(self, app: AppTest) -> None:
        self.markdown: list[str] = []
        self.figures: list[str] = []
        self._walk(app.main)

    def _walk(self, node: Any) -> None:
        for child in getattr(node, "children", {}).values():
            self._walk(child)
        kind = getattr(node, "type", "")
        if kind in _MARKDOWN_TYPES:
            self.markdown.append(str(node.value))
        elif kind in _LABELLED_TYPES:
            self.markdown.append(str(node.proto.label))
        elif kind == "plotly_chart":
            self.figures.extend(_strings(json.loads(node.proto.spec)))

    def assert_escaped(self, *, shown: bool = True) -> None:
        leaks = [body for body in self.markdown if any(raw in body for raw in RAW)]
        leaks += [text for text in self.figures if "<img" in text]
        assert not leaks, leaks
        if shown:
            assert any("&lt;img" in body for body in self.markdown)


def _page(
    page: str, scenario: Scenario, result: SolveResult, **extra: object
) -> tuple[AppTest, Rendered]:
    app = app_on(page, scenario, result, label=HOSTILE, **extra)
    assert not app.exception, app.exception
    return app, Rendered(app)


@pytest.mark.parametrize("page", ["classe", "eleve", "visites", "exporter"])
def test_pages_show_names_and_labels_escaped(
    hostile: tuple[Scenario, SolveResult], page: str
) -> None:
    _, rendered = _page(page, *hostile)
    rendered.assert_escaped()


def test_a_notice_quoting_user_text_is_escaped(hostile: tuple[Scenario, SolveResult]) -> None:
    notice = ("success", f"Scénario « {HOSTILE} » chargé.")
    _, rendered = _page("classe", *hostile, **{state.K_NOTICE: notice})
    assert any("Scénario « &lt;img" in body for body in rendered.markdown)
    rendered.assert_escaped()


def test_eleve_page_escapes_the_checklist_and_its_details(
    hostile: tuple[Scenario, SolveResult],
) -> None:
    app, rendered = _page("eleve", *hostile)
    assert app.selectbox[0].value == "s1"
    assert any(
        body.startswith(":green[**✓**] R10 entreprise : &lt;img") for body in rendered.markdown
    )


def test_pourquoi_page_escapes_the_answer(hostile: tuple[Scenario, SolveResult]) -> None:
    app, _ = _page("pourquoi", *hostile)
    app.button(key="pourquoi.run").click().run()
    assert not app.exception, app.exception
    assert any(str(s.value).startswith("&lt;img") for s in app.subheader)
    Rendered(app).assert_escaped()


def test_documents_and_comparer_pages_show_no_raw_text(
    hostile: tuple[Scenario, SolveResult],
) -> None:
    scenario, result = hostile
    _, rendered = _page("documents", scenario, result)
    rendered.assert_escaped(shown=False)
    saved = {HOSTILE: result, "autre": result}
    extra = {state.K_SAVED: saved, state.K_SAVED_SCENARIOS: dict.fromkeys(saved, scenario)}
    _, rendered = _page("comparer", scenario, result, **extra)
    rendered.assert_escaped(shown=False)
    assert any("&lt;img" in text for text in rendered.figures)  # the stacked Gantts' titles
